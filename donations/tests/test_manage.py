"""Monthly donors manage their gift: a link asked for by email or found in a receipt, opened once, to change
the amount, update the card or cancel; a failed month emails them that link."""

import datetime
import html
import re
import time
from urllib.parse import urlsplit

import pytest
import requests
from django.core import mail
from django.test import Client, TestCase
from django.utils import timezone
from playwright.sync_api import expect

from donations import payments
from donations.demo import load
from donations.manage import SESSION_KEY
from donations.models import Donation, DonationStatus, ManageLink
from sections.demo import create_sections
from supporters.tests.helpers import email_hashes, solution

from .conftest import (
    HOSTS,
    KEYS,
    PAGE_PATH,
    card_payment_method,
    donate,
    event,
    post_event,
    stripe_events,
    stripe_get,
    t,
)

HOST = HOSTS["ch"]
MANAGE = f"{PAGE_PATH}manage/"
EMAIL = "veranika@example.org"


def monthly_gift(localstripe, code="ch", path=PAGE_PATH, amount="20", email=EMAIL):
    """A monthly gift made on the donation page (localstripe: a customer and a subscription)."""
    token = card_payment_method(localstripe, "4242424242424242", code=code)
    response = donate(
        Client(), code, path=path, frequency="monthly", amount=amount, payment_method=token, email=email
    )
    assert response.json()["status"] == "succeeded", response.json()
    return Donation.objects.get(
        site__hostname=HOSTS[code].split(":")[0], supporter__email_hash__in=email_hashes(email)
    )


def monthly_price(localstripe, gift):
    """The Price the gift's subscription charges every month, as Stripe answers it."""
    (item,) = stripe_get(localstripe, f"subscriptions/{gift.stripe_subscription_id}")["items"]["data"]
    return item["price"]


def text_of(response):
    return html.unescape(response.content.decode())


def article(response):
    return re.search(r"<article.*?</article>", text_of(response), re.S).group(0)


def ask_for_link(capture, email, client=None, **extra):
    with capture(execute=True):
        return (client or Client()).post(
            MANAGE, {"email": email, "captcha": solution(HOST), **extra}, HTTP_HOST=HOST
        )


def link_in(message):
    return re.search(r"https?://\S+/manage/link/\?token=\S+", message.body).group(0)


def local(url):
    """The path and query of an absolute URL, as the test client takes them."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def open_gifts(url, host=HOST):
    """What the donor does with the emailed link: open it, press the button; the client keeps the session."""
    client = Client()
    path = local(url)
    assert client.get(path, HTTP_HOST=host).status_code == 200
    response = client.post(path, HTTP_HOST=host)
    assert response.status_code == 302
    return client, response["Location"]


def act(client, gifts_url, donation, action, **data):
    return client.post(gifts_url, {"gift": donation.pk, "action": action, **data}, HTTP_HOST=HOST)


def next_to_the_card(response):
    """The error said in the card field of the manage page."""
    return re.search(r"data-card-errors[^>]*>([^<]*)<", text_of(response)).group(1)


def failed_invoice(gift, invoice_id="in_month2"):
    return {
        "id": invoice_id,
        "object": "invoice",
        "subscription": gift.stripe_subscription_id,
        "customer": gift.stripe_customer_id,
        "charge": f"ch_{invoice_id}",
        "payment_intent": f"pi_{invoice_id}",
        "amount_due": gift.amount,
        "total": gift.amount,
        "currency": gift.currency.lower(),
        "billing_reason": "subscription_cycle",
    }


def default_card(localstripe, gift):
    """The PaymentMethod that the donor's next months will be charged to."""
    customer = stripe_get(localstripe, f"customers/{gift.stripe_customer_id}")
    return customer["invoice_settings"]["default_payment_method"]


def subscription_card(localstripe, gift):
    """The PaymentMethod the gift's subscription names as its own default."""
    return stripe_get(localstripe, f"subscriptions/{gift.stripe_subscription_id}").get(
        "default_payment_method"
    )


