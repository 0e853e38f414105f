"""Repeated failed sign-ins lock the account and the address (django-axes); a superuser unlocks them."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("lockouts_on", "sections")]

LOGIN = "/admin/login/"


@pytest.fixture
def lockouts_on(settings):
    """The test settings turn django-axes off for Django's test client, which signs in without a request."""
    settings.AXES_ENABLED = True


@pytest.fixture
def staff():
    users = get_user_model().objects
    return {
        "anna": users.create_user("anna", password="right-password", is_staff=True, is_superuser=True),
        "ueli": users.create_user("ueli", password="ueli-password", is_staff=True, is_superuser=True),
    }


def sign_in(username, password, address="198.51.100.7"):
    client = Client(REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE="fr")
    response = client.post(LOGIN, {"username": username, "password": password, "next": "/admin/"})
    return client, response


def signed_in(client):
    return client.get("/admin/").status_code == 200


def test_thirty_wrong_passwords_then_the_right_one_does_not_get_in(staff):
    for _ in range(30):
        _client, response = sign_in("anna", "guess")
    client, response = sign_in("anna", "right-password")
    assert response.status_code == 429
    assert "Connexion bloquée" in response.content.decode()
    assert not signed_in(client)


def test_a_locked_account_stays_locked_from_another_address(staff):
    for _ in range(5):
        sign_in("anna", "guess", address="198.51.100.7")
    client, response = sign_in("anna", "right-password", address="203.0.113.9")
    assert response.status_code == 429
    assert not signed_in(client)


def test_a_locked_address_cannot_try_other_accounts(staff):
    for number in range(5):
        sign_in(f"nobody{number}", "guess", address="198.51.100.7")
    client, response = sign_in("ueli", "ueli-password", address="198.51.100.7")
    assert response.status_code == 429
    client, response = sign_in("ueli", "ueli-password", address="203.0.113.9")
    assert response.status_code == 302 and signed_in(client)


def test_four_failures_then_the_right_password_signs_in(staff):
    for _ in range(4):
        sign_in("anna", "guess")
    client, response = sign_in("anna", "right-password")
    assert response.status_code == 302 and signed_in(client)


def test_a_superuser_unlocks_a_locked_sign_in(staff):
    for _ in range(5):
        sign_in("anna", "guess")
    admin = Client()
    admin.force_login(staff["ueli"])
    page = admin.get(reverse("sections_locked_sign_ins"))
    assert page.status_code == 200
    attempt = page.context["attempts"][0]
    assert (attempt.username, attempt.ip_address) == ("anna", "198.51.100.7")
    admin.post(reverse("sections_locked_sign_ins"), {"attempt": attempt.pk})
    client, response = sign_in("anna", "right-password")
    assert response.status_code == 302 and signed_in(client)


def test_only_superusers_see_locked_sign_ins(staff):
    editor = get_user_model().objects.create_user("editor", password="pw", is_staff=True)
    client = Client()
    client.force_login(editor)
    assert client.get(reverse("sections_locked_sign_ins")).status_code != 200
