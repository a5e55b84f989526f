"""A Markdown file with a small header: `key: value` lines between two `---` lines.

Only what the demo's files need: one value a line, no quoting, no nesting; lists are
written "a, b, c". The header's values stay strings; their reader gives them types.
"""


def read(path):
    """(header, body) of the file at `path`; the body stripped, ending in one newline."""
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    if lines[0] != "---" or "---" not in lines[1:]:
        raise ValueError(f"{path}: it does not start with a header between two --- lines.")
    end = lines.index("---", 1)
    header = {}
    for number, line in enumerate(lines[1:end], start=2):
        key, colon, value = line.partition(":")
        if not colon or not key.strip():
            raise ValueError(f"{path}, line {number}: write `key: value`.")
        header[key.strip()] = value.strip()
    return header, "\n".join(lines[end + 1 :]).strip() + "\n"


def items(value):
    """The list written "a, b, c"; [] for an empty value."""
    return [item.strip() for item in value.split(",") if item.strip()]
