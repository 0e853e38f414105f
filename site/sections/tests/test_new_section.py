"""A superuser creates a section in one form (or `manage.py create_section`): live at once, in its languages."""

from io import StringIO

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import translation
from wagtail.models import Collection, Page, Site, WorkflowPage

from sections.demo import create_sections
from sections.models import SectionSettings, SectionTexts

VALID = {
    "code": "be",
    "name": "Plaidoyer Belgique",
    "country": "Belgique",
    "currency": "EUR",
    "language": "fr",
    "other_languages": ["en"],
    "hostname": "be.localhost",
    "port": "80",
    "time_zone": "Europe/Brussels",
    "address_window": "right",
}


class NewSectionFormTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        with cls.captureOnCommitCallbacks(execute=True):
            cls.sections = create_sections()
        cls.admin = get_user_model().objects.create_superuser("root", "root@example.org", "pw")

    def setUp(self):
        self.client.force_login(self.admin)

    def post(self, **changes):
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(reverse("sections_new"), {**VALID, **changes})

    def test_a_new_section_is_live_at_its_host_in_exactly_its_languages(self):
        response = self.post()
        site = Site.objects.get(hostname="be.localhost")
        self.assertRedirects(
            response,
            reverse("wagtailsettings:edit", args=["sections", "sectionsettings", site.pk]),
            fetch_redirect_response=False,
        )
        visitor = self.client_class()
        french = visitor.get("/fr/", HTTP_HOST="be.localhost")
        self.assertEqual(french.status_code, 200)
        self.assertContains(french, '<html lang="fr">')
        self.assertContains(french, "Plaidoyer Belgique")
        self.assertEqual(visitor.get("/en/", HTTP_HOST="be.localhost").status_code, 200)
        self.assertEqual(visitor.get("/de/", HTTP_HOST="be.localhost").status_code, 404)
        section = SectionSettings.for_site(site)
        self.assertEqual(
            (section.code, section.currency, section.country, section.time_zone, section.address_window),
            ("be", "EUR", "Belgique", "Europe/Brussels", "right"),
        )
        texts = {t.locale.language_code: t for t in SectionTexts.objects.filter(site=site)}
        self.assertEqual(
            texts["fr"].consent_text,
            "J'accepte que Plaidoyer Belgique traite mes données pour cette action, "
            "comme décrit dans sa politique de confidentialité.",
        )
        # Its other languages' forms never show the French wording: each starts with the project's own.
        self.assertEqual(
            texts["en"].consent_text,
            "I agree that Plaidoyer Belgique processes my data for this action, as described in its privacy policy.",
        )
        self.assertEqual(texts["en"].translation_key, texts["fr"].translation_key)
        self.assertTrue(Collection.objects.filter(name="Plaidoyer Belgique").exists())
        self.assertEqual(
            sorted(Group.objects.filter(name__startswith="be ").values_list("name", flat=True)),
            ["be coordinators", "be data-officers", "be editors", "be moderators", "be translators"],
        )
        self.assertEqual(WorkflowPage.objects.get(page=site.root_page).workflow.name, "be moderation")

    def test_a_german_speaking_section_prints_its_letters_for_left_window_envelopes(self):
        self.post(code="at", name="Plaidoyer Österreich", hostname="at.localhost", address_window="left")
        self.assertEqual(
            SectionSettings.for_site(Site.objects.get(hostname="at.localhost")).address_window, "left"
        )

    def test_a_new_section_takes_the_ways_to_pay_of_its_currency(self):
        self.post()
        self.post(code="li", name="Plaidoyer Liechtenstein", hostname="li.localhost", currency="CHF")
        self.post(code="bj", name="Plaidoyer Bénin", hostname="bj.localhost", currency="XOF")
        accepted = {
            section.code: (section.accept_card, section.accept_twint, section.accept_sepa_debit)
            for section in SectionSettings.objects.filter(code__in=["be", "li", "bj"])
        }
        self.assertEqual(
            accepted, {"be": (True, False, True), "li": (True, True, False), "bj": (True, False, False)}
        )

    def assert_refused(self, field, message, **changes):
        pages, sites = Page.objects.count(), Site.objects.count()
        response = self.post(**changes)
        self.assertEqual(response.status_code, 200)
        with translation.override("en"):
            self.assertEqual(
                [str(error) for error in response.context["form"].errors.as_data()[field][0]], [message]
            )
        self.assertEqual((Page.objects.count(), Site.objects.count()), (pages, sites))
        # What the superuser typed is kept.
        self.assertContains(response, 'value="Plaidoyer Belgique"')

    def test_a_code_already_used_is_refused_on_its_field(self):
        self.assert_refused("code", "A section with this code already exists.", code="ch")

    @override_settings(PERSONAL_DATA_DEV_KEYS=False)
    def test_a_section_without_personal_data_keys_in_the_environment_is_refused_on_its_code(self):
        self.assert_refused(
            "code",
            "Set PERSONAL_DATA_KEYS_BE and PERSONAL_DATA_HASH_KEY_BE in the environment and restart before "
            "creating this section: its supporters' personal data is encrypted with them.",
        )

    def test_a_host_already_used_is_refused_on_its_field(self):
        self.assert_refused("hostname", "Another site already answers at this host.", hostname="ch.localhost")

    def test_a_host_that_is_not_a_host_name_is_refused(self):
        self.assert_refused(
            "hostname",
            "Enter a host name such as be.example.org (letters, digits, hyphens and dots, no scheme or path).",
            hostname="https://be.example.org/",
        )

    def test_a_language_the_project_does_not_know_is_refused(self):
        self.assert_refused(
            "language", "Select a valid choice. nl is not one of the available choices.", language="nl"
        )

    def test_only_superusers_reach_the_form(self):
        editor = get_user_model().objects.create_user("ch-editor-x", password="pw")
        editor.groups.set([self.sections["ch"].groups["editor"]])
        self.client.force_login(editor)
        self.assertNotEqual(self.client.get(reverse("sections_new")).status_code, 200)
        self.client.post(reverse("sections_new"), VALID)
        self.assertFalse(Site.objects.filter(hostname="be.localhost").exists())


class CreateSectionCommandTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        with cls.captureOnCommitCallbacks(execute=True):
            cls.sections = create_sections()

    def test_the_command_creates_a_section(self):
        output = StringIO()
        with self.captureOnCommitCallbacks(execute=True):
            call_command(
                "create_section",
                "--code=lu",
                "--name=Plaidoyer Luxembourg",
                "--country=Luxembourg",
                "--currency=EUR",
                "--languages=fr,de",
                "--host=lu.localhost",
                "--time-zone=Europe/Luxembourg",
                "--envelope-window=left",
                stdout=output,
            )
        self.assertIn("Section lu created: http://lu.localhost:80/", output.getvalue())
        visitor = self.client_class()
        self.assertEqual(visitor.get("/de/", HTTP_HOST="lu.localhost").status_code, 200)
        self.assertEqual(visitor.get("/it/", HTTP_HOST="lu.localhost").status_code, 404)
        site = Site.objects.get(hostname="lu.localhost")
        self.assertEqual(SectionSettings.for_site(site).address_window, "left")

    def test_the_command_refuses_bad_input_and_creates_nothing(self):
        sites = Site.objects.count()
        with self.assertRaises(CommandError) as refused:
            call_command(
                "create_section",
                "--code=ch",
                "--name=Doublon",
                "--country=Suisse",
                "--currency=CHF",
                "--languages=fr",
                "--host=fr.localhost",
            )
        # Commands speak the project's default language (French).
        with translation.override("fr"):
            for field, message in (
                ("code", "A section with this code already exists."),
                ("hostname", "Another site already answers at this host."),
            ):
                self.assertIn(f"{field}: {translation.gettext(message)}", str(refused.exception))
        self.assertEqual(Site.objects.count(), sites)
