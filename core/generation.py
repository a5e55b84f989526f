"""The site-wide content generation.

A number that changes whenever something the public can see changes. Page and
fragment caches put it in their keys, so one bump makes every cached copy stale
at once, in every process that shares the cache.

A second number, the list generation, changes with every bump but those that leave
which posts each list holds as it was: a comment, a like, a profile. What depends
only on the lists (how many posts an archive has, the footer's categories and months,
related posts) is kept under it, so a busy discussion does not make every archive
count its posts again.

Some content changes by the clock alone: a scheduled post goes live at its time. An app
names the functions that say when (its AppConfig's `clocks`, dotted paths); once such a
moment has passed, the next reader starts a new generation before anything is read from
the cache (`next_change()`, which `kept()` asks first).

Models' changes reach `bump()` through core.changes, once per transaction, after commit.

A value that is slow to make (the footer's aggregates over every post, a search) is made
by one process at a time: the others wait a moment for it rather than all making it at
once just after a bump.
"""

import threading
import time
import uuid
from contextlib import contextmanager

from django.apps import apps
from django.core.cache import cache
from django.utils import timezone
from django.utils.module_loading import import_string

KEY = "content-generation"
LISTS_KEY = "list-generation"
NEXT_CHANGE = "next-change"
UNKNOWN = object()
# How long a process waits for another to make a value before making it itself, and
# how often it looks; a process that dies while making it holds nobody up for longer.
MAKING_SECONDS = 10
MAKING_POLL_SECONDS = 0.02

# Generations a bump could not store (the cache was failing): bumped again, by this
# process, before it next reads one, so that what was kept before is not served once the
# cache answers again.
_unsaved = set()


def _fresh():
    # Seeded from the clock so that a flushed or restarted cache never hands
    # out a number that older cached entries were stored under.
    return time.time_ns() // 1000


_request = threading.local()


@contextmanager
def per_request():
    """Within, each generation is read from the cache once, and bump() moves it on: a
    page that asks for it twenty times (each fragment, each post summary) pays one round
    trip. Readers of the old generation meanwhile only ever store what nobody will read."""
    _request.seen = {}
    _save_bumps()
    try:
        yield
    finally:
        _request.seen = None


def _remember(key, value):
    seen = getattr(_request, "seen", None)
    if seen is not None:
        seen[key] = value


def _recall(key, default=None):
    """cache.get() of a key that holds a generation, asked of the cache once a request."""
    seen = getattr(_request, "seen", None)
    if seen is not None and key in seen:
        return seen[key]
    value = cache.get(key, default)
    _remember(key, value)
    return value


def current_and(key):
    """The content generation and `cache.get(key)`, asked of the cache in one round trip."""
    seen = getattr(_request, "seen", None)
    if seen is not None and KEY in seen:
        return seen[KEY], cache.get(key)
    found = cache.get_many([KEY, key])
    if KEY in found:
        _remember(KEY, found[KEY])
        return found[KEY], found.get(key)
    return current(), found.get(key)


def _keep(key, value, timeout):
    """cache.set() for _recall()."""
    cache.set(key, value, timeout)
    _remember(key, value)


def current(key=KEY):
    if getattr(_request, "seen", None) is None:
        _save_bumps()  # outside a request (a command, a task); per_request() does it once
    generation = _recall(key)
    if generation is None:
        cache.add(key, _fresh(), timeout=None)
        generation = cache.get(key, _fresh())
        _remember(key, generation)
    return generation


def bump(*, lists=True):
    """Mark everything cached so far as stale; `lists=False` for a change that leaves
    every list of posts as it was. Returns the new content generation."""
    return _increment((KEY, LISTS_KEY) if lists else (KEY,))


