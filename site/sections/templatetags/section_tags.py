"""Template tags for the section layer: language switcher, share metadata, links to a page in the visitor's language."""

from django import template
from django.db.models import Q
from django.utils.translation import get_language
from wagtail.models import Page, Site

from sections.content_cache import cached
from sections.languages import language_name, section_languages
from sections.sharing import page_metadata

register = template.Library()


@register.simple_tag(takes_context=True)
def section_language_links(context, page=None):
    """One link per language the section publishes, to this page's translation when it has one.

    They change only with the content, so they are cached with it (see content_cache); a page not
    saved yet (a preview) has no cached links.
    """
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    if site is None:
        return []
    page = page or None  # an undefined template variable arrives as ""
    current = getattr(request, "LANGUAGE_CODE", None)
    if page is None or page.pk is None:
        return language_links(request, site, page, current)
    return cached(
        ("language-links", site.pk, page.pk, current),
        lambda: language_links(request, site, page, current),
    )


def language_links(request, site, page, current):
    """Every translation, and the section's home pages for the languages the page lacks, in one query."""
    codes = section_languages(site)
    root = site.root_page
    wanted = Q(translation_key=root.translation_key)
    if page is not None:
        wanted |= Q(translation_key=page.translation_key, live=True)
    rows = Page.objects.filter(wanted, locale__language_code__in=codes).select_related("locale")
    homes, translations, code_of = {}, {}, {}
    for row in rows:
        code = row.locale.language_code
        code_of[row.locale_id] = code
        if page is not None and row.translation_key == page.translation_key and row.live:
            translations[code] = row
        if row.translation_key == root.translation_key:
            homes[code] = row
    if page is not None:
        current = code_of.get(page.locale_id) or page.locale.language_code
    links = []
    for code in codes:
        target = translations.get(code) or homes.get(code)
        if target is None:
            continue
        links.append(
            {
                "code": code,
                "name": language_name(code),
                "url": target.get_url(request),
                "full_url": target.get_full_url(request),
                "is_current": code == current,
                # The page itself in that language, not the section's home page standing in for it.
                "is_translation": code in translations,
            }
        )
    return links


@register.simple_tag(takes_context=True)
def share_metadata(context, page=None):
    """Description, canonical URL, hreflang alternates and Open Graph data of `page` (see sections.sharing)."""
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    if site is None or not page:
        return None
    return page_metadata(request, site, page, section_language_links(context, page))


@register.simple_tag(takes_context=True)
def localized_pageurl(context, page):
    """The URL of `page` (a page or its id) in the visitor's language, as `{% pageurl page.localized %}`.

    Blocks and the footer link to pages chosen in the source language: one such link costs two
    queries through `localized`, so the URL is cached with the content (see content_cache).
    """
    request = context.get("request")
    page_id = getattr(page, "pk", page)
    if not page_id:
        return ""
    site = Site.find_for_request(request) if request else None
    return cached(
        ("localized-url", getattr(site, "pk", None), get_language(), page_id),
        lambda: localized_url(page_id, request),
    )


def localized_url(page_id, request):
    page = Page.objects.filter(pk=page_id).first()
    return (page.localized.get_url(request) or "") if page is not None else ""
