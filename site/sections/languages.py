"""A section's languages are the live translations of its root page (Wagtail has no per-site list, wagtail#7843)."""

from django.conf import settings
from django.utils.translation import get_language_info
from wagtail.models import Page

from .content_cache import cached


def section_languages(site):
    """Language codes that a section publishes, its default language first (cached, see content_cache)."""
    if site is None:
        return []
    return cached(("section-languages", site.pk), lambda: published_languages(site))


def published_languages(site):
    root = site.root_page
    codes = [root.locale.language_code]
    translated = (
        Page.objects.filter(translation_key=root.translation_key, live=True)
        .exclude(pk=root.pk)
        .values_list("locale__language_code", flat=True)
    )
    known = [code for code, _name in settings.LANGUAGES]
    return codes + sorted(set(translated) - set(codes), key=known.index)


def preferred_language(request, codes):
    """The visitor's preferred language among a section's codes (Accept-Language), else the default."""
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    weighted = []
    for index, part in enumerate(header.split(",")):
        lang, _sep, params = part.strip().partition(";")
        lang = lang.strip().lower().split("-")[0]
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if lang:
            weighted.append((-quality, index, lang))
    for _q, _i, lang in sorted(weighted):
        if lang in codes:
            return lang
    return codes[0] if codes else settings.LANGUAGE_CODE


def language_name(code):
    """A language's own name, e.g. Deutsch for de."""
    return get_language_info(code)["name_local"]
