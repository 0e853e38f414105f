"""Finds the page of a URL under a section's home page in one query, where Wagtail's walk makes two per level."""

from django.http import Http404
from django.utils.translation import get_language
from wagtail.models import Page, TranslatableMixin

from sections.content_cache import cached


class LocalizedFromCache:
    """A home page's translation in the visitor's language (Wagtail's `localized`), kept with the content.

    Every request is routed from `site.root_page.localized` (`Page.route_for_request`): the active
    locale and the translation, two queries per request for a value that changes only when an
    editor publishes. The site's root page is this specific page (`sections.wagtail_site_patches`).
    """

    @property
    def localized(self):
        return cached(("localized", self.pk, get_language()), lambda: TranslatableMixin.localized.fget(self))


class RoutesInOneQuery:
    """Wagtail's `Page.route` for a home page and everything under it, with the tree read at once.

    Wagtail walks down the tree, reading each level's child by its slug and then its specific
    page, to let any page type take over the rest of the path (`RoutablePageMixin`'s sub-pages).
    A page's `url_path` is its parent's plus its slug, so every page of the path is found in one
    query; the walk then happens in memory and hands the rest of the path to the first page whose
    type routes on its own, exactly where Wagtail's walk would have.
    """

    def route(self, request, path_components):
        if not path_components:
            return super().route(request, path_components)
        prefixes = [
            self.url_path + "".join(f"{slug}/" for slug in path_components[:depth])
            for depth in range(1, len(path_components) + 1)
        ]
        found = {
            page.url_path: page
            for page in Page.objects.filter(
                path__startswith=self.path, depth__gt=self.depth, url_path__in=prefixes
            ).select_related("locale")
        }
        for depth, prefix in enumerate(prefixes, start=1):
            page = found.get(prefix)
            if page is None:
                raise Http404
            rest = path_components[depth:]
            if not rest or routes_on_its_own(page):
                specific = page.specific
                # Pages read their locale to speak their language (forms, listings): already here.
                specific.locale = page.locale
                return specific.route(request, rest)
        raise Http404  # not reached: the last prefix has no rest


def routes_on_its_own(page):
    """Whether the page's type overrides Wagtail's `route` (it then decides on the rest of the path)."""
    page_class = page.specific_class
    return page_class is None or page_class.route is not Page.route
