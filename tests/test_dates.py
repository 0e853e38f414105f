"""Dates read as each language writes them: "1er décembre" in French, "1. Dezember", "1º dicembre", on every page, letter and email."""

import datetime
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string
from django.test import TestCase
from django.utils import timezone, translation

from petitions.letters.pdf import letter_date
from petitions.letters.tests.helpers import CH, make_action, page_url
from sections.dates import long_date
from sections.demo import create_sections
from sections.translation import translate

ROOT = Path(__file__).resolve().parents[1]
# Formats for machines (the `datetime` attribute of <time>), never read as a date by a visitor.
MACHINE_FORMATS = {"Y-m-d", "c"}


@pytest.mark.parametrize(
    "language, day, expected",
    [
        ("fr", 1, "1er décembre 2026"),
        ("fr", 2, "2 décembre 2026"),
        ("de", 1, "1. Dezember 2026"),
        ("de", 2, "2. Dezember 2026"),
        ("it", 1, "1º dicembre 2026"),
        ("it", 2, "2 dicembre 2026"),
        ("en", 1, "Dec. 1, 2026"),
        ("en", 2, "Dec. 2, 2026"),
    ],
)
def test_the_first_of_the_month_reads_as_each_language_writes_it(language, day, expected):
    assert long_date(datetime.date(2026, 12, day), language) == expected


@pytest.mark.parametrize(
    "language, expected",
    [
        ("fr", "1er décembre 2026"),
        ("de", "1. Dezember 2026"),
        ("it", "1º dicembre 2026"),
        ("en", "1 December 2026"),
        ("ru", "1 декабря 2026 г."),
    ],
)
def test_a_letter_written_on_the_first_is_dated_as_its_language_writes_it(language, expected):
    assert letter_date(language, datetime.date(2026, 12, 1)) == expected


def test_a_date_in_the_evening_is_the_day_it_is_in_the_sections_time_zone():
    # 23:30 UTC on 30 November is already 1 December in Zurich.
    evening = datetime.datetime(2026, 11, 30, 23, 30, tzinfo=datetime.UTC)
    with timezone.override("Europe/Zurich"):
        assert long_date(evening, "fr") == "1er décembre 2026"


def test_no_template_writes_a_date_with_djangos_own_long_format():
    """Django's formats have no "1er": a visitor's date goes through `long_date`."""
    offenders = []
    for path in ROOT.glob("**/templates/**/*"):
        if ".venv" in path.parts or path.suffix not in {".html", ".txt"}:
            continue
        for match in re.finditer(r"\|date(?::[\"']([^\"']*)[\"'])?", path.read_text()):
            if match.group(1) not in MACHINE_FORMATS:
                offenders.append(f"{path.relative_to(ROOT)}: {match.group(0)}")
    assert offenders == []


def test_a_receipt_for_a_gift_on_the_first_says_1er_in_french():
    context = {
        "donation": SimpleNamespace(first_name="Léa", frequency="once", designation=""),
        "payment": SimpleNamespace(
            occurred_at=datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC),
            stripe_charge_id="ch_1",
            pk=1,
        ),
        "section": SimpleNamespace(tax_deduction_rate=None, contact_email=""),
        "section_texts": SimpleNamespace(entity="Plaidoyer", signoff="Plaidoyer", postal_address=""),
        "amount": "CHF 50.00",
        "after_deduction": "",
    }
    with translation.override("fr"), timezone.override("Europe/Zurich"):
        body = render_to_string("donations/emails/receipt.txt", context)
    assert "1er décembre 2026" in body


class LetterPageDateTests(TestCase):
    """A letter to post by the first of the month, on its page in French, German and Italian."""

    @classmethod
    def setUpTestData(cls):
        with cls.captureOnCommitCallbacks(execute=True):
            sections = create_sections()
        cls.pages = {"fr": make_action(sections["ch"].home, post_by=datetime.date(2027, 12, 1))}
        for language, title in [("de", "Schreiben Sie für Maryia"), ("it", "Scrivete per Maryia")]:
            with cls.captureOnCommitCallbacks(execute=True):
                cls.pages[language] = translate(cls.pages["fr"], language, {cls.pages["fr"].title: title})

    def test_the_post_by_date_reads_1er_1_and_1o_on_the_page(self):
        for language, expected in [
            ("fr", "1er décembre 2027"),
            ("de", "1. Dezember 2027"),
            ("it", "1º dicembre 2027"),
        ]:
            page = self.pages[language]
            content = self.client.get(page_url(page), HTTP_HOST=CH).content.decode()
            assert expected in content, language
