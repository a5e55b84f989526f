"""Markdown to sanitised HTML, done once when a post is saved.

Authors write Markdown; images are referenced by record (`![](image:42)`) so the
alt text, caption and credit always come from the image's record. Whatever the
author types, the HTML that comes out has passed through nh3.
"""

import bisect
import html
import re
import xml.etree.ElementTree as etree
from html.parser import HTMLParser

import markdown
import nh3
from django.conf import settings
from django.utils.translation import gettext as _
from markdown.blockprocessors import BlockProcessor
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

IMAGE_REF = re.compile(r"\(\s*image:(\d+)\s*(?:\"[^\"]*\"\s*)?\)")
# A line that opens a fenced block (with its info string), and one that can close it.
FENCE_OPENING = re.compile(r"(`{3,}|~{3,})(.*)")
FENCE_CLOSING = re.compile(r"(`{3,}|~{3,})[ \t]*")
# What stands before a line's text and nests it: indents, quote and list markers.
LIST_MARKER = re.compile(r"[*+-](?=[ \t])|\d{1,9}[.)](?=[ \t])")
NESTING_TOKEN = re.compile(rf"[ \t]+|>|{LIST_MARKER.pattern}")
NESTING = re.compile(rf"(?:{NESTING_TOKEN.pattern})*")
# What may start inline markup: emphasis, code, links, images, footnotes, HTML,
# entities, escapes, table cells, smart quotes, dashes and ellipses.
MARK = re.compile(r"""[*_`\[!<&|\\"']|--|\.\.\.""")
PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
LONG_PARAGRAPH = 5_000
# Characters the renderer reads ahead, looking for the end of a link or a tag, that cost
# it as much as a mark.
SCAN_PER_MARK = 100
# A horizontal rule ("* * *"), which looks like list markers and nests nothing.
RULE = re.compile(r"[ \t]*([-*_])(?:[ \t]*\1){2,}[ \t]*")
# Markdown strips STX/ETX from the source before the poem preprocessor runs, so an
# author cannot type a placeholder.
POEM_MARKER = "\x02poem:{}\x03"
POEM_PLACEHOLDER = re.compile("\x02poem:(\\d+)\x03")

SAFE_URL_SCHEMES = {"http", "https", "mailto"}
RENDERER_ID = re.compile(r"(?:fn|fnref\d*):[\w-]+|image-\d+")
RENDERER_CLASSES = {"footnote", "footnote-ref", "footnote-backref", "figure", "caption", "credit",
                    "poem", "is-missing"}  # fmt: skip
# A table column's alignment, as a class: pages carry no style attribute (Content-Security-Policy).
ALIGNMENTS = ("left", "center", "right")
CELL_CLASSES = {f"align-{alignment}" for alignment in ALIGNMENTS}
URL_SCHEME = re.compile(r"([a-z][a-z0-9+.-]*):", re.IGNORECASE)
URL_ATTRIBUTES = {"href", "src", "cite"}

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "div",
    "dl", "dt", "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i",
    "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "small", "span",
    "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "*": {"class", "id", "title", "lang", "dir"},
    "a": {"href", "rel"},
    "img": {"src", "srcset", "sizes", "alt", "width", "height", "loading", "decoding"},
    "ol": {"start", "reversed", "type"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "blockquote": {"cite"},
    "q": {"cite"},
}


def image_ids(text):
    """The ids of the image records that Markdown `text` refers to, in order."""
    return [int(found) for found in IMAGE_REF.findall(text or "")]


def fenced_blocks(lines):
    """(first line, last line, info string) of each fenced block, in one pass.

    A block ends at the next line holding its fence alone; an opening fence that is
    never closed is text. Python-Markdown's own fenced_code searches the rest of the
    text for each one, which an author could make take minutes.
    """
    closings = {}
    for number, line in enumerate(lines):
        closing = FENCE_CLOSING.fullmatch(line)
        if closing:
            closings.setdefault(closing.group(1), []).append(number)
    blocks, number = [], 0
    while number < len(lines):
        opening = FENCE_OPENING.match(lines[number])
        if opening and not (opening.group(1)[0] == "`" and "`" in opening.group(2)):
            candidates = closings.get(opening.group(1), [])
            found = bisect.bisect_right(candidates, number)
            if found < len(candidates):
                blocks.append((number, candidates[found], opening.group(2).strip(" \t")))
                number = candidates[found] + 1
                continue
        number += 1
    return blocks


