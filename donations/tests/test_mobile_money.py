"""Togo's donors give by mobile money (T-Money, Flooz) through PayGate Global, and only PayGate's own status
API settles a gift.

PayGate has no local fake: a server on loopback answers in its API's shape with the recorded responses of
`donations/tests/recorded/paygate/` and keeps what it was asked. Notifications are posted as PayGate
posts them; forged, replayed, reordered and cross-section ones are among them.
"""

import pytest
from django.core import mail

from donations.models import Donation, MobileMoneyNotification, MobileMoneyPayment, Payment
from supporters.erasure import erase_supporter
from supporters.models import ConsentRecord, Supporter

from .conftest import HOSTS, PAGE_PATH, donate, t
from .paygate import KEYS, give, notify, status_calls

# --- The form -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_togos_donation_page_offers_mobile_money_and_switzerlands_does_not(client, paygate):
    togo = client.get(PAGE_PATH, HTTP_HOST=HOSTS["tg"]).content.decode()
    swiss = client.get(PAGE_PATH, HTTP_HOST=HOSTS["ch"]).content.decode()

    assert t("Mobile money (T-Money, Flooz)") in togo
    assert 'name="mobile_phone"' in togo and 'value="FLOOZ"' in togo and 'value="TMONEY"' in togo
    assert 'name="mobile_phone"' not in swiss


@pytest.mark.django_db
def test_without_its_paygate_key_togo_offers_card_only(client, paygate, settings):
    settings.SECTION_SECRETS = {
        k: v for k, v in settings.SECTION_SECRETS.items() if k != "PAYGATE_API_KEY_TG"
    }

    page = client.get(PAGE_PATH, HTTP_HOST=HOSTS["tg"]).content.decode()

    assert 'name="mobile_phone"' not in page


@pytest.mark.django_db
def test_without_stripe_keys_togo_still_takes_mobile_money_and_offers_no_card(
    client, paygate, sections, settings
):
    settings.SECTION_SECRETS = {
        name: value
        for name, value in settings.SECTION_SECRETS.items()
        if not (name.startswith("STRIPE_") and name.endswith("_TG"))
    }
    section = sections["tg"].settings
    section.stripe_publishable_key = ""
    section.save()

    page = client.get(PAGE_PATH, HTTP_HOST=HOSTS["tg"]).content.decode()
    # By card: refused as a way to pay this page does not offer, before anything is written or asked.
    by_card = donate(client, "tg", method="card", payment_method="pm_card_visa")
    response = give(client)

    assert (
        t("Online donations are unavailable at the moment. Please come back later or contact us.") not in page
    )
    assert 'name="mobile_phone"' in page and 'value="FLOOZ"' in page
    assert 'id="card-element"' not in page and 'value="card"' not in page
    assert by_card.status_code == 400
    assert by_card.json()["errors"]["method"][0]["message"] == t(
        "Choose one of the ways to pay this page offers."
    )
    assert response.status_code == 200 and response.json()["status"] == "mobile_money"
    assert [request["path"] for request in paygate.requests] == ["/api/v1/pay"]
    assert Donation.objects.get().method == "mobile_money"


@pytest.mark.django_db
def test_a_flooz_gift_sends_the_payment_request_to_the_donors_phone(client, paygate):
    response = give(client)

    assert response.status_code == 200
    assert response.json()["status"] == "mobile_money"
    donation = Donation.objects.get()
    assert donation.status == "pending" and donation.amount == 5000 and donation.currency == "XOF"
    [request] = paygate.requests
    assert request["path"] == "/api/v1/pay"
    assert request["body"] == {
        "auth_token": KEYS["tg"],
        "phone_number": "+22896123456",
        "amount": 5000,
        "description": request["body"]["description"],
        "identifier": donation.idempotency_key,
        "network": "FLOOZ",
    }
    assert donation.mobile_money.tx_reference == "17384561"
    thanks = client.get(response.json()["redirect"], HTTP_HOST=HOSTS["tg"]).content.decode()
    confirm = t(
        "Confirm the payment on your phone: %(network)s has sent a payment request to %(number)s. Enter your "
        "PIN code there to approve it; nothing is charged until you do.",
        network=t("Flooz (Moov Africa)"),
        number="+22896123456",
    )
    assert confirm in thanks


@pytest.mark.django_db
def test_the_same_attempt_posted_twice_is_one_request_at_paygate(client, paygate):
    first = give(client, idempotency_key="a" * 32)
    second = give(client, idempotency_key="a" * 32)

    assert first.json()["status"] == second.json()["status"] == "mobile_money"
    assert Donation.objects.count() == 1
    assert len(paygate.requests) == 1


