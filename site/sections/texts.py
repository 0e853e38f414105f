"""The texts a section's visitors read, in the language they read (see `SectionTexts`)."""

from django.utils.translation import get_language

from .content_cache import cached
from .models import SectionSettings, SectionTexts


def section_texts(site, language=None):
    """`site`'s texts in `language` (the active language by default), cached per language.

    A language that has no translation yet reads the section's default language, never another.
    None for no site.
    """
    if site is None:
        return None
    site_id = getattr(site, "pk", site)
    language = language or get_language()
    return cached(("section-texts", site_id, language), lambda: find_texts(site_id, language))


def find_texts(site_id, language):
    rows = {
        texts.locale.language_code: texts
        for texts in SectionTexts.objects.filter(site_id=site_id).select_related("locale", "site__root_page")
    }
    if language in rows:
        return rows[language]
    for texts in rows.values():
        if texts.locale_id == texts.site.root_page.locale_id:
            return texts
    # A section set up by hand without texts yet: its name, and nothing else, rather than an error.
    names = SectionSettings.objects.filter(site_id=site_id).values_list("name", flat=True)
    return SectionTexts(site_id=site_id, name=next(iter(names), ""))
