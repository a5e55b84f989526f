"""A WordPress export (WXR 1.0, 1.1 or 1.2) read as a stream of plain records.

The file is parsed with defusedxml (no DTDs, no external entities, no entity
expansion) and each `<item>` is dropped as soon as it has been turned into a
record, so a 200 MB export never needs 200 MB of objects. The `wp` namespace is
the one the document declares, whatever its spelling (http or https, any version).
The text is read strictly in the encoding the file declares, and handed to the
parser as UTF-8, so a file in any encoding Python knows is read, and a byte that
is not of that encoding is an error that names its line, never a wrong letter.
"""

import codecs
import re
from dataclasses import dataclass, field

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, iterparse
from django.utils.translation import gettext

VERSIONS = {"1.0", "1.1", "1.2"}
WP_NAMESPACE = re.compile(r"^https?://wordpress\.org/export/(\d+\.\d+)/$")
EXCERPT_NAMESPACE = re.compile(r"^https?://wordpress\.org/export/\d+\.\d+/excerpt/$")
OTHER_NAMESPACES = {
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://wellformedweb.org/CommentAPI/": "wfw",
}


class WXRError(Exception):
    """The file as a whole cannot be imported; the message says why, for a person."""


@dataclass
class Site:
    title: str
    link: str
    base_site_url: str
    base_blog_url: str
    version: str


@dataclass
class Author:
    login: str
    email: str = ""
    display_name: str = ""
    first_name: str = ""
    last_name: str = ""
    wp_id: int | None = None


@dataclass
class Term:
    taxonomy: str  # "category", "post_tag" or another taxonomy
    slug: str
    name: str
    parent: str = ""  # the parent's slug
    description: str = ""
    wp_id: int | None = None


@dataclass
class Comment:
    wp_id: int
    author: str
    email: str
    url: str
    ip: str
    date: str
    date_gmt: str
    content: str
    approved: str
    type: str
    parent: int
    user_id: int


@dataclass
class Item:
    wp_id: int
    type: str
    title: str
    link: str
    guid: str
    creator: str
    content: str
    excerpt: str
    date: str
    date_gmt: str
    comment_status: str
    slug: str
    status: str
    parent: int
    menu_order: int
    password: str
    sticky: bool
    attachment_url: str
    terms: list = field(default_factory=list)  # (taxonomy, slug, name)
    meta: dict = field(default_factory=dict)
    comments: list = field(default_factory=list)
    line: int = 0

    @property
    def label(self):
        title = self.title.strip() or "(no title)"
        return f"{self.type} {self.wp_id} “{title[:60]}”"


@dataclass
class Problem:
    """An item-level problem: the item (or comment) is skipped and the report names it."""

    label: str
    message: str


class _Names:
    """Turns `{uri}local` tags into `prefix:local`, whatever the document calls its prefixes."""

    def __init__(self):
        self.prefixes = {}
        self.cache = {}
        self.wp_version = None

    def declare(self, uri):
        self.cache.clear()
        match = WP_NAMESPACE.match(uri)
        if match:
            self.prefixes[uri] = "wp"
            self.wp_version = self.wp_version or match.group(1)
        elif EXCERPT_NAMESPACE.match(uri):
            self.prefixes[uri] = "excerpt"
        elif uri in OTHER_NAMESPACES:
            self.prefixes[uri] = OTHER_NAMESPACES[uri]

    def __call__(self, tag):
        name = self.cache.get(tag)
        if name is None:
            name = self.cache[tag] = self._name(tag)
        return name

    def _name(self, tag):
        if tag[:1] != "{":
            return tag
        uri, local = tag[1:].split("}", 1)
        prefix = self.prefixes.get(uri)
        return f"{prefix}:{local}" if prefix else tag


def _children(element, names):
    """{name: text} of an element's children; the first of each name counts."""
    found = {}
    for child in element:
        name = names(child.tag)
        if name not in found:
            text = child.text or ""
            found[name] = text if name in _RAW else text.strip()
    return found


# Fields whose surrounding whitespace belongs to the text.
_RAW = {"content:encoded", "excerpt:encoded", "wp:comment_content", "wp:meta_value"}


