# ruff: noqa: E501 - the people's bios are prose, one to a line.
"""The demo blog: an invented association publishing essays on peace and diplomacy.

Its people, categories, pictures, settings and navigation are here; its essays and
pages are Markdown files under content/ (posts/ and pages/, read in file-name order),
each with a header (see `frontmatter`):

    title, slug, author (a username below), status (published, draft or pending),
    days (from today: negative for the past, positive schedules the post),
    categories (paths) and tags, written "a, b"; and if wanted sticky (true),
    featured (a picture's key), related (slugs, "a, b") and excerpt;

and for a page: title, path (parents first), order. A paragraph of its own like
[[lake]] in a post becomes that picture's figure.
"""

import re
import textwrap
from pathlib import Path

from accounts import roles
from blog.models import Post

from . import frontmatter

CONTENT = Path(__file__).resolve().parent / "content"


def _md(text):
    return textwrap.dedent(text).strip() + "\n"


SITE = {
    "title": "The Official Blog of the Geneva Association for Dialogue",
    "tagline": "Essays on peace, negotiation and the patient work of dialogue",
    "footer_text": _md(
        """
        Essays on this blog reflect the views of their authors, not necessarily those of the Geneva Association for Dialogue.
        [About us](/about/) · [Contact](/contact/)
        """
    ),
}

PEOPLE = [
    {
        "username": "helena.marchetti",
        "role": roles.AUTHORS,
        "first_name": "Helena",
        "last_name": "Marchetti",
        "display_name": "Helena Marchetti",
        "email": "helena.marchetti@example.org",
        "website": "https://helena-marchetti.example.org/",
        "bio": "Helena Marchetti spent twenty years as a diplomat before turning to unofficial dialogue. She directs the Association's track two programme and writes about negotiation, hospitality and the uses of silence.",
    },
    {
        "username": "kwame.mensah",
        "role": roles.AUTHORS,
        "first_name": "Kwame",
        "last_name": "Mensah",
        "display_name": "Kwame Mensah",
        "email": "kwame.mensah@example.org",
        "website": "https://kwame-mensah.example.org/",
        "bio": "Kwame Mensah is a researcher in conflict resolution who has worked alongside community mediators in West and East Africa. He teaches a seminar on ceasefires and chairs the Association's training committee.",
    },
    {
        "username": "leyla.karimi",
        "role": roles.AUTHORS,
        "first_name": "Leyla",
        "last_name": "Karimi",
        "display_name": "Leyla Karimi",
        "email": "leyla.karimi@example.org",
        "website": "https://leyla-karimi.example.com/",
        "bio": "Leyla Karimi is a poet, a translator and the Association's cultural programmes officer. Her work explores what happens to meaning when it crosses a border. She runs our writers' residency each autumn.",
    },
    {
        "username": "tomas.lindqvist",
        "role": roles.EDITORS,
        "first_name": "Tomas",
        "last_name": "Lindqvist",
        "display_name": "Tomas Lindqvist",
        "email": "tomas.lindqvist@example.org",
        "website": "https://example.org/tomas-lindqvist/",
        "bio": "Tomas Lindqvist edits this blog and the Association's other publications. Before joining the Association he was a foreign correspondent for a Nordic news agency.",
    },
]

# (name, slug, parent slug, description), parents first.
CATEGORIES = [
    (
        "Diplomacy",
        "diplomacy",
        None,
        "How states and peoples talk to each other, officially and otherwise.",
    ),
    (
        "Track Two Diplomacy",
        "track-two-diplomacy",
        "diplomacy",
        "Unofficial dialogue between influential people on opposite sides of a conflict.",
    ),
    (
        "Negotiation",
        "negotiation",
        "diplomacy",
        "The craft of reaching agreement: method, setting and language.",
    ),
    (
        "Conflict Resolution",
        "conflict-resolution",
        None,
        "Mediation, ceasefires, reconciliation and the long road after the signing.",
    ),
    (
        "Middle East",
        "middle-east",
        "conflict-resolution",
        "Dialogue work in and about the Middle East.",
    ),
    (
        "Africa",
        "africa",
        "conflict-resolution",
        "Peace-making traditions and practice across the African continent.",
    ),
    ("Culture", "culture", None, "Poetry, translation, memory and the arts of living together."),
    (
        "Association News",
        "association-news",
        None,
        "Events, programmes and reports from the Association.",
    ),
]

