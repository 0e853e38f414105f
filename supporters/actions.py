"""Recording a supporter's action, the one way every app does it: supporter, action, consent lines, count."""

from contextlib import nullcontext

from django.core.exceptions import ValidationError
from django.db import connection, transaction

from . import one_statement, task_rows
from .encryption import email_hash
from .models import ActionCount, ConsentRecord, Supporter
from .signals import action_recorded, send_on_commit

# Where the same steps run as one statement (see one_statement.py for why); elsewhere (SQLite for
# `make run`, or a letter without an email) they run through the ORM below.
ONE_STATEMENT_VENDOR = "postgresql"


def record_action(action, consents=(), *, email=None, first_name="", last_name="", count_key=None, then=None):
    """Store `action` unless its supporter already did it; True if it was stored, False for a repeat.

    `action` is an unsaved SupporterAction (a signature, a letter, a donation, a membership) with its
    section (`site`) set. Atomically, and within the caller's transaction if there is one:
    - with an `email`, the section's supporter with that canonical email is found, or created with
      `first_name` and `last_name`, and becomes `action.supporter_id` (without one, as a letter
      may be, the action has no supporter and no consent lines);
    - if a stored row already holds what the action's unique fields or constraints make unique (this
      supporter already did it), nothing else is written and the result is False;
    - otherwise the action is saved, the `consents` (rows from `ConsentRecord.asked`) are stored for
      the supporter and the action, and the count `count_key`, if given, goes up by one;
    - `then`, a django-tasks task and its arguments after the action's id (`(task, *args)`), is
      enqueued as `task.enqueue(action.pk, *args)` with the action: a confirmation email's task exists
      exactly when its pending action does;
    - once the transaction commits, `supporters.signals.action_recorded` tells the apps that listen.
    """
    task, *task_args = then or (None,)
    if email and connection.vendor == ONE_STATEMENT_VENDOR:
        supporter = {
            "site_id": action.site_id,
            "email": email.strip(),
            "email_hash": email_hash(action.site_id, email),
            "first_name": first_name,
            "last_name": last_name,
        }
        # A task for django-tasks-db's database is written by the action's own statement (task_rows.py);
        # one for another backend is enqueued after it, in one transaction with it.
        task_row = task_rows.row_values(task, task_args) if task is not None else None
        enqueue_after = task is not None and task_row is None
        with transaction.atomic(savepoint=False) if enqueue_after else nullcontext():
            action.supporter_id, action_id = one_statement.record(
                action, supporter, consents, count_key, task_row
            )
            if action_id is None:
                return False
            action.pk, action._state.adding = action_id, False
            if enqueue_after:
                task.enqueue(action_id, *task_args)
        send_on_commit(action_recorded, type(action), action=action, consents=consents)
        return True
    # No savepoint inside a caller's transaction (two statements fewer): a repeat is found before
    # anything is written, so only a real error can end the block, and that ends the caller's too.
    with transaction.atomic(savepoint=False):
        if email:
            action.supporter_id = supporter_id(action.site_id, email, first_name, last_name)
        if is_repeat(action):
            return False
        action.save(force_insert=True)
        if action.supporter_id is not None and consents:
            label = f"{action._meta.label_lower}:{action.pk}"
            ConsentRecord.objects.bulk_create(
                ConsentRecord(**row, supporter_id=action.supporter_id, action=label) for row in consents
            )
        if count_key is not None:
            ActionCount.increment(count_key)
        if task is not None:
            task.enqueue(action.pk, *task_args)
    send_on_commit(action_recorded, type(action), action=action, consents=consents)
    return True


def supporter_id(site_id, email, first_name, last_name):
    """The id of the section's supporter with this canonical email, created if new, in one statement.

    The conflict's no-op update (the email's hash set to itself) makes PostgreSQL return the
    existing row's id too, and lock that row until the transaction ends: two actions from one
    address at once run one after the other. `get_or_create` would take up to four statements.
    """
    supporter = Supporter(
        site_id=site_id,
        email=email.strip(),
        email_hash=email_hash(site_id, email),
        first_name=first_name,
        last_name=last_name,
    )
    Supporter.objects.bulk_create(
        [supporter],
        update_conflicts=True,
        unique_fields=["site", "email_hash"],
        update_fields=["email_hash"],
    )
    return supporter.pk


def is_repeat(action):
    """Whether a stored row already holds what `action`'s unique fields or constraints make unique.

    Race-free for actions with a supporter: `supporter_id` holds the supporter's row locked until the
    transaction ends, so the same person's other actions wait, and then see this one. The unique
    constraints stay the last guard (an IntegrityError) for rows written any other way.
    """
    try:
        action.validate_unique()
        action.validate_constraints()
    except ValidationError:
        return True
    return False
