"""Template tags for home pages."""

from django import template
from django.db.models import Q, Sum
from wagtail.models import Page, Site

from supporters.models import ActionCount

register = template.Library()


@register.simple_tag(takes_context=True)
def actions_taken(context):
    """Every action counted on this section's site (all languages), offline ones included."""
    site = Site.find_for_request(context["request"])
    if site is None:
        return 0
    # A section's tree is its root page and the root's translations, each with its subtree.
    roots = Page.objects.filter(translation_key=site.root_page.translation_key).values_list("path", flat=True)
    in_section = Q()
    for path in roots:
        in_section |= Q(path__startswith=path)
    keys = Page.objects.filter(in_section).values("translation_key")
    totals = ActionCount.objects.filter(key__in=keys).aggregate(count=Sum("count"), offset=Sum("offset"))
    return max((totals["count"] or 0) + (totals["offset"] or 0), 0)
