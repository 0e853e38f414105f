"""The home page lists its section's open petitions and letter actions by itself, newest first, with
their progress; editors' pinned actions come first, and nothing is listed twice."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.test import override_settings
from django.utils import timezone
from wagtail.contrib.frontend_cache.backends.base import BaseBackend

from home.models import HomePage
from petitions.letters.tests.helpers import make_action
from petitions.models import PetitionPage
from petitions.tests.conftest import make_petition
from sections.translation import translate
from supporters.models import ActionCount

pytestmark = pytest.mark.django_db

HOSTS = {"ch": "ch.localhost:8000", "fr": "fr.localhost:8000"}
PURGED = set()


class RecordingBackend(BaseBackend):
    """A frontend cache (CDN) that notes what it is asked to purge."""

    def purge(self, url):
        PURGED.add(url)


def published(page, days_ago):
    """Say the page was first published `days_ago` days ago (newest first is by that date)."""
    type(page).objects.filter(pk=page.pk).update(
        first_published_at=timezone.now() - datetime.timedelta(days=days_ago)
    )
    return page


def counted(page, count):
    ActionCount.objects.update_or_create(key=page.translation_key, defaults={"count": count})


def cards(client, code, path="/fr/"):
    """[(title, progress text, (value, max) of its bar)] of the action cards on a home page."""
    response = client.get(path, HTTP_HOST=HOSTS[code])
    assert response.status_code == 200
    found = []
    for card in BeautifulSoup(response.content, "html.parser").select("li.action-card"):
        bar = card.find("progress")
        progress = card.select_one(".action-card__progress")
        found.append(
            (
                card.find("h3").get_text(strip=True),
                progress.get_text(strip=True) if progress else "",
                (bar["value"], bar["max"]) if bar else None,
            )
        )
    return found


@pytest.fixture
def actions(sections):
    fr = sections["fr"].home
    older = published(make_petition(fr, title="Libérez Ales Bialiatski", slug="bialiatski", goal=500), 10)
    letter = published(make_action(fr, title="Écrivez au ministre", slug="ministre", goal=200), 5)
    newer = published(make_petition(fr, title="Libérez Nasta Loika", slug="loika", goal=1000), 1)
    closed = make_petition(fr, title="Pétition close", slug="close", closed=True)
    ended = make_petition(
        fr, title="Pétition échue", slug="echue", closes_at=timezone.now() - datetime.timedelta(days=1)
    )
    counted(older, 120)
    counted(letter, 7)
    return {"older": older, "letter": letter, "newer": newer, "closed": closed, "ended": ended}


def test_the_home_page_lists_the_open_actions_newest_first_with_their_progress(client, actions):
    assert cards(client, "fr") == [
        ("Libérez Nasta Loika", "0 signature sur 1\xa0000", ("0", "1000")),
        ("Écrivez au ministre", "7 lettres envoyées sur 200", ("7", "200")),
        ("Libérez Ales Bialiatski", "120 signatures sur 500", ("120", "500")),
    ]


def test_a_newly_published_petition_appears_at_once_without_being_pinned(client, sections, actions):
    assert "Libérez Marfa Rabkova" not in [title for title, _p, _b in cards(client, "fr")]
    make_petition(sections["fr"].home, title="Libérez Marfa Rabkova", slug="rabkova", goal=300)
    assert cards(client, "fr")[0] == ("Libérez Marfa Rabkova", "0 signature sur 300", ("0", "300"))


def test_closed_ended_draft_and_other_sections_actions_are_not_listed(client, sections, actions):
    draft = PetitionPage(title="Brouillon", slug="brouillon", addressee_name="X", demand="Y", live=False)
    sections["fr"].home.add_child(instance=draft)
    make_petition(sections["ch"].home, title="Pétition suisse", slug="suisse")
    titles = [title for title, _p, _b in cards(client, "fr")]
    assert "Pétition close" not in titles
    assert "Pétition échue" not in titles
    assert "Brouillon" not in titles
    assert "Pétition suisse" not in titles
    assert [title for title, _p, _b in cards(client, "ch")] == ["Pétition suisse"]


def test_a_petition_that_closes_leaves_the_home_page(client, actions):
    newer = actions["newer"]
    newer.closed = True
    newer.save_revision().publish()
    assert "Libérez Nasta Loika" not in [title for title, _p, _b in cards(client, "fr")]


def test_pinned_actions_come_first_and_are_not_listed_twice(client, sections, actions):
    home = HomePage.objects.get(pk=sections["fr"].home.pk)
    home.body = [("featured_actions", {"heading": "À la une", "pages": [actions["older"]]})]
    home.save_revision().publish()
    response = client.get("/fr/", HTTP_HOST=HOSTS["fr"])
    sections_html = BeautifulSoup(response.content, "html.parser").select("section.featured-actions")
    assert [section.find("h2").get_text(strip=True) for section in sections_html] == ["À la une"]
    assert [title for title, _p, _b in cards(client, "fr")] == [
        "Libérez Ales Bialiatski",
        "Libérez Nasta Loika",
        "Écrivez au ministre",
    ]


def test_the_german_home_lists_the_german_actions_in_german(
    client, sections, django_capture_on_commit_callbacks
):
    petition = make_petition(sections["ch"].home, title="Libérez Maryia Kalesnikava", slug="kalesnikava")
    with django_capture_on_commit_callbacks(execute=True):
        translate(petition, "de", {"Libérez Maryia Kalesnikava": "Freiheit für Maryia Kalesnikava"})
    counted(petition, 3)
    assert cards(client, "ch", "/de/") == [
        ("Freiheit für Maryia Kalesnikava", "3 Unterschriften von 1.000", ("3", "1000"))
    ]
    # Italian has no translation of the petition: nothing in French on the Italian home page.
    assert cards(client, "ch", "/it/") == []


@override_settings(WAGTAILFRONTENDCACHE={"cdn": {"BACKEND": "tests.test_home_open_actions.RecordingBackend"}})
def test_publishing_a_petition_purges_its_home_page_from_the_frontend_cache(
    sections, django_capture_on_commit_callbacks
):
    PURGED.clear()
    with django_capture_on_commit_callbacks(execute=True):
        make_petition(sections["fr"].home, title="Libérez Marfa Rabkova", slug="rabkova")
    assert "http://fr.localhost:8000/fr/" in PURGED
