"""A section's pages: the subtree of its root page and the subtrees of the root's translations.

Translated root pages are siblings of the root, not under it, so `PageQuerySet.in_site()` alone
would miss every language but the default.
"""

from django.db.models import Q
from wagtail.models import Page


def in_sections(sites):
    """A Q() keeping the pages, in every language, of the sections `sites` (a queryset or a list)."""
    root_keys = [site.root_page.translation_key for site in sites]
    condition = Q(pk__in=[])
    for root_path in Page.objects.filter(translation_key__in=root_keys).values_list("path", flat=True):
        condition |= Q(path__startswith=root_path)
    return condition
