"""Demo petitions: the seeds' campaigns in their sections and languages, loaded twice without duplicates."""

import pytest

from petitions import demo
from petitions.models import PetitionPage, Signature
from supporters.models import ActionCount, ActionCountAdjustment

from .conftest import page_path, text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(sections, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        demo.load(sections)
    with django_capture_on_commit_callbacks(execute=True):
        demo.load(sections)
    return sections


def test_loading_twice_creates_nothing_twice(loaded):
    assert PetitionPage.objects.filter(locale__language_code="fr").count() == 4
    assert PetitionPage.objects.count() == 8  # two Swiss petitions in fr, de and it
    assert Signature.objects.count() == 11
    assert ActionCountAdjustment.objects.count() == 1


def test_the_ended_swiss_campaign_shows_its_thousand_signatures_in_every_language(client, loaded):
    original = PetitionPage.objects.get(slug="liberte-maria-kolesnikova")
    assert ActionCount.total_for(original.translation_key) == 1000
    for language, title in [
        ("fr", "Liberté pour Maria Kolesnikova et tous les prisonniers politiques en Biélorussie"),
        ("de", "Freiheit für Maria Kolesnikova und alle politischen Gefangenen in Belarus"),
        ("it", "Libertà per Maria Kolesnikova e per tutti i prigionieri politici in Bielorussia"),
    ]:
        page = PetitionPage.objects.get(
            translation_key=original.translation_key, locale__language_code=language
        )
        response = client.get(page_path(page), HTTP_HOST="ch.localhost:8000")
        assert response.status_code == 200
        assert title in text_of(response)
        if language == "de":
            assert "über 40 000 politisch motivierte Verhaftungen" in text_of(response)
        assert 'value="1000"' in response.content.decode()
        assert 'name="consent"' not in response.content.decode()


def test_the_french_petition_names_four_prisoners_and_is_open(client, loaded):
    page = PetitionPage.objects.get(slug="liberte-dissidents-belarussiens")
    response = client.get(page_path(page), HTTP_HOST="fr.localhost:8000")
    text = text_of(response)
    for name in ("Maryia Kalesnikava", "Ales Bialiatski", "Nasta Loika", "Marfa Rabkova"):
        assert name in text
    assert 'name="consent"' in response.content.decode()
    assert 'value="4"' in response.content.decode()


def test_the_togolese_petition_is_addressed_to_the_minister(client, loaded):
    page = PetitionPage.objects.get(slug="maryia-kalesnikava")
    text = text_of(client.get(page_path(page), HTTP_HOST="tg.localhost:8000"))
    assert "vul. Lenina 19" in text and "220030 Minsk" in text
