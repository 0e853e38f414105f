"""SEPA Direct Debit (France, one-off and monthly): IBAN checked here, mandate shown and kept, against recorded
Stripe answers (localstripe's PaymentIntents take no `mandate_data`); the status comes from webhooks only."""

import html
import time
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.test import Client
from django.utils import translation

from donations.methods import mandate_text
from donations.models import Donation, DonationStatus, Payment, Receipt
from donations.money import format_amount

from .conftest import HOSTS, donate, event, post_event, t
from .test_bad_input import field_errors, nothing_written

pytestmark = pytest.mark.django_db

IBAN = "FR76 3000 6000 0112 3456 7890 189"
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"


def give(client, **overrides):
    fields = {"method": "sepa_debit", "iban": IBAN, "REMOTE_ADDR": "192.0.2.7", "HTTP_USER_AGENT": BROWSER}
    return donate(client, "fr", **{**fields, **overrides})


def test_a_one_off_direct_debit_creates_the_mandate_with_the_payment(
    client, recorded_stripe, donation_pages, sections
):
    response = give(client)

    assert response.status_code == 200
    # A direct debit is "processing" for days: the page thanks the donor, the webhook will say how it went.
    assert response.json()["status"] == "succeeded"
    (method,) = recorded_stripe.posted("/v1/payment_methods")
    assert method["type"] == ["sepa_debit"]
    assert method["sepa_debit[iban]"] == ["FR7630006000011234567890189"]
    assert method["billing_details[name]"] == ["Veranika Tsapkala"]
    (customer,) = recorded_stripe.posted("/v1/customers")
    assert customer["payment_method"] == ["pm_RECORDED_SEPA1"]
    (intent,) = recorded_stripe.posted("/v1/payment_intents")
    assert intent["payment_method_types[0]"] == ["sepa_debit"]
    assert intent["payment_method"] == ["pm_RECORDED_SEPA1"]
    assert intent["currency"] == ["eur"]
    assert intent["mandate_data[customer_acceptance][type]"] == ["online"]
    assert intent["mandate_data[customer_acceptance][online][ip_address]"] == ["192.0.2.7"]
    assert intent["mandate_data[customer_acceptance][online][user_agent]"] == [BROWSER]
    keys = [request["headers"]["Idempotency-Key"] for request in recorded_stripe.requests]
    donation = Donation.objects.get()
    assert keys == [
        f"{donation.idempotency_key}:{call}" for call in ("payment_method", "customer", "payment_intent")
    ]
    assert (donation.method, donation.status) == ("sepa_debit", DonationStatus.PENDING)
    # The mandate as the donor read it, in the page's language; no IP address kept beyond the usual hash.
    assert donation.mandate_text == mandate_text(sections["fr"].settings, "fr")
    assert donation.mandate_accepted_at is not None
    assert "192.0.2.7" not in donation.ip_hash


def test_the_page_shows_the_mandate_the_donation_keeps(client, recorded_stripe, donation_pages):
    page = BeautifulSoup(
        client.get("/fr/faire-un-don/", HTTP_HOST="fr.localhost:8000").content, "html.parser"
    )
    give(client)

    assert page.select_one("#mandate-text").get_text() == Donation.objects.get().mandate_text