BAD_NUMBERS = [
    ("12345", "FLOOZ", "Enter a Togolese mobile number, for example 90 12 34 56."),
    (
        "+33 6 12 34 56 78",
        "FLOOZ",
        "This number is not Togolese: mobile money here takes numbers starting with +228.",
    ),
    (
        "22 21 23 45",
        "FLOOZ",
        "This is not a Togolese mobile number: enter a T-Money or Flooz number, e.g. 90 12 34 56.",
    ),
    (
        "+228 90 12 34 56",
        "FLOOZ",
        "This is a T-Money (Togocel) number: choose T-Money, or enter a Flooz number.",
    ),
    (
        "97 12 34 56",
        "TMONEY",
        "This is a Flooz (Moov Africa) number: choose Flooz, or enter a T-Money number.",
    ),
    ("", "FLOOZ", "Enter the mobile number that pays."),
]


@pytest.mark.django_db
def test_a_wrong_number_is_refused_next_to_its_field_and_kept(client, paygate):
    # One test for every case: the page tree is built once.
    for number, network, message in BAD_NUMBERS:
        response = give(client, json=False, mobile_phone=number, mobile_network=network)

        assert response.status_code == 400, number
        field = response.content.decode().split('data-field="mobile_phone"')[1].split("</div>")[0]
        assert t(message).replace("'", "&#x27;") in field, number
        assert f'value="{number}"' in field or not number
    assert Donation.objects.count() == Supporter.objects.count() == ConsentRecord.objects.count() == 0
    assert paygate.requests == []


@pytest.mark.django_db
def test_mobile_money_takes_one_off_gifts_only(client, paygate):
    response = give(client, frequency="monthly")

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["frequency"][0]["message"] == t(
        "Mobile money takes one-off gifts only: choose one-off, or pay by card."
    )
    assert paygate.requests == []


@pytest.mark.django_db
def test_a_number_paygate_refuses_leaves_nothing_behind(client, paygate):
    paygate.pay = "pay_invalid_parameters"

    response = give(client)

    assert response.status_code == 400
    assert response.json()["errors"]["mobile_phone"][0]["message"] == t(
        "PayGate refused this number for mobile money. Check it, or pay by card."
    )
    assert Donation.objects.count() == MobileMoneyPayment.objects.count() == Supporter.objects.count() == 0


@pytest.mark.django_db
def test_an_unreachable_paygate_charges_nothing_and_says_so(client, paygate, settings):
    settings.PAYGATE_API_BASE = "http://127.0.0.1:9"  # discard port: nothing answers

    response = give(client)

    assert response.status_code == 429  # to try again later, never a 5xx
    assert response["Retry-After"] == "60"
    assert response.json()["errors"]["mobile_phone"][0]["message"] == t(
        "The mobile-money service could not be reached. Nothing was charged; please try again later."
    )
    assert Donation.objects.count() == Supporter.objects.count() == 0


# --- Notifications ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_paid_notification_verified_with_paygate_settles_the_gift_and_sends_the_receipt(
    client, paygate, gift, django_capture_on_commit_callbacks
):
    paygate.status[gift] = ["status_paid"]

    with django_capture_on_commit_callbacks(execute=True):
        response = notify(client, "tg", gift)

    assert response.status_code == 200
    [call] = status_calls(paygate)
    assert call["body"] == {"auth_token": KEYS["tg"], "identifier": gift}
    donation = Donation.objects.get()
    assert donation.status == "succeeded"
    [payment] = Payment.objects.all()
    assert (payment.amount, payment.currency, payment.status) == (5000, "XOF", "succeeded")
    assert donation.mobile_money.payment_reference == "MP261206.1015.C41872"
    [email] = mail.outbox
    assert email.to == ["veranika@example.org"]
    assert "17384561" in email.body


@pytest.mark.django_db
def test_a_forged_notification_changes_nothing_when_paygate_says_the_payment_is_pending(
    client, paygate, gift
):
    # Whatever the body claims (paid, an amount), PayGate is asked, and the donor has not confirmed.
    response = notify(client, "tg", gift, status=0, amount=5000)

    assert response.status_code == 200
    assert Donation.objects.get().status == "pending"
    assert Payment.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_replayed_notification_is_applied_once(client, paygate, gift, django_capture_on_commit_callbacks):
    paygate.status[gift] = ["status_paid"]

    with django_capture_on_commit_callbacks(execute=True):
        first = notify(client, "tg", gift)
        second = notify(client, "tg", gift)

    assert first.content == b"donation succeeded"
    assert second.content == b"already processed"
    assert Payment.objects.count() == 1
    assert MobileMoneyNotification.objects.count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("late", ["status_pending", "status_expired"])
