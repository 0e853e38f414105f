"""Erasure of a supporter's personal data: rows and counts stay, what identifies the person goes."""

from django.apps import apps
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import FailedEmail, Supporter, SupporterAction
from .signals import send_on_commit, supporter_erased, supporter_erasing


def erasable_models():
    """Every kind of action that holds personal data (signatures, letters, messages, donations)."""
    return [
        model for model in apps.get_models() if issubclass(model, SupporterAction) and model.personal_fields
    ]


def actions_of(supporter):
    """{model: number of rows} of the supporter's actions, for what an erasure will touch."""
    counts = {}
    for model in erasable_models():
        count = model._default_manager.filter(supporter=supporter).count()
        if count:
            counts[model] = count
    return counts


def blank(queryset):
    """Blanks the personal fields (and IP hash) of the action rows `queryset`; returns how many rows."""
    model = queryset.model
    return queryset.update(
        ip_hash="", **{field: "" for field in model.personal_fields}, **model.erased_values
    )


def holding_personal_data(model):
    """A Q() that keeps the rows of `model` with at least one personal field not yet blanked."""
    return ~Q(**{field: "" for field in model.personal_fields})


@transaction.atomic
def erase_supporter(supporter):
    """Blanks the supporter and every action of theirs; returns how many action rows it blanked, or
    None when the supporter was already erased (by another erasure that ran first).

    Locks the supporter's row first, so two erasures of one person at once run one after the other
    and the second changes nothing. Receivers of `supporter_erasing` (donations: the monthly gifts
    and the customer at Stripe) act on commit; once committed, `supporter_erased` tells the listening
    apps (the CRM forgets them).
    """
    locked = Supporter.objects.select_for_update().filter(pk=supporter.pk).first()
    if locked is None or locked.erased_at is not None:
        return None
    supporter_erasing.send(sender=Supporter, supporter=locked)
    rows = 0
    for model in erasable_models():
        rows += blank(model._default_manager.filter(supporter=supporter))
    # An undelivered email would be resent to nobody: it goes from the data officers' list.
    FailedEmail.objects.filter(supporter=supporter).delete()
    Supporter.objects.filter(pk=supporter.pk).update(
        email="",
        email_hash=f"erased:{supporter.pk}",
        first_name="",
        last_name="",
        erased_at=timezone.now(),
    )
    send_on_commit(supporter_erased, Supporter, site_id=supporter.site_id, supporter_id=supporter.pk)
    return rows
