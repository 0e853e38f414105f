"""Rate limits through Django's cache (Redis in production): fixed windows, atomic increments."""

import hashlib
import os
import threading

from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.shortcuts import render
from redis import exceptions

from .network import request_ip_hash


def hit(key, limit, window_seconds):
    """Count one hit on `key`; True while the window's count stays within `limit`."""
    cache_key = f"ratelimit:{key}"
    cache.add(cache_key, 0, timeout=window_seconds)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=window_seconds)
        count = 1
    return count <= limit


# Counts one hit on each key (KEYS) and starts its window (ARGV, seconds) at its first hit.
# A script runs atomically, in one round trip however many rules there are.
HIT_SCRIPT = """
local counts = {}
for i, key in ipairs(KEYS) do
  counts[i] = redis.call('INCR', key)
  if counts[i] == 1 then redis.call('EXPIRE', key, ARGV[i]) end
end
return counts
"""
HIT_SCRIPT_SHA = hashlib.sha1(HIT_SCRIPT.encode()).hexdigest()
_connections = threading.local()


def run_hit_script(client, keys, windows):
    """EVALSHA of HIT_SCRIPT on this thread's own connection, taught the script if the server lacks it.

    The connection is taken once from the client's pool and kept: going through the pool and
    redis-py's command machinery on every request costs as much as Redis takes to answer.
    A broken connection is reopened once.
    """
    pool = client.connection_pool
    connection = getattr(_connections, "redis", None)
    # A new pool (other settings), or a forked process, takes a connection of its own.
    if connection is None or _connections.pool is not pool or _connections.pid != os.getpid():
        connection = _connections.redis = pool.get_connection()
        _connections.pool, _connections.pid = pool, os.getpid()
    command = ("EVALSHA", HIT_SCRIPT_SHA, len(keys), *keys, *windows)
    try:
        return run(connection, *command)
    except exceptions.NoScriptError:
        run(connection, "SCRIPT", "LOAD", HIT_SCRIPT)
    except (exceptions.ConnectionError, exceptions.TimeoutError):
        connection.disconnect()
    return run(connection, *command)


def run(connection, *command):
    connection.send_command(*command)
    return connection.read_response()


def hit_many(rules):
    """Count one hit on each (key, limit, window); True while every count stays within its limit.

    On Redis every rule goes in one script call (HIT_SCRIPT); other caches use `hit` rule by rule.
    """
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        keys = [backend.make_key(f"ratelimit:{key}") for key, _limit, _window in rules]
        windows = [window for _key, _limit, window in rules]
        counts = run_hit_script(backend._cache.get_client(write=True), keys, windows)
        return all(count <= limit for count, (_key, limit, _window) in zip(counts, rules, strict=True))
    return all([hit(key, limit, window) for key, limit, window in rules])


def allow(request, scope, limits):
    """Check every (name, value, limit, window) rule for a request; False if any is exceeded.

    `limits` is a list of (what, limit, window_seconds) where `what` is "ip" or
    any other string that already identifies the bucket (e.g. a petition id).
    """
    ip_key = request_ip_hash(request)
    rules = [(f"{scope}:{ip_key if what == 'ip' else what}", limit, window) for what, limit, window in limits]
    return hit_many(rules)


def too_many_requests(request):
    """The readable 429 page."""
    return render(request, "supporters/429.html", status=429)
