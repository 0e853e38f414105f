"""A section's translators see, per language, what is left to translate or out of date, and open it from there;
nobody sees another section's."""

from django.contrib.auth import get_user_model
from django.test import TestCase
from django.urls import reverse
from wagtail.models import Locale
from wagtail_localize.models import TranslationSource
from wagtail_localize.operations import TranslationCreator

from home.models import StandardPage
from prisoners.models import PrisonerRecord
from sections.demo import create_sections
from sections.translation import translate
from sections.translation_status import NOT_PUBLISHED, NOT_TRANSLATED, OUT_OF_DATE, WAITING

URL = reverse("sections_translation_status")


class TranslationStatusTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        with cls.captureOnCommitCallbacks(execute=True):
            cls.sections = create_sections()
        cls.users = {}
        for code in ("ch", "fr"):
            for role in ("translator", "editor", "data-officer"):
                user = get_user_model().objects.create_user(f"{code}-{role}", password="pw")
                user.groups.set([cls.sections[code].groups[role]])
                cls.users[f"{code}-{role}"] = user
        cls.superuser = get_user_model().objects.create_superuser("root", password="pw")

    def add_page(self, title, code="ch"):
        page = StandardPage(title=title, slug=title.lower().replace(" ", "-"), intro=f"{title}, en bref.")
        self.sections[code].home.add_child(instance=page)
        page.save_revision().publish()
        return page

    def status_of(self, title, language="de", user="ch-translator"):
        self.client.force_login(self.users[user])
        response = self.client.get(URL, {"section": self.sections["ch"].site.pk, "language": language})
        self.assertEqual(response.status_code, 200)
        rows = [row for row in response.context["rows"] if row.title == title]
        return rows[0] if rows else None

    def test_each_step_of_a_pages_translation_shows_and_links_to_where_it_is_done(self):
        page = self.add_page("Nous rejoindre")

        row = self.status_of("Nous rejoindre")
        self.assertEqual(row.status, NOT_TRANSLATED)
        self.assertEqual(row.url, reverse("wagtail_localize:submit_page_translation", args=[page.pk]))
        self.assertEqual(self.client.get(row.url).status_code, 200, "the translator opens the Translate form")

        # Sent for translation: a German draft whose strings are still French.
        with self.captureOnCommitCallbacks(execute=True):
            TranslationCreator(
                self.users["ch-translator"], [Locale.objects.get(language_code="de")]
            ).create_translations(page)
        row = self.status_of("Nous rejoindre")
        self.assertEqual(row.status, WAITING)
        german = page.get_translation(Locale.objects.get(language_code="de"))
        response = self.client.get(row.url)
        self.assertEqual(response.status_code, 200, (row.url, response.get("Location")))
        self.assertIn(str(german.pk), row.url, "it opens the German translation")
        self.assertEqual(self.status_of("Nous rejoindre", language="it").status, NOT_TRANSLATED)

        # Every string translated, not yet published.
        strings = {
            "Nous rejoindre": "Mitmachen",
            "nous-rejoindre": "mitmachen",
            "Nous rejoindre, en bref.": "Mitmachen, kurz gesagt.",
        }
        with self.captureOnCommitCallbacks(execute=True):
            translate(page, "de", strings, publish=False)
        self.assertEqual(self.status_of("Nous rejoindre").status, NOT_PUBLISHED)

        with self.captureOnCommitCallbacks(execute=True):
            translate(page, "de", strings, publish=True)
        self.assertIsNone(self.status_of("Nous rejoindre"), "nothing left to do in German")
        self.assertEqual(self.status_of("Nous rejoindre", language="it").status, NOT_TRANSLATED)

        # The French source is corrected and published again: the German one is out of date.
        page.intro = "Devenez bénévole."
        page.save_revision().publish()
        row = self.status_of("Nous rejoindre")
        self.assertEqual(row.status, OUT_OF_DATE)
        source = TranslationSource.objects.get(object_id=page.translation_key, locale=page.locale)
        self.assertEqual(row.url, reverse("wagtail_localize:update_translations", args=[source.pk]))
        self.assertEqual(self.client.get(row.url).status_code, 200)

    def test_shared_prisoner_records_are_listed_for_each_sections_languages(self):
        record = PrisonerRecord.objects.create(
            full_name="Ihar Losik", locale=Locale.objects.get(language_code="fr")
        )
        row = self.status_of(str(record))
        self.assertEqual(row.status, NOT_TRANSLATED)
        self.assertEqual(
            row.url,
            reverse(
                "wagtail_localize:submit_snippet_translation", args=["prisoners", "prisonerrecord", record.pk]
            ),
        )

    def test_nobody_sees_another_sections_status(self):
        self.add_page("Nous rejoindre", code="ch")
        self.add_page("Agir en France", code="fr")
        self.client.force_login(self.users["fr-translator"])
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["choices"], [], "the French section publishes French only")
        self.assertNotContains(response, "Nous rejoindre")
        other = self.client.get(URL, {"section": self.sections["ch"].site.pk, "language": "de"})
        self.assertEqual(other.status_code, 404)

        # A Swiss translator's choices are their section's own languages, default language aside.
        self.client.force_login(self.users["ch-translator"])
        choices = self.client.get(URL).context["choices"]
        self.assertEqual(
            [(c["site"], c["code"]) for c in choices],
            [(self.sections["ch"].site, "de"), (self.sections["ch"].site, "it")],
        )
        self.assertNotContains(
            self.client.get(URL, {"section": self.sections["ch"].site.pk, "language": "de"}), "Agir en France"
        )

        # Data officers work on supporters, not pages.
        self.client.force_login(self.users["ch-data-officer"])
        self.assertNotEqual(self.client.get(URL).status_code, 200)

    def test_wagtail_localizes_report_of_every_sections_translations_is_for_superusers(self):
        report = reverse("wagtail_localize:translations_report")
        self.client.force_login(self.users["ch-translator"])
        self.assertNotEqual(self.client.get(report).status_code, 200)
        self.client.force_login(self.superuser)
        self.assertEqual(self.client.get(report).status_code, 200)

    def test_only_the_sections_staff_sync_its_pages_translations(self):
        page = self.add_page("Nous rejoindre")
        with self.captureOnCommitCallbacks(execute=True):
            translate(page, "de", {"Nous rejoindre": "Mitmachen"})
        source = TranslationSource.objects.get(object_id=page.translation_key, locale=page.locale)
        sync = reverse("wagtail_localize:update_translations", args=[source.pk])
        self.client.force_login(self.users["fr-translator"])
        self.assertEqual(self.client.get(sync).status_code, 404)
        self.assertEqual(self.client.post(sync).status_code, 404)
        self.client.force_login(self.users["ch-translator"])
        self.assertEqual(self.client.get(sync).status_code, 200)

    def test_the_sections_own_texts_are_listed_when_their_source_changed(self):
        from sections.models import SectionTexts

        french = SectionTexts.objects.get(site=self.sections["ch"].site, locale__language_code="fr")
        self.assertIsNone(self.status_of(str(french)), "the demo's texts are translated")
        with self.captureOnCommitCallbacks(execute=True):
            translate(french, "de", {})
        source = TranslationSource.objects.get(object_id=french.translation_key, locale=french.locale)
        french.footer_text = "Nouveau pied de page de la section, à traduire."
        french.save()
        with self.captureOnCommitCallbacks(execute=True):
            source.update_from_db()
        row = self.status_of(str(french))
        self.assertEqual(row.status, WAITING, "the new footer line waits for its German")
        self.client.force_login(self.users["fr-translator"])
        response = self.client.get(URL)
        self.assertNotContains(response, str(french))
