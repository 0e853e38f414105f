"""A section's texts (name, address, footer, consent wording, sign-off) are translated in wagtail-localize.

The German page then shows the German wording, records it in the consent ledger with its own version,
and its emails sign off in German; the section's translators translate, its editors write the source,
and nobody sees another section's texts.
"""

import html
import re
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from django.test import TestCase
from django.urls import reverse
from django.utils.translation import override
from wagtail.admin.viewsets import viewsets
from wagtail.models import Locale
from wagtail_localize.models import StringSegment, Translation, TranslationSource
from wagtail_localize.strings import StringValue

from petitions.models import PetitionPage
from sections.demo import create_sections
from sections.models import SectionTexts
from sections.texts_admin import SectionTextsViewSet
from sections.translation import translate
from supporters.models import ConsentPurpose, ConsentRecord

CH = "ch.localhost:8000"
GERMAN = {
    "Plaidoyer Suisse": "Plaidoyer Schweiz",
    "Suisse": "Schweiz",
    "Association Plaidoyer Suisse": "Verein Plaidoyer Schweiz",
    "Case postale 1234\n3001 Berne": "Postfach 1234\n3001 Bern",
    "Association reconnue d'utilité publique : vos dons sont déductibles des impôts.": (
        "Gemeinnütziger Verein: Spenden an uns können Sie von den Steuern abziehen."
    ),
    "J'accepte que Plaidoyer Suisse traite mes données pour cette action, comme décrit dans sa "
    "politique de confidentialité.": (
        "Ich bin einverstanden, dass Plaidoyer Schweiz meine Angaben für diese Petition verwendet, "
        "wie es die Datenschutzerklärung beschreibt."
    ),
    "Je souhaite recevoir des nouvelles des campagnes par email (désinscription en un clic).": (
        "Senden Sie mir Neuigkeiten zu den Kampagnen per E-Mail (Abmeldung jederzeit mit einem Klick)."
    ),
    "L'équipe de Plaidoyer Suisse": "Herzliche Grüsse\nIhr Team von Plaidoyer Schweiz",
}


def texts_of(section, language):
    return SectionTexts.objects.get(site=section.site, locale__language_code=language)


class SectionTextsTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        with cls.captureOnCommitCallbacks(execute=True):
            cls.sections = create_sections()
        swiss = cls.sections["ch"]
        cls.source = texts_of(swiss, "fr")
        # The German texts have not been translated yet: the German pages read the French ones.
        german = texts_of(swiss, "de")
        Translation.objects.filter(
            target_locale=german.locale, source__object_id=german.translation_key
        ).delete()
        german.delete()
        users = get_user_model().objects
        cls.users = {}
        for code in ("ch", "fr"):
            for role in ("editor", "translator"):
                user = users.create_user(f"{code}-{role}", f"{code}-{role}@example.org", "pw")
                user.groups.add(cls.sections[code].groups[role])
                cls.users[f"{code}-{role}"] = user
        cls.admin = users.create_superuser("admin", "admin@example.org", "pw")

    def setUp(self):
        cache.clear()

    def as_user(self, name):
        client = self.client_class()
        client.force_login(self.users[name] if name != "admin" else self.admin)
        return client

    def assert_refused(self, response):
        """Wagtail's answer to what a user may not do: back to the dashboard, with a message."""
        self.assertRedirects(response, reverse("wagtailadmin_home"), fetch_redirect_response=False)

    def edit_url(self, texts):
        return reverse("wagtailsnippets_sections_sectiontexts:edit", args=[texts.pk])

    def submit_url(self, texts):
        return reverse(
            "wagtail_localize:submit_snippet_translation", args=["sections", "sectiontexts", texts.pk]
        )

    def translate_in_the_admin(self, client, language, strings):
        """What a translator does: Translate, fill in each segment in the editor, Publish."""
        locale = Locale.objects.get(language_code=language)
        response = client.post(self.submit_url(self.source), {"locales": [locale.pk]})
        self.assertEqual(response.status_code, 302)
        target = SectionTexts.objects.get(translation_key=self.source.translation_key, locale=locale)
        self.assertEqual(client.get(self.edit_url(target)).status_code, 200)
        source = TranslationSource.objects.get_for_instance(self.source)
        translation = Translation.objects.get(source=source, target_locale=locale)
        for segment in StringSegment.objects.filter(source=source).select_related("string"):
            url = reverse("wagtail_localize:edit_string_translation", args=[translation.pk, segment.pk])
            # The editor shows line breaks as such, and stores them as wagtail-localize's <br/>.
            source_text = StringValue(segment.string.data).render_text()
            text = StringValue.from_plaintext(strings[source_text]).data
            response = client.put(
                url, urlencode({"value": text}), content_type="application/x-www-form-urlencoded"
            )
            self.assertEqual(response.status_code, 201, segment.string.data)
        with self.captureOnCommitCallbacks(execute=True):
            response = client.post(self.edit_url(target), {"action": "publish"})
        self.assertEqual(response.status_code, 302)
        return SectionTexts.objects.get(pk=target.pk)


