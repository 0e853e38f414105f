"""Data lives only as long as needed: each section's retention periods, what they make due, and the purge.

Every kind of action says which of its rows are due, per purpose (`SupporterAction.expired`); this module
deletes the unconfirmed ones (never counted), blanks the others through the erasure code (the rows and
so the counts stay), then erases the supporters that nothing keeps any more: no action row still holding
their data and no standing newsletter consent. Each run writes one anonymous ledger line per section and
purpose (`PurgeRecord`) and logs the same numbers, never a name or an address. It also unlinks the
supporter from data requests whose link expired unused (supporters.rights).

`now` is always passed in: the scheduled task and the command pass the current time, tests a fixed one.
"""

import datetime
import logging

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import BooleanField, Exists, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from .erasure import blank, erasable_models, erase_supporter, holding_personal_data
from .models import ConsentPurpose, ConsentRecord, PurgeRecord, RetentionPurpose, RightsRequest, Supporter
from .rights import RIGHTS_LINK_MAX_AGE

logger = logging.getLogger(__name__)


# --- Dates the apps' `expired` rules use ---------------------------------------------------
def end_of_day(date, zone):
    """The moment a day ends in the section's time zone (the start of the next day)."""
    return datetime.datetime.combine(date + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)


def months_before(now, months):
    return now - relativedelta(months=months)


def ended_groups(pages, ends, cutoff):
    """Translation keys of the groups among `pages` whose latest end (`ends(page)`, or None while it
    runs) is at or before `cutoff`."""
    latest = {}
    for page in pages:
        end = ends(page)
        if end is not None and (page.translation_key not in latest or end > latest[page.translation_key]):
            latest[page.translation_key] = end
    return [key for key, end in latest.items() if end <= cutoff]


# --- What is due -----------------------------------------------------------------------------
def _due_rows(site, section, now):
    """[(purpose, queryset)] of the action rows due at `now` in the section of `site`."""
    due = []
    for model in erasable_models():
        for purpose, queryset in model.expired(site, section, now).items():
            if purpose != RetentionPurpose.UNCONFIRMED:
                queryset = queryset.filter(holding_personal_data(model))
            due.append((purpose, queryset))
    return due


def _kept(site, due):
    """A Q() keeping the supporters that something keeps: an action row of `site` holding their data
    that is not `due`, or a newsletter consent whose latest answer is yes."""
    kept = Q(pk__in=[])
    for model in erasable_models():
        rows = model._default_manager.filter(site=site).filter(holding_personal_data(model))
        for _purpose, queryset in due:
            if queryset.model is model:
                rows = rows.exclude(pk__in=queryset.values("pk"))
        kept |= Q(Exists(rows.filter(supporter=OuterRef("pk"))))
    newsletter = ConsentRecord.objects.filter(
        supporter=OuterRef("pk"), purpose=ConsentPurpose.NEWSLETTER
    ).order_by("-created_at", "-pk")
    # Coalesced: a NULL (never asked) inside the exclude() of `_due_supporters` would keep that supporter.
    latest = Subquery(newsletter.values("granted")[:1], output_field=BooleanField())
    kept |= Q(Coalesce(latest, Value(False)))
    return kept


def _due_supporters(site, section, now, due):
    """The section's supporters, not yet erased, that nothing keeps once `due` is purged.

    A supporter younger than the unconfirmed period is left alone: their first action is still in flight.
    """
    young = now - datetime.timedelta(days=section.unconfirmed_retention_days)
    return Supporter.objects.filter(site=site, erased_at__isnull=True, created_at__lt=young).exclude(
        _kept(site, due)
    )


def _section(site):
    from sections.models import SectionSettings

    return SectionSettings.objects.filter(site=site).first()


def dry_run(site, now):
    """{RetentionPurpose: rows} that a purge of the section of `site` at `now` would erase or delete."""
    section = _section(site)
    counts = dict.fromkeys(RetentionPurpose, 0)
    if section is None:
        return counts
    due = _due_rows(site, section, now)
    for purpose, queryset in due:
        counts[purpose] += queryset.count()
    counts[RetentionPurpose.SUPPORTERS] = _due_supporters(site, section, now, due).count()
    logger.info("retention dry run: section=%s %s", site.pk, _summary(counts))
    return counts


def purge(site, now):
    """Deletes or blanks what is due in the section of `site` at `now`; writes its ledger lines and
    returns {RetentionPurpose: rows}."""
    section = _section(site)
    counts = dict.fromkeys(RetentionPurpose, 0)
    if section is None:
        return counts
    for purpose, queryset in _due_rows(site, section, now):
        with transaction.atomic():
            if purpose == RetentionPurpose.UNCONFIRMED:
                counts[purpose] += queryset.delete()[1].get(queryset.model._meta.label, 0)
            else:
                counts[purpose] += blank(queryset)
    # What was due is gone now: the rows left (and the newsletter answers) alone decide who stays.
    for supporter_id in _due_supporters(site, section, now, []).values_list("pk", flat=True):
        counts[RetentionPurpose.SUPPORTERS] += _erase_unless_kept(site, supporter_id)
    # A data request whose link expired unused no longer needs to know whose it was.
    RightsRequest.objects.filter(
        site=site,
        supporter__isnull=False,
        requested_at__lt=now - datetime.timedelta(seconds=RIGHTS_LINK_MAX_AGE),
    ).update(supporter=None)
    PurgeRecord.objects.bulk_create(
        PurgeRecord(site=site, purpose=purpose, rows=rows, ran_at=now) for purpose, rows in counts.items()
    )
    logger.info("retention purge: section=%s %s", site.pk, _summary(counts))
    return counts


@transaction.atomic
def _erase_unless_kept(site, supporter_id):
    """Erases the supporter unless an action or a consent came meanwhile (checked with their row locked,
    as every new action of theirs locks it too); 1 if erased."""
    supporter = Supporter.objects.select_for_update().filter(pk=supporter_id, erased_at__isnull=True).first()
    if supporter is None or Supporter.objects.filter(_kept(site, []), pk=supporter_id).exists():
        return 0
    erase_supporter(supporter)
    return 1


def purge_all(now):
    """Purges every section; returns {site id: {RetentionPurpose: rows}}."""
    from wagtail.models import Site

    return {site.pk: purge(site, now) for site in Site.objects.order_by("pk")}


# Finished tasks' rows are kept this long for diagnosis, then deleted: their arguments are ids, except the
# "we hold nothing about you" email's, which is the address a visitor typed (supporters.rights).
FINISHED_TASKS_KEPT_DAYS = 1


def prune_finished_tasks():
    """Deletes finished task rows older than FINISHED_TASKS_KEPT_DAYS (django-tasks-db's own pruning);
    nothing to do when the tasks do not live in the database."""
    from django.core.management import call_command
    from django_tasks import task_backends
    from django_tasks_db import DatabaseBackend

    if isinstance(task_backends["default"], DatabaseBackend):
        call_command(
            "prune_db_task_results", min_age_days=FINISHED_TASKS_KEPT_DAYS, queue_name="*", verbosity=0
        )


def _summary(counts):
    return " ".join(f"{purpose.value}={rows}" for purpose, rows in counts.items())
