"""Paying in Chromium through localstripe's fake Stripe.js; the donation succeeds only when the webhook arrives."""

import pytest
import requests

from donations.models import Donation, DonationStatus

from .conftest import KEYS, fill_card, fill_donor, t, wait_for_emails, wait_for_status

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def webhook_to_live_server(localstripe, live_server, stripe_env):
    """localstripe signs its events with the Swiss section's secret and posts them to this test's server."""
    response = requests.post(
        f"{localstripe}/_config/webhooks/plaidoyer",
        json={
            "url": f"{live_server.url}/donations/webhooks/ch/",
            "secret": KEYS["ch"]["webhook"],
            "events": [
                "payment_intent.succeeded",
                "payment_intent.payment_failed",
                "invoice.payment_succeeded",
            ],
        },
        timeout=10,
    )
    response.raise_for_status()
    return live_server


def test_a_declined_card_then_a_good_one(
    sections, donation_pages, webhook_to_live_server, browser_page, settings, localstripe
):
    port = webhook_to_live_server.url.rsplit(":", 1)[1]
    page = browser_page
    page.goto(f"http://ch.localhost:{port}/fr/faire-un-don/")

    fill_donor(page)
    fill_card(page, "4000000000000002")
    page.locator("#id_amount").fill("3")
    page.locator("[data-submit]").click()

    amount_error = page.locator("#id_amount_errors li")
    amount_error.wait_for()
    assert amount_error.inner_text() == t("The minimum gift is %(minimum)s.", minimum="5\u00a0CHF")
    assert page.locator("#id_amount").get_attribute("aria-invalid") == "true"
    assert page.locator("#id_amount").input_value() == "3"

    page.get_by_role("button", name="30\u00a0CHF").click()
    assert page.locator("#id_amount").input_value() == "30"
    page.locator("[data-submit]").click()

    error = page.locator("#id_payment_method_errors li")
    error.wait_for()
    assert error.inner_text() == t("Your card was declined. Nothing was charged; please try another card.")
    assert Donation.objects.count() == 0
    assert page.locator("#id_email").input_value() == "veranika@example.org"

    fill_card(page, "4242424242424242")
    page.locator("[data-submit]").click()
    page.wait_for_url("**/fr/faire-un-don/thanks/")
    assert page.locator("h1").inner_text() == "Merci pour votre soutien !"

    donation = wait_for_status(DonationStatus.SUCCEEDED)
    assert (donation.amount, donation.currency) == (3000, "CHF")
    (receipt,) = wait_for_emails(1)  # sent once the webhook's transaction has committed
    assert receipt.to == ["veranika@example.org"]
    # Stripe.js came from localstripe on loopback; nothing left this machine.
    assert page.external_hosts == set()


def test_a_3d_secure_card_confirmed_in_the_page(
    sections, donation_pages, webhook_to_live_server, browser_page
):
    port = webhook_to_live_server.url.rsplit(":", 1)[1]
    page = browser_page
    page.goto(f"http://ch.localhost:{port}/de/spenden/")

    page.locator("#id_frequency_1").check()
    page.get_by_role("button", name="20\u00a0CHF").click()
    fill_donor(page)
    fill_card(page, "4000002760003184")
    page.locator("[data-submit]").click()

    # localstripe's stand-in for the bank's 3-D Secure window.
    page.get_by_role("button", name="Complete authentication").click()
    page.wait_for_url("**/de/spenden/thanks/")
    assert page.locator("h1").inner_text() == "Danke für Ihre Unterstützung!"

    donation = wait_for_status(DonationStatus.SUCCEEDED)
    assert (donation.frequency, donation.amount, donation.language) == ("monthly", 2000, "de")
    assert page.external_hosts == set()


def test_stripe_js_loads_only_once_the_visitor_starts_to_fill_in_the_form(
    sections, donation_pages, live_server, stripe_env, browser_page, settings
):
    page = browser_page
    stripe_requests = []
    page.on(
        "request",
        lambda request: request.url.startswith(settings.STRIPE_JS_URL) and stripe_requests.append(request),
    )
    port = live_server.url.rsplit(":", 1)[1]
    page.goto(f"http://ch.localhost:{port}/it/donare/")
    page.wait_for_load_state("networkidle")
    assert stripe_requests == []
    assert page.locator("#card-element input").count() == 0

    page.locator("#id_first_name").fill("Veranika")
    page.locator("#card-element input[placeholder=number]").wait_for()
    assert len(stripe_requests) == 1


def test_a_blocked_stripe_js_is_explained_next_to_the_card_field_and_nothing_is_charged(
    sections, donation_pages, live_server, stripe_env, browser_page, settings
):
    page = browser_page
    page.route(f"{settings.STRIPE_JS_URL}**", lambda route: route.abort())
    port = live_server.url.rsplit(":", 1)[1]
    page.goto(f"http://ch.localhost:{port}/fr/faire-un-don/")

    fill_donor(page)
    page.locator("#id_amount").fill("3")
    with page.expect_navigation():
        page.locator("[data-submit]").click()

    # The server checked every field, and says why there was no card field to fill in.
    assert page.locator("#id_amount_errors li").inner_text() == t(
        "The minimum gift is %(minimum)s.", minimum="5\u00a0CHF"
    )
    assert page.locator("#id_payment_method_errors li").inner_text() == t(
        "The card field could not be loaded from our payment provider, Stripe. Nothing was charged; "
        "please check your connection and try again."
    )
    assert page.locator("#id_email").input_value() == "veranika@example.org"
    assert Donation.objects.count() == 0
