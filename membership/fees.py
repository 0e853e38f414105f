"""Membership fees: paid through the section's donation flow, and counted as paid only when Stripe confirms it."""

from django.utils import timezone

from donations import money
from donations.signals import donation_succeeded

from .models import JoinPage, Membership, MembershipState


def fee_paid(sender, donation, **kwargs):
    """A gift designated "membership" that Stripe confirmed pays the fee of its donor's membership of that
    section, once, if it is at least the join page's fee (the designation and amount come from a link, so
    the amount is checked here)."""
    if donation.designation != "membership":
        return
    membership = (
        Membership.objects.filter(
            site_id=donation.site_id,
            supporter_id=donation.supporter_id,
            state=MembershipState.CONFIRMED,
            fee_paid_at__isnull=True,
        )
        .only("join_page_key")
        .first()
    )
    if membership is None:
        return
    page = JoinPage.objects.filter(translation_key=membership.join_page_key).order_by("pk").first()
    if page is None or not page.membership_fee:
        return
    # The gift is in the section's currency (donations.forms): the fee is compared in its minor units.
    if donation.amount < money.to_minor(page.membership_fee, donation.currency):
        return
    # Conditional: a webhook delivered twice at once marks the fee paid once.
    Membership.objects.filter(pk=membership.pk, fee_paid_at__isnull=True).update(
        fee_paid_at=timezone.now(), fee_donation=donation
    )


def register_signal_handlers():
    donation_succeeded.connect(fee_paid, dispatch_uid="membership.fees.fee_paid")
