"""Bad amounts, currencies and frequencies: a message next to the field, what was typed kept, nothing written."""

import pytest
from bs4 import BeautifulSoup
from django import forms
from django.utils import translation

from donations.models import Donation
from supporters.models import ConsentRecord, Supporter

from .conftest import card_payment_method, donate, stripe_get, t

pytestmark = pytest.mark.django_db

MINIMUM = "The minimum gift is %(minimum)s."
MAXIMUM = "The maximum gift online is %(maximum)s. For a larger gift, please contact us."
DECIMALS = "Enter an amount with at most %(places)s decimals."
NO_DECIMALS = "Amounts in %(currency)s have no decimals: enter a whole number."


def field_errors(response, name):
    """The errors shown next to one field of the re-rendered page."""
    soup = BeautifulSoup(response.content, "html.parser")
    return [item.get_text() for item in soup.select(f"#id_{name}_errors li")]


def nothing_written():
    return (
        not Donation.objects.exists()
        and not Supporter.objects.exists()
        and not ConsentRecord.objects.exists()
    )


@pytest.mark.parametrize(
    ("code", "amount", "message", "params"),
    [
        ("ch", "4", MINIMUM, {"minimum": "5\u00a0CHF"}),
        ("ch", "0", MINIMUM, {"minimum": "5\u00a0CHF"}),
        ("ch", "-50", MINIMUM, {"minimum": "5\u00a0CHF"}),
        (
            "ch",
            "10001",
            MAXIMUM,
            {"maximum": "10\u00a0000\u00a0CHF"},
        ),
        ("ch", "cinquante", "Enter the amount in figures, for example 50.", {}),
        ("ch", "50.555", DECIMALS, {"places": 2}),
        ("tg", "5000.50", NO_DECIMALS, {"currency": "XOF"}),
        ("tg", "499", MINIMUM, {"minimum": "500\u00a0XOF"}),
        (
            "fr",
            "7500.01",
            MAXIMUM,
            {"maximum": "7\u00a0500\u00a0EUR"},
        ),
    ],
)
def test_a_bad_amount_is_refused_next_to_the_field_and_kept(
    client, stripe_env, donation_pages, localstripe, code, amount, message, params
):
    token = card_payment_method(localstripe, "4242424242424242", code=code)
    response = donate(client, code, json=False, amount=amount, payment_method=token)

    assert response.status_code == 400
    assert field_errors(response, "amount") == [t(message, **params)]
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.select_one("#id_amount")["value"] == amount
    assert soup.select_one("#id_amount")["aria-invalid"] == "true"
    assert soup.select_one("#id_email")["value"] == "veranika@example.org"
    assert nothing_written()


def test_the_script_gets_the_same_errors_as_json(client, stripe_env, donation_pages, localstripe):
    response = donate(
        client, "tg", amount="5000,5", payment_method=card_payment_method(localstripe, "4242424242424242")
    )

    assert response.status_code == 400
    data = response.json()
    assert data["status"] == "invalid"
    assert data["errors"]["amount"][0]["message"] == t(NO_DECIMALS, currency="XOF")
    assert len(data["retry_key"]) == 32
    assert nothing_written()


def test_a_currency_the_page_does_not_take_is_refused(client, stripe_env, donation_pages, localstripe):
    response = donate(
        client,
        "ch",
        json=True,
        currency="EUR",
        payment_method=card_payment_method(localstripe, "4242424242424242"),
    )

    assert response.status_code == 400
    assert response.json()["errors"]["currency"][0]["message"] == t(
        "This page takes gifts in %(currency)s only.", currency="CHF"
    )
    assert nothing_written()


def test_a_frequency_the_page_does_not_offer_is_refused(client, stripe_env, donation_pages, localstripe):
    page = donation_pages["ch"]
    page.offer_monthly = False
    page.save_revision().publish()
    token = card_payment_method(localstripe, "4242424242424242")

    unknown = donate(client, "ch", frequency="yearly", payment_method=token)
    not_offered = donate(client, "ch", frequency="monthly", payment_method=token)

    for response in (unknown, not_offered):
        assert response.status_code == 400
        assert response.json()["errors"]["frequency"][0]["message"] == t(
            "Choose one of the frequencies this page offers."
        )
    assert nothing_written()


