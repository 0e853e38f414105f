"""A donation whose answer never reached the browser, sent again from the page: charged once.

The server charged the card, then lost its commit (PostgreSQL went away) and the browser got no answer.
The page keeps the attempt's key and its card's PaymentMethod; Stripe replays the attempt's first answer
only for the same parameters, so a new PaymentMethod would be refused there and the donor, trying again,
charged a second time. Here localstripe replays idempotency keys as Stripe does.
"""

import pytest
import requests
from django.test import Client

from donations.local_stripe import LocalStripe
from donations.models import Donation, DonationStatus

from .conftest import fill_card, fill_donor, post_event, stripe_events, stripe_get, t
from .test_browser import webhook_to_live_server  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db(transaction=True)

PATH = "/fr/faire-un-don/"
FORWARDED = {"accept", "accept-language", "content-type", "origin", "referer", "user-agent"}


@pytest.fixture(scope="module")
def localstripe():
    """This module's localstripe: it replays idempotency keys, and refuses one with other parameters."""
    with LocalStripe(idempotent=True) as stripe:
        yield stripe.url


def test_a_gift_sent_again_after_its_answer_was_lost_is_charged_once(
    sections,
    donation_pages,
    webhook_to_live_server,  # noqa: F811
    browser_page,
    localstripe,
):
    port = webhook_to_live_server.url.rsplit(":", 1)[1]
    page = browser_page
    page.goto(f"http://ch.localhost:{port}{PATH}")
    fill_donor(page)
    fill_card(page, "4242424242424242")
    lost = []

    def lose_the_first_answer(route):
        if route.request.method != "POST" or lost:
            route.fallback()
            return
        # The browser's request reaches the server, which charges the card and stores the gift…
        request = route.request
        headers = {name: value for name, value in request.headers.items() if name in FORWARDED}
        served = requests.post(
            f"{webhook_to_live_server.url}{PATH}",
            data=request.post_data_buffer,
            headers={**headers, "Host": f"ch.localhost:{port}"},
            timeout=60,
        )
        assert served.json()["status"] == "succeeded"
        lost.append(Donation.objects.get().idempotency_key)
        Donation.objects.all().delete()  # …but its commit is lost, and so is its answer
        route.abort("connectionreset")

    page.page.route(f"**{PATH}", lose_the_first_answer)
    page.locator("[data-submit]").click()
    page.get_by_text(
        t(
            "The connection failed before the answer reached you: your gift may or may not have gone "
            "through. Sending the form again is safe: it never charges twice."
        )
    ).wait_for()

    page.locator("[data-submit]").click()
    page.wait_for_url("**/fr/faire-un-don/thanks/")

    (key,) = lost
    donation = Donation.objects.get()
    assert donation.idempotency_key == key
    intents = [
        intent
        for intent in stripe_get(localstripe, "payment_intents", limit=10000)["data"]
        if intent["metadata"].get("plaidoyer_donation") == key
    ]
    assert [intent["id"] for intent in intents] == [donation.stripe_payment_intent_id]
    # Its webhook came while the gift was not stored; Stripe delivers it again, and it settles the gift.
    (event,) = stripe_events(localstripe, "payment_intent.succeeded", donation.stripe_payment_intent_id)
    assert post_event(Client(), "ch", event).status_code == 200
    donation.refresh_from_db()
    assert donation.status == DonationStatus.SUCCEEDED
