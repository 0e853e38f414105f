"""What erasing a donor means at Stripe: their monthly gifts cancelled and their customer deleted.

The kernel's erasure (supporters.erasure) blanks the donor's rows and sends `supporter_erasing`; this
receiver notes the section's Stripe ids of that donor (ids only, nothing personal) and, once the erasure
is committed, hands them to a task: Stripe is reached from a worker, never while the row is locked.
Deleting a customer at Stripe removes its name, email and card; the payments stay in Stripe's books,
as the donations and payments stay in ours. Cancelling first ends the pledges even where deleting a
customer does not (localstripe); Stripe then sends `customer.subscription.deleted`, which marks each
monthly gift cancelled here (webhooks.py), as for any other cancellation.
"""

import logging

import stripe
from django.db import transaction
from django.dispatch import receiver
from django_tasks import task

from supporters.signals import supporter_erasing

from .models import Donation, ManageLink, MobileMoneyPayment

logger = logging.getLogger(__name__)


@receiver(supporter_erasing, dispatch_uid="donations.forget_donor_at_stripe")
def forget_donor(sender, supporter, **kwargs):
    # Links to manage the donor's monthly gifts open nothing any more.
    ManageLink.objects.filter(supporter=supporter).delete()
    # The mobile number that paid is theirs too.
    MobileMoneyPayment.objects.filter(donation__supporter=supporter).update(phone_number="")
    rows = Donation.objects.filter(supporter=supporter).values_list(
        "stripe_customer_id", "stripe_subscription_id"
    )
    customers = sorted({customer for customer, _subscription in rows if customer})
    subscriptions = sorted({subscription for _customer, subscription in rows if subscription})
    if customers or subscriptions:
        site_id = supporter.site_id
        transaction.on_commit(
            lambda: forget_at_stripe.enqueue(site_id, customers, subscriptions), robust=True
        )


def _gone(error):
    """Stripe answered that the object no longer exists or is already cancelled: nothing left to do."""
    return isinstance(error, stripe.InvalidRequestError) and error.http_status in (400, 404)


@task()
def forget_at_stripe(site_id, customer_ids, subscription_ids):
    """Cancel the subscriptions, then delete the customers, in the section's Stripe account; returns
    what was done. Already cancelled or deleted (a second erasure, a retry) counts as done."""
    from wagtail.models import Site

    from sections.models import SectionSettings

    from .payments import client_for

    site = Site.objects.filter(pk=site_id).first()
    section = SectionSettings.for_site(site) if site else None
    done = {"subscriptions": 0, "customers": 0}
    if section is None:
        return done
    client = client_for(section)
    for subscription_id in subscription_ids:
        try:
            client.v1.subscriptions.cancel(subscription_id)
        except stripe.StripeError as error:
            if not _gone(error):
                raise
        done["subscriptions"] += 1
    for customer_id in customer_ids:
        try:
            client.v1.customers.delete(customer_id)
        except stripe.StripeError as error:
            if not _gone(error):
                raise
        done["customers"] += 1
    logger.info("erasure at Stripe: section=%s %s", site_id, done)
    return done
