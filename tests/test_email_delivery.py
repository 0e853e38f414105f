"""Emails to supporters when the task worker or the mail server fails: sent once each when they return,
retried with backoff, then listed for the section's data officers to resend; never to an erased person.

The tasks run on the production backend (django-tasks-db) with its worker, and Django's SMTP backend
talks to a real SMTP server on loopback that either accepts mail or refuses it (554).
"""

import email
import email.header
import io
import re
import signal
import socket
import socketserver
import threading
import time
from datetime import timedelta
from importlib import import_module
from unittest import mock

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from donations.emails import send_receipt
from donations.models import Donation, Payment, ReceiptSummary
from donations.receipts import issue_receipt
from membership.models import Membership, MembershipState
from membership.tests.helpers import build_tree, join
from petitions.models import Signature, SignatureState
from petitions.signatures import confirm_signature
from petitions.tests.conftest import form_data, host_of, make_petition, sign_path
from sections.models import SectionSettings
from supporters.confirmation import CONFIRMATION_MAX_AGE
from supporters.erasure import erase_supporter
from supporters.management.commands.db_worker import Worker
from supporters.models import ActionCount, EmailKind, FailedEmail, Supporter
from supporters.tests.helpers import email_hashes, run_worker, solution

SMTP_PORT = 8781  # this branch's ports: 8781-8789


class SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib: accepts every message, refuses every connection with 554, or refuses
    every recipient for good (550, as for a mailbox that does not exist)."""

    def handle(self):
        server = self.server
        server.connections += 1
        if server.refusing:
            self.wfile.write(b"554 5.3.2 Service not available\r\n")
            return
        self.wfile.write(b"220 test ESMTP\r\n")
        while line := self.rfile.readline():
            command = line.strip().upper()
            if command.startswith(b"RCPT") and server.no_such_mailbox:
                self.wfile.write(b"550 5.1.1 Mailbox unavailable\r\n")
            elif command.startswith(b"DATA"):
                self.wfile.write(b"354 go ahead\r\n")
                data = b"".join(iter(self.rfile.readline, b".\r\n"))
                server.received.append(email.message_from_bytes(data))
                self.wfile.write(b"250 queued\r\n")
            elif command.startswith(b"QUIT"):
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


class SMTPServer(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", SMTP_PORT), SMTPHandler)
        self.refusing = False
        self.no_such_mailbox = False
        self.connections = 0
        self.received = []

    def to(self, address):
        return [message for message in self.received if message["To"] == address]


class Clock:
    """The project's clock moved forward: what Django reads (timezone.now) and what its signed links read."""

    def __init__(self):
        self.offset = timedelta(0)
        real_now, real_time = timezone.now, time.time
        self.patches = [
            mock.patch("django.utils.timezone.now", lambda: real_now() + self.offset),
            mock.patch("django.core.signing.time.time", lambda: real_time() + self.offset.total_seconds()),
        ]

    def advance(self, **delta):
        self.offset += timedelta(**delta)

    def __enter__(self):
        for patch in self.patches:
            patch.start()
        return self

    def __exit__(self, *exc):
        for patch in reversed(self.patches):
            patch.stop()


def link_path(message, kind):
    return re.search(
        rf"https?://[^/\s]+(/\S+/{kind}/confirm/\S+/)", message.get_payload(decode=True).decode()
    ).group(1)


