"""Django's Redis cache, with one Redis client per connection pool.

Django's RedisCacheClient makes a new redis.Redis for every operation, and redis-py
builds a table of some 150 response callbacks in each: on a page that reads the cache
ten times, that was a fifth of the time it took to make. A redis.Redis is safe to share
between threads (it borrows a connection from its pool for each command), so one per
pool is kept.
"""

from django.core.cache.backends import redis


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
