"""The thank-you page offers a one-off card donor the same amount every month, in one click (localstripe)."""

import re

import pytest
import requests
from django.test import Client

from donations.models import Donation, DonationStatus
from supporters.models import ConsentRecord

from .conftest import (
    KEYS,
    card_payment_method,
    donate,
    fill_card,
    fill_donor,
    post_event,
    stripe_events,
    stripe_get,
    t,
    wait_for_status,
)
from .test_browser import webhook_to_live_server as localstripe_webhooks_to_live_server

pytestmark = pytest.mark.django_db
# The browser tests' fixture: localstripe posts its signed events to this test's live server.
webhook_to_live_server = localstripe_webhooks_to_live_server

HOST = "ch.localhost:8000"
THANKS = "/de/spenden/thanks/"


def give_once(client, localstripe, **overrides):
    token = card_payment_method(localstripe, "4242424242424242")
    response = donate(client, "ch", path="/de/spenden/", payment_method=token, **overrides)
    assert response.json()["status"] == "succeeded", response.json()
    return Donation.objects.get(frequency=overrides.get("frequency", "one_off"))


def text_of(response):
    """The page's text, spaces folded (amounts keep their no-break space)."""
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def subscriptions_of(localstripe, customer):
    return stripe_get(localstripe, "subscriptions", customer=customer)["data"]


def test_one_click_gives_the_same_amount_monthly_on_the_same_card_once(
    client, stripe_env, donation_pages, localstripe, django_capture_on_commit_callbacks
):
    one_off = give_once(client, localstripe)
    thanks = client.get(THANKS, HTTP_HOST=HOST)
    offer = t("Give %(amount)s every month", "de", amount=one_off.display_amount)
    assert offer in text_of(thanks)
    # The form names nothing: the session says which gift it is.
    form = re.search(r'<form method="post"[^>]*>.*?</form>', thanks.content.decode(), flags=re.S).group(0)
    assert "action=" not in form and "<input" not in form

    clicked = client.post(THANKS, HTTP_HOST=HOST)
    again = client.post(THANKS, HTTP_HOST=HOST)  # a second click, or the browser sending it twice

    assert (clicked.status_code, clicked["Location"]) == (303, THANKS)
    assert (again.status_code, again["Location"]) == (303, THANKS)
    monthly = Donation.objects.get(frequency="monthly")
    assert (monthly.amount, monthly.currency, monthly.language) == (6000, "CHF", "de")
    assert (monthly.supporter_id, monthly.stripe_customer_id) == (
        one_off.supporter_id,
        one_off.stripe_customer_id,
    )
    assert monthly.status == DonationStatus.PENDING  # until Stripe's webhook says the first month is paid
    [subscription] = subscriptions_of(localstripe, one_off.stripe_customer_id)
    assert subscription["id"] == monthly.stripe_subscription_id
    (item,) = subscription["items"]["data"]
    assert (
        item["price"]["unit_amount"],
        item["price"]["currency"],
        item["price"]["recurring"]["interval"],
    ) == (
        6000,
        "chf",
        "month",
    )
    assert subscription["metadata"]["plaidoyer_donation"] == monthly.idempotency_key
    # Recorded like every gift: its consent line, in the words the donor agreed to with their gift.
    [consent] = ConsentRecord.objects.filter(action=f"donations.donation:{monthly.pk}")
    given = ConsentRecord.objects.filter(action=f"donations.donation:{one_off.pk}", purpose=consent.purpose)
    assert (consent.purpose, consent.granted) == ("processing", True)
    assert consent.wording in given.values_list("wording", flat=True)

    page = text_of(client.get(THANKS, HTTP_HOST=HOST))
    assert (
        t(
            "Your monthly gift of %(amount)s is set up. Thank you for your lasting support!",
            "de",
            amount=monthly.display_amount,
        )
        in page
    )
    assert offer not in page

    # The webhook settles it as any monthly gift, and the receipt follows.
    (paid,) = stripe_events(localstripe, "invoice.payment_succeeded", subscription["latest_invoice"])
    with django_capture_on_commit_callbacks(execute=True):
        assert post_event(client, "ch", paid).status_code == 200
    monthly.refresh_from_db()
    assert monthly.status == DonationStatus.SUCCEEDED