@override_settings(
    TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": settings.TASK_QUEUES}},
    EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
    EMAIL_HOST="127.0.0.1",
    EMAIL_PORT=SMTP_PORT,
    EMAIL_RETRY_DELAYS=(60, 300),
)
class EmailDeliveryTests(TestCase):
    @classmethod
    def setUpClass(cls):
        cls.smtp = SMTPServer()
        threading.Thread(target=cls.smtp.serve_forever, daemon=True).start()
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls.smtp.shutdown()
        cls.smtp.server_close()

    @classmethod
    def setUpTestData(cls):
        build_tree(cls)
        with cls.captureOnCommitCallbacks(execute=True):
            cls.petition = make_petition(cls.sections["fr"].home)
        cls.join_page = cls.pages[("fr", "fr")]

    def setUp(self):
        self.smtp.refusing = False
        self.smtp.no_such_mailbox = False
        self.smtp.connections = 0
        self.smtp.received = []

    def sign(self, address="anna@example.org"):
        host = host_of(self.petition)
        data = form_data(
            self.petition, self.sections["fr"].settings, email=address, captcha=solution(host, self.client)
        )
        response = self.client.post(sign_path(self.petition), data, HTTP_HOST=host, follow=True)
        self.assertEqual(response.status_code, 200)
        return Signature.objects.get(supporter__email_hash__in=email_hashes(address))

    def paid_donation(self):
        site = self.sections["fr"].site
        donation = Donation.objects.create(
            site=site,
            supporter=Supporter.for_email(site, "camille@example.fr", "Camille", "Martin"),
            language="fr",
            frequency="one_off",
            amount=2500,
            currency="EUR",
            status="succeeded",
            idempotency_key="delivery".ljust(32, "0"),
            first_name="Camille",
            last_name="Martin",
            email="camille@example.fr",
        )
        now = timezone.now()
        return Payment.objects.create(
            donation=donation,
            status="succeeded",
            amount=2500,
            currency="EUR",
            occurred_at=now,
            status_event_at=now,
        )

    def officer(self, code):
        user = User.objects.create_user(f"{code}-officer", password="pw")
        user.groups.set([self.sections[code].groups["data-officer"]])
        return user

    def test_a_worker_stopped_just_after_claiming_an_email_sends_it_before_it_stops(self):
        """The stop comes between claiming the task (RUNNING, committed) and starting it: upstream's worker
        exited there and the email stayed RUNNING, never sent (supporters/management/commands/db_worker.py)."""
        DBTaskResult.objects.all().delete()  # the tasks the page tree queued: only the two emails wait
        self.sign("anna@example.org")
        self.sign("ben@example.org")
        worker = Worker(
            queue_names=["default"],
            interval=0,
            batch=False,  # a worker that waits for tasks, as in production: only the signal stops it
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="stopped-worker",
            excluded_queue_names=[],
        )
        run_task = Worker.run_task

        def stopped_then_run(worker, task):
            worker.shutdown(signal.SIGTERM, None)
            run_task(worker, task)

        with (
            mock.patch.object(Worker, "run_task", stopped_then_run),
            mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"),
        ):
            worker.run()  # returns: the worker stopped, having sent the email it held

        self.assertEqual(len(self.smtp.received), 1)
        statuses = sorted(DBTaskResult.objects.values_list("status", flat=True))
        self.assertEqual(statuses, ["READY", "SUCCESSFUL"])  # nothing left RUNNING; the other waits
        run_worker()  # the next worker takes the other one
        self.assertEqual(
            sorted(message["To"] for message in self.smtp.received), ["anna@example.org", "ben@example.org"]
        )

    def test_manage_py_db_worker_is_the_worker_that_finishes_what_it_claimed(self):
        self.sign()
        handlers = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
        try:
            with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
                call_command("db_worker", batch=True, interval=0, startup_delay=False, verbosity=0)
            self.assertIsInstance(signal.getsignal(signal.SIGTERM).__self__, Worker)
        finally:
            signal.signal(signal.SIGINT, handlers[0])
            signal.signal(signal.SIGTERM, handlers[1])
        self.assertEqual([message["To"] for message in self.smtp.received], ["anna@example.org"])

    def test_emails_queued_while_no_worker_runs_leave_once_each_when_it_returns_and_their_links_still_work(
        self,
    ):
        with Clock() as clock:
            signature = self.sign()
            self.assertEqual(join(self.client, self.join_page).status_code, 303)
            payment = self.paid_donation()
            send_receipt.enqueue(payment.pk)  # as the payment's webhook does

            clock.advance(hours=1)  # no worker for an hour: nothing left, and monitoring says so
            self.assertEqual(self.smtp.received, [])
            self.assertEqual(self.client.get("/health/", HTTP_HOST="fr.localhost:8000").status_code, 503)
            self.assertEqual(
                self.client.get("/health/ready/", HTTP_HOST="fr.localhost:8000").status_code, 200
            )

            run_worker()
            self.assertEqual(
                sorted(message["To"] for message in self.smtp.received),
                ["afi@example.org", "anna@example.org", "camille@example.fr"],
            )
            payment.refresh_from_db()
            self.assertIsNotNone(payment.receipt_sent_at)
            self.assertEqual(self.client.get("/health/", HTTP_HOST="fr.localhost:8000").status_code, 200)

            # A link is valid for CONFIRMATION_MAX_AGE from when its email left, not from the signing.
            clock.advance(seconds=CONFIRMATION_MAX_AGE - 120)
            host = host_of(self.petition)
            (petition_email,) = self.smtp.to("anna@example.org")
            (join_email,) = self.smtp.to("afi@example.org")
            for _click in range(2):  # the second is a replayed click: nothing counted or sent twice
                self.assertEqual(
                    self.client.post(link_path(petition_email, "petitions"), HTTP_HOST=host).status_code, 200
                )
                self.assertEqual(
                    self.client.post(link_path(join_email, "join"), HTTP_HOST=host).status_code, 200
                )
                run_worker()
            signature.refresh_from_db()
            self.assertEqual(signature.state, SignatureState.CONFIRMED)
            self.assertEqual(ActionCount.total_for(self.petition.translation_key), 1)
            self.assertEqual(Membership.objects.get().state, MembershipState.CONFIRMED)
            welcome = [message for message in self.smtp.to("afi@example.org") if message is not join_email]
            self.assertEqual(len(welcome), 1)
            self.assertEqual(len(self.smtp.received), 4)
            send_receipt.enqueue(payment.pk)  # a webhook delivered again
            run_worker()
            self.assertEqual(len(self.smtp.to("camille@example.fr")), 1)

    def test_a_refused_email_is_retried_then_listed_for_the_sections_data_officers_who_resend_it_once(self):
        self.smtp.refusing = True
        with Clock() as clock:
            signature = self.sign()  # the visitor is thanked as usual
            run_worker()
            self.assertEqual(self.smtp.connections, 1)
            run_worker()  # the next attempt waits a minute
            self.assertEqual(self.smtp.connections, 1)
            self.assertFalse(FailedEmail.objects.exists())
            clock.advance(seconds=61)
            run_worker()
            self.assertEqual(self.smtp.connections, 2)
            clock.advance(seconds=299)
            run_worker()
            self.assertEqual(self.smtp.connections, 2)
            clock.advance(seconds=2)
            run_worker()
            self.assertEqual(self.smtp.connections, 3)

            failed = FailedEmail.objects.get()
            self.assertEqual(
                (failed.kind, failed.attempts, failed.error),
                (EmailKind.SIGNATURE_CONFIRM, 3, "SMTPConnectError 554"),
            )
            self.assertFalse(DBTaskResult.objects.ready().exists())  # given up: no more attempts
            clock.advance(hours=3)
            run_worker()
            self.assertEqual(self.smtp.connections, 3)

        index = reverse("failed_email:index")
        resend = reverse("failed_email:resend", args=[failed.pk])
        self.client.force_login(self.officer("ch"))
        listing = self.client.get(index)
        self.assertEqual(listing.status_code, 200)
        self.assertNotContains(listing, "anna@example.org")
        self.assertEqual(self.client.get(resend).status_code, 404)
        self.assertEqual(self.client.post(resend).status_code, 404)

        self.client.force_login(self.officer("fr"))
        listing = self.client.get(index)
        self.assertContains(listing, "anna@example.org")
        with translation.override(listing.wsgi_request.LANGUAGE_CODE):  # the admin's language
            self.assertContains(listing, str(EmailKind.SIGNATURE_CONFIRM.label))
        self.assertContains(listing, resend)
        self.assertContains(self.client.get(resend), "Anna Muster")

        self.smtp.refusing = False
        for _click in range(2):  # a double click resends once
            self.assertRedirects(self.client.post(resend), index)
            run_worker()
        (sent,) = self.smtp.received
        self.assertEqual(sent["To"], "anna@example.org")
        self.assertNotContains(self.client.get(index), resend)
        self.assertEqual(
            self.client.post(link_path(sent, "petitions"), HTTP_HOST=host_of(self.petition)).status_code, 200
        )
        signature.refresh_from_db()
        self.assertEqual(signature.state, SignatureState.CONFIRMED)

    def test_a_yearly_summary_the_mail_server_refuses_is_retried_then_listed_and_reaches_the_donor_once(self):
        receipt = issue_receipt(self.paid_donation())
        year = timezone.localtime(receipt.paid_at, SectionSettings.for_site(receipt.site).zone).year
        self.smtp.refusing = True
        with Clock() as clock:
            call_command("send_receipt_summaries", year=year, stdout=io.StringIO())  # in January
            run_worker()
            self.assertEqual(self.smtp.connections, 1)
            clock.advance(seconds=61)
            run_worker()
            clock.advance(seconds=301)
            run_worker()
            self.assertEqual(self.smtp.connections, 3)
            failed = FailedEmail.objects.get()
            self.assertEqual(
                (failed.kind, failed.attempts, failed.error),
                (EmailKind.DONATION_YEARLY_SUMMARY, 3, "SMTPConnectError 554"),
            )
            self.assertFalse(ReceiptSummary.objects.exists())  # not sent: not marked as sent

        self.smtp.refusing = False
        self.client.force_login(self.officer("fr"))
        listing = self.client.get(reverse("failed_email:index"))
        self.assertContains(listing, "camille@example.fr")
        with translation.override(listing.wsgi_request.LANGUAGE_CODE):
            self.assertContains(listing, str(EmailKind.DONATION_YEARLY_SUMMARY.label))
        resend = reverse("failed_email:resend", args=[failed.pk])
        self.assertRedirects(self.client.post(resend), reverse("failed_email:index"))
        run_worker()
        (sent,) = self.smtp.received
        self.assertEqual(sent["To"], "camille@example.fr")
        self.assertIn(
            f"Vos reçus fiscaux {year}",
            str(email.header.make_header(email.header.decode_header(sent["Subject"]))),
        )
        self.assertEqual(
            [part.get_filename() for part in sent.walk() if part.get_filename()],
            [f"recapitulatif-recus-fiscaux-{year}.pdf"],
        )

        # The command run again, by mistake or after a crash, sends nothing twice.
        output = io.StringIO()
        call_command("send_receipt_summaries", year=year, stdout=output)
        run_worker()
        self.assertEqual(output.getvalue(), f"Summaries of {year} handed to the email tasks: 0.\n")
        self.assertEqual(len(self.smtp.received), 1)
        self.assertEqual(ReceiptSummary.objects.count(), 1)

    def test_a_mailbox_refused_for_good_is_listed_at_once_without_retries_and_the_visitor_sees_no_error(self):
        self.smtp.no_such_mailbox = True
        with Clock() as clock:
            signature = self.sign("nobody@example.org")  # thanked as usual (sign() checks the page)
            run_worker()
            failed = FailedEmail.objects.get()
            self.assertEqual(
                (failed.supporter, failed.kind, failed.attempts, failed.error),
                (signature.supporter, EmailKind.SIGNATURE_CONFIRM, 1, "SMTPRecipientsRefused 550"),
            )
            self.assertFalse(DBTaskResult.objects.ready().exists())  # no retry queued
            clock.advance(hours=3)
            run_worker()
            self.assertEqual(self.smtp.connections, 1)
        self.client.force_login(self.officer("fr"))
        self.assertContains(self.client.get(reverse("failed_email:index")), "nobody@example.org")

    def test_an_email_for_a_supporter_erased_meanwhile_is_dropped_and_their_undelivered_emails_go(self):
        self.smtp.refusing = True
        refused = self.sign("boris@example.org")
        with override_settings(EMAIL_RETRY_DELAYS=()):
            run_worker()
        self.assertEqual(FailedEmail.objects.get().supporter, refused.supporter)

        self.smtp.refusing = False
        queued = self.sign()
        erase_supporter(queued.supporter)
        erase_supporter(refused.supporter)
        # A link no longer needed (the signature was confirmed by an earlier email's link) is not sent.
        confirmed = self.sign("clara@example.org")
        confirm_signature(confirmed)
        run_worker()
        self.assertEqual(self.smtp.received, [])
        self.assertFalse(FailedEmail.objects.exists())
        self.assertFalse(DBTaskResult.objects.ready().exists())

    def test_data_officers_of_sections_created_before_the_list_get_it_from_the_migration(self):
        group = self.sections["fr"].groups["data-officer"]
        group.permissions.remove(*group.permissions.filter(content_type__model="failedemail"))
        self.assertFalse(self.officer("fr").has_perm("supporters.resend_failedemail"))

        import_module("supporters.migrations.0008_data_officers_resend_failed_emails").grant(apps, None)

        officer = User.objects.get(username="fr-officer")
        self.assertTrue(officer.has_perm("supporters.view_failedemail"))
        self.assertTrue(officer.has_perm("supporters.resend_failedemail"))
        self.assertFalse(
            self.sections["fr"].groups["editor"].permissions.filter(content_type__model="failedemail")
        )


@override_settings(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_HOST="127.0.0.1")
class ImmediateBackendTests(TestCase):
    """Development and the tests run tasks in the request (django-tasks' immediate backend): it cannot wait
    to retry, so an email the server does not take is listed at once, and the visitor sees nothing of it."""

    @classmethod
    def setUpTestData(cls):
        build_tree(cls)
        with cls.captureOnCommitCallbacks(execute=True):
            cls.petition = make_petition(cls.sections["fr"].home)

    def test_an_unreachable_mail_server_does_not_fail_the_signing(self):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            closed_port = sock.getsockname()[1]
        host = host_of(self.petition)
        data = form_data(
            self.petition,
            SectionSettings.for_site(self.sections["fr"].site),
            captcha=solution(host, self.client),
        )
        with override_settings(EMAIL_PORT=closed_port):
            response = self.client.post(sign_path(self.petition), data, HTTP_HOST=host, follow=True)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(Signature.objects.get().state, SignatureState.PENDING)
        failed = FailedEmail.objects.get()
        self.assertEqual(
            (failed.kind, failed.attempts, failed.error),
            (EmailKind.SIGNATURE_CONFIRM, 1, "ConnectionRefusedError"),
        )
