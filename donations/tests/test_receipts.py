"""French tax receipts: one per successful payment, numbered per section with no gap and none twice (even
under concurrent deliveries), printed with the Cerfa 11580 mentions, seen by their section's staff only."""

import io

import pytest
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.test import Client, TestCase, override_settings
from django.utils import timezone
from pypdf import PdfReader

from donations.models import Donation, DonationStatus, Payment, Receipt, ReceiptCounter
from donations.receipts import amount_in_words, issue_receipt, receipt_pdf
from sections.dates import long_date
from sections.demo import create_sections
from sections.models import SectionSettings
from supporters.models import Supporter
from supporters.tests.helpers import email_hashes, run_concurrently

from .conftest import KEYS, card_payment_method, donate, event, post_event, stripe_events, stripe_get, t


def section_secrets():
    secrets = dict(settings.SECTION_SECRETS)
    for code, keys in KEYS.items():
        secrets[f"STRIPE_WEBHOOK_SECRET_{code.upper()}"] = keys["webhook"]
    return secrets


def make_donation(site, number, currency="EUR", amount=5000, language="fr", email=None):
    """A pending one-off gift as the payment form leaves it, with a French postal address."""
    email = email or f"donor{number}@example.org"
    return Donation.objects.create(
        site=site,
        supporter=Supporter.for_email(site, email, "Maryia", f"Kalesnikava{number}"),
        language=language,
        frequency="one_off",
        amount=amount,
        currency=currency,
        idempotency_key=f"key{number:029d}",
        stripe_customer_id=f"cus_{number}",
        stripe_payment_intent_id=f"pi_{number}",
        first_name="Maryia",
        last_name=f"Kalesnikava{number}",
        email=email,
        address_line="12 rue de la Paix",
        postal_code="75002",
        city="Paris",
        country="France",
    )


def succeeded(donation, event_id=None):
    """The payment_intent.succeeded event Stripe sends for `donation`."""
    code = SectionSettings.for_site(donation.site).code
    return event(
        "payment_intent.succeeded",
        {
            "id": donation.stripe_payment_intent_id,
            "object": "payment_intent",
            "amount": donation.amount,
            "amount_received": donation.amount,
            "currency": donation.currency.lower(),
            "status": "succeeded",
            "customer": donation.stripe_customer_id,
            "latest_charge": f"ch_{donation.stripe_payment_intent_id}",
            "invoice": None,
            "metadata": {"plaidoyer_donation": donation.idempotency_key, "section": code},
        },
        event_id=event_id,
    )


def refunded(donation):
    """The charge.refunded event Stripe sends when `donation`'s payment is refunded in full."""
    return event(
        "charge.refunded",
        {
            "id": f"ch_{donation.stripe_payment_intent_id}",
            "object": "charge",
            "amount": donation.amount,
            "amount_refunded": donation.amount,
            "refunded": True,
            "currency": donation.currency.lower(),
            "customer": donation.stripe_customer_id,
            "payment_intent": donation.stripe_payment_intent_id,
            "invoice": None,
        },
    )


def pdf_text(data):
    """The PDF's text as a reader's tool extracts it, on one line."""
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_the_amount_is_written_in_french_words():
    assert amount_in_words(5000, "EUR") == "cinquante euros"
    assert amount_in_words(100, "EUR") == "un euro"
    assert amount_in_words(8050, "EUR") == "quatre-vingts euros et cinquante centimes"
    assert amount_in_words(2101, "EUR") == "vingt et un euros et un centime"
    assert amount_in_words(500000, "EUR") == "cinq mille euros"
    assert amount_in_words(5000, "XOF") == "cinq mille francs CFA"


def test_a_section_cannot_issue_tax_receipts_without_what_they_state():
    section = SectionSettings(
        code="fr", tax_receipts=True, donation_requires_address=False, receipt_status="public_utility"
    )

    with pytest.raises(ValidationError) as raised:
        section.clean()

    assert set(raised.value.message_dict) == {
        "donation_requires_address",
        "receipt_object",
        "receipt_recognition",
    }


