"""Where a section chose reCAPTCHA without its keys in production, every action's page says so and its forms create nothing."""

import pytest
from bs4 import BeautifulSoup
from django.utils import translation

from donations.models import Donation
from petitions.letters.models import Letter, SolidarityMessage
from petitions.letters.tests.helpers import letter_data, make_action
from petitions.models import Signature
from petitions.tests.conftest import form_data, make_petition, sign_path

pytestmark = pytest.mark.django_db

CH = "ch.localhost:8000"
MISSING = (
    "This form is unavailable for now: this site's protection against spam is not set up yet. "
    "Please try again later."
)


@pytest.fixture
def production_without_keys(sections, settings):
    """Production's rule (CAPTCHA_REQUIRED) and the Swiss section's Stripe keys; it chose reCAPTCHA, without keys."""
    settings.CAPTCHA_REQUIRED = True
    settings.SECTION_SECRETS = {"STRIPE_SECRET_KEY_CH": "sk_test_ch", "STRIPE_WEBHOOK_SECRET_CH": "whsec_ch"}
    section = sections["ch"].settings
    section.captcha_mode = "v3"
    section.stripe_publishable_key = "pk_test_ch"
    section.save()
    return section


def shown(message, language="fr"):
    with translation.override(language):
        return translation.gettext(message)


def text_of(response):
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text(" ").split())


def test_every_action_page_explains_that_its_form_is_unavailable_and_a_post_creates_nothing(
    client, sections, production_without_keys, django_capture_on_commit_callbacks
):
    from donations.demo import load

    with django_capture_on_commit_callbacks(execute=True):
        donation_page = load(sections)["ch"]
    petition = make_petition(sections["ch"].home)
    action = make_action(sections["ch"].home)
    letter_page = action.get_url_parts()[2]
    donation_path = donation_page.get_url_parts()[2]
    pages = {
        "petition": petition.get_url_parts()[2],
        "letter": letter_page,
        "donation": donation_path,
    }
    posts = {
        "petition": (sign_path(petition), form_data(petition, production_without_keys)),
        "letter": (letter_page + "letter/", letter_data()),
        "message": (
            letter_page + "message/",
            {"message-author_name": "Léa", "message-text": "Courage !", "message-consent": "on"},
        ),
        "donation": (donation_path, {"frequency": "one_off", "amount": "60", "currency": "CHF"}),
    }

    for name, path in pages.items():
        response = client.get(path, HTTP_HOST=CH)
        assert (name, response.status_code) == (name, 200)
        assert shown(MISSING) in text_of(response), name
        assert 'name="consent"' not in response.content.decode(), name
    for name, (path, data) in posts.items():
        response = client.post(path, data, HTTP_HOST=CH)
        assert (name, response.status_code) == (name, 503)
        assert shown(MISSING) in text_of(response), name

    assert not Signature.objects.exists()
    assert not Letter.objects.exists()
    assert not SolidarityMessage.objects.exists()
    assert not Donation.objects.exists()
