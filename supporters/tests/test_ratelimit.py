"""Rate limits: fixed windows counted atomically, on the local cache and on a real Redis server."""

import shutil
import socket
import subprocess
import time

import pytest
import redis
from django.core.cache import caches
from django.test import RequestFactory, override_settings

from supporters.ratelimit import allow


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
