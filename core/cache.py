"""The cache backends: Django's file and Redis caches, optional at run time, each with one
cost taken out.

A cache only saves time, so a failing one must cost no page: when the backend fails (a full
disk, an unusable folder, Redis down, unreachable or silent), each call answers as a cache
that keeps nothing would (Django's DummyCache: nothing found, nothing kept, add() "done",
incr() "no such key"), and the page is made afresh. A write that fails takes the value it
was to replace with it where it can (a full disk still deletes), so that no process goes on
reading a value that was meant to change: the content generation above all. A backend that
fails at once is tried again at every call, which costs nothing; one that times out is left
alone for RETRY_SECONDS, so that it costs a timeout now and then, not one per call. The
failure is logged at most once every LOG_SECONDS in each process.

FileBackend: Django's file cache looks for entries to cull on every write, and looking
lists the whole directory: 10 ms a write at its 10,000 entries, paid by every page kept,
every fragment and every bump of the content generation. This one looks at most once
every CULL_SECONDS in each process; between looks the directory may grow past the limit
by what was written meanwhile, and the next look culls as Django's does.

RedisBackend: Django's RedisCacheClient makes a new redis.Redis for every operation, and
redis-py builds a table of some 150 response callbacks in each: on a page that reads
the cache ten times, that was a fifth of the time it took to make. A redis.Redis is safe
to share between threads (it borrows a connection from its pool for each command), so
one per pool is kept.
"""

import logging
import pickle
import time
import zlib
from contextlib import suppress

from django.core.cache.backends import filebased, redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.utils.functional import cached_property

logger = logging.getLogger(__name__)

CULL_SECONDS = 10
RETRY_SECONDS = 5
LOG_SECONDS = 60
# How long a Redis command may take before it counts as a failure (redis-py waits for ever).
REDIS_TIMEOUT_SECONDS = 1
_next_cull = 0.0


class _Outage:
    """A cache's last failure, shared by every thread of the process that uses it."""

    def __init__(self):
        self.retry_at = 0.0
        self.logged_at = None

    def failed(self, error, timed_out):
        now = time.monotonic()
        if timed_out:
            self.retry_at = now + RETRY_SECONDS
        if self.logged_at is None or now - self.logged_at >= LOG_SECONDS:
            self.logged_at = now
            logger.error(
                "The cache failed, so pages are made without it (said at most once every "
                "%d s while it fails): %s: %s", LOG_SECONDS, type(error).__name__, error,
            )  # fmt: skip


_outages = {}  # by cache location


class OptionalCache(BaseCache):
    """`Backend` (a Django cache backend) that answers as an empty cache when it fails with
    one of `failures`; `timeouts` are those that took long to come."""

    Backend = None
    failures = ()
    timeouts = ()

    def __init__(self, location, params):
        super().__init__(params)
        self._location, self._params = location, params

    @cached_property
    def backend(self):
        # Made on first use, inside a guarded call: the file cache makes its folder here.
        return self.Backend(self._location, self._params)

    def _attempt(self, answer, method, *args, forget=None):
        """backend.method(*args), or `answer` when the backend fails. `forget`: (keys,
        version) whose values are deleted if it fails, a write having meant to replace them."""
        outage = _outages.get(self._location)
        if outage is not None and time.monotonic() < outage.retry_at:
            return answer
        try:
            return getattr(self.backend, method)(*args)
        except self.failures as error:
            timed_out = isinstance(error, self.timeouts)
            _outages.setdefault(self._location, _Outage()).failed(error, timed_out)
            if forget and not timed_out:  # a backend that times out would time out again
                with suppress(*self.failures):
                    self.backend.delete_many(*forget)
            return answer

    def get(self, key, default=None, version=None):
        return self._attempt(default, "get", key, default, version)

    def get_many(self, keys, version=None):
        return self._attempt({}, "get_many", keys, version)

    def has_key(self, key, version=None):
        return self._attempt(False, "has_key", key, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._attempt(None, "set", key, value, timeout, version, forget=([key], version))

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        keys = list(data)
        return self._attempt(keys, "set_many", data, timeout, version, forget=(keys, version))

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._attempt(True, "add", key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._attempt(False, "touch", key, timeout, version)

    def incr(self, key, delta=1, version=None):
        value = self._attempt(None, "incr", key, delta, version, forget=([key], version))
        if value is None:
            raise ValueError(f"Key '{key}' not found")  # as an empty cache answers
        return value

    def delete(self, key, version=None):
        return self._attempt(False, "delete", key, version)

    def delete_many(self, keys, version=None):
        self._attempt(None, "delete_many", keys, version)

    def clear(self):
        self._attempt(None, "clear")

    def close(self, **kwargs):
        self._attempt(None, "close")


class FileBackend(filebased.FileBasedCache):
    def _cull(self):
        global _next_cull
        now = time.monotonic()
        if now < _next_cull:
            return
        _next_cull = now + CULL_SECONDS
        super()._cull()


class FileCache(OptionalCache):
    Backend = FileBackend
    # A folder that is full, gone or not writable; a file cut short by a crash.
    failures = (OSError, EOFError, pickle.UnpicklingError, zlib.error)


class RedisCacheClient(redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisBackend(redis.RedisCache):
    def __init__(self, server, params):
        options = {
            "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
            "socket_timeout": REDIS_TIMEOUT_SECONDS,
            **params.get("OPTIONS", {}),
        }
        super().__init__(server, {**params, "OPTIONS": options})
        self._class = RedisCacheClient


class RedisCache(OptionalCache):
    Backend = RedisBackend

    def __init__(self, server, params):
        super().__init__(server, params)
        from redis import exceptions  # the library is needed only with Redis

        self.failures = (exceptions.RedisError, OSError)
        self.timeouts = (exceptions.TimeoutError, TimeoutError)
