"""Puts the current section (its settings, languages and texts in the page's language) into every template."""

from django.utils.functional import SimpleLazyObject
from wagtail.models import Site

from .languages import section_languages
from .models import SectionSettings
from .texts import section_texts


def section(request):
    def current_section():
        return SectionSettings.for_request(request) if Site.find_for_request(request) else None

    return {
        "section": SimpleLazyObject(current_section),
        # In the active language: the page's, which the URL's language prefix chose.
        "section_texts": SimpleLazyObject(lambda: section_texts(Site.find_for_request(request))),
        "section_language_codes": SimpleLazyObject(lambda: section_languages(Site.find_for_request(request))),
    }
