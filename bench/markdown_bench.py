#!/usr/bin/env python3
"""How long the Markdown renderer takes on the worst shapes of text, as they grow.

    .venv/bin/python bench/markdown_bench.py [--steps 4] [--repeat 3] [--shapes prose,footnotes]

For each shape (prose, nested lists and quotes at the nesting limit, long flat text,
dense inline markup, many footnotes, tables, …) it finds the largest body the limits
let through (MARKDOWN_MAX_LENGTH, MARKDOWN_MAX_MARKUP, MARKDOWN_MAX_DEPTH), renders it
and its half, quarter and eighth with `blog.rendering.render_markdown`, as saving a post
and the live preview do, and prints a Markdown table of the CPU time each took (the
best of `--repeat`) and the growth from half to all (2.0 is linear). CPU time, not wall
time: on a shared machine, waiting for a core is not the renderer's cost. Exits non-zero
if a body at the limits takes a second or more.
"""

import argparse
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

from blog.rendering import markdown_problem, markup, render_markdown  # noqa: E402

DEPTH = settings.MARKDOWN_MAX_DEPTH


def _repeat(unit):
    return lambda size: unit * (size // len(unit))


def _nested_lists(size):
    staircase = "".join("    " * level + f"- item {level}\n" for level in range(DEPTH))
    return (staircase + "\n") * (size // (len(staircase) + 1))


def _nested_quotes(size):
    line = "> " * DEPTH + "quoted words\n"
    return line * (size // len(line))


def _footnotes(size):
    parts, n = [], 0
    while sum(map(len, parts)) < size - 40:
        n += 1
        parts.append(f"Text[^{n}].\n\n[^{n}]: Note {n}.\n\n")
    return "".join(parts)


def _table(size):
    head = "| a | b | c |\n| :- | -: | -- |\n"
    row = "| *x* | 1 | y |\n"
    return head + row * ((size - len(head)) // len(row))


SHAPES = {
    "prose": _repeat(
        'It\'s an essay with "quotes", *emphasis*, **strong** words and '
        "[a link](https://example.org/), as written. " * 8 + "\n\n"
    ),
    "nested lists": _nested_lists,
    "nested quotes": _nested_quotes,
    "one long paragraph": _repeat("plain words of prose, "),
    "short paragraphs": _repeat("Short words.\n\n"),
    "dense emphasis": _repeat("*w* x "),
    "dense links": _repeat("[a](/b) "),
    "smart quotes": _repeat("\"q\" 's' -- "),
    "footnotes": _footnotes,
    "table rows": _table,
    "flat list": _repeat("- item\n"),
    "headings": _repeat("## Head\n\n"),
    "headings, no blank lines": _repeat("# Head\n"),
    "underlined headings": _repeat("Head\n---\n"),
    "rules": _repeat("---\n\n"),
    "poem lines": lambda size: "```poem\n" + "a line of *verse*\n" * ((size - 12) // 18) + "```\n",
    "code fences": _repeat("```\nx\n```\n\n"),
    "unclosed fences": _repeat("```a\n"),
    "raw html": _repeat("<span>x</span> "),
    "lone images": _repeat("![](image:1)\n\n"),
    "unclosed brackets": _repeat("[a "),
    "unclosed link addresses": _repeat("[a](x "),
    "unclosed tags": _repeat("<a "),
}


def best_time(text, repeat):
    times = []
    for _ in range(repeat):
        # CPU time: on a shared machine, waiting for a core is not the renderer's cost.
        start = time.process_time()
        render_markdown(text)
        times.append(time.process_time() - start)
    return min(times)


def largest(make):
    """The size of the largest body of this shape that the limits let through."""
    low, high = 0, settings.MARKDOWN_MAX_LENGTH
    if markdown_problem(make(high)) is None:
        return high
    while high - low > 100:
        middle = (low + high) // 2
        low, high = (middle, high) if markdown_problem(make(middle)) is None else (low, middle)
    return low


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=4, help="sizes: largest/2^(steps-1) …")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--shapes", default="", help="comma-separated names (default: all)")
    args = parser.parse_args()
    names = [name.strip() for name in args.shapes.split(",") if name.strip()] or list(SHAPES)
    cpu = platform.processor() or platform.machine()
    print(
        f"Python {platform.python_version()} on {cpu}, {os.cpu_count()} CPUs; "
        f"MARKDOWN_MAX_LENGTH={settings.MARKDOWN_MAX_LENGTH:,}, "
        f"MARKDOWN_MAX_MARKUP={settings.MARKDOWN_MAX_MARKUP:,}, MARKDOWN_MAX_DEPTH={DEPTH}"
    )
    print()
    fractions = [f"1/{2**k}" if k else "all" for k in reversed(range(args.steps))]
    columns = " | ".join(f"{fraction} (s)" for fraction in fractions)
    print(f"| shape | largest allowed (characters, marks) | {columns} | growth, half to all |")
    print("|---" * (len(fractions) + 3) + "|")
    slowest = 0.0
    for name in names:
        make = SHAPES[name]
        size = largest(make)
        times = [best_time(make(size // 2**k), args.repeat) for k in reversed(range(args.steps))]
        slowest = max(slowest, times[-1])
        growth = times[-1] / times[-2] if len(times) > 1 and times[-2] else float("nan")
        cells = " | ".join(f"{seconds:.3f}" for seconds in times)
        print(f"| {name} | {size:,}, {markup(make(size)):,} | {cells} | {growth:.2f} |", flush=True)
    print()
    print(f"Slowest at the limit: {slowest:.3f} s")
    if slowest >= 1:
        sys.exit(1)


if __name__ == "__main__":
    main()
