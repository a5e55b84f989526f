"""WordPress post content and comments as Colloquy text.

`to_markdown` turns a post's `content:encoded` (classic-editor HTML, shortcodes,
Gutenberg block comments) into the Markdown our editor uses (blog/rendering.py).
It works in three passes:

1. Source. Gutenberg block comments are parsed into a tree. Classic content (a
   whole classic post, or the parts of a block post outside any block) goes
   through `wpautop`, a port of WordPress's own. Shortcodes and oEmbed URLs become
   placeholder elements whose parsed details wait in a side table.
2. HTML to Markdown, by a markdownify converter that knows WordPress: figures and
   captions, galleries, verse, footnotes, tables, embeds.
3. Tidy: at most one blank line in a row, no stray trailing spaces, footnote
   definitions at the end.

The passes live in `blocks` (with `wpautop`), `markdown` (with the `elements` and
`text` helpers) and `text.tidy`; `comments` makes a comment's plain text.

Nothing a reader could see is dropped silently. What cannot be carried over is
kept as a link or as text where possible, and always named in `Converted.problems`:
embeds (oEmbed URLs, [embed] and the WordPress.com embed shortcodes, wp:embed,
<iframe>, <object>, <embed>) and audio and video, kept as links; dynamic blocks,
dropped (or kept as a link when they have a URL); <script> and <style>, dropped;
unknown shortcodes and embed shortcodes without a URL, kept as text; links inside
the caption of an image record; galleries without images; footnotes without text or
without a reference; images, footnotes and galleries inside a table kept as HTML.

Images go through the importer's `image()` callback: an image that becomes a
record is written `![alt](image:ID)` and its caption and credit live on the
record; any other image stays an external `![alt](url)` with its caption as an
italic paragraph. Emoji images (WordPress's `wp-smiley`) are text, their alt.

Credits. A caption carries a credit when it has a `<cite>` or `<small>` element
(its text is the credit, the rest the caption), or else when it contains one of
these markers: "©", "(c)" or "(C)" (written "©" in the credit), "Credit:",
"Image credit:", "Photo:", "Photograph:", "Photo by", "Photograph by" or
"Courtesy of" (any case). The credit runs from the first marker to the end,
without the parentheses around it, if any; the caption is what comes before,
without trailing separators ("-", "–", "—", "|", "/", ",", ";", ":"). So
"Joseph Montville (C) C-SPAN" is the caption "Joseph Montville" with the credit
"© C-SPAN", and "Harbour (Photo: Ann Lee)" is "Harbour" and "Photo: Ann Lee".
A caption without a marker keeps all its text and has no credit.

Non-breaking spaces: a single one between two words is kept (it binds them);
any other run of them is an ordinary space, so `&nbsp;`-only paragraphs vanish.
"""

from dataclasses import dataclass

from .blocks import prepare
from .comments import comment_text
from .elements import split_credit
from .markdown import Writer
from .state import Context, ImageRef
from .text import tidy
from .wpautop import wpautop

__all__ = ["Converted", "ImageRef", "comment_text", "split_credit", "to_markdown", "wpautop"]


@dataclass
class Converted:
    markdown: str
    problems: list[str]


def to_markdown(html: str, *, image=None, link=None, gallery=None, footnotes=None) -> Converted:
    """WordPress post content as Markdown, with notes on what could not be carried over.

    image(ref: ImageRef) -> int | None: the id of the image record for this image, or
        None if it is not an image of the old site (it stays an external image, its
        caption an italic paragraph under it).
    link(url: str) -> str: the new URL for a link; applied to every href, and to the
        `link` of images. Default: the URL unchanged.
    gallery() -> list[int]: attachment ids of the post, for a [gallery] without ids.
    footnotes: the Gutenberg footnotes post meta, [{"id": "<uuid>", "content": "<html>"}].
    """
    context = Context(image, link, gallery, footnotes)
    writer = Writer(context)
    body = writer.convert(prepare(html or "", context))
    markdown = tidy(body + "\n\n" + writer.footnote_definitions())
    return Converted(markdown, context.problem_list())
