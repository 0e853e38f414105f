"""Applies verified Stripe events to donations and payments: once per event id, older events never overwrite newer ones."""

import datetime
import time
from functools import partial

import stripe
from django.db import IntegrityError, transaction
from django.db.models import Q

from .emails import send_payment_failed, send_receipt
from .models import Donation, DonationStatus, Frequency, Payment, PaymentStatus, StripeEvent
from .receipts import cancel_receipt, issue_receipt
from .signals import donation_succeeded


class NotYetKnown(Exception):
    """A success for a donation of this section that is not committed yet: Stripe should deliver it again later."""


# How far a delivery's signed timestamp may be from our clock, either way (Stripe's default).
TOLERANCE_SECONDS = stripe.Webhook.DEFAULT_TOLERANCE


def verified_event(payload, header, secret):
    """The event of a delivery signed with `secret` within the tolerance of now, in the past or the future.

    Raises stripe.SignatureVerificationError (or ValueError for a body that is not JSON).
    Stripe's own check refuses only old timestamps: a delivery dated ahead would stay
    replayable until that time had passed, so the future side is bounded here too
    (a few seconds of clock skew stay within the tolerance).
    """
    event = stripe.Webhook.construct_event(payload, header, secret, tolerance=TOLERANCE_SECONDS)
    # The header's timestamp is the one the signature covers (checked above); Stripe reads the first.
    signed_at = next(
        int(value) for key, _, value in (part.partition("=") for part in header.split(",")) if key == "t"
    )
    if signed_at > time.time() + TOLERANCE_SECONDS:
        raise stripe.SignatureVerificationError(f"Timestamp in the future ({signed_at})", header, payload)
    return event.to_dict()


# On events with the same timestamp (Stripe counts in seconds), only a move forward is taken.
RANK = {
    DonationStatus.PENDING: 0,
    DonationStatus.FAILED: 1,
    DonationStatus.SUCCEEDED: 2,
    DonationStatus.CANCELLED: 3,
    DonationStatus.REFUNDED: 3,
}
PAYMENT_RANK = {
    PaymentStatus.PROCESSING: 0,
    PaymentStatus.FAILED: 1,
    PaymentStatus.SUCCEEDED: 2,
    PaymentStatus.REFUNDED: 3,
}


def handle(section, event):
    """Apply one event for `section`; returns a short text for the response (and the logs)."""
    event_type = event["type"]
    handler = HANDLERS.get(event_type)
    created = datetime.datetime.fromtimestamp(int(event["created"]), tz=datetime.UTC)
    with transaction.atomic():
        try:
            with transaction.atomic():
                StripeEvent.objects.create(
                    event_id=event["id"], site=section.site, type=event_type, created=created
                )
        except IntegrityError:
            return "already processed"
        if handler is None:
            return "ignored"
        return handler(section, event["data"]["object"], created)


# --- Finding the donation, always within the section ------------------------------------


def _id(value):
    """An expandable field's id, whether Stripe sent the id or the whole object."""
    if value is None or isinstance(value, str):
        return value
    return value.get("id")


def _metadata(obj):
    metadata = obj.get("metadata") or {}
    if not metadata.get("plaidoyer_donation"):
        details = (
            obj.get("subscription_details") or (obj.get("parent") or {}).get("subscription_details") or {}
        )
        metadata = details.get("metadata") or metadata
    return metadata


def _donation(section, obj, success, **lookups):
    """The section's donation matching any of `lookups` (locked), else None or NotYetKnown."""
    query = Q()
    for field, value in lookups.items():
        if value:
            query |= Q(**{field: value})
    metadata = _metadata(obj)
    key = metadata.get("plaidoyer_donation")
    if key:
        query |= Q(idempotency_key=key)
    if not query:
        return None
    donation = Donation.objects.select_for_update().filter(query, site=section.site).first()
    if donation is None and key and success and metadata.get("section") == section.code:
        raise NotYetKnown(key)
    return donation


def _subscription_of(invoice):
    subscription = invoice.get("subscription")
    if not subscription:
        details = (invoice.get("parent") or {}).get("subscription_details") or {}
        subscription = details.get("subscription")
    return _id(subscription)


# --- State changes ------------------------------------------------------------------------


def set_status(donation, status, at):
    """Move a donation to `status` unless a newer event already set it (events may arrive in any order)."""
    current = donation.status
    if status == current or status == DonationStatus.PENDING:
        return False
    if donation.status_event_at is not None:
        if at < donation.status_event_at:
            return False
        if at == donation.status_event_at and RANK[status] <= RANK[current]:
            return False
    donation.status = status
    donation.status_event_at = at
    donation.save(update_fields=["status", "status_event_at"])
    if status == DonationStatus.SUCCEEDED:
        donation_succeeded.send(sender=Donation, donation=donation)
    return True


