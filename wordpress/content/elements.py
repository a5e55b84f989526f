"""Questions asked of parsed HTML: what an element is, holds, links to or says.

Also the caption's credit (`split_credit`), by the rules in the package's docstring.
"""

import copy
import re
from urllib.parse import urlsplit

from bs4 import Comment, NavigableString, Tag

_BLOCK_TAGS = {
    "[document]", "address", "article", "aside", "audio", "blockquote", "caption", "center",
    "dd", "details", "div", "dl", "dt", "embed", "figcaption", "figure", "footer", "h1", "h2",
    "h3", "h4", "h5", "h6", "header", "hr", "iframe", "li", "main", "nav", "object", "ol",
    "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr",
    "ul", "video",
}  # fmt: skip
_INLINE_WRAPPERS = {"a", "b", "em", "font", "i", "span", "strong", "u"}
_NOT_AN_IMAGE_FIGURE = ["audio", "blockquote", "embed", "iframe", "object", "ol", "pre",
                        "table", "ul", "video"]  # fmt: skip
_BLOCKS_IN_A_CELL = ["blockquote", "dl", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
                     "iframe", "ol", "pre", "table", "ul", "video"]  # fmt: skip
_CAPTION_CLASSES = re.compile(
    r"^(?:wp-caption-text|wp-caption-dd|gallery-caption|blocks-gallery-item__caption)$"
)


def _is_tag(node, name):
    return isinstance(node, Tag) and node.name == name


def is_block(node):
    return isinstance(node, Tag) and (
        node.name in _BLOCK_TAGS or (node.name == "div" and node.has_attr("data-wp-placeholder"))
    )


def breaks_line(node):
    return is_block(node) or _is_tag(node, "br")


def _meaningful(node):
    if isinstance(node, Tag):
        return True
    return isinstance(node, NavigableString) and not isinstance(node, Comment) and node.strip()


def stands_alone(element):
    """Whether `element` is all there is of its paragraph (looking through <strong> etc.)."""
    node = element
    while node.parent is not None:
        parent = node.parent
        if [child for child in parent.children if _meaningful(child)] != [node]:
            return False
        if parent.name not in _INLINE_WRAPPERS:
            return is_block(parent)
        node = parent
    return True


def lone_image(anchor):
    images = anchor.find_all("img")
    return (
        anchor.get("href")
        and len(images) == 1
        and not is_emoji(images[0])
        and not anchor.get_text(strip=True)
        and wrapping_anchor(images[0]) is anchor
    )


def is_emoji(img):
    return bool({"wp-smiley", "emoji"} & set(img.get("class") or ()))


def wrapping_anchor(img):
    """The link around an image (through <span>, <strong> and the like), if any."""
    parent = img.parent
    while parent is not None and parent.name in _INLINE_WRAPPERS - {"a"}:
        parent = parent.parent
    if _is_tag(parent, "a") and (parent.get("href") or "").strip():
        return parent
    return None


def image_attachment_id(img):
    for css_class in img.get("class") or ():
        found = re.fullmatch(r"wp-image-(\d+)", css_class)
        if found:
            return int(found.group(1))
    for attribute in ("data-attachment-id", "data-wp-id", "data-id"):
        if str(img.get(attribute, "")).isdecimal():
            return int(img[attribute])
    holder = img.find_parent(id=re.compile(r"^attachment_\d+$"))
    return int(holder["id"].split("_")[1]) if holder is not None else None


def points_at_image(anchor, src):
    """A link to the image file itself (any size) or to its attachment page."""
    link, image = urlsplit(anchor["href"].strip()), urlsplit(src)
    if "attachment" in (anchor.get("rel") or ()):  # rel="attachment wp-att-12"
        return True
    if "attachment_id=" in link.query or "/attachment/" in link.path:
        return True
    return bool(_file_stem(link.path)) and _file_stem(link.path) == _file_stem(image.path)


def _file_stem(path):
    name = path.rstrip("/").rsplit("/", 1)[-1]
    name = re.sub(r"\.(?:jpe?g|png|gif|webp|avif|bmp|tiff?|svg|heic)$", "", name, flags=re.I)
    name = re.sub(r"-(?:\d+x\d+|scaled|rotated|e\d{10,})$", "", name)
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def find_caption(node):
    caption = node.find("figcaption", recursive=False)
    return caption if caption is not None else node.find(class_=_CAPTION_CLASSES)


def only_an_image(node):
    return (
        not node.get_text(strip=True)
        and not node.find(_NOT_AN_IMAGE_FIGURE)
        and not (node.find(attrs={"data-wp-placeholder": True}))
    )


def gallery_item_caption(img, gallery):
    for item in img.parents:
        if item is gallery:
            return None
        if item.name in ("figure", "li", "dl") or "gallery-item" in (item.get("class") or ()):
            return item.find(["figcaption", "dd"]) or item.find(class_=_CAPTION_CLASSES)
    return None


def _plain_text(element):
    parts = [
        " " if _is_tag(item, "br") else str(item)
        for item in element.descendants
        if _is_tag(item, "br")
        or (isinstance(item, NavigableString) and not isinstance(item, Comment))
    ]
    return " ".join("".join(parts).split())


