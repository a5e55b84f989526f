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

import copy
import html as htmllib
import json
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, Comment, NavigableString, Tag
from markdownify import ATX, MarkdownConverter, chomp

from blog.rendering import sanitise

__all__ = ["Converted", "ImageRef", "comment_text", "split_credit", "to_markdown", "wpautop"]


@dataclass
class ImageRef:
    attachment_id: int | None  # wp-image-N, [caption id="attachment_N"], wp:image id, gallery ids
    url: str  # the <img src> as written; "" when only an id is known
    alt: str = ""
    caption: str = ""  # plain text, credit split off
    credit: str = ""
    link: str = ""  # href of an <a> wrapping the image, through link()


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
    context = _Context(image, link, gallery, footnotes)
    writer = _Writer(context)
    body = writer.convert(_prepare(html or "", context))
    markdown = _tidy(body + "\n\n" + writer.footnote_definitions())
    return Converted(markdown, context.problem_list())


def comment_text(html: str) -> str:
    """A WordPress comment as our plain-text comment body.

    Paragraphs are parted by a blank line, line breaks are kept, a link is
    written "text (url)" unless its text is the URL, quoted lines start with
    "> ", list items with "- ". Tags are dropped and entities decoded; no words go.
    """
    if "<" not in (html or "") and "&" not in (html or ""):
        return _plain_comment_text(html or "")
    soup = BeautifulSoup(wpautop(html or ""), "html.parser")
    return "\n\n".join(_CommentText().blocks(soup))