@override_settings(SECTION_SECRETS=section_secrets())
class ReceiptTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        with cls.captureOnCommitCallbacks(execute=True):
            cls.sections = create_sections()
        cls.users = {}
        for username, code, role in [
            ("fr-officer", "fr", "data-officer"),
            ("ch-officer", "ch", "data-officer"),
            ("fr-editor", "fr", "editor"),
        ]:
            user = get_user_model().objects.create_user(username, password="pw")
            user.groups.set([cls.sections[code].groups[role]])
            cls.users[username] = user

    def deliver(self, payload, code="fr"):
        with self.captureOnCommitCallbacks(execute=True):
            response = post_event(self.client, code, payload)
        self.assertEqual(response.status_code, 200)
        return response

    def test_a_french_gift_gets_a_numbered_receipt_attached_to_the_email(self):
        donation = make_donation(self.sections["fr"].site, 1)

        self.deliver(succeeded(donation))

        receipt = Receipt.objects.get()
        self.assertEqual(receipt.number, 1)
        self.assertEqual(receipt.payment.donation, donation)
        [message] = mail.outbox
        self.assertEqual(message.to, ["donor1@example.org"])
        self.assertIn("Votre reçu fiscal n° 000001 est joint", message.body)
        [(name, data, mimetype)] = message.attachments
        self.assertEqual((name, mimetype), ("recu-fiscal-000001.pdf", "application/pdf"))
        self.assertIn("Numéro d'ordre du reçu : 000001", pdf_text(data))

    def test_the_receipt_states_every_mention_the_tax_office_requires(self):
        donation = make_donation(self.sections["fr"].site, 2, amount=8050)
        self.deliver(succeeded(donation))
        paid_on = long_date(Payment.objects.get().occurred_at, "fr")

        [(_name, data, _mimetype)] = mail.outbox[0].attachments
        text = pdf_text(data)

        for mention in [
            "Reçu au titre des dons à certains organismes d'intérêt général",
            "Articles 200 et 238 bis du code général des impôts",
            "Numéro d'ordre du reçu : 000001",
            # The organisation: name, address, object, status.
            "Organisme bénéficiaire Association Plaidoyer France 76 boulevard de la Villette "
            "75940 Paris Cedex 19",
            "Objet : Défendre les droits humains et les personnes emprisonnées pour leurs opinions",
            "Statut : Œuvre ou organisme d'intérêt général",
            # The donor: name and address.
            "Donateur Maryia Kalesnikava2 12 rue de la Paix 75002 Paris France",
            # The gift: amount in figures and in words, date, form, nature, method.
            "80,50",
            "Somme en toutes lettres : quatre-vingts euros et cinquante centimes",
            f"Date du versement : {paid_on}",
            "Forme du don : Déclaration de don manuel",
            "Nature du don : Numéraire",
            "Mode de versement : Carte bancaire",
            "Claire Martin, trésorière",
        ]:
            with self.subTest(mention=mention):
                self.assertIn(mention, text)

    def test_a_replayed_or_repeated_success_issues_no_second_receipt(self):
        donation = make_donation(self.sections["fr"].site, 3)
        first = succeeded(donation)

        self.deliver(first)
        self.deliver(first)  # the same event delivered again
        self.deliver(succeeded(donation))  # another event for the same payment

        self.assertEqual(Receipt.objects.count(), 1)
        self.assertEqual(ReceiptCounter.objects.get(site=donation.site).last_number, 1)
        self.assertEqual(len(mail.outbox), 1)

    def test_a_rolled_back_receipt_gives_its_number_back(self):
        site = self.sections["fr"].site
        donations = [make_donation(site, number) for number in (4, 5)]
        payments = [
            Payment.objects.create(
                donation=donation,
                status="succeeded",
                amount=donation.amount,
                currency="EUR",
                occurred_at=donation.created_at,
                status_event_at=donation.created_at,
            )
            for donation in donations
        ]

        with self.assertRaises(RuntimeError), transaction.atomic():
            self.assertEqual(issue_receipt(payments[0]).number, 1)
            raise RuntimeError("the webhook's transaction failed after the receipt")

        self.assertFalse(Receipt.objects.exists())
        self.assertEqual(issue_receipt(payments[1]).number, 1)
        self.assertEqual(issue_receipt(payments[0]).number, 2)

    def test_the_cancellation_of_a_refunded_gifts_receipt_is_in_the_donors_language(self):
        donation = make_donation(self.sections["fr"].site, 8, language="de")
        self.deliver(succeeded(donation))
        mail.outbox = []

        self.deliver(refunded(donation))

        [message] = mail.outbox
        self.assertEqual(message.subject, "Ihre Steuerbescheinigung Nr. 000001 ist annulliert")
        self.assertIn("Ihre Spende von 50", message.body)
        self.assertIn("Steuerbescheinigung Nr. 000001 ist daher annulliert", message.body)

    def test_a_section_without_tax_receipts_sends_the_email_without_one(self):
        donation = make_donation(self.sections["ch"].site, 6, currency="CHF", amount=6000)

        self.deliver(succeeded(donation), code="ch")

        donation.refresh_from_db()
        self.assertEqual(donation.status, DonationStatus.SUCCEEDED)
        self.assertFalse(Receipt.objects.exists())
        [message] = mail.outbox
        self.assertEqual(message.attachments, [])

    def test_each_donor_gets_one_summary_of_their_years_receipts_once(self):
        site = self.sections["fr"].site
        regular = [make_donation(site, number, email="regular@example.org") for number in (10, 11, 12, 15)]
        for gift in [*regular[:3], make_donation(site, 13), regular[3]]:
            self.deliver(succeeded(gift))
        self.deliver(refunded(regular[3]))  # its receipt 000005 stays issued, out of the summary
        self.deliver(succeeded(make_donation(self.sections["ch"].site, 14, currency="CHF")), code="ch")
        zone = SectionSettings.for_site(site).zone
        year = timezone.localtime(Receipt.objects.first().paid_at, zone).year
        mail.outbox = []

        output = io.StringIO()
        call_command("send_receipt_summaries", year=year, stdout=output)
        call_command("send_receipt_summaries", year=year, stdout=output)  # by mistake: nothing twice

        # The two French donors get their summaries, the Swiss one an attestation.
        self.assertEqual(
            output.getvalue().splitlines(),
            [f"Summaries of {year} handed to the email tasks: {n}." for n in (3, 0)],
        )
        by_address = {message.to[0]: message for message in mail.outbox}
        self.assertEqual(
            set(by_address), {"regular@example.org", "donor13@example.org", "donor14@example.org"}
        )
        message = by_address["regular@example.org"]
        self.assertEqual(message.subject, f"Vos reçus fiscaux {year} de Association Plaidoyer France")
        self.assertIn(f"Merci pour vos 3 dons en {year}", message.body)
        [(name, data, _mimetype)] = message.attachments
        self.assertEqual(name, f"recapitulatif-recus-fiscaux-{year}.pdf")
        text = pdf_text(data)
        for mention in [
            f"Récapitulatif {year} de vos reçus fiscaux",
            "Association Plaidoyer France",
            "Maryia Kalesnikava12 12 rue de la Paix 75002 Paris France",
            "000001",
            "000002",
            "000003",
            "Somme en toutes lettres : cent cinquante euros",
            "Ce récapitulatif n'est pas un reçu fiscal",
        ]:
            with self.subTest(mention=mention):
                self.assertIn(mention, text)
        self.assertNotIn("000004", text)  # the other donor's
        self.assertNotIn("000005", text)  # refunded

    def test_a_swiss_donor_gets_a_yearly_attestation_in_their_language(self):
        site = self.sections["ch"].site
        email = "spenderin@example.org"
        for number in (20, 21):
            gift = make_donation(site, number, currency="CHF", amount=6000, language="de", email=email)
            self.deliver(succeeded(gift), code="ch")
        year = timezone.localtime(
            Payment.objects.first().occurred_at, SectionSettings.for_site(site).zone
        ).year
        mail.outbox = []

        call_command("send_receipt_summaries", year=year, stdout=io.StringIO())

        self.assertFalse(Receipt.objects.exists())  # no French tax receipt in Switzerland
        [message] = mail.outbox
        self.assertEqual(message.to, [email])
        self.assertEqual(message.subject, f"Ihre Spendenbestätigung {year} von Verein Plaidoyer Schweiz")
        self.assertIn(f"Danke für Ihre 2 Spenden im Jahr {year}", message.body)
        [(name, data, _mimetype)] = message.attachments
        self.assertEqual(name, f"attestation-{year}.pdf")
        text = pdf_text(data)
        for mention in [
            f"Spendenbestätigung {year}",
            "Verein Plaidoyer Schweiz Postfach 1234 3001 Bern",
            "Maryia Kalesnikava21 12 rue de la Paix 75002 Paris France",
            f"bestätigt, von Maryia Kalesnikava21 im Jahr {year} die folgenden 2 Spenden erhalten zu haben",
            "Summe: 120",
        ]:
            with self.subTest(mention=mention):
                self.assertIn(mention, text)

    def test_data_officers_see_their_own_sections_register_and_download_its_receipts(self):
        donation = make_donation(self.sections["fr"].site, 7)
        self.deliver(succeeded(donation))
        receipt = Receipt.objects.get()

        self.client.force_login(self.users["fr-officer"])
        register = self.client.get("/admin/tax-receipts/")
        self.assertEqual(register.status_code, 200)
        html = register.content.decode()
        self.assertIn("000001", html)
        self.assertIn("Maryia Kalesnikava7", html)
        self.assertIn(receipt.get_method_display(), html)
        download = self.client.get(f"/admin/tax-receipts/pdf/{receipt.pk}/")
        self.assertEqual(download.status_code, 200)
        self.assertEqual(download["Content-Type"], "application/pdf")
        self.assertIn("Maryia Kalesnikava7", pdf_text(download.content))
        # The gift itself says which receipt its payment got.
        inspect = self.client.get(f"/admin/donations/inspect/{donation.pk}/")
        self.assertContains(inspect, "000001")

        self.client.force_login(self.users["ch-officer"])
        register = self.client.get("/admin/tax-receipts/")
        self.assertEqual(register.status_code, 200)
        self.assertNotIn("Kalesnikava7", register.content.decode())
        self.assertEqual(self.client.get(f"/admin/tax-receipts/pdf/{receipt.pk}/").status_code, 404)
        self.assertEqual(self.client.get(f"/admin/tax-receipts/inspect/{receipt.pk}/").status_code, 404)

        # Editors work on pages, not on supporters' data: for them the receipt does not exist either.
        self.client.force_login(self.users["fr-editor"])
        self.assertEqual(self.client.get(f"/admin/tax-receipts/pdf/{receipt.pk}/").status_code, 404)


