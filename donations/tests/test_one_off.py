"""One-off gifts through PaymentIntents at localstripe: pending until the webhook, then succeeded with a receipt."""

import pytest
from django.core import mail
from django.utils import timezone

from donations.models import Donation, DonationStatus, Payment
from supporters.models import ConsentRecord, Supporter

from .conftest import card_payment_method, donate, post_event, stripe_events, stripe_get

pytestmark = pytest.mark.django_db

MONTHS_FR = "janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split()
MONTHS_DE = "Januar Februar März April Mai Juni Juli August September Oktober November Dezember".split()


def test_a_one_off_gift_is_pending_until_stripe_says_it_succeeded(
    client, stripe_env, donation_pages, localstripe, django_capture_on_commit_callbacks
):
    token = card_payment_method(localstripe, "4242424242424242")
    response = donate(client, "ch", payment_method=token, newsletter="on")

    assert response.status_code == 200
    assert response.json()["status"] == "succeeded"
    assert response.json()["redirect"] == "/fr/faire-un-don/thanks/"
    donation = Donation.objects.get()
    # The browser's answer changes nothing: only the webhook will.
    assert donation.status == DonationStatus.PENDING
    assert (donation.amount, donation.currency, donation.frequency) == (6000, "CHF", "one_off")
    assert donation.site.hostname == "ch.localhost"
    intent = stripe_get(localstripe, f"payment_intents/{donation.stripe_payment_intent_id}")
    assert (intent["amount"], intent["currency"], intent["status"]) == (6000, "chf", "succeeded")
    assert intent["metadata"]["plaidoyer_donation"] == donation.idempotency_key
    assert intent["customer"] == donation.stripe_customer_id
    assert not mail.outbox

    # The consent ledger holds the exact wording the donor saw, both choices.
    consents = {record.purpose: record for record in ConsentRecord.objects.all()}
    assert consents["processing"].granted is True
    assert consents["processing"].wording.startswith("J'accepte que Plaidoyer Suisse")
    assert consents["newsletter"].granted is True
    assert consents["processing"].action == f"donations.donation:{donation.pk}"
    assert Supporter.objects.get().email == "veranika@example.org"

    (succeeded,) = stripe_events(localstripe, "payment_intent.succeeded", intent["id"])
    with django_capture_on_commit_callbacks(execute=True):
        webhook = post_event(client, "ch", succeeded)
    assert webhook.status_code == 200

    donation.refresh_from_db()
    assert donation.status == DonationStatus.SUCCEEDED
    payment = Payment.objects.get(donation=donation)
    assert (payment.amount, payment.currency, payment.status) == (6000, "CHF", "succeeded")
    assert payment.stripe_charge_id.startswith("ch_")
    assert payment.receipt_sent_at is not None
    (receipt,) = mail.outbox
    assert receipt.to == ["veranika@example.org"]
    assert receipt.from_email.startswith("Association Plaidoyer Suisse <")
    assert "60\u00a0CHF" in receipt.body
    assert "Association Plaidoyer Suisse" in receipt.subject
    # The date as the section reads it (its time zone): near midnight, UTC's may be another day.
    day = timezone.localtime(payment.occurred_at)
    first = "1er" if day.day == 1 else str(day.day)  # French writes the first of the month as an ordinal
    assert f"{first} {MONTHS_FR[day.month - 1]}" in receipt.body


def test_the_thank_you_page_shows_the_gift_without_personal_data_in_the_url(
    client, stripe_env, donation_pages, localstripe
):
    token = card_payment_method(localstripe, "4242424242424242")
    response = donate(client, "ch", json=False, payment_method=token)

    assert response.status_code == 302
    assert response["Location"] == "/fr/faire-un-don/thanks/"
    thanks = client.get(response["Location"], HTTP_HOST="ch.localhost:8000")
    html = thanks.content.decode()
    assert "Merci pour votre soutien !" in html
    assert "60\u00a0CHF" in html
    assert "veranika" not in response["Location"]


def test_the_receipt_is_in_the_donors_language(
    client, stripe_env, donation_pages, localstripe, django_capture_on_commit_callbacks
):
    token = card_payment_method(localstripe, "4242424242424242")
    response = donate(client, "ch", path="/de/spenden/", payment_method=token)
    assert response.json()["redirect"] == "/de/spenden/thanks/"
    donation = Donation.objects.get()
    assert donation.language == "de"

    (succeeded,) = stripe_events(localstripe, "payment_intent.succeeded", donation.stripe_payment_intent_id)
    with django_capture_on_commit_callbacks(execute=True):
        post_event(client, "ch", succeeded)

    (receipt,) = mail.outbox
    # The section speaks German too: its German name, address and sign-off (its German texts).
    assert receipt.from_email.startswith("Verein Plaidoyer Schweiz <")
    assert receipt.subject == "Quittung für Ihre Spende an Verein Plaidoyer Schweiz"
    assert (
        "Das Team von Plaidoyer Schweiz\n\nVerein Plaidoyer Schweiz\nPostfach 1234\n3001 Bern" in receipt.body
    )
    assert "Suisse" not in receipt.body
    # Dates are written the German way (Django's own German catalog), e.g. "21. November 2026".
    payment = Payment.objects.get()
    day = timezone.localtime(payment.occurred_at)
    assert f"{day.day}. {MONTHS_DE[day.month - 1]}" in receipt.body
    assert "60\u00a0CHF" in receipt.body


def test_xof_has_no_minor_units(client, stripe_env, donation_pages, localstripe):
    token = card_payment_method(localstripe, "4242424242424242", code="tg")
    response = donate(client, "tg", amount="5000", payment_method=token)

    assert response.json()["status"] == "succeeded"
    donation = Donation.objects.get()
    assert (donation.amount, donation.currency) == (5000, "XOF")
    intent = stripe_get(localstripe, f"payment_intents/{donation.stripe_payment_intent_id}", code="tg")
    # 5,000 XOF is 5000 at Stripe, not 500000.
    assert (intent["amount"], intent["currency"]) == (5000, "xof")


def test_france_asks_for_the_postal_address_and_keeps_it(client, stripe_env, donation_pages, localstripe):
    token = card_payment_method(localstripe, "4242424242424242", code="fr")
    response = donate(client, "fr", payment_method=token)

    assert response.json()["status"] == "succeeded"
    donation = Donation.objects.get()
    assert (donation.amount, donation.currency) == (5000, "EUR")
    assert (donation.address_line, donation.postal_code, donation.city) == (
        "76 boulevard de la Villette",
        "75019",
        "Paris",
    )
    assert donation.designation == "Marathon des lettres"
