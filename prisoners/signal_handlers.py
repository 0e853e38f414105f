"""Keeps cached copies of profile pages current when the record they show changes."""

from django.conf import settings
from django.db.models.signals import post_save
from wagtail.contrib.frontend_cache.utils import purge_pages_from_cache

from .models import PrisonerPage, PrisonerRecord


def purge_record_pages(sender, instance, **kwargs):
    # A record is not a page: Wagtail purges a page from the frontend cache when the page is
    # published, not when a snippet it shows changes. Every section's profile (in every language)
    # and the indexes listing it show the record, so all of them are purged.
    if not getattr(settings, "WAGTAILFRONTENDCACHE", None):
        return
    profiles = PrisonerPage.objects.live().filter(record__translation_key=instance.translation_key)
    pages = list(profiles)
    pages += [page.get_parent() for page in pages]
    purge_pages_from_cache(pages)


def register_signal_handlers():
    post_save.connect(purge_record_pages, sender=PrisonerRecord, dispatch_uid="prisoners_purge_record_pages")
