"""The hook through which action apps (petitions, letters) show their open actions on a profile.

`prisoners` imports none of them: an app registers a function under OPEN_ACTIONS_HOOK,

    @hooks.register(OPEN_ACTIONS_HOOK)
    def petitions_for(record, site, locale):
        root = section_root(site, locale)
        if root is None:
            return []
        return PetitionPage.objects.live().descendant_of(root).filter(
            prisoner__translation_key=record.translation_key)

taking a record (any of its translations: match on `translation_key`), a section's Site and a
Locale, and returning the live action pages of that section in that language.

Note: `PageQuerySet.in_site(site)` only finds the default language's pages, since a section's
translated home pages are siblings of its root page, not descendants: use `section_root`.
"""

from wagtail import hooks

OPEN_ACTIONS_HOOK = "register_prisoner_actions"


def section_root(site, locale):
    """The section's home page in `locale`, or None when the section does not publish that language."""
    root = site.root_page
    if root.locale_id == locale.pk:
        return root
    return root.get_translation_or_none(locale)


def open_actions(record, site, locale):
    """Every registered app's open actions for this person in this section and language, once each."""
    pages = []
    seen = set()
    for find_actions in hooks.get_hooks(OPEN_ACTIONS_HOOK):
        for page in find_actions(record, site, locale) or []:
            if page.pk not in seen:
                seen.add(page.pk)
                pages.append(page)
    return pages


# Every app's action pages naming a person, in every section and language: a function registered
# under it takes a record (any translation: match on `translation_key`) and returns the live, public
# action pages of every section (their counts make the coalition's total, prisoners.counts).
ALL_ACTIONS_HOOK = "register_prisoner_actions_in_every_section"


def actions_in_every_section(record):
    pages = []
    for find_actions in hooks.get_hooks(ALL_ACTIONS_HOOK):
        pages.extend(find_actions(record) or [])
    return pages
