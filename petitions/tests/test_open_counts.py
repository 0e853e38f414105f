"""A petition's count is public JSON at `<petition URL>counts/`: the number its page shows, and nothing personal."""

import re

import pytest
from django.core import mail
from django.test import override_settings

from supporters.models import ActionCount

from .conftest import host_of, make_petition, page_path, signatures_text, text_of

pytestmark = pytest.mark.django_db


def counts(client, petition, **headers):
    response = client.get(page_path(petition) + "counts/", HTTP_HOST=host_of(petition), **headers)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response


def confirm_by_email(client, petition):
    path = re.search(r"https?://[^/\s]+(/\S+/petitions/confirm/\S+/)", mail.outbox[-1].body).group(1)
    assert client.post(path, HTTP_HOST=host_of(petition)).status_code == 200


def test_the_json_count_is_the_count_the_page_shows_once_signatures_are_confirmed(client, petition, sign):
    sign(petition, first_name="Anna", last_name="Muster", email="anna@example.org")
    assert counts(client, petition).json()["count"] == 0  # not confirmed yet, as on the page
    confirm_by_email(client, petition)
    # Paper signatures gathered at a stand count on the page and in the JSON alike.
    ActionCount.objects.filter(key=petition.translation_key).update(offset=1200)
    data = counts(client, petition).json()
    assert data["count"] == 1201
    page = client.get(page_path(petition), HTTP_HOST=host_of(petition))
    assert signatures_text(data["count"]) in text_of(page)
    assert data == {
        "type": "petition",
        "title": petition.title,
        "url": f"http://fr.localhost:8000{page_path(petition)}",
        "count": 1201,
        "goal": 1000,
        "state": "open",
        "opens_at": None,
        "closes_at": None,
    }


def test_any_site_may_read_it_and_it_names_nobody(client, petition, sign):
    sign(petition, first_name="Anna", last_name="Muster", email="anna@example.org")
    confirm_by_email(client, petition)
    response = counts(client, petition, HTTP_ORIGIN="https://partner.example.org")
    assert response["Access-Control-Allow-Origin"] == "*"
    body = response.content.decode()
    for personal in ("Anna", "Muster", "anna@example.org", "75019"):
        assert personal not in body


def test_the_petition_page_links_to_its_counts(client, petition):
    page = client.get(page_path(petition), HTTP_HOST=host_of(petition)).content.decode()
    assert f'<link rel="alternate" type="application/json" href="{page_path(petition)}counts/">' in page


def test_a_closed_petition_says_so_and_keeps_its_count(client, sections):
    petition = make_petition(sections["ch"].home, slug="close", closed=True)
    ActionCount.objects.create(key=petition.translation_key, count=12)
    data = counts(client, petition).json()
    assert (data["state"], data["count"]) == ("closed", 12)


def test_only_a_live_petition_has_counts_and_nobody_can_post_to_them(client, petition, sections):
    draft = make_petition(sections["fr"].home, slug="brouillon")
    draft.unpublish()
    host = host_of(petition)
    assert client.get(page_path(draft) + "counts/", HTTP_HOST=host).status_code == 404
    assert client.get("/fr/nothing-here/counts/", HTTP_HOST=host).status_code == 404
    response = client.post(page_path(petition) + "counts/", HTTP_HOST=host)
    assert response.status_code == 405


@override_settings(PAGE_CACHE_SECONDS=5)
def test_the_counts_are_kept_briefly_as_a_cached_page_is(client, petition):
    ActionCount.objects.create(key=petition.translation_key, count=3)
    first = counts(client, petition)
    assert first["Cache-Control"] == "public, max-age=5"
    ActionCount.objects.filter(key=petition.translation_key).update(count=4)
    assert counts(client, petition).json()["count"] == 3