def _plain_comment_text(text):
    """comment_text() of a comment with no markup at all, without parsing it (most are)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    paragraphs = (p for p in re.split(r"\n[ \t]*\n", text) if p.strip())
    return "\n\n".join(
        "\n".join(" ".join(line.split()) for line in p.strip().split("\n") if line.strip())
        for p in paragraphs
    )


# --- wpautop ---------------------------------------------------------------------------

_ALLBLOCKS = (
    r"(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre"
    r"|form|map|area|blockquote|address|style|p|h[1-6]|hr|fieldset|legend|section|article"
    r"|aside|hgroup|header|footer|nav|figure|figcaption|details|menu|summary)"
)
_HTML_TAG_OR_COMMENT = re.compile(r"<!--.*?-->|<[^<>]*>", re.S)


def wpautop(text):
    """WordPress's wpautop(): blank lines part paragraphs, single newlines become <br />.

    A line-by-line port of wp-includes/formatting.php, so classic content is read
    the way WordPress displayed it. <pre> content is left alone.
    """
    if not text.strip():
        return ""
    text, pre_tags = _hide_pre(text + "\n")
    text = re.sub(r"<br\s*/?>\s*<br\s*/?>", "\n\n", text)
    text = re.sub(rf"(<{_ALLBLOCKS}[\s/>])", r"\n\n\1", text)
    text = re.sub(rf"(</{_ALLBLOCKS}>)", r"\1\n\n", text)
    text = re.sub(r"(<hr\s*?/?>)", r"\1\n\n", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _HTML_TAG_OR_COMMENT.sub(lambda m: m.group().replace("\n", " <!-- wpnl --> "), text)
    text = _collapse_around_embedded_elements(text)
    text = re.sub(r"\n\n+", "\n\n", text)
    paragraphs = [part for part in re.split(r"\n\s*\n", text) if part]
    text = "".join(f"<p>{part.strip(chr(10))}</p>\n" for part in paragraphs)
    text = _line_breaks(_unwrap_blocks(text))
    text = re.sub(rf"(</?{_ALLBLOCKS}[^>]*>)\s*<br />", r"\1", text)
    text = re.sub(r"<br />(\s*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)[^>]*>)", r"\1", text)
    text = re.sub(r"\n</p>$", "</p>", text)
    for name, original in pre_tags.items():
        text = text.replace(name, original)
    return text.replace(" <!-- wpnl --> ", "\n").replace("<!-- wpnl -->", "\n")


def _hide_pre(text):
    """Swaps each <pre>…</pre> for a placeholder tag, as wpautop does."""
    if "<pre" not in text:
        return text, {}
    *parts, last = text.split("</pre>")
    pre_tags, result = {}, []
    for part in parts:
        start = part.find("<pre")
        if start == -1:  # Malformed HTML: a </pre> without its <pre>.
            result.append(part)
            continue
        name = f"<pre wp-pre-tag-{len(pre_tags)}></pre>"
        pre_tags[name] = part[start:] + "</pre>"
        result.append(part[:start] + name)
    return "".join(result) + last, pre_tags


def _collapse_around_embedded_elements(text):
    if "<option" in text:
        text = re.sub(r"\s*<option", "<option", text)
        text = re.sub(r"</option>\s*", "</option>", text)
    if "</object>" in text:
        text = re.sub(r"(<object[^>]*>)\s*", r"\1", text)
        text = re.sub(r"\s*</object>", "</object>", text)
        text = re.sub(r"\s*(</?(?:param|embed)[^>]*>)\s*", r"\1", text)
    if "<source" in text or "<track" in text:
        text = re.sub(r"([<\[](?:audio|video)[^>\]]*[>\]])\s*", r"\1", text)
        text = re.sub(r"\s*([<\[]/(?:audio|video)[>\]])", r"\1", text)
        text = re.sub(r"\s*(<(?:source|track)[^>]*>)\s*", r"\1", text)
    if "<figcaption" in text:
        text = re.sub(r"\s*(<figcaption[^>]*>)", r"\1", text)
        text = re.sub(r"</figcaption>\s*", "</figcaption>", text)
    return text


def _unwrap_blocks(text):
    text = re.sub(r"<p>\s*</p>", "", text)
    text = re.sub(r"<p>([^<]+)</(div|address|form)>", r"<p>\1</p></\2>", text)
    text = re.sub(rf"<p>\s*(</?{_ALLBLOCKS}[^>]*>)\s*</p>", r"\1", text)
    text = re.sub(r"<p>(<li.+?)</p>", r"\1", text)
    text = re.sub(r"<p><blockquote([^>]*)>", r"<blockquote\1><p>", text, flags=re.I)
    text = text.replace("</blockquote></p>", "</p></blockquote>")
    text = re.sub(rf"<p>\s*(</?{_ALLBLOCKS}[^>]*>)", r"\1", text)
    return re.sub(rf"(</?{_ALLBLOCKS}[^>]*>)\s*</p>", r"\1", text)


def _line_breaks(text):
    def keep_newlines(match):
        return match.group().replace("\n", "<WPPreserveNewline />")

    text = re.sub(r"<(script|style|svg|math).*?</\1>", keep_newlines, text, flags=re.S)
    text = text.replace("<br>", "<br />").replace("<br/>", "<br />")
    text = re.sub(r"(?<!<br />)\s*\n", "<br />\n", text)
    return text.replace("<WPPreserveNewline />", "\n")


# --- Conversion state ------------------------------------------------------------------


@dataclass
class _Placeholder:
    """What a shortcode or an oEmbed URL stood for; rendered when the writer meets it."""

    kind: str  # literal, gallery, media, code, footnote
    text: str = ""  # literal text, code, or footnote HTML
    url: str = ""
    media: str = "embed"  # embed, video or audio
    language: str = ""
    ids: tuple = ()


class _Context:
    def __init__(self, image, link, gallery, footnotes):
        self.image = image or (lambda ref: None)
        self.link = link or (lambda url: url)
        self.gallery = gallery or list
        self.footnote_meta = {
            note.get("id"): note.get("content") or ""
            for note in footnotes or ()
            if isinstance(note, dict)
        }
        self.placeholders = []
        self.footnotes = []  # HTML of footnote n + 1
        self.footnote_numbers = {}  # Gutenberg footnote uuid -> number
        self._problems = {}

    def problem(self, text):
        self._problems[text] = self._problems.get(text, 0) + 1

    def problem_list(self):
        return [text if n == 1 else f"{text} ({n} times)" for text, n in self._problems.items()]

    def placeholder(self, item, block):
        self.placeholders.append(item)
        tag = "div" if block else "span"
        return f'<{tag} data-wp-placeholder="{len(self.placeholders) - 1}"></{tag}>'

    def add_footnote(self, html):
        self.footnotes.append(html)
        return len(self.footnotes)

    def gutenberg_footnote(self, uuid):
        if uuid not in self.footnote_numbers and uuid in self.footnote_meta:
            self.footnote_numbers[uuid] = self.add_footnote(self.footnote_meta[uuid])
        return self.footnote_numbers.get(uuid)

    def add_unreferenced_footnotes(self):
        for uuid, html in self.footnote_meta.items():
            if uuid not in self.footnote_numbers:
                self.footnote_numbers[uuid] = self.add_footnote(html)
                self.problem(
                    f"footnote {self.footnote_numbers[uuid]} is not referenced in the text"
                )


# --- Source: blocks, shortcodes, embeds --------------------------------------------------

_MORE = re.compile(r"<!--more(?:\s.*?)?-->|<!--noteaser-->", re.S)
_NEXTPAGE = re.compile(r"<!--nextpage-->")
_BLOCK_DELIMITER = re.compile(
    r"<!--\s+(?P<closer>/)?wp:(?P<name>[a-z][a-z0-9_-]*(?:/[a-z][a-z0-9_-]*)?)\s+"
    r"(?P<attrs>\{(?:(?:[^}]+|\}+(?=\})|(?!\}\s+/?-->).)*+)?\}\s+)?(?P<void>/)?-->",
    re.S,
)
# Blocks rendered from the database; their own markup is only a wrapper.
_DYNAMIC_CONTAINERS = {"query", "comments", "post-template", "comment-template"}


@dataclass
class _Block:
    name: str
    attrs: dict
    void: bool = False
    parts: list = field(default_factory=list)  # str | _Block


def _prepare(html, context):
    """The post as plain HTML (paragraphs made, blocks unwrapped) with placeholders."""
    text = html.replace("\r\n", "\n").replace("\r", "\n")
    text = _NEXTPAGE.sub("<hr>", _MORE.sub("", text))
    if "<!-- wp:" not in text:
        return _classic(text, context)
    rendered = []
    for part in _parse_blocks(text):
        if isinstance(part, str):
            rendered.append(_classic(part, context))  # Freeform: the classic editor's content.
        else:
            rendered.append(_render_block(part, context))
    return "".join(rendered)


def _parse_blocks(text):
    """Gutenberg's block grammar: a list of HTML strings and _Block trees."""
    root = _Block("", {})
    stack, position = [root], 0
    for found in _BLOCK_DELIMITER.finditer(text):
        stack[-1].parts.append(text[position : found.start()])
        position = found.end()
        name = found["name"].removeprefix("core/")
        if found["closer"]:
            if any(block.name == name for block in stack[1:]):
                while stack.pop().name != name:
                    pass
            continue
        block = _Block(name, _json_attributes(found["attrs"]), void=bool(found["void"]))
        stack[-1].parts.append(block)
        if not block.void:
            stack.append(block)
    stack[-1].parts.append(text[position:])
    return root.parts


def _json_attributes(text):
    try:
        attributes = json.loads(text) if text else {}
    except ValueError:
        return {}
    return attributes if isinstance(attributes, dict) else {}


