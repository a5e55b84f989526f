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

Both backends keep what Django's would, as Django's would (the same files, the same Redis
keys and values), with one cost taken out; Django offers no public way to take either out
of its own, so they are written on its public BaseCache.

FileBackend: Django's file cache looks for entries to cull on every write, and looking
lists the whole directory: 10 ms a write at its 10,000 entries, paid by every page kept,
every fragment and every bump of the content generation. This one looks at most once
every CULL_SECONDS in each process; between looks the directory may grow past the limit
by what was written meanwhile, and the next look culls as Django's does.

RedisBackend: Django's Redis cache makes a new redis.Redis for every operation, and
redis-py builds a table of some 150 response callbacks in each: on a page that reads
the cache ten times, that was a fifth of the time it took to make. A redis.Redis is safe
to share between threads (it borrows a connection from its pool for each command), so
one per server is kept.
"""

import logging
import os
import pickle
import random
import re
import tempfile
import time
import zlib
from contextlib import suppress
from hashlib import md5
from time import time as unix_time

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.backends.redis import RedisSerializer
from django.utils.functional import cached_property

logger = logging.getLogger(__name__)

CULL_SECONDS = 10
RETRY_SECONDS = 5
LOG_SECONDS = 60
# How long a Redis command may take before it counts as a failure (redis-py waits for ever).
REDIS_TIMEOUT_SECONDS = 1
_next_cull = 0.0
MISSING = object()


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


class FileBackend(BaseCache):
    """Django's file cache, looking for entries to cull now and then."""

    suffix = ".djcache"

    def __init__(self, location, params):
        super().__init__(params)
        options = params.get("OPTIONS", {})
        self.max_entries = int(options.get("MAX_ENTRIES", 300))
        self.cull_frequency = int(options.get("CULL_FREQUENCY", 3))  # 0: empty the whole cache
        self.folder = os.path.abspath(location)
        self.make_folder()

    def make_folder(self):
        os.makedirs(self.folder, mode=0o700, exist_ok=True)

    def path(self, key, version):
        key = self.make_and_validate_key(key, version=version)
        return os.path.join(
            self.folder, md5(key.encode(), usedforsecurity=False).hexdigest() + self.suffix
        )

    def entries(self):
        return [entry.path for entry in os.scandir(self.folder) if entry.name.endswith(self.suffix)]

    def read(self, path):
        """The value kept in `path`, or MISSING (an expired one is deleted)."""
        try:
            with open(path, "rb") as file:
                try:
                    expiry = pickle.load(file)  # noqa: S301 - files only this site writes
                except EOFError:
                    expiry = 0  # an empty file, as Django's takes it
                if expiry is None or expiry >= unix_time():
                    return pickle.loads(zlib.decompress(file.read()))  # noqa: S301
        except FileNotFoundError:
            return MISSING
        self.remove(path)
        return MISSING

    def remove(self, path):
        try:
            os.remove(path)
        except FileNotFoundError:  # another process's delete
            return False
        return True

    def get(self, key, default=None, version=None):
        value = self.read(self.path(key, version))
        return default if value is MISSING else value

    def has_key(self, key, version=None):
        return self.read(self.path(key, version)) is not MISSING

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self.make_folder()  # a cache folder may be deleted at any time
        path = self.path(key, version)
        self.cull_now_and_then()
        descriptor, written = tempfile.mkstemp(dir=self.folder)
        try:
            with open(descriptor, "wb") as file:
                file.write(pickle.dumps(self.get_backend_timeout(timeout), pickle.HIGHEST_PROTOCOL))
                file.write(zlib.compress(pickle.dumps(value, pickle.HIGHEST_PROTOCOL)))
            os.replace(written, path)  # readers see the old file or the new one, whole
        except BaseException:
            os.remove(written)
            raise

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        if self.has_key(key, version):
            return False
        self.set(key, value, timeout, version)
        return True

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        value = self.read(self.path(key, version))
        if value is MISSING:
            return False
        self.set(key, value, timeout, version)
        return True

    def delete(self, key, version=None):
        return self.remove(self.path(key, version))

    def clear(self):
        for path in self.entries():
            self.remove(path)

    def cull_now_and_then(self):
        global _next_cull
        now = time.monotonic()
        if now < _next_cull:
            return
        _next_cull = now + CULL_SECONDS
        entries = self.entries()
        if len(entries) < self.max_entries:
            return
        if self.cull_frequency == 0:
            return self.clear()
        for path in random.sample(entries, len(entries) // self.cull_frequency):
            self.remove(path)


class FileCache(OptionalCache):
    Backend = FileBackend
    # A folder that is full, gone or not writable; a file cut short by a crash.
    failures = (OSError, EOFError, pickle.UnpicklingError, zlib.error)


class RedisBackend(BaseCache):
    """Django's Redis cache, with one redis.Redis per server. As with Django's, OPTIONS are
    the connection pool's, and the first server takes the writes, the others the reads."""

    def __init__(self, server, params):
        super().__init__(params)
        import redis  # the library is needed only with Redis

        servers = re.split("[;,]", server) if isinstance(server, str) else server
        options = {
            "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
            "socket_timeout": REDIS_TIMEOUT_SECONDS,
            **params.get("OPTIONS", {}),
        }
        self.clients = [
            redis.Redis(connection_pool=redis.ConnectionPool.from_url(url, **options))
            for url in servers
        ]
        self.serializer = RedisSerializer()

    def client(self, write=False):
        if write or len(self.clients) == 1:
            return self.clients[0]
        return random.choice(self.clients[1:])

    def get_backend_timeout(self, timeout=DEFAULT_TIMEOUT):
        """Seconds from now, as Redis takes them: None keeps the key, 0 deletes it."""
        if timeout == DEFAULT_TIMEOUT:
            timeout = self.default_timeout
        return None if timeout is None else max(0, int(timeout))

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key, timeout = self.make_and_validate_key(key, version), self.get_backend_timeout(timeout)
        client, value = self.client(write=True), self.serializer.dumps(value)
        if timeout == 0:
            if added := bool(client.set(key, value, nx=True)):
                client.delete(key)
            return added
        return bool(client.set(key, value, ex=timeout, nx=True))

    def get(self, key, default=None, version=None):
        value = self.client().get(self.make_and_validate_key(key, version))
        return default if value is None else self.serializer.loads(value)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key, timeout = self.make_and_validate_key(key, version), self.get_backend_timeout(timeout)
        if timeout == 0:
            self.client(write=True).delete(key)
        else:
            self.client(write=True).set(key, self.serializer.dumps(value), ex=timeout)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        key, timeout = self.make_and_validate_key(key, version), self.get_backend_timeout(timeout)
        if timeout is None:
            return bool(self.client(write=True).persist(key))
        return bool(self.client(write=True).expire(key, timeout))

    def delete(self, key, version=None):
        return bool(self.client(write=True).delete(self.make_and_validate_key(key, version)))

    def get_many(self, keys, version=None):
        made = {self.make_and_validate_key(key, version): key for key in keys}
        values = self.client().mget(list(made))
        return {
            made[key]: self.serializer.loads(value)
            for key, value in zip(made, values, strict=True)
            if value is not None
        }

    def has_key(self, key, version=None):
        return bool(self.client().exists(self.make_and_validate_key(key, version)))

    def incr(self, key, delta=1, version=None):
        key, client = self.make_and_validate_key(key, version), self.client(write=True)
        if not client.exists(key):
            raise ValueError(f"Key '{key}' not found.")
        return client.incr(key, delta)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        if not data:
            return []
        timeout = self.get_backend_timeout(timeout)
        values = {
            self.make_and_validate_key(key, version): self.serializer.dumps(value)
            for key, value in data.items()
        }
        pipeline = self.client(write=True).pipeline()
        pipeline.mset(values)
        if timeout is not None:  # MSET keeps no timeout: each key is given its own
            for key in values:
                pipeline.expire(key, timeout)
        pipeline.execute()
        return []

    def delete_many(self, keys, version=None):
        if keys:
            self.client(write=True).delete(*(self.make_and_validate_key(k, version) for k in keys))

    def clear(self):
        return bool(self.client(write=True).flushdb())


class RedisCache(OptionalCache):
    Backend = RedisBackend

    def __init__(self, server, params):
        super().__init__(server, params)
        from redis import exceptions  # the library is needed only with Redis

        self.failures = (exceptions.RedisError, OSError)
        self.timeouts = (exceptions.TimeoutError, TimeoutError)
