"""Markdown text: escaping, link targets, and the final tidy."""

import re

_INLINE_SPECIAL = re.compile(r"[\\`*\[\]]|(?<!\w)_|_(?!\w)")
_ENTITY_LIKE = re.compile(r"&(?=#\d+;|#[xX][0-9a-fA-F]+;|[A-Za-z][A-Za-z0-9]*;)")
_TAG_LIKE = re.compile(r"<(?=[A-Za-z/!?])")
_LINE_START_MARK = re.compile(r"^(?:#{1,6}(?=\s|$)|>|[-+](?=\s|$|-*\s*$))")
_LINE_START_NUMBER = re.compile(r"^(\d{1,9})([.)])(?=\s|$)")


def collapse_spaces(text):
    """Whitespace runs become one space; a lone no-break space between words stays."""
    return re.sub(
        r"[ \t\r\n\f\u00a0]+", lambda m: m.group() if m.group() == "\u00a0" else " ", text
    )


def escape_markdown(text, line_start=False, cell=False):
    """Text that Markdown shows as written."""
    text = _INLINE_SPECIAL.sub(r"\\\g<0>", text)
    text = _TAG_LIKE.sub("&lt;", _ENTITY_LIKE.sub("&amp;", text))
    if cell:
        text = text.replace("|", r"\|")
    return escape_line_start(text) if line_start else text


def escape_line_start(line):
    """A line that does not start a heading, quote, list or rule."""
    line = _LINE_START_MARK.sub(r"\\\g<0>", line)
    line = _LINE_START_NUMBER.sub(r"\1\\\2", line)
    return re.sub(r"^=(?==*\s*$)", "&#61;", line)  # Not a setext underline.


def markdown_url(url):
    url = url.strip()
    for character, code in ((" ", "%20"), ("<", "%3C"), (">", "%3E"), ("|", "%7C")):
        url = url.replace(character, code)
    if url.count("(") != url.count(")"):
        url = url.replace("(", "%28").replace(")", "%29")
    return url


def italic(markdown):
    if not markdown:
        return ""
    marker = "_" if re.search(r"(?<!\\)\*", markdown) else "*"
    return f"{marker}{markdown}{marker}"


def one_paragraph(text):
    return re.sub(r"\s*\n\s*\n\s*", "  \n", text.strip())


_FENCE = re.compile(r"^(`{3,}|~{3,})")
_BLOCK_KINDS = {
    "quote": re.compile(r">"),
    "ul": re.compile(r"- "),
    "ol": re.compile(r"\d+\. "),
    "indented": re.compile(r"\s"),
}


def tidy(markdown):
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
