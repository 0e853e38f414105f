"""A section's pages: the subtree of its root page and the subtrees of the root's translations.

Translated root pages are siblings of the root, not under it, so `PageQuerySet.in_site()` alone
would miss every language but the default.
"""

from django.db.models import Q
from wagtail.models import Page

from .content_cache import cached


def in_sections(sites):
    """A Q() keeping the pages, in every language, of the sections `sites` (a queryset or a list)."""
    condition = Q(pk__in=[])
    for site in sites:
        for root_path in section_root_paths(site):
            condition |= Q(path__startswith=root_path)
    return condition


def section_root_paths(site):
    """The tree paths of the section's root page and its translations (cached with the content)."""
    return cached(
        ("section-root-paths", site.pk),
        lambda: list(
            Page.objects.filter(
                translation_key__in=Page.objects.filter(pk=site.root_page_id).values("translation_key")
            ).values_list("path", flat=True)
        ),
    )
