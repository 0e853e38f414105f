"""Stripe is down, unreachable or slow: the donation page says so in the visitor's language and charges nothing;
once Stripe is back the gift goes through once, and its webhook, however late, settles it.

Between the site and localstripe stands a loopback relay (donations.local_stripe.Relay) that the tests
switch: `up` forwards, `down` closes each connection at once (as an unreachable host), `slow` holds it
without answering (as a Stripe that does not answer in time). The visitor's card PaymentMethod is made at localstripe directly, as Stripe.js
does in the browser.
"""

import uuid

import pytest
from bs4 import BeautifulSoup
from django.core import mail

from donations import payments
from donations.local_stripe import Relay
from donations.models import Donation, DonationStatus
from supporters.models import ConsentRecord, Supporter

from .conftest import card_payment_method, donate, event, post_event, stripe_get, t

pytestmark = pytest.mark.django_db

UNREACHABLE = "The payment service could not be reached. Please try again in a few minutes: trying again never charges twice."


@pytest.fixture
def relay(stripe_env, localstripe, settings, monkeypatch):
    host, port = localstripe.removeprefix("http://").split(":")
    relay = Relay((host, int(port)))
    settings.STRIPE_API_BASE = relay.url
    # A slow Stripe is one that answers later than this, on each of the client's three tries (20 s in production).
    monkeypatch.setattr(payments, "HTTP_TIMEOUT_SECONDS", 0.5)
    yield relay
    relay.close()


def nothing_written():
    return not (Donation.objects.exists() or Supporter.objects.exists() or ConsentRecord.objects.exists())


def payment_intents_for(localstripe, key):
    intents = stripe_get(localstripe, "payment_intents", limit=10000)["data"]
    return [intent for intent in intents if intent["metadata"].get("plaidoyer_donation") == key]


@pytest.mark.parametrize("mode", ["down", "slow"])
def test_while_stripe_is_down_or_slow_the_german_page_says_so_next_to_the_card_keeps_the_form_and_charges_nothing(
    client, donation_pages, localstripe, relay, mode
):
    relay.mode = mode
    token = card_payment_method(localstripe, "4242424242424242")
    # An address of this test's own: localstripe keeps every earlier test's customers for the session.
    email = f"lena.{mode}.{uuid.uuid4().hex[:8]}@example.org"
    response = donate(
        client, "ch", path="/de/spenden/", json=False, first_name="Lena", email=email, payment_method=token
    )

    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    page = BeautifulSoup(response.content, "html.parser")
    errors = [item.get_text(strip=True) for item in page.select("#id_payment_method_errors li")]
    assert errors == [t(UNREACHABLE, "de")]
    assert t(UNREACHABLE, "de") != UNREACHABLE
    assert page.select_one("#id_first_name")["value"] == "Lena"
    assert page.select_one("#id_email")["value"] == email
    assert nothing_written()
    assert stripe_get(localstripe, "customers", email=email)["data"] == []


def test_sent_again_once_stripe_is_back_the_gift_is_charged_once_and_its_late_webhook_settles_it(
    client, donation_pages, localstripe, relay, django_capture_on_commit_callbacks
):
    relay.mode = "down"
    refused = donate(
        client, "ch", path="/de/spenden/", payment_method=card_payment_method(localstripe, "4242424242424242")
    )
    assert refused.status_code == 429
    retry_key = refused.json()["retry_key"]

    # Stripe is back; the page sends the form again with a new card PaymentMethod and the key it was given,
    # twice (a double click).
    relay.mode = "up"
    data = {
        "idempotency_key": retry_key,
        "payment_method": card_payment_method(localstripe, "4242424242424242"),
    }
    first = donate(client, "ch", path="/de/spenden/", **data)
    second = donate(client, "ch", path="/de/spenden/", **data)

    assert first.status_code == second.status_code == 200
    assert first.json()["status"] == second.json()["status"] == "succeeded"
    donation = Donation.objects.get()
    assert donation.status == DonationStatus.PENDING  # only a webhook settles it
    intents = payment_intents_for(localstripe, retry_key)
    assert len(intents) == 1

    # Stripe's event arrives late (its retries went on through the outage), then once more.
    succeeded = event("payment_intent.succeeded", intents[0])
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            assert post_event(client, "ch", succeeded).status_code == 200
    donation.refresh_from_db()
    assert donation.status == DonationStatus.SUCCEEDED
    assert len(mail.outbox) == 1  # one receipt
