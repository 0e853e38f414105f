"""Open counts: the public JSON of a count (an action's, a person's), readable from any site, cached briefly.

An action page answers at `<its URL>counts/` (petitions.models, petitions.letters.models), a profile
at `<its URL>counts/` too (prisoners.models). What they return holds no personal data: numbers,
goals, states, titles and addresses of public pages. Any site may read it from a browser
(`Access-Control-Allow-Origin: *`); nobody may send anything to it (GET and HEAD only).

The data is kept in Django's cache for PAGE_CACHE_SECONDS, as old as a count on a cached page may
be, and CDNs and browsers may keep it as long (`Cache-Control: public, max-age`).
"""

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponseNotAllowed, JsonResponse
from django.utils.cache import patch_cache_control

CACHE_PREFIX = "open-counts"


def open_counts_response(request, key, build):
    """The JSON of `build()` (a dict), kept under `key` (a tuple) for PAGE_CACHE_SECONDS."""
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    seconds = settings.PAGE_CACHE_SECONDS
    if seconds:
        name = ":".join(str(part) for part in (CACHE_PREFIX, *key))
        data = cache.get_or_set(name, build, seconds)
    else:
        data = build()
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    patch_cache_control(response, public=True, max_age=seconds)
    return response


def action_state(is_open):
    return "open" if is_open else "closed"
