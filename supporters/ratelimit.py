"""Rate limits through Django's cache (Redis in production): fixed windows, atomic increments.

When Redis cannot be reached, a rule either refuses (`fail_closed`: donations, where a pause in the
limits would let card testers try cards freely) by raising `Unavailable`, or counts in this process's
memory until Redis answers again (signing, letters, messages, joins: the limits then hold per app
process, and the proof of work and consent still apply). README: "Health and faults".
"""

import logging

import django_redis.cache
from django.conf import settings
from django.core.cache import caches
from django.shortcuts import render
from django_redis import get_redis_connection

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


def count_all(alias, rules):
    """Count one hit on each (key, limit, window_seconds) of `rules` in the cache `alias`; True while
    every window stays within its limit.

    On django-redis (production), the counters of all the rules are counted in one round trip to
    Redis, where `count` takes one per rule: one MULTI/EXEC transaction, with per rule an INCR and an
    `EXPIRE … NX`, which sets the expiry only when the window opens (Redis 7). A round trip to Redis
    costs the site 0.13 ms of CPU, most of it the network's system calls (bench/signing_profile.py),
    and signing checks two rules. Elsewhere (this process's memory, Django's own Redis backend), rule
    by rule through Django's cache API (`count`).
    """
    store = caches[alias]
    if not isinstance(store, django_redis.cache.RedisCache):
        return all([count(store, key, limit, window) for key, limit, window in rules])
    with get_redis_connection(alias).pipeline() as pipeline:
        for key, _limit, window in rules:
            name = store.make_and_validate_key(f"ratelimit:{key}")
            pipeline.incr(name)
            pipeline.expire(name, window, nx=True)
        replies = pipeline.execute()
    return all([hits <= limit for hits, (_key, limit, _window) in zip(replies[::2], rules, strict=True)])


def hit_all(rules):
    """`count_all` on the shared counters (Redis), or in this process's memory while they cannot be reached."""
    try:
        return count_all(settings.RATE_LIMIT_CACHE, rules)
    except Exception as error:  # any backend's connection error: never a 500
        logger.warning("Rate limits unreachable, counting in this process: %s", error)
        return count_all("local", rules)


def hit(key, limit, window_seconds):
    """`hit_all` for one rule."""
    return hit_all([(key, limit, window_seconds)])


def allow(request, scope, limits, *, fail_closed=False):
    """Check every (name, value, limit, window) rule for a request; False if any is exceeded.

    `limits` is a list of (what, limit, window_seconds) where `what` is "ip" or
    any other string that already identifies the bucket (e.g. a petition id).
    Every rule counts the hit, even when another refuses it, as each window must see every attempt.
    When the shared counters cannot be reached: with `fail_closed`, raises `Unavailable`; without,
    counts in this process's memory.
    """
    ip_key = request_ip_hash(request)
    rules = [(f"{scope}:{ip_key if what == 'ip' else what}", limit, window) for what, limit, window in limits]
    if not fail_closed:
        return hit_all(rules)
    try:
        return count_all(settings.RATE_LIMIT_CACHE, rules)
    except Exception as error:  # any backend's connection error: never a 500, and never a pass
        logger.warning("Rate limits unreachable, refusing %s: %s", scope, error)
        raise Unavailable(scope) from error


def too_many_requests(request):
    """The readable 429 page."""
    return render(request, "supporters/429.html", status=429)
