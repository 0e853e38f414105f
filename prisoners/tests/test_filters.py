"""The index's filters (country, status, theme) and its count of people currently detained."""

import pytest
from wagtail.models import Locale

from prisoners.models import PrisonerStatus, Theme

from .conftest import get, make_index, make_profile, make_record, translate_now

pytestmark = pytest.mark.django_db


@pytest.fixture
def index(sections, django_capture_on_commit_callbacks):
    french = Locale.objects.get(language_code="fr")
    defenders = Theme.objects.create(
        name="Défenseur·e·s des droits humains", slug="defenseurs", locale=french
    )
    opposition = Theme.objects.create(name="Opposition politique", slug="opposition", locale=french)
    people = [
        ("Maryia Kalesnikava", "Bélarus", PrisonerStatus.DETAINED, [opposition]),
        ("Ales Bialiatski", "Bélarus", PrisonerStatus.DETAINED, [defenders]),
        ("Nasta Loika", "Bélarus", PrisonerStatus.DETAINED, [defenders]),
        ("Mikalai Statkevich", "Bélarus", PrisonerStatus.DISAPPEARED, [opposition]),
        ("Germain Rukuki", "Burundi", PrisonerStatus.RELEASED, [defenders]),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        index = make_index(sections["fr"].home)
        for name, country, status, themes in people:
            record = make_record(full_name=name, country=country, status=status)
            record.themes.set(themes)
            record.save()
            make_profile(index, record)
    return index


def listed(response):
    assert response.status_code == 200
    html = response.content.decode()
    return [
        card.split("</a>")[0].rsplit(">", 1)[1] for card in html.split('class="prisoner-card__name"><a')[1:]
    ]


def test_without_filters_everyone_is_listed_with_the_detained_count(client, index):
    response = get(client, index)
    assert listed(response) == [
        "Ales Bialiatski",
        "Germain Rukuki",
        "Maryia Kalesnikava",
        "Mikalai Statkevich",
        "Nasta Loika",
    ]
    assert 'class="detained-count" data-count="3"' in response.content.decode()


@pytest.mark.parametrize(
    ("params", "names"),
    [
        ({"status": "detained"}, ["Ales Bialiatski", "Maryia Kalesnikava", "Nasta Loika"]),
        ({"status": "released"}, ["Germain Rukuki"]),
        ({"status": "deceased"}, []),
        ({"country": "Burundi"}, ["Germain Rukuki"]),
        (
            {"country": "bélarus"},
            ["Ales Bialiatski", "Maryia Kalesnikava", "Mikalai Statkevich", "Nasta Loika"],
        ),
        ({"theme": "opposition"}, ["Maryia Kalesnikava", "Mikalai Statkevich"]),
        ({"theme": "defenseurs", "status": "detained"}, ["Ales Bialiatski", "Nasta Loika"]),
        ({"theme": "defenseurs", "country": "Burundi", "status": "released"}, ["Germain Rukuki"]),
    ],
)
def test_filters(client, index, params, names):
    response = get(client, index, **params)
    assert listed(response) == names
    html = response.content.decode()
    # The count of people detained is the section's, whatever the filters.
    assert 'class="detained-count" data-count="3"' in html
    assert f'class="meta prisoner-results__count" role="status" data-count="{len(names)}"' in html


def test_the_filter_form_offers_the_sections_values_and_keeps_the_choice(client, index):
    html = get(client, index, country="Burundi", theme="defenseurs").content.decode()
    assert '<option value="Burundi" selected>Burundi</option>' in html
    assert '<option value="Bélarus">Bélarus</option>' in html
    assert '<option value="defenseurs" selected>Défenseur·e·s des droits humains</option>' in html
    assert '<option value="detained">' in html


def test_count_follows_a_status_change(client, index):
    from prisoners.models import PrisonerRecord

    record = PrisonerRecord.objects.get(full_name="Nasta Loika")
    record.status = PrisonerStatus.RELEASED
    record.save()
    assert 'class="detained-count" data-count="2"' in get(client, index).content.decode()


def test_theme_names_are_shown_in_the_pages_language(
    client, sections, index, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    opposition = Theme.objects.get(slug="opposition")
    translate_now(capture, opposition, "de", {"Opposition politique": "Politische Opposition"})
    with capture(execute=True):
        german_index = make_index(sections["ch"].homes["de"], title="Gefangene", slug="gefangene")
        from prisoners.models import PrisonerRecord

        make_profile(german_index, PrisonerRecord.objects.get(full_name="Maryia Kalesnikava"))
    html = get(client, german_index, theme="opposition").content.decode()
    assert '<option value="opposition" selected>Politische Opposition</option>' in html
    assert listed(get(client, german_index, theme="opposition")) == ["Maryia Kalesnikava"]


def test_pages_of_results_keep_the_filters(client, index, monkeypatch):
    from prisoners import listing

    monkeypatch.setattr(listing, "PER_PAGE", 2)
    response = get(client, index, country="Bélarus")
    assert listed(response) == ["Ales Bialiatski", "Maryia Kalesnikava"]
    html = response.content.decode()
    assert 'href="?country=B%C3%A9larus&amp;page=2" rel="next"' in html
    assert listed(get(client, index, country="Bélarus", page="2")) == ["Mikalai Statkevich", "Nasta Loika"]
