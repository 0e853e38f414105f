"""Sending an email task's message: a refused or unreachable mail server is retried with backoff, then recorded for data officers to resend.

django-tasks 0.12 has no retries of its own: a failed attempt enqueues the same task again with
`run_after` (the django-tasks-db backend keeps it until then) and the attempt's number. The visitor's
request never sees any of it: the task catches the error.
"""

import datetime
import logging
import smtplib

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks.base import Task

from .models import FailedEmail

logger = logging.getLogger(__name__)

# Refused (any SMTP error reply), or not reached: connection refused, no route, DNS, timeout (all OSError).
MAIL_ERRORS = (smtplib.SMTPException, OSError)


def describe(error):
    """The error's class and SMTP code, nothing of its message (it may quote the recipient's address)."""
    code = getattr(error, "smtp_code", None)
    if code is None and isinstance(error, smtplib.SMTPRecipientsRefused):
        code = next(iter(error.recipients.values()), (None,))[0]
    return f"{type(error).__name__} {code}" if code else type(error).__name__


def is_permanent(error):
    """A 5xx answer about this recipient or this message (550 mailbox unavailable, 554 rejected): waiting
    will not change it (RFC 5321, 4.2.1), so it is not retried for hours but listed at once.

    Everything else may pass: a 4xx, a server that cannot be reached or times out, and also a 5xx about
    the connection, the sender or the login (a relay refusing us, wrong credentials), which the section's
    operators can mend; those are retried.
    """
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(500 <= code < 600 for code, _message in error.recipients.values())
    return isinstance(error, smtplib.SMTPDataError) and 500 <= error.smtp_code < 600


def send(message, *, task, args, attempt, supporter, kind):
    """Send `message`, the email of `task(*args, attempt=attempt)`; True once the server accepted it.

    On a mail error: the task is enqueued again after settings.EMAIL_RETRY_DELAYS[attempt - 1] seconds;
    after the last delay, at once for a permanent refusal (`is_permanent`), or on a backend that runs
    tasks at once and cannot wait, the email is recorded as a FailedEmail of the supporter's section.
    """
    try:
        message.send()
    except MAIL_ERRORS as error:
        delays = settings.EMAIL_RETRY_DELAYS
        if attempt <= len(delays) and task.get_backend().supports_defer and not is_permanent(error):
            run_after = timezone.now() + datetime.timedelta(seconds=delays[attempt - 1])
            task.using(run_after=run_after).enqueue(*args, attempt=attempt + 1)
            logger.warning(
                "Email %s not sent (%s), attempt %s: retried at %s", kind, describe(error), attempt, run_after
            )
        else:
            FailedEmail.objects.create(
                site_id=supporter.site_id,
                supporter=supporter,
                kind=kind,
                task_path=task.module_path,
                task_args=list(args),
                attempts=attempt,
                error=describe(error)[:100],
            )
            logger.error("Email %s not sent (%s) after %s attempts", kind, describe(error), attempt)
        return False
    return True


def resend(failed):
    """Enqueue the email of `failed` again (a fresh series of attempts); False if it was already resent."""
    with transaction.atomic():
        marked = FailedEmail.objects.filter(pk=failed.pk, resent_at__isnull=True).update(
            resent_at=timezone.now()
        )
        if not marked:
            return False
        task = import_string(failed.task_path)
        if not isinstance(task, Task):
            raise TypeError(f"{failed.task_path} is not a task")
        task.enqueue(*failed.task_args)
    return True
