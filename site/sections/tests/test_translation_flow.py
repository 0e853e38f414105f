"""Editors send pages to translation in wagtail-localize: drafts in the section's languages only, ASCII slugs."""

from django.contrib.auth import get_user_model
from django.test import TestCase
from django.urls import reverse
from wagtail.models import Locale, Page

from home.models import StandardPage
from sections.demo import create_sections


class TranslateDialogTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        with cls.captureOnCommitCallbacks(execute=True):
            cls.sections = create_sections()
        cls.swiss_page = StandardPage(
            title="Nous rejoindre", slug="nous-rejoindre", intro="Devenez bénévole."
        )
        cls.sections["ch"].home.add_child(instance=cls.swiss_page)
        cls.swiss_page.save_revision().publish()
        cls.french_page = StandardPage(
            title="Nous rejoindre", slug="nous-rejoindre", intro="Devenez bénévole."
        )
        cls.sections["fr"].home.add_child(instance=cls.french_page)
        cls.french_page.save_revision().publish()
        cls.admin = get_user_model().objects.create_superuser("editor", "editor@example.org", "pw")

    def setUp(self):
        self.client.force_login(self.admin)

    def offered_languages(self, page):
        response = self.client.get(reverse("wagtail_localize:submit_page_translation", args=[page.pk]))
        self.assertEqual(response.status_code, 200)
        return sorted(locale.language_code for locale in response.context["form"].fields["locales"].queryset)

    def test_the_translate_dialog_offers_only_the_languages_the_section_publishes(self):
        self.assertEqual(self.offered_languages(self.swiss_page), ["de", "it"])
        self.assertEqual(self.offered_languages(self.french_page), [])

    def test_a_section_home_page_can_still_be_translated_into_a_new_language(self):
        self.assertEqual(self.offered_languages(self.sections["fr"].home), ["de", "en", "it"])

    def test_a_page_sent_for_translation_is_a_draft_until_its_translation_is_published(self):
        german = Locale.objects.get(language_code="de")
        response = self.client.post(
            reverse("wagtail_localize:submit_page_translation", args=[self.swiss_page.pk]),
            {"locales": [german.pk]},
        )
        self.assertEqual(response.status_code, 302)
        draft = self.swiss_page.get_translation(german)
        self.assertFalse(draft.live)
        visitor = self.client_class()
        self.assertEqual(visitor.get("/de/nous-rejoindre/", HTTP_HOST="ch.localhost:8000").status_code, 404)
        self.assertEqual(visitor.get("/fr/nous-rejoindre/", HTTP_HOST="ch.localhost:8000").status_code, 200)


class SlugTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        with cls.captureOnCommitCallbacks(execute=True):
            cls.sections = create_sections()

    def test_a_page_without_a_slug_gets_an_ascii_one_from_its_title(self):
        page = StandardPage(title="Libérez Ihar Losik, journaliste")
        self.sections["fr"].home.add_child(instance=page)
        self.assertEqual(Page.objects.get(pk=page.pk).slug, "liberez-ihar-losik-journaliste")
        self.assertEqual(page.url_path.rsplit("/", 2)[-2], "liberez-ihar-losik-journaliste")