def test_the_click_is_refused_from_another_site(client, stripe_env, donation_pages, localstripe):
    give_once(client, localstripe)
    browser = Client(enforce_csrf_checks=True)
    browser.cookies = client.cookies  # the donor's session, in a browser that sends its headers

    forged = browser.post(THANKS, HTTP_HOST=HOST, HTTP_ORIGIN="https://evil.example")

    assert forged.status_code == 403
    assert not Donation.objects.filter(frequency="monthly").exists()
    same_site = browser.post(THANKS, HTTP_HOST=HOST, HTTP_ORIGIN=f"http://{HOST}")
    assert same_site.status_code == 303
    assert Donation.objects.filter(frequency="monthly").count() == 1


def test_no_offer_without_a_card_to_charge_every_month(client, stripe_env, donation_pages, localstripe):
    one_off = give_once(client, localstripe)
    customer = stripe_get(localstripe, f"customers/{one_off.stripe_customer_id}")
    # The card is gone from the customer (the payment method could not be kept): nothing to charge monthly.
    card = customer["invoice_settings"]["default_payment_method"]
    for path, data in (
        (f"payment_methods/{card}/detach", {}),
        # Stripe unsets a detached default itself; localstripe must be told.
        (f"customers/{customer['id']}", {"invoice_settings[default_payment_method]": ""}),
    ):
        requests.post(
            f"{localstripe}/v1/{path}", data=data, auth=(KEYS["ch"]["secret"], ""), timeout=10
        ).raise_for_status()

    page = text_of(client.get(THANKS, HTTP_HOST=HOST))
    assert t("Give %(amount)s every month", "de", amount=one_off.display_amount) not in page
    refused = client.post(THANKS, HTTP_HOST=HOST)

    assert refused.status_code == 409
    assert t(
        "A monthly gift cannot be taken from this payment method. Nothing was charged.", "de"
    ) in text_of(refused)
    assert not Donation.objects.filter(frequency="monthly").exists()
    assert subscriptions_of(localstripe, one_off.stripe_customer_id) == []


def test_a_monthly_donor_is_not_offered_a_second_monthly_gift(
    client, stripe_env, donation_pages, localstripe
):
    monthly = give_once(client, localstripe, frequency="monthly", amount="20")

    page = text_of(client.get(THANKS, HTTP_HOST=HOST))
    refused = client.post(THANKS, HTTP_HOST=HOST)

    assert t("Give %(amount)s every month", "de", amount=monthly.display_amount) not in page
    assert refused.status_code == 409
    assert Donation.objects.filter(frequency="monthly").count() == 1


@pytest.mark.django_db(transaction=True)
def test_in_the_browser_the_donor_makes_their_gift_monthly_from_the_thank_you_page(
    sections, donation_pages, webhook_to_live_server, browser_page, localstripe
):
    port = webhook_to_live_server.url.rsplit(":", 1)[1]
    page = browser_page
    page.goto(f"http://ch.localhost:{port}/fr/faire-un-don/")
    fill_donor(page)
    fill_card(page, "4242424242424242")
    page.get_by_role("button", name="30\u00a0CHF").click()
    page.locator("[data-submit]").click()
    page.wait_for_url("**/fr/faire-un-don/thanks/")
    wait_for_status(DonationStatus.SUCCEEDED)

    page.get_by_role("button", name=t("Give %(amount)s every month", amount="30\u00a0CHF")).click()

    page.get_by_text(
        t(
            "Your monthly gift of %(amount)s is set up. Thank you for your lasting support!",
            amount="30\u00a0CHF",
        )
    ).wait_for()
    assert page.url.endswith("/fr/faire-un-don/thanks/")
    monthly = Donation.objects.get(frequency="monthly")
    assert (monthly.amount, monthly.currency) == (3000, "CHF")
    # localstripe's webhook settles the first month, as for any monthly gift.
    assert wait_for_status(DonationStatus.SUCCEEDED).pk == monthly.pk
    assert page.external_hosts == set()