def test_a_success_stays_a_success_whatever_arrives_after_it(
    client, paygate, gift, late, django_capture_on_commit_callbacks
):
    paygate.status[gift] = ["status_paid", late]

    with django_capture_on_commit_callbacks(execute=True):
        notify(client, "tg", gift)
        later = notify(client, "tg", gift)

    assert later.status_code == 200
    assert Donation.objects.get().status == "succeeded"
    assert Payment.objects.get().status == "succeeded"
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_pending_notification_then_the_paid_one_settle_the_gift_once(
    client, paygate, gift, django_capture_on_commit_callbacks
):
    paygate.status[gift] = ["status_pending", "status_paid"]

    with django_capture_on_commit_callbacks(execute=True):
        assert notify(client, "tg", gift).content == b"still pending"
        assert notify(client, "tg", gift).content == b"donation succeeded"

    assert Donation.objects.get().status == "succeeded"
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_an_expired_request_fails_the_gift_without_a_payment(client, paygate, gift):
    paygate.status[gift] = ["status_expired"]

    notify(client, "tg", gift)

    assert Donation.objects.get().status == "failed"
    assert Payment.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_notification_to_another_section_finds_nothing_and_asks_nobody(client, paygate, gift):
    paygate.status[gift] = ["status_paid"]

    response = notify(client, "ch", gift)

    assert response.status_code == 404
    assert status_calls(paygate) == []
    assert Donation.objects.get().status == "pending"


@pytest.mark.django_db
def test_an_unknown_identifier_is_refused(client, paygate, gift):
    assert notify(client, "tg", "f" * 32).status_code == 404
    assert notify(client, "tg", "").status_code == 400
    assert (
        client.post("/donations/mobile-money/tg/", "not json", content_type="application/json").status_code
        == 400
    )
    assert status_calls(paygate) == []


@pytest.mark.django_db
def test_paygate_answering_about_another_transaction_changes_nothing(client, paygate, gift):
    paygate.status[gift] = ["status_paid"]
    MobileMoneyPayment.objects.update(tx_reference="99999999")

    response = notify(client, "tg", gift)

    assert response.status_code == 400
    assert Donation.objects.get().status == "pending"


@pytest.mark.django_db
def test_a_paygate_that_cannot_be_reached_leaves_the_gift_pending_for_a_later_notification(
    client, paygate, gift, settings
):
    settings.PAYGATE_API_BASE = "http://127.0.0.1:9"

    response = notify(client, "tg", gift)

    assert response.status_code == 502
    assert Donation.objects.get().status == "pending"
    assert MobileMoneyNotification.objects.count() == 0


@pytest.mark.django_db
def test_erasing_the_donor_blanks_the_number_that_paid(
    client, paygate, gift, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        erase_supporter(Supporter.objects.get())

    assert MobileMoneyPayment.objects.get().phone_number == ""


# --- In the browser ---------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_donor_pays_by_flooz_in_chromium_and_paygates_notification_settles_it(
    sections, paygate, stripe_env, live_server, browser_page
):
    import requests

    from .conftest import fill_donor, wait_for_emails, wait_for_status

    port = live_server.url.rsplit(":", 1)[1]
    page = browser_page
    page.goto(f"http://tg.localhost:{port}/fr/faire-un-don/")

    assert page.locator("[data-method=mobile_money]").is_hidden()
    page.get_by_label(t("Mobile money (T-Money, Flooz)")).check()
    assert page.locator("[data-method=card]").is_hidden()
    fill_donor(page)
    page.get_by_label(t("T-Money (Togocel)")).check()
    page.locator("#id_mobile_phone").fill("96 12 34 56")
    page.locator("[data-submit]").click()

    error = page.locator("#id_mobile_phone_errors li")
    error.wait_for()
    assert error.inner_text() == t(
        "This is a Flooz (Moov Africa) number: choose Flooz, or enter a T-Money number."
    )
    assert page.locator("#id_mobile_phone").input_value() == "96 12 34 56"
    assert Donation.objects.count() == 0

    page.get_by_label(t("Flooz (Moov Africa)")).check()
    page.locator("[data-submit]").click()
    page.wait_for_url("**/fr/faire-un-don/thanks/")
    assert "+22896123456" in page.locator("[role=status]").inner_text()

    identifier = Donation.objects.get().idempotency_key
    paygate.status[identifier] = ["status_paid"]
    requests.post(
        f"{live_server.url}/donations/mobile-money/tg/", json={"identifier": identifier}, timeout=10
    )
    assert wait_for_status("succeeded").amount == 5000
    assert len(wait_for_emails(1)) == 1
    assert page.external_hosts == set()
