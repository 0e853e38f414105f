"""Dashboard panel: tells section editors which of their open actions target someone no longer detained."""

from dataclasses import dataclass

from django.utils.functional import cached_property
from wagtail.admin.ui.components import Component
from wagtail.models import Locale, Page, Site

from sections.languages import section_languages
from sections.permissions import sites_for_user

from .hooks import open_actions
from .models import NO_LONGER_DETAINED, PrisonerRecord


@dataclass
class StaleAction:
    site: Site
    locale: Locale
    record: PrisonerRecord
    action: Page


def stale_actions(sites):
    """Open actions of `sites` (in each of their languages) whose person is released, exiled or deceased."""
    people = {}
    for record in PrisonerRecord.objects.filter(status__in=NO_LONGER_DETAINED).order_by("pk"):
        people.setdefault(record.translation_key, record)
    if not people:
        return []
    locales = {locale.language_code: locale for locale in Locale.objects.all()}
    found = []
    for site in sites:
        for code in section_languages(site):
            locale = locales.get(code)
            if locale is None:
                continue
            for record in people.values():
                local_record = record.in_locale(locale)
                for action in open_actions(local_record, site, locale):
                    found.append(StaleAction(site=site, locale=locale, record=local_record, action=action))
    return found


class ReleasedPeopleActionsPanel(Component):
    name = "released_people_actions"
    order = 90
    template_name = "prisoners/admin/released_people_actions_panel.html"

    def __init__(self, user):
        self.user = user

    @cached_property
    def warnings(self):
        return stale_actions(sites_for_user(self.user).select_related("root_page"))

    def get_context_data(self, parent_context):
        return {"warnings": self.warnings}