def _render_block(block, context, quiet=False):
    """A block's HTML, inner blocks included; `quiet` inside a dropped dynamic block."""
    name = block.name
    if name in ("more", "footnotes"):  # The footnotes' list is written at the end anyway.
        return ""
    if name == "nextpage":
        return "<hr>"
    if block.void:
        return _dynamic_block(block, context, quiet)
    if name in ("freeform", "shortcode"):
        return _classic(_block_source(block), context)
    if name in _DYNAMIC_CONTAINERS and not quiet:
        context.problem(f"dynamic block wp:{name} dropped")
        quiet = True
    inner = "".join(
        _block_html(part, context) if isinstance(part, str) else _render_block(part, context, quiet)
        for part in block.parts
    )
    if name == "embed" or name.startswith("core-embed/"):
        return _embed_block(block, inner, context)
    if name == "image" and str(block.attrs.get("id", "")).isdecimal():
        return inner.replace("<img ", f'<img data-wp-id="{block.attrs["id"]}" ', 1)
    if name == "cover":
        return _cover_block(block, inner)
    return inner


def _block_source(block):
    return "".join(part if isinstance(part, str) else _block_source(part) for part in block.parts)


def _dynamic_block(block, context, quiet):
    """A self-closing block has no HTML: WordPress builds it when the page is shown."""
    url = str(block.attrs.get("url") or "")
    if url and url != "#":
        label = block.attrs.get("label") or block.attrs.get("service") or url
        if not quiet:
            context.problem(f"dynamic block wp:{block.name} kept as a link")
        return f'<p><a href="{htmllib.escape(url)}">{htmllib.escape(str(label))}</a></p>'
    if not quiet:
        reference = f" (ref {block.attrs['ref']})" if "ref" in block.attrs else ""
        context.problem(f"dynamic block wp:{block.name}{reference} dropped")
    return ""


def _embed_block(block, inner, context):
    wrapper = re.search(r'<div class="wp-block-embed__wrapper">(.*?)</div>', inner, re.S)
    url = block.attrs.get("url") or (wrapper and htmllib.unescape(wrapper.group(1)).strip())
    if not url:
        return inner
    link = context.placeholder(_Placeholder("media", url=url), block=True)
    if wrapper:
        return inner[: wrapper.start()] + link + inner[wrapper.end() :]
    return link + inner


def _cover_block(block, inner):
    """An old cover block shows its image as a CSS background: make it an <img>."""
    url = block.attrs.get("url")
    if not url or "<img" in inner or "<video" in inner:
        return inner
    image_id = block.attrs.get("id")
    css_class = f' class="wp-image-{image_id}"' if str(image_id).isdigit() else ""
    return f'<img{css_class} src="{htmllib.escape(url)}" alt="">' + inner


def _classic(text, context):
    """Classic-editor HTML as WordPress displayed it: embeds, shortcodes, paragraphs."""
    text = _expand_shortcodes(text, context)
    return wpautop(_mark_embeds(text, context, own_lines=True))


def _block_html(text, context):
    return _mark_embeds(_expand_shortcodes(text, context), context, own_lines=False)


# Code stays code: shortcodes and URLs inside <pre> or <code> are left as written.
_CODE_REGION = re.compile(r"(<pre\b.*?</pre>|<code\b.*?</code>)", re.S | re.I)
_OWN_LINE_URL = re.compile(r'^([ \t]*)(https?://[^\s<>"]+)([ \t]*)$', re.M | re.I)
_PARAGRAPH_URL = re.compile(r'(<p(?: [^>]*)?>\s*)(https?://[^\s<>"]+)(\s*</p>)', re.I)


def _outside_code(text, transform):
    parts = _CODE_REGION.split(text)
    return "".join(part if index % 2 else transform(part) for index, part in enumerate(parts))


def _mark_embeds(text, context, own_lines):
    """A URL alone on its line or in its paragraph is an oEmbed in WordPress."""

    def embed(match):
        url = htmllib.unescape(match.group(2))
        link = context.placeholder(_Placeholder("media", url=url), block=True)
        return match.group(1) + link + match.group(3)

    def transform(part):
        part = _PARAGRAPH_URL.sub(embed, part)
        return _OWN_LINE_URL.sub(embed, part) if own_lines else part

    return _outside_code(text, transform)


# WordPress's get_shortcode_regex(), for any tag name.
_SHORTCODE = re.compile(
    r"\[(?P<open>\[?)(?P<name>[A-Za-z][\w-]*)(?![\w-])"
    r"(?P<attrs>[^\]/]*(?:/(?!\])[^\]/]*)*?)"
    r"(?:/\]|\](?:(?P<content>[^\[]*+(?:\[(?!/(?P=name)\])[^\[]*+)*+)"
    r"\[/(?P=name)\])?)"
    r"(?P<close>\]?)"
)
# WordPress's shortcode_parse_atts().
_SHORTCODE_ATTRIBUTE = re.compile(
    r"""([\w-]+)\s*=\s*"([^"]*)"(?:\s|$)|([\w-]+)\s*=\s*'([^']*)'(?:\s|$)"""
    r"""|([\w-]+)\s*=\s*([^\s'"]+)(?:\s|$)|"([^"]*)"(?:\s|$)|'([^']*)'(?:\s|$)|(\S+)(?:\s|$)"""
)
_CAPTION_PARTS = re.compile(r"\s*((?:<a [^>]+>\s*)?<img [^>]+>(?:\s*</a>)?)(.*)", re.S | re.I)
# Brackets inside HTML tags are hidden from the shortcode grammar, as WordPress does.
_HIDE_BRACKETS = str.maketrans("[]", "\ue000\ue001")
_SHOW_BRACKETS = str.maketrans("\ue000\ue001", "[]")
_CODE_LANGUAGE_TAGS = {
    "as3", "bash", "c", "cpp", "csharp", "css", "diff", "erlang", "go", "groovy", "html",
    "java", "javascript", "js", "json", "latex", "matlab", "objc", "perl", "php",
    "powershell", "py", "python", "r", "ruby", "sass", "scala", "shell", "sql", "swift",
    "vb", "xml", "yaml",
}  # fmt: skip
_MEDIA_SOURCES = {
    "video": ("src", "mp4", "m4v", "webm", "ogv", "wmv", "flv", "mov"),
    "audio": ("src", "mp3", "ogg", "oga", "m4a", "wav", "wma", "flac"),
}
_EMBED_URLS = {  # WordPress.com shortcodes that take an id instead of a URL.
    "youtube": "https://www.youtube.com/watch?v={}",
    "vimeo": "https://vimeo.com/{}",
    "tweet": "https://twitter.com/i/status/{}",
    "wpvideo": "https://videopress.com/v/{}",
    "videopress": "https://videopress.com/v/{}",
    "dailymotion": "https://www.dailymotion.com/video/{}",
}
_EMBED_SHORTCODES = {*_EMBED_URLS, "embed", "soundcloud", "instagram", "spotify", "ted"}