class FencePreprocessor(Preprocessor):
    """Lifts each fenced block out of the text before block parsing: code is kept as
    it is, escaped, and each ```poem block is put back by `PoemBlockProcessor`.

    The block parser never sees a poem's lines, so a line that starts with "1. ",
    "- ", "#" or ">" stays a line of the poem; the inline patterns (emphasis, links,
    smart quotes, footnote references) still apply to it.
    """

    def run(self, lines):
        poems, kept, start = self.md.colloquy_poems, [], 0
        for first, last, info in fenced_blocks(lines):
            body = "\n".join(lines[first + 1 : last])
            if info == "poem":
                poems.append(body)
                placeholder = POEM_MARKER.format(len(poems) - 1)
            else:
                code = html.escape(body + "\n" if body else "", quote=False)
                placeholder = self.md.htmlStash.store(f"<pre><code>{code}</code></pre>")
            kept += [*lines[start:first], "", placeholder, ""]
            start = last + 1
        return kept + lines[start:]


class PoemBlockProcessor(BlockProcessor):
    """A poem: stanzas (parted by blank lines) as <p>, lines kept with <br> and indents."""

    def test(self, parent, block):
        return POEM_PLACEHOLDER.fullmatch(block.strip()) is not None

    def run(self, parent, blocks):
        number = int(POEM_PLACEHOLDER.fullmatch(blocks.pop(0).strip()).group(1))
        poem = etree.SubElement(parent, "div", {"class": "poem"})
        body = self.parser.md.colloquy_poems[number].strip("\n")
        for stanza in re.split(r"\n(?:[ \t]*\n)+", body):
            if not stanza.strip():
                continue
            paragraph = etree.SubElement(poem, "p")
            for index, line in enumerate(stanza.split("\n")):
                text = self._line(line)
                if index == 0:
                    paragraph.text = text
                else:
                    br = etree.SubElement(paragraph, "br")
                    br.tail = text  # Markdown puts a newline after each <br>.

    @staticmethod
    def _line(line):
        line = line.rstrip()
        stripped = line.lstrip(" ")
        return "\u00a0" * (len(line) - len(stripped)) + stripped