def card_setup(client, gifts_url, gift, attempt="0" * 32):
    """What the page's script asks first: a SetupIntent for the donor's customer."""
    return client.post(
        gifts_url,
        {"gift": gift.pk, "action": "card_setup", "attempt": attempt},
        HTTP_HOST=HOST,
        HTTP_ACCEPT="application/json",
    )


def confirm_card_setup(localstripe, client_secret, number, code="ch"):
    """What Stripe.js's confirmCardSetup does with the card typed in: confirm the SetupIntent with the
    publishable key. localstripe's answer: the SetupIntent, or its error."""
    intent = client_secret.split("_secret_")[0]
    return requests.post(
        f"{localstripe}/v1/setup_intents/{intent}/confirm",
        json={
            "key": KEYS[code]["publishable"],
            "client_secret": client_secret,
            "payment_method_data": {
                "type": "card",
                "card": {"number": number, "exp_month": "12", "exp_year": "2034", "cvc": "123"},
            },
        },
        timeout=10,
    )


def three_d_secure(localstripe, client_secret, passed, code="ch"):
    """The donor completes (or fails) the bank's 3-D Secure check, as localstripe's Stripe.js does then."""
    intent = client_secret.split("_secret_")[0]
    step = "confirm" if passed else "cancel"
    return requests.post(
        f"{localstripe}/v1/setup_intents/{intent}/{step}",
        json={"key": KEYS[code]["publishable"], "client_secret": client_secret},
        timeout=10,
    ).json()


def set_up_card(client, gifts_url, gift, localstripe, number):
    """A SetupIntent for the gift, confirmed with `number`: its id."""
    secret = card_setup(client, gifts_url, gift).json()["client_secret"]
    assert confirm_card_setup(localstripe, secret, number).json()["status"] == "succeeded"
    return secret.split("_secret_")[0]


