"""People exercise their rights themselves: a copy of what a section holds about them, or its erasure,
asked on the section's *Your data* page and proved by the link emailed to their address."""

import html
import re
import time
import uuid
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client, TestCase, override_settings
from django.utils.translation import gettext, override
from wagtail.models import ModelLogEntry

from donations.models import Donation, DonationStatus
from donations.tests import conftest as stripe_fixtures
from donations.tests.conftest import card_payment_method, donate, post_event, stripe_events, stripe_get
from sections.audit import ERASE
from sections.demo import create_sections
from supporters.models import ConsentRecord, RightsRequest, Supporter
from supporters.rights import RIGHTS_LINK_MAX_AGE
from supporters.tests.helpers import run_worker, solution

HOSTS = {"ch": "ch.localhost:8000", "fr": "fr.localhost:8000", "tg": "tg.localhost:8000"}


def t(message, language="fr", **values):
    with override(language):
        text = gettext(message)
    return " ".join((text % values if values else text).split())


def text_of(response):
    markup = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", response.content.decode(), flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def a_gift(site, email, first_name, city, **fields):
    supporter = Supporter.for_email(site, email, first_name, "Kalesnikava")
    values = {
        "site": site,
        "supporter": supporter,
        "language": "fr",
        "frequency": "one_off",
        "amount": 5000,
        "currency": "CHF",
        "status": DonationStatus.SUCCEEDED,
        "idempotency_key": uuid.uuid4().hex,
        "first_name": first_name,
        "last_name": "Kalesnikava",
        "email": email,
        "city": city,
        **fields,
    }
    return Donation.objects.create(**values)


def ask(client, code="ch", language="fr", email="maryia@example.org", kind="access", captcha=True):
    data = {"email": email, "kind": kind}
    if captcha:
        data["captcha"] = solution(HOSTS[code], client)
    return client.post(f"/{language}/my-data/", data, HTTP_HOST=HOSTS[code])


