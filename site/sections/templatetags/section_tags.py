"""Template tags for the section layer: language switcher and hreflang alternates."""

from django import template
from wagtail.models import Locale, Site

from sections.languages import language_name, section_languages

register = template.Library()


@register.simple_tag(takes_context=True)
def section_language_links(context, page=None):
    """One link per language the section publishes, to this page's translation when it has one."""
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    if site is None:
        return []
    page = page or None  # an undefined template variable arrives as ""
    codes = section_languages(site)
    locales = {locale.language_code: locale for locale in Locale.objects.filter(language_code__in=codes)}
    current = page.locale.language_code if page is not None else getattr(request, "LANGUAGE_CODE", None)
    links = []
    for code in codes:
        locale = locales.get(code)
        if locale is None:
            continue
        target = None
        if page is not None:
            target = page.get_translation_or_none(locale)
            if target is not None and not target.live:
                target = None
        if target is None:
            target = site.root_page.get_translation_or_none(locale)
        if target is None:
            continue
        links.append(
            {
                "code": code,
                "name": language_name(code),
                "url": target.get_url(request),
                "full_url": target.get_full_url(request),
                "is_current": code == current,
            }
        )
    return links
