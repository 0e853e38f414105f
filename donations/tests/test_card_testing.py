"""Card-testing defence: reCAPTCHA where the section chose it, rate limits, and caps on payment attempts per email and per IP."""

import io
import json
from unittest import mock

import pytest
from django.conf import settings

from donations.models import Donation

from .conftest import card_payment_method, donate, t

pytestmark = pytest.mark.django_db


@pytest.fixture
def captcha_on(stripe_env, sections, settings):
    section = sections["ch"].settings
    section.recaptcha_public_key = "site-key-ch"
    section.captcha_mode = "v3"
    section.save()
    settings.SECTION_SECRETS = {**settings.SECTION_SECRETS, "RECAPTCHA_PRIVATE_KEY_CH": "private-key-ch"}


def google_says(**answer):
    """Replace only the network call to Google's siteverify."""
    return mock.patch(
        "django_recaptcha.client.recaptcha_request",
        side_effect=lambda params: io.BytesIO(json.dumps(answer).encode()),
    )


def test_without_a_captcha_answer_nothing_reaches_stripe(client, captcha_on, donation_pages, localstripe):
    with google_says(success=True, score=0.9, action="donate") as google:
        response = donate(
            client, "ch", captcha=None, payment_method=card_payment_method(localstripe, "4242424242424242")
        )

    assert response.status_code == 400
    assert response.json()["errors"]["captcha"][0]["message"] == t("Please confirm that you are not a robot.")
    google.assert_not_called()
    assert not Donation.objects.exists()


def test_a_low_captcha_score_is_refused(client, captcha_on, donation_pages, localstripe):
    with google_says(success=True, score=0.1, action="donate"):
        response = donate(
            client, "ch", captcha="token", payment_method=card_payment_method(localstripe, "4242424242424242")
        )

    assert response.status_code == 400
    assert "captcha" in response.json()["errors"]
    assert not Donation.objects.exists()


def test_a_good_captcha_answer_lets_the_gift_through(client, captcha_on, donation_pages, localstripe):
    with google_says(success=True, score=0.9, action="donate") as google:
        response = donate(
            client, "ch", captcha="token", payment_method=card_payment_method(localstripe, "4242424242424242")
        )

    assert response.json()["status"] == "succeeded"
    assert b"private-key-ch" in google.call_args.args[0]
    assert Donation.objects.count() == 1


def test_the_page_loads_the_sections_captcha(client, captcha_on, donation_pages):
    html = client.get("/fr/faire-un-don/", HTTP_HOST="ch.localhost:8000").content.decode()
    assert "site-key-ch" in html


def test_without_captcha_keys_where_required_no_payment_is_taken(
    client, stripe_env, sections, donation_pages, settings, localstripe
):
    # The section chose reCAPTCHA but has no keys.
    section = sections["ch"].settings
    section.captcha_mode = "v3"
    section.save()
    settings.CAPTCHA_REQUIRED = True

    page = client.get("/fr/faire-un-don/", HTTP_HOST="ch.localhost:8000")
    post = donate(
        client, "ch", json=False, payment_method=card_payment_method(localstripe, "4242424242424242")
    )

    assert (
        t(
            "This form is unavailable for now: this site's protection against spam is not set up yet. "
            "Please try again later."
        )
        in page.content.decode()
    )
    assert post.status_code == 503
    assert not Donation.objects.exists()


def test_attempts_per_email_are_capped(client, stripe_env, donation_pages, localstripe):
    limit = settings.DONATION_RATE_LIMITS["attempts_email"][0]
    for _attempt in range(limit):
        declined = donate(client, "ch", payment_method=card_payment_method(localstripe, "4000000000000002"))
        assert declined.status_code == 402

    blocked = donate(client, "ch", payment_method=card_payment_method(localstripe, "4242424242424242"))

    assert blocked.status_code == 429
    assert blocked.json()["errors"]["__all__"][0]["message"] == t(
        "Too many payment attempts. Please wait an hour before trying again."
    )
    assert not Donation.objects.exists()
    # Another address from another connection is not blocked.
    other = donate(
        client,
        "ch",
        email="other@example.org",
        payment_method=card_payment_method(localstripe, "4242424242424242"),
        REMOTE_ADDR="198.51.100.7",
    )
    assert other.json()["status"] == "succeeded"


def test_attempts_per_connection_are_capped(client, stripe_env, donation_pages, localstripe):
    limit = settings.DONATION_RATE_LIMITS["attempts_ip"][0]
    for attempt in range(limit):
        declined = donate(
            client,
            "ch",
            email=f"tester{attempt}@example.org",
            payment_method=card_payment_method(localstripe, "4000000000000002"),
        )
        assert declined.status_code == 402

    blocked = donate(
        client,
        "ch",
        email="new@example.org",
        payment_method=card_payment_method(localstripe, "4242424242424242"),
    )

    assert blocked.status_code == 429
    assert not Donation.objects.exists()


def test_posting_the_form_over_and_over_is_limited(client, stripe_env, donation_pages):
    limit = settings.DONATION_RATE_LIMITS["submit"][0]
    for _attempt in range(limit):
        assert donate(client, "ch", amount="1").status_code == 400

    blocked = donate(client, "ch", json=False, amount="1")

    assert blocked.status_code == 429
    assert t("Too many attempts") in blocked.content.decode()
