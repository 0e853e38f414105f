"""PostgreSQL cannot be reached: a visitor gets a "try again" page in their language with what they typed, and
sending it again counts once.

The database is really out of reach here: the request's connection goes to a port where nothing listens
(as when PostgreSQL is stopped). A connection dropped in the middle of a request, by a restart, is
tested under gunicorn with a PostgreSQL of its own (tests/test_postgres_restart.py).
"""

import socket
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test import Client
from django.utils.translation import gettext, override

from petitions.models import Signature, SignatureState
from petitions.signatures import confirmation_url
from petitions.tests.conftest import form_data, make_petition, sign_path
from sections.translation import translate
from supporters.models import ActionCount, ConsentRecord
from supporters.tests.helpers import solution

CH = "ch.localhost:8000"


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class DatabaseAway:
    """While inside the block, every new connection of the request goes to a port where nothing listens."""

    def __init__(self, monkeypatch):
        self.monkeypatch = monkeypatch

    def __enter__(self):
        connection.close()
        self.monkeypatch.setitem(connection.settings_dict, "HOST", "127.0.0.1")
        self.monkeypatch.setitem(connection.settings_dict, "PORT", closed_port())

    def __exit__(self, *exc):
        connection.close()
        self.monkeypatch.undo()


@pytest.fixture
def german_petition(sections, django_capture_on_commit_callbacks):
    petition = make_petition(sections["ch"].home, slug="kalesnikava", title="Libérez Maryia Kalesnikava")
    with django_capture_on_commit_callbacks(execute=True):
        return translate(petition, "de", {"Libérez Maryia Kalesnikava": "Freiheit für Maryia Kalesnikava"})


@pytest.mark.django_db(transaction=True)
def test_a_signature_sent_while_the_database_is_down_gets_a_german_try_again_page_and_sent_again_counts_once(
    german_petition, sections, monkeypatch
):
    sections["ch"].settings.double_opt_in = False  # counted at once, as the bench's petition
    sections["ch"].settings.save()
    visitor = Client(raise_request_exception=False)
    data = form_data(
        german_petition,
        sections["ch"].settings,
        first_name="Lena",
        last_name="Käser",
        email="lena@example.org",
        captcha=solution(CH, visitor),
    )
    with DatabaseAway(monkeypatch):
        refused = visitor.post(sign_path(german_petition), data, HTTP_HOST=CH)

    assert refused.status_code == 503
    assert refused["Retry-After"] == "10"
    page = BeautifulSoup(refused.content, "html.parser")
    assert page.html["lang"] == "de"
    with override("de"):
        assert page.h1.get_text(strip=True) == gettext("Please try again")
        assert page.button.get_text(strip=True) == gettext("Send again")
    again = page.form
    assert again["action"] == sign_path(german_petition)
    kept = {field["name"]: field["value"] for field in again.find_all("input")}
    assert (kept["first_name"], kept["last_name"], kept["email"]) == ("Lena", "Käser", "lena@example.org")
    assert Signature.objects.count() == 0

    # The database is back: the visitor sends the page's form, then (a double click) once more.
    first = visitor.post(again["action"], kept, HTTP_HOST=CH)
    second = visitor.post(again["action"], kept, HTTP_HOST=CH)
    assert (first.status_code, second.status_code) == (303, 303)
    assert first["Location"] == second["Location"]
    assert Signature.objects.count() == 1
    assert ActionCount.total_for(german_petition.translation_key) == 1
    signature = Signature.objects.get()
    assert ConsentRecord.objects.filter(action=f"petitions.signature:{signature.pk}").count() >= 1


@pytest.mark.django_db(transaction=True)
def test_a_page_read_while_the_database_is_down_asks_to_reload_in_italian_and_the_next_request_reconnects(
    sections, monkeypatch
):
    visitor = Client(raise_request_exception=False)
    with DatabaseAway(monkeypatch):
        refused = visitor.get("/it/", HTTP_HOST=CH)
    assert refused.status_code == 503
    page = BeautifulSoup(refused.content, "html.parser")
    assert page.html["lang"] == "it"
    with override("it"):
        assert page.h1.get_text(strip=True) == gettext("Please try again")
    assert page.form is None
    assert visitor.get("/it/", HTTP_HOST=CH).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_any_other_server_error_is_still_the_plain_500_page(sections, monkeypatch):
    from home import models as home_models

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(home_models.HomePage, "get_context", broken)
    response = Client(raise_request_exception=False).get("/fr/", HTTP_HOST=CH)
    assert response.status_code == 500
    assert "Une erreur est survenue." in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_confirmation_clicked_while_the_database_is_down_can_be_sent_again_and_confirms_and_counts_once(
    german_petition, sections, monkeypatch, django_capture_on_commit_callbacks
):
    visitor = Client(raise_request_exception=False)
    data = form_data(german_petition, sections["ch"].settings, captcha=solution(CH, visitor))
    with django_capture_on_commit_callbacks(execute=True):
        assert visitor.post(sign_path(german_petition), data, HTTP_HOST=CH).status_code == 303
    signature = Signature.objects.get()
    path = urlsplit(confirmation_url(signature)).path

    with DatabaseAway(monkeypatch):
        refused = visitor.post(path, HTTP_HOST=CH)
    assert refused.status_code == 503
    again = BeautifulSoup(refused.content, "html.parser").form
    assert again["action"] == path

    # Sent again once the database is back, then the link replayed (a second click, a mail scanner).
    for _click in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            assert visitor.post(again["action"], HTTP_HOST=CH).status_code == 200
    signature.refresh_from_db()
    assert signature.state == SignatureState.CONFIRMED
    assert ActionCount.total_for(german_petition.translation_key) == 1
