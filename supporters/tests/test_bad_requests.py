"""Requests no form can read are a bad request: a 400 page in the page's language, never a server error."""

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.utils import translation

from petitions.letters.tests.helpers import FRENCH_BODY, letter_data, make_action
from petitions.tests.conftest import make_petition, sign_path

pytestmark = pytest.mark.django_db

CH = "ch.localhost:8000"
# A charset other than UTF-8: a real one, codecs that are not text encodings, one Python lacks.
CHARSETS = ["utf-16", "latin-1", "rot13", "base64", "undefined", "klingon"]


@pytest.fixture
def form_urls(sections, django_capture_on_commit_callbacks):
    """Every public form's target on the Swiss site, with the language of its page."""
    from donations.demo import load
    from sections.translation import translate

    with django_capture_on_commit_callbacks(execute=True):
        donation_pages = load(sections)
        petition = make_petition(sections["ch"].home)
        action = make_action(sections["ch"].home)
        action_de = translate(action, "de", {FRENCH_BODY: "Bitte lassen Sie sie frei."})
    urls = [(sign_path(petition), "fr"), (petition.get_url_parts()[2], "fr")]
    for page in (action, action_de):
        language = page.locale.language_code
        urls += [(page.get_url_parts()[2] + route, language) for route in ("letter/", "sent/", "message/")]
    urls.append((donation_pages["ch"].get_url_parts()[2], "fr"))
    return urls


def shown(message, language):
    with translation.override(language):
        return translation.gettext(message)


def test_a_form_posted_in_another_charset_gets_the_400_page_in_the_pages_language(form_urls):
    body = "&".join(f"{key}={value}" for key, value in letter_data().items()).encode()
    client = Client()
    answers = set()
    for url, _language in form_urls:
        for charset in CHARSETS:
            # generic(): post() would encode the body in that charset itself.
            response = client.generic(
                "POST",
                url,
                body,
                content_type=f"application/x-www-form-urlencoded; charset={charset}",
                HTTP_HOST=CH,
            )
            soup = BeautifulSoup(response.content, "html.parser")
            answers.add((url, charset, response.status_code, soup.html["lang"], soup.h1.get_text(strip=True)))

    assert answers == {
        (url, charset, 400, language, shown("Bad request", language))
        for url, language in form_urls
        for charset in CHARSETS
    }
    assert shown("Bad request", "de") != "Bad request"


def test_a_query_string_with_a_charset_that_is_not_text_is_a_400_not_a_crash(client, sections):
    response = client.get("/fr/?q=x", HTTP_HOST=CH, CONTENT_TYPE="text/plain; charset=rot13")
    assert response.status_code == 400
    assert client.get("/fr/?q=x", HTTP_HOST=CH, CONTENT_TYPE="text/plain; charset=UTF-8").status_code == 200


def test_django_still_needs_the_request_charset_workaround(rf):
    """When this fails, Django builds such requests itself: delete plaidoyer/django_request_charset.py."""
    from plaidoyer.django_request_charset import django_set_content_type_params

    request = rf.get("/fr/?q=x")
    with pytest.raises(LookupError):
        django_set_content_type_params(request, {"CONTENT_TYPE": "text/plain; charset=rot13"})


def test_a_host_the_site_does_not_serve_gets_a_400_page_not_a_crash(client, sections, settings):
    settings.ALLOWED_HOSTS = ["ch.localhost"]
    response = client.get("/fr/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert shown("Bad request", "fr") in response.content.decode()
