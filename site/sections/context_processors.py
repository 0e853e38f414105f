"""Puts the current section (its settings and languages) into every template."""

from django.utils.functional import SimpleLazyObject
from wagtail.models import Site

from .languages import section_languages
from .models import SectionSettings


def section(request):
    def current_section():
        # for_request: the copy that SectionLanguageMiddleware put on the request, where it did.
        return SectionSettings.for_request(request) if Site.find_for_request(request) else None

    return {
        "section": SimpleLazyObject(current_section),
        "section_language_codes": SimpleLazyObject(lambda: section_languages(Site.find_for_request(request))),
    }
