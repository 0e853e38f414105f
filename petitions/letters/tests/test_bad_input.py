"""Bad input to the letter form: a clear message next to the field, what was typed kept, nothing written."""

import html
import re

import pytest
from django.core import mail

from petitions.letters.models import Letter
from supporters.encryption import email_hash
from supporters.models import ConsentRecord, Supporter

from .helpers import CH, generate, page_url, shown, shown_plural

pytestmark = pytest.mark.django_db


def field_errors(response, name):
    """The error messages shown next to one field (in its errorlist, which the field points to)."""
    content = response.content.decode()
    match = re.search(rf'<ul class="errorlist" id="id_{name}_errors">(.*?)</ul>', content, re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", match.group(1))).strip() if match else ""


def assert_refused(response, field, message):
    assert response.status_code == 400
    errors = field_errors(response, field)
    assert message in errors, errors
    content = response.content.decode()
    assert f'aria-describedby="id_{field}' in content and f"id_{field}_errors" in content
    assert "data:application/pdf" not in content
    assert Letter.objects.count() == 0
    assert Supporter.objects.count() == 0 and ConsentRecord.objects.count() == 0


REQUIRED = "This field is required."
MAX_LENGTH = (
    "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
    "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
)
EMOJIS = "Emojis and symbols such as %(characters)s cannot be printed. Please remove them."
INVISIBLE = (
    "This text contains invisible characters, often pasted in with it, that cannot be printed. "
    "Please type it in again rather than pasting it."
)
PLAIN_TEXT = "Please write plain text: tags such as <b> or &amp; codes cannot be printed."
ONE_LINE = "Please keep this on one line."
NAME_ONE_LINE = "Please write your name on one line, without line breaks or invisible characters."
NAME_MARKUP = "Please write your name without the characters < > { } \\ or web addresses."
RTL = (
    "Right-to-left writing (such as Arabic or Hebrew) and direction marks cannot be laid out "
    "in this printed letter. Please use a left-to-right script."
)
NOT_OFFERED = "This letter is not offered in that language. Please choose one from the list."


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("first_name", "", lambda: shown(REQUIRED)),
        ("last_name", "   ", lambda: shown(REQUIRED)),
        ("town", "", lambda: shown(REQUIRED)),
        ("first_name", "A" * 61, lambda: shown_plural(*MAX_LENGTH, 60, limit_value=60, show_value=61)),
        (
            "personal_paragraph",
            "x" * 1201,
            lambda: shown_plural(*MAX_LENGTH, 1200, limit_value=1200, show_value=1201),
        ),
        (
            "personal_paragraph",
            "\n".join(["ligne"] * 13),
            lambda: shown("Please keep this to %(max)d lines at most.", max=12),
        ),
        # Names follow the rule every form shares (supporters.validators), before the printing checks.
        ("first_name", "Anne\nSophie", lambda: shown(NAME_ONE_LINE)),
        ("last_name", "Müller\r\nBcc: x", lambda: shown(NAME_ONE_LINE)),
        ("town", "Neuchâtel\r\nBerne", lambda: shown(ONE_LINE)),
        ("first_name", "<script>alert(1)</script>", lambda: shown(NAME_MARKUP)),
        ("last_name", "<b>Müller</b>", lambda: shown(NAME_MARKUP)),
        ("personal_paragraph", "Libérez-la <b>maintenant</b>", lambda: shown(PLAIN_TEXT)),
        ("personal_paragraph", "Tom &amp; Jerry", lambda: shown(PLAIN_TEXT)),
        (
            "last_name",
            "Müller 2",
            lambda: shown("Please use letters only here (not %(characters)s).", characters="“2”"),
        ),
        ("personal_paragraph", "Bonjour\x00 monde", lambda: shown("Null characters are not allowed.")),
        (
            "personal_paragraph",
            "Bonjour\x0c\x1b monde",
            lambda: shown(INVISIBLE),
        ),
        (
            "personal_paragraph",
            "Courage Maryia ! 😀",
            lambda: shown(EMOJIS, characters="😀"),
        ),
        ("first_name", "Anna\u202e", lambda: shown(RTL)),
        ("personal_paragraph", "شجاعة يا ماريا", lambda: shown(RTL)),
        ("town", "תל אביב", lambda: shown(RTL)),
        ("email", "not-an-address", lambda: shown("Enter a valid email address.")),
        ("consent", None, lambda: shown("Please agree, or we cannot prepare your letter.")),
        ("language", "be", lambda: shown(NOT_OFFERED)),
        ("language", "xx", lambda: shown(NOT_OFFERED)),
    ],
)
def test_bad_input_is_refused_next_to_its_field(client, action, field, value, message):
    response = generate(client, action, **{field: value})
    assert_refused(response, field, message())


