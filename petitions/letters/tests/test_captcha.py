"""reCAPTCHA, where a section chose it, guards the letter form: a pass creates the letter, a fail or an outage creates nothing."""

import io
import json
from unittest import mock
from urllib.error import URLError

import pytest

from petitions.letters.models import Letter

from .helpers import generate, shown

pytestmark = pytest.mark.django_db


@pytest.fixture
def captcha_on(sections, settings):
    section = sections["ch"].settings
    section.recaptcha_public_key = "site-key-ch"
    section.captcha_mode = "v3"
    section.save()
    settings.SECTION_SECRETS = {"RECAPTCHA_PRIVATE_KEY_CH": "private-key-ch"}


def google_says(score, action="letter", success=True):
    body = json.dumps({"success": success, "score": score, "action": action}).encode()
    return mock.patch("django_recaptcha.client.recaptcha_request", return_value=io.BytesIO(body))


def test_a_good_score_gets_the_letter(client, action, captcha_on):
    with google_says(0.9):
        response = generate(client, action, captcha="token")
    assert response.status_code == 200
    assert Letter.objects.count() == 1


def test_a_low_score_creates_nothing(client, action, captcha_on):
    with google_says(0.1):
        response = generate(client, action, captcha="token")
    assert response.status_code == 400
    assert (
        shown("We could not confirm that you are not a robot. Please try again.") in response.content.decode()
    )
    assert Letter.objects.count() == 0


def test_an_unreachable_captcha_service_fails_closed(client, action, captcha_on):
    with mock.patch("django_recaptcha.client.recaptcha_request", side_effect=URLError("down")):
        response = generate(client, action, captcha="token")
    assert response.status_code == 400
    message = (
        "The anti-spam check could not be reached, so nothing was sent. Please try again in a few minutes."
    )
    assert shown(message) in response.content.decode()
    assert Letter.objects.count() == 0
