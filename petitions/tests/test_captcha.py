"""reCAPTCHA, a section's own choice, on the signing form: pass, fail, unreachable, missing keys in development and production."""

import io
import json
from urllib.error import URLError

import pytest
from django.test import override_settings

from petitions.models import Signature
from supporters.models import Supporter

from .conftest import host_of, page_path, t, text_of

pytestmark = pytest.mark.django_db

KEYS = {"RECAPTCHA_PRIVATE_KEY_FR": "private-test-key"}


def google_answers(monkeypatch, **answer):
    calls = []

    def fake_request(params):
        calls.append(params)
        return io.BytesIO(json.dumps(answer).encode())

    monkeypatch.setattr("django_recaptcha.client.recaptcha_request", fake_request)
    return calls


@pytest.fixture
def v2_section(sections):
    settings = sections["fr"].settings
    settings.recaptcha_public_key = "public-test-key"
    settings.captcha_mode = "v2"
    settings.save()
    return settings


@pytest.fixture
def v3_section(sections):
    settings = sections["fr"].settings
    settings.recaptcha_public_key = "public-test-key"
    settings.captcha_mode = "v3"
    settings.captcha_score_threshold = "0.5"
    settings.save()
    return settings


@override_settings(SECTION_SECRETS=KEYS)
def test_v2_captcha_passes(client, v2_section, petition, sign, monkeypatch):
    calls = google_answers(monkeypatch, success=True)
    page = client.get(page_path(petition), HTTP_HOST=host_of(petition))
    assert "g-recaptcha" in page.content.decode()
    response = sign(petition, **{"g-recaptcha-response": "token-from-google"})
    assert response.status_code == 303
    assert len(calls) == 1 and b"secret=private-test-key" in calls[0]
    assert Signature.objects.count() == 1


@override_settings(SECTION_SECRETS=KEYS)
def test_v2_captcha_failure_is_shown_and_nothing_is_written(v2_section, petition, sign, monkeypatch):
    google_answers(monkeypatch, success=False, **{"error-codes": ["invalid-input-response"]})
    response = sign(petition, **{"g-recaptcha-response": "bad"})
    assert response.status_code == 200
    assert t("We could not confirm that you are not a robot. Please try again.") in text_of(response)
    assert Signature.objects.count() == 0 and Supporter.objects.count() == 0


@override_settings(SECTION_SECRETS=KEYS)
def test_v3_low_score_fails_and_good_score_passes(v3_section, petition, sign, monkeypatch):
    # The v3 widget posts its token in the field itself.
    google_answers(monkeypatch, success=True, score=0.1, action="sign")
    response = sign(petition, captcha="token")
    assert response.status_code == 200
    assert t("We could not confirm that you are not a robot. Please try again.") in text_of(response)
    assert Signature.objects.count() == 0
    google_answers(monkeypatch, success=True, score=0.9, action="another-form")
    assert sign(petition, captcha="token").status_code == 200
    google_answers(monkeypatch, success=True, score=0.9, action="sign")
    assert sign(petition, captcha="token").status_code == 303
    assert Signature.objects.count() == 1


@override_settings(SECTION_SECRETS=KEYS)
def test_unreachable_verification_fails_closed_with_a_clear_message(v2_section, petition, sign, monkeypatch):
    def unreachable(params):
        raise URLError("connection refused")

    monkeypatch.setattr("django_recaptcha.client.recaptcha_request", unreachable)
    response = sign(petition, **{"g-recaptcha-response": "token"})
    assert response.status_code == 200
    assert t(
        "The anti-spam check could not be reached, so nothing was sent. Please try again in a few minutes."
    ) in text_of(response)
    assert Signature.objects.count() == 0 and Supporter.objects.count() == 0


@pytest.fixture
def recaptcha_without_keys(sections):
    settings = sections["fr"].settings
    settings.captcha_mode = "v3"
    settings.recaptcha_public_key = ""
    settings.save()
    return settings


def test_without_keys_in_development_the_form_warns_that_the_captcha_is_off(
    client, recaptcha_without_keys, petition, sign
):
    response = client.get(page_path(petition), HTTP_HOST=host_of(petition))
    assert t(
        "Development: the anti-spam check (reCAPTCHA) is off because this section has no keys."
    ) in text_of(response)
    assert sign(petition).status_code == 303


@override_settings(CAPTCHA_REQUIRED=True)
def test_without_keys_in_production_the_form_is_unavailable(client, recaptcha_without_keys, petition, sign):
    # The petition can still be read; only the form is withheld.
    response = client.get(page_path(petition), HTTP_HOST=host_of(petition))
    assert response.status_code == 200
    assert t(
        "This form is unavailable for now: this site's protection against spam is not set up yet. "
        "Please try again later."
    ) in text_of(response)
    assert 'name="consent"' not in response.content.decode()
    assert sign(petition).status_code == 503
    assert Signature.objects.count() == 0


@override_settings(CAPTCHA_REQUIRED=True)
def test_in_production_the_default_proof_of_work_needs_no_recaptcha_keys(client, petition, sign):
    response = client.get(page_path(petition), HTTP_HOST=host_of(petition))
    assert 'name="consent"' in response.content.decode()
    assert "<altcha-widget" in response.content.decode() and "g-recaptcha" not in response.content.decode()
    assert sign(petition).status_code == 303
    assert Signature.objects.count() == 1
