"""A private page (and everything under it, and its aliases) stays private, checked without a query for public pages."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from home.models import StandardPage

pytestmark = pytest.mark.django_db

HOST = "fr.localhost:8000"


def add(parent, title, slug):
    page = StandardPage(title=title, slug=slug, locale=parent.locale)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


@pytest.fixture
def pages(sections):
    home = sections["fr"].home
    board = add(home, "Bureau", "bureau")
    minutes = add(board, "Procès-verbaux", "proces-verbaux")
    public = add(home, "À propos", "a-propos")
    return {"home": home, "board": board, "minutes": minutes, "public": public}


def asks_for_a_password(response):
    return response.status_code == 200 and b'name="password"' in response.content


def test_a_restricted_page_and_the_pages_under_it_ask_for_the_password(client, pages):
    PageViewRestriction.objects.create(page=pages["board"], restriction_type="password", password="secret")
    assert asks_for_a_password(client.get("/fr/bureau/", HTTP_HOST=HOST))
    assert asks_for_a_password(client.get("/fr/bureau/proces-verbaux/", HTTP_HOST=HOST))
    response = client.get("/fr/a-propos/", HTTP_HOST=HOST)
    assert response.status_code == 200 and not asks_for_a_password(response)


def test_a_restriction_lifted_by_an_editor_shows_at_the_next_request(client, pages):
    restriction = PageViewRestriction.objects.create(
        page=pages["board"], restriction_type="password", password="secret"
    )
    assert asks_for_a_password(client.get("/fr/bureau/proces-verbaux/", HTTP_HOST=HOST))
    restriction.delete()
    response = client.get("/fr/bureau/proces-verbaux/", HTTP_HOST=HOST)
    assert response.status_code == 200 and not asks_for_a_password(response)
    PageViewRestriction.objects.create(page=pages["minutes"], restriction_type="password", password="secret")
    assert asks_for_a_password(client.get("/fr/bureau/proces-verbaux/", HTTP_HOST=HOST))


def test_an_alias_of_a_restricted_page_is_restricted_too(client, pages):
    PageViewRestriction.objects.create(page=pages["minutes"], restriction_type="password", password="secret")
    pages["minutes"].create_alias(parent=pages["home"], update_slug="archives")
    assert asks_for_a_password(client.get("/fr/archives/", HTTP_HOST=HOST))


def test_a_public_page_reads_no_restriction_from_the_database(client, pages):
    PageViewRestriction.objects.create(page=pages["board"], restriction_type="password", password="secret")
    client.get("/fr/a-propos/", HTTP_HOST=HOST)
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/fr/a-propos/", HTTP_HOST=HOST).status_code == 200
    assert not [query for query in captured.captured_queries if "pageviewrestriction" in query["sql"]]
