"""Paper petition sheets: printed in numbered batches with a QR code, each batch's signatures entered once."""

import io
import re
from urllib.parse import urlsplit

from django.contrib.auth.models import Group, User
from django.test import TestCase
from django.utils import timezone, translation
from django.utils.formats import date_format
from pypdf import PdfReader

from petitions.models import PaperBatch, PetitionPage
from petitions.sheets import qr_rows
from sections.demo import create_sections
from sections.translation import translate
from supporters.models import ActionCount, ActionCountAdjustment

from .conftest import host_of, page_path, text_of

FRENCH_TITLE = "Libérez Maryia Kalesnikava"
GERMAN_TITLE = "Freiheit für Maryia Kalesnikava"
GERMAN_DEMAND = "Lassen Sie Maryia Kalesnikava sofort und bedingungslos frei."


def pdf_pages(response):
    """The text of each page of a PDF response, whitespace collapsed."""
    reader = PdfReader(io.BytesIO(response.content))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def drawn_qr_modules(data, page):
    """The dark modules (row, column) of the QR code drawn on a page, read back from its filled rectangles."""
    content = PdfReader(io.BytesIO(data)).pages[page].get_contents().get_data().decode("latin-1")
    runs = [
        tuple(map(float, run)) for run in re.findall(r"([\d.]+) ([\d.]+) ([\d.]+) -([\d.]+) re f", content)
    ]
    left, top, module = min(run[0] for run in runs), max(run[1] for run in runs), min(run[3] for run in runs)
    return {
        (round((top - y) / module), column)
        for x, y, width, _height in runs
        for column in range(round((x - left) / module), round((x - left + width) / module))
    }


def qr_modules(url):
    """The dark modules of qrcode's matrix for `url`, counted from its top-left finder pattern (past the quiet zone)."""
    return {
        (row - 4, column - 4)
        for row, line in enumerate(qr_rows(url))
        for column, dark in enumerate(line)
        if dark
    }


def member_of(username, group_name):
    user = User.objects.create_user(username, password="pw")
    user.groups.add(Group.objects.get(name=group_name))
    return user


def t(message, lang="fr", **params):
    """A message as staff read it (the admin speaks French unless they chose otherwise), or a sheet in `lang`."""
    with translation.override(lang):
        params = {key: value(lang) if callable(value) else value for key, value in params.items()}
        return translation.gettext(message) % params if params else translation.gettext(message)


class PaperSheetsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        with cls.captureOnCommitCallbacks(execute=True):
            cls.sections = create_sections()
        ch_home = cls.sections["ch"].home
        petition = PetitionPage(
            title=FRENCH_TITLE,
            slug="kalesnikava",
            addressee_name="Alexandre Loukachenko",
            addressee_title="Président du Bélarus",
            demand="Libérez Maryia Kalesnikava immédiatement et sans condition.",
            goal=1000,
        )
        ch_home.add_child(instance=petition)
        petition.save_revision().publish()
        cls.petition = PetitionPage.objects.get(pk=petition.pk)
        with cls.captureOnCommitCallbacks(execute=True):
            cls.german = translate(
                cls.petition,
                "de",
                {
                    FRENCH_TITLE: GERMAN_TITLE,
                    "Libérez Maryia Kalesnikava immédiatement et sans condition.": GERMAN_DEMAND,
                    "Président du Bélarus": "Präsident von Belarus",
                },
            )
        cls.fr_petition = PetitionPage(
            title="Liberté pour les dissident·e·s",
            slug="dissidents",
            addressee_name="Autorités",
            demand="Libérez-les.",
        )
        cls.sections["fr"].home.add_child(instance=cls.fr_petition)
        cls.fr_petition.save_revision().publish()
        cls.editor = member_of("ch-editor", "ch editors")
        cls.officer = member_of("ch-officer", "ch data-officers")
        cls.translator = member_of("ch-translator", "ch translators")
        cls.fr_editor = member_of("fr-editor", "fr editors")

    def print_sheets(self, user, petition=None, **data):
        self.client.force_login(user)
        petition = petition or self.petition
        return self.client.post(f"/admin/petition-counts/{petition.pk}/sheets/", data)

    def enter(self, user, batch, signatures):
        self.client.force_login(user)
        return self.client.post(f"/admin/petition-counts/batches/{batch.pk}/", {"signatures": signatures})

    # --- Printing -----------------------------------------------------------------

    def test_an_editor_prints_german_sheets_that_carry_the_petition_and_the_batch_number(self):
        response = self.print_sheets(self.editor, language="de", sheets=3)
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertIn('filename="petition-sheets-CH-1.pdf"', response["Content-Disposition"])
        batch = PaperBatch.objects.get()
        self.assertEqual(
            (batch.label, batch.site, batch.petition_id, batch.language, batch.sheets, batch.printed_by),
            ("CH-1", self.sections["ch"].site, self.german.pk, "de", 3, self.editor),
        )
        self.assertEqual(batch.petition_key, self.petition.translation_key)
        pages = pdf_pages(response)
        self.assertEqual(len(pages), 3)
        # A4 sheets (210 × 297 mm; a PDF measures in points of 1/72 inch), for any office printer.
        for page in PdfReader(io.BytesIO(response.content)).pages:
            size = [round(float(side) * 25.4 / 72) for side in (page.mediabox.width, page.mediabox.height)]
            self.assertEqual(size, [210, 297])
        url = f"http://localhost:8000/admin/petition-counts/batches/{batch.pk}/"
        for number, text in enumerate(pages, start=1):
            self.assertIn(GERMAN_TITLE, text)
            self.assertIn(GERMAN_DEMAND, text)
            self.assertIn("Alexandre Loukachenko, Präsident von Belarus", text)
            self.assertIn(
                t(
                    "Batch %(batch)s · sheet %(sheet)s of %(sheets)s",
                    "de",
                    batch="CH-1",
                    sheet=number,
                    sheets=3,
                ),
                text,
            )
            self.assertIn(t("Signature", "de"), text)
            self.assertIn(str(batch.lines_per_sheet), text)  # the last line's number
            self.assertIn(url, text)
        self.assertNotIn(FRENCH_TITLE, pages[0])
        self.assertGreaterEqual(batch.lines_per_sheet, 5)
        # Each sheet's QR code is the one qrcode makes of that address, module for module.
        for number in range(3):
            self.assertEqual(drawn_qr_modules(response.content, number), qr_modules(url))
        self.assertEqual(
            self.print_sheets(self.officer, language="fr", sheets=1)["Content-Type"], "application/pdf"
        )
        self.assertEqual(PaperBatch.objects.get(language="fr").label, "CH-2")

    def test_a_sheet_prints_the_sections_consent_wording_in_its_language(self):
        response = self.print_sheets(self.editor, language="fr", sheets=1)
        consent = self.petition.get_consent_text(self.sections["ch"].settings)
        self.assertTrue(consent)
        self.assertIn(" ".join(consent.split())[:60], pdf_pages(response)[0])

    def test_a_language_without_a_published_version_or_a_wrong_number_of_sheets_is_refused(self):
        response = self.print_sheets(self.editor, language="it", sheets="3")
        self.assertEqual(response.status_code, 200)
        self.assertContains(
            response,
            t(
                "This petition has no published version in %(language)s yet: publish its translation first.",
                language="italiano",
            ),
        )
        for sheets in ("0", "201", "beaucoup"):
            response = self.print_sheets(self.editor, language="de", sheets=sheets)
            self.assertEqual(response.status_code, 200)
            self.assertContains(response, f'value="{sheets}"')
            self.assertIn("error-message", response.content.decode())
        self.assertFalse(PaperBatch.objects.exists())

    def test_the_petition_page_offers_its_editors_to_print_sheets(self):
        self.client.force_login(self.editor)
        response = self.client.get(f"/admin/pages/{self.petition.pk}/edit/")
        self.assertContains(response, f"/admin/petition-counts/{self.petition.pk}/sheets/")

    # --- Entering a batch ---------------------------------------------------------

    def test_the_qr_address_opens_the_batch_and_its_signatures_join_the_public_count(self):
        self.print_sheets(self.editor, language="de", sheets=2)
        batch = PaperBatch.objects.get()
        path = urlsplit(f"http://localhost:8000/admin/petition-counts/batches/{batch.pk}/").path
        self.client.force_login(self.officer)
        page = self.client.get(path)
        self.assertContains(page, "CH-1")
        self.assertContains(page, GERMAN_TITLE)
        response = self.enter(self.officer, batch, 17)
        self.assertRedirects(response, "/admin/petition-counts/batches/", fetch_redirect_response=False)
        self.assertEqual(ActionCount.total_for(self.petition.translation_key), 17)
        adjustment = ActionCountAdjustment.objects.get()
        self.assertEqual(
            (adjustment.previous_offset, adjustment.new_offset, adjustment.changed_by), (0, 17, self.officer)
        )
        self.assertIn("CH-1", adjustment.reason)
        batch.refresh_from_db()
        self.assertEqual((batch.signatures, batch.entered_by), (17, self.officer))
        for version in (self.petition, self.german):
            public = self.client.get(page_path(version), HTTP_HOST=host_of(version))
            self.assertIn('value="17"', public.content.decode())
        history = self.client.get(f"/admin/petition-counts/{self.petition.pk}/offset/")
        self.assertContains(history, "CH-1")

    def test_a_batch_entered_twice_is_refused_and_counted_once(self):
        self.print_sheets(self.editor, language="fr", sheets=1)
        batch = PaperBatch.objects.get()
        self.enter(self.editor, batch, 9)
        response = self.enter(self.officer, batch, 9)
        self.assertEqual(response.status_code, 200)
        batch.refresh_from_db()
        refused = t(
            "Batch %(batch)s was already entered on %(date)s (%(signatures)s signatures): it is counted once only.",
            batch="CH-1",
            date=lambda lang: date_format(timezone.localtime(batch.entered_at), "SHORT_DATETIME_FORMAT"),
            signatures=9,
        )
        self.assertIn(refused, text_of(response))
        self.assertContains(response, 'value="9"')
        self.assertEqual(ActionCount.total_for(self.petition.translation_key), 9)
        self.assertEqual(ActionCountAdjustment.objects.count(), 1)
        shown = self.client.get(f"/admin/petition-counts/batches/{batch.pk}/")
        self.assertNotContains(shown, 'name="signatures"')

    def test_a_total_typed_while_a_batch_was_entered_does_not_overwrite_the_batch(self):
        self.print_sheets(self.editor, language="fr", sheets=1)
        batch = PaperBatch.objects.get()
        self.client.force_login(self.officer)
        opened = self.client.get(f"/admin/petition-counts/{self.petition.pk}/offset/")
        self.assertContains(opened, 'name="seen" value="0"')
        self.enter(self.editor, batch, 12)  # meanwhile, a colleague enters a batch of 12
        self.client.force_login(self.officer)
        typed = {"offset": 40, "reason": "Feuilles du stand de Berne", "seen": 0}
        response = self.client.post(f"/admin/petition-counts/{self.petition.pk}/offset/", typed)
        self.assertEqual(response.status_code, 200)
        self.assertIn(
            t(
                "Someone changed the offline signatures while you were typing (for example by entering a "
                "batch of paper sheets): they are now %(current)s. Check the total and save again.",
                current=12,
            ),
            text_of(response),
        )
        self.assertContains(response, 'value="40"')
        self.assertContains(response, "Feuilles du stand de Berne")
        self.assertContains(response, 'name="seen" value="12"')
        self.assertEqual(ActionCount.total_for(self.petition.translation_key), 12)
        # Saved again, knowingly: the new total replaces the one seen.
        response = self.client.post(
            f"/admin/petition-counts/{self.petition.pk}/offset/", {**typed, "offset": 52, "seen": 12}
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(ActionCount.total_for(self.petition.translation_key), 52)
        self.assertEqual(
            list(ActionCountAdjustment.objects.order_by("pk").values_list("previous_offset", "new_offset")),
            [(0, 12), (12, 52)],
        )

    def test_more_signatures_than_the_sheets_have_lines_or_no_number_is_refused(self):
        self.print_sheets(self.editor, language="fr", sheets=2)
        batch = PaperBatch.objects.get()
        too_many = str(batch.capacity + 1)
        for typed in (too_many, "-3", "vingt"):
            response = self.enter(self.officer, batch, typed)
            self.assertEqual(response.status_code, 200)
            self.assertContains(response, f'value="{typed}"')
            self.assertIn("error-message", response.content.decode())
        response = self.enter(self.officer, batch, too_many)
        self.assertContains(
            response,
            t(
                "The %(sheets)s sheets of this batch have %(capacity)s lines: at most %(capacity)s signatures.",
                sheets=2,
                capacity=batch.capacity,
            ),
        )
        batch.refresh_from_db()
        self.assertFalse(batch.entered)
        self.assertEqual(ActionCount.total_for(self.petition.translation_key), 0)

    def test_staff_find_a_batch_by_its_printed_number(self):
        self.print_sheets(self.editor, language="fr", sheets=1)
        batch = PaperBatch.objects.get()
        self.client.force_login(self.officer)
        for typed in ("CH-1", "ch-0001", "1"):
            response = self.client.get("/admin/petition-counts/batches/", {"batch": typed})
            self.assertRedirects(
                response, f"/admin/petition-counts/batches/{batch.pk}/", fetch_redirect_response=False
            )
        response = self.client.get("/admin/petition-counts/batches/", {"batch": "CH-99"})
        self.assertContains(response, t("No batch %(batch)s in your sections.", batch="CH-99"))
        self.assertContains(response, 'value="CH-99"')

    # --- Only the section's editors and data officers -----------------------------

    def test_another_sections_staff_neither_print_nor_enter_nor_see_the_batches(self):
        self.print_sheets(self.editor, language="fr", sheets=1)
        batch = PaperBatch.objects.get()
        self.assertEqual(self.print_sheets(self.fr_editor, language="fr", sheets=1).status_code, 404)
        self.assertEqual(self.client.get(f"/admin/petition-counts/batches/{batch.pk}/").status_code, 404)
        self.assertEqual(self.enter(self.fr_editor, batch, 5).status_code, 404)
        index = self.client.get("/admin/petition-counts/batches/")
        self.assertEqual(index.status_code, 200)
        self.assertNotContains(index, f"/admin/petition-counts/batches/{batch.pk}/")
        self.assertNotContains(index, FRENCH_TITLE)
        self.assertContains(index, "Liberté pour les dissident·e·s")
        response = self.client.get("/admin/petition-counts/batches/", {"batch": "CH-1"})
        self.assertContains(response, t("No batch %(batch)s in your sections.", batch="CH-1"))
        self.assertEqual(ActionCount.total_for(self.petition.translation_key), 0)
        self.assertEqual(PaperBatch.objects.count(), 1)

    def test_a_translator_of_the_section_cannot_print_or_enter(self):
        self.client.force_login(self.editor)
        self.assertContains(self.client.get("/admin/"), "/admin/petition-counts/batches/")  # the menu
        self.client.force_login(self.translator)
        self.assertNotContains(self.client.get("/admin/"), "/admin/petition-counts/batches/")
        self.print_sheets(self.editor, language="fr", sheets=1)
        batch = PaperBatch.objects.get()
        response = self.print_sheets(self.translator, language="fr", sheets=1)
        self.assertNotEqual(response.get("Content-Type"), "application/pdf")
        self.assertEqual(
            self.enter(self.translator, batch, 5).status_code, 302
        )  # Wagtail: back to the dashboard
        self.assertEqual(PaperBatch.objects.count(), 1)
        self.assertEqual(ActionCount.total_for(self.petition.translation_key), 0)