def test_missing_card_details_and_consent_are_shown_with_the_other_errors(client, stripe_env, donation_pages):
    response = donate(client, "ch", json=False, consent=None, amount="3")

    assert response.status_code == 400
    assert field_errors(response, "payment_method") == [t("Please enter your card details.")]
    assert field_errors(response, "consent") == [t("Please agree so that we can process your gift.")]
    assert field_errors(response, "amount") == [t(MINIMUM, minimum="5\u00a0CHF")]
    assert nothing_written()


def test_france_requires_the_postal_address(client, stripe_env, donation_pages, localstripe):
    token = card_payment_method(localstripe, "4242424242424242", code="fr")
    response = donate(client, "fr", json=False, address_line="", city="", payment_method=token)

    assert response.status_code == 400
    # The message for a missing field, in the visitor's language (French here).
    with translation.override("fr"):
        required = str(forms.Field.default_error_messages["required"])
    assert required != "This field is required."
    assert field_errors(response, "address_line") == [required]
    assert field_errors(response, "city") == [required]
    assert nothing_written()


CARD_REFUSED = "Your card details could not be used. Nothing was charged; please enter them again."


def test_a_payment_method_stripe_refuses_is_the_visitors_to_fix_next_to_the_card_field(
    client, stripe_env, donation_pages
):
    # localstripe answers as Stripe does for a PaymentMethod it does not know: an error of the request, not an outage.
    response = donate(client, "ch", json=False, payment_method="pm_forged")

    assert response.status_code == 400
    assert field_errors(response, "payment_method") == [t(CARD_REFUSED)]
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.select_one("#id_email")["value"] == "veranika@example.org"
    assert soup.select_one("#id_first_name")["value"] == "Veranika"
    assert soup.select_one("#id_amount")["value"] == "60"
    assert nothing_written()


def test_the_script_gets_the_refused_payment_method_as_a_field_error(client, stripe_env, donation_pages):
    response = donate(client, "ch", payment_method="pm_forged")

    assert response.status_code == 400
    assert response.json()["errors"]["payment_method"][0]["message"] == t(CARD_REFUSED)
    assert nothing_written()


def test_a_stripe_that_cannot_be_reached_is_a_429_to_try_again_not_a_5xx(
    client, stripe_env, donation_pages, settings
):
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens on the discard port
    response = donate(client, "ch", payment_method="pm_anything")

    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert response.json()["errors"]["payment_method"][0]["message"] == t(
        "The payment service could not be reached. Please try again in a few minutes: trying again never charges twice."
    )
    assert nothing_written()


NAME_ONE_LINE = "Please write your name on one line, without line breaks or invisible characters."
NAME_MARKUP = "Please write your name without the characters < > { } \\ or web addresses."


@pytest.mark.parametrize(
    ("field", "name", "message"),
    [
        ("first_name", "Veranika\r\nBcc: all@example.org", NAME_ONE_LINE),
        ("last_name", "Tsapkala\u2028Director", NAME_ONE_LINE),
        ("last_name", "<b>Tsapkala</b>", NAME_MARKUP),
        ("first_name", "Veranika http://spam.example", NAME_MARKUP),
    ],
)
def test_a_name_with_a_line_break_or_markup_is_refused_and_never_reaches_stripe(
    client, stripe_env, donation_pages, localstripe, field, name, message
):
    email = f"name-{field}-{len(name)}@example.org"
    token = card_payment_method(localstripe, "4242424242424242")
    response = donate(client, "ch", json=False, email=email, payment_method=token, **{field: name})

    assert response.status_code == 400
    assert field_errors(response, field) == [t(message)]
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.select_one("#id_email")["value"] == email
    assert nothing_written()
    assert stripe_get(localstripe, "customers", email=email)["data"] == []
