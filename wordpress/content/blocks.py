"""The source pass: Gutenberg blocks, shortcodes and oEmbed URLs as plain HTML.

Shortcodes and embeds become placeholder elements; what they stood for waits in
the conversion's side table (state.Placeholder) for the Markdown writer.
"""

import html as htmllib
import json
import re
from dataclasses import dataclass, field

from .state import Placeholder
from .wpautop import HTML_TAG_OR_COMMENT, wpautop

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


def prepare(html, context):
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
    link = context.placeholder(Placeholder("media", url=url), block=True)
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
        link = context.placeholder(Placeholder("media", url=url), block=True)
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
        hidden = HTML_TAG_OR_COMMENT.sub(lambda m: m.group().translate(_HIDE_BRACKETS), part)
        replaced = _SHORTCODE.sub(lambda match: _shortcode(match, context), hidden)
        return replaced.translate(_SHOW_BRACKETS)

    return _outside_code(text, expand)


def _shortcode(match, context):
    if match["open"] and match["close"]:  # [[name]] is the literal text [name].
        literal = match.group()[1:-1].translate(_SHOW_BRACKETS)
        return context.placeholder(Placeholder("literal", literal), block=False)
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
        return context.placeholder(Placeholder("footnote", content), block=False)
    if name in ("code", "sourcecode") or (name in _CODE_LANGUAGE_TAGS and code.content):
        return _code_shortcode(code, context)
    if name in _EMBED_SHORTCODES or name in _MEDIA_SOURCES:
        return _media_shortcode(code, context)
    return None


def _unknown_shortcode(code, context):
    context.problem(f"unknown shortcode [{code.name}] kept as text")
    return _literal_shortcode(code, context)


def _literal_shortcode(code, context):
    opening = context.placeholder(Placeholder("literal", f"[{code.name}{code.attr_text}]"), False)
    if code.content is None:
        return opening
    closing = context.placeholder(Placeholder("literal", f"[/{code.name}]"), block=False)
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
    return context.placeholder(Placeholder("gallery", ids=tuple(ids)), block=True)


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
    return context.placeholder(Placeholder("code", content, language=language), block=True)


def _media_shortcode(code, context):
    url = _shortcode_url(code)
    if not url:
        context.problem(f"[{code.name}] without a URL kept as text")
        return _literal_shortcode(code, context)
    media = code.name if code.name in _MEDIA_SOURCES else "embed"
    return context.placeholder(Placeholder("media", url=url, media=media), block=True)


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
