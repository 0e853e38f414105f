"""Django's Redis cache backend, keeping one redis client per connection pool.

Django's own backend builds a new `redis.Redis` for every cache call; building one sets up
some 170 response callbacks, which costs more than the round trip to Redis itself on the
signing path (rate limits, section languages, site root paths). The pools were already shared;
now the clients on top of them are too. A `redis.Redis` client is safe to share between threads.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
