"""Background tasks (django-tasks): an outcome's emails, sent from the queue, never during an editor's save."""

from django_tasks import task

from . import delivery
from .models import ActionOutcome


@task()
def send_outcome_emails(outcome_id):
    """Emails the outcome to each opted-in supporter who has not had it; returns how many were sent."""
    outcome = ActionOutcome.objects.filter(pk=outcome_id).first()
    return delivery.send_outcome(outcome) if outcome else 0
