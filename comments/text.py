"""Comment text is plain text: paragraphs and line breaks kept, links made, the rest escaped."""

import re

from django.utils.html import escape

URL = re.compile(r"""(?i)\b((?:https?://|www\.)[^\s<>"']+)""")
# Punctuation that ends a sentence rather than the address.
TRAILING = ".,;:!?)]}'\""
LINK_REL = "nofollow ugc noopener"


def _link(url):
    trail = ""
    while url and url[-1] in TRAILING:
        # Keep a closing parenthesis that belongs to the address, as in Wikipedia links.
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        trail = url[-1] + trail
        url = url[:-1]
    href = url if url.lower().startswith("http") else f"http://{url}"
    return f'<a href="{escape(href)}" rel="{LINK_REL}">{escape(url)}</a>{escape(trail)}'


def _line(text):
    out, last = [], 0
    for match in URL.finditer(text):
        out.append(escape(text[last : match.start()]))
        out.append(_link(match.group(1)))
        last = match.end()
    out.append(escape(text[last:]))
    return "".join(out)


def render_comment(text):
    """Plain text to safe HTML, made once when the comment is saved."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    paragraphs = [p.strip("\n") for p in re.split(r"\n[ \t]*\n+", text) if p.strip()]
    return "\n".join(
        "<p>" + "<br>\n".join(_line(line) for line in paragraph.split("\n")) + "</p>"
        for paragraph in paragraphs
    )
