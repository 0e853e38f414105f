"""Rate limits through Django's cache (Redis in production): fixed windows, atomic increments."""

from django.core.cache import cache
from django.shortcuts import render

from .network import request_ip_hash


def hit(key, limit, window_seconds):
    """Count one hit on `key`; True while the window's count stays within `limit`.

    As django-ratelimit does: the first hit of a window creates the counter with its expiry
    (`add` writes only a missing key, atomically), later hits increment it (atomic in Redis).
    """
    cache_key = f"ratelimit:{key}"
    if cache.add(cache_key, 1, timeout=window_seconds):
        return 1 <= limit
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr: this hit opens a new window
        cache.set(cache_key, 1, timeout=window_seconds)
        count = 1
    return count <= limit


def allow(request, scope, limits):
    """Check every (name, value, limit, window) rule for a request; False if any is exceeded.

    `limits` is a list of (what, limit, window_seconds) where `what` is "ip" or
    any other string that already identifies the bucket (e.g. a petition id).
    """
    ip_key = request_ip_hash(request)
    rules = [(f"{scope}:{ip_key if what == 'ip' else what}", limit, window) for what, limit, window in limits]
    # Every rule counts the hit, even after one refused it, as each window must see every attempt.
    return all([hit(key, limit, window) for key, limit, window in rules])


def too_many_requests(request):
    """The readable 429 page."""
    return render(request, "supporters/429.html", status=429)
