"""A WordPress comment's HTML as our plain-text comment body."""

import re

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

from .elements import preformatted_text
from .wpautop import wpautop


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
            return [preformatted_text(node).strip("\n")]
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
