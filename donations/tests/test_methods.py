"""Each section offers its own ways to pay (a section setting); the form refuses what a method cannot take."""

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError

from donations.models import Donation

from .conftest import donate, t
from .test_bad_input import field_errors, nothing_written

pytestmark = pytest.mark.django_db

HOSTS = {"ch": "ch.localhost:8000", "fr": "fr.localhost:8000", "tg": "tg.localhost:8000"}


def methods_offered(client, code):
    html = client.get("/fr/faire-un-don/", HTTP_HOST=HOSTS[code]).content
    soup = BeautifulSoup(html, "html.parser")
    radios = [radio["value"] for radio in soup.select("input[type=radio][name=method]")]
    hidden = [field["value"] for field in soup.select("input[type=hidden][name=method]")]
    return radios, hidden, soup


def test_switzerland_offers_card_and_twint_france_card_and_direct_debit_togo_card(
    client, recorded_stripe, donation_pages
):
    assert methods_offered(client, "ch")[:2] == (["card", "twint"], [])
    assert methods_offered(client, "fr")[:2] == (["card", "sepa_debit"], [])
    # One way to pay: no choice to make, the card field alone.
    assert methods_offered(client, "tg")[:2] == ([], ["card"])


def test_the_french_page_shows_the_mandate_in_french_next_to_the_iban(
    client, recorded_stripe, donation_pages
):
    soup = methods_offered(client, "fr")[2]

    assert soup.select_one("#id_iban") is not None
    mandate = soup.select_one("#mandate-text").get_text()
    # Stripe's mandate wording, in French, naming the section's legal entity as the creditor.
    assert mandate.startswith("En fournissant votre IBAN et en confirmant ce paiement, vous autorisez (A) ")
    assert "Association Plaidoyer France" in mandate
    assert "Stripe" in mandate


def test_a_section_that_turns_a_method_off_no_longer_offers_it(
    client, recorded_stripe, donation_pages, sections
):
    section = sections["ch"].settings
    section.accept_twint = False
    section.save()

    assert methods_offered(client, "ch")[:2] == ([], ["card"])
    response = donate(client, "ch", json=False, method="twint")

    assert field_errors(response, "method") == [t("Choose one of the ways to pay this page offers.")]
    assert nothing_written()
    assert recorded_stripe.requests == []


@pytest.mark.parametrize(
    ("code", "field", "message"),
    [
        ("fr", "accept_twint", "TWINT takes Swiss francs only: this section's currency is %(currency)s."),
        (
            "ch",
            "accept_sepa_debit",
            "SEPA Direct Debit takes euros only: this section's currency is %(currency)s.",
        ),
    ],
)
def test_a_method_cannot_be_turned_on_for_another_currency(sections, code, field, message):
    section = sections[code].settings
    setattr(section, field, True)

    with pytest.raises(ValidationError) as refused:
        section.full_clean()

    assert refused.value.message_dict[field] == [t(message, currency=section.currency)]


def test_a_section_must_accept_one_way_to_pay(sections):
    section = sections["tg"].settings
    section.accept_card = False
    # Mobile money alone is a way to pay (a section without a Stripe account, say).
    section.mobile_money = True
    section.full_clean()

    section.mobile_money = False
    with pytest.raises(ValidationError) as refused:
        section.full_clean()

    assert "accept_card" in refused.value.message_dict


def test_a_method_of_another_section_is_refused_next_to_the_choice(client, recorded_stripe, donation_pages):
    response = donate(client, "fr", json=False, method="twint", iban="")

    assert response.status_code == 400
    assert field_errors(response, "method") == [t("Choose one of the ways to pay this page offers.")]
    assert nothing_written()
    assert recorded_stripe.requests == []


def test_a_card_gift_is_recorded_as_paid_by_card(client, recorded_stripe, donation_pages):
    response = donate(client, "ch", payment_method="pm_card_visa")

    assert response.json()["status"] == "succeeded"
    assert Donation.objects.get().method == "card"
