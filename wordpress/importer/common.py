"""Helpers every step uses: updating rows, ordering trees, WordPress's text and dates."""

import html
from datetime import datetime
from urllib.parse import unquote

from django.db import models


def update(instance, wanted, save=True):
    """Set the fields that differ; "updated" if any did (saved unless `save` is False)."""
    changed = [name for name, value in wanted.items() if _current(instance, name) != _stored(value)]
    for name in changed:
        setattr(instance, name, wanted[name])
    if changed and save:
        instance.save()
    return "updated" if changed else "unchanged"


def _current(instance, name):
    # A relation is compared by its id, so comparing never loads the related row.
    field = instance._meta.get_field(name)
    return getattr(instance, field.attname)


def _stored(value):
    return value.pk if isinstance(value, models.Model) else value


def parents_first(nodes, parent_of):
    """The keys of `nodes` with every parent before its children (cycles broken)."""
    order, state = [], {}
    for key in nodes:
        chain = []
        while key in nodes and key not in state:
            state[key] = "visiting"
            chain.append(key)
            key = parent_of(nodes[key])
        for node in reversed(chain):
            state[node] = "done"
            order.append(node)
    return order


def unquote_slug(slug):
    return unquote(slug or "").strip()


def one_line(text):
    return " ".join((text or "").split())


def clean_text(text):
    """One line of text; WordPress keeps titles and term names with HTML entities."""
    return " ".join(html.unescape(text or "").split())


def to_int(value, default=0):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def parse_date(value):
    try:
        moment = datetime.strptime((value or "").strip(), "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None
    return moment if moment.year > 1 else None


def entry_label(entry):
    return f"{entry.type} {entry.wp_id} “{(entry.title.strip() or '(no title)')[:60]}”"
