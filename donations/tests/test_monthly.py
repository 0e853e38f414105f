"""Monthly gifts: a Customer and a Subscription to a monthly Price at localstripe; renewals, failures and cancellation
by webhook."""

import time

import pytest
import requests
from django.core import mail

from donations.models import Donation, DonationStatus, Payment

from .conftest import KEYS, card_payment_method, donate, event, post_event, stripe_events, stripe_get, t

pytestmark = pytest.mark.django_db


def start_monthly(client, localstripe, code="ch", amount="20"):
    token = card_payment_method(localstripe, "4242424242424242", code=code)
    response = donate(client, code, frequency="monthly", amount=amount, payment_method=token)
    assert response.json()["status"] == "succeeded", response.json()
    return Donation.objects.get(frequency="monthly")


def renewal_invoice(donation, invoice_id, charge_id, amount=2000, currency="chf"):
    """A later month's invoice as Stripe sends it (localstripe does not run the calendar)."""
    return {
        "id": invoice_id,
        "object": "invoice",
        "subscription": donation.stripe_subscription_id,
        "customer": donation.stripe_customer_id,
        "charge": charge_id,
        "payment_intent": f"pi_{invoice_id}",
        "amount_paid": amount,
        "amount_due": amount,
        "total": amount,
        "currency": currency,
        "billing_reason": "subscription_cycle",
    }


def price_of(localstripe, donation):
    """The Price the gift's subscription charges every month, as Stripe answers it."""
    subscription = stripe_get(localstripe, f"subscriptions/{donation.stripe_subscription_id}")
    (item,) = subscription["items"]["data"]
    return item["price"]


def test_a_monthly_gift_is_a_subscription_to_a_monthly_price(client, stripe_env, donation_pages, localstripe):
    donation = start_monthly(client, localstripe)

    assert donation.status == DonationStatus.PENDING
    assert (donation.amount, donation.currency) == (2000, "CHF")
    subscription = stripe_get(localstripe, f"subscriptions/{donation.stripe_subscription_id}")
    assert subscription["customer"] == donation.stripe_customer_id
    assert subscription["metadata"]["plaidoyer_donation"] == donation.idempotency_key
    assert subscription["status"] == "active"
    price = price_of(localstripe, donation)
    assert (price["object"], price["type"], price["unit_amount"], price["currency"]) == (
        "price",
        "recurring",
        2000,
        "chf",
    )
    assert (price["recurring"]["interval"], price["recurring"]["interval_count"]) == ("month", 1)
    assert price["product"] == "plaidoyer-monthly-donation"
    assert donation.stripe_payment_intent_id == ""


def test_monthly_gifts_of_the_same_amount_are_prices_of_the_one_monthly_product(
    client, stripe_env, donation_pages, localstripe
):
    first = start_monthly(client, localstripe, amount="15")
    token = card_payment_method(localstripe, "4242424242424242")
    response = donate(
        client, "ch", frequency="monthly", amount="15", payment_method=token, email="second@example.org"
    )
    assert response.json()["status"] == "succeeded"
    second = Donation.objects.exclude(pk=first.pk).get()
    prices = [price_of(localstripe, donation) for donation in (first, second)]
    assert [(price["unit_amount"], price["product"]) for price in prices] == [
        (1500, "plaidoyer-monthly-donation")
    ] * 2
    # One product for every monthly gift, created once.
    products = stripe_get(localstripe, "products", limit=100)["data"]
    assert [product["id"] for product in products].count("plaidoyer-monthly-donation") == 1


