"""Who looked at or took supporters' data: entries in Wagtail's audit log, each tagged with its section.

Every inspect view, every export and every erasure of a section-scoped viewset writes one
(sections.viewsets). The entry's label never holds the supporter's name, only the kind of row and its
number; its data says which section, which rows (model), which filter and how many rows. A section's data officers read
their section's entries in Reports → Data access.
"""

from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry, Site

INSPECT = "plaidoyer.inspect"
EXPORT = "plaidoyer.export"
ERASE = "plaidoyer.erase"
ACTIONS = {
    INSPECT: (_("Inspect supporters' data"), _("Inspected a supporter's record")),
    EXPORT: (_("Export supporters' data"), _("Exported supporters' data")),
    ERASE: (_("Erase a supporter's data"), _("Erased a supporter's personal data")),
}


def _site_id(row, section_field):
    value = row
    for part in section_field.split("__"):
        value = getattr(value, part, None)
    return value.pk if value is not None else None


def log_inspect(user, row, section_field="site"):
    """One entry for one supporter's row opened in an inspect view."""
    return log(
        instance=row,
        action=INSPECT,
        user=user,
        title=f"{row._meta.verbose_name} #{row.pk}",
        data={
            "section": _site_id(row, section_field),
            "model": row._meta.label_lower,
            "rows": 1,
        },
    )


def log_export(user, queryset, export_format, filters, section_field="site"):
    """One entry per section whose rows an export holds, with that section's row count."""
    model = queryset.model
    counts = queryset.order_by().values(section_field).annotate(rows=Count("pk"))
    entries = []
    for count in counts:
        site = Site.objects.filter(pk=count[section_field]).first()
        if site is None:
            continue
        entries.append(
            log(
                instance=site,
                action=EXPORT,
                user=user,
                title=f"{model._meta.verbose_name_plural} ({export_format})",
                data={
                    "section": site.pk,
                    "model": model._meta.label_lower,
                    "format": export_format,
                    "filters": filters,
                    "rows": count["rows"],
                },
            )
        )
    return entries


def log_erasure(user, supporter, rows):
    """One entry for one supporter erased: their number and how many action rows were blanked."""
    return log(
        instance=supporter,
        action=ERASE,
        user=user,
        title=f"{supporter._meta.verbose_name} #{supporter.pk}",
        data={"section": supporter.site_id, "model": supporter._meta.label_lower, "rows": rows},
    )


def entries_for(site_ids):
    """The data-access entries of these sections, newest first."""
    return (
        ModelLogEntry.objects.filter(action__in=ACTIONS, data__section__in=list(site_ids))
        .select_related("user")
        .order_by("-timestamp")
    )
