"""What the kernel tells other apps: an action recorded or confirmed, a supporter being erased and erased.

Sent through `transaction.on_commit` (all but `supporter_erasing`), so a receiver never sees a row that a
rollback takes back, and the kernel imports nothing of the apps that listen (the CRM webhooks,
crm.receivers; donations.erasure).
"""

from functools import partial

from django.db import transaction
from django.dispatch import Signal

# sender: the action's model; action: the stored row (site_id, pk, supporter_id set); consents: the
# consent rows recorded with it (ConsentRecord.asked's dicts).
action_recorded = Signal()
# sender: the action's model; queryset: the one row that changed from pending to confirmed.
action_confirmed = Signal()
# sender: Supporter; supporter: who is being erased (their row locked, still holding their data). Sent
# inside the erasure's transaction, before their rows are blanked; receivers that reach out (Stripe) do
# so on commit (donations.erasure).
supporter_erasing = Signal()
# sender: Supporter; site_id, supporter_id: who was erased, once committed.
supporter_erased = Signal()


def send_on_commit(signal, sender, **kwargs):
    """Send `signal` once the current transaction commits (at once outside one), if anyone listens."""
    if signal.has_listeners(sender):
        transaction.on_commit(partial(signal.send, sender=sender, **kwargs))
