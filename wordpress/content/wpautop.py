"""WordPress's wpautop(): how classic-editor text becomes paragraphs."""

import re

_ALLBLOCKS = (
    r"(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre"
    r"|form|map|area|blockquote|address|style|p|h[1-6]|hr|fieldset|legend|section|article"
    r"|aside|hgroup|header|footer|nav|figure|figcaption|details|menu|summary)"
)
HTML_TAG_OR_COMMENT = re.compile(r"<!--.*?-->|<[^<>]*>", re.S)


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
    text = HTML_TAG_OR_COMMENT.sub(lambda m: m.group().replace("\n", " <!-- wpnl --> "), text)
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