# --- Concurrency: real threads on PostgreSQL ----------------------------------------------------

THREADS = 8


def delivery(payload, code="fr"):
    def job():
        return post_event(Client(), code, payload).status_code

    return job


@pytest.fixture
def french_site(sections, settings):
    settings.SECTION_SECRETS = section_secrets()
    return sections["fr"].site


@pytest.mark.django_db(transaction=True)
def test_gifts_settled_at_once_get_consecutive_numbers_none_twice(french_site):
    count = 40
    donations = [make_donation(french_site, number) for number in range(count)]

    statuses = run_concurrently([delivery(succeeded(donation)) for donation in donations], THREADS)

    assert statuses == [200] * count
    numbers = sorted(Receipt.objects.filter(site=french_site).values_list("number", flat=True))
    assert numbers == list(range(1, count + 1))
    assert Receipt.objects.values("payment__donation").distinct().count() == count
    assert ReceiptCounter.objects.get(site=french_site).last_number == count
    assert sorted(len(message.attachments) for message in mail.outbox) == [1] * count


@pytest.mark.django_db(transaction=True)
def test_one_gift_settled_by_deliveries_at_once_gets_one_receipt(french_site):
    donation = make_donation(french_site, 1)
    # Stripe's retries and a replay: distinct events and the same one, all for this one payment.
    first = succeeded(donation)
    payloads = [first] * 4 + [succeeded(donation) for _ in range(4)]

    statuses = run_concurrently([delivery(payload) for payload in payloads], THREADS)

    assert statuses == [200] * len(payloads)
    assert Payment.objects.count() == 1
    assert list(Receipt.objects.values_list("number", flat=True)) == [1]
    assert ReceiptCounter.objects.get(site=french_site).last_number == 1
    assert len(mail.outbox) == 1


