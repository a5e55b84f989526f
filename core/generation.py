"""The site-wide content generation.

A number that changes whenever something the public can see changes. Page and
fragment caches put it in their keys, so one bump makes every cached copy stale
at once, in every process that shares the cache.
"""

import time

from django.core.cache import cache
from django.db import transaction

KEY = "content-generation"


def _fresh():
    # Seeded from the clock so that a flushed or restarted cache never hands
    # out a number that older cached entries were stored under.
    return time.time_ns() // 1000


def current():
    generation = cache.get(KEY)
    if generation is None:
        cache.add(KEY, _fresh(), timeout=None)
        generation = cache.get(KEY, _fresh())
    return generation


def bump():
    """Mark everything cached so far as stale, now and, inside a transaction, again once
    it commits: a page made in between from the data as it was before the commit must not
    be kept under the new generation. Returns the new generation."""
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(_increment)
    return _increment()


def _increment():
    try:
        generation = cache.incr(KEY)
        cache.touch(KEY, None)  # the file cache's incr() stores with the default timeout
        return generation
    except ValueError:
        cache.add(KEY, _fresh(), timeout=None)
        return cache.get(KEY)


def cached(parts, build, timeout):
    """`build()`, kept under the current generation (key from `parts`) for `timeout` s."""
    key = cache_key(*parts)
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, timeout)
    return value


def cache_key(*parts):
    """A cache key that belongs to the current content generation."""
    return ":".join(["g", str(current()), *map(str, parts)])
