"""Announces outcomes: a prisoner record's status, sentence date or place of detention changed, or an action page
published with a new outcome."""

from functools import partial

from django.db import transaction
from django.db.models.signals import post_save, pre_save
from wagtail.signals import page_published

from petitions.letters.models import LetterActionPage
from petitions.models import PetitionPage
from prisoners.models import PrisonerRecord

from .delivery import announce
from .models import ActionOutcome, OutcomeKind


def remember_facts(sender, instance, raw=False, **kwargs):
    # The stored status, sentence date and place of detention, to compare once saved (a record's
    # translations get the first two by update(), without signals: one change is announced once).
    instance._facts_before = (
        None
        if raw or instance.pk is None
        else sender.objects.filter(pk=instance.pk)
        .values_list("status", "sentenced_on", "place_of_detention")
        .first()
    )


def is_original(record):
    """Whether `record` is its group's original, not a translation (translations are created after it)."""
    return not type(record).objects.filter(translation_key=record.translation_key, pk__lt=record.pk).exists()


def announce_record_change(sender, instance, created=False, raw=False, **kwargs):
    """A new status is announced; else a new sentence date; else a transfer. One save, one update at most.

    A transfer is a new place of detention in the original record: its translations are translated
    (wagtail-localize saves them), and publishing the translated place announces nothing again.
    """
    before = getattr(instance, "_facts_before", None)
    if raw or created or before is None:
        return
    status, sentenced_on, place = before
    fields = {"record_key": instance.translation_key, "status": instance.status}
    new_place = instance.place_of_detention.strip()
    if status != instance.status:
        fields["kind"] = OutcomeKind.STATUS
    elif instance.sentenced_on is not None and sentenced_on != instance.sentenced_on:
        fields["kind"] = OutcomeKind.SENTENCED
    elif new_place and new_place != place.strip() and is_original(instance):
        fields["kind"] = OutcomeKind.TRANSFERRED
        fields["text"] = new_place
    else:
        return
    transaction.on_commit(partial(announce, fields))


def announce_published_outcome(sender, instance, **kwargs):
    text = instance.outcome.strip()
    if not text:
        return
    fields = {
        "kind": OutcomeKind.UPDATE,
        "action_key": instance.translation_key,
        "language": instance.locale.language_code,
        "text": text,
    }
    transaction.on_commit(partial(announce_if_new, fields))


def announce_if_new(fields):
    """Republishing a page whose outcome did not change sends nothing."""
    last = (
        ActionOutcome.objects.filter(
            kind=OutcomeKind.UPDATE, action_key=fields["action_key"], language=fields["language"]
        )
        .order_by("-published_at", "-pk")
        .values_list("text", flat=True)
        .first()
    )
    if last != fields["text"]:
        announce(fields)


def register_signal_handlers():
    pre_save.connect(remember_facts, sender=PrisonerRecord, dispatch_uid="outcomes_remember_facts")
    post_save.connect(announce_record_change, sender=PrisonerRecord, dispatch_uid="outcomes_record_change")
    for model in (PetitionPage, LetterActionPage):
        page_published.connect(
            announce_published_outcome, sender=model, dispatch_uid=f"outcomes_published_{model.__name__}"
        )