@dataclass
class _Shortcode:
    name: str
    attrs: dict
    positional: list
    attr_text: str
    content: str | None


def _expand_shortcodes(text, context):
    def expand(part):
        hidden = _HTML_TAG_OR_COMMENT.sub(lambda m: m.group().translate(_HIDE_BRACKETS), part)
        replaced = _SHORTCODE.sub(lambda match: _shortcode(match, context), hidden)
        return replaced.translate(_SHOW_BRACKETS)

    return _outside_code(text, expand)


def _shortcode(match, context):
    if match["open"] and match["close"]:  # [[name]] is the literal text [name].
        literal = match.group()[1:-1].translate(_SHOW_BRACKETS)
        return context.placeholder(_Placeholder("literal", literal), block=False)
    attr_text = match["attrs"].translate(_SHOW_BRACKETS)
    content = match["content"]
    code = _Shortcode(match["name"], *_shortcode_attributes(attr_text), attr_text, content)
    rendered = _known_shortcode(code, context)
    if rendered is None:
        rendered = _unknown_shortcode(code, context)
    return match["open"] + rendered + match["close"]


def _shortcode_attributes(text):
    text = re.sub("[\u00a0\u200b]+", " ", text)
    text = text.translate(str.maketrans("“”″‘’′", "\"\"\"'''"))  # Texturized quotes.
    named, positional = {}, []
    for found in _SHORTCODE_ATTRIBUTE.finditer(text):
        groups = found.groups()
        for key, value in ((0, 1), (2, 3), (4, 5)):
            if groups[key]:
                named[groups[key].lower()] = groups[value]
                break
        else:
            positional.append(next(value for value in groups[6:] if value is not None))
    return named, positional


def _known_shortcode(code, context):
    name = code.name
    if name in ("caption", "wp_caption"):
        return _caption_shortcode(code, context)
    if name == "gallery":
        return _gallery_shortcode(code, context)
    if name in ("footnote", "ref") and code.content is not None:
        content = _expand_shortcodes(code.content.translate(_SHOW_BRACKETS), context)
        return context.placeholder(_Placeholder("footnote", content), block=False)
    if name in ("code", "sourcecode") or (name in _CODE_LANGUAGE_TAGS and code.content):
        return _code_shortcode(code, context)
    if name in _EMBED_SHORTCODES or name in _MEDIA_SOURCES:
        return _media_shortcode(code, context)
    return None


def _unknown_shortcode(code, context):
    context.problem(f"unknown shortcode [{code.name}] kept as text")
    return _literal_shortcode(code, context)


def _literal_shortcode(code, context):
    opening = context.placeholder(_Placeholder("literal", f"[{code.name}{code.attr_text}]"), False)
    if code.content is None:
        return opening
    closing = context.placeholder(_Placeholder("literal", f"[/{code.name}]"), block=False)
    return opening + _expand_shortcodes(code.content, context) + closing


def _caption_shortcode(code, context):
    """[caption] as a <figure>; WordPress takes the caption from the attribute or the text."""
    media, caption = code.content or "", code.attrs.get("caption")
    if caption is None:
        parts = _CAPTION_PARTS.match(media)
        media, caption = (parts[1], parts[2].strip()) if parts else (media, "")
    figure_id = htmllib.escape(code.attrs.get("id", ""))
    return (
        f'<figure class="wp-caption" id="{figure_id}">{_expand_shortcodes(media, context)}'
        f"<figcaption>{_expand_shortcodes(caption, context)}</figcaption></figure>"
    )


def _gallery_shortcode(code, context):
    ids = _id_list(code.attrs.get("ids") or code.attrs.get("include") or "")
    if not ids:
        excluded = set(_id_list(code.attrs.get("exclude", "")))
        ids = [int(i) for i in context.gallery() if int(i) not in excluded]
    return context.placeholder(_Placeholder("gallery", ids=tuple(ids)), block=True)


def _id_list(text):
    return [int(part) for part in re.findall(r"\d+", text)]


def _code_shortcode(code, context):
    if code.content is None:
        return None
    language = code.attrs.get("lang") or code.attrs.get("language") or ""
    if not language and code.name in _CODE_LANGUAGE_TAGS:
        language = code.name
    content = code.content.translate(_SHOW_BRACKETS)
    if code.attrs.get("encoded") == "true":  # SyntaxHighlighter's mark for HTML-encoded code.
        content = htmllib.unescape(content)
    return context.placeholder(_Placeholder("code", content, language=language), block=True)


