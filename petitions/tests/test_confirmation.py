"""The email confirmation link: signed, expiring, idempotent, in the petition's language."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.signing import TimestampSigner
from django.utils import timezone

from petitions.models import Signature, SignatureState
from petitions.signatures import CONFIRMATION_MAX_AGE, confirmation_token
from sections.translation import translate
from supporters.models import ActionCount

from .conftest import host_of, t, text_of

pytestmark = pytest.mark.django_db


def link_path(message):
    return re.search(r"https?://[^/\s]+(/\S+/petitions/confirm/\S+/)", message.body).group(1)


def test_a_second_click_counts_once_and_still_thanks(client, petition, sign):
    sign(petition)
    path = link_path(mail.outbox[0])
    first = client.post(path, HTTP_HOST=host_of(petition))
    second = client.post(path, HTTP_HOST=host_of(petition))
    assert first.status_code == second.status_code == 200
    assert t("Your signature is confirmed") in text_of(second)
    assert ActionCount.total_for(petition.translation_key) == 1


def test_a_forged_link_is_refused_and_counts_nothing(client, petition, sign):
    sign(petition)
    signature = Signature.objects.get()
    forged = f"{signature.pk}:1abcde:not-a-real-signature"
    response = client.get(f"/fr/petitions/confirm/{forged}/", HTTP_HOST=host_of(petition))
    assert response.status_code == 400
    assert t(
        "This confirmation link is not valid. Please use the link exactly as it appears in the email we sent you."
    ) in text_of(response)
    # A token for another signature id cannot be made by editing the number.
    token = confirmation_token(signature.pk)
    edited = str(signature.pk + 1) + token[len(str(signature.pk)) :]
    assert client.get(f"/fr/petitions/confirm/{edited}/", HTTP_HOST=host_of(petition)).status_code == 400
    # Nor with another salt (e.g. a token made for another purpose).
    other = TimestampSigner(salt="something-else").sign(str(signature.pk))
    assert client.get(f"/fr/petitions/confirm/{other}/", HTTP_HOST=host_of(petition)).status_code == 400
    signature.refresh_from_db()
    assert signature.state == SignatureState.PENDING
    assert ActionCount.total_for(petition.translation_key) == 0


def test_an_expired_link_is_refused_with_a_way_forward(client, petition, sign, monkeypatch):
    sign(petition)
    path = link_path(mail.outbox[0])
    later = timezone.now() + timedelta(seconds=CONFIRMATION_MAX_AGE + 60)
    monkeypatch.setattr("django.core.signing.time.time", lambda: later.timestamp())
    response = client.post(path, HTTP_HOST=host_of(petition))
    assert response.status_code == 400
    assert t(
        "This confirmation link has expired. Sign the petition again with the same address and we will send "
        "you a new link."
    ) in text_of(response)
    assert Signature.objects.get().state == SignatureState.PENDING
    assert ActionCount.total_for(petition.translation_key) == 0


def test_a_link_does_not_work_on_another_sections_site(client, petition, sign):
    sign(petition)
    path = link_path(mail.outbox[0])
    assert client.post(path, HTTP_HOST="tg.localhost:8000").status_code == 400
    assert ActionCount.total_for(petition.translation_key) == 0


def test_the_email_and_link_are_in_the_petitions_language(
    client, sections, ch_petition, sign, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        italian = translate(
            ch_petition, "it", {"Libérez Maryia Kalesnikava": "Libertà per Maryia Kalesnikava"}
        )
    sign(italian)
    message = mail.outbox[0]
    assert "Libertà per Maryia Kalesnikava" in message.subject
    path = link_path(message)
    assert path.startswith("/it/petitions/confirm/")
    response = client.post(path, HTTP_HOST="ch.localhost:8000")
    assert response.status_code == 200
    assert '<html lang="it">' in response.content.decode()
    assert t("Your signature is confirmed", "it") in text_of(response)
    assert Signature.objects.get().language == "it"


def test_a_link_scanner_fetching_the_link_confirms_nothing(client, petition, sign):
    """Mail providers fetch every link of a message; only the button on the page confirms."""
    sign(petition)
    path = link_path(mail.outbox[0])
    for _ in range(3):
        page = client.get(path, HTTP_HOST=host_of(petition))
        assert page.status_code == 200
        assert client.head(path, HTTP_HOST=host_of(petition)).status_code == 200
    assert t("Confirm your signature") in text_of(page)
    assert '<form method="post"' in page.content.decode()
    assert Signature.objects.get().state == SignatureState.PENDING
    assert ActionCount.total_for(petition.translation_key) == 0

    confirmed = client.post(path, HTTP_HOST=host_of(petition))
    assert t("Your signature is confirmed") in text_of(confirmed)
    assert ActionCount.total_for(petition.translation_key) == 1
    # Following the link again later shows the confirmation, without a second button.
    again = client.get(path, HTTP_HOST=host_of(petition))
    assert t("Your signature is confirmed") in text_of(again)
    assert ActionCount.total_for(petition.translation_key) == 1


def test_the_confirmation_button_needs_the_pages_csrf_token(petition, sign):
    from django.test import Client

    sign(petition)
    path = link_path(mail.outbox[0])
    browser = Client(enforce_csrf_checks=True)
    assert browser.post(path, HTTP_HOST=host_of(petition)).status_code == 403
    page = browser.get(path, HTTP_HOST=host_of(petition)).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert browser.post(path, {"csrfmiddlewaretoken": token}, HTTP_HOST=host_of(petition)).status_code == 200
    assert ActionCount.total_for(petition.translation_key) == 1
