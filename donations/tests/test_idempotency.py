"""A repeated submission never charges twice: one idempotency key, one Donation, one PaymentIntent.

localstripe ignores idempotency keys, so the guarantee that Stripe itself
gives is checked against recorded Stripe API responses served at the HTTP
boundary by a small server that replays a key's first answer, as Stripe does.
"""

import threading

import pytest
from bs4 import BeautifulSoup
from django.test import Client

from donations.models import Donation
from donations.payments import STRIPE_API_VERSION
from supporters.models import ConsentRecord

from .conftest import KEYS, card_payment_method, donate, form_data, stripe_get, t


def payment_intents_for(localstripe, key):
    intents = stripe_get(localstripe, "payment_intents", limit=10000)["data"]
    return [intent for intent in intents if intent["metadata"].get("plaidoyer_donation") == key]


@pytest.mark.django_db
def test_the_same_form_posted_twice_makes_one_donation_and_one_payment_intent(
    client, stripe_env, donation_pages, localstripe
):
    data = form_data("ch", payment_method=card_payment_method(localstripe, "4242424242424242"))
    headers = {"HTTP_HOST": "ch.localhost:8000", "HTTP_ACCEPT": "application/json"}

    first = client.post("/fr/faire-un-don/", data, **headers)
    second = client.post("/fr/faire-un-don/", data, **headers)

    assert first.json()["status"] == second.json()["status"] == "succeeded"
    donation = Donation.objects.get()
    assert donation.idempotency_key == data["idempotency_key"]
    assert len(payment_intents_for(localstripe, donation.idempotency_key)) == 1
    assert ConsentRecord.objects.filter(purpose="processing").count() == 1


@pytest.mark.django_db
def test_a_3d_secure_attempt_posted_again_gets_the_same_client_secret(
    client, stripe_env, donation_pages, localstripe
):
    data = form_data("ch", payment_method=card_payment_method(localstripe, "4000002760003184"))
    headers = {"HTTP_HOST": "ch.localhost:8000", "HTTP_ACCEPT": "application/json"}

    first = client.post("/fr/faire-un-don/", data, **headers).json()
    second = client.post("/fr/faire-un-don/", data, **headers).json()

    assert first["status"] == second["status"] == "requires_action"
    assert first["client_secret"] == second["client_secret"]
    assert Donation.objects.count() == 1


@pytest.mark.django_db
def test_someone_else_cannot_reuse_an_attempts_key(client, stripe_env, donation_pages, localstripe):
    data = form_data("ch", payment_method=card_payment_method(localstripe, "4000002760003184"))
    donate(client, "ch", **data)

    other = donate(client, "ch", **{**data, "email": "someone.else@example.org"})

    assert other.status_code == 409
    assert "client_secret" not in other.json()
    assert Donation.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("change", [{"amount": "80"}, {"frequency": "monthly"}])
def test_an_attempts_key_sent_again_with_another_gift_is_refused_and_charges_nothing_more(
    client, stripe_env, donation_pages, localstripe, change
):
    data = form_data("ch", payment_method=card_payment_method(localstripe, "4242424242424242"))
    assert donate(client, "ch", **data).json()["status"] == "succeeded"

    changed = donate(
        client,
        "ch",
        **{**data, **change, "payment_method": card_payment_method(localstripe, "4242424242424242")},
    )

    assert changed.status_code == 409
    answer = changed.json()
    assert answer["errors"]["__all__"][0]["message"] == t(
        "This form has expired. Please reload the page and try again."
    )
    assert answer["retry_key"] != data["idempotency_key"]
    donation = Donation.objects.get()
    assert (donation.amount, donation.frequency) == (6000, "one_off")
    assert len(payment_intents_for(localstripe, data["idempotency_key"])) == 1


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_posts_of_one_attempt(stripe_env, donation_pages, localstripe):
    data = form_data("ch", payment_method=card_payment_method(localstripe, "4242424242424242"))
    barrier = threading.Barrier(2)
    answers = []

    def post():
        barrier.wait()
        response = Client().post(
            "/fr/faire-un-don/", data, HTTP_HOST="ch.localhost:8000", HTTP_ACCEPT="application/json"
        )
        answers.append(response.json()["status"])

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert answers == ["succeeded", "succeeded"]
    donation = Donation.objects.get()
    assert len(payment_intents_for(localstripe, donation.idempotency_key)) == 1


# --- At the HTTP boundary, with recorded Stripe responses --------------------------------


