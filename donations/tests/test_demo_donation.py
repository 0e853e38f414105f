"""`make run`'s donations: the demo's own Stripe set-up, then a gift by card in Chromium, its webhook and receipt."""

import pytest
from django.conf import settings
from django.core import mail
from django.test import override_settings

from donations.local_stripe import TEST_CARD, LocalStripe, connect_demo_sections
from donations.models import DonationStatus
from tests.demo_server import served_demo

from .conftest import fill_card, fill_donor, wait_for_emails, wait_for_status

pytestmark = pytest.mark.django_db

SECRET_NAMES = ("STRIPE_SECRET_KEY_", "STRIPE_WEBHOOK_SECRET_")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo content behind a live server, connected to a fresh localstripe as `serve_demo` does it."""
    with served_demo(django_db_blocker, links_to_server_port=True) as server, LocalStripe() as stripe:
        with django_db_blocker.unblock():
            environment = connect_demo_sections(stripe, server.url)
        secrets = {name: value for name, value in environment.items() if name.startswith(SECRET_NAMES)}
        with override_settings(
            STRIPE_API_BASE=environment["STRIPE_API_BASE"],
            STRIPE_JS_URL=environment["STRIPE_JS_URL"],
            SECTION_SECRETS={**settings.SECTION_SECRETS, **secrets},
        ):
            yield server


@pytest.mark.parametrize(
    "code, path, typed, amount, currency, thanks",
    [
        ("ch", "/de/spenden/", "50", 5000, "CHF", "Danke für Ihre Unterstützung!"),
        ("fr", "/fr/faire-un-don/", "50", 5000, "EUR", "Merci pour votre soutien !"),
        ("tg", "/fr/faire-un-don/", "5000", 5000, "XOF", "Merci pour votre soutien !"),  # no cents in XOF
    ],
)
def test_a_newcomer_gives_in_the_demo_with_the_test_card_and_gets_the_receipt(
    demo, browser_page, code, path, typed, amount, currency, thanks
):
    mail.outbox = []
    port = demo.url.rsplit(":", 1)[1]
    page = browser_page
    page.goto(f"http://{code}.localhost:{port}{path}")
    assert page.locator("#card-element").count() == 1  # not "donations are unavailable"

    page.locator("#id_amount").fill(typed)
    fill_donor(page)
    if code == "fr":  # the reçu fiscal needs the donor's address
        page.locator("#id_address_line").fill("76 boulevard de la Villette")
        page.locator("#id_postal_code").fill("75019")
        page.locator("#id_city").fill("Paris")
    fill_card(page, TEST_CARD.replace(" ", ""))
    page.locator("[data-submit]").click()
    page.wait_for_url(f"**{path}thanks/")
    assert page.locator("h1").inner_text() == thanks

    donation = wait_for_status(DonationStatus.SUCCEEDED)  # localstripe's webhook, a second later
    assert (donation.amount, donation.currency) == (amount, currency)
    (receipt,) = wait_for_emails(1)  # sent after the webhook's commit
    assert receipt.to == ["veranika@example.org"]
    # France attaches its reçu fiscal, Togo its receipt in French (not a tax receipt), Switzerland nothing.
    payment = donation.payments.get()
    expected = {"fr": ["recu-fiscal-000001.pdf"], "tg": [f"recu-don-{payment.pk}.pdf"], "ch": []}
    assert [name for name, _data, _type in receipt.attachments] == expected[code]
    assert page.external_hosts == set()
