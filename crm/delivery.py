"""Sending: events fanned out to a section's destinations, one attempt of one delivery, and backoff.

A delivery is claimed for the length of one attempt with a conditional UPDATE (no transaction held
while waiting for the CRM), so two workers never send it at once, and one slow or failing
destination only ever holds the worker running its own attempt, for CRM_WEBHOOK_TIMEOUT at most.
"""

import datetime
import logging

import requests
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from . import addresses, payloads, signing
from .models import Delivery, DeliveryState, Event, WebhookDestination

logger = logging.getLogger(__name__)

MAX_BACKOFF = datetime.timedelta(hours=6)


def has_destinations(site_id):
    return WebhookDestination.objects.filter(site_id=site_id).exists()


def create_events(site_id, supporter_id, events, occurred_at):
    """Store `events` ((kind, action label) pairs) with a delivery to each destination of the section;
    returns the deliveries' ids, to be sent once this is committed. A paused destination's deliveries
    wait: they are sent once it is active again (`send_crm_deliveries`)."""
    destinations = list(WebhookDestination.objects.filter(site_id=site_id).values_list("pk", flat=True))
    if not destinations:
        return []
    with transaction.atomic():
        rows = Event.objects.bulk_create(
            Event(
                site_id=site_id, supporter_id=supporter_id, kind=kind, action=label, occurred_at=occurred_at
            )
            for kind, label in events
        )
        deliveries = Delivery.objects.bulk_create(
            Delivery(event=event, destination_id=destination)
            for event in rows
            for destination in destinations
        )
    return [delivery.pk for delivery in deliveries]


def backoff(attempts):
    """How long to wait after the `attempts`-th failed attempt: BACKOFF seconds, doubled each time."""
    seconds = settings.CRM_WEBHOOK_BACKOFF * 2 ** min(attempts - 1, 20)
    return min(datetime.timedelta(seconds=seconds), MAX_BACKOFF)


def due(now):
    """Pending deliveries to active destinations whose next attempt is due and that nobody is sending."""
    return Delivery.objects.filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now),
        state=DeliveryState.PENDING,
        next_attempt_at__lte=now,
        destination__active=True,
    )


def attempt(delivery_id):
    """Make one attempt of the delivery if it is due and nobody else is making one; returns its state."""
    now = timezone.now()
    lease = now + datetime.timedelta(seconds=settings.CRM_WEBHOOK_TIMEOUT * 3 + 30)
    if not due(now).filter(pk=delivery_id).update(claimed_until=lease):
        return None
    delivery = Delivery.objects.select_related("event", "destination").get(pk=delivery_id)
    status, error = send(delivery)
    delivery.attempts += 1
    delivery.last_attempt_at = timezone.now()
    delivery.last_status = status
    delivery.last_error = error[:300]
    delivery.claimed_until = None
    if not error:
        delivery.state = DeliveryState.DELIVERED
        delivery.delivered_at = delivery.last_attempt_at
    elif delivery.attempts >= settings.CRM_WEBHOOK_MAX_ATTEMPTS:
        delivery.state = DeliveryState.DEAD
    else:
        delivery.next_attempt_at = delivery.last_attempt_at + backoff(delivery.attempts)
    delivery.save(
        update_fields=[
            "attempts",
            "last_attempt_at",
            "last_status",
            "last_error",
            "claimed_until",
            "state",
            "delivered_at",
            "next_attempt_at",
        ]
    )
    return delivery.state


def send(delivery):
    """POST the event, signed; returns (HTTP status or None, error or "" when the CRM took it)."""
    destination, event = delivery.destination, delivery.event
    # Checked again at each attempt: the host's name may point elsewhere since it was saved.
    reason = addresses.refusal(destination.url)
    if reason:
        return None, f"Address refused: {reason}"
    body = payloads.body(event)
    headers = signing.headers(destination.signing_secret, event.event_id, event.kind, body)
    try:
        with requests.Session() as session:
            # No proxy from the environment, and no redirects: only the checked address is reached.
            session.trust_env = False
            response = session.post(
                destination.url,
                data=body,
                headers=headers,
                timeout=settings.CRM_WEBHOOK_TIMEOUT,
                allow_redirects=False,
            )
            response.close()
    except requests.Timeout:
        return None, f"No answer within {settings.CRM_WEBHOOK_TIMEOUT:g} seconds"
    except requests.RequestException as error:
        return None, f"Could not connect: {type(error).__name__}"
    if 200 <= response.status_code < 300:
        return response.status_code, ""
    return response.status_code, f"HTTP {response.status_code} {response.reason or ''}".strip()


def replay(delivery):
    """Send a dead letter again from its first attempt; True if it was a dead letter."""
    changed = Delivery.objects.filter(pk=delivery.pk, state=DeliveryState.DEAD).update(
        state=DeliveryState.PENDING, attempts=0, next_attempt_at=timezone.now(), claimed_until=None
    )
    if changed:
        from .tasks import deliver

        transaction.on_commit(lambda: deliver.enqueue(delivery.pk))
    return bool(changed)
