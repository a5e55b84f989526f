"""The site-wide content generation.

A number that changes whenever something the public can see changes. Page and
fragment caches put it in their keys, so one bump makes every cached copy stale
at once, in every process that shares the cache.

A second number, the list generation, changes with every bump but those that leave
which posts each list holds as it was: a comment, a like, a profile. What depends
only on the lists (how many posts an archive has, the footer's categories and months,
related posts) is kept under it, so a busy discussion does not make every archive
count its posts again.
"""

import threading
import time
from contextlib import contextmanager

from django.core.cache import cache
from django.db import transaction

KEY = "content-generation"
LISTS_KEY = "list-generation"


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
    try:
        yield
    finally:
        _request.seen = None


def _remember(key, value):
    seen = getattr(_request, "seen", None)
    if seen is not None:
        seen[key] = value


def recall(key, default=None):
    """cache.get() of a key that holds its generation, asked of the cache once a request."""
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


def keep(key, value, timeout):
    """cache.set() for recall()."""
    cache.set(key, value, timeout)
    _remember(key, value)


def current(key=KEY):
    generation = recall(key)
    if generation is None:
        cache.add(key, _fresh(), timeout=None)
        generation = cache.get(key, _fresh())
        _remember(key, generation)
    return generation


def bump(*, lists=True):
    """Mark everything cached so far as stale, now and, inside a transaction, again once
    it commits: a page made in between from the data as it was before the commit must not
    be kept under the new generation. `lists=False` for a change that leaves every list
    of posts as it was. Returns the new content generation."""
    keys = (KEY, LISTS_KEY) if lists else (KEY,)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: _increment(keys))
    return _increment(keys)


def _increment(keys):
    for key in reversed(keys):  # the content generation last: it is returned
        try:
            generation = cache.incr(key)
            cache.touch(key, None)  # the file cache's incr() stores with the default timeout
        except ValueError:
            cache.add(key, _fresh(), timeout=None)
            generation = cache.get(key)
        _remember(key, generation)
    return generation


def cached(parts, build, timeout, *, lists=False):
    """`build()`, kept under the current generation (key from `parts`) for `timeout` s;
    `lists=True` when it depends only on which posts the lists hold."""
    key = cache_key(*parts, lists=lists)
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, timeout)
    return value


def cache_key(*parts, lists=False):
    """A cache key that belongs to the current content (or list) generation."""
    prefix, generation = ("l", current(LISTS_KEY)) if lists else ("g", current())
    return ":".join([prefix, str(generation), *map(str, parts)])
