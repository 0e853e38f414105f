"""Supporters hear what their action achieved: opted-in signers and letter writers, once, in their language."""

import datetime
import html
import re

from django.core import mail
from django.test import TestCase
from django.urls import reverse
from django.utils.translation import gettext, override
from wagtail.models import Locale

from petitions.letters.models import Letter, LetterState
from petitions.letters.tests.helpers import generate, make_action
from petitions.models import PetitionPage, Signature
from petitions.outcomes.models import ActionOutcome, OutcomeEmail
from petitions.outcomes.tasks import queue_outcome_emails, send_outcome_email
from petitions.signatures import confirmation_token, record_signature
from prisoners.models import PrisonerRecord, PrisonerStatus
from sections.demo import create_sections
from sections.models import SectionSettings
from sections.translation import translate
from supporters.actions import record_action
from supporters.delivery import resend
from supporters.erasure import erase_supporter
from supporters.fields import OUTCOME_NEWS_LABEL
from supporters.models import ConsentPurpose, ConsentRecord, EmailKind, FailedEmail, Supporter
from supporters.tests.helpers import solution

CH = "ch.localhost:8000"
TITLE_FR = "Libérez Maryia Kalesnikava"
TITLE_DE = "Freiheit für Maryia Kalesnikava"
INVALID = (
    "This unsubscribe link is not valid. Please use the link exactly as it appears in the email we sent you."
)


def supporter_with(email):
    """The supporter who gave `email` (stored encrypted: compared once decrypted)."""
    (supporter,) = [supporter for supporter in Supporter.objects.all() if supporter.email == email]
    return supporter


def said(message, language, **values):
    """A sentence as a reader of `language` reads it."""
    with override(language):
        text = gettext(message)
    return " ".join((text % values if values else text).split())


def visible_text(response):
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def unsubscribe_link(message):
    return re.search(r"https?://\S+/outcomes/unsubscribe/\S+/", message.body).group(0)


def path_of(url):
    return "/" + url.split("/", 3)[3]


class OutcomeEmailsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        # wagtail-localize publishes translations on commit.
        with cls.captureOnCommitCallbacks(execute=True):
            sections = create_sections()
            french = Locale.objects.get(language_code="fr")
            cls.record = PrisonerRecord.objects.create(
                full_name="Maryia Kalesnikava", country="Bélarus", locale=french
            )
            translate(cls.record, "de", {"Bélarus": "Belarus"})
            other = PrisonerRecord.objects.create(
                full_name="Ales Bialiatski", country="Bélarus", locale=french
            )
            home = sections["ch"].home
            cls.petition = publish(
                home,
                PetitionPage(
                    title=TITLE_FR, slug="kalesnikava", addressee_name="Autorités", demand="Libérez-la."
                ),
                cls.record,
            )
            cls.german = translate(cls.petition, "de", {TITLE_FR: TITLE_DE})
            cls.other_petition = publish(
                home,
                PetitionPage(
                    title="Libérez Ales", slug="ales", addressee_name="Autorités", demand="Libérez-le."
                ),
                other,
            )
            cls.letters = make_action(home)
            cls.letters.prisoners.set([cls.record])
            cls.letters.save_revision().publish()
        cls.section = SectionSettings.for_site(cls.petition.get_site())
        cls.site = cls.petition.get_site()
        sign = cls.sign
        sign(cls.petition, "anna@example.org", "fr", news=True)
        sign(cls.german, "bernd@example.org", "de", news=True)
        sign(cls.petition, "claire@example.org", "fr", news=False)
        sign(cls.petition, "dora@example.org", "fr", news=True, confirmed=False)
        sign(cls.german, "emil@example.org", "de", news=True)
        sign(cls.other_petition, "felix@example.org", "fr", news=True)
        erase_supporter(supporter_with("emil@example.org"))
        cls.emil_signature = Signature.objects.get(supporter__erased_at__isnull=False)
        # Anna also wrote a letter for the same person, and asked for its news too: still one email.
        letter = Letter(
            site=cls.site,
            action=cls.letters,
            language="fr",
            first_name="Anna",
            last_name="Muster",
            town="Lausanne",
            country="Suisse",
            letter_language="fr",
            outcome_news=True,
            state=LetterState.SENT,
        )
        record_action(letter, email="anna@example.org", first_name="Anna", last_name="Muster")

    @classmethod
    def sign(cls, petition, email, language, news, confirmed=True):
        data = {
            "first_name": email.split("@")[0].title(),
            "last_name": "Muster",
            "email": email,
            "country": "Suisse",
            "consent_wording": "J'accepte.",
            "outcome_news": news,
            "outcome_news_wording": said(str(OUTCOME_NEWS_LABEL), language),
        }
        record_signature(petition, cls.section, cls.site, data, language, "", double_opt_in=not confirmed)

    def change_status(self, status):
        record = PrisonerRecord.objects.get(pk=self.record.pk)
        record.status = status
        with self.captureOnCommitCallbacks(execute=True):
            record.save()

    def message_to(self, address):
        (message,) = [message for message in mail.outbox if message.to == [address]]
        return message

    def test_a_status_change_emails_each_opted_in_confirmed_signer_once_in_their_language(self):
        self.change_status(PrisonerStatus.RELEASED)
        # Not Claire (no opt-in), Dora (unconfirmed), Emil (erased), Felix (another person's petition).
        self.assertEqual(
            sorted(message.to[0] for message in mail.outbox), ["anna@example.org", "bernd@example.org"]
        )

        self.assertFalse(self.emil_signature.outcome_news)  # erasure withdrew it as well
        anna = self.message_to("anna@example.org")
        status_fr = said("Released", "fr")
        self.assertEqual(
            anna.subject, said("%(name)s: %(status)s", "fr", name="Maryia Kalesnikava", status=status_fr)
        )
        self.assertIn(TITLE_FR, anna.body)
        self.assertIn(f"http://{CH}/fr/kalesnikava/", anna.body)
        bernd = self.message_to("bernd@example.org")
        status_de = said("Released", "de")
        self.assertNotEqual(status_de, "Released")
        self.assertIn(status_de, bernd.subject)
        self.assertIn(TITLE_DE, bernd.body)
        self.assertIn(said("To stop the news of this action, follow this link:", "de"), bernd.body)

        link = unsubscribe_link(anna)
        self.assertNotIn("anna", link.lower())
        self.assertEqual(anna.extra_headers["List-Unsubscribe"], f"<{link}>")
        self.assertEqual(anna.extra_headers["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click")

        # The action page shows what came of the person, in its language.
        page = self.client.get("/de/kalesnikava/", HTTP_HOST=CH)
        self.assertIn(f"Maryia Kalesnikava ({status_de})", visible_text(page))

        # Saved again without a change, or the task run twice: nobody gets a second email.
        record = PrisonerRecord.objects.get(pk=self.record.pk)
        with self.captureOnCommitCallbacks(execute=True):
            record.save()
        queue_outcome_emails.enqueue(OutcomeEmail.objects.first().outcome_id)
        self.assertEqual(len(mail.outbox), 2)

    def test_an_email_the_mail_server_refused_is_listed_for_resending_and_sent_once(self):
        with self.settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_HOST="127.0.0.1", EMAIL_PORT=9
        ):
            self.change_status(PrisonerStatus.DECEASED)  # nothing listens on port 9
        self.assertEqual(mail.outbox, [])
        failed = FailedEmail.objects.filter(kind=EmailKind.ACTION_OUTCOME)
        self.assertEqual(set(failed.values_list("site_id", flat=True)), {self.site.pk})
        self.assertEqual(failed.count(), 2)
        for row in failed:
            resend(row)
        # Queued again, or its task replayed: nobody gets it twice.
        queue_outcome_emails.enqueue(ActionOutcome.objects.get().pk)
        for email in OutcomeEmail.objects.all():
            send_outcome_email.enqueue(email.pk)
        self.assertEqual(
            sorted(message.to[0] for message in mail.outbox), ["anna@example.org", "bernd@example.org"]
        )

    def test_a_sentence_date_emails_once_with_the_sentence_in_their_language(self):
        record = PrisonerRecord.objects.get(pk=self.record.pk)
        record.sentenced_on = datetime.date(2021, 9, 6)
        record.sentence = "11 ans de colonie pénitentiaire"
        with self.captureOnCommitCallbacks(execute=True):
            record.save()
        self.assertEqual(
            sorted(message.to[0] for message in mail.outbox), ["anna@example.org", "bernd@example.org"]
        )
        anna = self.message_to("anna@example.org")
        self.assertEqual(anna.subject, said("%(name)s: sentenced", "fr", name="Maryia Kalesnikava"))
        self.assertIn(
            said(
                "%(name)s was sentenced on %(date)s.",
                "fr",
                name="Maryia Kalesnikava",
                date="6 septembre 2021",
            ),
            anna.body,
        )
        self.assertIn("11 ans de colonie pénitentiaire", anna.body)
        bernd = self.message_to("bernd@example.org")
        self.assertEqual(bernd.subject, said("%(name)s: sentenced", "de", name="Maryia Kalesnikava"))
        self.assertIn("6. September 2021", bernd.body)

    def test_a_transfer_emails_once_with_the_new_place_in_their_language(self):
        place = "Colonie pénitentiaire n° 4, Gomel"
        record = PrisonerRecord.objects.get(pk=self.record.pk)
        record.place_of_detention = place
        with self.captureOnCommitCallbacks(execute=True):
            record.save()
        self.assertEqual(
            sorted(message.to[0] for message in mail.outbox), ["anna@example.org", "bernd@example.org"]
        )
        anna = self.message_to("anna@example.org")
        self.assertEqual(anna.subject, said("%(name)s: transferred", "fr", name="Maryia Kalesnikava"))
        self.assertIn(
            said(
                "%(name)s has been transferred. Place of detention now: %(place)s.",
                "fr",
                name="Maryia Kalesnikava",
                place=place,
            ),
            " ".join(anna.body.split()),
        )
        bernd = self.message_to("bernd@example.org")
        self.assertEqual(bernd.subject, said("%(name)s: transferred", "de", name="Maryia Kalesnikava"))
        self.assertNotEqual(bernd.subject, "Maryia Kalesnikava: transferred")

        # The translator then publishes the German place, and the record is saved again unchanged:
        # nobody hears of the transfer twice.
        german = PrisonerRecord.objects.get(
            translation_key=record.translation_key, locale__language_code="de"
        )
        german.place_of_detention = "Strafkolonie Nr. 4, Homel"
        with self.captureOnCommitCallbacks(execute=True):
            german.save()
            PrisonerRecord.objects.get(pk=record.pk).save()
        self.assertEqual(len(mail.outbox), 2)

        # Emptying the place (unknown whereabouts) announces no transfer either.
        record = PrisonerRecord.objects.get(pk=record.pk)
        record.place_of_detention = ""
        with self.captureOnCommitCallbacks(execute=True):
            record.save()
        self.assertEqual(len(mail.outbox), 2)

    def test_publishing_a_changed_outcome_emails_those_who_acted_in_its_language_and_shows_it(self):
        outcome = "Le 15 mai, Maryia Kalesnikava a été libérée. Merci à vous toutes et tous !"
        page = PetitionPage.objects.get(pk=self.petition.pk)
        page.outcome = outcome
        with self.captureOnCommitCallbacks(execute=True):
            page.save_revision().publish()
        (message,) = mail.outbox
        self.assertEqual(message.to, ["anna@example.org"])
        self.assertEqual(message.subject, said("What came of “%(title)s”", "fr", title=TITLE_FR))
        self.assertIn(outcome, message.body)
        response = self.client.get("/fr/kalesnikava/", HTTP_HOST=CH)
        self.assertIn(said("What this action achieved", "fr"), visible_text(response))
        self.assertIn("a été libérée", visible_text(response))

        # Republished unchanged (another field edited): nothing more is sent.
        page = PetitionPage.objects.get(pk=self.petition.pk)
        page.demand = "Libérez-la, et toutes les autres."
        with self.captureOnCommitCallbacks(execute=True):
            page.save_revision().publish()
        self.assertEqual(len(mail.outbox), 1)

    def test_the_unsubscribe_link_asks_first_and_its_post_stops_the_news_once(self):
        self.change_status(PrisonerStatus.RELEASED)
        path = path_of(unsubscribe_link(self.message_to("anna@example.org")))
        page = self.client.get(path, HTTP_HOST=CH)
        self.assertEqual(page.status_code, 200)
        self.assertIn(said("Stop the news of this action", "fr"), visible_text(page))
        anna = supporter_with("anna@example.org")
        self.assertTrue(
            Signature.objects.get(supporter=anna).outcome_news
        )  # a link scanner's GET changes nothing

        # A mail program's one click: a POST without cookie or CSRF token.
        response = self.client.post(path, {"List-Unsubscribe": "One-Click"}, HTTP_HOST=CH)
        self.assertEqual(response.status_code, 200)
        self.assertIn(said("You will not hear from us about this action again", "fr"), visible_text(response))
        self.assertFalse(Signature.objects.get(supporter=anna).outcome_news)
        self.assertFalse(Letter.objects.get(supporter=anna).outcome_news)
        withdrawn = ConsentRecord.objects.filter(
            supporter=anna, purpose=ConsentPurpose.ACTION_NEWS, granted=False
        )
        self.assertEqual(
            set(withdrawn.values_list("wording", "language")),
            {(said("Stop the news of this action", "fr"), "fr")},
        )
        self.assertEqual(withdrawn.count(), 2)  # the petition and the letter

        # The link used again: the same answer, no new ledger line; the next change reaches Bernd only.
        self.assertEqual(self.client.post(path, HTTP_HOST=CH).status_code, 200)
        self.assertEqual(withdrawn.count(), 2)
        mail.outbox.clear()
        self.change_status(PrisonerStatus.EXILED)
        self.assertEqual([message.to for message in mail.outbox], [["bernd@example.org"]])

    def test_a_forged_or_foreign_unsubscribe_link_changes_nothing(self):
        self.change_status(PrisonerStatus.RELEASED)
        path = path_of(unsubscribe_link(self.message_to("anna@example.org")))
        signature = Signature.objects.get(supporter=supporter_with("anna@example.org"))
        with override("fr"):  # the French pages' addresses, whatever language an earlier test left active
            forged = [
                # The signature mangled, and another email's id under Anna's signature.
                path[:-2] + ("A" if path[-2] != "A" else "B") + "/",
                re.sub(r"/(\d+):", lambda match: f"/{int(match.group(1)) + 1}:", path),
                reverse("outcomes:unsubscribe", kwargs={"token": "1"}),
                # A signed token of another kind (a signature's confirmation) is not an unsubscribe token.
                reverse("outcomes:unsubscribe", kwargs={"token": confirmation_token(signature.pk)}),
            ]
        for bad in forged:
            response = self.client.post(bad, HTTP_HOST=CH)
            self.assertEqual(response.status_code, 400, bad)
            self.assertIn(said(INVALID, "fr"), visible_text(response))
        # Anna's own link on another section's site finds nothing there.
        self.assertEqual(self.client.post(path, HTTP_HOST="fr.localhost:8000").status_code, 400)
        self.assertTrue(Signature.objects.get(pk=signature.pk).outcome_news)
        withdrawn = ConsentRecord.objects.filter(purpose=ConsentPurpose.ACTION_NEWS, granted=False)
        self.assertFalse(withdrawn.filter(supporter=signature.supporter_id).exists())

    def test_the_forms_offer_the_choice_unticked_and_the_ledger_keeps_it(self):
        response = self.client.get("/de/kalesnikava/", HTTP_HOST=CH)
        self.assertIn(said(str(OUTCOME_NEWS_LABEL), "de"), visible_text(response))
        self.assertRegex(
            response.content.decode(), r'<input type="checkbox" name="outcome_news"(?![^>]*checked)'
        )
        consent = self.german.get_consent_text(self.section)
        with override("de"):
            sign_path = reverse("petitions:sign", args=[self.german.pk])
        self.client.post(
            sign_path,
            {
                "first_name": "Greta",
                "last_name": "Muster",
                "email": "greta@example.org",
                "country": "Schweiz",
                "consent": "on",
                "consent_version": ConsentRecord.version_of(consent),
                "outcome_news": "on",
                "captcha": solution(CH, self.client),
            },
            HTTP_HOST=CH,
        )
        signature = Signature.objects.get(supporter=supporter_with("greta@example.org"))
        self.assertTrue(signature.outcome_news)
        line = ConsentRecord.objects.get(supporter=signature.supporter, purpose=ConsentPurpose.ACTION_NEWS)
        self.assertEqual(
            (line.granted, line.wording, line.language), (True, said(str(OUTCOME_NEWS_LABEL), "de"), "de")
        )

    def test_a_letter_writer_asking_for_news_without_an_email_is_told_next_to_the_field(self):
        response = generate(self.client, self.letters, outcome_news="on", first_name="Hanna")
        self.assertEqual(response.status_code, 400)
        content = response.content.decode()
        errors = re.search(r'<ul class="errorlist" id="id_email_errors">(.*?)</ul>', content, re.S).group(1)
        self.assertIn(said("Please give your email address to receive news.", "fr"), html.unescape(errors))
        self.assertIn('value="Hanna"', content)
        self.assertFalse(any(letter.first_name == "Hanna" for letter in Letter.objects.all()))


def publish(parent, page, *records):
    page.locale = parent.locale
    parent.add_child(instance=page)
    page.prisoners.set(records)
    page.save_revision().publish()
    return page
