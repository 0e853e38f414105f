"""Every public page type, in every section language, answers an anonymous visitor in a few queries, however long its lists."""

import datetime
import io

from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from wagtail.models import Locale, Page, Site

from donations.models import DonationPage
from home.models import HomePage, NewsIndexPage, NewsPage, StandardPage
from membership.models import JoinPage
from petitions.letters.models import LetterActionPage
from petitions.models import PetitionPage
from prisoners.models import (
    PrisonerIndexPage,
    PrisonerPage,
    PrisonerRecord,
    PrisonerStatus,
    PrisonerTimelineEntry,
    Theme,
)
from sections.demo import SECTIONS

# Issue 15: at most 12 queries for an uncached page, once Django's cache holds the content's lookups.
BUDGET = 12
PAGE_TYPES = [
    ("home", HomePage),
    ("news index", NewsIndexPage),
    ("news article", NewsPage),
    ("standard page", StandardPage),
    ("prisoner index", PrisonerIndexPage),
    ("prisoner profile", PrisonerPage),
    ("petition", PetitionPage),
    ("letter action", LetterActionPage),
    ("donation page", DonationPage),
    ("join page", JoinPage),
]


class QueryBudgetTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        # wagtail-localize publishes the demo's translations on commit.
        with cls.captureOnCommitCallbacks(execute=True):
            call_command("load_demo", stdout=io.StringIO())
        cls.targets, cls.pages = [], {}
        for spec in SECTIONS:
            site = Site.objects.get(hostname=spec["hostname"])
            host = f"{site.hostname}:{site.port}"
            for language in spec["languages"]:
                home = site.root_page.get_translation(Locale.objects.get(language_code=language))
                pages = Page.objects.live().public().descendant_of(home, inclusive=True).order_by("path")
                for name, model in PAGE_TYPES:
                    page = pages.exact_type(model).first()
                    if page is not None:
                        label = f"{spec['code']}/{language} {name}"
                        cls.targets.append((label, host, page.get_url_parts()[2]))
                        cls.pages[label] = page.specific
                    if model is PrisonerPage and page is not None:
                        index = page.get_parent()
                        status = page.specific.record.status
                        url = f"{index.get_url_parts()[2]}?status={status}"
                        cls.targets.append((f"{spec['code']}/{language} prisoner index ?status", host, url))

    def setUp(self):
        cache.clear()

    def warm_queries(self, host, path):
        """The queries of an anonymous GET once a first one filled Django's cache."""
        self.assertEqual(self.client_class().get(path, HTTP_HOST=host).status_code, 200, path)
        with CaptureQueriesContext(connection) as captured:
            response = self.client_class().get(path, HTTP_HOST=host)
        self.assertEqual(response.status_code, 200, path)
        return len(captured.captured_queries)

    def test_the_demo_has_every_public_page_type_in_every_section_language(self):
        labels = {label for label, _host, _path in self.targets}
        for spec in SECTIONS:
            for language in spec["languages"]:
                for name, _model in PAGE_TYPES:
                    if spec["code"] == "tg" and name == "letter action":
                        continue  # Togo's section writes no letters
                    self.assertIn(f"{spec['code']}/{language} {name}", labels)

    def test_every_public_page_type_in_every_section_language_stays_within_the_budget(self):
        for label, host, path in self.targets:
            with self.subTest(label):
                self.assertLessEqual(self.warm_queries(host, path), BUDGET, label)

    def target(self, label):
        return next((host, path) for name, host, path in self.targets if name == label)

    def assert_as_many_queries_after(self, label, add_items):
        host, path = self.target(label)
        before = self.warm_queries(host, path)
        add_items()
        self.assertEqual(self.warm_queries(host, path), before, label)

    def publish_under(self, parent, *pages):
        for page in pages:
            page.locale = parent.locale
            parent.add_child(instance=page)
            page.save_revision().publish()

    def new_records(self, count):
        locale = Locale.objects.get(language_code="fr")
        return [
            PrisonerRecord.objects.create(
                full_name=f"Personne {number}",
                country="Bélarus",
                status=PrisonerStatus.DETAINED,
                locale=locale,
            )
            for number in range(count)
        ]

    def test_more_prisoners_in_an_index_cost_no_more_queries(self):
        index = self.pages["ch/de prisoner index"]
        records = iter(self.new_records(4))

        def add(count):
            for _ in range(count):
                record = next(records)
                self.publish_under(
                    index, PrisonerPage(title=record.full_name, slug=f"p-{record.pk}", record=record)
                )

        # The first profile that shows a record of another language costs its translations' lookup, once.
        add(1)
        self.assert_as_many_queries_after("ch/de prisoner index", lambda: add(3))

    def test_more_timeline_entries_and_themes_on_a_profile_cost_no_more_queries(self):
        profile = self.pages["ch/it prisoner profile"]

        def add():
            record = profile.shown_record
            for day in range(1, 5):
                PrisonerTimelineEntry.objects.create(
                    record=record,
                    date=datetime.date(2024, 1, day),
                    text=f"Udienza {day}",
                    locale=record.locale,
                )
            themes = [
                Theme.objects.create(name=f"Tema {n}", slug=f"tema-{n}", locale=record.locale)
                for n in range(3)
            ]
            record.themes = list(record.themes.all()) + themes
            record.save()

        self.assert_as_many_queries_after("ch/it prisoner profile", add)

    def test_more_menu_pages_and_open_actions_on_a_home_page_cost_no_more_queries(self):
        home = self.pages["fr/fr home"]

        def add():
            self.publish_under(
                home,
                *(
                    StandardPage(title=f"Rubrique {n}", slug=f"rubrique-{n}", show_in_menus=True)
                    for n in range(3)
                ),
                *(
                    PetitionPage(
                        title=f"Pétition {n}",
                        slug=f"petition-{n}",
                        addressee_name="Autorités",
                        demand="Libérez-les.",
                    )
                    for n in range(3)
                ),
            )

        self.assert_as_many_queries_after("fr/fr home", add)

    def test_more_news_cost_the_news_index_no_more_queries(self):
        news = self.pages["ch/fr news index"]
        self.assert_as_many_queries_after(
            "ch/fr news index",
            lambda: self.publish_under(
                news,
                *(
                    NewsPage(
                        title=f"Communiqué {n}", slug=f"communique-{n}", date=datetime.date(2025, 9, n + 1)
                    )
                    for n in range(4)
                ),
            ),
        )

    def test_more_people_concerned_cost_a_petition_no_more_queries(self):
        petition = self.pages["ch/de petition"]

        def add():
            petition.prisoners = list(petition.prisoners.all()) + self.new_records(3)
            petition.save_revision().publish()

        self.assert_as_many_queries_after("ch/de petition", add)