def test_a_monthly_direct_debit_sets_up_the_mandate_then_the_subscription(
    client, recorded_stripe, donation_pages
):
    response = give(client, frequency="monthly", amount="20")

    assert response.json()["status"] == "succeeded"
    (setup,) = recorded_stripe.posted("/v1/setup_intents")
    assert setup["payment_method_types[0]"] == ["sepa_debit"]
    assert setup["usage"] == ["off_session"]
    assert setup["confirm"] == ["true"]
    assert setup["mandate_data[customer_acceptance][online][ip_address]"] == ["192.0.2.7"]
    (subscription,) = recorded_stripe.posted("/v1/subscriptions")
    assert {key: value for key, value in subscription.items() if key.startswith("items[0]")} == {
        "items[0][price_data][currency]": ["eur"],
        "items[0][price_data][product]": ["plaidoyer-monthly-donation"],
        "items[0][price_data][unit_amount]": ["2000"],
        "items[0][price_data][recurring][interval]": ["month"],
    }
    donation = Donation.objects.get()
    assert donation.stripe_subscription_id == "sub_RECORDED_SEPA1"
    # Every create call under the gift's key (the shared product exists already: it is only read).
    keys = [
        request["headers"]["Idempotency-Key"]
        for request in recorded_stripe.requests
        if request["method"] == "POST"
    ]
    assert keys == [
        f"{donation.idempotency_key}:{call}"
        for call in ("payment_method", "customer", "setup_intent", "subscription")
    ]
    assert (donation.method, donation.frequency, donation.status) == ("sepa_debit", "monthly", "pending")


@pytest.mark.parametrize("iban", ["FR76 3000 6000 0112 3456 7890 188", "FR76", "not an iban"])
def test_an_invalid_iban_is_refused_next_to_the_field_and_kept(client, recorded_stripe, donation_pages, iban):
    response = give(client, json=False, iban=iban)

    assert response.status_code == 400
    assert field_errors(response, "iban") == [
        t("This IBAN is not valid: please check it against your bank details.")
    ]
    assert BeautifulSoup(response.content, "html.parser").select_one("#id_iban")["value"] == iban
    assert nothing_written()
    assert recorded_stripe.requests == []


def test_a_missing_iban_is_asked_for(client, recorded_stripe, donation_pages):
    response = give(client, json=False, iban="")

    assert field_errors(response, "iban") == [t("Please enter the IBAN of the account to debit.")]
    assert nothing_written()


def test_an_account_stripe_refuses_writes_nothing(client, recorded_stripe, donation_pages):
    recorded_stripe.refuse("/v1/payment_methods", 400, "error_invalid_iban")

    response = give(client)

    assert response.status_code == 400
    assert response.json()["errors"]["iban"][0]["message"] == t(
        "This bank account cannot be debited. Nothing was charged; please check the IBAN or choose another way to pay."
    )
    assert nothing_written()


def test_a_refused_mandate_writes_nothing(client, recorded_stripe, donation_pages):
    recorded_stripe.refuse("/v1/setup_intents", 400, "error_invalid_iban")

    response = give(client, frequency="monthly", amount="20")

    assert response.status_code == 400
    assert "iban" in response.json()["errors"]
    assert nothing_written()
    assert recorded_stripe.posted("/v1/subscriptions") == []


def intent_of(donation, status):
    return {
        "id": donation.stripe_payment_intent_id,
        "object": "payment_intent",
        "amount": 5000,
        "amount_received": 5000 if status == "succeeded" else 0,
        "currency": "eur",
        "latest_charge": "py_sepa",
        "payment_method_types": ["sepa_debit"],
        "metadata": {"plaidoyer_donation": donation.idempotency_key, "section": "fr"},
        "status": status,
    }


def test_the_debit_succeeds_days_later_by_webhook_with_a_receipt_for_a_direct_debit(
    client, recorded_stripe, donation_pages, django_capture_on_commit_callbacks
):
    give(client)
    donation = Donation.objects.get()
    # Stripe says the debit is under way: nothing changes yet.
    assert (
        post_event(
            client, "fr", event("payment_intent.processing", intent_of(donation, "processing"))
        ).status_code
        == 200
    )
    assert Donation.objects.get().status == DonationStatus.PENDING

    with django_capture_on_commit_callbacks(execute=True):
        post_event(client, "fr", event("payment_intent.succeeded", intent_of(donation, "succeeded")))

    assert Donation.objects.get().status == DonationStatus.SUCCEEDED
    assert Receipt.objects.get().method == "direct_debit"
    assert len(mail.outbox) == 1


def test_a_debit_the_bank_refuses_marks_the_gift_failed(client, recorded_stripe, donation_pages):
    give(client)
    donation = Donation.objects.get()

    post_event(
        client, "fr", event("payment_intent.payment_failed", intent_of(donation, "requires_payment_method"))
    )

    assert Donation.objects.get().status == DonationStatus.FAILED


