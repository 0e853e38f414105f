"""Each process's copy of the published content that every public request reads.

Serving a request starts with the same lookups: the site of the host, the section's settings and
languages and, to sign a petition, the petition itself. Through the ORM they cost more than the
signature they lead to, and they change only when an editor saves something. So each process keeps
them in memory, tagged with the *content generation*: a random token in the shared cache (Redis in
production) that is replaced whenever a page, site, locale, view restriction, section setting or
section texts are saved, deleted or moved (see `register_signal_handlers`).

- The process that saves drops its copies at once.
- Every other process reads the token again at most CHECK_SECONDS later and then drops its copies
  (reading it on every request would cost as much as the lookups it saves).
- The token is replaced again once the change commits, so a process that rebuilt its copies from
  the old rows in between drops them too.

Values handed out are copies: a request may annotate its own, never the process's.
"""

import time
import uuid

from django.core.cache import cache
from django.db import models, transaction
from django.db.models.base import ModelState
from django.db.models.signals import post_delete, post_save
from django.http.request import split_domain_port
from wagtail.models import Locale, Page, PageViewRestriction, Site
from wagtail.signals import post_page_move

GENERATION_KEY = "sections:content-generation"
CHECK_SECONDS = 1.0
# Keys can come from requests (hosts, page ids): past this many, a process starts afresh.
MAX_COPIES = 1000

_copies = {}
_copies_generation = None
_generation = None
_checked_at = 0.0


def current_generation():
    """The shared content generation, as last read by this process (at most CHECK_SECONDS ago)."""
    global _generation, _checked_at
    now = time.monotonic()
    if _generation is None or now - _checked_at >= CHECK_SECONDS:
        generation = cache.get(GENERATION_KEY)
        if generation is None:
            cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
            generation = cache.get(GENERATION_KEY)
        _generation, _checked_at = generation, now
    return _generation


def remember(key, build):
    """`build()`, computed once per process and content generation; a copy of it for the caller."""
    global _copies_generation
    generation = current_generation()
    if generation != _copies_generation or len(_copies) >= MAX_COPIES:
        _copies.clear()
        _copies_generation = generation
    if key not in _copies:
        _copies[key] = build()
    return fresh(_copies[key])


def fresh(value, copied=None):
    """A copy the caller may change: model instances (with the related rows they carry) and lists.

    Anything else is handed out as it is, so only immutable values belong in the cache besides these.
    Related rows may point back (settings created by `for_site` and their site cache each other):
    `copied` maps what was already copied, so a cycle is copied once.
    """
    if isinstance(value, models.Model):
        copied = {} if copied is None else copied
        if id(value) in copied:
            return copied[id(value)]
        # What copy.copy does through Model.__reduce__, without its detour through the app registry.
        duplicate = value.__class__.__new__(value.__class__)
        copied[id(value)] = duplicate
        duplicate.__dict__.update(value.__dict__)
        duplicate._state = state = ModelState()
        state.db, state.adding = value._state.db, value._state.adding
        state.fields_cache = {
            name: fresh(related, copied) for name, related in value._state.fields_cache.items()
        }
        return duplicate
    if isinstance(value, list):
        return list(value)
    return value


def content_changed():
    """Tell every process to drop its copies: this one now, the others within CHECK_SECONDS."""

    def new_generation():
        global _generation, _checked_at
        _generation, _checked_at = uuid.uuid4().hex, time.monotonic()
        cache.set(GENERATION_KEY, _generation, timeout=None)

    new_generation()
    transaction.on_commit(new_generation)


def forget_in_this_process():
    """Drop this process's copies and its reading of the generation (tests start afresh)."""
    global _copies_generation, _generation
    _copies.clear()
    _copies_generation = _generation = None


def site_for_request(request):
    """`Site.find_for_request` from this process's copy; Wagtail's own calls then reuse it."""
    if not hasattr(request, "_wagtail_site"):
        hostname, port = split_domain_port(request._get_raw_host())[0], request.get_port()
        request._wagtail_site = remember(("site", hostname, port), lambda: Site._find_for_request(request))
    return request._wagtail_site


def prime_section(request):
    """Put the request's site, section settings and site root paths where Wagtail looks for them.

    `Site.find_for_request`, `SectionSettings.for_request` and page URLs then cost no query.
    Returns the site (None for an unknown host without a default site).
    """
    from .models import SectionSettings

    site = site_for_request(request)
    if site is None:
        return None
    settings = remember(("section-settings", site.pk), lambda: SectionSettings.for_site(site))
    settings._request = request
    setattr(request, SectionSettings.get_cache_attr_name(), settings)
    request._wagtail_cached_site_root_paths = remember(("site-root-paths",), Site.get_site_root_paths)
    return site


def on_save_or_delete(sender, instance, **kwargs):
    from .models import SectionSettings, SectionTexts

    if isinstance(instance, (Page, Site, Locale, PageViewRestriction, SectionSettings, SectionTexts)):
        content_changed()


def on_page_move(sender, **kwargs):
    content_changed()


def register_signal_handlers():
    post_save.connect(on_save_or_delete, dispatch_uid="sections.content_cache.save")
    post_delete.connect(on_save_or_delete, dispatch_uid="sections.content_cache.delete")
    post_page_move.connect(on_page_move, dispatch_uid="sections.content_cache.move")
