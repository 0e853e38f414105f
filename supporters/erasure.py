"""Erasure of a supporter's personal data: rows and counts stay, what identifies the person goes."""

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from .models import Supporter, SupporterAction


@transaction.atomic
def erase_supporter(supporter):
    for model in apps.get_models():
        if issubclass(model, SupporterAction) and model.personal_fields:
            blank = {field: "" for field in model.personal_fields}
            model._default_manager.filter(supporter=supporter).update(ip_hash="", **blank)
    Supporter.objects.filter(pk=supporter.pk).update(
        email="",
        canonical_email=f"erased:{supporter.pk}",
        first_name="",
        last_name="",
        erased_at=timezone.now(),
    )
