"""Template tags that action pages use to name the people they concern, linked to their profiles."""

from django import template
from wagtail.models import Site

from prisoners.hooks import section_root
from prisoners.models import PrisonerPage

register = template.Library()


@register.simple_tag(takes_context=True)
def people_concerned(context, page):
    """[{"record": the record in the page's language, "profile": its live profile page or None}].

    The profile is the one of the page's own section and language: a Swiss German petition links
    to the Swiss German profile, never to another section's.
    """
    records = list(page.prisoners.all())
    if not records:
        return []
    request = context.get("request")
    site = (Site.find_for_request(request) if request is not None else None) or page.get_site()
    root = section_root(site, page.locale) if site is not None else None
    profiles = {}
    if root is not None:
        found = (
            PrisonerPage.objects.live()
            .public()
            .descendant_of(root)
            .filter(locale=page.locale, record__translation_key__in=[r.translation_key for r in records])
            .select_related("record")
            .order_by("path")
        )
        for profile in found:
            profiles.setdefault(profile.record.translation_key, profile)
    return [
        {"record": record.in_locale(page.locale), "profile": profiles.get(record.translation_key)}
        for record in records
    ]
