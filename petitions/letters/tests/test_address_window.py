"""The addressee block of a printed letter lies inside the envelope window the section uses, line by line."""

import io

from django.core.exceptions import ValidationError
from django.test import TestCase
from django.utils import translation
from fpdf import FPDF
from pypdf import PdfReader

from petitions.letters import demo
from petitions.letters.models import LetterActionPage, LetterVersion
from petitions.letters.pdf import FAMILY, FONT_DIR, FONTS, WINDOWS, AddressDoesNotFit, check_address_fits
from sections.demo import create_sections
from sections.models import SectionSettings

from .helpers import CH, FR, generate, pdf_from_response, shown

MM = 72 / 25.4  # PDF points per millimetre
DESCENT = 0.24  # DejaVu Serif's descenders, in ems, below the baseline pypdf reports


def drawn_runs(data):
    """Every text run on the first page: (text, left, baseline, size), millimetres from the top left."""
    runs = []

    def visitor(text, cm, tm, font_dict, font_size):
        if text.strip():
            runs.append((text.strip(), tm[4] / MM, 297 - tm[5] / MM, font_size))

    PdfReader(io.BytesIO(data)).pages[0].extract_text(visitor_text=visitor)
    return runs


def text_width(text, size):
    pdf = FPDF(unit="mm")
    pdf.add_font(FAMILY, fname=FONT_DIR / FONTS[""])
    pdf.set_font(FAMILY, "", size)
    return pdf.get_string_width(text)


class AddressWindowTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        with cls.captureOnCommitCallbacks(execute=True):
            cls.sections = create_sections()
        with cls.captureOnCommitCallbacks(execute=True):
            demo.load(cls.sections)
        cls.swiss_pages = list(LetterActionPage.objects.filter(slug__contains="maryia-kalesnikava"))
        cls.french_page = LetterActionPage.objects.get(slug="lettre-ales-bialiatski")

    def address_runs(self, data, address_lines, window):
        """The runs that print `address_lines`, checked to hold every word of them, in order."""
        runs = drawn_runs(data)
        words = " ".join(address_lines).split()
        start = next(i for i, run in enumerate(runs) if run[0].split()[0] == words[0] and run[2] > 55)
        printed, rows = [], []
        for run in runs[start:]:
            if len(printed) >= len(words):
                break
            rows.append(run)
            printed += run[0].split()
        self.assertEqual(printed, words)
        return rows

    def assert_inside(self, rows, window, label):
        for text, left, baseline, size in rows:
            self.assertGreaterEqual(left, window.left, (label, text))
            self.assertLessEqual(left + text_width(text, size), window.right, (label, text))
            self.assertGreaterEqual(baseline - size / MM, window.top, (label, text))
            self.assertLessEqual(baseline + DESCENT * size / MM, window.bottom, (label, text))

    def test_every_demo_addressee_lies_inside_the_right_hand_window_in_every_offered_language(self):
        checked = []
        for page, host in [*((page, CH) for page in self.swiss_pages), (self.french_page, FR)]:
            for language, text in page.letter_texts.items():
                data = pdf_from_response(generate(self.client, page, host=host, language=language))
                label = f"{page.slug} in {language}"
                rows = self.address_runs(data, text.address_lines, WINDOWS["right"])
                self.assert_inside(rows, WINDOWS["right"], label)
                self.assertEqual(rows[-1][0], page.addressee_country.upper(), label)
                checked.append(label)
        # fr, de and it pages in Switzerland, the French one, each with Russian and English.
        self.assertEqual(len(checked), 12)

    def test_the_russian_addressee_wraps_and_its_country_line_stays_in_the_window(self):
        page = next(page for page in self.swiss_pages if page.locale.language_code == "fr")
        text = page.letter_texts["ru"]
        rows = self.address_runs(
            pdf_from_response(generate(self.client, page, language="ru")),
            text.address_lines,
            WINDOWS["right"],
        )
        self.assertGreater(len(rows), len(text.address_lines))  # some lines wrap once printed
        self.assert_inside(rows, WINDOWS["right"], "ru")

    def test_a_section_set_to_the_left_window_prints_the_address_on_the_left(self):
        settings = SectionSettings.for_site(self.sections["ch"].site)
        settings.address_window = "left"
        settings.save()
        page = next(page for page in self.swiss_pages if page.locale.language_code == "de")
        for language, text in page.letter_texts.items():
            data = pdf_from_response(generate(self.client, page, language=language))
            rows = self.address_runs(data, text.address_lines, WINDOWS["left"])
            self.assert_inside(rows, WINDOWS["left"], language)
            self.assertLess(rows[0][1], WINDOWS["right"].left)

    def test_a_swiss_letter_puts_the_sender_beside_the_right_hand_window(self):
        page = next(page for page in self.swiss_pages if page.locale.language_code == "fr")
        runs = drawn_runs(pdf_from_response(generate(self.client, page)))
        sender = next(run for run in runs if run[0] == "Anne-Sophie Müller")
        self.assertLess(sender[1] + text_width(sender[0], sender[3]), WINDOWS["right"].left)

    def test_a_long_return_address_is_shortened_to_stay_in_the_window(self):
        page = next(page for page in self.swiss_pages if page.locale.language_code == "fr")
        data = pdf_from_response(
            generate(
                self.client,
                page,
                first_name="Marie-Christine Alexandra",
                last_name="de Montmollin-Vuilleumier",
                town="Saint-Légier-La Chiésaz",
            )
        )
        (line,) = [run for run in drawn_runs(data) if "·" in run[0]]
        self.assertTrue(line[0].startswith("Marie-Christine Alexandra de Montmollin-Vuilleumier · "))
        self.assert_inside([line], WINDOWS["right"], "return address")

    def test_a_long_address_is_set_smaller_to_stay_in_the_window(self):
        page = next(page for page in self.swiss_pages if page.locale.language_code == "fr")
        page.addressee_address = (
            "Ministère des Affaires étrangères de la République de Biélorussie\n"
            "Direction de la coopération humanitaire et des droits de l'homme\nvul. Lenina 19\n220030 Minsk"
        )
        page.full_clean()
        page.save_revision().publish()
        page.refresh_from_db()
        text = page.letter_texts["fr"]
        rows = self.address_runs(
            pdf_from_response(generate(self.client, page)), text.address_lines, WINDOWS["right"]
        )
        self.assertLess(rows[0][3], 10)
        self.assert_inside(rows, WINDOWS["right"], "long address")

    def test_an_address_too_tall_for_the_window_is_refused_when_the_editor_publishes(self):
        page = next(page for page in self.swiss_pages if page.locale.language_code == "fr")
        page.addressee_address = "\n".join(f"Bureau {number}, bâtiment administratif" for number in range(8))
        with translation.override("de"), self.assertRaises(ValidationError) as refused:
            page.full_clean()  # as a German-speaking editor publishes it
        message = refused.exception.message_dict["addressee_address"][0]
        self.assertEqual(
            message,
            shown(
                "This address does not fit the envelope window, even in small print: once printed it takes "
                "%(printed)d lines, and the window holds %(max)d. Please shorten its lines or leave some out.",
                language="de",
                printed=10,
                max=9,
            ),
        )

    def test_an_address_saved_before_the_check_still_prints_rather_than_fail(self):
        page = next(page for page in self.swiss_pages if page.locale.language_code == "fr")
        too_tall = "\n".join(f"Bureau {number}, bâtiment administratif" for number in range(8))
        LetterActionPage.objects.filter(pk=page.pk).update(addressee_address=too_tall)
        with self.assertLogs("petitions.letters.pdf", "WARNING"):
            response = generate(self.client, page)
        self.assertEqual(response.status_code, 200)
        runs = drawn_runs(pdf_from_response(response))
        self.assertIn("Bureau 7, bâtiment administratif", [run[0] for run in runs])

    def test_an_addressee_in_another_language_that_does_not_fit_is_refused_too(self):
        page = next(page for page in self.swiss_pages if page.locale.language_code == "fr")
        version = LetterVersion(
            page=page,
            language="ru",
            salutation="Уважаемый господин Министр!",
            body="Текст.",
            closing="С уважением,",
            addressee="\n".join(f"Министерство иностранных дел, отдел {number}" for number in range(9)),
        )
        with self.assertRaises(ValidationError) as refused:
            version.full_clean()
        self.assertIn("addressee", refused.exception.message_dict)

    def test_the_demo_addressees_fit_every_window(self):
        for page in [*self.swiss_pages, self.french_page]:
            for text in page.letter_texts.values():
                check_address_fits(text.address_lines)
        with self.assertRaises(AddressDoesNotFit):
            check_address_fits(["Ligne"] * 10)
