"""Batches of paper petition sheets: printing one (numbered per section) and entering its signatures once."""

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sections.models import SectionSettings
from sections.texts import section_texts
from supporters.models import ActionCount

from .models import PaperBatch
from .sheets import SheetText, sheets_pdf


class BatchAlreadyEntered(Exception):
    def __init__(self, batch):
        super().__init__(batch.label)
        self.batch = batch


def entry_url(batch):
    """The admin page where the batch's signatures are entered: what its QR code holds (nothing personal)."""
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("petitions_admin:batch", args=[batch.pk])


def sheet_text(petition, site):
    """What the sheets print, from the petition's version in its own language and its section's texts."""
    language = petition.locale.language_code
    texts = section_texts(site, language)
    addressee = ", ".join(part for part in (petition.addressee_name, petition.addressee_title) if part)
    return SheetText(
        language=language,
        section_name=texts.name,
        return_address=texts.postal_address,
        title=petition.title,
        addressee=addressee,
        demand=petition.demand,
        consent=petition.get_consent_text(SectionSettings.for_site(site)),
    )


def print_batch(petition, site, sheets, user):
    """Record a new batch of `sheets` sheets of `petition` (one language version) and return (batch, PDF bytes)."""
    with transaction.atomic():
        # The section's settings row is locked so that two prints at once get consecutive numbers.
        list(SectionSettings.objects.select_for_update().filter(site=site).values_list("pk"))
        last = PaperBatch.objects.filter(site=site).aggregate(last=Max("number"))["last"] or 0
        batch = PaperBatch.objects.create(
            site=site,
            number=last + 1,
            petition_key=petition.translation_key,
            petition=petition,
            language=petition.locale.language_code,
            sheets=sheets,
            lines_per_sheet=0,
            printed_by=user,
        )
        data, lines = sheets_pdf(sheet_text(petition, site), batch.label, entry_url(batch), sheets)
        batch.lines_per_sheet = lines
        batch.save(update_fields=["lines_per_sheet"])
    return batch, data


def enter_signatures(batch_id, signatures, user):
    """Add a batch's signatures to its petition's audited offset, once: raises BatchAlreadyEntered after that.

    The batch's row is locked, so of two entries at once only the first counts.
    """
    with transaction.atomic():
        batch = PaperBatch.objects.select_for_update().select_related("site").get(pk=batch_id)
        if batch.entered:
            raise BatchAlreadyEntered(batch)
        batch.signatures, batch.entered_by, batch.entered_at = signatures, user, timezone.now()
        batch.save(update_fields=["signatures", "entered_by", "entered_at"])
        reason = _("Paper batch %(batch)s (%(language)s, %(sheets)s sheets): %(signatures)s signatures") % {
            "batch": batch.label,
            "language": batch.language,
            "sheets": batch.sheets,
            "signatures": signatures,
        }
        ActionCount.add_to_offset(batch.petition_key, signatures, user, reason)
    return batch
