"""Erasure of a supporter's personal data: rows and counts stay, what identifies the person goes."""

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from .models import Supporter, SupporterAction


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


@transaction.atomic
def erase_supporter(supporter):
    """Blanks the supporter and every action of theirs; returns how many action rows it blanked.

    Locks the supporter's row first, so two erasures of one person at once run one after the other.
    """
    Supporter.objects.select_for_update().filter(pk=supporter.pk).first()
    rows = 0
    for model in erasable_models():
        blank = {field: "" for field in model.personal_fields}
        rows += model._default_manager.filter(supporter=supporter).update(ip_hash="", **blank)
    Supporter.objects.filter(pk=supporter.pk).update(
        email="",
        canonical_email=f"erased:{supporter.pk}",
        first_name="",
        last_name="",
        erased_at=timezone.now(),
    )
    return rows
