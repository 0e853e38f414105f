"""Rate limits: fixed windows counted atomically, on the local cache and on a real Redis server."""

import shutil
import socket
import subprocess
import time

import pytest
import redis
from django.core.cache import caches
from django.test import RequestFactory, override_settings
from django_redis.pool import ConnectionFactory

from plaidoyer import redis_breaker
from plaidoyer.settings.base import redis_caches
from supporters.ratelimit import Unavailable, allow


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def redis_url():
    """A throwaway redis-server (production keeps rate limits in Redis)."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is missing: apt-get install redis-server")
    port = free_port()
    server = subprocess.Popen(
        [binary, "--port", str(port), "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL
    )
    for _ in range(50):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    yield f"redis://127.0.0.1:{port}/0"
    server.terminate()
    server.wait(timeout=10)


def request_from(ip):
    return RequestFactory().post("/", REMOTE_ADDR=ip)


def check_limits():
    first = request_from("198.51.100.1")
    assert allow(first, "test", [("ip", 2, 60), ("petition:1", 3, 60)])
    assert allow(first, "test", [("ip", 2, 60), ("petition:1", 3, 60)])
    # Third hit from the same address: over its limit.
    assert not allow(first, "test", [("ip", 2, 60), ("petition:1", 3, 60)])
    # Another address still counts against the petition's shared bucket, now full too.
    assert not allow(request_from("198.51.100.2"), "test", [("ip", 2, 60), ("petition:1", 3, 60)])
    assert allow(request_from("198.51.100.2"), "test", [("ip", 2, 60), ("petition:2", 3, 60)])


def test_limits_on_the_local_cache():
    caches["default"].clear()
    check_limits()


def test_limits_on_redis_expire_with_their_window(redis_url):
    with override_settings(
        CACHES={
            "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url},
            "strict": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url},
        }
    ):
        caches["default"].clear()
        check_limits()
        # The window starts at the first hit and expires on its own.
        client = redis.Redis.from_url(redis_url)
        keys = client.keys("*ratelimit:test:petition:1")
        assert keys and 0 < client.ttl(keys[0]) <= 60


def test_limits_survive_dropped_redis_connections(redis_url):
    with override_settings(
        CACHES={
            "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url},
            "strict": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url},
        }
    ):
        caches["default"].clear()
        assert allow(request_from("198.51.100.3"), "test", [("ip", 2, 60)])
        # Redis drops every client (as after a restart or a network blip): the next hit reconnects.
        redis.Redis.from_url(redis_url).client_kill_filter(_type="normal", skipme=False)
        assert allow(request_from("198.51.100.3"), "test", [("ip", 2, 60)])
        assert not allow(request_from("198.51.100.3"), "test", [("ip", 2, 60)])


@pytest.fixture
def production_caches(redis_url, settings):
    """The production cache settings (django-redis, with the breaker) on the throwaway Redis."""
    ConnectionFactory._pools.clear()
    settings.CACHES = redis_caches(redis_url)
    settings.REDIS_BREAKER_SECONDS = 30
    redis_breaker.open_until = 0.0
    caches["default"].clear()
    caches["local"].clear()
    yield redis.Redis.from_url(redis_url)
    ConnectionFactory._pools.clear()
    redis_breaker.open_until = 0.0
    caches["local"].clear()


def test_limits_on_the_production_cache_count_every_rule_and_keep_each_window(production_caches):
    check_limits()
    # Each window opens with its first hit and is not pushed back by later ones.
    [key] = production_caches.keys("*ratelimit:test:petition:1")
    production_caches.expire(key, 5)
    assert not allow(request_from("198.51.100.9"), "test", [("petition:1", 3, 60)])
    assert int(production_caches.get(key)) == 5
    assert 0 < production_caches.ttl(key) <= 5


def test_an_open_breaker_skips_the_counters_in_redis_and_the_process_counts_alone(production_caches):
    assert allow(request_from("198.51.100.10"), "test", [("ip", 1, 60)])
    redis_breaker.open_until = time.monotonic() + 30
    # Redis is left alone: the hits count in this process's memory, from zero.
    assert allow(request_from("198.51.100.10"), "test", [("ip", 1, 60)])
    assert not allow(request_from("198.51.100.10"), "test", [("ip", 1, 60)])
    [key] = production_caches.keys("*ratelimit:test:*")
    assert int(production_caches.get(key)) == 1
    # A rule that may not count elsewhere refuses readably instead.
    with pytest.raises(Unavailable):
        allow(request_from("198.51.100.11"), "pay", [("ip", 5, 60)], fail_closed=True)


def test_an_unreachable_redis_opens_the_breaker_through_the_counters(production_caches, settings):
    ConnectionFactory._pools.clear()
    settings.CACHES = redis_caches(f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
    assert allow(request_from("198.51.100.12"), "test", [("ip", 1, 60)])
    assert redis_breaker.open_until > time.monotonic()
