"""Template tags for home pages."""

from django import template
from django.db.models import Sum
from wagtail import hooks
from wagtail.models import Page, Site

from home.actions import LIVE_FIGURES_HOOK
from sections.trees import in_sections
from supporters.models import ActionCount

register = template.Library()


@register.simple_tag(takes_context=True)
def actions_taken(context):
    """Every action counted on this section's site (all languages), offline ones included."""
    site = Site.find_for_request(context["request"])
    if site is None:
        return 0
    keys = Page.objects.filter(in_sections([site])).values("translation_key")
    totals = ActionCount.objects.filter(key__in=keys).aggregate(count=Sum("count"), offset=Sum("offset"))
    return max((totals["count"] or 0) + (totals["offset"] or 0), 0)


@register.simple_tag(takes_context=True)
def live_figure(context, name):
    """A figure another app counts for this section (LIVE_FIGURES_HOOK), e.g. its members; 0 if none does."""
    site = Site.find_for_request(context["request"])
    if site is None:
        return 0
    for figures in hooks.get_hooks(LIVE_FIGURES_HOOK):
        count = figures().get(name)
        if count is not None:
            return count(site)
    return 0
