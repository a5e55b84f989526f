"""The cache backends: Django's file and Redis caches, each with one cost taken out.

FileCache: Django's file cache looks for entries to cull on every write, and looking
lists the whole directory: 10 ms a write at its 10,000 entries, paid by every page kept,
every fragment and every bump of the content generation. This one looks at most once
every CULL_SECONDS in each process; between looks the directory may grow past the limit
by what was written meanwhile, and the next look culls as Django's does.

RedisCache: Django's RedisCacheClient makes a new redis.Redis for every operation, and
redis-py builds a table of some 150 response callbacks in each: on a page that reads
the cache ten times, that was a fifth of the time it took to make. A redis.Redis is safe
to share between threads (it borrows a connection from its pool for each command), so
one per pool is kept.
"""

import time

from django.core.cache.backends import filebased, redis

CULL_SECONDS = 10
_next_cull = 0.0


class FileCache(filebased.FileBasedCache):
    def _cull(self):
        global _next_cull
        now = time.monotonic()
        if now < _next_cull:
            return
        _next_cull = now + CULL_SECONDS
        super()._cull()


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


class RedisCache(redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