class FigureTreeprocessor(Treeprocessor):
    """Turns `image:ID` references into <figure>s (or plain <img> inside text)."""

    def __init__(self, md, images, mark_missing=False):
        super().__init__(md)
        self.images = images
        self.mark_missing = mark_missing

    def run(self, root):
        for parent in list(root.iter()):
            for child in list(parent):
                if child.tag == "p" and self._is_lone_image(child):
                    figure = self._figure(child[0])
                    if figure is None:
                        parent.remove(child)
                    else:
                        # Where the paragraph is now: earlier removals shift the indexes.
                        parent[list(parent).index(child)] = figure
                elif (
                    child.tag == "img"
                    and child.get("src", "").startswith("image:")
                    and not self._fill_img(child)
                ):
                    _remove_keeping_tail(parent, child)

    def _is_lone_image(self, paragraph):
        return (
            len(paragraph) == 1
            and paragraph[0].tag == "img"
            and paragraph[0].get("src", "").startswith("image:")
            and not (paragraph.text or "").strip()
            and not (paragraph[0].tail or "").strip()
        )

    def _record(self, img):
        try:
            return self.images.get(int(img.get("src", "").split(":", 1)[1]))
        except ValueError:
            return None

    def _fill_img(self, img, record=None):
        record = record or self._record(img)
        img.attrib.clear()
        if record is None or not record.image:
            return False
        img.set("src", record.image.url)
        img.set("alt", record.alt_text)
        if record.width and record.height:
            img.set("width", str(record.width))
            img.set("height", str(record.height))
        srcset = record.srcset()
        if srcset:
            img.set("srcset", srcset)
            img.set("sizes", "(max-width: 48rem) 100vw, 48rem")
        img.set("loading", "lazy")
        img.set("decoding", "async")
        return True

    def _figure(self, img):
        record = self._record(img)
        if record is None:
            # An empty frame: it says where an image would be, and nothing of the image.
            return (
                etree.Element("figure", {"class": "figure is-missing"})
                if self.mark_missing
                else None
            )
        figure = etree.Element("figure", {"class": "figure", "id": f"image-{record.pk}"})
        if record.image:
            self._fill_img(img, record)
            figure.append(img)
            img.tail = None
        else:
            # The file is missing (an import could not find it): the words say what it was.
            figure.set("class", "figure is-missing")
        if not record.image and not (record.caption or record.credit):
            caption = etree.SubElement(figure, "figcaption")
            etree.SubElement(caption, "span", {"class": "caption"}).text = record.alt_text
        if record.caption or record.credit:
            caption = etree.SubElement(figure, "figcaption")
            if record.caption:
                text = etree.SubElement(caption, "span", {"class": "caption"})
                text.text = record.caption
            if record.credit:
                credit = etree.SubElement(caption, "span", {"class": "credit"})
                credit.text = record.credit
                if record.source_url:
                    credit.text = None
                    link = etree.SubElement(credit, "a", {"href": record.source_url})
                    link.text = record.credit
        return figure


def _remove_keeping_tail(parent, child):
    """Take `child` out of `parent` without losing the text that follows it."""
    if child.tail:
        index = list(parent).index(child)
        if index:
            previous = parent[index - 1]
            previous.tail = (previous.tail or "") + child.tail
        else:
            parent.text = (parent.text or "") + child.tail
    parent.remove(child)


class AlignmentTreeprocessor(Treeprocessor):
    """A table column's alignment (`|:-:|`) becomes a class of its cells."""

    def run(self, root):
        for cell in root.iter():
            if cell.tag in ("td", "th") and cell.get("align") in ALIGNMENTS:
                cell.set("class", f"align-{cell.attrib.pop('align')}")


class HeadingTreeprocessor(Treeprocessor):
    """The post's title is the page's <h1>, so a `# Heading` in the body becomes an <h2>."""

    def run(self, root):
        for heading in root.iter("h1"):
            heading.tag = "h2"


class ColloquyExtension(Extension):
    def __init__(self, images=None, mark_missing=False, **kwargs):
        self.images = images or {}
        self.mark_missing = mark_missing
        super().__init__(**kwargs)

    def extendMarkdown(self, md):  # noqa: N802 - Markdown's API name
        md.colloquy_poems = []
        # Smart quotes and dashes in the one inline pass, last: smarty's own second pass
        # over the finished tree takes time in the square of a parent's children.
        smarty = md.treeprocessors["smarty"]
        md.treeprocessors.deregister("smarty")
        for index, pattern in enumerate(smarty.inlinePatterns):
            md.inlinePatterns.register(pattern, f"smarty-{index}", 40 - index / 100)
        # After normalize_whitespace (30, registered first).
        md.preprocessors.register(FencePreprocessor(md), "fences", 29)
        md.parser.blockprocessors.register(PoemBlockProcessor(md.parser), "poem", 95)
        md.treeprocessors.register(
            FigureTreeprocessor(md, self.images, self.mark_missing), "figures", 5
        )
        md.treeprocessors.register(HeadingTreeprocessor(md), "headings", 4)
        md.treeprocessors.register(AlignmentTreeprocessor(md), "alignment", 3)


