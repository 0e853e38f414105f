"""Puts the current section (its settings and languages) into every template."""

from django.utils.functional import SimpleLazyObject
from wagtail.models import Site

from .languages import section_languages
from .models import SectionSettings


def section(request):
    def current_section():
        site = Site.find_for_request(request)
        return SectionSettings.for_site(site) if site else None

    return {
        "section": SimpleLazyObject(current_section),
        "section_language_codes": SimpleLazyObject(lambda: section_languages(Site.find_for_request(request))),
    }