_CREDIT_MARKER = re.compile(
    r"(?P<paren>\(\s*)?(?P<marker>(?:copyright\s*)?(?:©|\(c\)(?=\s*\w))"
    r"|\b(?:(?:photo(?:graph)?|image|picture)\s+)?credits?\s*:"
    r"|\bphoto(?:graph)?s?\s*(?::|by\b)|\bcourtesy\s+of\b)",
    re.IGNORECASE,
)


def split_credit(caption):
    """(caption, credit) from a caption's plain text; see the package's docstring."""
    found = _CREDIT_MARKER.search(caption)
    if not found or not re.search(r"\w", caption[found.end() :]):
        return caption, ""
    credit = caption[found.start("marker") :].strip()
    if found["paren"] and credit.endswith(")") and credit.count(")") > credit.count("("):
        credit = credit[:-1].rstrip()
    credit = re.sub(r"^((?:copyright\s*)?)\(c\)\s*", r"\1© ", credit, flags=re.I)
    return caption[: found.start()].rstrip(" \t-–—|/,;:"), credit


def caption_and_credit(element):
    if element is None:
        return "", ""
    credited = element.find_all(["cite", "small"])
    if credited:
        credit = _plain_text(credited[-1])
        rest = copy.copy(element)
        rest.find_all(["cite", "small"])[-1].extract()
        return _plain_text(rest).rstrip(" \t-–—|/,;:"), credit
    return split_credit(_plain_text(element))


def preformatted_text(node):
    parts = []
    for item in node.descendants:
        if _is_tag(item, "br"):
            parts.append("\n")
        elif isinstance(item, NavigableString) and not isinstance(item, Comment):
            parts.append(str(item))
    return "".join(parts).removeprefix("\n")  # HTML ignores a newline right after <pre>.


def code_language(node):
    code = node.find("code")
    classes = " ".join([*(node.get("class") or ()), *((code.get("class") or ()) if code else ())])
    found = re.search(r"(?:\blanguage-|\blang-|brush:\s*)([\w+#.-]+)", classes)
    if found:
        return found.group(1)
    return node.get("data-lang") or (code.get("data-lang") if code else "") or ""


def poem_lines(text, preformatted):
    lines = []
    for line in text.split("\n"):
        line = line.rstrip() if preformatted else line.strip(" ")
        indent = len(line) - len(line.lstrip(" \t\u00a0"))
        line = line[:indent].replace("\t", "    ").replace("\u00a0", " ") + line[indent:]
        if line.strip() or (lines and lines[-1]):
            lines.append(line if line.strip() else "")
    while lines and not lines[-1]:
        lines.pop()
    return lines


def leading_spaces_kept(line):
    stripped = line.lstrip(" ")
    return "\u00a0" * (len(line) - len(stripped)) + stripped


def per_line(text, before, after):
    def wrap(line):
        if not line.strip():
            return line
        indent = line[: len(line) - len(line.lstrip())]
        return f"{indent}{before}{line.strip()}{after}"

    return "\n".join(wrap(line) for line in text.split("\n"))


def table_rows(table):
    rows = [row for row in table.find_all("tr") if row.find_parent("table") is table]
    rows = [row for row in rows if row_cells(row)]
    order = {"thead": 0, "tfoot": 2}
    return sorted(rows, key=lambda row: order.get(row.parent.name, 1))


def row_cells(row):
    return row.find_all(["td", "th"], recursive=False)


def is_complex_table(rows):
    cells = [cell for row in rows for cell in row_cells(row)]
    spans = (
        str(cell.get(name, "1")).strip() not in ("", "1")
        for cell in cells
        for name in ("colspan", "rowspan")
    )
    return (
        any(spans)
        or sum(row.parent.name == "thead" for row in rows) > 1
        or any(cell.find(_BLOCKS_IN_A_CELL) or len(cell.find_all("p")) > 1 for cell in cells)
    )


PIPE_ALIGNMENTS = {"left": ":---", "center": ":---:", "right": "---:"}


def cell_alignment(cell):
    """How WordPress aligned the cell: left, center, right, or None."""
    text = " ".join([*(cell.get("class") or ()), cell.get("style", ""), cell.get("align", "")])
    found = re.search(r"(?:text-align-|text-align:\s*|^|\s)(left|center|right)\b", text)
    return found and found.group(1)


def pipe_table(rows, alignments):
    width = max(len(row) for row in rows)
    rows = [row + [""] * (width - len(row)) for row in rows]
    alignments = alignments + ["---"] * (width - len(alignments))
    return "\n".join("| " + " | ".join(row) + " |" for row in [rows[0], alignments, *rows[1:]])


def media_url(node):
    url = node.get("src") or node.get("data") or ""
    if not url:
        source = node.find(["source", "embed"], src=True)
        param = node.find("param", attrs={"name": re.compile(r"^(movie|src)$", re.I)})
        url = (source and source["src"]) or (param and param.get("value")) or ""
    return url.strip()


def closes_quote(cite):
    """A <cite> that ends its block quote names the quote's source."""
    parent = cite.parent
    if parent is None or [c for c in parent.children if _meaningful(c)][-1] is not cite:
        return False
    if parent.name == "blockquote":
        return True
    grandparent = parent.parent
    return (
        parent.name == "p"
        and _is_tag(grandparent, "blockquote")
        and [c for c in grandparent.children if _meaningful(c)][-1] is parent
    )
