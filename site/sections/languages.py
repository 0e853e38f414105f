"""A section's languages are the live translations of its root page (Wagtail has no per-site list, wagtail#7843)."""

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import get_language_info
from wagtail.models import Page

CACHE_KEY = "section-languages:{site_id}"
CACHE_SECONDS = 300


def section_languages(site):
    """Language codes that a section publishes, its default language first."""
    if site is None:
        return []
    key = CACHE_KEY.format(site_id=site.pk)
    codes = cache.get(key)
    if codes is None:
        root = site.root_page
        codes = [root.locale.language_code]
        translated = (
            Page.objects.filter(translation_key=root.translation_key, live=True)
            .exclude(pk=root.pk)
            .values_list("locale__language_code", flat=True)
        )
        known = [code for code, _name in settings.LANGUAGES]
        codes += sorted(set(translated) - set(codes), key=known.index)
        cache.set(key, codes, CACHE_SECONDS)
    return codes


def forget_section_languages(site_ids=None):
    """Drop the cached language lists (after a root page is published or unpublished)."""
    from wagtail.models import Site

    ids = site_ids if site_ids is not None else Site.objects.values_list("pk", flat=True)
    cache.delete_many([CACHE_KEY.format(site_id=site_id) for site_id in ids])


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
