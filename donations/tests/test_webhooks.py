"""The per-section webhook: signatures on the raw body, each event once, any order, one section only."""

import json
import time

import pytest
from django.core import mail

from donations.models import Donation, DonationStatus, Payment, StripeEvent

from .conftest import KEYS, event, post_event, signature

pytestmark = pytest.mark.django_db


@pytest.fixture
def donation(stripe_keys, sections):
    """A pending CHF 60 one-off donation in Switzerland, as the payment form leaves it."""
    from supporters.models import Supporter

    site = sections["ch"].site
    supporter = Supporter.for_email(site, "maryia@example.org", "Maryia", "K")
    return Donation.objects.create(
        site=site,
        supporter=supporter,
        language="fr",
        frequency="one_off",
        amount=6000,
        currency="CHF",
        idempotency_key="a" * 32,
        stripe_customer_id="cus_ch1",
        stripe_payment_intent_id="pi_ch1",
        first_name="Maryia",
        last_name="K",
        email="maryia@example.org",
    )


def intent(status="succeeded", charge="ch_ch1", pi="pi_ch1", key="a" * 32, section="ch"):
    return {
        "id": pi,
        "object": "payment_intent",
        "amount": 6000,
        "amount_received": 6000 if status == "succeeded" else 0,
        "currency": "chf",
        "status": status,
        "customer": "cus_ch1",
        "latest_charge": charge,
        "invoice": None,
        "metadata": {"plaidoyer_donation": key, "section": section},
    }


def charge_refunded(amount_refunded=6000):
    return {
        "id": "ch_ch1",
        "object": "charge",
        "amount": 6000,
        "amount_refunded": amount_refunded,
        "refunded": amount_refunded == 6000,
        "currency": "chf",
        "customer": "cus_ch1",
        "payment_intent": "pi_ch1",
        "invoice": None,
    }


def deliver(client, capture, code, payload, **kwargs):
    with capture(execute=True):
        return post_event(client, code, payload, **kwargs)


def test_a_correctly_signed_event_is_applied(client, donation, django_capture_on_commit_callbacks):
    response = deliver(
        client, django_capture_on_commit_callbacks, "ch", event("payment_intent.succeeded", intent())
    )

    assert response.status_code == 200
    donation.refresh_from_db()
    assert donation.status == DonationStatus.SUCCEEDED
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    "how",
    ["wrong secret", "no signature", "tampered body", "stale", "dated ahead", "another section's secret"],
)
def test_forged_and_stale_events_are_refused(client, donation, how):
    payload = json.dumps(event("payment_intent.succeeded", intent())).encode()
    secret = KEYS["ch"]["webhook"]
    header = signature(payload, secret)
    if how == "wrong secret":
        header = signature(payload, "whsec_guessed")
    elif how == "no signature":
        header = ""
    elif how == "tampered body":
        payload = payload.replace(b"6000", b"9000")
    elif how == "stale":
        # Signed correctly, but ten minutes ago: a captured delivery played back later.
        header = signature(payload, secret, timestamp=int(time.time()) - 600)
    elif how == "dated ahead":
        # Signed correctly, for ten minutes from now: it would stay replayable until then.
        header = signature(payload, secret, timestamp=int(time.time()) + 600)
    elif how == "another section's secret":
        header = signature(payload, KEYS["fr"]["webhook"])

    response = client.post(
        "/donations/webhooks/ch/", data=payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
    )

    assert response.status_code == 400
    donation.refresh_from_db()
    assert donation.status == DonationStatus.PENDING
    assert not StripeEvent.objects.exists()
    assert not Payment.objects.exists()


def test_an_event_signed_a_few_seconds_ahead_is_applied(client, donation, django_capture_on_commit_callbacks):
    # Stripe's clock and ours may differ by a little: that is within the tolerance.
    ahead = int(time.time()) + 5
    response = deliver(
        client,
        django_capture_on_commit_callbacks,
        "ch",
        event("payment_intent.succeeded", intent()),
        timestamp=ahead,
    )

    assert response.status_code == 200
    donation.refresh_from_db()
    assert donation.status == DonationStatus.SUCCEEDED


def test_a_swiss_event_cannot_touch_a_french_donation(client, stripe_keys, sections, donation):
    # The same ids, now as a French donation: a Swiss-signed event must not reach it.
    donation.site = sections["fr"].site
    donation.currency = "EUR"
    donation.save()

    response = post_event(client, "ch", event("payment_intent.succeeded", intent(section="fr")))

    assert response.status_code == 200
    assert response.content == b"ignored: not a donation of this section"
    donation.refresh_from_db()
    assert donation.status == DonationStatus.PENDING
    assert not Payment.objects.exists()


def test_an_event_another_section_ignored_is_still_applied_by_its_own(
    client, stripe_keys, sections, donation, django_capture_on_commit_callbacks
):
    """One Stripe account sending to every section (the demo's localstripe): each section decides once."""
    donation.site = sections["fr"].site
    donation.currency = "EUR"
    donation.save()
    payload = event("payment_intent.succeeded", intent(section="fr"))

    swiss = deliver(client, django_capture_on_commit_callbacks, "ch", payload)
    french = deliver(client, django_capture_on_commit_callbacks, "fr", payload)
    again = deliver(client, django_capture_on_commit_callbacks, "fr", payload)

    assert (swiss.content, again.content) == (
        b"ignored: not a donation of this section",
        b"already processed",
    )
    assert french.status_code == 200
    donation.refresh_from_db()
    assert donation.status == DonationStatus.SUCCEEDED
    assert Payment.objects.count() == 1
    assert len(mail.outbox) == 1