# --- A refunded gift's receipt is cancelled (localstripe, signed webhooks) -----------------------


def paid_at_localstripe(client, localstripe, email):
    """A French one-off gift paid with a test card at localstripe, settled by localstripe's own event."""
    token = card_payment_method(localstripe, "4242424242424242", code="fr")
    response = donate(client, "fr", payment_method=token, email=email)
    assert response.json()["status"] == "succeeded", response.json()
    donation = Donation.objects.get(supporter__email_hash__in=email_hashes(email))
    (paid,) = stripe_events(localstripe, "payment_intent.succeeded", donation.stripe_payment_intent_id)
    assert post_event(client, "fr", paid).status_code == 200
    return donation


@pytest.mark.django_db
def test_a_refunded_gifts_receipt_is_cancelled_its_number_kept_and_the_donor_told_once(
    client, stripe_env, donation_pages, localstripe, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        donation = paid_at_localstripe(client, localstripe, "veranika@example.org")
    receipt = Receipt.objects.get()
    assert receipt.number == 1
    mail.outbox = []

    # Refunded in full from Stripe's dashboard: Stripe sends charge.refunded (localstripe does not).
    payment = Payment.objects.get()
    requests.post(
        f"{localstripe}/v1/refunds",
        data={"charge": payment.stripe_charge_id},
        auth=(KEYS["fr"]["secret"], ""),
        timeout=10,
    ).raise_for_status()
    charge = stripe_get(localstripe, f"charges/{payment.stripe_charge_id}", code="fr")
    assert charge["refunded"] is True
    refund = event("charge.refunded", charge)
    with django_capture_on_commit_callbacks(execute=True):
        assert post_event(client, "fr", refund).status_code == 200
        # Delivered again, and reported again under another event: still one cancellation, one email.
        assert post_event(client, "fr", refund).content == b"already processed"
        assert post_event(client, "fr", event("charge.refunded", charge)).status_code == 200

    receipt.refresh_from_db()
    assert receipt.cancelled_at is not None
    assert (receipt.number, receipt.amount) == (1, 5000)
    [message] = mail.outbox
    assert message.to == ["veranika@example.org"]
    assert message.subject == t("Your tax receipt no. %(number)s is cancelled", number="000001")
    body = " ".join(message.body.split())
    assert "000001" in message.body and receipt.display_amount in message.body
    assert t("If you did not ask for this refund, or have a question, reply to this email.") in body
    # The register keeps the receipt with its number, and its PDF says it is cancelled.
    assert "REÇU ANNULÉ" in pdf_text(receipt_pdf(receipt))
    donation.refresh_from_db()
    assert donation.status == DonationStatus.REFUNDED

    # The next gift gets the next number: a cancelled number is never given again.
    with django_capture_on_commit_callbacks(execute=True):
        paid_at_localstripe(client, localstripe, "maryia@example.org")
    assert [(row.number, row.cancelled_at is None) for row in Receipt.objects.order_by("number")] == [
        (1, False),
        (2, True),
    ]


@pytest.mark.django_db
def test_a_partial_refund_keeps_the_receipt(client, stripe_env, donation_pages, localstripe):
    paid_at_localstripe(client, localstripe, "veranika@example.org")
    payment = Payment.objects.get()
    requests.post(
        f"{localstripe}/v1/refunds",
        data={"charge": payment.stripe_charge_id, "amount": "1000"},
        auth=(KEYS["fr"]["secret"], ""),
        timeout=10,
    ).raise_for_status()
    charge = stripe_get(localstripe, f"charges/{payment.stripe_charge_id}", code="fr")

    assert post_event(client, "fr", event("charge.refunded", charge)).status_code == 200

    assert Receipt.objects.get().cancelled_at is None
    assert Payment.objects.get().amount_refunded == 1000