def _increment(keys):
    for key in reversed(keys):  # the content generation last: it is returned
        try:
            generation = cache.incr(key)
            cache.touch(key, None)  # the file cache's incr() stores with the default timeout
        except ValueError:
            cache.add(key, _fresh(), timeout=None)
            generation = cache.get(key)
        if generation is None:  # nothing the cache could keep: try again later
            _unsaved.add(key)
        else:
            _unsaved.discard(key)
        _remember(key, generation)
    return generation


def _save_bumps():
    if _unsaved:
        _increment([key for key in (KEY, LISTS_KEY) if key in _unsaved])


def kept(parts, build, timeout, *, lists=False):
    """`build()`, kept under the current generation (key from `parts`) for `timeout` s;
    `lists=True` when it depends only on which posts the lists hold. `build()` never
    returns None, which the cache cannot tell from nothing kept. The one way the site
    keeps what it made (with kept_many() for many at once, and the {% kept %} tag)."""
    next_change()  # a scheduled moment that has passed is seen before anything is read
    key = cache_key(*parts, lists=lists)
    value = cache.get(key)
    if value is not None:
        return value
    making, token = f"making:{key}", uuid.uuid4().hex
    mine = cache.add(making, token, MAKING_SECONDS)
    if not mine:
        value = _wait_for(key, making)
        if value is not None:
            return value
    try:
        value = build()
        cache.set(key, value, timeout)
    finally:
        # Only our own mark: one that outlived its time may be another maker's by now.
        if mine and cache.get(making) == token:
            cache.delete(making)
    return value


def _wait_for(key, making):
    """The value another process is making under `key`, or None if it takes too long or
    the maker's mark goes without the value (it failed, or the cache could not keep it)."""
    deadline = time.monotonic() + MAKING_SECONDS
    while time.monotonic() < deadline:
        time.sleep(MAKING_POLL_SECONDS)
        found = cache.get_many([key, making])
        if key in found:
            return found[key]
        if making not in found:
            return None
    return None


def kept_many(parts_by_id, build_missing, timeout, *, lists=False):
    """{id: value} for each of `parts_by_id` ({id: key parts}), read in one round trip;
    `build_missing(ids)` makes {id: value} for those not kept, and they are kept."""
    next_change()
    keys = {pk: cache_key(*parts, lists=lists) for pk, parts in parts_by_id.items()}
    found = cache.get_many(list(keys.values())) if keys else {}
    values = {pk: found[key] for pk, key in keys.items() if key in found}
    missing = [pk for pk in keys if pk not in values]
    if missing:
        made = build_missing(missing)
        cache.set_many({keys[pk]: value for pk, value in made.items()}, timeout)
        values.update(made)
    return values


def next_change(ask=True):
    """When public content next changes by itself (asked of the clocks once per
    generation); a moment that has passed starts a new generation first.

    `ask=False` only checks a moment already known: nothing kept under a generation
    whose moment nobody asked for can depend on it (whatever keeps such things asks).
    """
    # Under the list generation: a bump that leaves the lists alone (a comment) must not
    # forget a moment that has passed, after which the lists hold one more post.
    found = _recall(cache_key(NEXT_CHANGE, lists=True), UNKNOWN)
    if found is not UNKNOWN and found is not None and found <= timezone.now():
        bump()
        found = UNKNOWN
    if found is UNKNOWN and ask:
        moments = [moment for clock in clocks() if (moment := clock()) is not None]
        found = min(moments, default=None)
        _keep(cache_key(NEXT_CHANGE, lists=True), found, 60 * 60 * 24)
    return None if found is UNKNOWN else found


def clocks():
    """The apps' clocks: each returns when public content next changes by itself, or None."""
    return [
        import_string(path)
        for config in apps.get_app_configs()
        for path in getattr(config, "clocks", ())
    ]


def cache_key(*parts, lists=False):
    """A cache key that belongs to the current content (or list) generation."""
    prefix, generation = ("l", current(LISTS_KEY)) if lists else ("g", current())
    return ":".join([prefix, str(generation), *map(str, parts)])
