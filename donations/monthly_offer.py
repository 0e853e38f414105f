"""The thank-you page's offer to a one-off donor: the same amount every month, in one click, on the card
they just used (the issue: "in one step where the payment method allows it").

The offer names no donation in its form: the POST acts on the gift the session holds (views.SESSION_KEY),
so nothing personal and no id is in a URL or a field. The monthly gift's idempotency key is derived from
the one-off gift's, so a second click (or a replayed POST) finds it and creates nothing more; it is
recorded through `record_action` like every gift and settled by the webhooks like every monthly one.
"""

import stripe
from django.db import transaction

from supporters.actions import record_action
from supporters.models import ConsentPurpose, ConsentRecord

from . import payments
from .models import FIXED_DESIGNATIONS, Donation, DonationStatus, Frequency

# Whether the gift's payment method can pay every month, kept in the session: one Stripe call per gift.
SESSION_KEY = "donations:monthly_offer"


def monthly_key(one_off):
    return f"{one_off.idempotency_key}:monthly"


def monthly_of(one_off):
    """The monthly gift made from this one-off gift's thank-you page, if any."""
    return Donation.objects.filter(idempotency_key=monthly_key(one_off), site_id=one_off.site_id).first()


def may_offer(page, one_off):
    """Whether the page may offer this gift's amount every month, before asking Stripe about its card."""
    return (
        one_off is not None
        and one_off.frequency == Frequency.ONE_OFF
        and Frequency.MONTHLY in page.frequencies
        and bool(one_off.stripe_customer_id)
        and bool(one_off.email)
        and one_off.status in (DonationStatus.PENDING, DonationStatus.SUCCEEDED)
        # A membership fee is paid for a year, not given again every month.
        and one_off.designation not in FIXED_DESIGNATIONS
    )


def card_allows(request, section, one_off):
    """Whether the gift was paid with a card Stripe can charge every month (asked once per gift)."""
    known = request.session.get(SESSION_KEY) or {}
    if str(one_off.pk) not in known:
        try:
            known[str(one_off.pk)] = bool(payments.reusable_card(section, one_off.stripe_customer_id))
        except stripe.StripeError:
            return False  # no offer rather than a broken page; asked again at the next visit
        request.session[SESSION_KEY] = known
    return known[str(one_off.pk)]


def give_monthly(section, one_off):
    """Create the monthly gift of `one_off`'s amount on its customer and card; returns it.

    Returns the existing one when it was made already (a second click). Raises payments.PaymentDeclined
    (NotReusable included) or stripe.StripeError; then nothing is written.
    """
    existing = monthly_of(one_off)
    if existing is not None:
        return existing
    monthly = Donation(
        site_id=one_off.site_id,
        language=one_off.language,
        ip_hash=one_off.ip_hash,
        page_id=one_off.page_id,
        frequency=Frequency.MONTHLY,
        amount=one_off.amount,
        currency=one_off.currency,
        designation=one_off.designation,
        idempotency_key=monthly_key(one_off),
        stripe_customer_id=one_off.stripe_customer_id,
        first_name=one_off.first_name,
        last_name=one_off.last_name,
        email=one_off.email,
        address_line=one_off.address_line,
        postal_code=one_off.postal_code,
        city=one_off.city,
        country=one_off.country,
    )
    # The processing consent the donor gave with their gift, in the words they were shown, covers the
    # monthly gift they add to it; the newsletter choice is theirs already and is not asked again.
    wording = (
        ConsentRecord.objects.filter(
            supporter_id=one_off.supporter_id,
            action=f"donations.donation:{one_off.pk}",
            purpose=ConsentPurpose.PROCESSING,
        )
        .values_list("wording", flat=True)
        .first()
    )
    consents = ConsentRecord.asked(one_off.site, one_off.language, wording) if wording else []
    with transaction.atomic():
        recorded = record_action(
            monthly, consents, email=one_off.email, first_name=one_off.first_name, last_name=one_off.last_name
        )
        if not recorded:
            return monthly_of(one_off)  # a twin click recorded it a moment ago
        payments.start_monthly_on_customer(section, monthly)
        monthly.save(update_fields=["stripe_subscription_id"])
    return monthly