def _media_shortcode(code, context):
    url = _shortcode_url(code)
    if not url:
        context.problem(f"[{code.name}] without a URL kept as text")
        return _literal_shortcode(code, context)
    media = code.name if code.name in _MEDIA_SOURCES else "embed"
    return context.placeholder(_Placeholder("media", url=url, media=media), block=True)


def _shortcode_url(code):
    if code.name == "embed":
        return htmllib.unescape((code.content or "").translate(_SHOW_BRACKETS)).strip()
    candidates = [code.attrs.get(key) for key in _MEDIA_SOURCES.get(code.name, ())]
    candidates += [code.attrs.get("url"), code.attrs.get("id"), code.attrs.get("tweet")]
    candidates += code.positional
    if code.attr_text.startswith("="):  # [youtube=https://…], WordPress.com's form.
        candidates.insert(0, code.attr_text[1:].strip())
    value = next((str(value).strip() for value in candidates if value), "")
    if value and not re.match(r"https?://", value) and code.name in _EMBED_URLS:
        return _EMBED_URLS[code.name].format(value)
    return htmllib.unescape(value) if re.match(r"https?://", value) else ""


# --- HTML to Markdown -----------------------------------------------------------------

_BLOCK_TAGS = {
    "[document]", "address", "article", "aside", "audio", "blockquote", "caption", "center",
    "dd", "details", "div", "dl", "dt", "embed", "figcaption", "figure", "footer", "h1", "h2",
    "h3", "h4", "h5", "h6", "header", "hr", "iframe", "li", "main", "nav", "object", "ol",
    "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr",
    "ul", "video",
}  # fmt: skip
_INLINE_WRAPPERS = {"a", "b", "em", "font", "i", "span", "strong", "u"}
_MEDIA_TAGS = {"iframe", "object", "embed", "video", "audio"}
_NOT_AN_IMAGE_FIGURE = ["audio", "blockquote", "embed", "iframe", "object", "ol", "pre",
                        "table", "ul", "video"]  # fmt: skip
_BLOCKS_IN_A_CELL = ["blockquote", "dl", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
                     "iframe", "ol", "pre", "table", "ul", "video"]  # fmt: skip
_GALLERY_CLASSES = {"wp-block-gallery", "gallery", "blocks-gallery-grid", "tiled-gallery"}
_CAPTION_CLASSES = re.compile(
    r"^(?:wp-caption-text|wp-caption-dd|gallery-caption|blocks-gallery-item__caption)$"
)
_UNSAFE_HREF = re.compile(r"\s*(?:javascript|vbscript|data):", re.I)
_AUTOLINKABLE = re.compile(r"^(?:https?|ftp)://[^\s<>]+$", re.I)