def markdown_problem(text):
    """Why `text` is not rendered as Markdown, or None: it is longer than
    MARKDOWN_MAX_LENGTH characters, has more than MARKDOWN_MAX_MARKUP marks (`markup`),
    or nests lists and quotes deeper than MARKDOWN_MAX_DEPTH. Together they bound the
    time rendering takes (bench/README.md); each is checked in one pass over the text."""
    text = text or ""
    if len(text) > settings.MARKDOWN_MAX_LENGTH:
        return _(
            "This text is %(length)s characters long; the limit is %(limit)s. "
            "Shorten it, or split it into several posts."
        ) % {"length": f"{len(text):,}", "limit": f"{settings.MARKDOWN_MAX_LENGTH:,}"}
    for number, depth in _depths(text):
        if depth > settings.MARKDOWN_MAX_DEPTH:
            return _(
                "Line %(line)s is nested %(depth)s levels deep (lists, quotes and indents); "
                "the limit is %(limit)s."
            ) % {"line": number + 1, "depth": depth, "limit": settings.MARKDOWN_MAX_DEPTH}
    marks = markup(text)
    if marks > settings.MARKDOWN_MAX_MARKUP:
        return _(
            "This text has too much markup to render quickly: %(marks)s marks (lines, "
            "quotes, emphasis, links, table cells…); the limit is %(limit)s. Shorten it, "
            "split its longest paragraphs, or split it into several posts."
        ) % {"marks": f"{marks:,}", "limit": f"{settings.MARKDOWN_MAX_MARKUP:,}"}
    return None


def _depths(text):
    """(line number, nesting depth) of each line of `text` that can nest."""
    lines = text.split("\n")
    fenced = iter(fenced_blocks(lines))
    block = next(fenced, None)
    for number, line in enumerate(lines):
        if block is not None and number > block[1]:
            block = next(fenced, None)
        if (block is not None and block[0] <= number) or RULE.fullmatch(line):
            continue  # code, poems and rules nest nothing
        yield number, _nesting(line)