def test_first_payment_renewals_failures_and_cancellation(
    client, stripe_env, donation_pages, localstripe, django_capture_on_commit_callbacks
):
    donation = start_monthly(client, localstripe)
    subscription = stripe_get(localstripe, f"subscriptions/{donation.stripe_subscription_id}")
    (paid,) = stripe_events(localstripe, "invoice.payment_succeeded", subscription["latest_invoice"])

    # First month: localstripe's own invoice event.
    with django_capture_on_commit_callbacks(execute=True):
        assert post_event(client, "ch", paid).status_code == 200
    donation.refresh_from_db()
    assert donation.status == DonationStatus.SUCCEEDED
    first = Payment.objects.get()
    assert (first.amount, first.status, first.stripe_invoice_id) == (
        2000,
        "succeeded",
        paid["data"]["object"]["id"],
    )
    assert len(mail.outbox) == 1

    now = int(time.time())
    # Second month fails…
    failed = event(
        "invoice.payment_failed", renewal_invoice(donation, "in_month2", "ch_month2_a"), created=now + 10
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert post_event(client, "ch", failed).status_code == 200
    donation.refresh_from_db()
    assert donation.status == DonationStatus.FAILED
    assert Payment.objects.get(stripe_invoice_id="in_month2").status == "failed"
    # The donor is told, with a link to update the card (test_manage.py reads it).
    assert len(mail.outbox) == 2
    assert mail.outbox[1].subject == t("Your monthly gift could not be paid this month")

    # …then Stripe's retry of the same invoice succeeds (invoice.paid): one payment for that month.
    retried = event("invoice.paid", renewal_invoice(donation, "in_month2", "ch_month2_b"), created=now + 20)
    with django_capture_on_commit_callbacks(execute=True):
        assert post_event(client, "ch", retried).status_code == 200
    donation.refresh_from_db()
    assert donation.status == DonationStatus.SUCCEEDED
    month2 = Payment.objects.get(stripe_invoice_id="in_month2")
    assert (month2.status, month2.stripe_charge_id) == ("succeeded", "ch_month2_b")
    assert Payment.objects.filter(donation=donation).count() == 2
    assert len(mail.outbox) == 3

    # The donor stops: the subscription is deleted.
    cancelled = event(
        "customer.subscription.deleted",
        {"id": donation.stripe_subscription_id, "object": "subscription", "status": "canceled"},
        created=now + 30,
    )
    assert post_event(client, "ch", cancelled).status_code == 200
    donation.refresh_from_db()
    assert donation.status == DonationStatus.CANCELLED


def test_refund_of_one_monthly_charge_marks_that_payment_only(
    client, stripe_env, donation_pages, localstripe, django_capture_on_commit_callbacks
):
    donation = start_monthly(client, localstripe)
    now = int(time.time())
    with django_capture_on_commit_callbacks(execute=True):
        post_event(
            client, "ch", event("invoice.paid", renewal_invoice(donation, "in_m1", "ch_m1"), created=now)
        )
        post_event(
            client, "ch", event("invoice.paid", renewal_invoice(donation, "in_m2", "ch_m2"), created=now + 5)
        )
    refund = {
        "id": "ch_m2",
        "object": "charge",
        "amount": 2000,
        "amount_refunded": 2000,
        "refunded": True,
        "currency": "chf",
        "customer": donation.stripe_customer_id,
        "invoice": "in_m2",
        "payment_intent": "pi_in_m2",
    }
    assert post_event(client, "ch", event("charge.refunded", refund, created=now + 10)).status_code == 200

    donation.refresh_from_db()
    assert donation.status == DonationStatus.SUCCEEDED
    statuses = dict(Payment.objects.values_list("stripe_invoice_id", "status"))
    assert statuses == {"in_m1": "succeeded", "in_m2": "refunded"}
    assert Payment.objects.get(stripe_invoice_id="in_m2").amount_refunded == 2000


def test_a_change_at_stripe_moves_the_gifts_amount_and_status_once_and_in_order(
    client, stripe_env, donation_pages, localstripe
):
    donation = start_monthly(client, localstripe)
    # Changed in Stripe's dashboard: the subscription moves to a price of CHF 35 a month.
    subscription = stripe_get(localstripe, f"subscriptions/{donation.stripe_subscription_id}")
    price = requests.post(
        f"{localstripe}/v1/prices",
        data={
            "unit_amount": 3500,
            "currency": "chf",
            "recurring[interval]": "month",
            "product": "plaidoyer-monthly-donation",
        },
        auth=(KEYS["ch"]["secret"], ""),
        timeout=10,
    )
    price.raise_for_status()
    requests.post(
        f"{localstripe}/v1/subscriptions/{donation.stripe_subscription_id}",
        data={"items[0][id]": subscription["items"]["data"][0]["id"], "items[0][price]": price.json()["id"]},
        auth=(KEYS["ch"]["secret"], ""),
        timeout=10,
    ).raise_for_status()
    changed = stripe_get(localstripe, f"subscriptions/{donation.stripe_subscription_id}")
    now = int(time.time())
    update = event("customer.subscription.updated", changed, created=now + 10)

    assert post_event(client, "ch", update).content == b"monthly donation updated: amount"
    assert post_event(client, "ch", update).content == b"already processed"
    donation.refresh_from_db()
    assert (donation.amount, donation.display_amount) == (3500, "35\xa0CHF")

    # An older event (the subscription as it was) arriving late changes nothing.
    assert post_event(
        client, "ch", event("customer.subscription.updated", subscription, created=now)
    ).content == (b"monthly donation unchanged")
    donation.refresh_from_db()
    assert donation.amount == 3500

    # Stripe gives up retrying a month: the subscription is past due, then unpaid; the gift has failed.
    past_due = {**changed, "status": "past_due"}
    assert post_event(
        client, "ch", event("customer.subscription.updated", past_due, created=now + 20)
    ).content == (b"monthly donation updated: status")
    donation.refresh_from_db()
    assert donation.status == DonationStatus.FAILED
    # A late event from before the failure does not bring it back.
    active = {**changed, "status": "active"}
    post_event(client, "ch", event("customer.subscription.updated", active, created=now + 15))
    ended = {**changed, "status": "canceled"}
    post_event(client, "ch", event("customer.subscription.updated", ended, created=now + 30))
    donation.refresh_from_db()
    assert (donation.status, donation.amount) == (DonationStatus.CANCELLED, 3500)


def test_a_subscription_of_another_section_changes_nothing(client, stripe_env, donation_pages, localstripe):
    donation = start_monthly(client, localstripe)
    subscription = stripe_get(localstripe, f"subscriptions/{donation.stripe_subscription_id}")
    moved = {**subscription, "status": "past_due", "metadata": {}}

    response = post_event(client, "fr", event("customer.subscription.updated", moved))

    assert response.content == b"ignored: not a monthly donation of this section"
    donation.refresh_from_db()
    assert (donation.status, donation.amount) == (DonationStatus.PENDING, 2000)