def _int(value, default=0):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def read(source):
    """Yield a Site, then Authors, Terms, Items and Problems, in the order of the file.

    `source` is a path or a binary file object. Raises WXRError for a file-level
    problem, possibly after some records were yielded (a truncated file is only
    found out at its end), so the caller must not keep partial work.
    """
    if not hasattr(source, "read"):
        with open(source, "rb") as handle:
            yield from read(handle)
        return
    names = _Names()
    header = {}
    site_sent = False
    depth = 0
    channel = None
    try:
        for event, payload in iterparse(
            _AsUTF8(source), events=("start-ns", "start", "end"), forbid_dtd=True
        ):
            if event == "start-ns":
                names.declare(payload[1])
                continue
            element = payload
            if event == "start":
                depth += 1
                if depth == 1 and element.tag != "rss":
                    raise WXRError(
                        f"This is XML, but not a WordPress export: it starts with "
                        f"<{element.tag}>, not <rss>."
                    )
                if depth == 2 and element.tag == "channel":
                    channel = element
                    if names.wp_version is None:
                        raise WXRError(
                            "This is an RSS feed, not a WordPress export: it declares no "
                            "wordpress.org/export/ namespace."
                        )
                continue
            depth -= 1
            if depth != 2 or channel is None:
                continue
            tag = names(element.tag)
            if tag in ("title", "link", "wp:base_site_url", "wp:base_blog_url", "wp:wxr_version"):
                header[tag] = (element.text or "").strip()
                continue
            if not site_sent and tag in _RECORD_TAGS:
                site_sent = True
                yield _site(header, names)
            if tag == "wp:author":
                yield _author(element, names)
            elif tag in ("wp:category", "wp:tag", "wp:term"):
                term = _term(element, tag, names)
                if term is not None:
                    yield term
            elif tag == "item":
                yield _item(element, names)
            # Every record is built: free the tree that held it.
            channel.clear()
    except ParseError as error:
        line, column = getattr(error, "position", (0, 0))
        if "no element found" in str(error) or "unclosed token" in str(error):
            raise WXRError(
                f"The file ends too early, at line {line}: it was probably cut short "
                "while downloading or copying."
            ) from error
        raise WXRError(f"This is not a readable XML file: {error}.") from error
    except DefusedXmlException as error:
        raise WXRError(
            f"The file uses XML features that are refused for safety ({type(error).__name__})."
        ) from error
    if channel is None:
        raise WXRError("This is not a WordPress export: there is no <channel> in it.")
    if not site_sent:
        yield _site(header, names)


_RECORD_TAGS = {"wp:author", "wp:category", "wp:tag", "wp:term", "item"}

_DECLARED_ENCODING = re.compile(rb"""^<\?xml[^>]*?\sencoding\s*=\s*["']([^"']*)["']""")
_DECLARATION = re.compile(r"""^(<\?xml[^>]*?\sencoding\s*=\s*)(["'])[^"']*\2""")
_BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


class _AsUTF8:
    """The file's bytes, read in the encoding its XML declaration names (UTF-8 without
    one, or as its byte order mark says), given to the parser as UTF-8 that says so.

    A file that declares another encoding but is UTF-8 throughout (as old WordPress
    sites wrote it) is refused too: read as declared, every accented letter would
    become two wrong ones."""

    def __init__(self, source):
        self.source, self.lines = source, 0
        self.decoder = self.utf8 = None
        self.non_ascii = False

    def read(self, size=-1):
        data = self.source.read(size)
        first = self.decoder is None
        if first:
            self.encoding = _encoding(data)
            self.decoder = codecs.getincrementaldecoder(self.encoding)()
            if not codecs.lookup(self.encoding).name.startswith("utf"):
                self.utf8 = codecs.getincrementaldecoder("utf-8")()
        text = self._decode(data)
        if first:
            text = _DECLARATION.sub(r"\1\2UTF-8\2", text, count=1)
        self.lines += text.count("\n")
        if self.utf8 is not None:
            self._check_not_utf8(data)
        return text.encode("utf-8")

    def _decode(self, data):
        try:
            return self.decoder.decode(data, final=not data)
        except UnicodeDecodeError as error:
            if not data:
                return ""  # cut short in a letter: the parser says the file ends too early
            line = self.lines + error.object.count(b"\n", 0, error.start) + 1
            message = gettext(
                "The file says its text is in %(encoding)s, but line %(line)d has bytes "
                "that are not: it was saved in another encoding than it declares. Save it "
                'again as UTF-8 (with encoding="UTF-8" in its first line) and import it.'
            )
            raise WXRError(message % {"encoding": self.encoding, "line": line}) from error

    def _check_not_utf8(self, data):
        try:
            self.utf8.decode(data, final=not data)
        except UnicodeDecodeError:
            self.utf8 = None  # not UTF-8: then it may well be what it says
            return
        self.non_ascii = self.non_ascii or not data.isascii()
        if not data and self.non_ascii:
            message = gettext(
                "The file says its text is in %(encoding)s, but it is UTF-8: read as "
                "%(encoding)s, every accented letter would be wrong. Change its first "
                'line to say encoding="UTF-8" and import it again.'
            )
            raise WXRError(message % {"encoding": self.encoding})


def _encoding(head):
    """The encoding the file declares, as its first bytes show."""
    for mark, name in _BYTE_ORDER_MARKS:
        if head.startswith(mark):
            return name
    declared = _DECLARED_ENCODING.match(head)
    name = declared.group(1).decode("ascii", "replace").strip() if declared else "UTF-8"
    try:
        str(b"<", name, "ignore")  # a LookupError for a name that is no text encoding
    except LookupError as error:
        message = gettext(
            "The file says its text is in “%(encoding)s”, which is not an encoding this "
            "site knows. WordPress writes UTF-8: if the text is UTF-8, change the first "
            'line to say encoding="UTF-8" and import it again.'
        )
        raise WXRError(message % {"encoding": name}) from error
    return name


