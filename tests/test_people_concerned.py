"""The people a petition or a letter action concerns link to their profiles, in the page's own section
and language."""

import pytest
from bs4 import BeautifulSoup

from petitions.letters.tests.helpers import make_action
from petitions.tests.conftest import make_petition
from prisoners.tests.conftest import make_index, make_profile, make_record, translate_now

pytestmark = pytest.mark.django_db

HOSTS = {"ch": "ch.localhost:8000", "fr": "fr.localhost:8000"}


def people(client, code, url):
    """[(name, href or None)] of the page's "people concerned" list."""
    response = client.get(url, HTTP_HOST=HOSTS[code])
    assert response.status_code == 200
    section = BeautifulSoup(response.content, "html.parser").find("section", class_="people-concerned")
    found = []
    for item in section.find_all("li"):
        link = item.find("a")
        found.append((link.get_text(strip=True), link["href"]) if link else (item.get_text(strip=True), None))
    return found


def concerning(page, *records):
    page.prisoners = list(records)
    page.save_revision().publish()
    return page


@pytest.fixture
def records(sections, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    kalesnikava = make_record(full_name="Maryia Kalesnikava")
    loika = make_record(full_name="Nasta Loika")  # a record without a profile in these sections
    ch_index = make_index(sections["ch"].home)
    profile = make_profile(ch_index, kalesnikava)
    translate_now(capture, ch_index, "de", {"Prisonniers": "Gefangene", "prisonniers": "gefangene"})
    translate_now(capture, profile, "de")
    make_profile(make_index(sections["fr"].home), kalesnikava)
    return {"kalesnikava": kalesnikava, "loika": loika}


def test_a_petitions_people_link_to_their_profiles_in_its_language(
    client, sections, records, django_capture_on_commit_callbacks
):
    petition = concerning(
        make_petition(sections["ch"].home, slug="kalesnikava"), records["kalesnikava"], records["loika"]
    )
    assert people(client, "ch", "/fr/kalesnikava/") == [
        ("Maryia Kalesnikava", "/fr/prisonniers/maryia-kalesnikava/"),
        ("Nasta Loika", None),
    ]
    translate_now(django_capture_on_commit_callbacks, petition, "de")
    assert people(client, "ch", "/de/kalesnikava/")[0] == (
        "Maryia Kalesnikava",
        "/de/gefangene/maryia-kalesnikava/",
    )


def test_a_petition_links_to_its_own_sections_profile(client, sections, records):
    concerning(make_petition(sections["fr"].home, slug="kalesnikava"), records["kalesnikava"])
    assert people(client, "fr", "/fr/kalesnikava/") == [
        ("Maryia Kalesnikava", "/fr/prisonniers/maryia-kalesnikava/")
    ]


def test_a_letter_actions_people_link_to_their_profiles(client, sections, records):
    concerning(make_action(sections["ch"].home, slug="ecrire-maryia"), records["kalesnikava"])
    assert people(client, "ch", "/fr/ecrire-maryia/") == [
        ("Maryia Kalesnikava", "/fr/prisonniers/maryia-kalesnikava/")
    ]