def test_each_section_verifies_with_its_own_secret(client, stripe_keys, sections, donation):
    donation.site = sections["fr"].site
    donation.save()
    payload = event("payment_intent.succeeded", intent(section="fr"))

    refused = post_event(client, "fr", payload, secret=KEYS["ch"]["webhook"])
    accepted = post_event(client, "fr", payload)

    assert refused.status_code == 400
    assert accepted.status_code == 200
    donation.refresh_from_db()
    assert donation.status == DonationStatus.SUCCEEDED


def test_a_replayed_event_is_applied_once(client, donation, django_capture_on_commit_callbacks):
    payload = event("payment_intent.succeeded", intent())

    first = deliver(client, django_capture_on_commit_callbacks, "ch", payload)
    again = deliver(client, django_capture_on_commit_callbacks, "ch", payload)

    assert (first.status_code, again.status_code) == (200, 200)
    assert again.content == b"already processed"
    assert Payment.objects.count() == 1
    assert StripeEvent.objects.count() == 1
    assert len(mail.outbox) == 1


def test_an_older_failure_arriving_late_does_not_undo_a_success(
    client, donation, django_capture_on_commit_callbacks
):
    now = int(time.time())
    succeeded = event("payment_intent.succeeded", intent(), created=now)
    failed_before = event(
        "payment_intent.payment_failed", intent("requires_payment_method", "ch_ch0"), created=now - 5
    )

    deliver(client, django_capture_on_commit_callbacks, "ch", succeeded)
    deliver(client, django_capture_on_commit_callbacks, "ch", failed_before)

    donation.refresh_from_db()
    assert donation.status == DonationStatus.SUCCEEDED
    # Both charges are on record: the refused first try and the successful one.
    assert dict(Payment.objects.values_list("stripe_charge_id", "status")) == {
        "ch_ch0": "failed",
        "ch_ch1": "succeeded",
    }


def test_a_failure_then_a_retried_success_in_order(client, donation, django_capture_on_commit_callbacks):
    now = int(time.time())
    deliver(
        client,
        django_capture_on_commit_callbacks,
        "ch",
        event("payment_intent.payment_failed", intent("requires_payment_method", "ch_ch0"), created=now - 5),
    )
    donation.refresh_from_db()
    assert donation.status == DonationStatus.FAILED

    deliver(
        client,
        django_capture_on_commit_callbacks,
        "ch",
        event("payment_intent.succeeded", intent(), created=now),
    )
    donation.refresh_from_db()
    assert donation.status == DonationStatus.SUCCEEDED


def test_a_refund_arriving_before_the_success_wins(client, donation, django_capture_on_commit_callbacks):
    now = int(time.time())
    deliver(
        client,
        django_capture_on_commit_callbacks,
        "ch",
        event("charge.refunded", charge_refunded(), created=now),
    )
    deliver(
        client,
        django_capture_on_commit_callbacks,
        "ch",
        event("payment_intent.succeeded", intent(), created=now - 60),
    )

    donation.refresh_from_db()
    assert donation.status == DonationStatus.REFUNDED
    payment = Payment.objects.get()
    assert (payment.status, payment.amount_refunded) == ("refunded", 6000)
    # A refunded payment gets no receipt.
    assert mail.outbox == []


def test_a_refund_after_the_success(client, donation, django_capture_on_commit_callbacks):
    now = int(time.time())
    deliver(
        client,
        django_capture_on_commit_callbacks,
        "ch",
        event("payment_intent.succeeded", intent(), created=now),
    )
    deliver(
        client,
        django_capture_on_commit_callbacks,
        "ch",
        event("charge.refunded", charge_refunded(2000), created=now + 1),
    )
    donation.refresh_from_db()
    assert donation.status == DonationStatus.SUCCEEDED  # partly refunded: still a gift
    assert Payment.objects.get().amount_refunded == 2000

    deliver(
        client,
        django_capture_on_commit_callbacks,
        "ch",
        event("charge.refunded", charge_refunded(), created=now + 2),
    )
    donation.refresh_from_db()
    assert donation.status == DonationStatus.REFUNDED
    assert Payment.objects.get().status == "refunded"


def test_an_unknown_event_type_is_acknowledged_and_ignored(client, donation):
    response = post_event(client, "ch", event("customer.created", {"id": "cus_ch1", "object": "customer"}))

    assert response.status_code == 200
    assert response.content == b"ignored"
    donation.refresh_from_db()
    assert donation.status == DonationStatus.PENDING


def test_a_success_for_a_donation_not_yet_committed_asks_stripe_to_retry(client, donation):
    response = post_event(client, "ch", event("payment_intent.succeeded", intent(pi="pi_new", key="b" * 32)))

    assert response.status_code == 409
    # Not recorded, so the retry will be applied.
    assert not StripeEvent.objects.exists()


def test_an_unknown_section_and_a_section_without_secret(client, donation, settings):
    payload = event("payment_intent.succeeded", intent())
    assert post_event(client, "xx", payload, secret=KEYS["ch"]["webhook"]).status_code == 404

    settings.SECTION_SECRETS = {
        key: value for key, value in settings.SECTION_SECRETS.items() if key != "STRIPE_WEBHOOK_SECRET_CH"
    }
    assert post_event(client, "ch", payload).status_code == 503
    donation.refresh_from_db()
    assert donation.status == DonationStatus.PENDING


def test_the_webhook_takes_only_post(client, donation):
    assert client.get("/donations/webhooks/ch/").status_code == 405