def _site(header, names):
    version = header.get("wp:wxr_version") or names.wp_version
    if version not in VERSIONS:
        raise WXRError(
            f"This export is WXR version {version}; Colloquy reads versions "
            f"{', '.join(sorted(VERSIONS))}."
        )
    link = header.get("link", "")
    return Site(
        title=header.get("title", ""),
        link=link,
        base_site_url=header.get("wp:base_site_url") or link,
        base_blog_url=header.get("wp:base_blog_url") or link,
        version=version,
    )


def _author(element, names):
    fields = _children(element, names)
    return Author(
        login=fields.get("wp:author_login", ""),
        email=fields.get("wp:author_email", ""),
        display_name=fields.get("wp:author_display_name", ""),
        first_name=fields.get("wp:author_first_name", ""),
        last_name=fields.get("wp:author_last_name", ""),
        wp_id=_int(fields.get("wp:author_id"), None),
    )


def _term(element, tag, names):
    fields = _children(element, names)
    wp_id = _int(fields.get("wp:term_id"), None)
    if tag == "wp:category":
        return Term(
            taxonomy="category",
            slug=fields.get("wp:category_nicename", ""),
            name=fields.get("wp:cat_name", ""),
            parent=fields.get("wp:category_parent", ""),
            description=fields.get("wp:category_description", ""),
            wp_id=wp_id,
        )
    if tag == "wp:tag":
        return Term(
            taxonomy="post_tag",
            slug=fields.get("wp:tag_slug", ""),
            name=fields.get("wp:tag_name", ""),
            description=fields.get("wp:tag_description", ""),
            wp_id=wp_id,
        )
    return Term(
        taxonomy=fields.get("wp:term_taxonomy", ""),
        slug=fields.get("wp:term_slug", ""),
        name=fields.get("wp:term_name", ""),
        parent=fields.get("wp:term_parent", ""),
        description=fields.get("wp:term_description", ""),
        wp_id=wp_id,
    )


def _item(element, names):
    fields = {}
    terms, meta, comments = [], {}, []
    for child in element:
        tag = names(child.tag)
        if tag == "category":
            domain = child.get("domain")
            # WXR 1.0 lists each category twice, once without a domain: the other one counts.
            if domain:
                taxonomy = "post_tag" if domain == "tag" else domain
                terms.append((taxonomy, child.get("nicename", ""), (child.text or "").strip()))
        elif tag == "wp:postmeta":
            pair = _children(child, names)
            meta[pair.get("wp:meta_key", "")] = pair.get("wp:meta_value", "")
        elif tag == "wp:comment":
            comments.append(_comment(child, names))
        elif tag in _RAW:
            fields[tag] = child.text or ""
        else:
            fields[tag] = (child.text or "").strip()
    wp_id = _int(fields.get("wp:post_id"), None)
    post_type = fields.get("wp:post_type", "")
    if wp_id is None or not post_type:
        missing = "wp:post_id" if wp_id is None else "wp:post_type"
        title = fields.get("title", "").strip() or "(no title)"
        return Problem(f"item “{title[:60]}”", f"skipped: it has no {missing}.")
    return Item(
        wp_id=wp_id,
        type=post_type,
        title=fields.get("title", ""),
        link=fields.get("link", ""),
        guid=fields.get("guid", ""),
        creator=fields.get("dc:creator", ""),
        content=fields.get("content:encoded", ""),
        excerpt=fields.get("excerpt:encoded", ""),
        date=fields.get("wp:post_date", ""),
        date_gmt=fields.get("wp:post_date_gmt", ""),
        comment_status=fields.get("wp:comment_status", ""),
        slug=fields.get("wp:post_name", ""),
        status=fields.get("wp:status", ""),
        parent=_int(fields.get("wp:post_parent")),
        menu_order=_int(fields.get("wp:menu_order")),
        password=fields.get("wp:post_password", ""),
        sticky=fields.get("wp:is_sticky", "0") == "1",
        attachment_url=fields.get("wp:attachment_url", ""),
        terms=terms,
        meta=meta,
        comments=comments,
    )


def _comment(element, names):
    fields = _children(element, names)

    def text(name):
        return fields.get(f"wp:comment_{name}", "")

    return Comment(
        wp_id=_int(text("id"), None),
        author=text("author"),
        email=text("author_email"),
        url=text("author_url"),
        ip=text("author_IP"),
        date=text("date"),
        date_gmt=text("date_gmt"),
        content=text("content"),
        approved=text("approved") or "1",
        type=text("type"),
        parent=_int(text("parent")),
        user_id=_int(text("user_id")),
    )
