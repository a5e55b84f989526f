"""The HTML-to-Markdown pass: a markdownify converter taught WordPress's markup."""

import copy
import html as htmllib
import re

from bs4 import BeautifulSoup, Comment, NavigableString
from markdownify import ATX, MarkdownConverter, chomp

from blog.rendering import sanitise

from .elements import (
    PIPE_ALIGNMENTS,
    breaks_line,
    caption_and_credit,
    cell_alignment,
    closes_quote,
    code_language,
    find_caption,
    gallery_item_caption,
    image_attachment_id,
    is_block,
    is_complex_table,
    is_emoji,
    leading_spaces_kept,
    lone_image,
    media_url,
    only_an_image,
    per_line,
    pipe_table,
    poem_lines,
    points_at_image,
    preformatted_text,
    row_cells,
    stands_alone,
    table_rows,
    wrapping_anchor,
)
from .state import ImageRef
from .text import (
    collapse_spaces,
    escape_line_start,
    escape_markdown,
    italic,
    markdown_url,
    one_paragraph,
)

_MEDIA_TAGS = {"iframe", "object", "embed", "video", "audio"}
_GALLERY_CLASSES = {"wp-block-gallery", "gallery", "blocks-gallery-grid", "tiled-gallery"}
_UNSAFE_HREF = re.compile(r"\s*(?:javascript|vbscript|data):", re.I)
_AUTOLINKABLE = re.compile(r"^(?:https?|ftp)://[^\s<>]+$", re.I)


