"""Background tasks (django-tasks): an event fanned out to the section's CRM webhooks, and each attempt."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django_tasks import task

from . import delivery


# Their own queue (settings.CRM_TASK_QUEUE): a CRM that answers slowly keeps its own workers busy, not the
# ones that send confirmation emails.
@task(queue_name=settings.CRM_TASK_QUEUE)
def publish_events(site_id, supporter_id, events, occurred_at):
    """Store the events ([kind, action label] pairs) and a delivery to each destination; send each."""
    ids = delivery.create_events(site_id, supporter_id, events, parse_datetime(occurred_at))
    for delivery_id in ids:
        transaction.on_commit(lambda delivery_id=delivery_id: deliver.enqueue(delivery_id))
    return len(ids)


@task(queue_name=settings.CRM_TASK_QUEUE)
def deliver(delivery_id):
    """One attempt; a failure is tried again when due (`send_crm_deliveries`), then a dead letter."""
    return delivery.attempt(delivery_id)


def enqueue_due(limit=1000):
    """Enqueue an attempt of each delivery that is due; returns how many (the periodic command calls it)."""
    ids = list(delivery.due(timezone.now()).order_by("next_attempt_at").values_list("pk", flat=True)[:limit])
    for delivery_id in ids:
        deliver.enqueue(delivery_id)
    return len(ids)
