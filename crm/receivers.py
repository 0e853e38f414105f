"""The kernel's signals (supporters.signals) turned into CRM events, after the visitor's transaction commits.

The visitor's request pays one query (does the section have a webhook?) and, if so, one
task enqueued; the events, deliveries and HTTP requests are the task workers' work.
"""

from django.dispatch import receiver
from django.utils import timezone

from supporters.models import ConsentPurpose
from supporters.signals import action_confirmed, action_recorded, supporter_erased

from .delivery import has_destinations
from .models import EventKind
from .tasks import publish_events


def publish(site_id, supporter_id, events):
    if supporter_id is None or not has_destinations(site_id):
        return
    publish_events.enqueue(site_id, supporter_id, events, timezone.now().isoformat())


def label(model, pk):
    return f"{model._meta.label_lower}:{pk}"


@receiver(action_recorded)
def action_was_recorded(sender, action, consents=(), **kwargs):
    events = [[EventKind.ACTION.value, label(sender, action.pk)]]
    # A choice beyond the processing of the action itself (the newsletter, a local group) is a change
    # of what the person agreed to.
    if any(consent["purpose"] != ConsentPurpose.PROCESSING for consent in consents):
        events.append([EventKind.CONSENT.value, label(sender, action.pk)])
    publish(action.site_id, action.supporter_id, events)


@receiver(action_confirmed)
def action_was_confirmed(sender, queryset, **kwargs):
    row = queryset.values("pk", "site_id", "supporter_id").first()
    if row is not None:
        publish(
            row["site_id"], row["supporter_id"], [[EventKind.CONFIRMATION.value, label(sender, row["pk"])]]
        )


@receiver(supporter_erased)
def supporter_was_erased(sender, site_id, supporter_id, **kwargs):
    publish(site_id, supporter_id, [[EventKind.ERASURE.value, ""]])