def moment(value):
    """A time as the machine-readable copy writes it (ISO 8601, UTC, to the millisecond), to compare."""
    import datetime

    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    return value.astimezone(datetime.UTC).replace(microsecond=value.microsecond // 1000 * 1000)


def link_path(message):
    return re.search(r"https?://[^/\s]+(/\S+/my-data/\S+/)", message.body).group(1)


class YourDataPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        with cls.captureOnCommitCallbacks(execute=True):
            cls.sections = create_sections()
        cls.ch_gift = a_gift(cls.sections["ch"].site, "maryia@example.org", "Maryia", "Lausanne")
        ConsentRecord.record(
            cls.ch_gift.supporter_id,
            cls.sections["ch"].site,
            "donations.donation:1",
            "fr",
            "J'accepte que mes données servent à traiter mon don.",
        )
        # The same person gave to the French section too: that section's data is not this one's.
        cls.fr_gift = a_gift(cls.sections["fr"].site, "maryia@example.org", "Maryia", "Paris", currency="EUR")

    def request_link(self, client, **kwargs):
        with self.captureOnCommitCallbacks(execute=True):
            response = ask(client, **kwargs)
        self.assertEqual(response.status_code, 303)
        return link_path(mail.outbox[-1])

    def test_every_page_links_to_the_your_data_page_in_its_language(self):
        client = Client()
        for code, language in (("ch", "fr"), ("ch", "de"), ("ch", "it"), ("tg", "fr")):
            page = client.get(f"/{language}/", HTTP_HOST=HOSTS[code])
            self.assertIn(f'href="/{language}/my-data/"', page.content.decode())
            self.assertIn(t("Your data: copy or erasure", language), text_of(page))
            form = client.get(f"/{language}/my-data/", HTTP_HOST=HOSTS[code])
            self.assertEqual(form.status_code, 200)
            self.assertIn(t("What would you like?", language), text_of(form))
        # France publishes French only.
        self.assertEqual(client.get("/de/my-data/", HTTP_HOST=HOSTS["fr"]).status_code, 404)

    def test_a_known_and_an_unknown_address_get_the_same_answer_on_screen(self):
        client = Client()
        with self.captureOnCommitCallbacks(execute=True):
            known = ask(client, email="maryia@example.org")
            unknown = ask(client, email="nobody@example.org")
        self.assertEqual((known.status_code, unknown.status_code), (303, 303))
        self.assertEqual(known["Location"], unknown["Location"])
        self.assertNotIn("example.org", known["Location"])
        known_page, unknown_page = (
            client.get(r["Location"], HTTP_HOST=HOSTS["ch"]) for r in (known, unknown)
        )
        self.assertEqual(text_of(known_page), text_of(unknown_page))
        self.assertIn(t("Check your mailbox"), text_of(known_page))
        # Only the mailbox learns the difference: a link for the known address, "nothing" for the other.
        (to_known,) = [m for m in mail.outbox if m.to == ["maryia@example.org"]]
        (to_unknown,) = [m for m in mail.outbox if m.to == ["nobody@example.org"]]
        self.assertIn("/fr/my-data/", to_known.body)
        self.assertNotIn("/my-data/", to_unknown.body)
        self.assertIn(
            t("If you used another address, ask again with that one. If you did not ask, ignore this email."),
            " ".join(to_unknown.body.split()),
        )
        self.assertEqual(sorted(RightsRequest.objects.values_list("known", flat=True)), [False, True])

    def test_a_wrong_address_is_shown_next_to_its_field_in_the_visitors_language_with_what_was_typed(self):
        client = Client()
        response = ask(client, language="de", email="maryia(at)example", kind="")
        self.assertEqual(response.status_code, 200)
        page = text_of(response)
        self.assertIn(t("Please enter a valid email address, like name@example.org.", "de"), page)
        self.assertIn(t("Please choose a copy of your data or its erasure.", "de"), page)
        self.assertIn('value="maryia(at)example"', response.content.decode())
        self.assertIn('id="id_email_errors"', response.content.decode())
        self.assertEqual(mail.outbox, [])

    def test_the_copy_lists_each_action_with_its_date_of_this_section_only_and_the_link_works_once(self):
        client = Client()
        path = self.request_link(client, kind="access")
        # Opening the link (as a mail scanner would) shows a button and uses nothing.
        opened = client.get(path, HTTP_HOST=HOSTS["ch"])
        self.assertIn(t("Download my data"), text_of(opened))
        self.assertIsNone(RightsRequest.objects.get().used_at)

        download = client.post(path, HTTP_HOST=HOSTS["ch"])

        self.assertEqual(download.status_code, 200)
        self.assertIn("attachment", download["Content-Disposition"])
        copy = download.content.decode()
        self.assertIn("maryia@example.org", copy)
        self.assertIn(t("Your actions") + " (1)", copy)
        self.assertIn(
            f"{self.ch_gift.created_at.astimezone(self.sections['ch'].settings.zone):%Y-%m-%d}", copy
        )
        self.assertIn(f"{t('donation').capitalize()}", copy)
        self.assertIn("Lausanne", copy)
        self.assertIn(self.ch_gift.display_amount, copy)
        self.assertIn("J'accepte que mes données servent à traiter mon don.", copy)
        self.assertNotIn("Paris", copy)
        again = client.post(path, HTTP_HOST=HOSTS["ch"])
        self.assertEqual(again.status_code, 400)
        self.assertIn(
            t("This link was already used: it works once. Ask again and we will send you a new one."),
            text_of(again),
        )
        request = RightsRequest.objects.get()
        self.assertIsNotNone(request.used_at)
        self.assertIsNone(request.supporter)

    def test_the_machine_readable_copy_holds_every_action_payment_and_consent_of_this_section(self):
        import json

        from donations.models import Payment

        Payment.objects.create(
            donation=self.ch_gift,
            status="succeeded",
            amount=5000,
            currency="CHF",
            occurred_at=self.ch_gift.created_at,
            status_event_at=self.ch_gift.created_at,
        )
        client = Client()
        path = self.request_link(client, kind="access", language="de")
        self.assertIn(t("Download my data as JSON", "de"), text_of(client.get(path, HTTP_HOST=HOSTS["ch"])))

        download = client.post(path, {"format": "json"}, HTTP_HOST=HOSTS["ch"])

        self.assertEqual(download.status_code, 200)
        self.assertEqual(download["Content-Type"], "application/json; charset=utf-8")
        self.assertEqual(download["Content-Disposition"], 'attachment; filename="my-data-ch.json"')
        copy = json.loads(download.content)
        self.assertEqual((copy["format"], copy["section"]), ("plaidoyer-data-copy/1", "ch"))
        person = copy["person"]
        self.assertEqual(
            (person["email"], person["first_name"], person["last_name"]),
            ("maryia@example.org", "Maryia", "Kalesnikava"),
        )
        self.assertEqual(moment(person["known_since"]), moment(self.ch_gift.supporter.created_at))
        [gift] = copy["actions"]  # the French section's gift is not this section's
        self.assertEqual((gift["type"], gift["language"]), ("donations.donation", "fr"))
        self.assertEqual(moment(gift["created_at"]), moment(self.ch_gift.created_at))
        fields = gift["fields"]
        self.assertEqual(
            (fields["amount"], fields["currency"], fields["frequency"], fields["status"], fields["city"]),
            (5000, "CHF", "one_off", "succeeded", "Lausanne"),
        )
        self.assertNotIn("ip_hash", fields)
        self.assertNotIn("idempotency_key", fields)
        self.assertEqual(
            [(p["status"], p["amount"], p["amount_refunded"], p["currency"]) for p in gift["payments"]],
            [("succeeded", 5000, 0, "CHF")],
        )
        [consent] = copy["consents"]
        self.assertEqual(
            (consent["purpose"], consent["granted"], consent["wording"], consent["action"]),
            (
                "processing",
                True,
                "J'accepte que mes données servent à traiter mon don.",
                "donations.donation:1",
            ),
        )
        self.assertNotIn("Paris", download.content.decode())
        # The link worked once, whichever copy was taken.
        self.assertEqual(client.post(path, HTTP_HOST=HOSTS["ch"]).status_code, 400)

    def test_an_expired_or_forged_link_says_so_and_changes_nothing(self):
        client = Client()
        made_at = time.time() - RIGHTS_LINK_MAX_AGE - 60
        with mock.patch("django.core.signing.time.time", return_value=made_at):
            path = self.request_link(client, kind="erasure")
        expired = client.post(path, HTTP_HOST=HOSTS["ch"])
        self.assertEqual(expired.status_code, 400)
        self.assertIn(
            t("This link has expired: it works for 24 hours. Ask again and we will send you a new one."),
            text_of(expired),
        )
        forged = client.post(path[:-3] + "xx/", HTTP_HOST=HOSTS["ch"])
        self.assertEqual(forged.status_code, 400)
        self.ch_gift.refresh_from_db()
        self.assertEqual(self.ch_gift.email, "maryia@example.org")

    def test_the_daily_purge_forgets_whose_an_unused_expired_request_was(self):
        from django.utils import timezone

        from supporters import retention

        self.request_link(Client(), kind="access")
        request = RightsRequest.objects.get()
        retention.purge(self.sections["ch"].site, timezone.now())
        self.assertEqual(RightsRequest.objects.get().supporter, self.ch_gift.supporter)
        retention.purge(
            self.sections["ch"].site,
            request.requested_at + timezone.timedelta(seconds=RIGHTS_LINK_MAX_AGE + 1),
        )
        request.refresh_from_db()
        self.assertEqual((request.supporter, request.known, request.used_at), (None, True, None))

    @override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
    def test_the_address_nobody_used_leaves_the_task_table_with_the_daily_purge(self):
        from django.utils import timezone
        from django_tasks_db.models import DBTaskResult

        with self.captureOnCommitCallbacks(execute=True):
            ask(Client(), email="nobody@example.org")
        run_worker()  # db_worker sends it
        self.assertEqual([m.to for m in mail.outbox], [["nobody@example.org"]])

        # The address travels encrypted (supporters.encryption), and its row goes after a day all the same.
        self.assertFalse(DBTaskResult.objects.filter(args_kwargs__icontains="nobody@example.org").exists())

        def rows_of_the_email():
            return DBTaskResult.objects.filter(task_path__endswith="send_rights_email").count()

        self.assertEqual(rows_of_the_email(), 1)
        call_command("purge_expired")
        self.assertEqual(rows_of_the_email(), 1)  # kept a day, for diagnosis
        DBTaskResult.objects.update(finished_at=timezone.now() - timezone.timedelta(days=1, minutes=1))
        call_command("purge_expired")
        self.assertEqual(rows_of_the_email(), 0)

    def test_a_link_of_one_section_does_nothing_on_another(self):
        client = Client()
        path = self.request_link(client, kind="erasure")
        other = client.post(path, HTTP_HOST=HOSTS["fr"])
        self.assertEqual(other.status_code, 400)
        self.assertEqual(Supporter.objects.filter(erased_at__isnull=False).count(), 0)

    def test_erasure_blanks_this_sections_data_keeps_the_other_sections_and_is_confirmed_by_email(self):
        client = Client()
        path = self.request_link(client, kind="erasure", language="de")
        self.assertIn(t("Erase my data", "de"), text_of(client.get(path, HTTP_HOST=HOSTS["ch"])))

        with self.captureOnCommitCallbacks(execute=True):
            erased = client.post(path, HTTP_HOST=HOSTS["ch"])

        self.assertEqual(erased.status_code, 200)
        self.assertIn(t("Your data is erased", "de"), text_of(erased))
        self.ch_gift.refresh_from_db()
        self.assertEqual((self.ch_gift.first_name, self.ch_gift.email, self.ch_gift.city), ("", "", ""))
        self.assertEqual((self.ch_gift.amount, self.ch_gift.status), (5000, DonationStatus.SUCCEEDED))
        self.fr_gift.refresh_from_db()
        self.assertEqual((self.fr_gift.email, self.fr_gift.city), ("maryia@example.org", "Paris"))
        confirmation = mail.outbox[-1]
        self.assertEqual(confirmation.to, ["maryia@example.org"])
        self.assertIn(t("This is the last email we send to this address.", "de"), confirmation.body)
        request = RightsRequest.objects.get()
        self.assertEqual((request.rows, request.supporter), (1, None))
        entry = ModelLogEntry.objects.get(action=ERASE)
        self.assertNotIn("Maryia", entry.label)
        # Asking again: the address is unknown now, and the answer on screen is the same.
        with self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(ask(client, kind="access").status_code, 303)
        self.assertNotIn("/my-data/", mail.outbox[-1].body)

    def test_too_many_requests_from_one_address_are_refused_readably(self):
        client = Client()
        with self.settings(RIGHTS_RATE_LIMITS={"ip": (2, 3600), "address": (3, 3600)}):
            for _attempt in range(2):
                self.assertEqual(ask(client, email="nobody@example.org").status_code, 303)
            refused = ask(client, email="nobody@example.org")
        self.assertEqual(refused.status_code, 429)

    def test_without_javascript_a_request_is_taken_with_a_stricter_limit(self):
        client = Client()
        with self.settings(NO_SCRIPT_RATE_LIMITS={"rights": (1, 3600)}):
            with self.captureOnCommitCallbacks(execute=True):
                self.assertEqual(ask(client, captcha=False).status_code, 303)
            self.assertEqual(ask(client, email="other@example.org", captcha=False).status_code, 429)
        self.assertEqual([message.to for message in mail.outbox], [["maryia@example.org"]])

    def test_data_officers_see_their_own_sections_requests_and_nobody_else_does(self):
        from django.contrib.auth.models import User

        client = Client()
        path = self.request_link(client, kind="access")
        client.post(path, HTTP_HOST=HOSTS["ch"])  # downloaded
        with self.captureOnCommitCallbacks(execute=True):
            ask(client, email="nobody@example.org", language="it")  # told by email that nothing is held
        self.request_link(client, code="fr", kind="erasure")  # France's, not used yet
        users = {}
        for code, role in (
            ("ch", "data-officer"),
            ("fr", "data-officer"),
            ("ch", "editor"),
            ("ch", "moderator"),
        ):
            users[code, role] = User.objects.create_user(f"{code}-{role}", password="pw")
            users[code, role].groups.add(self.sections[code].groups[role])

        def seen(user):
            staff = Client()
            staff.force_login(user)
            return staff.get("/admin/data-requests/")

        def rows(response):
            """The list's rows as text (the filters name every kind too)."""
            table = re.search(r"<table class=\"listing.*?</table>", response.content.decode(), flags=re.S)
            return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", table.group(0))).split()) if table else ""

        ch_list = seen(users["ch", "data-officer"])
        self.assertEqual(ch_list.status_code, 200)
        language = ch_list["Content-Language"]
        ch_rows = rows(ch_list)
        self.assertIn(
            f"{t('A copy of my data', language)} it {t('Address unknown: told that nothing is held', language)}",
            ch_rows,
        )
        self.assertIn(f"{t('A copy of my data', language)} fr {t('Copy downloaded', language)}", ch_rows)
        self.assertNotIn(t("The erasure of my data", language), ch_rows)  # France's request
        self.assertNotIn("example.org", ch_list.content.decode())
        fr_rows = rows(seen(users["fr", "data-officer"]))
        self.assertIn(
            f"{t('The erasure of my data', language)} fr {t('Link sent, not used yet', language)}", fr_rows
        )
        self.assertNotIn(t("A copy of my data", language), fr_rows)
        # Editors and moderators work on pages: the list is not theirs (Wagtail sends them to the dashboard).
        for role in ("editor", "moderator"):
            refused = seen(users["ch", role])
            self.assertEqual((refused.status_code, refused["Location"]), (302, "/admin/"))

    def test_data_officers_of_sections_created_before_the_list_get_it_from_the_migration(self):
        from importlib import import_module

        from django.apps import apps
        from django.contrib.auth.models import User

        group = self.sections["fr"].groups["data-officer"]
        group.permissions.remove(*group.permissions.filter(content_type__model="rightsrequest"))
        officer = User.objects.create_user("fr-officer", password="pw")
        officer.groups.add(group)
        self.assertFalse(officer.has_perm("supporters.view_rightsrequest"))

        import_module("supporters.migrations.0013_data_officers_view_rights_requests").grant(apps, None)

        self.assertTrue(User.objects.get(pk=officer.pk).has_perm("supporters.view_rightsrequest"))
        self.assertFalse(
            self.sections["fr"].groups["editor"].permissions.filter(content_type__model="rightsrequest")
        )


# --- With Stripe (localstripe) and at the same moment ------------------------------------------------
# The donation tests' fixtures: a localstripe on loopback, each section's keys, the demo donation pages.
localstripe = stripe_fixtures.localstripe
stripe_keys = stripe_fixtures.stripe_keys
stripe_env = stripe_fixtures.stripe_env
donation_pages = stripe_fixtures.donation_pages


@pytest.mark.django_db
def test_erasure_cancels_the_monthly_gift_and_deletes_the_customer_at_stripe(
    client, stripe_env, donation_pages, localstripe, django_capture_on_commit_callbacks
):
    token = card_payment_method(localstripe, "4242424242424242")
    with django_capture_on_commit_callbacks(execute=True):
        given = donate(client, "ch", frequency="monthly", amount="20", payment_method=token)
    assert given.json()["status"] == "succeeded"
    donation = Donation.objects.get()
    assert stripe_get(localstripe, f"subscriptions/{donation.stripe_subscription_id}")["status"] == "active"
    with django_capture_on_commit_callbacks(execute=True):
        assert ask(client, email="veranika@example.org", kind="erasure").status_code == 303
    path = link_path(mail.outbox[-1])

    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(path, HTTP_HOST=HOSTS["ch"]).status_code == 200

    donation.refresh_from_db()
    assert (donation.first_name, donation.email) == ("", "")
    subscription = stripe_get(localstripe, f"subscriptions/{donation.stripe_subscription_id}")
    assert subscription["status"] == "canceled"
    customers = stripe_get(localstripe, "customers")["data"]
    assert donation.stripe_customer_id not in [customer["id"] for customer in customers]
    assert mail.outbox[-1].to == ["veranika@example.org"]
    # Stripe's answer to the cancellation marks the gift cancelled here, as any cancellation does.
    (deleted,) = stripe_events(localstripe, "customer.subscription.deleted", donation.stripe_subscription_id)
    assert post_event(client, "ch", deleted).status_code == 200
    donation.refresh_from_db()
    assert donation.status == DonationStatus.CANCELLED


@pytest.mark.django_db(transaction=True)
def test_two_erasures_of_one_person_at_once_erase_once_and_answer_readably(sections):
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    a_gift(sections["ch"].site, "maryia@example.org", "Maryia", "Lausanne")
    client = Client()
    paths = []
    for _request in range(2):
        assert ask(client, email="maryia@example.org", kind="erasure").status_code == 303
        paths.append(link_path(mail.outbox[-1]))
    jobs = paths * 2  # each link twice, all four at once
    barrier = threading.Barrier(len(jobs))

    def erase(path):
        try:
            barrier.wait()
            return Client().post(path, HTTP_HOST=HOSTS["ch"]).status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(len(jobs)) as pool:
        statuses = sorted(pool.map(erase, jobs))

    # One erasure per link at most; the person is erased once, told once, logged once.
    assert statuses == [200, 200, 400, 400]
    assert [m.to for m in mail.outbox].count(["maryia@example.org"]) == 2 + 1
    assert ModelLogEntry.objects.filter(action=ERASE).count() == 1
    assert sorted(RightsRequest.objects.values_list("rows", flat=True)) == [0, 1]
    assert Donation.objects.get().email == ""


@pytest.mark.django_db
def test_a_data_officers_erasure_from_the_admin_also_ends_the_monthly_gift_at_stripe(
    client, stripe_env, donation_pages, localstripe, django_capture_on_commit_callbacks, sections
):
    from django.contrib.auth.models import User
    from django.urls import reverse

    token = card_payment_method(localstripe, "4242424242424242")
    with django_capture_on_commit_callbacks(execute=True):
        assert donate(client, "ch", frequency="monthly", amount="20", payment_method=token).status_code == 200
    donation = Donation.objects.get()
    officer = User.objects.create_user("ch-officer", password="pw")
    officer.groups.set([sections["ch"].groups["data-officer"]])
    client.force_login(officer)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("donation:erase", args=[donation.pk]))

    donation.refresh_from_db()
    assert donation.email == ""
    subscription = stripe_get(localstripe, f"subscriptions/{donation.stripe_subscription_id}")
    assert subscription["status"] == "canceled"
    customers = stripe_get(localstripe, "customers")["data"]
    assert donation.stripe_customer_id not in [customer["id"] for customer in customers]