class ManageTests(TestCase):
    """One page tree for the class (sections and their donation pages); localstripe for the session."""

    @classmethod
    def setUpTestData(cls):
        with cls.captureOnCommitCallbacks(execute=True):
            cls.sections = create_sections()
        with cls.captureOnCommitCallbacks(execute=True):
            cls.pages = load(cls.sections)
        for code, keys in KEYS.items():
            section_settings = cls.sections[code].settings
            section_settings.stripe_publishable_key = keys["publishable"]
            section_settings.save()

    @pytest.fixture(autouse=True)
    def stripe_at_localstripe(self, localstripe, settings):
        """Each section's secret keys, the API and Stripe.js pointed at localstripe."""
        secrets = dict(settings.SECTION_SECRETS)
        for code, keys in KEYS.items():
            secrets[f"STRIPE_SECRET_KEY_{code.upper()}"] = keys["secret"]
            secrets[f"STRIPE_WEBHOOK_SECRET_{code.upper()}"] = keys["webhook"]
        settings.SECTION_SECRETS = secrets
        settings.STRIPE_API_BASE = localstripe
        settings.STRIPE_JS_URL = f"{localstripe}/js.stripe.com/v3/"
        self.localstripe = localstripe

    def test_the_form_answers_the_same_whether_or_not_the_address_gives_monthly(self):
        monthly_gift(self.localstripe)

        donor = ask_for_link(self.captureOnCommitCallbacks, EMAIL)
        stranger = ask_for_link(self.captureOnCommitCallbacks, "stranger@example.org")

        assert donor.status_code == stranger.status_code == 200
        assert article(donor) == article(stranger)
        sent = t(
            "If this address gives monthly to us, we have sent it a link to manage the gift. It is valid for one hour."
        )
        assert sent in article(donor)
        (message,) = mail.outbox
        assert message.to == [EMAIL]
        assert message.subject == t("Your link to manage your monthly gift")
        assert "/fr/faire-un-don/manage/link/" in link_in(message)
        assert EMAIL not in link_in(message)

    def test_a_mistyped_address_is_said_next_to_the_field_and_kept(self):
        response = ask_for_link(self.captureOnCommitCallbacks, "veranika@example")

        assert response.status_code == 400
        page = text_of(response)
        assert 'value="veranika@example"' in page
        assert re.search(
            r'id="id_email_errors"[^>]*>.*' + re.escape(t("Enter a valid email address.")), page, re.S
        )
        assert mail.outbox == []

    def test_a_link_opens_the_donors_gifts_of_that_section_once(self):
        swiss = monthly_gift(self.localstripe, amount="20")
        monthly_gift(self.localstripe, code="fr", amount="45")  # the same person gives in France too
        ask_for_link(self.captureOnCommitCallbacks, EMAIL)
        url = link_in(mail.outbox[0])

        client, gifts_url = open_gifts(url)
        gifts = client.get(gifts_url, HTTP_HOST=HOST)

        assert gifts.status_code == 200
        assert t("%(amount)s every month", amount=swiss.display_amount) in text_of(gifts)
        assert "45\u00a0EUR" not in text_of(gifts)
        assert gifts["Cache-Control"].count("no-store") == 1

        # The link was used: opening it again (here, or elsewhere) is refused, and says why.
        again = Client().get(local(url), HTTP_HOST=HOST)
        assert again.status_code == 410
        assert t("This link was already used. Please ask for a new one.") in text_of(again)
        assert Client().post(local(url), HTTP_HOST=HOST).status_code == 410

        # Another section's site does not know it.
        french = Client().get(local(url), HTTP_HOST=HOSTS["fr"])
        assert french.status_code == 400
        assert t("This link is not valid. Please ask for a new one.") in text_of(french)

        # A tampered token is not valid.
        tampered = Client().get(local(url)[:-3] + "xxx", HTTP_HOST=HOST)
        assert tampered.status_code == 400

        # The session lasts an hour.
        session = client.session
        session[SESSION_KEY] = {**session[SESSION_KEY], "until": time.time() - 1}
        session.save()
        ended = client.get(gifts_url, HTTP_HOST=HOST)
        assert ended.status_code == 403
        assert t("Your session has ended. Please ask for a new link.") in text_of(ended)
        # Without a session, no gift is changed.
        assert act(client, gifts_url, swiss, "cancel").status_code == 403
        assert (
            stripe_get(self.localstripe, f"subscriptions/{swiss.stripe_subscription_id}")["status"]
            == "active"
        )

    def test_an_expired_link_says_so(self):
        monthly_gift(self.localstripe)
        ask_for_link(self.captureOnCommitCallbacks, EMAIL)
        ManageLink.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))

        response = Client().get(local(link_in(mail.outbox[0])), HTTP_HOST=HOST)

        assert response.status_code == 410
        assert t("This link has expired. Please ask for a new one.") in text_of(response)
        assert ManageLink.objects.get().opened_at is None

    def test_an_erased_donors_link_opens_nothing(self):
        from supporters.erasure import erase_supporter

        gift = monthly_gift(self.localstripe)
        ask_for_link(self.captureOnCommitCallbacks, EMAIL)
        erase_supporter(gift.supporter)
        assert not ManageLink.objects.exists()

        response = Client().get(local(link_in(mail.outbox[0])), HTTP_HOST=HOST)

        assert response.status_code == 400
        assert t("This link is not valid. Please ask for a new one.") in text_of(response)
        mail.outbox.clear()
        ask_for_link(self.captureOnCommitCallbacks, EMAIL)
        assert mail.outbox == []

    def test_the_donor_changes_the_amount_from_next_month(self):
        gift = monthly_gift(self.localstripe)
        ask_for_link(self.captureOnCommitCallbacks, EMAIL)
        client, gifts_url = open_gifts(link_in(mail.outbox[0]))
        form = client.get(gifts_url, HTTP_HOST=HOST).content.decode()
        attempt = re.search(rf'name="gift{gift.pk}-attempt" value="([0-9a-f]+)"', form).group(1)

        # Bad input first: said next to the field, what was typed kept, nothing changed anywhere.
        for typed, message in [
            ("vingt", t("Enter the amount in figures, for example 50.")),
            ("2", t("The minimum gift is %(minimum)s.", minimum="5\u00a0CHF")),
            ("20", t("This is already your monthly amount.")),
        ]:
            refused = act(
                client,
                gifts_url,
                gift,
                "change",
                **{f"gift{gift.pk}-amount": typed, f"gift{gift.pk}-attempt": attempt},
            )
            assert refused.status_code == 400
            assert f'value="{typed}"' in refused.content.decode()
            assert message in text_of(refused)
        assert monthly_price(self.localstripe, gift)["unit_amount"] == 2000

        changed = act(
            client,
            gifts_url,
            gift,
            "change",
            **{f"gift{gift.pk}-amount": "35", f"gift{gift.pk}-attempt": attempt},
        )

        assert changed.status_code == 302
        page = client.get(changed["Location"], HTTP_HOST=HOST)
        assert t(
            "From next month on, your monthly gift is %(amount)s. Thank you!", amount="35\u00a0CHF"
        ) in text_of(page)
        subscription = stripe_get(self.localstripe, f"subscriptions/{gift.stripe_subscription_id}")
        assert subscription["status"] == "active"
        price = monthly_price(self.localstripe, gift)
        assert (
            price["unit_amount"],
            price["currency"],
            price["recurring"]["interval"],
            price["product"],
        ) == (
            3500,
            "chf",
            "month",
            "plaidoyer-monthly-donation",
        )
        gift.refresh_from_db()
        assert gift.amount == 3500

    def test_the_donor_updates_their_card_through_a_setup_intent(self):
        gift = monthly_gift(self.localstripe)
        old_card = default_card(self.localstripe, gift)
        ask_for_link(self.captureOnCommitCallbacks, EMAIL)
        client, gifts_url = open_gifts(link_in(mail.outbox[0]))

        missing = act(client, gifts_url, gift, "card", setup_intent="")
        assert missing.status_code == 400
        assert next_to_the_card(missing) == t("Please enter your card details.")

        answer = card_setup(client, gifts_url, gift)
        assert answer.status_code == 200
        secret = answer.json()["client_secret"]
        intent = stripe_get(self.localstripe, f"setup_intents/{secret.split('_secret_')[0]}")
        assert intent["customer"] == gift.stripe_customer_id
        assert intent["usage"] == "off_session"
        assert intent["payment_method_types"] == ["card"]
        assert (
            confirm_card_setup(self.localstripe, secret, "4242424242424242").json()["status"] == "succeeded"
        )

        updated = act(client, gifts_url, gift, "card", setup_intent=intent["id"])

        assert updated.status_code == 302
        assert t("Your new card will be used for your next monthly payments.") in text_of(
            client.get(updated["Location"], HTTP_HOST=HOST)
        )
        new_card = stripe_get(self.localstripe, f"setup_intents/{intent['id']}")["payment_method"]
        assert new_card != old_card
        assert default_card(self.localstripe, gift) == new_card
        assert subscription_card(self.localstripe, gift) == new_card
        assert (
            stripe_get(self.localstripe, f"payment_methods/{new_card}")["customer"] == gift.stripe_customer_id
        )

        # The same post again (a reload, a replay) changes nothing, even after another card came in.
        latest = set_up_card(client, gifts_url, gift, self.localstripe, "5555555555554444")
        assert act(client, gifts_url, gift, "card", setup_intent=latest).status_code == 302
        latest_card = default_card(self.localstripe, gift)
        replayed = act(client, gifts_url, gift, "card", setup_intent=intent["id"])
        assert replayed.status_code == 409
        assert next_to_the_card(replayed) == t(
            "This card update is not valid any more. Nothing was changed; please enter your card again."
        )
        assert default_card(self.localstripe, gift) == latest_card
        assert subscription_card(self.localstripe, gift) == latest_card
        assert stripe_get(self.localstripe, f"payment_methods/{latest_card}")["card"]["last4"] == "4444"

    def test_a_declined_card_or_a_failed_bank_check_changes_nothing(self):
        gift = monthly_gift(self.localstripe)
        old_card = default_card(self.localstripe, gift)
        ask_for_link(self.captureOnCommitCallbacks, EMAIL)
        client, gifts_url = open_gifts(link_in(mail.outbox[0]))
        not_set_up = t(
            "Your card could not be confirmed: it was declined or your bank's check did not succeed. "
            "Nothing was changed; please try again or use another card."
        )

        def post_setup_of(secret):
            return act(client, gifts_url, gift, "card", setup_intent=secret.split("_secret_")[0])

        declined = card_setup(client, gifts_url, gift).json()["client_secret"]
        assert confirm_card_setup(self.localstripe, declined, "4000000000000002").status_code == 402
        refused = post_setup_of(declined)
        assert refused.status_code == 402
        assert next_to_the_card(refused) == not_set_up

        # 3-D Secure asked, not done yet; then failed by the donor.
        checked = card_setup(client, gifts_url, gift).json()["client_secret"]
        assert confirm_card_setup(self.localstripe, checked, "4000002500003155").json()["status"] == (
            "requires_action"
        )
        assert post_setup_of(checked).status_code == 402
        assert three_d_secure(self.localstripe, checked, passed=False)["status"] == "canceled"
        failed = post_setup_of(checked)
        assert failed.status_code == 402
        assert next_to_the_card(failed) == not_set_up

        assert default_card(self.localstripe, gift) == old_card
        assert subscription_card(self.localstripe, gift) is None

        # The same card with the bank's check passed becomes the gift's card.
        passed = card_setup(client, gifts_url, gift).json()["client_secret"]
        confirm_card_setup(self.localstripe, passed, "4000002500003155")
        assert three_d_secure(self.localstripe, passed, passed=True)["status"] == "succeeded"
        assert post_setup_of(passed).status_code == 302
        new_card = default_card(self.localstripe, gift)
        assert new_card != old_card
        assert subscription_card(self.localstripe, gift) == new_card
        assert stripe_get(self.localstripe, f"payment_methods/{new_card}")["card"]["last4"] == "3155"

    def test_another_donors_setup_intent_changes_nothing(self):
        mine = monthly_gift(self.localstripe)
        theirs = monthly_gift(self.localstripe, email="someone.else@example.org")
        cards = {gift.pk: default_card(self.localstripe, gift) for gift in (mine, theirs)}
        ask_for_link(self.captureOnCommitCallbacks, "someone.else@example.org")
        other, other_url = open_gifts(link_in(mail.outbox[0]))
        their_setup = set_up_card(other, other_url, theirs, self.localstripe, "5555555555554444")
        mail.outbox.clear()
        ask_for_link(self.captureOnCommitCallbacks, EMAIL)
        donor, gifts_url = open_gifts(link_in(mail.outbox[0]))

        # Their SetupIntent posted for my gift: refused, nothing changed on either gift.
        set_up_card(donor, gifts_url, mine, self.localstripe, "4242424242424242")
        refused = act(donor, gifts_url, mine, "card", setup_intent=their_setup)
        assert refused.status_code == 409
        assert next_to_the_card(refused) == t(
            "This card update is not valid any more. Nothing was changed; please enter your card again."
        )
        # Nor can the payments code be led to take it, for this gift or from another section.
        with pytest.raises(payments.CardDetailsRefused):
            payments.use_card_setup(self.sections["ch"].settings, mine, their_setup)
        with pytest.raises(payments.CardDetailsRefused):
            payments.use_card_setup(self.sections["fr"].settings, theirs, their_setup)
        assert {gift.pk: default_card(self.localstripe, gift) for gift in (mine, theirs)} == cards

    def test_a_card_setup_for_an_ended_gift_or_without_stripe_is_refused_in_json(self):
        gift = monthly_gift(self.localstripe)
        ask_for_link(self.captureOnCommitCallbacks, EMAIL)
        donor, gifts_url = open_gifts(link_in(mail.outbox[0]))

        forged = card_setup(donor, gifts_url, gift, attempt="not-a-key")
        assert forged.status_code == 400
        assert forged.json()["error"] == t("Please reload the page and enter your card again.")

        with self.settings(STRIPE_API_BASE="http://127.0.0.1:9"):
            unreachable = card_setup(donor, gifts_url, gift)
        assert unreachable.status_code == 429
        assert unreachable.json()["error"] == t(
            "The payment service could not be reached. Nothing was changed; please try again in a few minutes."
        )

        Donation.objects.filter(pk=gift.pk).update(status=DonationStatus.CANCELLED)
        ended = card_setup(donor, gifts_url, gift)
        assert ended.status_code == 409
        assert ended.json()["error"] == t("This monthly gift is cancelled already.")

    def test_the_donor_cancels_and_the_webhook_marks_the_gift_cancelled(self):
        gift = monthly_gift(self.localstripe)
        ask_for_link(self.captureOnCommitCallbacks, EMAIL)
        donor, gifts_url = open_gifts(link_in(mail.outbox[0]))

        cancelled = act(donor, gifts_url, gift, "cancel")

        assert cancelled.status_code == 302
        done = t(
            "Your monthly gift of %(amount)s is cancelled: no further payment will be taken. Thank you for your support.",
            amount="20\u00a0CHF",
        )
        assert done in text_of(donor.get(cancelled["Location"], HTTP_HOST=HOST))
        assert (
            stripe_get(self.localstripe, f"subscriptions/{gift.stripe_subscription_id}")["status"]
            == "canceled"
        )

        (deleted,) = stripe_events(
            self.localstripe, "customer.subscription.deleted", gift.stripe_subscription_id
        )
        assert post_event(self.client, "ch", deleted).status_code == 200
        gift.refresh_from_db()
        assert gift.status == DonationStatus.CANCELLED
        page = donor.get(gifts_url, HTTP_HOST=HOST)
        assert t("This monthly gift is cancelled: no further payment is taken.") in text_of(page)

        again = act(donor, gifts_url, gift, "cancel")
        assert again.status_code == 409
        assert t("This monthly gift is cancelled already.") in text_of(again)

        # Nothing left to manage: the form sends no link any more, and says the same.
        mail.outbox.clear()
        assert ask_for_link(self.captureOnCommitCallbacks, EMAIL).status_code == 200
        assert mail.outbox == []

    def test_stripe_out_of_reach_changes_nothing_and_says_so_next_to_the_gift(self):
        gift = monthly_gift(self.localstripe)
        ask_for_link(self.captureOnCommitCallbacks, EMAIL)
        donor, gifts_url = open_gifts(link_in(mail.outbox[0]))
        status = gift.status

        with self.settings(STRIPE_API_BASE="http://127.0.0.1:9"):  # nothing listens there: refused at once
            refused = act(donor, gifts_url, gift, "cancel")

        assert refused.status_code == 429
        assert refused["Retry-After"] == "60"
        assert t(
            "The payment service could not be reached. Nothing was changed; please try again in a few minutes."
        ) in text_of(refused)
        assert (
            stripe_get(self.localstripe, f"subscriptions/{gift.stripe_subscription_id}")["status"] == "active"
        )
        gift.refresh_from_db()
        assert gift.status == status

    def test_a_failed_month_emails_the_link_once_in_the_donors_language(self):
        gift = monthly_gift(self.localstripe, path="/de/spenden/")
        now = int(time.time())

        # Stripe reports the failed invoice, then each failed retry of it.
        for delay in (0, 5):
            with self.captureOnCommitCallbacks(execute=True):
                failed = event("invoice.payment_failed", failed_invoice(gift), created=now + delay)
                assert post_event(self.client, "ch", failed).status_code == 200

        (message,) = mail.outbox
        assert message.to == [EMAIL]
        assert message.subject == t("Your monthly gift could not be paid this month", "de")
        url = link_in(message)
        assert "/de/spenden/manage/link/" in url

        donor, gifts_url = open_gifts(url)
        page = donor.get(gifts_url, HTTP_HOST=HOST)
        assert t("My monthly gifts", "de") in text_of(page)
        assert t("The last payment of this gift failed. Please update your card.", "de") in text_of(page)

        # Another invoice that fails is another notice.
        with self.captureOnCommitCallbacks(execute=True):
            post_event(
                self.client,
                "ch",
                event("invoice.payment_failed", failed_invoice(gift, "in_month3"), created=now + 9),
            )
        assert len(mail.outbox) == 2

    def test_every_monthly_receipt_carries_a_link_to_manage_the_gift(self):
        gift = monthly_gift(self.localstripe)
        invoice = stripe_get(self.localstripe, f"subscriptions/{gift.stripe_subscription_id}")[
            "latest_invoice"
        ]
        (paid,) = stripe_events(self.localstripe, "invoice.payment_succeeded", invoice)

        with self.captureOnCommitCallbacks(execute=True):
            assert post_event(self.client, "ch", paid).status_code == 200

        (receipt,) = mail.outbox
        donor, gifts_url = open_gifts(link_in(receipt))
        assert t("%(amount)s every month", amount="20\u00a0CHF") in text_of(
            donor.get(gifts_url, HTTP_HOST=HOST)
        )


