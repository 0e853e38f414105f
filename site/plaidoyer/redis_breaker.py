"""A short circuit breaker for Redis: after a connection error or a timeout, this process skips Redis for a moment.

Why: a Redis that hangs (its port accepts connections, nothing answers: a frozen process, a full
network buffer) costs each cache call the socket timeout, 0.25 s, and a request makes some twenty of
them. bench/faults.py measured it with Redis frozen (SIGSTOP) for 6 s under 8 signing clients on 2
gunicorn workers: 2 signatures answered in those 6 s, in 5.8 s each. A stopped Redis refuses at once and
needs no breaker (signing answered in 0.5 s at the median then, pages being built from the database).

So, in each process, the first connection error or timeout opens the breaker for
settings.REDIS_BREAKER_SECONDS (2 s): every Redis command then fails at once with a ConnectionError,
which django-redis handles as any other (the default cache ignores it, the strict one raises it:
see CACHES in settings/base.py). The first command after that delay tries Redis again, so when Redis
is back everything resumes within those 2 s, without a restart.

It is the Redis client class of django-redis (its REDIS_CLIENT_CLASS option); django-redis has no
breaker of its own. Its pipelines (`Redis.pipeline`: the rate limits' counters, supporters.ratelimit)
go through the same breaker.
"""

import time

import redis
from django.conf import settings

open_until = 0.0


def through_breaker(call, *args, **kwargs):
    """`call(*args, **kwargs)` unless the breaker is open; a connection error or a timeout opens it."""
    global open_until
    if time.monotonic() < open_until:
        raise redis.ConnectionError("Redis skipped for a moment after an error (plaidoyer.redis_breaker)")
    try:
        return call(*args, **kwargs)
    except (redis.ConnectionError, redis.TimeoutError):
        open_until = time.monotonic() + settings.REDIS_BREAKER_SECONDS
        raise


class Redis(redis.Redis):
    def execute_command(self, *args, **options):
        return through_breaker(super().execute_command, *args, **options)

    def pipeline(self, transaction=True, shard_hint=None):
        return Pipeline(self.connection_pool, self.response_callbacks, transaction, shard_hint)


class Pipeline(redis.client.Pipeline):
    def execute(self, raise_on_error=True):
        return through_breaker(super().execute, raise_on_error)
