"""TWINT (Switzerland, one-off, CHF): Stripe's redirect to TWINT and back, against recorded Stripe answers.

localstripe has no TWINT: the calls go to recorded_stripe.py. Recurring TWINT needs Stripe API version
2026-05-27.dahlia, newer than the pinned one, so monthly gifts are refused with a message.
"""

import pytest

from donations.models import Donation, DonationStatus

from .conftest import donate, event, post_event, t
from .test_bad_input import field_errors, nothing_written

pytestmark = pytest.mark.django_db

TWINT_PAGE = "https://pm-redirects.stripe.com/authorize/acct_RECORDED/pa_nonce_RECORDED"


def test_a_twint_gift_sends_the_donor_to_twint_and_back_to_the_thank_you_page(
    client, recorded_stripe, donation_pages
):
    response = donate(client, "ch", method="twint", payment_method="")

    assert response.status_code == 200
    assert response.json()["status"] == "redirect"
    assert response.json()["redirect"] == TWINT_PAGE
    (intent,) = recorded_stripe.posted("/v1/payment_intents")
    assert intent["payment_method_types[0]"] == ["twint"]
    assert intent["payment_method_data[type]"] == ["twint"]
    assert intent["currency"] == ["chf"]
    assert intent["amount"] == ["6000"]
    assert intent["confirm"] == ["true"]
    assert intent["return_url"] == ["http://ch.localhost:8000/fr/faire-un-don/thanks/"]
    # TWINT needs no customer at Stripe: the donor's name and address stay here.
    assert recorded_stripe.posted("/v1/customers") == []
    donation = Donation.objects.get()
    assert (donation.method, donation.status) == ("twint", DonationStatus.PENDING)
    assert donation.stripe_payment_intent_id == "pi_RECORDED_TWINT1"


def test_without_javascript_the_form_redirects_to_twint(client, recorded_stripe, donation_pages):
    response = donate(client, "ch", json=False, method="twint")

    assert response.status_code == 302
    assert response["Location"] == TWINT_PAGE


def test_only_the_webhook_marks_a_twint_gift_paid(client, recorded_stripe, donation_pages):
    donate(client, "ch", method="twint")
    donation = Donation.objects.get()
    thanks = client.get("/fr/faire-un-don/thanks/?redirect_status=succeeded", HTTP_HOST="ch.localhost:8000")
    assert Donation.objects.get().status == DonationStatus.PENDING

    intent = {
        "id": donation.stripe_payment_intent_id,
        "object": "payment_intent",
        "amount": 6000,
        "amount_received": 6000,
        "currency": "chf",
        "latest_charge": "py_twint",
        "payment_method_types": ["twint"],
        "metadata": {"plaidoyer_donation": donation.idempotency_key, "section": "ch"},
        "status": "succeeded",
    }
    assert post_event(client, "ch", event("payment_intent.succeeded", intent)).status_code == 200

    assert t("Your gift of %(amount)s is on its way.", amount="60\u00a0CHF") in thanks.content.decode()
    assert Donation.objects.get().status == DonationStatus.SUCCEEDED


def test_back_from_a_refused_twint_payment_the_page_says_nothing_was_charged(
    client, recorded_stripe, donation_pages
):
    donate(client, "ch", method="twint")

    page = client.get("/fr/faire-un-don/thanks/?redirect_status=failed", HTTP_HOST="ch.localhost:8000")

    html = page.content.decode()
    assert t("Your TWINT payment was not completed: nothing was charged.") in html
    assert t("Your gift of %(amount)s is on its way.", amount="60\u00a0CHF") not in html


def test_twint_takes_no_monthly_gift(client, recorded_stripe, donation_pages):
    response = donate(client, "ch", json=False, method="twint", frequency="monthly", amount="20")

    assert response.status_code == 400
    assert field_errors(response, "method") == [
        t("TWINT takes one-off gifts only: for a monthly gift, please choose another way to pay.")
    ]
    assert nothing_written()
    assert recorded_stripe.requests == []


def test_twint_takes_at_most_5000_francs(client, recorded_stripe, donation_pages):
    response = donate(client, "ch", json=False, method="twint", amount="5000.05")

    assert response.status_code == 400
    assert field_errors(response, "amount") == [
        t(
            "With TWINT, a gift can be at most %(maximum)s: please give less or choose another way to pay.",
            maximum="5\u00a0000\u00a0CHF",
        )
    ]
    assert 'value="5000.05"' in response.content.decode()
    assert nothing_written()
    assert recorded_stripe.requests == []


def test_a_twint_payment_stripe_refuses_writes_nothing(client, recorded_stripe, donation_pages):
    recorded_stripe.refuse("/v1/payment_intents", 400, "error_amount_too_large")

    response = donate(client, "ch", method="twint")

    assert response.status_code == 402
    assert response.json()["errors"]["method"][0]["message"] == t(
        "TWINT refused the payment. Nothing was charged; please try again or choose another way to pay."
    )
    assert nothing_written()
