"""Lookups of published content kept in Django's cache under the *content generation*, dropped on every save.

A public request starts with the same lookups: the site of the host, the section's settings,
languages, texts and menus and, to sign a petition, the petition itself. Wagtail already keeps the
first two per request (`Site.find_for_request`, `SectionSettings.for_request`) and the site root
paths in Django's cache; the others cost queries on every page, yet change only when an editor
saves something. So they go into Django's cache (Redis in production, shared by every process)
with the content generation in their key: a random token, itself in the cache, that is replaced
whenever a page, site, locale, view restriction, section setting, image or translatable record
(section texts, prisoner records and their themes and timelines, local groups…) is saved, deleted
or moved (see `register_signal_handlers`). Values cached under the previous token are no
longer read, and expire.

Each process also keeps the values it read in its own memory (`local`, Django's LocMemCache), under
the same keys: a page needs a dozen of them, and a dozen Redis round trips cost more than building
the page's own queries (bench/pages.py: 14 round trips per profile page). The generation in the key
keeps both levels in step: a process never reads a value of a generation that has ended. Within a
request, a value read twice is the same copy (a signing reads its section's texts twice: each copy
is unpickled, 0.07 ms).

The token is read from the cache once per request (`ContentGenerationMiddleware`; outside a request,
on every call), so a change is seen by every process at its next request; it is replaced again once
the change commits, so a value built from the rows as they were before the commit is not read
either. A request that changes content reads the token afresh from then on.

When Redis cannot be reached the default cache ignores its errors (settings.CACHES): there is no
generation, every lookup is built from the database, and nothing is kept. A change saved meanwhile
could not replace the generation; the process that saved it replaces it at its first call once Redis
answers, so values cached before the outage are not read after it.
"""

import logging
import uuid
from contextvars import ContextVar

from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction
from django.db.models.signals import post_delete, post_migrate, post_save
from wagtail.images.models import AbstractImage
from wagtail.models import Locale, Page, PageViewRestriction, Site, TranslatableMixin
from wagtail.signals import post_page_move

GENERATION_KEY = "sections:content-generation"
# A generation's values are dropped by the next one; this only bounds what an idle cache holds.
TIMEOUT_SECONDS = 24 * 3600
# This process's copies (pickled, as in any Django cache): the values of a generation that ended are
# never read again, and go when they expire or when the cache is full.
local = LocMemCache("sections-content", {"TIMEOUT": TIMEOUT_SECONDS, "OPTIONS": {"MAX_ENTRIES": 2000}})


# The generation this request read at its start (None outside a request, or once it changed content).
request_generation = ContextVar("content_generation", default=None)
# The values this request read, by name (None outside a request).
request_values = ContextVar("content_values", default=None)


logger = logging.getLogger(__name__)
# A change saved while Redis could not be reached: its new generation is still to be written.
unwritten_change = False


def current_generation():
    """The content generation: the one this request started with, else read from the cache."""
    return request_generation.get() or read_generation()


def read_generation():
    """The shared content generation, read from the cache (created there when missing); None without Redis."""
    if unwritten_change:
        write_new_generation()
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
        generation = cache.get(GENERATION_KEY)
    return generation


MISSING = object()


def cached(key, build):
    """`build()`, kept in Django's cache for the current content generation under `key` (a tuple).

    Read from this process's copies first, then from the shared cache. Both hand out a new copy
    (unpickled), one per request: a request may annotate its own, and reads it again as it left it.
    Without a generation (Redis cannot be reached) it is built from the database, and kept nowhere:
    no generation would end it.
    """
    generation = current_generation()
    if generation is None:
        return build()
    name = ":".join(str(part) for part in ("content", generation, *key))
    values = request_values.get()
    if values is not None and name in values:
        return values[name]
    value = local.get(name, MISSING)
    if value is MISSING:
        value = cache.get_or_set(name, build, TIMEOUT_SECONDS)
        local.set(name, value)
    if values is not None:
        values[name] = value
    return value


def content_changed():
    """Start a new content generation: now, and again when the current transaction commits."""

    request_generation.set(None)
    write_new_generation()
    transaction.on_commit(write_new_generation)


def write_new_generation():
    """Replace the generation in Redis, whose errors are raised here; if it cannot, try again later."""
    global unwritten_change
    try:
        caches["strict"].set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception as error:  # any backend's connection error: never a 500 for the editor
        logger.warning("Content generation not replaced, Redis unreachable: %s", error)
        unwritten_change = True
    else:
        unwritten_change = False


class ContentGenerationMiddleware:
    """Reads the content generation once for the whole request: one cache round trip, not one per lookup."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = request_generation.set(read_generation())
        values_token = request_values.set({})
        try:
            return self.get_response(request)
        finally:
            request_values.reset(values_token)
            request_generation.reset(token)


def on_save_or_delete(sender, instance, **kwargs):
    from .models import SectionSettings

    if isinstance(
        instance, (Page, Site, Locale, PageViewRestriction, SectionSettings, TranslatableMixin, AbstractImage)
    ):
        content_changed()


def on_page_move(sender, **kwargs):
    content_changed()


def on_migrate(sender, **kwargs):
    """A deployment runs `migrate`: values cached by the previous code's version are not read by the new."""
    content_changed()


def register_signal_handlers():
    post_save.connect(on_save_or_delete, dispatch_uid="sections.content_cache.save")
    post_delete.connect(on_save_or_delete, dispatch_uid="sections.content_cache.delete")
    post_page_move.connect(on_page_move, dispatch_uid="sections.content_cache.move")
    post_migrate.connect(on_migrate, dispatch_uid="sections.content_cache.migrate")
