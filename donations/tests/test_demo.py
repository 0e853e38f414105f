"""The demo content: a donation page in each section, Swiss translations, safe to load twice."""

import pytest
from wagtail.models import Locale

from donations.demo import SLUG, load
from donations.models import DonationAmount, DonationPage

pytestmark = pytest.mark.django_db


def test_each_section_gets_a_donation_page_and_loading_again_duplicates_nothing(
    sections, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = load(sections)
    with django_capture_on_commit_callbacks(execute=True):
        second = load(sections)

    assert {code: page.pk for code, page in first.items()} == {code: page.pk for code, page in second.items()}
    french = Locale.objects.get(language_code="fr")
    assert DonationPage.objects.filter(locale=french, slug=SLUG).count() == 3
    for code, page in second.items():
        assert page.get_parent().specific == sections[code].home
        assert page.live
    assert DonationAmount.objects.filter(page=second["tg"]).count() == 5


def test_switzerland_publishes_its_page_in_french_german_and_italian(sections, donation_pages):
    page = donation_pages["ch"]
    titles = {
        translation.locale.language_code: translation.title
        for translation in DonationPage.objects.filter(translation_key=page.translation_key, live=True)
    }

    assert titles == {
        "fr": "Soutenez notre travail par un don",
        "de": "Unterstützen Sie unsere Arbeit mit einer Spende",
        "it": "Sostenete il nostro lavoro con una donazione",
    }
    italian = page.get_translation(Locale.objects.get(language_code="it"))
    impacts = list(italian.amounts.values_list("impact", flat=True))
    assert "Finanzia una giornata di indagine sul campo." in impacts


def test_the_sections_currencies_and_deduction(sections, donation_pages):
    assert sections["ch"].settings.currency == "CHF"
    assert sections["fr"].settings.currency == "EUR"
    assert sections["fr"].settings.tax_deduction_rate == 66
    assert sections["tg"].settings.currency == "XOF"
    assert donation_pages["tg"].bounds("XOF") == (500, 2000000)
    assert donation_pages["ch"].bounds("CHF") == (500, 1000000)
