"""Rate limits through Django's cache (Redis in production): fixed windows, atomic increments.

When Redis cannot be reached, a rule either refuses (`fail_closed`: donations, where a pause in the
limits would let card testers try cards freely) by raising `Unavailable`, or counts in this process's
memory until Redis answers again (signing, letters, messages, joins: the limits then hold per app
process, and the proof of work and consent still apply). README: "Health and faults".
"""

import logging

from django.conf import settings
from django.core.cache import caches
from django.shortcuts import render

from .network import request_ip_hash

logger = logging.getLogger(__name__)


class Unavailable(Exception):
    """The shared counters (Redis) could not be reached and the rule may not count elsewhere."""


def count(store, key, limit, window_seconds):
    """Count one hit on `key` in the cache `store`; True while the window's count stays within `limit`.

    `incr` is atomic in Redis; the first hit of a window finds no counter and creates it with its
    expiry through `add`, which writes only a missing key, so two first hits at once count two.
    Incrementing first (not adding first, as django-ratelimit does) costs a busy counter two
    round trips to Redis instead of three.
    """
    cache_key = f"ratelimit:{key}"
    try:
        hits = store.incr(cache_key)
    except ValueError:  # no counter: this hit opens the window
        if store.add(cache_key, 1, timeout=window_seconds):
            hits = 1
        else:  # another request opened it meanwhile
            hits = store.incr(cache_key)
    return hits <= limit


def hit(key, limit, window_seconds):
    """`count` on the shared counters (Redis), or in this process's memory while they cannot be reached."""
    try:
        return count(caches[settings.RATE_LIMIT_CACHE], key, limit, window_seconds)
    except Exception as error:  # any backend's connection error: never a 500
        logger.warning("Rate limits unreachable, counting in this process: %s", error)
        return count(caches["local"], key, limit, window_seconds)


def allow(request, scope, limits, *, fail_closed=False):
    """Check every (name, value, limit, window) rule for a request; False if any is exceeded.

    `limits` is a list of (what, limit, window_seconds) where `what` is "ip" or
    any other string that already identifies the bucket (e.g. a petition id).
    When the shared counters cannot be reached: with `fail_closed`, raises `Unavailable`; without,
    counts in this process's memory.
    """
    ip_key = request_ip_hash(request)
    rules = [(f"{scope}:{ip_key if what == 'ip' else what}", limit, window) for what, limit, window in limits]
    if fail_closed:
        try:
            # Every rule counts the hit, even after one refused it, as each window must see every attempt.
            shared = caches[settings.RATE_LIMIT_CACHE]
            return all([count(shared, key, limit, window) for key, limit, window in rules])
        except Exception as error:  # any backend's connection error: never a 500, never a pass
            logger.warning("Rate limits unreachable, refusing %s: %s", scope, error)
            raise Unavailable(scope) from error
    return all([hit(key, limit, window) for key, limit, window in rules])


def too_many_requests(request):
    """The readable 429 page."""
    return render(request, "supporters/429.html", status=429)