def open_in_browser(page, live_server, gift):
    from donations.manage import link_url, new_link

    link = new_link(gift.site, gift.supporter_id, 3600)
    port = live_server.url.rsplit(":", 1)[1]
    page.goto(f"http://ch.localhost:{port}{local(link_url(link, gift.page, 'fr'))}")
    page.get_by_role("button", name=t("Open my monthly gifts")).click()
    page.get_by_role("heading", name=t("My monthly gifts")).wait_for()
    # The heading shows while the page is still parsed: the card form's script (deferred) listens for the
    # donor's first click only once the document is loaded.
    page.wait_for_load_state("domcontentloaded")


def type_card(page, number):
    card = page.locator("[data-card-element]")
    card.click()
    card.locator("input[placeholder=number]").fill(number)
    card.locator("input[placeholder=exp_month]").fill("12")
    card.locator("input[placeholder=exp_year]").fill("34")
    card.locator("input[placeholder=cvc]").fill("123")
    page.get_by_role("button", name=t("Update my card")).click()


@pytest.mark.django_db(transaction=True)
def test_in_the_browser_the_donor_types_a_new_card(
    sections, donation_pages, stripe_env, live_server, browser_page, localstripe
):
    """The card form of the manage page: Stripe.js's Card Element confirms a SetupIntent; its card is the gift's."""
    gift = monthly_gift(localstripe)
    old_card = default_card(localstripe, gift)
    page = browser_page
    open_in_browser(page, live_server, gift)

    type_card(page, "4242424242424242")

    page.get_by_text(t("Your new card will be used for your next monthly payments.")).wait_for()
    new_card = default_card(localstripe, gift)
    assert new_card != old_card
    assert subscription_card(localstripe, gift) == new_card


