"""The anonymous page cache: whole public pages kept in the shared cache for PAGE_CACHE_SECONDS, purged on change.

On a campaign day a petition is read a hundred times for each signature, by visitors who all see the
same page. `PageCacheMiddleware` keeps the response that Wagtail served for a page's own URL in the
default cache (Redis in production) and hands it to the next anonymous visitor without running the
view, the session, the section lookups or any query.

- Key: scheme, host, full path with its query (the language is the URL's prefix), and the content
  generation of `sections.content_cache`. Anything an editor changes replaces that generation, so every
  cached page of every language is left behind at once (see `register_signal_handlers` for what counts
  as a change, on top of the generation's own handlers).
- Served from the cache: GET or HEAD without a session or messages cookie (so never to a signed-in
  editor, nor to a visitor in the middle of a form or a letter), and never to a preview.
- Stored: only what `serve` below marked as a page's own URL (not its routes: thank-you steps, letters,
  messages, previews are never stored), for a request that could have been served from the cache,
  when the response is a 200 that sets no cookie, is not streamed and is not private or no-store.
- Live counts on a cached page are at most PAGE_CACHE_SECONDS old.

The CDN in front (Wagtail's frontend cache, WAGTAILFRONTENDCACHE from FRONTEND_CACHE_URL) is purged too:
Wagtail purges a page it publishes or unpublishes; `purge_frontend_*` below add what it leaves out.
"""

import hashlib

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_delete
from django.utils.cache import cc_delim_re
from wagtail import views as wagtail_views
from wagtail.models import Page, Site
from wagtail.signals import page_published, page_unpublished, post_page_move, pre_page_move

from sections.content_cache import content_changed, current_generation

from .csrf import origin_checked

HEADER = "X-Page-Cache"
# Cache-Control directives that forbid keeping a response for someone else.
PRIVATE_DIRECTIVES = {"private", "no-store", "no-cache"}


def private_cookies():
    return (settings.SESSION_COOKIE_NAME, CookieStorage.cookie_name)


def servable_from_cache(request):
    """An anonymous GET or HEAD: no session (so nobody signed in), no message waiting for the visitor.

    Never Wagtail's dummy requests (previews, moderation): they go through this middleware with the
    page's own URL, and the editor's cookies only when the admin passed its request along.
    """
    return (
        request.method in ("GET", "HEAD")
        and not getattr(request, "is_dummy", False)
        and not any(name in request.COOKIES for name in private_cookies())
    )


def cache_key(request):
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"page-cache:{current_generation()}:{request.scheme}:{request.get_host()}:{path}"


def storable(response):
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    directives = {
        directive.split("=")[0].strip().lower()
        for directive in cc_delim_re.split(response.get("Cache-Control", ""))
    }
    return not directives & PRIVATE_DIRECTIVES


