"""The coalition's count for a person: every section's signatures and letters for them, and each section's own.

A prisoner record is shared by the movement (one `translation_key` for the person in every
language), and every section's petitions and letter actions name the records they concern. So the
actions for a person are those naming any translation of the record, in any section; each is
counted once (per translation group, as on its page, offsets included) in the section whose tree
holds it.
"""

from django.utils.formats import number_format
from wagtail.models import Site

from sections.content_cache import cached
from sections.models import SectionSettings
from sections.texts import section_texts
from sections.trees import section_root_paths
from supporters.models import ActionCount

from .hooks import actions_in_every_section


def action_groups(record):
    """[(action translation key, site id, section code)] of the live, public actions naming the person."""
    sites = list(Site.objects.all())
    groups = {}
    for page in actions_in_every_section(record):
        for site in sites:
            if any(page.path.startswith(root) for root in section_root_paths(site)):
                groups[page.translation_key] = (site.pk, SectionSettings.for_site(site).code)
                break
    return [(key, site_id, code) for key, (site_id, code) in groups.items()]


def coalition_counts(record, language):
    """{"total": n, "sections": [{"code", "name", "count"}]}, the largest count first.

    Which actions name the person changes with the content (cached with it); their counts change
    with every signature, and are read in one query.
    """
    groups = cached(("prisoner-action-groups", record.translation_key), lambda: action_groups(record))
    totals = (
        {
            key: max(count + offset, 0)
            for key, count, offset in ActionCount.objects.filter(
                key__in=[key for key, _site, _code in groups]
            ).values_list("key", "count", "offset")
        }
        if groups
        else {}
    )
    by_section = {}
    for key, site_id, code in groups:
        by_section.setdefault((site_id, code), 0)
        by_section[(site_id, code)] += totals.get(key, 0)
    sections = [
        {"code": code, "name": section_texts(site_id, language).name, "count": count}
        for (site_id, code), count in by_section.items()
    ]
    sections.sort(key=lambda row: (-row["count"], row["name"]))
    return {"total": sum(row["count"] for row in sections), "sections": sections}


def shown(counts):
    """The same counts with their numbers grouped as the page shows them (1 000)."""
    return {
        "total": number_format(counts["total"], force_grouping=True),
        "sections": [
            {**row, "count": number_format(row["count"], force_grouping=True)} for row in counts["sections"]
        ],
    }