def record_payment(
    donation, at, status, amount, currency, charge=None, invoice=None, intent=None, refunded=0
):
    """Create or update the Payment of one charge (of one invoice, for monthly gifts)."""
    query = Q()
    if invoice:
        query |= Q(stripe_invoice_id=invoice)
    if charge:
        query |= Q(stripe_charge_id=charge)
    if intent and not invoice:
        query |= Q(stripe_payment_intent_id=intent)
    payment = donation.payments.select_for_update().filter(query).first() if query else None
    if payment is None:
        payment = Payment(donation=donation, status=status, status_event_at=at, occurred_at=at)
    elif at > payment.status_event_at or (
        at == payment.status_event_at and PAYMENT_RANK[status] > PAYMENT_RANK[payment.status]
    ):
        payment.status = status
        payment.status_event_at = at
    # else: an older event about this payment; it only fills in what is missing.
    payment.occurred_at = min(payment.occurred_at, at)
    payment.amount = amount or payment.amount
    payment.currency = currency or payment.currency
    payment.amount_refunded = max(refunded, payment.amount_refunded)
    payment.stripe_charge_id = charge or payment.stripe_charge_id
    payment.stripe_invoice_id = invoice or payment.stripe_invoice_id
    payment.stripe_payment_intent_id = intent or payment.stripe_payment_intent_id
    payment.save()
    # In this transaction: the receipt and its number exist only if the payment is recorded.
    issue_receipt(payment)
    if payment.status == PaymentStatus.SUCCEEDED and payment.receipt_sent_at is None:
        # Sent after commit, by the task queue: the webhook answers at once.
        transaction.on_commit(partial(send_receipt.enqueue, payment.pk))
    return payment


# --- Handlers -----------------------------------------------------------------------------


def payment_intent_succeeded(section, intent, at):
    if intent.get("invoice"):
        return "ignored: monthly payments are applied from invoice events"
    donation = _donation(section, intent, True, stripe_payment_intent_id=intent["id"])
    if donation is None:
        return "ignored: not a donation of this section"
    record_payment(
        donation,
        at,
        PaymentStatus.SUCCEEDED,
        intent.get("amount_received") or intent["amount"],
        intent["currency"].upper(),
        charge=_id(intent.get("latest_charge")),
        intent=intent["id"],
    )
    set_status(donation, DonationStatus.SUCCEEDED, at)
    return "donation succeeded"


def payment_intent_failed(section, intent, at):
    if intent.get("invoice"):
        return "ignored: monthly payments are applied from invoice events"
    donation = _donation(section, intent, False, stripe_payment_intent_id=intent["id"])
    if donation is None:
        return "ignored: not a donation of this section"
    charge = _id(intent.get("latest_charge")) or (intent.get("last_payment_error") or {}).get("charge")
    if charge:
        record_payment(
            donation, at, PaymentStatus.FAILED, intent["amount"], intent["currency"].upper(), charge=charge
        )
    set_status(donation, DonationStatus.FAILED, at)
    return "donation failed"


def payment_intent_canceled(section, intent, at):
    if intent.get("invoice"):
        return "ignored: monthly payments are applied from invoice events"
    donation = _donation(section, intent, False, stripe_payment_intent_id=intent["id"])
    if donation is None:
        return "ignored: not a donation of this section"
    set_status(donation, DonationStatus.CANCELLED, at)
    return "donation cancelled"


def payment_intent_processing(section, intent, at):
    """A month's direct debit is under way (the bank answers days later): that month has not failed, even when
    it is the retry of one that did (perhaps on the new account the donor gave)."""
    invoice = _id(intent.get("invoice"))
    if not invoice:
        return "ignored: a one-off payment stays pending until it succeeds or fails"
    payment = Payment.objects.filter(stripe_invoice_id=invoice, donation__site=section.site).first()
    if payment is not None:
        donation = _donation(section, intent, False, pk=payment.donation_id)
    else:
        # A month's first attempt: Stripe's invoice PaymentIntent names the customer, not the subscription.
        customer = _id(intent.get("customer"))
        donation = (
            Donation.objects.select_for_update()
            .filter(site=section.site, frequency=Frequency.MONTHLY, stripe_customer_id=customer)
            .exclude(stripe_subscription_id="")
            .order_by("-pk")
            .first()
            if customer
            else None
        )
    if donation is None:
        return "ignored: not a donation of this section"
    if payment is not None and payment.status in (PaymentStatus.SUCCEEDED, PaymentStatus.REFUNDED):
        return "ignored: this month is paid already"
    record_payment(
        donation,
        at,
        PaymentStatus.PROCESSING,
        intent["amount"],
        intent["currency"].upper(),
        invoice=invoice,
        intent=intent["id"],
    )
    return "monthly debit under way"


def invoice_paid(section, invoice, at):
    subscription = _subscription_of(invoice)
    donation = _donation(section, invoice, True, stripe_subscription_id=subscription)
    if donation is None:
        return "ignored: not a donation of this section"
    record_payment(
        donation,
        at,
        PaymentStatus.SUCCEEDED,
        invoice.get("amount_paid") or invoice.get("total") or donation.amount,
        (invoice.get("currency") or donation.currency).upper(),
        charge=_id(invoice.get("charge")),
        invoice=invoice["id"],
        intent=_id(invoice.get("payment_intent")),
    )
    set_status(donation, DonationStatus.SUCCEEDED, at)
    return "monthly payment recorded"