@pytest.mark.django_db(transaction=True)
def test_in_the_browser_a_declined_card_and_the_banks_check(
    sections, donation_pages, stripe_env, live_server, browser_page, localstripe
):
    """A declined card, then a failed 3-D Secure check, are said next to the card; then the check passes."""
    gift = monthly_gift(localstripe)
    old_card = default_card(localstripe, gift)
    page = browser_page
    open_in_browser(page, live_server, gift)
    errors = page.locator("[data-card-errors]")

    type_card(page, "4000000000000002")
    expect(errors).to_have_text(t("Your card was declined. Nothing was changed; please try another card."))
    # What the donor typed stays in the card field.
    assert page.locator("[data-card-element] input[placeholder=number]").input_value() == "4000000000000002"

    type_card(page, "4000002500003155")
    page.get_by_role("button", name="Fail authentication").click()
    expect(errors).to_have_text(
        t("Your bank did not confirm this card. Nothing was changed; please try again or use another card.")
    )
    assert default_card(localstripe, gift) == old_card

    page.get_by_role("button", name=t("Update my card")).click()
    page.get_by_role("button", name="Complete authentication").click()
    page.get_by_text(t("Your new card will be used for your next monthly payments.")).wait_for()
    new_card = default_card(localstripe, gift)
    assert new_card != old_card
    assert subscription_card(localstripe, gift) == new_card
    assert stripe_get(localstripe, f"payment_methods/{new_card}")["card"]["last4"] == "3155"
