"""Markdown to sanitised HTML, done once when a post is saved.

Authors write Markdown; images are referenced by record (`![](image:42)`) so the
alt text, caption and credit always come from the image's record. Whatever the
author types, the HTML that comes out has passed through nh3.
"""

import html
import re
import xml.etree.ElementTree as etree
from html.parser import HTMLParser

import markdown
import nh3
from markdown.blockprocessors import BlockProcessor
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

IMAGE_REF = re.compile(r"\(\s*image:(\d+)\s*(?:\"[^\"]*\"\s*)?\)")
# Any fenced block; only those whose info string is "poem" are poems. Matching the
# others too keeps a ```poem example inside a longer code fence as code.
FENCED_BLOCK = re.compile(
    r"^(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^\n]*?)[ \t]*\n(?P<body>.*?)\n(?P=fence)[ \t]*$",
    re.MULTILINE | re.DOTALL,
)
# Markdown strips STX/ETX from the source before the poem preprocessor runs, so an
# author cannot type a placeholder.
POEM_MARKER = "\x02poem:{}\x03"
POEM_PLACEHOLDER = re.compile("\x02poem:(\\d+)\x03")

SAFE_URL_SCHEMES = {"http", "https", "mailto"}
RENDERER_ID = re.compile(r"(?:fn|fnref\d*):[\w-]+|image-\d+")
RENDERER_CLASSES = {"footnote", "footnote-ref", "footnote-backref", "figure", "caption", "credit",
                    "poem", "is-missing"}  # fmt: skip
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
    "td": {"colspan", "rowspan", "style"},
    "th": {"colspan", "rowspan", "scope", "style"},
    "blockquote": {"cite"},
    "q": {"cite"},
}


def image_ids(text):
    """The ids of the image records that Markdown `text` refers to, in order."""
    return [int(found) for found in IMAGE_REF.findall(text or "")]


class PoemPreprocessor(Preprocessor):
    """Lifts each fenced ```poem block out of the text before block parsing.

    The block parser never sees a poem's lines, so a line that starts with "1. ",
    "- ", "#" or ">" stays a line of the poem; `PoemBlockProcessor` puts the poem
    back, where the inline patterns (emphasis, links, smart quotes, footnote
    references) still apply to it.
    """

    def run(self, lines):
        poems = self.md.colloquy_poems

        def replace(match):
            if match.group("info") != "poem":
                return match.group(0)
            poems.append(match.group("body"))
            return f"\n\n{POEM_MARKER.format(len(poems) - 1)}\n\n"

        return FENCED_BLOCK.sub(replace, "\n".join(lines)).split("\n")


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
        # After normalize_whitespace (30, registered first), before fenced code (25).
        md.preprocessors.register(PoemPreprocessor(md), "poem", 30)
        md.parser.blockprocessors.register(PoemBlockProcessor(md.parser), "poem", 95)
        md.treeprocessors.register(
            FigureTreeprocessor(md, self.images, self.mark_missing), "figures", 5
        )
        md.treeprocessors.register(HeadingTreeprocessor(md), "headings", 4)


def render_markdown(text, images=None, *, mark_missing=False):
    """Markdown source to sanitised HTML. `images` maps ids to PostImage records; with
    `mark_missing`, a figure of an image not among them is an empty `is-missing` frame."""
    if not text:
        return ""
    converter = markdown.Markdown(
        extensions=[
            "footnotes",
            "tables",
            "smarty",
            "fenced_code",
            "sane_lists",
            ColloquyExtension(images=images, mark_missing=mark_missing),
        ],
        extension_configs={"footnotes": {"BACKLINK_TITLE": "Back to the text"}},
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
        filter_style_properties={"text-align"},
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
        kept = [name for name in value.split() if name in RENDERER_CLASSES]
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
