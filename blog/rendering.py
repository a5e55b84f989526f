"""Markdown to sanitised HTML, done once when a post is saved.

Authors write Markdown; images are referenced by record (`![](image:42)`) so the
alt text, caption and credit always come from the image's record. Whatever the
author types, the HTML that comes out has passed through nh3.
"""

import html
import re
import xml.etree.ElementTree as etree

import markdown
import nh3
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

IMAGE_REF = re.compile(r"\(\s*image:(\d+)\s*(?:\"[^\"]*\"\s*)?\)")
POEM_BLOCK = re.compile(
    r"^(?P<fence>`{3,}|~{3,})[ \t]*poem[ \t]*\n(?P<body>.*?)\n(?P=fence)[ \t]*$",
    re.MULTILINE | re.DOTALL,
)

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
    """A fenced ```poem block keeps its line breaks and indents; blank lines part stanzas."""

    def run(self, lines):
        text = "\n".join(lines)

        def replace(match):
            stanzas = re.split(r"\n[ \t]*\n", match.group("body").strip("\n"))
            rendered = "".join(
                "<p>" + "<br>\n".join(self._line(line) for line in stanza.split("\n")) + "</p>"
                for stanza in stanzas
            )
            placeholder = self.md.htmlStash.store(f'<div class="poem">{rendered}</div>')
            return f"\n{placeholder}\n"

        return POEM_BLOCK.sub(replace, text).split("\n")

    def _line(self, line):
        stripped = line.lstrip(" ")
        indent = "\u00a0" * (len(line) - len(stripped))
        # Escape what would start a block (heading, list, quote) so each line stays a line.
        stripped = re.sub(r"^([#>+*-])", r"\\\1", stripped)
        stripped = re.sub(r"^(\d+)\.(?=\s)", r"\1\\.", stripped)
        inline = markdown.markdown(stripped, extensions=["smarty"])
        return indent + re.sub(r"^<p>|</p>$", "", inline)


class FigureTreeprocessor(Treeprocessor):
    """Turns `image:ID` references into <figure>s (or plain <img> inside text)."""

    def __init__(self, md, images):
        super().__init__(md)
        self.images = images

    def run(self, root):
        for parent in list(root.iter()):
            for index, child in enumerate(list(parent)):
                if child.tag == "p" and self._is_lone_image(child):
                    figure = self._figure(child[0])
                    parent.remove(child)
                    if figure is not None:
                        parent.insert(index, figure)
                elif child.tag == "img" and child.get("src", "").startswith("image:"):
                    self._fill_img(child)

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
        if record is None:
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
        if record is None or not self._fill_img(img, record):
            return None
        figure = etree.Element("figure", {"class": "figure", "id": f"image-{record.pk}"})
        figure.append(img)
        img.tail = None
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


class ColloquyExtension(Extension):
    def __init__(self, images=None, **kwargs):
        self.images = images or {}
        super().__init__(**kwargs)

    def extendMarkdown(self, md):  # noqa: N802 - Markdown's API name
        md.preprocessors.register(PoemPreprocessor(md), "poem", 30)
        md.treeprocessors.register(FigureTreeprocessor(md, self.images), "figures", 5)


def render_markdown(text, images=None):
    """Markdown source to sanitised HTML. `images` maps ids to PostImage records."""
    if not text:
        return ""
    converter = markdown.Markdown(
        extensions=[
            "footnotes",
            "tables",
            "smarty",
            "fenced_code",
            "sane_lists",
            ColloquyExtension(images=images),
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
    )


def plain_text(fragment):
    """Sanitised HTML to text, for meta descriptions and previews."""
    return html.unescape(nh3.clean(fragment, tags=set())).strip()