def invoice_payment_failed(section, invoice, at):
    subscription = _subscription_of(invoice)
    donation = _donation(section, invoice, False, stripe_subscription_id=subscription)
    if donation is None:
        return "ignored: not a donation of this section"
    payment = record_payment(
        donation,
        at,
        PaymentStatus.FAILED,
        invoice.get("amount_due") or invoice.get("total") or donation.amount,
        (invoice.get("currency") or donation.currency).upper(),
        charge=_id(invoice.get("charge")),
        invoice=invoice["id"],
        intent=_id(invoice.get("payment_intent")),
    )
    if payment.status == PaymentStatus.FAILED and payment.failure_notice_sent_at is None:
        # The donor is told once per invoice, with a link to update the card (the task checks again).
        transaction.on_commit(partial(send_payment_failed.enqueue, payment.pk))
    set_status(donation, DonationStatus.FAILED, at)
    return "monthly payment failed"


def subscription_deleted(section, subscription, at):
    donation = _donation(section, subscription, False, stripe_subscription_id=subscription["id"])
    if donation is None:
        return "ignored: not a donation of this section"
    set_status(donation, DonationStatus.CANCELLED, at)
    return "monthly donation cancelled"


def charge_refunded(section, charge, at):
    payment = (
        Payment.objects.select_related("donation")
        .filter(stripe_charge_id=charge["id"], donation__site=section.site)
        .first()
    )
    if payment is not None:
        donation = _donation(section, charge, False, pk=payment.donation_id)
    else:
        donation = _donation(
            section,
            charge,
            False,
            stripe_payment_intent_id=_id(charge.get("payment_intent")),
            stripe_customer_id=_id(charge.get("customer")),
        )
    if donation is None:
        return "ignored: not a donation of this section"
    fully = bool(charge.get("refunded")) or charge.get("amount_refunded", 0) >= charge["amount"]
    payment = record_payment(
        donation,
        at,
        PaymentStatus.REFUNDED if fully else PaymentStatus.SUCCEEDED,
        charge["amount"],
        charge["currency"].upper(),
        charge=charge["id"],
        invoice=_id(charge.get("invoice")),
        intent=_id(charge.get("payment_intent")) if not charge.get("invoice") else None,
        refunded=charge.get("amount_refunded", 0),
    )
    if payment.status == PaymentStatus.REFUNDED:
        # Nothing may be deducted for a gift given back: its receipt is cancelled, its number kept.
        cancel_receipt(payment)
    if fully and donation.frequency == Frequency.ONE_OFF:
        set_status(donation, DonationStatus.REFUNDED, at)
    return "refund recorded"


# What a monthly gift's status becomes when its subscription's status changes at Stripe (a failed month
# that Stripe stops retrying, a subscription ended in the dashboard). "active" is left to invoice events,
# which record the payment that made it so.
SUBSCRIPTION_STATUSES = {
    "past_due": DonationStatus.FAILED,
    "unpaid": DonationStatus.FAILED,
    "canceled": DonationStatus.CANCELLED,
    "incomplete_expired": DonationStatus.CANCELLED,
}


def _monthly_amount(subscription):
    """The amount a subscription charges each month (minor units), or None when its items do not say."""
    items = (subscription.get("items") or {}).get("data") or []
    if len(items) != 1:
        return None
    item = items[0]
    unit = (item.get("price") or {}).get("unit_amount")
    if unit is None:
        return None
    return int(unit) * int(item.get("quantity") or 1)


def subscription_updated(section, subscription, at):
    """A monthly gift changed at Stripe: its amount (a new price) and its status follow, unless a newer
    event already set them."""
    donation = _donation(section, subscription, False, stripe_subscription_id=subscription["id"])
    if donation is None or donation.frequency != Frequency.MONTHLY:
        return "ignored: not a monthly donation of this section"
    changed = []
    amount = _monthly_amount(subscription)
    if amount and (donation.plan_event_at is None or at >= donation.plan_event_at):
        if amount != donation.amount:
            changed.append("amount")
        donation.amount, donation.plan_event_at = amount, at
        donation.save(update_fields=["amount", "plan_event_at"])
    status = SUBSCRIPTION_STATUSES.get(subscription.get("status"))
    if status is not None and set_status(donation, status, at):
        changed.append("status")
    return f"monthly donation updated: {', '.join(changed)}" if changed else "monthly donation unchanged"


HANDLERS = {
    "payment_intent.succeeded": payment_intent_succeeded,
    "payment_intent.payment_failed": payment_intent_failed,
    "payment_intent.canceled": payment_intent_canceled,
    "payment_intent.processing": payment_intent_processing,
    # Stripe sends both for a paid invoice; the second one finds the payment already recorded.
    "invoice.paid": invoice_paid,
    "invoice.payment_succeeded": invoice_paid,
    "invoice.payment_failed": invoice_payment_failed,
    "customer.subscription.updated": subscription_updated,
    "customer.subscription.deleted": subscription_deleted,
    "charge.refunded": charge_refunded,
}