class Writer(MarkdownConverter):
    """markdownify, taught WordPress's markup and our Markdown dialect."""

    def __init__(self, context):
        super().__init__(
            heading_style=ATX,
            bullets="-",
            strong_em_symbol="*",
            escape_asterisks=False,
            escape_underscores=False,
            escape_misc=False,
        )
        self.context = context

    # Elements handled whole, before markdownify converts their children.
    def process_tag(self, node, parent_tags=None):
        parent_tags = parent_tags or set()
        handler = self._handler(node)
        if handler is not None:
            return handler(node, parent_tags)
        return super().process_tag(node, parent_tags)

    def _handler(self, node):
        name, classes = node.name, set(node.get("class") or ())
        if node.has_attr("data-wp-placeholder"):
            return self._placeholder
        if classes & _GALLERY_CLASSES and node.find("img"):
            return self._gallery
        if name == "figure" or "wp-caption" in classes:
            return self._figure
        if name == "pre" or (name == "div" and "poem" in classes):
            return self._preformatted
        if name in ("table", "dl"):
            return self._table if name == "table" else self._raw_html
        if name in _MEDIA_TAGS:
            return self._media_element
        if name in ("script", "style"):
            return self._dropped
        if name == "sup" and node.has_attr("data-fn"):
            return self._gutenberg_footnote
        if name == "a" and lone_image(node):
            return self._linked_image
        return None

    def process_text(self, el, parent_tags=None):
        parent_tags = parent_tags or set()
        text = collapse_spaces(str(el))
        previous, following = el.previous_sibling, el.next_sibling
        # Spaces next to a block or a line break do not show.
        if breaks_line(previous) or (previous is None and is_block(el.parent)):
            text = text.lstrip()
        if breaks_line(following) or (following is None and is_block(el.parent)):
            text = text.rstrip()
        if "_noformat" in parent_tags:
            return text
        line_start = previous is None or breaks_line(previous)
        return escape_markdown(text, line_start=line_start, cell=bool(parent_tags & {"td", "th"}))

    # --- Placeholders ------------------------------------------------------------------

    def _placeholder(self, node, parent_tags):
        item = self.context.placeholders[int(node["data-wp-placeholder"])]
        return getattr(self, f"_render_{item.kind}")(item, parent_tags)

    def _render_literal(self, item, parent_tags):
        return escape_markdown(item.text)

    def _render_footnote(self, item, parent_tags):
        return f"[^{self.context.add_footnote(item.text)}]"

    def _render_code(self, item, parent_tags):
        return self._code_block(item.text, item.language, parent_tags)

    def _render_media(self, item, parent_tags):
        return self._media_link(item.url, item.media, parent_tags)

    def _render_gallery(self, item, parent_tags):
        if not item.ids:
            self.context.problem("[gallery] without images dropped")
        parts = []
        for attachment_id in item.ids:
            markdown, record = self._image_markdown(ImageRef(attachment_id, ""))
            if record is None:
                self.context.problem(f"gallery image {attachment_id} not found")
            parts.append(markdown)
        return self._blocks(parts, parent_tags)

    # --- Images ------------------------------------------------------------------------

    def _figure(self, node, parent_tags):
        caption = find_caption(node)
        if caption is not None:
            caption.extract()
        images = node.find_all("img")
        if len(images) == 1 and only_an_image(node):
            return self._image_figure(images[0], caption, parent_tags)
        body = super().process_tag(node, parent_tags)
        return self._blocks([body, self._caption_paragraph(caption, parent_tags)], parent_tags)

    def _gallery(self, node, parent_tags):
        caption = node.find("figcaption", recursive=False)
        if caption is not None:
            caption.extract()
        parts = [
            self._image_figure(img, gallery_item_caption(img, node), parent_tags)
            for img in node.find_all("img")
        ]
        parts.append(self._caption_paragraph(caption, parent_tags))
        return self._blocks(parts, parent_tags)

    def _image_figure(self, img, caption_element, parent_tags):
        """An image in its own paragraph: a figure, its caption and credit on the record."""
        if is_emoji(img):
            return escape_markdown(img.get("alt", ""))
        caption, credit = caption_and_credit(caption_element)
        anchor = wrapping_anchor(img)
        target = self.context.link(anchor["href"].strip()) if anchor else ""
        ref = self._image_ref(img, caption=caption, credit=credit, link=target)
        markdown, record = self._image_markdown(ref)
        if record is not None:
            self._note_caption_links(caption_element, record)
            if anchor and not points_at_image(anchor, ref.url):
                markdown += f"\n\n[Link]({markdown_url(target)})"
            return self._blocks([markdown], parent_tags)
        if anchor and markdown:
            markdown = f"[{markdown}]({markdown_url(target)})"
        caption_markdown = self._caption_paragraph(caption_element, parent_tags)
        return self._blocks([markdown, caption_markdown], parent_tags)

    def _linked_image(self, node, parent_tags):
        img = node.find("img")
        if stands_alone(node):
            return self._image_figure(img, None, parent_tags)
        target = self.context.link(node["href"].strip())
        ref = self._image_ref(img, link=target)
        markdown, record = self._image_markdown(ref)
        if record is not None and points_at_image(node, ref.url):
            return markdown
        return f"[{markdown}]({markdown_url(target)})" if markdown else ""

    def convert_img(self, el, text, parent_tags):
        if is_emoji(el):
            return escape_markdown(el.get("alt", ""))
        anchor = wrapping_anchor(el)
        ref = self._image_ref(el, link=self.context.link(anchor["href"].strip()) if anchor else "")
        return self._image_markdown(ref)[0]

    def _image_ref(self, img, caption="", credit="", link=""):
        src = img.get("src") or ""
        if src.startswith("data:"):  # A lazy-loading placeholder.
            src = img.get("data-src") or img.get("data-lazy-src") or src
        alt = " ".join((img.get("alt") or "").split())
        return ImageRef(image_attachment_id(img), src, alt, caption, credit, link)

    def _image_markdown(self, ref):
        """`![alt](image:ID)` for a record, `![alt](url)` for any other image."""
        record = self.context.image(ref)
        alt = re.sub(r"([\[\]\\])", r"\\\1", ref.alt)
        if record is not None:
            return f"![{alt}](image:{record})", record
        if not ref.url:
            return "", None
        return f"![{alt}]({markdown_url(ref.url)})", None

    def _note_caption_links(self, caption_element, record):
        if caption_element is None:
            return
        for anchor in caption_element.find_all("a", href=True):
            self.context.problem(f"link in the caption of image {record} dropped: {anchor['href']}")

    def _caption_paragraph(self, caption, parent_tags):
        if caption is None:
            return ""
        return italic(self._children_markdown(caption, parent_tags))

    def convert_figcaption(self, el, text, parent_tags):
        return self._blocks([italic(one_paragraph(text))], parent_tags)

    # --- Code and verse ----------------------------------------------------------------

    def _preformatted(self, node, parent_tags):
        classes = set(node.get("class") or ())
        if classes & {"wp-block-verse", "poem", "verse"}:
            return self._poem(node, parent_tags)
        return self._code_block(preformatted_text(node), code_language(node), parent_tags)

    def _code_block(self, code, language, parent_tags):
        code = code.strip("\n").rstrip()
        if not code.strip():
            return ""
        if parent_tags & {"li", "blockquote", "_inline", "td", "th"}:
            # Fences only work at the start of a line: indent the code instead.
            indented = "\n".join("    " + line if line.strip() else "" for line in code.split("\n"))
            return self._blocks([indented], parent_tags - {"_inline"})
        longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
        fence = "`" * max(3, longest + 1)
        language = re.sub(r"[^\w+#.-]", "", language or "")
        return f"\n\n{fence}{language}\n{code}\n{fence}\n\n"

    def _poem(self, node, parent_tags):
        preformatted = node.name == "pre"
        lines = poem_lines(self._verse(node, preformatted), preformatted)
        if not lines:
            return ""
        if parent_tags & {"li", "blockquote", "_inline", "td", "th"}:
            # A ```poem fence only works at the start of a line: keep the lines as breaks.
            stanzas = "\n".join(lines).split("\n\n")
            kept = [
                "  \n".join(
                    escape_line_start(leading_spaces_kept(line)) for line in stanza.split("\n")
                )
                for stanza in stanzas
            ]
            return self._blocks(kept, parent_tags)
        return "\n\n```poem\n" + "\n".join(lines) + "\n```\n\n"

    def _verse(self, node, preformatted):
        """Markdown of a poem's lines: emphasis and links are closed on every line."""
        parts = []
        for child in node.children:
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString):
                text = str(child) if preformatted else re.sub(r"[ \t\r\n]+", " ", str(child))
                parts.append(escape_markdown(text))
            elif child.name == "br":
                parts.append("\n")
            elif child.name in ("em", "i", "strong", "b"):
                marker = "*" if child.name in ("em", "i") else "**"
                parts.append(per_line(self._verse(child, preformatted), marker, marker))
            elif child.name == "a" and child.get("href"):
                target = markdown_url(self.context.link(child["href"]))
                parts.append(per_line(self._verse(child, preformatted), "[", f"]({target})"))
            elif child.name == "img":
                parts.append(self.convert_img(child, "", set()))
            elif child.name in ("p", "div"):
                parts.append("\n\n" + self._verse(child, preformatted) + "\n\n")
            else:
                parts.append(self._verse(child, preformatted))
        return "".join(parts)

    # --- Tables ------------------------------------------------------------------------

    def _table(self, node, parent_tags):
        """A pipe table; its first row is the header, as the tables extension needs one."""
        rows = table_rows(node)
        if not rows:
            return ""
        if is_complex_table(rows) or parent_tags & {"_inline", "td", "th"}:
            return self._raw_html(node, parent_tags)
        cells = [[self._cell(cell, parent_tags) for cell in row_cells(row)] for row in rows]
        alignments = [
            PIPE_ALIGNMENTS.get(cell_alignment(cell), "---") for cell in row_cells(rows[0])
        ]
        caption = self._caption_paragraph(node.find("caption", recursive=False), parent_tags)
        return self._blocks([caption, pipe_table(cells, alignments)], parent_tags)

    def _cell(self, cell, parent_tags):
        return " ".join(super().process_tag(cell, parent_tags | {"table", "tr"}).split())

    def convert_td(self, el, text, parent_tags):
        return text.strip()

    convert_th = convert_td

    def _raw_html(self, node, parent_tags):
        """A table or definition list Markdown cannot express, kept as (sanitised) HTML."""
        if not node.get_text(strip=True) and not node.find("img"):
            return ""
        fragment = copy.copy(node)
        for anchor in fragment.find_all("a", href=True):
            anchor["href"] = self.context.link(anchor["href"])
        for img in fragment.find_all("img"):
            record = self.context.image(self._image_ref(img))
            if record is not None:
                self.context.problem(f"image {record} inside an HTML {node.name} keeps its old URL")
        for cell in fragment.find_all(["td", "th"]):
            # The sanitiser drops style attributes: the site aligns cells by class.
            alignment = cell_alignment(cell)
            cell.attrs.pop("class", None)
            if alignment:
                cell["class"] = f"align-{alignment}"
        for mark in fragment.find_all(attrs={"data-wp-placeholder": True}):
            mark.replace_with(self._placeholder_as_html(mark, node.name))
        for mark in fragment.find_all("sup", attrs={"data-fn": True}):
            number = self.context.gutenberg_footnote(mark["data-fn"]) or mark.get_text()
            mark.replace_with(BeautifulSoup(f"<sup>{number}</sup>", "html.parser"))
            self.context.problem(f"footnote {number} inside an HTML {node.name} is not linked")
        html = re.sub(r"\n[ \t]*(?=\n)", "", sanitise(str(fragment))).strip()
        return self._blocks([html], parent_tags)

    def _placeholder_as_html(self, mark, container):
        item = self.context.placeholders[int(mark["data-wp-placeholder"])]
        if item.kind == "media":
            self.context.problem(f"{item.media} {item.url} kept as a link")
            target = htmllib.escape(self.context.link(item.url))
            return BeautifulSoup(f'<a href="{target}">{target}</a>', "html.parser")
        if item.kind == "footnote":
            number = self.context.add_footnote(item.text)
            self.context.problem(f"footnote {number} inside an HTML {container} is not linked")
            return BeautifulSoup(f"<sup>{number}</sup>", "html.parser")
        if item.kind == "gallery":
            self.context.problem(f"gallery inside an HTML {container} dropped")
        return NavigableString(item.text)

    # --- Embeds, scripts, footnotes ----------------------------------------------------

    def _media_element(self, node, parent_tags):
        url = media_url(node)
        if not url:
            self.context.problem(f"<{node.name}> without a source dropped")
            return ""
        media = node.name if node.name in ("video", "audio") else "embed"
        return self._media_link(url, media, parent_tags)

    def _media_link(self, url, media, parent_tags):
        self.context.problem(f"{media} {url} kept as a link")
        target = self.context.link(url)
        if _AUTOLINKABLE.match(target):
            return self._blocks([f"<{target}>"], parent_tags)
        return self._blocks([f"[{escape_markdown(target)}]({markdown_url(target)})"], parent_tags)

    def _dropped(self, node, parent_tags):
        source = node.get("src")
        self.context.problem(f"{node.name} {source} dropped" if source else f"{node.name} dropped")
        return ""

    def _gutenberg_footnote(self, node, parent_tags):
        number = self.context.gutenberg_footnote(node["data-fn"])
        if number is not None:
            return f"[^{number}]"
        label = node.get_text(strip=True)
        self.context.problem(f"footnote {label} has no text in the footnotes meta")
        return f"<sup>{escape_markdown(label)}</sup>"

    def footnote_definitions(self):
        """`[^n]: …` for every footnote, including ones the text never refers to."""
        self.context.add_unreferenced_footnotes()
        definitions, index = [], 0
        while index < len(self.context.footnotes):  # A footnote may hold another.
            text = self.convert(self.context.footnotes[index]).strip()
            text = re.sub(r"\n(?=[^\n])", "\n    ", text)
            index += 1
            definitions.append(f"[^{index}]: {text}".rstrip())
        return "\n\n".join(definitions)

    # --- Inline markup -----------------------------------------------------------------

    def convert_a(self, el, text, parent_tags):
        if "_noformat" in parent_tags:
            return text
        prefix, suffix, text = chomp(text)
        href = (el.get("href") or "").strip()
        if not text or not href or _UNSAFE_HREF.match(href):
            return prefix + text + suffix
        if "wp-block-file__button" in (el.get("class") or ()):
            prefix = prefix or " "  # The file block's download button sits next to the name.
        target = self.context.link(href)
        plain = " ".join(el.get_text().split())
        if plain == target and _AUTOLINKABLE.match(target):
            return f"{prefix}<{target}>{suffix}"
        title = " ".join((el.get("title") or "").split())
        title = title.replace('"', "&quot;")
        title = f' "{title}"' if title and title.lower() != plain.lower() else ""
        return f"{prefix}[{text}]({markdown_url(target)}{title}){suffix}"

    def convert_br(self, el, text, parent_tags):
        if parent_tags & {"td", "th"}:
            return "<br>"
        return " " if "_inline" in parent_tags else "  \n"

    def convert_cite(self, el, text, parent_tags):
        if closes_quote(el) and "_inline" not in parent_tags:
            return f"\n\n— {text.strip().lstrip('—–- ')}\n\n"
        return self.convert_em(el, text, parent_tags)

    def convert_abbr(self, el, text, parent_tags):
        title = el.get("title")
        if not title or not text.strip():
            return text
        return f'<abbr title="{htmllib.escape(title)}">{text}</abbr>'

    convert_acronym = convert_abbr

    def convert_hN(self, n, el, text, parent_tags):  # noqa: N802 - markdownify's name
        if "_inline" in parent_tags:
            return text
        text = " ".join(text.split())
        if not text:
            return ""
        text = re.sub(r"(\s)(#+)$", r"\1\\\2", text)  # Not a closing "###".
        return f"\n\n{'#' * max(1, min(6, n))} {text}\n\n"

    def convert_li(self, el, text, parent_tags):
        text = (text or "").strip()
        if not text:
            return ""
        parent = el.parent
        if parent is not None and parent.name == "ol":
            start = str(parent.get("start", "1"))
            number = int(start) if start.isdecimal() else 1
            marker = f"{number + len(el.find_previous_siblings('li'))}."
        else:
            marker = "-"
        # Python-Markdown nests by four spaces, whatever the marker's width.
        return f"{marker} " + re.sub(r"\n(?=[^\n])", "\n    ", text) + "\n"

    def convert_summary(self, el, text, parent_tags):
        return self._blocks([f"**{text.strip()}**" if text.strip() else ""], parent_tags)

    convert_details = MarkdownConverter.convert_div
    convert_center = MarkdownConverter.convert_div
    convert_address = MarkdownConverter.convert_p
    convert_tt = MarkdownConverter.convert_code

    # --- Helpers -----------------------------------------------------------------------

    def _children_markdown(self, el, parent_tags):
        tags = parent_tags | {el.name}
        text = "".join(self.process_element(child, tags) for child in el.children)
        return one_paragraph(text)

    @staticmethod
    def _blocks(parts, parent_tags):
        parts = [part.strip("\n") for part in parts if part and part.strip()]
        if not parts:
            return ""
        if "_inline" in parent_tags:
            return " " + " ".join(parts) + " "
        return "\n\n" + "\n\n".join(parts) + "\n\n"


def _emphasis(marker, names):
    def convert(self, el, text, parent_tags):
        if "_noformat" in parent_tags or parent_tags & names:  # <b>a<b>b</b></b>
            return text
        prefix, suffix, text = chomp(text)
        if not text:
            return prefix or suffix
        return f"{prefix}{marker}{text}{marker}{suffix}"

    return convert


def _inline_html(tag):
    """Inline elements Markdown has no syntax for stay HTML; the renderer allows them."""

    def convert(self, el, text, parent_tags):
        if "_noformat" in parent_tags or not text.strip():
            return text
        prefix, suffix, text = chomp(text)
        return f"{prefix}<{tag}>{text}</{tag}>{suffix}"

    return convert


Writer.convert_b = Writer.convert_strong = _emphasis("**", {"b", "strong"})
Writer.convert_em = Writer.convert_i = Writer.convert_var = _emphasis("*", {"em", "i"})
Writer.convert_del = Writer.convert_s = Writer.convert_strike = _inline_html("del")
for _tag in ("ins", "mark", "small", "sub", "sup", "u"):
    setattr(Writer, f"convert_{_tag}", _inline_html(_tag))
