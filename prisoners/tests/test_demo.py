"""The demo content: five people, records in fr/de/it, profiles in every section and language."""

import pytest
from wagtail.models import Locale

from prisoners import demo
from prisoners.models import PrisonerIndexPage, PrisonerPage, PrisonerRecord

pytestmark = pytest.mark.django_db


def test_demo_builds_profiles_in_every_section_and_language(
    client, sections, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        demo.load(sections)
    with django_capture_on_commit_callbacks(execute=True):
        demo.load(sections)  # idempotent: a second run creates nothing new

    assert PrisonerRecord.objects.count() == 15  # five people in fr, de, it
    german = Locale.objects.get(language_code="de")
    assert PrisonerRecord.objects.get(locale=german, full_name="Ales Bialiatski").country == "Belarus"
    for code, section in sections.items():
        for language, home in section.homes.items():
            index = PrisonerIndexPage.objects.child_of(home).get()
            assert PrisonerPage.objects.child_of(index).live().count() == 5
            response = client.get(index.url, HTTP_HOST=f"{section.site.hostname}:8000")
            assert response.status_code == 200, (code, language)
            assert response.content.decode().count('class="card prisoner-card"') == 5

    # Statkevich's Italian profile in the Swiss section shows the Italian record and its banner.
    italian = Locale.objects.get(language_code="it")
    page = PrisonerPage.objects.get(locale=italian, slug="mikalai-statkevich")
    html = client.get(page.url, HTTP_HOST="ch.localhost:8000").content.decode()
    assert "Politico dell&#x27;opposizione" in html
    assert "1º settembre 2025" in html
    assert 'data-status="disappeared"' in html
    # Marfa Rabkova has no portrait: a placeholder block, no broken image.
    rabkova = PrisonerPage.objects.filter(slug="marfa-rabkova").first()
    html = client.get(rabkova.url, HTTP_HOST="fr.localhost:8000").content.decode()
    assert "prisoner-portrait--missing" in html
    assert "<img" not in html.split("<main")[1].split("</main>")[0]
