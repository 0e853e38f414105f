"""Another section's pages are not found in the admin (404), rather than refused with a redirect.

Wagtail answers a page URL its user may not act on with a redirect to the dashboard and a message;
an editor who types another section's page URL by hand learns that the page exists. This middleware
answers 404 for every page URL of the admin (`wagtailadmin_pages:*`, the explorer) whose page lies
outside the sections of the user's groups, and for the page chooser opened on such a page. A
section's pages are its root page's tree and the trees of the root's translations (sections.trees).
Superusers reach every page. The chooser's lists and searches hold only the user's sections' pages
(`only_the_users_sections_in_the_chooser`, registered in sections.wagtail_hooks).
"""

from django.http import Http404
from wagtail.models import Page

from .permissions import sections_of_page_staff
from .trees import in_sections

PAGE_URL_NAMESPACES = {"wagtailadmin_pages", "wagtailadmin_explore"}
PAGE_URL_NAMES = {"wagtailadmin_explore", "wagtailadmin_choose_page_child"}
PAGE_ID_KWARGS = ("page_id", "parent_page_id", "page_to_move_id", "destination_id")


def pages_of_user(user):
    """A Q() keeping the pages of the sections whose pages the user works on."""
    return in_sections(sections_of_page_staff(user).select_related("root_page"))


class SectionPageScopeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        user = getattr(request, "user", None)
        if match is None or user is None or not user.is_authenticated or user.is_superuser:
            return None
        if not PAGE_URL_NAMESPACES.intersection(match.namespaces) and match.url_name not in PAGE_URL_NAMES:
            return None
        page_ids = [view_kwargs[name] for name in PAGE_ID_KWARGS if name in view_kwargs]
        # The tree's root is everyone's starting point: the chooser lists only the user's sections in it.
        page_ids = [page_id for page_id in page_ids if not Page.objects.filter(pk=page_id, depth=1).exists()]
        if not page_ids:
            return None
        reachable = Page.objects.filter(pages_of_user(user), pk__in=page_ids).count()
        if reachable != len(set(page_ids)):
            raise Http404("No such page in your sections.")
        return None


def only_the_users_sections_in_the_chooser(pages, request):
    """The page chooser lists and finds only the pages of the user's sections (superusers: all)."""
    if request.user.is_superuser:
        return pages
    return pages.filter(pages_of_user(request.user))
