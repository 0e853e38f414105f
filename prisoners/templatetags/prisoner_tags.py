"""Template tags that action pages use to name the people they concern, linked to their profiles."""

from django import template
from django.db.models import Exists, OuterRef
from django.db.models.functions import Substr
from django.utils.translation import override as translation_override
from wagtail.models import Page, Site

from prisoners.models import PrisonerPage, PrisonerRecord, PrisonerStatus
from sections.content_cache import cached
from sections.view_restrictions import public

register = template.Library()


@register.simple_tag(takes_context=True)
def people_concerned(context, page):
    """[{"name", "occupation", "status" (empty while detained): in the page's language,
    "url": the person's live profile, or None}].

    The profile is the one of the page's own section and language: a Swiss German petition links
    to the Swiss German profile, never to another section's. However many people, a few queries,
    and none once cached with the content (a preview shows the page's unsaved choice instead).
    """
    request = context.get("request")
    site = (Site.find_for_request(request) if request is not None else None) or page.get_site()
    if getattr(request, "is_preview", False) or page.pk is None:
        return find_people(page, site, request)
    return cached(
        ("people-concerned", page.pk, getattr(site, "pk", None)), lambda: find_people(page, site, request)
    )


def status_label(status, page):
    with translation_override(page.locale.language_code):
        return str(PrisonerStatus(status).label)


def find_people(page, site, request):
    records = list(page.prisoners.all())
    if not records:
        return []
    keys = [record.translation_key for record in records]
    translated = {
        record.translation_key: record
        for record in PrisonerRecord.objects.filter(translation_key__in=keys, locale_id=page.locale_id)
    }
    profiles = {}
    if site is not None:
        root = site.root_page
        # The section's home pages are translations of its root, siblings at the root's depth.
        in_section = Exists(
            Page.objects.filter(
                translation_key=root.translation_key,
                locale_id=page.locale_id,
                path=Substr(OuterRef("path"), 1, root.depth * Page.steplen),
            )
        )
        found = (
            public(PrisonerPage.objects.live())
            .filter(in_section, locale_id=page.locale_id, record__translation_key__in=keys)
            .select_related("record")
            .order_by("path")
        )
        for profile in found:
            profiles.setdefault(profile.record.translation_key, profile)
    people = []
    for record in records:
        translation = translated.get(record.translation_key, record)
        profile = profiles.get(record.translation_key)
        people.append(
            {
                "name": translation.full_name,
                "occupation": translation.occupation,
                # What came of the person (released, deceased…), in the page's language: an action's outcome.
                "status": "" if translation.is_detained else status_label(translation.status, page),
                "url": profile.get_url(request) if profile is not None else None,
            }
        )
    return people