# --- A monthly donor moves their direct debit to another account (manage page) ---------------------------

NEW_IBAN = "FR14 2004 1010 0505 0001 3M02 606"


def manage_session():
    """The monthly direct debit just given, and a session on its manage page (as the emailed link opens it)."""
    from donations.manage import link_url, new_link

    gift = Donation.objects.get()
    url = urlsplit(link_url(new_link(gift.site, gift.supporter_id, 3600), gift.page, "fr"))
    donor = Client()
    opened = donor.post(f"{url.path}?{url.query}", HTTP_HOST=HOSTS["fr"])
    assert opened.status_code == 302
    return gift, donor, opened["Location"]


def new_account(donor, gifts_url, gift, iban, attempt):
    return donor.post(
        gifts_url,
        {
            "gift": gift.pk,
            "action": "account",
            f"account{gift.pk}-iban": iban,
            f"account{gift.pk}-attempt": attempt,
        },
        HTTP_HOST=HOSTS["fr"],
        REMOTE_ADDR="198.51.100.4",
        HTTP_USER_AGENT=BROWSER,
    )


def account_form(response, gift):
    """The IBAN field of the gift's account form: its value, the mandate under it, the errors next to it."""
    page = BeautifulSoup(response.content, "html.parser")
    field = page.select_one(f"#id_account{gift.pk}-iban").find_parent(attrs={"data-field": "iban"})
    return {
        "value": field.select_one("input").get("value"),
        "mandate": field.select_one(".helptext").get_text(),
        "errors": [error.get_text(strip=True) for error in field.select(".errorlist li")],
        "attempt": page.select_one(f"[name=account{gift.pk}-attempt]")["value"],
    }


def test_a_monthly_direct_debit_moves_to_another_account_under_a_new_mandate(
    client, recorded_stripe, donation_pages, sections
):
    give(client, frequency="monthly", amount="20")
    gift, donor, gifts_url = manage_session()
    form = account_form(donor.get(gifts_url, HTTP_HOST=HOSTS["fr"]), gift)
    assert form["mandate"] == mandate_text(sections["fr"].settings, "fr")
    given_at = gift.mandate_accepted_at
    recorded_stripe.requests.clear()

    moved = new_account(donor, gifts_url, gift, NEW_IBAN, form["attempt"])

    assert moved.status_code == 302
    assert t("Your new account will be debited for your next monthly payments.") in html.unescape(
        donor.get(moved["Location"], HTTP_HOST=HOSTS["fr"]).content.decode()
    )
    (method,) = recorded_stripe.posted("/v1/payment_methods")
    assert method["sepa_debit[iban]"] == ["FR1420041010050500013M02606"]
    (setup,) = recorded_stripe.posted("/v1/setup_intents")
    assert setup["customer"] == [gift.stripe_customer_id]
    assert setup["payment_method"] == ["pm_RECORDED_SEPA2"]
    assert (setup["usage"], setup["confirm"]) == (["off_session"], ["true"])
    assert setup["mandate_data[customer_acceptance][online][ip_address]"] == ["198.51.100.4"]
    assert setup["mandate_data[customer_acceptance][online][user_agent]"] == [BROWSER]
    (customer,) = recorded_stripe.posted(f"/v1/customers/{gift.stripe_customer_id}")
    assert customer["invoice_settings[default_payment_method]"] == ["pm_RECORDED_SEPA2"]
    (subscription,) = recorded_stripe.posted(f"/v1/subscriptions/{gift.stripe_subscription_id}")
    assert subscription["default_payment_method"] == ["pm_RECORDED_SEPA2"]
    gift.refresh_from_db()
    assert gift.mandate_accepted_at > given_at
    assert gift.mandate_text == mandate_text(sections["fr"].settings, "fr")

    # The same form posted again (a reload, a replay) changes nothing.
    recorded_stripe.requests.clear()
    replayed = new_account(donor, gifts_url, gift, NEW_IBAN, form["attempt"])
    assert replayed.status_code == 409
    assert account_form(replayed, gift)["errors"] == [
        t("This form was already sent. Nothing was changed; please reload the page.")
    ]
    assert [request for request in recorded_stripe.requests if request["method"] == "POST"] == []


