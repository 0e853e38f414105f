"""A record translated through wagtail-localize is shown in the language of each section's page."""

import datetime

import pytest
from django.urls import reverse
from wagtail.models import Locale

from prisoners.models import PrisonerRecord, PrisonerTimelineEntry

from .conftest import get, make_index, make_profile, profiles_everywhere, translate_now

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(kalesnikava):
    PrisonerTimelineEntry.objects.create(
        record=kalesnikava,
        locale=kalesnikava.locale,
        date=datetime.date(2020, 9, 7),
        text="Arrêtée après avoir déchiré son passeport à la frontière.",
    )
    return kalesnikava


def test_translated_record_is_shown_on_the_translated_page(
    client, sections, record, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    translate_now(
        capture,
        record,
        "de",
        {
            "Musicienne": "Musikerin",
            "Bélarus": "Belarus",
            "11 ans d'emprisonnement": "11 Jahre Haft",
            "Arrêtée après avoir déchiré son passeport à la frontière.": "Verhaftet, nachdem sie an der Grenze ihren Pass zerrissen hatte.",
        },
    )
    german = PrisonerRecord.objects.get(translation_key=record.translation_key, locale__language_code="de")
    assert german.occupation == "Musikerin"
    assert german.timeline.get().text.startswith("Verhaftet")

    pages = profiles_everywhere(sections, record, capture)
    # The translated page points at the translated record (wagtail-localize maps the foreign key).
    assert pages[("ch", "de")].record == german

    html = get(client, pages[("ch", "de")]).content.decode()
    assert "Musikerin" in html
    assert "11 Jahre Haft" in html
    assert "Verhaftet, nachdem sie an der Grenze ihren Pass zerrissen hatte." in html
    assert "Musicienne" not in html

    html = get(client, pages[("ch", "fr")]).content.decode()
    assert "Musicienne" in html and "Musikerin" not in html
    assert "Maria Kolesnikova, Марыя Калеснікава, Мария Колесникова" in html  # the other spellings
    assert "Arrêtée après avoir déchiré son passeport" in html


def test_page_in_a_language_without_a_translated_record_falls_back_to_the_source(
    client, sections, record, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    home_it = sections["ch"].homes["it"]
    # An Italian page created by hand, pointing at the French record: no Italian record exists.
    with capture(execute=True):
        index = make_index(home_it, title="Prigionieri", slug="prigionieri")
        page = make_profile(index, record)
    html = get(client, page).content.decode()
    assert "Musicienne" in html
    assert "Maryia Kalesnikava" in html

    # Once translators translate the record, the same page shows the Italian text on the next request.
    translate_now(capture, record, "it", {"Musicienne": "Musicista"})
    html = get(client, page).content.decode()
    assert "Musicista" in html and "Musicienne" not in html


def test_translators_reach_the_record_through_the_translate_action(admin_client, sections, record):
    edit_url = reverse("wagtailsnippets_prisoners_prisonerrecord:edit", args=[record.pk])
    submit_url = reverse(
        "wagtail_localize:submit_snippet_translation", args=["prisoners", "prisonerrecord", record.pk]
    )
    listing = admin_client.get(reverse("wagtailsnippets_prisoners_prisonerrecord:list"))
    assert listing.status_code == 200
    assert submit_url in listing.content.decode()
    assert admin_client.get(edit_url).status_code == 200

    form = admin_client.get(submit_url)
    assert form.status_code == 200
    german = Locale.objects.get(language_code="de")
    response = admin_client.post(submit_url, {"locales": [german.pk]})
    assert response.status_code == 302
    translated = PrisonerRecord.objects.get(translation_key=record.translation_key, locale=german)
    # The translation editor opens for the new German record.
    editor = admin_client.get(reverse("wagtailsnippets_prisoners_prisonerrecord:edit", args=[translated.pk]))
    assert editor.status_code == 200
    assert "Musicienne" in editor.content.decode()


def test_themes_chosen_in_the_admin_reach_every_translation(
    client, admin_client, sections, record, django_capture_on_commit_callbacks
):
    from prisoners.models import Theme

    from .test_status_change import edit_form

    capture = django_capture_on_commit_callbacks
    french = Locale.objects.get(language_code="fr")
    opposition = Theme.objects.create(name="Opposition politique", slug="opposition", locale=french)
    translate_now(capture, opposition, "de", {"Opposition politique": "Politische Opposition"})
    translate_now(capture, record, "de", {"Musicienne": "Musikerin"})
    pages = profiles_everywhere(sections, record, capture)

    url = reverse("wagtailsnippets_prisoners_prisonerrecord:edit", args=[record.pk])
    response = admin_client.post(url, edit_form(record, themes=[opposition.pk]))
    assert response.status_code == 302

    german = PrisonerRecord.objects.get(translation_key=record.translation_key, locale__language_code="de")
    assert list(german.themes.all()) == [opposition]
    assert "<li>Politische Opposition</li>" in get(client, pages[("ch", "de")]).content.decode()
    assert "<li>Opposition politique</li>" in get(client, pages[("fr", "fr")]).content.decode()
