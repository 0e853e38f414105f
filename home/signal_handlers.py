"""Purges from the frontend cache (a CDN) the pages that list a page whose publication changed.

Wagtail's frontend cache purges the page published or unpublished itself. The home page lists the
section's open actions, and every page of a language shows its main and footer menus, so:
- an action (a page with `action_progress`, see home.actions) purges its language's home page;
- a home page (its footer menu) or a page directly under it that is, or was, in the main menu
  purges every live page of that language.
What sections.content_cache keeps is dropped on every page save already.
"""

from django.conf import settings
from wagtail.contrib.frontend_cache.utils import PurgeBatch
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished


def _was_in_menus(page, revision):
    previous = page.revisions.exclude(pk=getattr(revision, "pk", None)).order_by("-created_at", "-pk").first()
    return bool(previous and previous.content.get("show_in_menus"))


def purge_listing_pages(sender, instance, revision=None, **kwargs):
    if not getattr(settings, "WAGTAILFRONTENDCACHE", None):
        return
    from .models import HomePage

    page = instance.specific
    if isinstance(page, HomePage):
        home, whole_language = page, True
    else:
        parent = page.get_parent()
        home = parent.specific if parent is not None and parent.specific_class is HomePage else None
        if home is None:
            return
        whole_language = page.show_in_menus or _was_in_menus(page, revision)
        if not (whole_language or hasattr(page, "action_progress")):
            return
    batch = PurgeBatch()
    if whole_language:
        batch.add_pages(Page.objects.live().descendant_of(home, inclusive=True).specific())
    else:
        batch.add_page(home)
    batch.purge()


def register_signal_handlers():
    page_published.connect(purge_listing_pages, dispatch_uid="home.purge_listing_pages.published")
    page_unpublished.connect(purge_listing_pages, dispatch_uid="home.purge_listing_pages.unpublished")
