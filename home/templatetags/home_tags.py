"""Template tags for home pages."""

from django import template
from django.conf import settings
from django.core.cache import cache
from django.db.models import Sum
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from wagtail import hooks
from wagtail.models import Page, Site

from home.actions import LIVE_FIGURES_HOOK
from sections.content_cache import cached
from sections.trees import in_sections
from supporters.models import ActionCount

register = template.Library()


def recent(name, site, count):
    """`count(site)`, kept LIVE_FIGURES_SECONDS in the cache: as fresh as a cached page showing it.

    A home page shows a few figures, each a query over every action of the section: a page built for
    an editor or a visitor the page cache missed need not count them again.
    """
    seconds = settings.LIVE_FIGURES_SECONDS
    if not seconds:
        return count(site)
    return cache.get_or_set(f"live-figure:{name}:{site.pk}", lambda: count(site), seconds)


def count_actions(site):
    keys = Page.objects.filter(in_sections([site])).values("translation_key")
    totals = ActionCount.objects.filter(key__in=keys).aggregate(count=Sum("count"), offset=Sum("offset"))
    return max((totals["count"] or 0) + (totals["offset"] or 0), 0)


@register.simple_tag(takes_context=True)
def actions_taken(context):
    """Every action counted on this section's site (all languages), offline ones included."""
    site = Site.find_for_request(context["request"])
    if site is None:
        return 0
    return recent("actions", site, count_actions)


@register.simple_tag(takes_context=True)
def live_figure(context, name):
    """A figure another app counts for this section (LIVE_FIGURES_HOOK), e.g. its members; 0 if none does."""
    site = Site.find_for_request(context["request"])
    if site is None:
        return 0
    for figures in hooks.get_hooks(LIVE_FIGURES_HOOK):
        count = figures().get(name)
        if count is not None:
            return recent(name, site, count)
    return 0


# Body blocks that show live figures: rendered for every request, never kept with the content.
LIVE_BLOCKS = {"impact_figures"}


@register.simple_tag(takes_context=True)
def home_body_block(context, page, index):
    """The home page's body block at `index`, as `{% include_block %}` renders it.

    A block shows only what an editor saved (a banner, a text, an image), so its HTML is kept with the
    content (`sections.content_cache`): a visit neither converts the stored block (StreamField reads its
    images and pages) nor renders it again. Blocks with live figures and previews are rendered each time.
    """
    request = context.get("request")

    def render():
        return page.body[index].render_as_block(context.flatten())

    raw = page.body.raw_data[index]
    if raw["type"] in LIVE_BLOCKS or getattr(request, "is_preview", False) or page.pk is None:
        return render()
    key = ("home-body-block", page.pk, raw.get("id") or index, get_language())
    return mark_safe(cached(key, lambda: str(render())))