class _Writer(MarkdownConverter):
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
        if name == "a" and _lone_image(node):
            return self._linked_image
        return None

    def process_text(self, el, parent_tags=None):
        parent_tags = parent_tags or set()
        text = _collapse_spaces(str(el))
        previous, following = el.previous_sibling, el.next_sibling
        # Spaces next to a block or a line break do not show.
        if _breaks_line(previous) or (previous is None and _is_block(el.parent)):
            text = text.lstrip()
        if _breaks_line(following) or (following is None and _is_block(el.parent)):
            text = text.rstrip()
        if "_noformat" in parent_tags:
            return text
        line_start = previous is None or _breaks_line(previous)
        return _escape(text, line_start=line_start, cell=bool(parent_tags & {"td", "th"}))

    # --- Placeholders ------------------------------------------------------------------

    def _placeholder(self, node, parent_tags):
        item = self.context.placeholders[int(node["data-wp-placeholder"])]
        return getattr(self, f"_render_{item.kind}")(item, parent_tags)

    def _render_literal(self, item, parent_tags):
        return _escape(item.text)

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
        caption = _caption_element(node)
        if caption is not None:
            caption.extract()
        images = node.find_all("img")
        if len(images) == 1 and _only_an_image(node):
            return self._image_figure(images[0], caption, parent_tags)
        body = super().process_tag(node, parent_tags)
        return self._blocks([body, self._caption_paragraph(caption, parent_tags)], parent_tags)

    def _gallery(self, node, parent_tags):
        caption = node.find("figcaption", recursive=False)
        if caption is not None:
            caption.extract()
        parts = [
            self._image_figure(img, _gallery_item_caption(img, node), parent_tags)
            for img in node.find_all("img")
        ]
        parts.append(self._caption_paragraph(caption, parent_tags))
        return self._blocks(parts, parent_tags)

    def _image_figure(self, img, caption_element, parent_tags):
        """An image in its own paragraph: a figure, its caption and credit on the record."""
        if _is_emoji(img):
            return _escape(img.get("alt", ""))
        caption, credit = _caption_and_credit(caption_element)
        anchor = _wrapping_anchor(img)
        target = self.context.link(anchor["href"].strip()) if anchor else ""
        ref = self._image_ref(img, caption=caption, credit=credit, link=target)
        markdown, record = self._image_markdown(ref)
        if record is not None:
            self._note_caption_links(caption_element, record)
            if anchor and not _points_at_image(anchor, ref.url):
                markdown += f"\n\n[Link]({_url(target)})"
            return self._blocks([markdown], parent_tags)
        if anchor and markdown:
            markdown = f"[{markdown}]({_url(target)})"
        caption_markdown = self._caption_paragraph(caption_element, parent_tags)
        return self._blocks([markdown, caption_markdown], parent_tags)

    def _linked_image(self, node, parent_tags):
        img = node.find("img")
        if _stands_alone(node):
            return self._image_figure(img, None, parent_tags)
        target = self.context.link(node["href"].strip())
        ref = self._image_ref(img, link=target)
        markdown, record = self._image_markdown(ref)
        if record is not None and _points_at_image(node, ref.url):
            return markdown
        return f"[{markdown}]({_url(target)})" if markdown else ""

    def convert_img(self, el, text, parent_tags):
        if _is_emoji(el):
            return _escape(el.get("alt", ""))
        anchor = _wrapping_anchor(el)
        ref = self._image_ref(el, link=self.context.link(anchor["href"].strip()) if anchor else "")
        return self._image_markdown(ref)[0]

    def _image_ref(self, img, caption="", credit="", link=""):
        src = img.get("src") or ""
        if src.startswith("data:"):  # A lazy-loading placeholder.
            src = img.get("data-src") or img.get("data-lazy-src") or src
        alt = " ".join((img.get("alt") or "").split())
        return ImageRef(_attachment_id(img), src, alt, caption, credit, link)

    def _image_markdown(self, ref):
        """`![alt](image:ID)` for a record, `![alt](url)` for any other image."""
        record = self.context.image(ref)
        alt = re.sub(r"([\[\]\\])", r"\\\1", ref.alt)
        if record is not None:
            return f"![{alt}](image:{record})", record
        if not ref.url:
            return "", None
        return f"![{alt}]({_url(ref.url)})", None

    def _note_caption_links(self, caption_element, record):
        if caption_element is None:
            return
        for anchor in caption_element.find_all("a", href=True):
            self.context.problem(f"link in the caption of image {record} dropped: {anchor['href']}")

    def _caption_paragraph(self, caption, parent_tags):
        if caption is None:
            return ""
        return _italic(self._children_markdown(caption, parent_tags))

    def convert_figcaption(self, el, text, parent_tags):
        return self._blocks([_italic(_one_paragraph(text))], parent_tags)

    # --- Code and verse ----------------------------------------------------------------

    def _preformatted(self, node, parent_tags):
        classes = set(node.get("class") or ())
        if classes & {"wp-block-verse", "poem", "verse"}:
            return self._poem(node, parent_tags)
        return self._code_block(_preformatted_text(node), _code_language(node), parent_tags)

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
        lines = _poem_lines(self._verse(node, preformatted), preformatted)
        if not lines:
            return ""
        if parent_tags & {"li", "blockquote", "_inline", "td", "th"}:
            # A ```poem fence only works at the start of a line: keep the lines as breaks.
            stanzas = "\n".join(lines).split("\n\n")
            kept = [
                "  \n".join(
                    _escape_line_start(_leading_spaces_kept(line)) for line in stanza.split("\n")
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
                parts.append(_escape(text))
            elif child.name == "br":
                parts.append("\n")
            elif child.name in ("em", "i", "strong", "b"):
                marker = "*" if child.name in ("em", "i") else "**"
                parts.append(_per_line(self._verse(child, preformatted), marker, marker))
            elif child.name == "a" and child.get("href"):
                target = _url(self.context.link(child["href"]))
                parts.append(_per_line(self._verse(child, preformatted), "[", f"]({target})"))
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
        rows = _table_rows(node)
        if not rows:
            return ""
        if _is_complex_table(rows) or parent_tags & {"_inline", "td", "th"}:
            return self._raw_html(node, parent_tags)
        cells = [[self._cell(cell, parent_tags) for cell in _cells(row)] for row in rows]
        alignments = [PIPE_ALIGNMENTS.get(_alignment(cell), "---") for cell in _cells(rows[0])]
        caption = self._caption_paragraph(node.find("caption", recursive=False), parent_tags)
        return self._blocks([caption, _pipe_table(cells, alignments)], parent_tags)

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
            alignment = _alignment(cell)
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
        url = _media_url(node)
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
        return self._blocks([f"[{_escape(target)}]({_url(target)})"], parent_tags)

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
        return f"<sup>{_escape(label)}</sup>"

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
        return f"{prefix}[{text}]({_url(target)}{title}){suffix}"

    def convert_br(self, el, text, parent_tags):
        if parent_tags & {"td", "th"}:
            return "<br>"
        return " " if "_inline" in parent_tags else "  \n"

    def convert_cite(self, el, text, parent_tags):
        if _closes_quote(el) and "_inline" not in parent_tags:
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
        return _one_paragraph(text)

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


_Writer.convert_b = _Writer.convert_strong = _emphasis("**", {"b", "strong"})
_Writer.convert_em = _Writer.convert_i = _Writer.convert_var = _emphasis("*", {"em", "i"})
_Writer.convert_del = _Writer.convert_s = _Writer.convert_strike = _inline_html("del")
for _tag in ("ins", "mark", "small", "sub", "sup", "u"):
    setattr(_Writer, f"convert_{_tag}", _inline_html(_tag))


# --- Element helpers -------------------------------------------------------------------


def _is_tag(node, name):
    return isinstance(node, Tag) and node.name == name


def _is_block(node):
    return isinstance(node, Tag) and (
        node.name in _BLOCK_TAGS or (node.name == "div" and node.has_attr("data-wp-placeholder"))
    )


def _breaks_line(node):
    return _is_block(node) or _is_tag(node, "br")


def _meaningful(node):
    if isinstance(node, Tag):
        return True
    return isinstance(node, NavigableString) and not isinstance(node, Comment) and node.strip()


def _stands_alone(element):
    """Whether `element` is all there is of its paragraph (looking through <strong> etc.)."""
    node = element
    while node.parent is not None:
        parent = node.parent
        if [child for child in parent.children if _meaningful(child)] != [node]:
            return False
        if parent.name not in _INLINE_WRAPPERS:
            return _is_block(parent)
        node = parent
    return True


def _lone_image(anchor):
    images = anchor.find_all("img")
    return (
        anchor.get("href")
        and len(images) == 1
        and not _is_emoji(images[0])
        and not anchor.get_text(strip=True)
        and _wrapping_anchor(images[0]) is anchor
    )


def _is_emoji(img):
    return bool({"wp-smiley", "emoji"} & set(img.get("class") or ()))


def _wrapping_anchor(img):
    """The link around an image (through <span>, <strong> and the like), if any."""
    parent = img.parent
    while parent is not None and parent.name in _INLINE_WRAPPERS - {"a"}:
        parent = parent.parent
    if _is_tag(parent, "a") and (parent.get("href") or "").strip():
        return parent
    return None


def _attachment_id(img):
    for css_class in img.get("class") or ():
        found = re.fullmatch(r"wp-image-(\d+)", css_class)
        if found:
            return int(found.group(1))
    for attribute in ("data-attachment-id", "data-wp-id", "data-id"):
        if str(img.get(attribute, "")).isdecimal():
            return int(img[attribute])
    holder = img.find_parent(id=re.compile(r"^attachment_\d+$"))
    return int(holder["id"].split("_")[1]) if holder is not None else None


def _points_at_image(anchor, src):
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


def _caption_element(node):
    caption = node.find("figcaption", recursive=False)
    return caption if caption is not None else node.find(class_=_CAPTION_CLASSES)


def _only_an_image(node):
    return (
        not node.get_text(strip=True)
        and not node.find(_NOT_AN_IMAGE_FIGURE)
        and not (node.find(attrs={"data-wp-placeholder": True}))
    )


def _gallery_item_caption(img, gallery):
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
    """(caption, credit) from a caption's plain text; see the module's docstring."""
    found = _CREDIT_MARKER.search(caption)
    if not found or not re.search(r"\w", caption[found.end() :]):
        return caption, ""
    credit = caption[found.start("marker") :].strip()
    if found["paren"] and credit.endswith(")") and credit.count(")") > credit.count("("):
        credit = credit[:-1].rstrip()
    credit = re.sub(r"^((?:copyright\s*)?)\(c\)\s*", r"\1© ", credit, flags=re.I)
    return caption[: found.start()].rstrip(" \t-–—|/,;:"), credit


def _caption_and_credit(element):
    if element is None:
        return "", ""
    credited = element.find_all(["cite", "small"])
    if credited:
        credit = _plain_text(credited[-1])
        rest = copy.copy(element)
        rest.find_all(["cite", "small"])[-1].extract()
        return _plain_text(rest).rstrip(" \t-–—|/,;:"), credit
    return split_credit(_plain_text(element))


def _preformatted_text(node):
    parts = []
    for item in node.descendants:
        if _is_tag(item, "br"):
            parts.append("\n")
        elif isinstance(item, NavigableString) and not isinstance(item, Comment):
            parts.append(str(item))
    return "".join(parts).removeprefix("\n")  # HTML ignores a newline right after <pre>.


def _code_language(node):
    code = node.find("code")
    classes = " ".join([*(node.get("class") or ()), *((code.get("class") or ()) if code else ())])
    found = re.search(r"(?:\blanguage-|\blang-|brush:\s*)([\w+#.-]+)", classes)
    if found:
        return found.group(1)
    return node.get("data-lang") or (code.get("data-lang") if code else "") or ""


def _poem_lines(text, preformatted):
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


def _leading_spaces_kept(line):
    stripped = line.lstrip(" ")
    return "\u00a0" * (len(line) - len(stripped)) + stripped


def _per_line(text, before, after):
    def wrap(line):
        if not line.strip():
            return line
        indent = line[: len(line) - len(line.lstrip())]
        return f"{indent}{before}{line.strip()}{after}"

    return "\n".join(wrap(line) for line in text.split("\n"))


def _table_rows(table):
    rows = [row for row in table.find_all("tr") if row.find_parent("table") is table]
    rows = [row for row in rows if _cells(row)]
    order = {"thead": 0, "tfoot": 2}
    return sorted(rows, key=lambda row: order.get(row.parent.name, 1))


def _cells(row):
    return row.find_all(["td", "th"], recursive=False)


def _is_complex_table(rows):
    cells = [cell for row in rows for cell in _cells(row)]
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


def _alignment(cell):
    """How WordPress aligned the cell: left, center, right, or None."""
    text = " ".join([*(cell.get("class") or ()), cell.get("style", ""), cell.get("align", "")])
    found = re.search(r"(?:text-align-|text-align:\s*|^|\s)(left|center|right)\b", text)
    return found and found.group(1)


def _pipe_table(rows, alignments):
    width = max(len(row) for row in rows)
    rows = [row + [""] * (width - len(row)) for row in rows]
    alignments = alignments + ["---"] * (width - len(alignments))
    return "\n".join("| " + " | ".join(row) + " |" for row in [rows[0], alignments, *rows[1:]])


def _media_url(node):
    url = node.get("src") or node.get("data") or ""
    if not url:
        source = node.find(["source", "embed"], src=True)
        param = node.find("param", attrs={"name": re.compile(r"^(movie|src)$", re.I)})
        url = (source and source["src"]) or (param and param.get("value")) or ""
    return url.strip()


def _closes_quote(cite):
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


# --- Text helpers ----------------------------------------------------------------------

_INLINE_SPECIAL = re.compile(r"[\\`*\[\]]|(?<!\w)_|_(?!\w)")
_ENTITY_LIKE = re.compile(r"&(?=#\d+;|#[xX][0-9a-fA-F]+;|[A-Za-z][A-Za-z0-9]*;)")
_TAG_LIKE = re.compile(r"<(?=[A-Za-z/!?])")
_LINE_START_MARK = re.compile(r"^(?:#{1,6}(?=\s|$)|>|[-+](?=\s|$|-*\s*$))")
_LINE_START_NUMBER = re.compile(r"^(\d{1,9})([.)])(?=\s|$)")


def _collapse_spaces(text):
    """Whitespace runs become one space; a lone no-break space between words stays."""
    return re.sub(
        r"[ \t\r\n\f\u00a0]+", lambda m: m.group() if m.group() == "\u00a0" else " ", text
    )


def _escape(text, line_start=False, cell=False):
    """Text that Markdown shows as written."""
    text = _INLINE_SPECIAL.sub(r"\\\g<0>", text)
    text = _TAG_LIKE.sub("&lt;", _ENTITY_LIKE.sub("&amp;", text))
    if cell:
        text = text.replace("|", r"\|")
    return _escape_line_start(text) if line_start else text


def _escape_line_start(line):
    """A line that does not start a heading, quote, list or rule."""
    line = _LINE_START_MARK.sub(r"\\\g<0>", line)
    line = _LINE_START_NUMBER.sub(r"\1\\\2", line)
    return re.sub(r"^=(?==*\s*$)", "&#61;", line)  # Not a setext underline.


def _url(url):
    url = url.strip()
    for character, code in ((" ", "%20"), ("<", "%3C"), (">", "%3E"), ("|", "%7C")):
        url = url.replace(character, code)
    if url.count("(") != url.count(")"):
        url = url.replace("(", "%28").replace(")", "%29")
    return url


def _italic(markdown):
    if not markdown:
        return ""
    marker = "_" if re.search(r"(?<!\\)\*", markdown) else "*"
    return f"{marker}{markdown}{marker}"


def _one_paragraph(text):
    return re.sub(r"\s*\n\s*\n\s*", "  \n", text.strip())


_FENCE = re.compile(r"^(`{3,}|~{3,})")
_BLOCK_KINDS = {
    "quote": re.compile(r">"),
    "ul": re.compile(r"- "),
    "ol": re.compile(r"\d+\. "),
    "indented": re.compile(r"\s"),
}


def _tidy(markdown):
    """One blank line at most, no trailing spaces but hard breaks, one final newline.

    Fenced code is kept exactly as it is, blank lines included.
    """
    lines, kept, fence, previous = markdown.split("\n"), [], None, None
    for index, line in enumerate(lines):
        if fence is not None:
            kept.append(line)
            fence = None if line.rstrip() == fence else fence
            continue
        stripped = line.rstrip()
        if not stripped:
            if kept and kept[-1]:
                kept.append("")
            continue
        if not kept or not kept[-1]:
            kind = next(
                (kind for kind, start in _BLOCK_KINDS.items() if start.match(line)), "other"
            )
            if kind in ("quote", "ul", "ol") and kind == previous:
                kept += ["<!-- -->", ""]  # Else Python-Markdown merges two quotes or lists.
            previous = previous if kind == "indented" else kind
        opening = _FENCE.match(line)
        fence = opening.group(1) if opening else None
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if line.endswith("  ") and following.strip().strip(">").strip():
            stripped += "  "  # A hard line break.
        kept.append(stripped)
    text = "\n".join(kept).strip("\n")
    return text + "\n" if text else ""


# --- Comments --------------------------------------------------------------------------

_COMMENT_BLOCKS = {
    "address", "article", "blockquote", "dd", "div", "dl", "dt", "figcaption", "figure",
    "h1", "h2", "h3", "h4", "h5", "h6", "li", "ol", "p", "pre", "section", "table", "tr", "ul",
}  # fmt: skip


class _CommentText:
    def blocks(self, node):
        """The paragraphs of `node`, as plain text."""
        result, line = [], []

        def flush():
            text = "\n".join(part.strip() for part in "".join(line).split("\n")).strip()
            if text:
                result.append(text)
            line.clear()

        for child in node.children:
            if isinstance(child, Tag) and child.name in _COMMENT_BLOCKS:
                flush()
                result.extend(self._block(child))
            else:
                line.append(self.inline(child))
        flush()
        return result

    def _block(self, node):
        if node.name == "blockquote":
            quoted = "\n\n".join(self.blocks(node))
            return ["\n".join(f"> {line}" if line else ">" for line in quoted.split("\n"))]
        if node.name in ("ul", "ol"):
            items = []
            for number, item in enumerate(node.find_all("li", recursive=False), start=1):
                marker = f"{number}. " if node.name == "ol" else "- "
                text = "\n".join(self.blocks(item))
                items.append(marker + text.replace("\n", "\n" + " " * len(marker)))
            return ["\n".join(items)] if items else []
        if node.name == "pre":
            return [_preformatted_text(node).strip("\n")]
        return self.blocks(node)

    def inline(self, node):
        if isinstance(node, Comment):
            return ""
        if isinstance(node, NavigableString):
            return re.sub(r"\s+", " ", str(node))
        if node.name == "br":
            return "\n"
        if node.name in ("script", "style"):
            return ""
        if node.name == "img":
            return node.get("alt") or ""
        text = "".join(self.inline(child) for child in node.children)
        return _comment_link(text, node.get("href")) if node.name == "a" else text


def _comment_link(text, href):
    text, href = " ".join(text.split()), (href or "").strip()
    if not href:
        return text
    if not text or _same_address(text, href):
        return href
    return f"{text} ({href})"


def _same_address(text, href):
    def bare(url):
        url = re.sub(r"^(?:https?://|mailto:)?(?:www\.)?", "", url.strip().lower())
        return url.rstrip("/")

    shown = bare(text)
    if shown.endswith(("…", "...")):  # Shortened by make_clickable().
        return bare(href).startswith(shown.rstrip(".…"))
    return shown == bare(href)
