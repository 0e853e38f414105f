"""The demo letter actions: seed 002 in Switzerland (fr/de/it, Russian and English versions) and one in France."""

import pytest

from petitions.letters import demo
from petitions.letters.models import LetterActionPage

from .helpers import CH, FR, generate, page_url, pdf_from_response, pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(sections, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        demo.load(sections)
    with django_capture_on_commit_callbacks(execute=True):
        demo.load(sections)  # a second run updates, never duplicates
    return sections


def test_swiss_action_exists_in_three_languages_once(loaded):
    pages = LetterActionPage.objects.filter(
        slug__in=["lettre-maryia-kalesnikava", "brief-maryia-kalesnikava", "lettera-maryia-kalesnikava"]
    )
    assert sorted(pages.values_list("locale__language_code", flat=True)) == ["de", "fr", "it"]
    assert len({page.translation_key for page in pages}) == 1
    assert all(page.live for page in pages)
    assert LetterActionPage.objects.filter(slug="lettre-ales-bialiatski").count() == 1


def test_german_page_shows_german_letter_and_offers_russian_and_english(client, loaded):
    page = LetterActionPage.objects.get(locale__language_code="de", slug="brief-maryia-kalesnikava")
    content = client.get(page_url(page), HTTP_HOST=CH).content.decode()
    assert "Sehr geehrter Herr Minister" in content
    assert "Ministerium für auswärtige Angelegenheiten der Republik Belarus" in content
    assert '<option value="ru">Русский</option>' in content
    assert '<option value="en">English</option>' in content
    assert len(page.letter_texts["de"].paragraphs) == 3  # line breaks survive translation
    assert page.letter_texts["de"].address_lines[-1] == "REPUBLIK BELARUS"


def test_demo_letter_in_russian_prints_the_seed_address(client, loaded):
    page = LetterActionPage.objects.get(locale__language_code="fr", slug="lettre-maryia-kalesnikava")
    text = pdf_text(pdf_from_response(generate(client, page, language="ru")))
    assert "Марии Колесниковой" in text
    assert "ул. Ленина, 19" in text


def test_french_section_action_is_served_on_its_own_host(client, loaded):
    page = LetterActionPage.objects.get(slug="lettre-ales-bialiatski")
    response = client.get(page_url(page), HTTP_HOST=FR)
    assert response.status_code == 200
    assert "Ales Bialiatski" in response.content.decode()
    assert client.get(page_url(page), HTTP_HOST=CH).status_code == 404
