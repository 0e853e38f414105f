"""CRM webhooks: a section's actions, confirmations, consent changes and erasures reach a real local
receiver, signed; a failing or silent CRM is retried with backoff, then dead-lettered and replayed."""

import datetime
import json
import re
import time
import uuid
from pathlib import Path

from django.contrib.auth.models import User
from django.core import mail
from django.core.management import call_command
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from crm import signing
from crm.models import Delivery, DeliveryState, Event, WebhookDestination
from crm.tasks import publish_events
from donations.models import Donation
from membership.models import AgeBracket, Membership, Way
from petitions.models import Signature, SignatureState
from petitions.tests.conftest import form_data, host_of, make_petition, sign_path
from sections.demo import create_sections
from sections.models import SectionSettings
from supporters.actions import record_action
from supporters.erasure import erase_supporter
from supporters.models import ConsentRecord, Supporter
from supporters.tests.helpers import run_worker, solution

from .receiver import Receiver

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "crm"]}}


def consent_lines(event):
    return [{"purpose": line["purpose"], "granted": line["granted"]} for line in event["consents"]]


@override_settings(CRM_WEBHOOK_ALLOW_LOOPBACK=True, CRM_WEBHOOK_TIMEOUT=0.5, CRM_WEBHOOK_MAX_ATTEMPTS=3)
class CrmWebhooksTest(TestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.receiver = Receiver(hang_seconds=3).__enter__()
        cls.addClassCleanup(cls.receiver.__exit__, None, None, None)

    @classmethod
    def setUpTestData(cls):
        with cls.captureOnCommitCallbacks(execute=True):
            cls.sections = create_sections()
        cls.petition = make_petition(cls.sections["fr"].home)
        cls.officers = {}
        for code in ("fr", "ch"):
            cls.officers[code] = User.objects.create_user(f"{code}-officer", password="pw")
            cls.officers[code].groups.add(cls.sections[code].groups["data-officer"])

    def setUp(self):
        self.receiver.requests.clear()
        self.receiver.answers.clear()

    def destination(self, path, code="fr"):
        return WebhookDestination.objects.create(
            site=self.sections[code].site, name=f"CRM {path}", url=self.receiver.url(path)
        )

    def act(self, email="anna@example.org", newsletter=None, code="fr", partner=""):
        """A signature recorded through the kernel, as the petition page records it (newsletter: None when
        not asked)."""
        site = self.sections[code].site
        signature = Signature(
            site=site,
            language="fr",
            petition_key=self.petition.translation_key,
            petition=self.petition,
            first_name="Anna",
            last_name="Muster",
            country="France",
            postal_code="75019",
            partner=partner,
        )
        consents = ConsentRecord.asked(
            site,
            "fr",
            "J'accepte le traitement.",
            newsletter_wording="" if newsletter is None else "Nouvelles ?",
            newsletter=newsletter,
        )
        with self.captureOnCommitCallbacks(execute=True):
            record_action(signature, consents, email=email, first_name="Anna", last_name="Muster")
        return signature

    def bodies(self, path):
        return [json.loads(body) for _headers, body in self.receiver.received(path)]

    def due_now(self, destination):
        Delivery.objects.filter(destination=destination, state=DeliveryState.PENDING).update(
            next_attempt_at=timezone.now() - datetime.timedelta(seconds=1)
        )
        with self.captureOnCommitCallbacks(execute=True):
            call_command("send_crm_deliveries", stdout=open("/dev/null", "w"))

    def test_a_signature_on_the_petition_page_reaches_the_crm_signed_then_its_confirmation(self):
        crm = self.destination("/ok-sign")
        host = host_of(self.petition)
        settings = SectionSettings.for_site(self.sections["fr"].site)
        data = form_data(self.petition, settings, captcha=solution(host, self.client))
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(sign_path(self.petition), data, HTTP_HOST=host)
        self.assertEqual(response.status_code, 303)

        # The page asks about the newsletter: the action, then the choice (a no), as a consent event.
        (headers, body), (_consent_headers, consent_body) = self.receiver.received("/ok-sign")
        self.assertEqual(json.loads(consent_body)["type"], "consent")
        self.assertIn({"purpose": "newsletter", "granted": False}, consent_lines(json.loads(consent_body)))
        self.assertNotIn(b"anna@example.org", consent_body)
        self.assertTrue(signing.verify(crm.signing_secret, headers, body))
        self.assertFalse(signing.verify(crm.signing_secret + "x", headers, body))
        self.assertFalse(signing.verify(crm.signing_secret, headers, body + b" "))
        event = json.loads(body)
        self.assertEqual(headers[signing.EVENT_ID_HEADER], event["id"])
        self.assertEqual(event["type"], "action")
        self.assertEqual(event["section"], "fr")
        self.assertEqual(event["person"]["given_name"], "Anna")
        self.assertEqual(event["person"]["family_name"], "Muster")
        self.assertEqual(event["person"]["postal_addresses"][0]["postal_code"], "75019")
        self.assertEqual(event["action"]["action_type"], "signature")
        self.assertEqual(event["action"]["state"], SignatureState.PENDING)
        # No newsletter consent: the email address is not sent.
        self.assertNotIn("email_addresses", event["person"])
        self.assertNotIn(b"anna@example.org", body)
        self.assertEqual(
            set(Delivery.objects.filter(destination=crm).values_list("state", flat=True)), {"delivered"}
        )

        link = re.search(r"https?://[^/\s]+(/\S+/petitions/confirm/\S+/)", mail.outbox[0].body).group(1)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(link, HTTP_HOST=host)
        confirmation = self.bodies("/ok-sign")[2]
        self.assertEqual(confirmation["type"], "confirmation")
        self.assertEqual(confirmation["person"]["identifiers"], event["person"]["identifiers"])
        self.assertEqual(confirmation["action"]["state"], SignatureState.CONFIRMED)

    def test_a_gift_and_a_membership_reach_the_crm_without_street_address_phone_or_age(self):
        self.destination("/ok-kinds")
        site = self.sections["fr"].site
        gift = Donation(
            site=site,
            language="fr",
            frequency="monthly",
            amount=1500,
            currency="EUR",
            status="succeeded",
            idempotency_key="d" * 32,
            first_name="Camille",
            last_name="Martin",
            email="camille@example.fr",
            address_line="76 boulevard de la Villette",
            postal_code="75019",
            city="Paris",
            country="France",
        )
        joined = Membership(
            site=site,
            language="fr",
            join_page_key=uuid.uuid4(),
            way=Way.VOLUNTEER,
            first_name="Afi",
            last_name="Mensah",
            town="Lyon",
            phone="+33 6 12 34 56 78",
            age_bracket=AgeBracket.FROM_26,
        )
        for row, email, first_name, last_name in (
            (gift, "camille@example.fr", "Camille", "Martin"),
            (joined, "afi@example.org", "Afi", "Mensah"),
        ):
            consents = ConsentRecord.asked(site, "fr", "J'accepte le traitement.")
            with self.captureOnCommitCallbacks(execute=True):
                record_action(row, consents, email=email, first_name=first_name, last_name=last_name)

        (_, gift_body), (_, joined_body) = self.receiver.received("/ok-kinds")
        for body in (gift_body, joined_body):
            for never in (
                b"boulevard",
                b"76 ",
                b"12 34 56 78",
                b"age_bracket",
                b"example.fr",
                b"example.org",
            ):
                self.assertNotIn(never, body)
        gift_event, joined_event = json.loads(gift_body), json.loads(joined_body)
        self.assertEqual(
            (
                gift_event["action"]["action_type"],
                gift_event["action"]["amount"],
                gift_event["action"]["currency"],
            ),
            ("donation", 1500, "EUR"),
        )
        self.assertEqual(gift_event["person"]["given_name"], "Camille")
        self.assertEqual(
            gift_event["person"]["postal_addresses"],
            [{"primary": True, "locality": "Paris", "postal_code": "75019", "country": "France"}],
        )
        self.assertEqual(
            (joined_event["action"]["action_type"], joined_event["action"]["way"]),
            ("membership", "volunteer"),
        )
        self.assertEqual(joined_event["person"]["family_name"], "Mensah")
        self.assertEqual(joined_event["person"]["postal_addresses"], [{"primary": True, "locality": "Lyon"}])

    def test_the_readmes_verification_snippet_accepts_a_received_request_and_refuses_a_forged_one(self):
        readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
        snippet = re.search(r"## CRM webhooks.*?```python\n(.*?)```", readme, re.S).group(1)
        namespace = {}
        exec(snippet, namespace)  # the README's own code, as a CRM would paste it
        crm = self.destination("/ok-readme")
        self.act()
        [(headers, body)] = self.receiver.received("/ok-readme")
        self.assertTrue(namespace["verify"](crm.signing_secret, headers, body))
        self.assertFalse(namespace["verify"](crm.signing_secret, headers, body.replace(b"Anna", b"Anne")))

    def test_a_newsletter_yes_sends_the_email_address_and_a_consent_event(self):
        self.destination("/ok-news")
        self.act(email="Lea@Example.org", newsletter=True)

        action, consent = self.bodies("/ok-news")
        self.assertEqual((action["type"], consent["type"]), ("action", "consent"))
        self.assertEqual(
            consent["person"]["email_addresses"],
            [{"address": "Lea@Example.org", "primary": True, "status": "subscribed"}],
        )
        self.assertIn(
            {"purpose": "newsletter", "granted": True},
            [{"purpose": line["purpose"], "granted": line["granted"]} for line in consent["consents"]],
        )

    def test_a_failing_crm_is_retried_with_backoff_then_dead_lettered_while_another_gets_its_events(self):
        failing, working = self.destination("/fail-retry"), self.destination("/ok-beside")
        self.act()

        self.assertEqual(len(self.receiver.received("/ok-beside")), 1)
        self.assertEqual(Delivery.objects.get(destination=working).state, DeliveryState.DELIVERED)
        delivery = Delivery.objects.get(destination=failing)
        self.assertEqual((delivery.state, delivery.attempts, delivery.last_status), ("pending", 1, 500))
        self.assertEqual(delivery.last_error, "HTTP 500 Internal Server Error")
        wait = delivery.next_attempt_at - delivery.last_attempt_at
        self.assertEqual(wait, datetime.timedelta(seconds=60))

        # Not due yet: the periodic command sends nothing.
        with self.captureOnCommitCallbacks(execute=True):
            call_command("send_crm_deliveries", stdout=open("/dev/null", "w"))
        self.assertEqual(len(self.receiver.received("/fail-retry")), 1)

        self.due_now(failing)
        delivery.refresh_from_db()
        self.assertEqual((delivery.state, delivery.attempts), ("pending", 2))
        self.assertEqual(delivery.next_attempt_at - delivery.last_attempt_at, datetime.timedelta(seconds=120))

        self.due_now(failing)
        delivery.refresh_from_db()
        self.assertEqual((delivery.state, delivery.attempts), (DeliveryState.DEAD, 3))
        self.due_now(failing)
        self.assertEqual(len(self.receiver.received("/fail-retry")), 3)
        self.assertEqual(len(self.receiver.received("/ok-beside")), 1)

    def test_a_crm_that_never_answers_is_left_after_the_timeout_and_tried_again_later(self):
        silent = self.destination("/hang-silent")
        started = time.monotonic()
        self.act()
        self.assertLess(time.monotonic() - started, 2.5)

        delivery = Delivery.objects.get(destination=silent)
        self.assertEqual((delivery.state, delivery.attempts), (DeliveryState.PENDING, 1))
        self.assertEqual(delivery.last_error, "No answer within 0.5 seconds")
        self.assertGreater(delivery.next_attempt_at, timezone.now())

    def test_with_a_task_queue_the_visitors_request_sends_nothing_itself(self):
        self.destination("/hang-queued")
        host = host_of(self.petition)
        settings = SectionSettings.for_site(self.sections["fr"].site)
        data = form_data(self.petition, settings, captcha=solution(host, self.client))
        with override_settings(TASKS=DATABASE_TASKS):
            started = time.monotonic()
            with self.captureOnCommitCallbacks(execute=True):
                response = self.client.post(sign_path(self.petition), data, HTTP_HOST=host)
            self.assertLess(time.monotonic() - started, 2)
            self.assertEqual(response.status_code, 303)
            self.assertEqual(self.receiver.requests, [])
            self.assertFalse(Event.objects.exists())

            # The workers of the default queue send the confirmation email and leave the CRM's task to
            # the CRM's own workers: a CRM that hangs never holds up an email.
            run_worker(["default"])
            self.assertEqual([message.to for message in mail.outbox], [["anna@example.org"]])
            self.assertEqual(self.receiver.requests, [])

        queued = DBTaskResult.objects.get(task_path="crm.tasks.publish_events")
        self.assertEqual((queued.queue_name, queued.status), ("crm", "READY"))
        with self.captureOnCommitCallbacks(execute=True):
            publish_events.call(*queued.args_kwargs["args"])
        self.assertEqual(set(Delivery.objects.values_list("state", flat=True)), {DeliveryState.PENDING})
        self.assertEqual(len(self.receiver.received("/hang-queued")), 2)

    def test_a_dead_letter_is_listed_for_the_sections_data_officers_and_replayed_with_its_event_id(self):
        flaky = self.destination("/flaky")
        self.receiver.answers["/flaky"] = 503
        self.act()
        self.due_now(flaky)
        self.due_now(flaky)
        delivery = Delivery.objects.get(destination=flaky)
        self.assertEqual(delivery.state, DeliveryState.DEAD)

        self.client.force_login(self.officers["fr"])
        listing = self.client.get(reverse("crm_deliveries:index"), {"state": "dead"})
        self.assertContains(listing, "CRM /flaky")
        inspect = self.client.get(reverse("crm_deliveries:inspect", args=[delivery.pk]))
        replay_url = reverse("crm_deliveries:replay", args=[delivery.pk])
        self.assertContains(inspect, replay_url)
        self.assertContains(inspect, "HTTP 503")

        self.client.force_login(self.officers["ch"])
        self.assertEqual(
            self.client.get(reverse("crm_deliveries:inspect", args=[delivery.pk])).status_code, 404
        )
        self.assertEqual(self.client.post(replay_url).status_code, 404)
        # Neither in the list nor in its filters.
        self.assertNotContains(self.client.get(reverse("crm_deliveries:index")), "CRM /flaky")

        self.receiver.answers["/flaky"] = 200
        self.client.force_login(self.officers["fr"])
        self.assertEqual(self.client.get(replay_url).status_code, 200)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(replay_url)
        self.assertRedirects(response, reverse("crm_deliveries:index"))
        first, *_retries, replayed = self.receiver.received("/flaky")
        self.assertEqual(len(self.receiver.received("/flaky")), 4)
        self.assertEqual(replayed[0][signing.EVENT_ID_HEADER], first[0][signing.EVENT_ID_HEADER])
        self.assertTrue(signing.verify(flaky.signing_secret, *replayed))
        delivery.refresh_from_db()
        self.assertEqual((delivery.state, delivery.attempts), (DeliveryState.DELIVERED, 1))
        # A delivered event is not replayed again.
        self.client.post(replay_url)
        self.assertEqual(len(self.receiver.received("/flaky")), 4)

    def test_a_signature_made_on_a_partner_site_names_the_partner_and_others_name_none(self):
        self.destination("/ok-partner")
        self.act(partner="https://solidarite.example.org")
        self.act(email="bert@example.org")
        first, second = self.bodies("/ok-partner")
        self.assertEqual(first["action"]["referrer_data"], {"website": "https://solidarite.example.org"})
        self.assertNotIn("referrer_data", second["action"])

    def assert_secret_shown_nowhere_else(self, crm, secret):
        """The webhook's list, inspect and edit pages, for its own data officer and another section's."""
        for code in ("fr", "ch"):
            self.client.force_login(self.officers[code])
            for url in (
                reverse("crm_webhooks:index"),
                reverse("crm_webhooks:inspect", args=[crm.pk]),
                reverse("crm_webhooks:edit", args=[crm.pk]),
                reverse("crm_webhooks:history", args=[crm.pk]),
            ):
                with self.subTest(code=code, url=url):
                    response = self.client.get(url)
                    # Another section's staff: an empty list, and no such webhook.
                    expected = 200 if code == "fr" or url.endswith("/crm_webhooks/") else 404
                    self.assertEqual(response.status_code, expected)
                    self.assertNotContains(response, secret, status_code=response.status_code)
        self.client.force_login(self.officers["fr"])

    def shown_secret(self, response):
        self.assertEqual(response.status_code, 200)
        self.assertIn("no-store", response["Cache-Control"])
        return re.search(r'<code class="crm-secret">([^<]+)</code>', response.content.decode())[1]

    def test_a_data_officer_adds_a_webhook_and_sees_its_secret_once_which_verifies_what_it_receives(self):
        self.client.force_login(self.officers["fr"])
        data = {
            "site": self.sections["fr"].site.pk,
            "name": "Notre CRM",
            "url": self.receiver.url("/ok-added-here"),
            "active": "on",
        }
        added = self.client.post(reverse("crm_webhooks:add"), data)
        secret = self.shown_secret(added)
        # The admin speaks the staff member's language (French, the project's default, here).
        self.assertContains(added, "Ce secret n’est affiché qu’une seule fois.")
        crm = WebhookDestination.objects.get(name="Notre CRM")
        self.assertContains(added, reverse("crm_webhooks:inspect", args=[crm.pk]))

        self.assert_secret_shown_nowhere_else(crm, secret)
        # Saving the webhook again neither shows nor changes it.
        edited = self.client.post(
            reverse("crm_webhooks:edit", args=[crm.pk]), {**data, "name": "Notre CRM 2"}
        )
        self.assertRedirects(edited, reverse("crm_webhooks:index"))
        self.assertNotContains(self.client.get(edited.url), secret)

        self.act()
        [(headers, body)] = self.receiver.received("/ok-added-here")
        self.assertTrue(signing.verify(secret, headers, body))

    def test_a_data_officer_replaces_the_secret_and_sees_it_once_then_requests_are_signed_with_it(self):
        crm = self.destination("/ok-rotated")
        old_secret = crm.signing_secret
        url = reverse("crm_webhooks:rotate_secret", args=[crm.pk])

        self.client.force_login(self.officers["ch"])
        self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(self.client.post(url).status_code, 404)
        crm.refresh_from_db()
        self.assertEqual(crm.signing_secret, old_secret)
        self.client.force_login(self.officers["fr"])
        inspect = self.client.get(reverse("crm_webhooks:inspect", args=[crm.pk]))
        self.assertContains(inspect, url)
        self.assertNotContains(inspect, old_secret)
        asked = self.client.get(url)
        self.assertEqual(asked.status_code, 200)
        self.assertNotContains(asked, old_secret)
        new_secret = self.shown_secret(self.client.post(url))
        self.assertNotEqual(new_secret, old_secret)
        self.assert_secret_shown_nowhere_else(crm, new_secret)

        self.act()
        [(headers, body)] = self.receiver.received("/ok-rotated")
        self.assertTrue(signing.verify(new_secret, headers, body))
        self.assertFalse(signing.verify(old_secret, headers, body))

    def test_an_erasure_reaches_the_crm_and_what_was_still_waiting_goes_without_personal_data(self):
        self.destination("/ok-erase")
        late = self.destination("/late-erase")
        self.receiver.answers["/late-erase"] = 500
        signature = self.act(newsletter=True)
        identifiers = self.bodies("/ok-erase")[0]["person"]["identifiers"]

        with self.captureOnCommitCallbacks(execute=True):
            erase_supporter(Supporter.objects.get(pk=signature.supporter_id))
        erasure = self.bodies("/ok-erase")[-1]
        self.assertEqual(erasure["type"], "erasure")
        self.assertEqual(erasure["person"], {"identifiers": identifiers})
        self.assertNotIn("action", erasure)

        self.receiver.answers["/late-erase"] = 200
        self.due_now(late)
        sent = [body for _headers, body in self.receiver.received("/late-erase")]
        self.assertEqual([json.loads(body)["type"] for body in sent[:3]], ["action", "consent", "erasure"])
        self.assertEqual(
            sorted(json.loads(body)["type"] for body in sent[3:]), ["action", "consent", "erasure"]
        )
        for body in sent[3:]:
            self.assertEqual(json.loads(body)["person"], {"identifiers": identifiers})
            self.assertNotIn(b"Anna", body)
            self.assertNotIn(b"anna@example.org", body)

    def test_an_address_that_points_to_a_private_network_since_it_was_saved_gets_nothing(self):
        """Checked again at each attempt: a host's name may be pointed at the server's own network later
        (here the stored address is such a one, as if its name resolved there now)."""
        moved = WebhookDestination.objects.create(
            site=self.sections["fr"].site, name="CRM moved", url="https://10.0.0.8/hook"
        )
        self.act()
        delivery = Delivery.objects.get(destination=moved)
        self.assertEqual(delivery.state, DeliveryState.PENDING)
        self.assertEqual(delivery.attempts, 1)
        self.assertTrue(delivery.last_error.startswith("Address refused: "), delivery.last_error)
        self.assertIsNone(delivery.last_status)
        self.assertEqual(self.receiver.requests, [])

    def test_a_paused_webhook_gets_nothing_until_it_is_active_again_then_what_waited(self):
        paused = self.destination("/ok-paused")
        WebhookDestination.objects.filter(pk=paused.pk).update(active=False)
        self.act()
        self.due_now(paused)
        self.assertEqual(self.receiver.received("/ok-paused"), [])

        WebhookDestination.objects.filter(pk=paused.pk).update(active=True)
        self.due_now(paused)
        self.assertEqual([event["type"] for event in self.bodies("/ok-paused")], ["action"])
        self.assertEqual(Delivery.objects.get(destination=paused).state, DeliveryState.DELIVERED)

    def test_a_section_without_webhooks_stores_and_sends_nothing(self):
        self.destination("/ok-other-section", code="fr")
        self.act(code="ch")
        self.assertFalse(Event.objects.exists())
        self.assertEqual(self.receiver.requests, [])

    def test_a_webhook_added_after_actions_gets_the_next_one(self):
        """Whether a section has a webhook is kept with the content: adding one is seen at the next action."""
        self.act(email="before@example.org")
        self.assertFalse(Event.objects.exists())
        crm = self.destination("/ok-added")
        self.act(email="after@example.org")
        self.assertEqual([event["type"] for event in self.bodies("/ok-added")], ["action"])
        crm.delete()
        self.act(email="gone@example.org")
        self.assertEqual(len(self.receiver.received("/ok-added")), 1)