@pytest.mark.django_db
def test_every_create_call_carries_the_donations_key_version_and_section_key(
    client, donation_pages, recorded_stripe
):
    response = donate(client, "ch", payment_method="pm_card_visa")

    assert response.json()["status"] == "succeeded"
    donation = Donation.objects.get()
    customer, intent = recorded_stripe.requests
    assert customer["path"] == "/v1/customers"
    assert customer["headers"]["Idempotency-Key"] == f"{donation.idempotency_key}:customer"
    assert intent["path"] == "/v1/payment_intents"
    assert intent["headers"]["Idempotency-Key"] == f"{donation.idempotency_key}:payment_intent"
    assert intent["params"]["amount"] == ["6000"]
    assert intent["params"]["currency"] == ["chf"]
    for request in recorded_stripe.requests:
        assert request["headers"]["Stripe-Version"] == STRIPE_API_VERSION
        assert request["headers"]["Authorization"] == f"Bearer {KEYS['ch']['secret']}"


@pytest.mark.django_db
def test_each_section_calls_stripe_with_its_own_secret_key(client, donation_pages, recorded_stripe):
    donate(client, "fr", payment_method="pm_card_visa")
    donate(client, "tg", payment_method="pm_card_visa")

    keys = {request["headers"]["Authorization"] for request in recorded_stripe.requests}
    assert keys == {f"Bearer {KEYS['fr']['secret']}", f"Bearer {KEYS['tg']['secret']}"}


@pytest.mark.django_db
def test_a_retry_after_a_lost_commit_charges_once(client, donation_pages, recorded_stripe):
    data = form_data("ch", payment_method="pm_card_visa")
    donate(client, "ch", **data)
    # The server died after Stripe answered but before the donation was committed.
    first_intent = Donation.objects.get().stripe_payment_intent_id
    Donation.objects.all().delete()

    retry = donate(client, "ch", **data)

    assert retry.json()["status"] == "succeeded"
    assert Donation.objects.get().stripe_payment_intent_id == first_intent
    # Stripe created one PaymentIntent: the retry replayed the first answer.
    assert recorded_stripe.created == {"customer": 1, "payment_intent": 1}


@pytest.mark.django_db
def test_a_new_cards_setup_intent_asked_twice_is_made_once_for_the_donors_customer(
    client, donation_pages, recorded_stripe
):
    from .test_direct_debit import give, manage_session

    give(client, frequency="monthly", amount="20")
    gift, donor, gifts_url = manage_session()
    recorded_stripe.requests.clear()
    attempt = "a" * 32

    answers = [
        donor.post(
            gifts_url,
            {"gift": gift.pk, "action": "card_setup", "attempt": attempt},
            HTTP_HOST="fr.localhost:8000",
            HTTP_ACCEPT="application/json",
        ).json()
        for _twice in range(2)
    ]

    assert answers[0]["client_secret"] == answers[1]["client_secret"]
    first, second = recorded_stripe.posted("/v1/setup_intents")
    assert first == second
    assert first["customer"] == [gift.stripe_customer_id]
    assert (first["usage"], first["payment_method_types[0]"]) == (["off_session"], ["card"])
    assert first["metadata[plaidoyer_donation]"] == [gift.idempotency_key]
    keys = {request["headers"]["Idempotency-Key"] for request in recorded_stripe.requests}
    assert keys == {f"{gift.idempotency_key}:card-setup:{attempt}"}
    assert recorded_stripe.created["setup_intent_sepa_debit"] == 2  # the gift's mandate, then this one


@pytest.mark.django_db
def test_an_attempt_sent_again_with_another_amount_after_a_lost_commit_is_told_its_details_changed(
    client, donation_pages, recorded_stripe
):
    data = form_data("ch", payment_method="pm_card_visa", first_name="Lena")
    donate(client, "ch", **data)
    # The server died after Stripe answered but before the gift was committed; the visitor, never told,
    # changed the amount and sent the same attempt again, without the page's script.
    Donation.objects.all().delete()

    response = donate(client, "ch", json=False, **{**data, "amount": "80", "captcha": data["captcha"]})

    assert response.status_code == 409
    page = BeautifulSoup(response.content, "html.parser")
    errors = [item.get_text(strip=True) for item in page.select(".form-errors li")]
    changed = t(
        "The details of this gift changed since your first try, so the payment service would not take it "
        "as the same payment. Please reload the page and give again.",
        "fr",
    )
    assert errors == [changed]
    assert "could not be reached" not in response.content.decode()
    assert page.select_one("#id_first_name")["value"] == "Lena"
    assert page.select_one("#id_amount")["value"] == "80"
    assert page.select_one("#id_idempotency_key")["value"] != data["idempotency_key"]
    assert not Donation.objects.exists()
    # Stripe was asked for one PaymentIntent with this key, and refused the second with other details.
    assert recorded_stripe.created["payment_intent"] == 1
