"""The records admin that editors and translators use: list, search by any spelling, filters."""

import pytest
from django.urls import reverse

from prisoners.models import PrisonerStatus

from .conftest import make_record

pytestmark = pytest.mark.django_db

LIST = "wagtailsnippets_prisoners_prisonerrecord:list"


@pytest.fixture
def records(sections):
    return [
        make_record(full_name="Maryia Kalesnikava", other_spellings="Мария Колесникова"),
        make_record(full_name="Ales Bialiatski"),
        make_record(full_name="Germain Rukuki", country="Burundi", status=PrisonerStatus.RELEASED),
    ]


def names(response):
    assert response.status_code == 200
    html = response.content.decode()
    return sorted(
        name for name in ("Maryia Kalesnikava", "Ales Bialiatski", "Germain Rukuki") if name in html
    )


def test_records_list_search_and_filters(admin_client, records):
    url = reverse(LIST)
    assert names(admin_client.get(url)) == ["Ales Bialiatski", "Germain Rukuki", "Maryia Kalesnikava"]
    assert names(admin_client.get(url, {"status": "released"})) == ["Germain Rukuki"]
    assert names(admin_client.get(url, {"country__icontains": "bélar"})) == [
        "Ales Bialiatski",
        "Maryia Kalesnikava",
    ]
    # Editors find a record by a spelling in another script, like visitors do.
    assert names(admin_client.get(url, {"q": "Колесникова"})) == ["Maryia Kalesnikava"]
    assert names(admin_client.get(url, {"q": "Rukuki", "status": "released"})) == ["Germain Rukuki"]
    assert names(admin_client.get(url, {"q": "Rukuki", "status": "detained"})) == []


def test_a_record_shown_on_a_profile_cannot_be_deleted(
    admin_client, sections, records, django_capture_on_commit_callbacks
):
    from prisoners.models import PrisonerRecord

    from .conftest import make_index, make_profile

    kalesnikava = records[0]
    with django_capture_on_commit_callbacks(execute=True):
        make_profile(make_index(sections["fr"].home), kalesnikava)
    url = reverse("wagtailsnippets_prisoners_prisonerrecord:delete", args=[kalesnikava.pk])
    response = admin_client.get(url)
    assert response.status_code == 200
    assert response.context["is_protected"]
    assert admin_client.post(url).status_code == 302  # refused: Wagtail sends the editor back with a message
    assert PrisonerRecord.objects.filter(pk=kalesnikava.pk).exists()
