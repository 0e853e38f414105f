"""Rate limits through Django's cache (Redis in production): fixed windows, atomic increments."""

from django.core.cache import cache
from django.shortcuts import render

from .network import client_ip, hash_ip


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


def allow(request, scope, limits):
    """Check every (name, value, limit, window) rule for a request; False if any is exceeded.

    `limits` is a list of (what, limit, window_seconds) where `what` is "ip" or
    any other string that already identifies the bucket (e.g. a petition id).
    """
    ip_key = hash_ip(client_ip(request))
    allowed = True
    for what, limit, window in limits:
        bucket = ip_key if what == "ip" else what
        if not hit(f"{scope}:{bucket}", limit, window):
            allowed = False
    return allowed


def too_many_requests(request):
    """The readable 429 page."""
    return render(request, "supporters/429.html", status=429)