def test_a_direct_debit_donor_changes_the_amount_to_a_new_monthly_price_once_per_attempt(
    client, recorded_stripe, donation_pages
):
    give(client, frequency="monthly", amount="20")
    gift, donor, gifts_url = manage_session()
    page = BeautifulSoup(donor.get(gifts_url, HTTP_HOST=HOSTS["fr"]).content, "html.parser")
    attempt = page.select_one(f"[name=gift{gift.pk}-attempt]")["value"]
    recorded_stripe.requests.clear()

    changed = donor.post(
        gifts_url,
        {
            "gift": gift.pk,
            "action": "change",
            f"gift{gift.pk}-amount": "35",
            f"gift{gift.pk}-attempt": attempt,
        },
        HTTP_HOST=HOSTS["fr"],
    )

    assert changed.status_code == 302
    (update,) = [request for request in recorded_stripe.requests if request["method"] == "POST"]
    assert update["path"] == f"/v1/subscriptions/{gift.stripe_subscription_id}"
    assert update["headers"]["Idempotency-Key"] == f"{gift.idempotency_key}:change:{attempt}:3500"
    assert update["params"] == {
        "items[0][id]": ["si_RECORDED_SEPA"],
        "items[0][price_data][currency]": ["eur"],
        "items[0][price_data][product]": ["plaidoyer-monthly-donation"],
        "items[0][price_data][unit_amount]": ["3500"],
        "items[0][price_data][recurring][interval]": ["month"],
    }
    assert Donation.objects.get().amount == 3500


@pytest.mark.parametrize("iban", ["FR76 3000 6000 0112 3456 7890 188", ""])
def test_a_new_iban_that_is_not_valid_is_said_next_to_it_and_kept(
    client, recorded_stripe, donation_pages, iban
):
    give(client, frequency="monthly", amount="20")
    gift, donor, gifts_url = manage_session()
    attempt = account_form(donor.get(gifts_url, HTTP_HOST=HOSTS["fr"]), gift)["attempt"]
    recorded_stripe.requests.clear()

    refused = new_account(donor, gifts_url, gift, iban, attempt)

    assert refused.status_code == 400
    form = account_form(refused, gift)
    expected = "This IBAN is not valid: please check it against your bank details."
    assert form["errors"] == [t(expected if iban else "Please enter the IBAN of the account to debit.")]
    assert (form["value"] or "") == iban
    assert recorded_stripe.requests == []


def test_a_new_mandate_stripe_refuses_changes_nothing(client, recorded_stripe, donation_pages):
    give(client, frequency="monthly", amount="20")
    gift, donor, gifts_url = manage_session()
    attempt = account_form(donor.get(gifts_url, HTTP_HOST=HOSTS["fr"]), gift)["attempt"]
    recorded_stripe.refuse("/v1/setup_intents", 400, "error_invalid_iban")

    refused = new_account(donor, gifts_url, gift, NEW_IBAN, attempt)

    assert refused.status_code == 400
    form = account_form(refused, gift)
    assert form["errors"] == [
        t(
            "This bank account cannot be debited. Nothing was changed; please check the IBAN or keep your "
            "current account."
        )
    ]
    assert form["value"] == NEW_IBAN
    assert recorded_stripe.posted(f"/v1/customers/{gift.stripe_customer_id}") == []
    assert recorded_stripe.posted(f"/v1/subscriptions/{gift.stripe_subscription_id}") == []
    assert Donation.objects.get().mandate_accepted_at == gift.mandate_accepted_at


# --- The manage page tells a direct-debit donor of a failed debit, and only of one -------------------------------