def markup(text):
    """What rendering `text` costs, in marks: a mark per line, per level a line is
    nested, per character that may start inline markup, and four per footnote. Each mark
    costs the renderer a pass over its paragraph, so a paragraph's marks count once more
    for each LONG_PARAGRAPH characters it holds; and each SCAN_PER_MARK characters it
    reads ahead for the end of a link or a tag count one more."""
    # The block parser reads a line once more for each level it is nested.
    total = sum(depth for _, depth in _depths(text))
    total += _spans(text, r"<[a-zA-Z/!?]", ">", nested=False) // SCAN_PER_MARK
    for paragraph in PARAGRAPH_BREAK.split(text):
        marks = paragraph.count("\n") + 1 + len(MARK.findall(paragraph))
        total += marks * (1 + len(paragraph) // LONG_PARAGRAPH)
        scanned = _spans(paragraph, r"\[", "]") + _spans(paragraph, r"\]?\(", ")", counted="]")
        total += scanned // SCAN_PER_MARK
    # Footnotes cost the renderer time in the square of their number.
    return total + 3 * text.count("[^")


def _spans(text, opening, closing, nested=True, counted=""):
    """How far the renderer reads ahead for the ends of what `opening` starts: from each
    opening to the `closing` that matches it (with `nested`, else to the next one), or to
    the end of `text` when none does. With `counted`, only openings that start with it
    count (a link's "](", though every "(" nests)."""
    spans, pending = 0, []
    for found in re.finditer(f"({opening})|{re.escape(closing)}", text):
        if found.group(1):
            pending.append((found.end(), found.group(1).startswith(counted)))
        elif pending and nested:
            start, counts = pending.pop()
            spans += (found.start() - start) * counts
        elif pending:
            spans += sum((found.start() - start) * counts for start, counts in pending)
            pending = []
    return spans + sum((len(text) - start) * counts for start, counts in pending)


def _nesting(line):
    """How deep a line's text is: a level per quote or list marker, and per four columns
    of indent (the space that follows a marker belongs to the marker)."""
    markers, indent, after_marker = 0, 0, False
    for token in NESTING_TOKEN.findall(NESTING.match(line).group(0)):
        if token[0] in " \t":
            indent += len(token.expandtabs(4)) - after_marker
            after_marker = False
        else:
            markers, after_marker = markers + 1, True
    return markers + indent // 4


def render_markdown(text, images=None, *, mark_missing=False):
    """Markdown source to sanitised HTML. `images` maps ids to PostImage records; with
    `mark_missing`, a figure of an image not among them is an empty `is-missing` frame.

    Text over the limits of `markdown_problem` (which forms refuse; an import may bring
    it) becomes plain paragraphs: shown whole, never lost, and made in linear time.
    """
    if not text:
        return ""
    if markdown_problem(text):
        return "\n".join(
            f"<p>{html.escape(part.strip())}</p>"
            for part in PARAGRAPH_BREAK.split(text)
            if part.strip()
        )
    converter = markdown.Markdown(
        extensions=[
            "footnotes",
            "tables",
            "smarty",
            "sane_lists",
            ColloquyExtension(images=images, mark_missing=mark_missing),
        ],
        extension_configs={
            "footnotes": {"BACKLINK_TITLE": "Back to the text"},
            "tables": {"use_align_attribute": True},  # made a class by AlignmentTreeprocessor
        },
        output_format="html",
    )
    return sanitise(converter.convert(text))


def sanitise(fragment):
    return nh3.clean(
        fragment,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel=None,
        strip_comments=True,
        attribute_filter=_filter_attribute,
    )


def _filter_attribute(tag, attribute, value):
    """Drop unsafe URLs nh3 does not check itself (srcset, cite), and foreign ids and classes.

    Ids and classes are limited to the ones the renderer makes (footnotes, figures,
    poems), so a body cannot clobber the page's own ids or borrow the site's classes.
    """
    if attribute == "id":
        return value if RENDERER_ID.fullmatch(value) else None
    if attribute == "class":
        allowed = RENDERER_CLASSES | CELL_CLASSES if tag in ("td", "th") else RENDERER_CLASSES
        kept = [name for name in value.split() if name in allowed]
        return " ".join(kept) or None
    if attribute in URL_ATTRIBUTES:
        return value if _safe_url(value) else None
    if attribute == "srcset":
        candidates = [part.split()[0] for part in value.split(",") if part.strip()]
        return value if all(_safe_url(url) for url in candidates) else None
    return value


def _safe_url(url):
    # Browsers ignore tabs and newlines anywhere in a URL and spaces around it.
    compact = re.sub(r"[\x00-\x20]", "", url)
    scheme = URL_SCHEME.match(compact)
    return scheme is None or scheme.group(1).lower() in SAFE_URL_SCHEMES


def plain_text(fragment):
    """Sanitised HTML to text, for meta descriptions and previews."""
    return html.unescape(nh3.clean(fragment, tags=set())).strip()


class _ParagraphText(HTMLParser):
    """Collects the text of paragraphs outside figures, quotes, tables and footnotes."""

    SKIP = {"figure", "blockquote", "table", "pre", "sup"}

    def __init__(self):
        super().__init__()
        self.paragraphs, self._current, self._skip_depth, self._in_p = [], [], 0, False
        self._footnotes = False

    def handle_starttag(self, tag, attrs):
        if tag == "div" and ("class", "footnote") in attrs:
            self._footnotes = True
        if tag in self.SKIP:
            self._skip_depth += 1
        elif tag == "p" and not self._skip_depth and not self._footnotes:
            self._in_p, self._current = True, []

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag == "p" and self._in_p:
            self._in_p = False
            text = " ".join("".join(self._current).split())
            if text:
                self.paragraphs.append(text)

    def handle_data(self, data):
        if self._in_p and not self._skip_depth:
            self._current.append(data)


def summary_html(body_html, words=45):
    """The opening words of a post's prose, for listings when it has no excerpt."""
    parser = _ParagraphText()
    parser.feed(body_html)
    collected = " ".join(parser.paragraphs).split()
    if not collected:
        return ""
    text = " ".join(collected[:words]) + (" …" if len(collected) > words else "")
    return f"<p>{html.escape(text, quote=False)}</p>"
