"""Bad input on the signing form: a message next to the field, in the visitor's language, input kept, nothing written."""

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.utils.translation import gettext, ngettext, override

from petitions.models import Signature
from sections.translation import translate
from supporters.models import ConsentRecord, Supporter

from .conftest import host_of, page_path

pytestmark = pytest.mark.django_db


def field_errors(response, name):
    """The error messages shown next to field `name` (tied to it by aria-describedby)."""
    soup = BeautifulSoup(response.content, "html.parser")
    widget = soup.find(attrs={"name": name})
    described = widget.get("aria-describedby") if widget else None
    if not described:
        return []
    return [item.get_text(strip=True) for item in soup.find(id=described).find_all("li")]


def value_of(response, name):
    soup = BeautifulSoup(response.content, "html.parser")
    return soup.find(attrs={"name": name}).get("value")


REQUIRED = "This field is required."
BAD_EMAIL = "Please enter a valid email address, like name@example.org."
MARKUP = "Please write your name without the characters < > { } \\ or web addresses."
ONE_LINE = "Please write your name on one line, without line breaks or invisible characters."
TOO_LONG = ngettext(
    "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
    "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
    100,
)


def in_language(message, language="fr"):
    """A message as the visitor reads it (the page's language)."""
    with override(language):
        return gettext(message)


def assert_nothing_written():
    assert Signature.objects.count() == 0
    assert Supporter.objects.count() == 0
    assert ConsentRecord.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"first_name": None}, "first_name", REQUIRED),
        ({"last_name": "   "}, "last_name", REQUIRED),
        ({"email": None}, "email", REQUIRED),
        ({"email": "anna.example.org"}, "email", BAD_EMAIL),
        ({"email": "anna@"}, "email", BAD_EMAIL),
        ({"country": None}, "country", REQUIRED),
        ({"first_name": "A" * 101}, "first_name", TOO_LONG),
        ({"first_name": "<script>alert(1)</script>"}, "first_name", MARKUP),
        ({"last_name": "Muster <b>bold</b>"}, "last_name", MARKUP),
        ({"last_name": "http://spam.example"}, "last_name", MARKUP),
        ({"first_name": "Anna\r\nBcc: x"}, "first_name", ONE_LINE),
        ({"last_name": "Muster\u2028Bcc"}, "last_name", ONE_LINE),
        (
            {"postal_code": "75019; DROP"},
            "postal_code",
            "Please enter a postal code of letters and digits, like 1003 or 75019.",
        ),
        ({"consent": None}, "consent", "Your signature can only be counted with this consent."),
    ],
)
def test_each_bad_field_gets_its_message_and_keeps_the_input(petition, sign, overrides, field, message):
    response = sign(petition, **overrides)
    assert response.status_code == 200
    expected = in_language(message)
    if message is TOO_LONG:
        with override("fr"):
            expected = ngettext(
                "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
                "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
                100,
            ) % {"limit_value": 100, "show_value": 101}
    assert expected in field_errors(response, field)
    # What the visitor typed elsewhere is kept.
    if field != "email":
        assert value_of(response, "email") == "anna@example.org"
    if field != "first_name":
        assert value_of(response, "first_name") == "Anna"
    assert_nothing_written()


def test_the_offending_value_is_shown_back_escaped(petition, sign):
    response = sign(petition, first_name="<script>alert(1)</script>")
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert value_of(response, "first_name") == "<script>alert(1)</script>"


@pytest.mark.parametrize("value", ["yes", "true", "1", "off", ""])
def test_a_tampered_consent_value_is_refused(petition, sign, value):
    response = sign(petition, consent=value)
    assert response.status_code == 200
    errors = field_errors(response, "consent")
    assert errors and errors[0] in (
        in_language("This choice could not be read. Please tick or untick the box again."),
        in_language("Your signature can only be counted with this consent."),
    )
    assert_nothing_written()


def test_a_tampered_newsletter_value_is_refused(petition, sign):
    response = sign(petition, newsletter="please-spam-me")
    assert field_errors(response, "newsletter") == [
        in_language("This choice could not be read. Please tick or untick the box again.")
    ]
    assert_nothing_written()


def test_a_consent_posted_twice_is_refused(client, petition, sign):
    from sections.models import SectionSettings

    from .conftest import form_data

    data = form_data(petition, SectionSettings.for_site(petition.get_site()))
    data["consent"] = ["on", "on"]
    response = client.post(page_path(petition), data, HTTP_HOST=host_of(petition))
    assert field_errors(response, "consent")
    assert_nothing_written()


def test_a_posted_wording_is_ignored_and_a_different_version_refused(petition, sign):
    response = sign(petition, consent_version="0000000000000000", consent_wording="I agree to nothing.")
    assert field_errors(response, "consent") == [
        in_language(
            "The wording of this consent has changed since the page was loaded. Please read it and tick again."
        )
    ]
    assert_nothing_written()
    # With the right version, the ledger holds the page's wording, never a posted one.
    sign(petition, consent_wording="I agree to nothing.")
    assert ConsentRecord.objects.filter(wording="I agree to nothing.").count() == 0
    assert ConsentRecord.objects.filter(purpose="processing").count() == 1


def test_a_post_from_another_site_is_refused(petition):
    from sections.models import SectionSettings

    from .conftest import form_data

    client = Client(enforce_csrf_checks=True)
    data = form_data(petition, SectionSettings.for_site(petition.get_site()))
    response = client.post(
        page_path(petition), data, HTTP_HOST=host_of(petition), headers={"Origin": "https://evil.example"}
    )
    assert response.status_code == 403
    assert_nothing_written()


def test_from_the_petitions_own_page_signing_works_without_a_csrf_token(petition):
    from sections.models import SectionSettings

    from .conftest import form_data

    client = Client(enforce_csrf_checks=True)
    data = form_data(petition, SectionSettings.for_site(petition.get_site()))
    origin = f"http://{host_of(petition)}"
    response = client.post(page_path(petition), data, HTTP_HOST=host_of(petition), headers={"Origin": origin})
    assert response.status_code == 303
    assert Signature.objects.count() == 1


def test_messages_are_in_the_visitors_language(
    client, sections, ch_petition, sign, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        german = translate(
            ch_petition, "de", {"Libérez Maryia Kalesnikava": "Freiheit für Maryia Kalesnikava"}
        )
    response = sign(german, first_name=None, email="kaputt")
    assert response.status_code == 200
    assert in_language(REQUIRED, "de") == "Dieses Feld muss ausgefüllt werden."
    assert "Dieses Feld muss ausgefüllt werden." in field_errors(response, "first_name")
    assert in_language(BAD_EMAIL, "de") in field_errors(response, "email")
    assert value_of(response, "email") == "kaputt"
    assert_nothing_written()


def test_a_get_with_query_data_does_not_sign(client, petition):
    response = client.get(
        page_path(petition) + "?first_name=Anna&email=anna@example.org&consent=on",
        HTTP_HOST=host_of(petition),
    )
    assert response.status_code == 200
    assert_nothing_written()


def test_other_methods_are_refused(client, petition):
    response = client.put(page_path(petition), HTTP_HOST=host_of(petition))
    assert response.status_code == 405
    assert_nothing_written()
