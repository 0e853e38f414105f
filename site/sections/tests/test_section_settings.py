"""Section settings reach the templates: nothing section-specific is hard-coded."""

import datetime

import pytest

from home.models import NewsIndexPage, NewsPage, StandardPage
from sections.models import SectionTexts

pytestmark = pytest.mark.django_db


def html(client, host, path):
    response = client.get(path, HTTP_HOST=host)
    assert response.status_code == 200
    return response.content.decode()


def test_footer_shows_each_sections_own_contact_details(client, sections):
    france = html(client, "fr.localhost:8000", "/fr/")
    togo = html(client, "tg.localhost:8000", "/fr/")
    assert "Association Plaidoyer France" in france
    assert "info@fr.localhost" in france and "info@tg.localhost" not in france
    assert "Association Plaidoyer Togo" in togo and "Lomé" in togo


def test_privacy_page_link_follows_the_setting_and_the_language(client, sections):
    ch = sections["ch"]
    privacy = StandardPage(title="Politique de confidentialité", slug="confidentialite")
    ch.home.add_child(instance=privacy)
    ch.settings.privacy_page = privacy
    ch.settings.save()
    page = html(client, "ch.localhost:8000", "/fr/")
    assert '<a href="/fr/confidentialite/">' in page


def test_changing_a_setting_changes_the_site(client, sections):
    texts = SectionTexts.objects.get(site=sections["tg"].site)
    texts.name = "Section togolaise"
    texts.save()
    settings = sections["tg"].settings
    settings.accent_colour = "#00a651"
    settings.contact_email = "contact@tg.localhost"
    settings.save()
    page = html(client, "tg.localhost:8000", "/fr/")
    assert "Section togolaise" in page and "contact@tg.localhost" in page
    css = client.get("/section.css", HTTP_HOST="tg.localhost:8000").content.decode()
    assert "--accent: #00a651" in css


def test_press_release_shows_the_sections_press_contact(client, sections):
    france = sections["fr"]
    index = NewsIndexPage(title="Actualités", slug="actualites")
    france.home.add_child(instance=index)
    index.add_child(
        instance=NewsPage(title="Bélarus", slug="belarus", date=datetime.date(2025, 9, 1), kind="press")
    )
    page = html(client, "fr.localhost:8000", "/fr/actualites/belarus/")
    assert "+33 1 53 38 66 00" in page and "+33 6 76 94 37 05" in page


def test_each_section_has_its_own_currency(sections):
    assert {code: s.settings.currency for code, s in sections.items()} == {
        "ch": "CHF",
        "fr": "EUR",
        "tg": "XOF",
    }
