"""Finds the page of a URL under a section's home page in one query, where Wagtail's walk makes two per level."""

from django.contrib.contenttypes.models import ContentType
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

    Which page a path names changes only when an editor publishes, moves or deletes a page, so a
    path that names a page is kept with the content (`sections.content_cache`): a visit then reads
    only the page itself. Paths that name no page, or go on past one into its own sub-pages, are
    not kept: anyone can make up as many of those as they like.
    """

    def route(self, request, path_components):
        if not path_components:
            return super().route(request, path_components)
        try:
            where = cached(("route", self.pk, *path_components), lambda: self.find_page(path_components))
        except GoesOnPast as past:
            where = past.where
        page_id, content_type_id, depth = where
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        try:
            # Pages read their locale to speak their language (forms, listings): read with them.
            specific = model.objects.select_related("locale").get(pk=page_id)
        except model.DoesNotExist as missing:  # deleted since its path was kept
            raise Http404 from missing
        return specific.route(request, path_components[depth:])

    def find_page(self, path_components):
        """(page id, content type id, depth) of the page that routes the path; Http404 when none."""
        prefixes = [
            self.url_path + "".join(f"{slug}/" for slug in path_components[:depth])
            for depth in range(1, len(path_components) + 1)
        ]
        found = {
            page.url_path: page
            for page in Page.objects.filter(
                path__startswith=self.path, depth__gt=self.depth, url_path__in=prefixes
            ).only("pk", "url_path", "content_type_id")
        }
        for depth, prefix in enumerate(prefixes, start=1):
            page = found.get(prefix)
            if page is None:
                raise Http404
            rest = path_components[depth:]
            if not rest:
                return page.pk, page.content_type_id, depth
            if routes_on_its_own(page):
                raise GoesOnPast((page.pk, page.content_type_id, depth))
        raise Http404  # not reached: the last prefix has no rest


class GoesOnPast(Exception):
    """A path that goes on past a page into its own sub-pages: its page is found, not kept."""

    def __init__(self, where):
        super().__init__(where)
        self.where = where


def routes_on_its_own(page):
    """Whether the page's type overrides Wagtail's `route` (it then decides on the rest of the path)."""
    page_class = page.specific_class
    return page_class is None or page_class.route is not Page.route
