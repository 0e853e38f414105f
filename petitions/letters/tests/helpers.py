"""Helpers for the letter-writing tests: build an action, post the form, read the PDF."""

import base64
import datetime
import html
import io
import re

from pypdf import PdfReader

CH = "ch.localhost:8000"
FR = "fr.localhost:8000"

ADDRESS = "Ministère des Affaires étrangères de la République de Biélorussie\nvul. Lenina 19\n220030 Minsk"
FRENCH_BODY = (
    "Maryia Kalesnikava, musicienne, purge une peine de onze ans de prison depuis 2020.\n\n"
    "Je vous prie de faire en sorte qu'elle soit libérée sans attendre."
)
RUSSIAN_BODY = (
    "Мария Колесникова, музыкант, отбывает одиннадцатилетний срок с 2020 года.\n\n"
    "Прошу вас добиться её немедленного освобождения."
)


def make_action(parent, **fields):
    from petitions.letters.models import LetterActionPage, LetterVersion

    values = {
        "title": "Écrivez pour Maryia Kalesnikava",
        "slug": "ecrire-maryia",
        "addressee_title": "Ministre des Affaires étrangères",
        "addressee_address": ADDRESS,
        "addressee_country": "République de Biélorussie",
        "salutation": "Monsieur le Ministre,",
        "letter_body": FRENCH_BODY,
        "closing": "Veuillez agréer, Monsieur le Ministre, mes salutations distinguées.",
        "postage": "CHF 2.50",
        "goal": 500,
        "collect_messages": True,
    }
    values.update(fields)
    page = LetterActionPage(**values)
    page.letter_versions = [
        LetterVersion(
            language="ru",
            salutation="Уважаемый господин Министр!",
            body=RUSSIAN_BODY,
            closing="С уважением,",
            addressee="Министру иностранных дел Республики Беларусь\nул. Ленина, 19\n220030 Минск",
        )
    ]
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def letter_data(**overrides):
    data = {
        "first_name": "Anne-Sophie",
        "last_name": "Müller",
        "town": "Neuchâtel",
        "country": "Suisse",
        "language": "fr",
        "personal_paragraph": "J'ai appris son histoire au Marathon des lettres à Genève.",
        "email": "",
        "consent": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def page_url(page, route=""):
    """The page's path on its own section's host (tests pass HTTP_HOST), plus a route."""
    return page.get_url_parts()[2] + route


def pdf_from_response(response):
    """The PDF that the ready step hands to the browser (a data: link, never stored on the server)."""
    content = response.content.decode()
    match = re.search(r'href="data:application/pdf;base64,([^"]+)"', content)
    assert match, "the response has no PDF"
    return base64.b64decode(html.unescape(match.group(1)))


def pdf_text(data):
    """The PDF's text with line breaks and runs of spaces made single spaces, as a reader sees it."""
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())


def sent_token(response):
    match = re.search(r'name="token" value="([^"]+)"', response.content.decode())
    assert match, "the response has no sent form"
    return html.unescape(match.group(1))


def shown(message, language="fr", **params):
    """A message as the visitor reads it on a page in `language` (through the catalogs, once compiled)."""
    from django.utils import translation

    with translation.override(language):
        text = str(translation.gettext(message))
    return text % params if params else text


def shown_plural(singular, plural, number, language="fr", **params):
    from django.utils import translation

    with translation.override(language):
        return translation.ngettext(singular, plural, number) % params


def generate(client, page, host=CH, **overrides):
    """POST the letter form as a visitor would, with a solved proof of work (captcha=None: without one)."""
    from supporters.tests.helpers import solution

    if "captcha" not in overrides:
        overrides["captcha"] = solution(host, client)
    return client.post(page_url(page, "letter/"), letter_data(**overrides), HTTP_HOST=host)


TODAY = datetime.date.today()
