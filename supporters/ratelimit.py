"""Rate limits through Django's cache (Redis in production): fixed windows, atomic increments."""

from django.core.cache import cache
from django.shortcuts import render

from .network import request_ip_hash


def hit(key, limit, window_seconds):
    """Count one hit on `key`; True while the window's count stays within `limit`.

    `incr` is atomic in Redis; the first hit of a window finds no counter and creates it with its
    expiry through `add`, which writes only a missing key, so two first hits at once count two.
    Incrementing first (not adding first, as django-ratelimit does) costs a busy counter two
    round trips to Redis instead of three.
    """
    cache_key = f"ratelimit:{key}"
    try:
        count = cache.incr(cache_key)
    except ValueError:  # no counter: this hit opens the window
        if cache.add(cache_key, 1, timeout=window_seconds):
            count = 1
        else:  # another request opened it meanwhile
            count = cache.incr(cache_key)
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
