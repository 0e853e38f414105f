"""The letter a visitor gets: a print-ready A4 PDF with their address, the date, the addressee in the window, the text."""

import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from petitions.letters.models import Letter, LetterState
from petitions.letters.pdf import letter_date

from .helpers import CH, generate, page_url, pdf_from_response, pdf_text, shown

pytestmark = pytest.mark.django_db

MM = 72 / 25.4  # PDF points per millimetre


def test_french_letter_has_sender_date_addressee_text_and_signature(client, action):
    response = generate(client, action)

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert shown("Your letter is ready") in response.content.decode()
    data = pdf_from_response(response)
    reader = PdfReader(io.BytesIO(data))
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / MM), round(float(box.height) / MM)) == (210, 297)  # A4
    text = pdf_text(data)
    for expected in [
        "Anne-Sophie Müller",  # sender block and signature
        "Neuchâtel",
        "Ministre des Affaires étrangères",
        "Ministère des Affaires étrangères de la République de Biélorussie",
        "vul. Lenina 19",
        "220030 Minsk",
        "RÉPUBLIQUE DE BIÉLORUSSIE",
        "Monsieur le Ministre,",
        "purge une peine de onze ans de prison depuis 2020",
        "J'ai appris son histoire au Marathon des lettres à Genève.",
        "Veuillez agréer, Monsieur le Ministre, mes salutations distinguées.",
    ]:
        assert expected in text, expected
    assert f"Neuchâtel, {letter_date('fr')}" in text
    assert text.count("Anne-Sophie Müller") >= 2  # the sender block and under the signature line
    # The personal paragraph comes after the model letter and before the closing.
    assert text.index("Genève") > text.index("libérée") and text.index("Genève") < text.index(
        "Veuillez agréer"
    )


def test_the_date_is_written_in_the_letters_language(settings):
    day = timezone.datetime(2026, 11, 21).date()
    assert letter_date("fr", day) == "21 novembre 2026"
    assert letter_date("de", day) == "21. November 2026"
    assert letter_date("ru", day) == "21 ноября 2026 г."
    assert letter_date("en", day) == "21 November 2026"


def test_russian_letter_prints_in_cyrillic_with_the_russian_address(client, action):
    response = generate(client, action, language="ru", personal_paragraph="Свободу Марии! Желаю ей сил.")

    text = pdf_text(pdf_from_response(response))
    assert "Уважаемый господин Министр!" in text
    assert "отбывает одиннадцатилетний срок" in text
    assert "Министру иностранных дел Республики Беларусь" in text
    assert "ул. Ленина, 19" in text
    assert "Свободу Марии! Желаю ей сил." in text
    assert letter_date("ru") in text
    assert "Monsieur le Ministre" not in text
    letter = Letter.objects.get()
    assert (letter.letter_language, letter.language, letter.state) == ("ru", "fr", LetterState.GENERATED)


def test_every_accent_renders(client, action):
    names = {"first_name": "Łukasz Ðorđe", "last_name": "Øster-Ñúñez Çağlar", "town": "Čáslav"}
    belarusian = "Шаноўны спадар Міністр, вызваліце Марыю Калеснікаву — ўсё і ў."
    response = generate(client, action, personal_paragraph=belarusian, **names)
    text = pdf_text(pdf_from_response(response))
    for value in [*names.values(), belarusian]:
        assert value in text


def test_a_long_paragraph_flows_onto_a_second_page(client, action):
    paragraph = "\n".join(["Je pense à elle chaque jour et je garde espoir pour sa libération."] * 12)
    response = generate(client, action, personal_paragraph=paragraph)
    data = pdf_from_response(response)
    assert len(PdfReader(io.BytesIO(data)).pages) >= 1
    assert "Veuillez agréer" in pdf_text(data)


def test_page_in_german_offers_german_and_russian(client, action_de):
    response = client.get(page_url(action_de), HTTP_HOST=CH)
    content = response.content.decode()
    assert '<option value="de" selected>Deutsch</option>' in content
    assert '<option value="ru">Русский</option>' in content
    assert '<option value="fr"' not in content