def month_invoice(gift, invoice_id):
    """A month's invoice as Stripe sends it with its events."""
    return {
        "id": invoice_id,
        "object": "invoice",
        "subscription": gift.stripe_subscription_id,
        "customer": gift.stripe_customer_id,
        "payment_intent": f"pi_{invoice_id}",
        "amount_due": 2000,
        "amount_paid": 2000,
        "total": 2000,
        "currency": "eur",
        "billing_reason": "subscription_cycle",
    }


def month_debit(gift, invoice_id):
    """The PaymentIntent of a month's invoice while the bank has not answered (days, for a direct debit)."""
    return {
        "id": f"pi_{invoice_id}",
        "object": "payment_intent",
        "amount": 2000,
        "currency": "eur",
        "customer": gift.stripe_customer_id,
        "invoice": invoice_id,
        "metadata": {},
        "payment_method_types": ["sepa_debit"],
        "status": "processing",
    }


def failure_notice(donor, gifts_url):
    """The warning the manage page shows about the gift's last payment, or None."""
    page = BeautifulSoup(donor.get(gifts_url, HTTP_HOST=HOSTS["fr"]).content, "html.parser")
    warning = page.select_one(".monthly-gift p.warning")
    return warning.get_text(strip=True) if warning else None


def test_a_direct_debit_donor_is_told_of_a_failed_debit_but_not_while_the_next_debit_is_under_way(
    client, recorded_stripe, donation_pages, django_capture_on_commit_callbacks
):
    give(client, frequency="monthly", amount="20")
    gift, donor, gifts_url = manage_session()
    now = int(time.time())
    failed_debit = t(
        "The last debit of this gift failed. Please check your account, or give another IBAN below."
    )

    # The first month's debit is under way for days: nothing has failed.
    processing = event("payment_intent.processing", month_debit(gift, "in_month1"), created=now)
    assert post_event(client, "fr", processing).content == b"monthly debit under way"
    assert failure_notice(donor, gifts_url) is None
    post_event(client, "fr", event("invoice.paid", month_invoice(gift, "in_month1"), created=now + 5))
    # A late copy of that debit's start does not undo its success.
    post_event(
        client, "fr", event("payment_intent.processing", month_debit(gift, "in_month1"), created=now + 6)
    )
    assert Payment.objects.get(stripe_invoice_id="in_month1").status == "succeeded"
    assert failure_notice(donor, gifts_url) is None

    # The second month's debit fails: the donor is told, about their account (they have no card), by email
    # with the link to their gifts, and on the page.
    with django_capture_on_commit_callbacks(execute=True):
        post_event(
            client, "fr", event("invoice.payment_failed", month_invoice(gift, "in_month2"), created=now + 10)
        )
    (message,) = mail.outbox
    assert message.subject == t("Your monthly gift could not be paid this month")
    body = message.body
    with translation.override("fr"):
        amount = format_amount(2000, "EUR")
    assert (
        t(
            "This month's direct debit of your monthly gift of %(amount)s could not be made: your bank refused it. "
            "Our payment provider will try again in the next days.",
            amount=amount,
        )
        in body
    )
    assert (
        t(
            "To debit another account, change the amount or cancel your monthly gift, open this link (valid for a "
            "week, usable once):"
        )
        in body
    )
    assert "card" not in body and "carte" not in body
    assert failure_notice(donor, gifts_url) == failed_debit

    # Stripe debits again (perhaps the account the donor gave since): under way, so nothing to tell, although
    # the gift stays failed for staff until the bank says it is paid.
    post_event(
        client, "fr", event("payment_intent.processing", month_debit(gift, "in_month2"), created=now + 15)
    )
    assert Payment.objects.get(stripe_invoice_id="in_month2").status == "processing"
    assert Donation.objects.get().status == DonationStatus.FAILED
    assert failure_notice(donor, gifts_url) is None

    # The bank refuses that debit too: told again.
    post_event(
        client, "fr", event("invoice.payment_failed", month_invoice(gift, "in_month2"), created=now + 20)
    )
    assert failure_notice(donor, gifts_url) == failed_debit