def test_what_was_typed_is_kept(client, action):
    response = generate(client, action, first_name="Zoé", personal_paragraph="Courage 😀 Maryia", town="")
    content = response.content.decode()
    assert 'value="Zoé"' in content
    assert "Courage 😀 Maryia</textarea>" in content
    assert 'value="Müller"' in content


def test_html_is_never_rendered_back_as_html(client, action):
    response = generate(client, action, last_name='"><script>alert(1)</script>')
    content = response.content.decode()
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;" in content


def test_newsletter_without_email_is_refused(client, action):
    response = generate(client, action, newsletter="on")
    assert_refused(response, "email", shown("Please give your email address to receive news."))


def test_decomposed_accents_are_printed_as_letters(client, action):
    """macOS keyboards may send e + combining accent: normalised, then printed."""
    from .helpers import pdf_from_response, pdf_text

    response = generate(client, action, first_name="Rene\u0301e")
    assert response.status_code == 200
    assert "Renée Müller" in pdf_text(pdf_from_response(response))
    assert Letter.objects.get().first_name == "Renée"


def test_the_email_option_sends_the_pdf_and_records_consent(client, action):
    response = generate(client, action, email="Anne.Sophie@Example.org", newsletter="on")
    assert response.status_code == 200
    assert shown("We have also emailed it to you.") in response.content.decode()
    (message,) = mail.outbox
    assert message.to == ["Anne.Sophie@Example.org"]
    ((filename, content, mimetype),) = message.attachments
    assert filename.endswith("-fr.pdf") and mimetype == "application/pdf" and content.startswith(b"%PDF")
    letter = Letter.objects.get()
    assert letter.emailed and letter.supporter.email_hash == email_hash(
        letter.site_id, "anne.sophie@example.org"
    )
    purposes = dict(ConsentRecord.objects.values_list("purpose", "granted"))
    assert purposes == {"processing": True, "newsletter": True, "action_news": False}


def test_an_unreachable_mail_server_still_gives_the_letter(client, action, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    response = generate(client, action, email="anne@example.org")
    assert response.status_code == 200
    content = response.content.decode()
    assert shown("We could not email it to you: please download it here.") in content
    assert "data:application/pdf" in content
    assert not Letter.objects.get().emailed


def test_no_personal_data_in_urls_or_redirects(client, action):
    response = generate(client, action, email="anne@example.org")
    token_form = re.search(r'<form class="letters-sent[^>]*action="([^"]+)"', response.content.decode())
    assert token_form.group(1) == page_url(action, "sent/")
    for url in re.findall(r'(?:href|action)="([^"]+)"', response.content.decode()):
        if url.startswith("data:"):
            continue
        assert "Anne" not in url and "example.org" not in url and "Neuch" not in url


def test_rate_limit_answers_429(client, action):
    for _ in range(30):
        generate(client, action)
    response = generate(client, action)
    assert response.status_code == 429
    assert Letter.objects.count() == 30


def test_post_without_csrf_token_is_refused(action):
    from django.test import Client

    from .helpers import letter_data

    client = Client(enforce_csrf_checks=True)
    response = client.post(page_url(action, "letter/"), letter_data(), HTTP_HOST=CH)
    assert response.status_code == 403
    assert Letter.objects.count() == 0
