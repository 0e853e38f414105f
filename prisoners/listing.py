"""The profiles an index page lists, filtered by country, status and theme and searched by name."""

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from sections.content_cache import cached

from .models import PrisonerPage, PrisonerRecord, PrisonerStatus, Theme
from .search import MAX_QUERY_LENGTH, matching_translation_keys

PER_PAGE = 24
ECHO_LENGTH = 80  # how much of an unknown value is repeated back to the visitor


@dataclass
class Profile:
    page: PrisonerPage
    record: PrisonerRecord
    themes: list


class ProfileListing:
    """Reads the visitor's GET parameters; every value is checked, none can cause an error."""

    def __init__(self, index_page, params):
        self.index_page = index_page
        self.locale = index_page.locale
        self.query = " ".join((params.get("q") or "").split())[:MAX_QUERY_LENGTH]
        self.status = (params.get("status") or "").strip()
        self.country = (params.get("country") or "").strip()
        self.theme = (params.get("theme") or "").strip()
        self.page_number = params.get("page")
        self.problems = []
        self.hint = ""

    @cached_property
    def all_profiles(self):
        """Every live profile under the index, its record in the page's language: kept with the content."""
        return cached(("prisoner-profiles", self.index_page.pk, self.locale.pk), self.read_profiles)

    def read_profiles(self):
        pages = list(
            PrisonerPage.objects.child_of(self.index_page)
            .live()
            .defer("body", "calls_to_action")  # the cards show none of the narrative
            .select_related("record", "record__portrait")
            .prefetch_related("record__themes")
        )
        # Pages usually point at the record in their own language already; fetch the others' translations.
        elsewhere = [page.record.translation_key for page in pages if page.record.locale_id != self.locale.pk]
        translated = {
            record.translation_key: record
            for record in PrisonerRecord.objects.filter(translation_key__in=elsewhere, locale=self.locale)
            .select_related("portrait")
            .prefetch_related("themes")
        }
        records = {
            page.pk: page.record
            if page.record.locale_id == self.locale.pk
            else translated.get(page.record.translation_key, page.record)
            for page in pages
        }
        theme_keys = {theme.translation_key for record in records.values() for theme in record.themes.all()}
        local_themes = {
            theme.translation_key: theme
            for theme in Theme.objects.filter(translation_key__in=theme_keys, locale=self.locale)
        }
        profiles = []
        for page in pages:
            record = records[page.pk]
            themes = sorted(
                (local_themes.get(theme.translation_key, theme) for theme in record.themes.all()),
                key=lambda theme: theme.name,
            )
            profiles.append(Profile(page=page, record=record, themes=themes))
        return sorted(profiles, key=lambda profile: profile.record.full_name.casefold())

    @property
    def detained_count(self):
        return sum(1 for profile in self.all_profiles if profile.record.is_detained)

    @property
    def status_options(self):
        return PrisonerStatus.choices

    @cached_property
    def country_options(self):
        return sorted({profile.record.country for profile in self.all_profiles}, key=str.casefold)

    @cached_property
    def theme_options(self):
        themes = {theme.slug: theme.name for profile in self.all_profiles for theme in profile.themes}
        return sorted(themes.items(), key=lambda item: item[1].casefold())

    @property
    def is_filtered(self):
        return bool(self.query or self.status or self.country or self.theme)

    @cached_property
    def results(self):
        profiles = self.all_profiles
        if self.status:
            if self.status in PrisonerStatus.values:
                profiles = [p for p in profiles if p.record.status == self.status]
            else:
                self._unknown(_("There is no status “%(value)s”."), self.status)
                profiles = []
        if self.country:
            wanted = self.country.casefold()
            if any(country.casefold() == wanted for country in self.country_options):
                profiles = [p for p in profiles if p.record.country.casefold() == wanted]
            else:
                self._unknown(_("No profile is from the country “%(value)s”."), self.country)
                profiles = []
        if self.theme:
            if self.theme in dict(self.theme_options):
                profiles = [p for p in profiles if any(t.slug == self.theme for t in p.themes)]
            else:
                self._unknown(_("There is no theme “%(value)s”."), self.theme)
                profiles = []
        if self.query:
            keys = matching_translation_keys(self.query)
            if keys is None:
                self.hint = _("Type a name, in any spelling, to search.")
            else:
                profiles = [p for p in profiles if p.record.translation_key in keys]
        return profiles

    @cached_property
    def page_of_results(self):
        return Paginator(self.results, PER_PAGE).get_page(self.page_number)

    def _unknown(self, message, value):
        if len(value) > ECHO_LENGTH:
            value = value[:ECHO_LENGTH] + "…"
        self.problems.append(message % {"value": value})
