"""A profile shows the section's open actions for the person, found through the OPEN_ACTIONS_HOOK.

`prisoners` imports no action app: here a test registers a function, as petitions and letters will.
"""

import pytest
from wagtail import hooks

from home.models import StandardPage
from prisoners.hooks import OPEN_ACTIONS_HOOK, open_actions, section_root

from .conftest import get, profiles_everywhere, translate_now

pytestmark = pytest.mark.django_db

# Which pages act for which person (by record translation_key): what a petition's foreign key would say.
ACTIONS = {}


def fake_petitions(record, site, locale):
    root = section_root(site, locale)
    if root is None:
        return []
    return (
        StandardPage.objects.live()
        .descendant_of(root)
        .filter(pk__in=ACTIONS.get(record.translation_key, []))
        .order_by("title")
    )


def add_action(home, record, title, slug, live=True):
    page = StandardPage(title=title, slug=slug, locale=home.locale, live=live)
    home.add_child(instance=page)
    ACTIONS.setdefault(record.translation_key, []).append(page.pk)
    return page


@pytest.fixture
def pages(sections, kalesnikava, django_capture_on_commit_callbacks):
    ACTIONS.clear()
    translate_now(django_capture_on_commit_callbacks, kalesnikava, "de", {"Musicienne": "Musikerin"})
    return profiles_everywhere(sections, kalesnikava, django_capture_on_commit_callbacks)


def test_without_registered_actions_the_profile_shows_none(client, pages):
    html = get(client, pages[("ch", "fr")]).content.decode()
    assert "prisoner-actions" not in html


def test_the_sections_actions_in_the_pages_language_are_shown(client, sections, kalesnikava, pages):
    ch, fr = sections["ch"], sections["fr"]
    add_action(ch.homes["fr"], kalesnikava, "Pétition : libérez Maryia", "petition-maryia")
    add_action(ch.homes["de"], kalesnikava, "Petition: Freiheit für Maryia", "petition-maryia-de")
    add_action(ch.homes["fr"], kalesnikava, "Brouillon de lettre", "brouillon", live=False)
    add_action(fr.home, kalesnikava, "Lettre au ministre", "lettre-ministre")

    with hooks.register_temporarily(OPEN_ACTIONS_HOOK, fake_petitions):
        ch_fr = get(client, pages[("ch", "fr")]).content.decode()
        ch_de = get(client, pages[("ch", "de")]).content.decode()
        section_fr = get(client, pages[("fr", "fr")]).content.decode()
        section_tg = get(client, pages[("tg", "fr")]).content.decode()

    assert '<a href="/fr/petition-maryia/">Pétition : libérez Maryia</a>' in ch_fr
    assert "Freiheit für Maryia" not in ch_fr and "Lettre au ministre" not in ch_fr
    assert "Brouillon de lettre" not in ch_fr
    assert '<a href="/de/petition-maryia-de/">Petition: Freiheit für Maryia</a>' in ch_de
    assert "Pétition : libérez Maryia" not in ch_de
    assert '<a href="/fr/lettre-ministre/">Lettre au ministre</a>' in section_fr
    assert "prisoner-actions" not in section_tg


def test_actions_from_several_apps_are_merged_once_each(sections, kalesnikava, pages):
    ch = sections["ch"]
    petition = add_action(ch.homes["fr"], kalesnikava, "Pétition", "petition")

    def fake_letters(record, site, locale):
        return [petition.specific]  # the same page again: listed once

    with hooks.register_temporarily(OPEN_ACTIONS_HOOK, fake_petitions):
        with hooks.register_temporarily(OPEN_ACTIONS_HOOK, fake_letters):
            found = open_actions(kalesnikava, ch.site, ch.home.locale)
    assert [page.pk for page in found] == [petition.pk]
