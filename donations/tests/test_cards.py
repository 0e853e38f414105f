"""Declined cards and cards that need 3-D Secure, as localstripe's test cards behave."""

import pytest
import requests

from donations.models import Donation, DonationStatus, Payment
from supporters.models import ConsentRecord, Supporter

from .conftest import KEYS, card_payment_method, donate, post_event, stripe_events, stripe_get, t

pytestmark = pytest.mark.django_db

DECLINED = t("Your card was declined. Nothing was charged; please try another card.")


def authenticate(localstripe, client_secret, success, code="ch"):
    """What the fake Stripe.js does when the visitor answers the 3-D Secure check (confirmCardPayment)."""
    intent_id = client_secret.split("_secret_")[0]
    response = requests.post(
        f"{localstripe}/v1/payment_intents/{intent_id}/_authenticate",
        params={"success": "true" if success else "false"},
        json={"key": KEYS[code]["publishable"], "client_secret": client_secret},
        timeout=10,
    )
    response.raise_for_status()
    return response.json()


@pytest.mark.parametrize("frequency", ["one_off", "monthly"])
@pytest.mark.parametrize("number", ["4000000000000002", "4000000000000341"])
def test_a_declined_card_gets_a_message_and_writes_nothing(
    client, stripe_env, donation_pages, localstripe, frequency, number
):
    token = card_payment_method(localstripe, number)
    response = donate(client, "ch", frequency=frequency, amount="20", payment_method=token)

    assert response.status_code == 402
    data = response.json()
    assert data["errors"]["payment_method"][0]["message"] == DECLINED
    assert len(data["retry_key"]) == 32
    assert not Donation.objects.exists()
    assert not Supporter.objects.exists()
    assert not ConsentRecord.objects.exists()


def test_a_refused_first_month_leaves_no_subscription_running(
    client, stripe_env, donation_pages, localstripe
):
    token = card_payment_method(localstripe, "4000000000000341")
    # An address of its own: the session's localstripe holds other tests' customers, listed ten at a time.
    email = "refused-first-month@example.org"
    response = donate(client, "ch", frequency="monthly", amount="25", payment_method=token, email=email)
    assert response.status_code == 402

    (customer,) = stripe_get(localstripe, "customers", email=email)["data"]
    running = stripe_get(localstripe, f"customers/{customer['id']}/subscriptions")["data"]
    assert running == []


def test_the_declined_message_is_shown_next_to_the_card_on_the_plain_page(
    client, stripe_env, donation_pages, localstripe
):
    token = card_payment_method(localstripe, "4000000000000002")
    response = donate(client, "ch", json=False, payment_method=token)

    assert response.status_code == 402
    html = response.content.decode()
    assert f'<ul class="errorlist" id="id_payment_method_errors"><li>{DECLINED}</li></ul>' in html
    assert 'value="veranika@example.org"' in html


@pytest.mark.parametrize("number", ["4000002760003184", "4000000000003220"])
def test_a_3d_secure_card_is_confirmed_in_the_page(
    client, stripe_env, donation_pages, localstripe, django_capture_on_commit_callbacks, number
):
    token = card_payment_method(localstripe, number)
    response = donate(client, "ch", payment_method=token)

    data = response.json()
    assert data["status"] == "requires_action"
    donation = Donation.objects.get()
    assert data["client_secret"].startswith(f"{donation.stripe_payment_intent_id}_secret_")
    assert donation.status == DonationStatus.PENDING

    intent = authenticate(localstripe, data["client_secret"], success=True)
    assert intent["status"] == "succeeded"
    (succeeded,) = stripe_events(localstripe, "payment_intent.succeeded", intent["id"])
    with django_capture_on_commit_callbacks(execute=True):
        post_event(client, "ch", succeeded)
    donation.refresh_from_db()
    assert donation.status == DonationStatus.SUCCEEDED
    assert Payment.objects.get().status == "succeeded"


def test_a_failed_3d_secure_check_charges_nothing(client, stripe_env, donation_pages, localstripe):
    token = card_payment_method(localstripe, "4000002760003184")
    data = donate(client, "ch", payment_method=token).json()

    intent = authenticate(localstripe, data["client_secret"], success=False)

    assert intent["status"] == "requires_payment_method"
    assert intent["latest_charge"] is None
    donation = Donation.objects.get()
    # localstripe sends no event here; Stripe would send payment_intent.payment_failed.
    assert donation.status == DonationStatus.PENDING
    assert not Payment.objects.exists()


def test_a_monthly_gift_with_3d_secure(
    client, stripe_env, donation_pages, localstripe, django_capture_on_commit_callbacks
):
    token = card_payment_method(localstripe, "4000002760003184")
    data = donate(client, "ch", frequency="monthly", amount="20", payment_method=token).json()

    assert data["status"] == "requires_action"
    donation = Donation.objects.get()
    intent = authenticate(localstripe, data["client_secret"], success=True)
    assert intent["status"] == "succeeded"
    subscription = stripe_get(localstripe, f"subscriptions/{donation.stripe_subscription_id}")
    assert subscription["status"] == "active"
    (paid,) = stripe_events(localstripe, "invoice.payment_succeeded", subscription["latest_invoice"])
    with django_capture_on_commit_callbacks(execute=True):
        post_event(client, "ch", paid)
    donation.refresh_from_db()
    assert donation.status == DonationStatus.SUCCEEDED
