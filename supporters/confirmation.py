"""Double opt-in for every action: signed links that name only a row's id, and confirming a row once."""

from django.core import signing
from django.db import transaction
from django.utils import timezone

from . import ratelimit
from .models import ActionCount
from .signals import action_confirmed, send_on_commit

CONFIRMATION_MAX_AGE = 7 * 24 * 3600  # a week to find the email and click
# A repeat (the same address acting again) sends at most one "you already did" email per stored action in
# this window, so nobody can flood a stranger's mailbox by acting with their address.
DUPLICATE_EMAIL_WINDOW = 3600


class ConfirmationLink:
    """Tokens for one kind of action's confirmation links: signed, timestamped, with the kind's own salt.

    A token names only the row's id (no email, nothing personal), and a token made for one kind of
    action does not confirm another.
    """

    def __init__(self, salt, max_age=CONFIRMATION_MAX_AGE):
        self.salt = salt
        self.max_age = max_age

    def token(self, row_id):
        return signing.TimestampSigner(salt=self.salt).sign(str(row_id))

    def row_id(self, token):
        """The id in `token`; raises signing.SignatureExpired, signing.BadSignature or ValueError."""
        return int(signing.TimestampSigner(salt=self.salt).unsign(token, max_age=self.max_age))


def confirm_pending(queryset, count_key, pending="pending", confirmed="confirmed"):
    """Mark the pending row of `queryset` confirmed and count it under `count_key`; True only for the
    call that changed it (and `supporters.signals.action_confirmed` tells the listening apps once committed).

    The conditional UPDATE makes a double click, or two clicks at once, count once: PostgreSQL
    re-checks the state after the first transaction commits.
    """
    with transaction.atomic():
        changed = queryset.filter(state=pending).update(state=confirmed, confirmed_at=timezone.now())
        if changed == 1 and count_key is not None:
            ActionCount.increment(count_key)
        if changed == 1:
            send_on_commit(action_confirmed, queryset.model, queryset=queryset)
    return changed == 1


def tell_repeat(stored_actions, task, scope):
    """The person of a repeat is told by `task`'s "duplicate" email about their stored action (the first of
    `stored_actions`, a queryset), at most once per DUPLICATE_EMAIL_WINDOW for that action.

    The visitor sees the same answer as for a first action: nothing says on screen that the address was known.
    """
    existing = stored_actions.values_list("pk", flat=True).first()
    if existing is not None and ratelimit.hit(
        f"{scope}-duplicate-email:{existing}", 1, DUPLICATE_EMAIL_WINDOW
    ):
        task.enqueue(existing, "duplicate")
