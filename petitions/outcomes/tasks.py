"""Background tasks (django-tasks): an outcome's emails, sent from the queue, never during an editor's save."""

from django.utils import timezone
from django_tasks import task

from supporters import delivery as mail
from supporters.models import EmailKind

from . import delivery
from .models import ActionOutcome, OutcomeEmail


@task()
def queue_outcome_emails(outcome_id):
    """Queues the outcome's email to each opted-in supporter who has none yet; returns how many."""
    outcome = ActionOutcome.objects.filter(pk=outcome_id).first()
    return delivery.queue_emails(outcome) if outcome else 0


@task()
def send_outcome_email(email_id, attempt=1):
    """Sends one outcome email unless it was sent already or its supporter was erased meanwhile.

    A refused send is retried, then listed for the section's data officers to resend (supporters.delivery).
    """
    email = OutcomeEmail.objects.select_related("supporter__site", "outcome").filter(pk=email_id).first()
    if email is None or email.sent_at or email.supporter.erased_at or not email.supporter.email:
        return False
    sent = mail.send(
        delivery.message(email),
        task=send_outcome_email,
        args=(email_id,),
        attempt=attempt,
        supporter=email.supporter,
        kind=EmailKind.ACTION_OUTCOME,
    )
    if sent:
        OutcomeEmail.objects.filter(pk=email_id, sent_at=None).update(sent_at=timezone.now())
    return sent
