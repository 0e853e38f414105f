"""Page view restrictions read from the content cache, so that serving a public page checks them without a query."""

from django.db.models import Q
from wagtail.models import Page, PageViewRestriction

from .content_cache import cached

# An alias of an alias of … : Wagtail follows them all; a cycle cannot be saved, this only bounds the loop.
MAX_ALIAS_HOPS = 10


def restricted_paths():
    """({restricted page's path: [its restriction ids]}, {alias page's path: its source's path})."""
    restrictions = {}
    for restriction_id, path in PageViewRestriction.objects.values_list("pk", "page__path"):
        restrictions.setdefault(path, []).append(restriction_id)
    aliases = dict(Page.objects.filter(alias_of__isnull=False).values_list("path", "alias_of__path"))
    return restrictions, aliases


class CachedViewRestrictions:
    """Wagtail's `Page.get_view_restrictions`, with the restricted pages and aliases of the whole tree cached.

    Wagtail reads the page's ancestors and then their restrictions on every request (two queries,
    in its `check_view_restrictions` hook). A page's ancestors are the prefixes of its `path`, and
    restrictions, aliases and paths change only with a save, delete or move, which starts a new
    content generation: the same restrictions come out, as a queryset, costing a query only for a
    restricted page.
    """

    def get_view_restrictions(self):
        if not self.path:  # not in the tree yet (a preview of a new page): Wagtail's own answer
            return super().get_view_restrictions()
        restrictions, aliases = cached(("view-restrictions",), restricted_paths)
        ids = []
        for end in range(self.steplen, len(self.path) + 1, self.steplen):
            path = self.path[:end]
            for _hop in range(MAX_ALIAS_HOPS):
                if path not in aliases:
                    break
                path = aliases[path]
            ids.extend(restrictions.get(path, ()))
        return PageViewRestriction.objects.filter(pk__in=ids)


def public(pages):
    """`pages.public()`, with the restricted pages read from the content cache instead of a query.

    Like Wagtail's, it leaves out every restricted page and the pages under it.
    """
    restrictions, _aliases = cached(("view-restrictions",), restricted_paths)
    private = Q(pk__in=[])
    for path in restrictions:
        private |= Q(path__startswith=path)
    return pages.exclude(private)