class PageCacheMiddleware:
    """Serves anonymous visitors a page from the cache; placed before the middleware it lets them skip."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = settings.PAGE_CACHE_SECONDS
        if not seconds or not servable_from_cache(request):
            return self.get_response(request)
        key = cache_key(request)
        response = cache.get(key)
        if response is not None:
            response[HEADER] = "hit"
            return response
        response = self.get_response(request)
        if getattr(request, "page_cache_allowed", False) and request.method == "GET" and storable(response):
            cache.set(key, response, seconds)
        response[HEADER] = "miss"
        return response


@origin_checked
def serve(request, path):
    """Wagtail's page view, marking a page's own URL as one the page cache may keep.

    Its routes (a petition's thanks/, a letter action's letter/ and sent/, …) answer one visitor's
    step and are never kept, even where they hold nothing personal today.
    """
    response = wagtail_views.serve(request, path)
    route = Page.route_for_request(request, path)
    if route is not None:
        page = route[0]
        request.page_cache_allowed = page.get_url(request) == request.path
    return response


# --- Purges ----------------------------------------------------------------------------------


def frontend_cache_configured():
    return bool(getattr(settings, "WAGTAILFRONTENDCACHE", None))


def affected_pages(page):
    """A page changed: itself and its parent (indexes and home pages list their children), in every language."""
    pages = []
    for translation in Page.objects.filter(translation_key=page.translation_key).live().specific():
        pages.append(translation)
        parent = translation.get_parent()
        if parent is not None and parent.live and parent.depth > 1:
            pages.append(parent.specific)
    return pages


def page_urls(pages):
    from wagtail.contrib.frontend_cache.utils import PurgeBatch

    batch = PurgeBatch()
    batch.add_pages(pages)
    return batch.urls


def purge_frontend_urls(urls):
    """Sends the purge once the change is committed: a CDN fetching at once must get the new page."""
    from wagtail.contrib.frontend_cache.utils import PurgeBatch

    if urls:
        transaction.on_commit(PurgeBatch(urls).purge)


def site_pages(site=None):
    """Every live page of a site (every site when None), in every language."""
    roots = [site.root_page] if site is not None else [each.root_page for each in Site.objects.all()]
    pages = []
    for root in roots:
        for home in Page.objects.filter(translation_key=root.translation_key):
            pages.extend(Page.objects.live().descendant_of(home, inclusive=True).specific())
    return pages


def on_page_published_or_unpublished(sender, instance, **kwargs):
    content_changed()
    if frontend_cache_configured():
        # Wagtail purges the page itself; its translations and the listings above them changed too.
        purge_frontend_urls(page_urls(affected_pages(instance)))


def subtree_and_listings(page):
    return [*Page.objects.live().descendant_of(page, inclusive=True).specific(), *affected_pages(page)]


def on_pre_page_move(sender, instance, **kwargs):
    if frontend_cache_configured():  # the addresses it leaves, purged once the move is committed
        purge_frontend_urls(page_urls(subtree_and_listings(instance)))


def on_post_page_move(sender, instance, **kwargs):
    if frontend_cache_configured():
        purge_frontend_urls(page_urls(subtree_and_listings(Page.objects.get(pk=instance.pk))))


def on_pre_page_delete(sender, instance, **kwargs):
    if frontend_cache_configured() and isinstance(instance, Page) and instance.live:
        purge_frontend_urls(page_urls(affected_pages(instance)))


def is_shared_content(instance):
    """Snippets (prisoner records, local groups, themes, section texts), images and documents."""
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.snippets.models import get_snippet_models

    return isinstance(instance, (get_image_model(), get_document_model(), *get_snippet_models()))


def on_save_or_delete(sender, instance, **kwargs):
    from sections.models import SectionSettings, SectionTexts

    if isinstance(instance, (SectionSettings, SectionTexts)):
        if frontend_cache_configured():
            purge_frontend_urls(page_urls(site_pages(instance.site)))
    elif is_shared_content(instance):
        # Shown on pages we cannot list without knowing every app's models (a prisoner record on
        # profiles, petitions and indexes of every section): every page is purged.
        content_changed()
        if frontend_cache_configured():
            purge_frontend_urls(page_urls(site_pages()))


def register_signal_handlers():
    """What `sections.content_cache` does not already treat as a change, and the CDN's purges."""
    post_save.connect(on_save_or_delete, dispatch_uid="plaidoyer.page_cache.save")
    post_delete.connect(on_save_or_delete, dispatch_uid="plaidoyer.page_cache.delete")
    page_published.connect(on_page_published_or_unpublished, dispatch_uid="plaidoyer.page_cache.published")
    page_unpublished.connect(
        on_page_published_or_unpublished, dispatch_uid="plaidoyer.page_cache.unpublished"
    )
    pre_page_move.connect(on_pre_page_move, dispatch_uid="plaidoyer.page_cache.pre_move")
    post_page_move.connect(on_post_page_move, dispatch_uid="plaidoyer.page_cache.post_move")
    pre_delete.connect(on_pre_page_delete, dispatch_uid="plaidoyer.page_cache.pre_delete")