# The drawing (see drawings.DRAWINGS) -> (filename, alt text, caption, credit).
IMAGES = {
    "lake": (
        "demo-lake-at-dusk.jpg",
        "A lake at dusk, with mountains behind and the low sun reflected in the water",
        "Evening over the lake, where the Association held its first dialogue in 1987.",
        "Illustration: Mirela Kostić © Colloquy Archive",
    ),
    "table": (
        "demo-round-table.jpg",
        "A round table seen from above, with ten chairs spaced evenly around it",
        "The round table: no head, no foot, and no one seated below the salt.",
        "Photo: Daniel Osei © Geneva Association for Dialogue",
    ),
    "acacia": (
        "demo-meeting-tree.jpg",
        "A flat-topped acacia tree in silhouette against a pale morning sky",
        "Many communities still settle their disputes in the shade of a meeting tree.",
        "Photo: Grace Wanjiru © Lakeside Press Agency",
    ),
    "olive": (
        "demo-olive-branch.jpg",
        "An olive branch with narrow grey-green leaves and dark fruit on a cream background",
        "The oldest emblem of the trade, and still the most misunderstood.",
        "Drawing: Leyla Karimi © Colloquy Archive",
    ),
    "windows": (
        "demo-offices-at-night.jpg",
        "An office building at night under a crescent moon, some of its windows lit",
        "The Association's offices on the evening of a dialogue session.",
        "Photo: Jonas Weber © Colloquy Archive",
    ),
    "bridge": (
        "demo-stone-bridge.jpg",
        "A humped stone bridge crossing a river at dusk, with houses on the far bank",
        "A bridge is an invitation; crossing it is another matter.",
        "Photo: Amira Haddad © Colloquy Archive",
    ),
}

# A paragraph of its own like [[lake]] becomes that image's figure.
IMAGE_PLACEHOLDER = re.compile(r"\[\[(\w+)\]\]")


# Header navigation: ("page" | "category", path, order).
NAVIGATION = [
    ("page", "about", 10),
    ("category", "diplomacy", 20),
    ("category", "conflict-resolution", 30),
    ("category", "culture", 40),
    ("page", "contact", 50),
]


POST_FIELDS = {"title", "slug", "author", "status", "days", "sticky", "categories", "tags",
               "featured", "related", "excerpt"}  # fmt: skip
PAGE_FIELDS = {"title", "path", "order"}


def posts():
    """The essays, as dicts of their header's fields with their types, and "body"."""
    specs = []
    for path in sorted((CONTENT / "posts").glob("*.md")):
        header, body = _read(path, POST_FIELDS)
        spec = {
            **header,
            "status": Post.Status(header["status"]),
            "days": int(header["days"]),
            "categories": frontmatter.items(header["categories"]),
            "tags": frontmatter.items(header["tags"]),
            "body": body,
        }
        if "sticky" in header:
            spec["sticky"] = header["sticky"] == "true"
        if "related" in header:
            spec["related"] = frontmatter.items(header["related"])
        specs.append(spec)
    return specs


def pages():
    """(path, title, order, body) of each page, parents first."""
    found = []
    for path in sorted((CONTENT / "pages").glob("*.md")):
        header, body = _read(path, PAGE_FIELDS)
        found.append((header["path"], header["title"], int(header["order"]), body))
    return found


def _read(path, fields):
    header, body = frontmatter.read(path)
    if header.keys() - fields:
        raise ValueError(f"{path}: unknown fields {', '.join(sorted(header.keys() - fields))}.")
    return header, body


def image_keys(spec):
    """The pictures a post comes with: its featured one, then those its body shows."""
    featured = [spec["featured"]] if spec.get("featured") else []
    return featured + IMAGE_PLACEHOLDER.findall(spec["body"])