class TranslatingTheTextsTests(SectionTextsTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        swiss = cls.sections["ch"]
        petition = PetitionPage(
            title="Libérez Maryia Kalesnikava",
            slug="kalesnikava",
            addressee_name="Autorités du Bélarus",
            demand="Libérez Maryia Kalesnikava.",
        )
        with cls.captureOnCommitCallbacks(execute=True):
            swiss.home.add_child(instance=petition)
            petition.save_revision().publish()
            cls.german_petition = cls.translate_petition(petition)

    @staticmethod
    def translate_petition(petition):
        return translate(
            petition,
            "de",
            {
                "Libérez Maryia Kalesnikava": "Freiheit für Maryia Kalesnikava",
                "Autorités du Bélarus": "Behörden von Belarus",
                "Libérez Maryia Kalesnikava.": "Lassen Sie Maryia Kalesnikava frei.",
            },
        )

    def german_page(self):
        response = self.client.get(self.german_petition.get_url_parts()[2], HTTP_HOST=CH)
        self.assertEqual(response.status_code, 200)
        return html.unescape(response.content.decode())

    def test_before_it_is_translated_the_german_page_reads_the_sections_default_language(self):
        page = self.german_page()
        self.assertIn("J'accepte que Plaidoyer Suisse traite mes données", page)

    def test_a_translator_translates_the_texts_and_the_german_page_the_ledger_and_the_email_speak_german(
        self,
    ):
        german = self.translate_in_the_admin(self.as_user("ch-translator"), "de", GERMAN)
        self.assertEqual(german.consent_text, GERMAN[self.source.consent_text])

        page = self.german_page()
        self.assertIn(GERMAN[self.source.consent_text], page)
        self.assertIn(GERMAN[self.source.newsletter_consent_text], page)
        self.assertIn("<address>Postfach 1234<br>3001 Bern</address>", page)
        self.assertIn("Verein Plaidoyer Schweiz", page)
        self.assertIn("Spenden an uns können Sie von den Steuern abziehen.", page)
        self.assertRegex(page, r"<title>Freiheit für Maryia Kalesnikava · Plaidoyer Schweiz</title>")
        for french in ("J'accepte", "Je souhaite", "Case postale", "Association Plaidoyer Suisse"):
            self.assertNotIn(french, page)

        version = re.search(r'name="consent_version" value="([0-9a-f]+)"', page).group(1)
        with override("de"):
            sign_url = reverse("petitions:sign", args=[self.german_petition.pk])
        data = {
            "first_name": "Anna",
            "last_name": "Muster",
            "email": "anna@example.org",
            "country": "Schweiz",
            "postal_code": "3011",
            "consent": "on",
            "newsletter": "on",
            "consent_version": version,
        }
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(sign_url, data, HTTP_HOST=CH)
        self.assertEqual(response.status_code, 303)
        records = {record.purpose: record for record in ConsentRecord.objects.all()}
        processing = records[ConsentPurpose.PROCESSING]
        self.assertEqual(processing.wording, GERMAN[self.source.consent_text])
        self.assertEqual(processing.language, "de")
        self.assertEqual(
            processing.wording_version, ConsentRecord.version_of(GERMAN[self.source.consent_text])
        )
        self.assertNotEqual(processing.wording_version, ConsentRecord.version_of(self.source.consent_text))
        self.assertEqual(
            records[ConsentPurpose.NEWSLETTER].wording, GERMAN[self.source.newsletter_consent_text]
        )

        (email,) = mail.outbox
        self.assertEqual(
            email.body.rstrip().split("\n")[-3:],
            ["Herzliche Grüsse", "Ihr Team von Plaidoyer Schweiz", self.german_petition.get_full_url()],
        )
        self.assertNotIn("Plaidoyer Suisse", email.body)

    def test_an_edited_source_reaches_the_translation_through_sync(self):
        translator = self.as_user("ch-translator")
        self.translate_in_the_admin(translator, "de", GERMAN)
        editor = self.as_user("ch-editor")
        form = {
            field: getattr(self.source, field)
            for field in ("name", "country", "legal_entity", "postal_address", "footer_text")
            + ("consent_text", "newsletter_consent_text", "email_signoff")
        }
        form["email_signoff"] = "Toute l'équipe de Plaidoyer Suisse"
        with self.captureOnCommitCallbacks(execute=True):
            response = editor.post(self.edit_url(self.source), form)
        self.assertEqual(response.status_code, 302)
        source = TranslationSource.objects.get_for_instance(self.source)
        sync_url = reverse("wagtail_localize:update_translations", args=[source.pk])
        self.assert_refused(editor.get(sync_url))
        with self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(translator.post(sync_url, {}).status_code, 302)
        translation = Translation.objects.get(source=source, target_locale__language_code="de")
        segment = StringSegment.objects.get(source=source, string__data="Toute l'équipe de Plaidoyer Suisse")
        url = reverse("wagtail_localize:edit_string_translation", args=[translation.pk, segment.pk])
        translator.put(
            url, urlencode({"value": "Ihr ganzes Team"}), content_type="application/x-www-form-urlencoded"
        )
        german = texts_of(self.sections["ch"], "de")
        with self.captureOnCommitCallbacks(execute=True):
            translator.post(self.edit_url(german), {"action": "publish"})
        self.assertEqual(texts_of(self.sections["ch"], "de").email_signoff, "Ihr ganzes Team")
        # The other segments kept their translation.
        self.assertEqual(texts_of(self.sections["ch"], "de").name, "Plaidoyer Schweiz")


class TitleTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        with cls.captureOnCommitCallbacks(execute=True):
            cls.sections = create_sections()

    def test_the_title_ends_with_the_sections_name_in_the_pages_language(self):
        for language, name in (
            ("fr", "Plaidoyer Suisse"),
            ("de", "Plaidoyer Schweiz"),
            ("it", "Plaidoyer Svizzera"),
        ):
            page = self.client.get(f"/{language}/", HTTP_HOST=CH).content.decode()
            self.assertRegex(page, rf"<title>[^<]* · {name}</title>")
            self.assertIn(f"<span>{name}</span>", page)

    def test_a_change_of_the_texts_shows_at_once(self):
        italian = texts_of(self.sections["ch"], "it")
        italian.name = "Plaidoyer Ticino"
        with self.captureOnCommitCallbacks(execute=True):
            italian.save()
        page = self.client.get("/it/", HTTP_HOST=CH).content.decode()
        self.assertRegex(page, r"<title>[^<]* · Plaidoyer Ticino</title>")
        self.assertRegex(
            self.client.get("/de/", HTTP_HOST=CH).content.decode(), r" · Plaidoyer Schweiz</title>"
        )


class PermissionTests(SectionTextsTestCase):
    def test_a_translator_translates_their_sections_texts_and_may_not_edit_the_source(self):
        translator = self.as_user("ch-translator")
        offered = translator.get(self.submit_url(self.source)).context["form"].fields["locales"].queryset
        self.assertEqual(sorted(locale.language_code for locale in offered), ["de"])
        self.assert_refused(translator.get(self.edit_url(self.source)))
        with self.captureOnCommitCallbacks(execute=True):
            translator.post(self.edit_url(self.source), {"name": "Changé", "site": self.source.site_id})
        self.assertEqual(SectionTexts.objects.get(pk=self.source.pk).name, "Plaidoyer Suisse")

    def test_an_editor_writes_the_source_and_neither_translates_nor_edits_a_translation(self):
        editor = self.as_user("ch-editor")
        self.assertEqual(editor.get(self.edit_url(self.source)).status_code, 200)
        italian = texts_of(self.sections["ch"], "it")
        self.assert_refused(editor.get(self.edit_url(italian)))
        self.assert_refused(editor.get(self.submit_url(self.source)))

    def test_nobody_sees_or_translates_another_sections_texts(self):
        french_section = texts_of(self.sections["fr"], "fr")
        italian = texts_of(self.sections["ch"], "it")
        for name in ("ch-editor", "ch-translator"):
            client = self.as_user(name)
            listing = client.get(reverse("wagtailsnippets_sections_sectiontexts:list")).content.decode()
            self.assertIn("Plaidoyer Svizzera", listing)
            self.assertNotIn("Plaidoyer France", listing)
            self.assertNotIn("Plaidoyer Togo", listing)
            self.assertEqual(client.get(self.edit_url(french_section)).status_code, 404)
            # Editors may not translate at all; a translator is answered as if the texts did not exist.
            if name == "ch-editor":
                self.assert_refused(client.get(self.submit_url(french_section)))
            else:
                self.assertEqual(client.get(self.submit_url(french_section)).status_code, 404)
        french_translator = self.as_user("fr-translator")
        self.assertEqual(french_translator.get(self.edit_url(italian)).status_code, 404)
        self.assertEqual(french_translator.get(self.submit_url(self.source)).status_code, 404)
        source = TranslationSource.objects.get_for_instance(self.source)
        translation = Translation.objects.get(source=source, target_locale__language_code="it")
        segment = StringSegment.objects.filter(source=source).first()
        url = reverse("wagtail_localize:edit_string_translation", args=[translation.pk, segment.pk])
        response = french_translator.put(
            url, "value=Pirata", content_type="application/x-www-form-urlencoded"
        )
        self.assertEqual(response.status_code, 403)
        sync_url = reverse("wagtail_localize:update_translations", args=[source.pk])
        self.assertEqual(french_translator.get(sync_url).status_code, 404)

    def test_every_admin_url_of_another_sections_texts_is_a_404(self):
        viewset = next(v for v in viewsets.viewsets if isinstance(v, SectionTextsViewSet))
        patterns = [p for p in viewset.get_urlpatterns() if "pk" in p.pattern.converters]
        self.assertGreaterEqual(len(patterns), 3)
        rows = {"ch": texts_of(self.sections["ch"], "it"), "fr": texts_of(self.sections["fr"], "fr")}
        wrong = []
        for name, other in (
            ("ch-editor", "fr"),
            ("ch-translator", "fr"),
            ("fr-editor", "ch"),
            ("fr-translator", "ch"),
        ):
            client = self.as_user(name)
            for pattern in patterns:
                url = reverse(f"{viewset.url_namespace}:{pattern.name}", kwargs={"pk": rows[other].pk})
                response = client.get(url)
                if response.status_code != 404:
                    wrong.append(f"{name}, {url}: {response.status_code}")
        self.assertEqual(wrong, [])

    def test_nobody_adds_texts_by_hand(self):
        self.assertEqual(
            self.as_user("admin").get(reverse("wagtailsnippets_sections_sectiontexts:add")).status_code, 302
        )
