"""Data lives only as long as needed: each retention rule at a fixed clock, counts kept, one ledger line per
purpose, a dry run for the section's data officers only, and donors' minimum refused in the staff's language."""

import datetime
import zoneinfo
from io import StringIO

from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.validators import MinValueValidator
from django.test import TestCase
from django.urls import reverse
from wagtail.users.models import UserProfile

from donations.models import Donation, Payment
from membership.models import JoinPage, Membership, MembershipState
from petitions.letters.models import Letter, LetterState, MessageStatus, SolidarityMessage
from petitions.letters.tests.helpers import make_action
from petitions.models import PetitionPage, Signature, SignatureState
from sections.demo import create_sections
from sections.models import SectionSettings
from supporters import retention
from supporters.confirmation import CONFIRMATION_MAX_AGE
from supporters.models import (
    ActionCount,
    ConsentPurpose,
    ConsentRecord,
    PurgeRecord,
    RetentionPurpose,
    Supporter,
)
from supporters.tasks import purge_expired_data

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
# The clock of every purge below: 3 a.m. in Paris on 1 September 2026.
NOW = datetime.datetime(2026, 9, 1, 3, 0, tzinfo=PARIS)
LONG_AGO = datetime.datetime(2014, 1, 1, tzinfo=PARIS)


def at(year, month, day):
    return datetime.datetime(year, month, day, 12, 0, tzinfo=PARIS)


class RetentionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        with cls.captureOnCommitCallbacks(execute=True):
            cls.sections = create_sections()
        france, switzerland = cls.sections["fr"], cls.sections["ch"]
        cls.fr, cls.ch = france.site, switzerland.site
        with cls.captureOnCommitCallbacks(execute=True):
            # Handed to the Belarusian authorities on 15 January: signers go after 15 July (6 months).
            cls.delivered = cls.petition(france.home, "kalesnikava", delivered_on=datetime.date(2026, 1, 15))
            cls.running = cls.petition(france.home, "bialiatski")
            cls.ch_delivered = cls.petition(
                switzerland.home, "kalesnikava", delivered_on=datetime.date(2026, 1, 15)
            )
            # Closed on 28 February: letter writers go after 28 May (3 months).
            cls.letters = make_action(france.home, closes_on=datetime.date(2026, 2, 28))
            cls.join = JoinPage(title="Nous rejoindre", slug="nous-rejoindre", welcome_text="Bienvenue !")
            france.home.add_child(instance=cls.join)

        cls.signed = cls.sign(cls.fr, cls.delivered, "anna@example.org", "Muster")
        cls.signed_running = cls.sign(cls.fr, cls.running, "anna@example.org", "Muster")
        cls.ch_signed = cls.sign(cls.ch, cls.ch_delivered, "luca@example.ch", "Bernasconi")
        cls.pending_old = cls.sign(cls.fr, cls.running, "paul@example.org", "Durand", pending=at(2026, 7, 31))
        cls.pending_recent = cls.sign(cls.fr, cls.running, "lea@example.org", "Petit", pending=at(2026, 8, 5))
        ActionCount.objects.filter(key=cls.delivered.translation_key).update(offset=250)

        cls.letter = Letter.objects.create(
            site=cls.fr,
            supporter=Supporter.for_email(cls.fr, "irina@example.org", "Irina", "Sokolova"),
            language="fr",
            action=cls.letters,
            first_name="Irina",
            last_name="Sokolova",
            town="Lyon",
            country="France",
            letter_language="ru",
            state=LetterState.SENT,
        )
        ActionCount.increment(cls.letters.translation_key)
        cls.message = SolidarityMessage.objects.create(
            site=cls.fr,
            language="fr",
            action=cls.letters,
            author_name="Irina",
            town="Lyon",
            text="Nous pensons à vous, Maryia.",
            status=MessageStatus.APPROVED,
        )

        # A gift whose last payment is over ten years old, and one paid again in 2020.
        cls.old_gift = cls.donation("camille@example.fr", "Martin", paid=[at(2015, 6, 1)])
        cls.kept_gift = cls.donation("jules@example.fr", "Bernard", paid=[at(2014, 3, 1), at(2020, 3, 1)])

        cls.pending_join = Membership.objects.create(
            site=cls.fr,
            supporter=Supporter.for_email(cls.fr, "malik@example.org", "Malik", "Diallo"),
            language="fr",
            join_page_key=cls.join.translation_key,
            join_page=cls.join,
            way="member",
            first_name="Malik",
            last_name="Diallo",
            town="Paris",
            state=MembershipState.PENDING,
        )
        Membership.objects.filter(pk=cls.pending_join.pk).update(created_at=at(2026, 6, 1))

        # Anna still wants the newsletter; Irina said yes, then no.
        cls.newsletter(cls.signed.supporter, True, at(2026, 1, 2))
        cls.newsletter(cls.letter.supporter, True, at(2026, 1, 2))
        cls.newsletter(cls.letter.supporter, False, at(2026, 3, 2))
        Supporter.objects.update(created_at=LONG_AGO)

    @classmethod
    def petition(cls, home, slug, **fields):
        page = PetitionPage(
            title="Libérez Maryia Kalesnikava",
            slug=slug,
            addressee_name="Autorités du Bélarus",
            demand="Libérez Maryia Kalesnikava, condamnée à onze ans de prison.",
            **fields,
        )
        home.add_child(instance=page)
        page.save_revision().publish()
        return PetitionPage.objects.get(pk=page.pk)

    @classmethod
    def sign(cls, site, petition, email, last_name, pending=None):
        signature = Signature.objects.create(
            site=site,
            supporter=Supporter.for_email(site, email, "Anna", last_name),
            language="fr",
            petition_key=petition.translation_key,
            petition=petition,
            first_name="Anna",
            last_name=last_name,
            country="France",
            postal_code="75019",
            state=SignatureState.PENDING if pending else SignatureState.CONFIRMED,
            confirmed_at=None if pending else at(2025, 11, 3),
        )
        if pending:
            Signature.objects.filter(pk=signature.pk).update(created_at=pending)
        else:
            ActionCount.increment(petition.translation_key)
        return signature

    @classmethod
    def donation(cls, email, last_name, paid):
        supporter = Supporter.for_email(cls.fr, email, "Camille", last_name)
        donation = Donation.objects.create(
            site=cls.fr,
            supporter=supporter,
            language="fr",
            frequency="monthly",
            amount=1500,
            currency="EUR",
            status="succeeded",
            idempotency_key=email,
            first_name="Camille",
            last_name=last_name,
            email=email,
            address_line="76 boulevard de la Villette",
            postal_code="75019",
            city="Paris",
            country="France",
        )
        Donation.objects.filter(pk=donation.pk).update(created_at=paid[0])
        for when in paid:
            Payment.objects.create(
                donation=donation,
                status="succeeded",
                amount=1500,
                currency="EUR",
                occurred_at=when,
                status_event_at=when,
            )
        return donation

    @classmethod
    def newsletter(cls, supporter, granted, when):
        ConsentRecord.objects.create(
            supporter=supporter,
            site=supporter.site,
            purpose=ConsentPurpose.NEWSLETTER,
            granted=granted,
            wording="Je souhaite recevoir la lettre d'information.",
            wording_version="v1",
            language="fr",
            action="test",
            created_at=when,
        )

    # --- Each rule -----------------------------------------------------------------------
    def test_an_unconfirmed_signature_is_deleted_after_30_days_and_a_younger_one_stays(self):
        counted = ActionCount.total_for(self.running.translation_key)

        counts = retention.purge(self.fr, NOW)

        self.assertFalse(Signature.objects.filter(pk=self.pending_old.pk).exists())
        self.assertTrue(Signature.objects.filter(pk=self.pending_recent.pk).exists())
        # The pending join of 1 June goes too.
        self.assertFalse(Membership.objects.filter(pk=self.pending_join.pk).exists())
        self.assertEqual(counts[RetentionPurpose.UNCONFIRMED], 2)
        self.assertEqual(ActionCount.total_for(self.running.translation_key), counted)

    def test_paul_can_sign_again_once_his_unconfirmed_signature_is_gone(self):
        retention.purge(self.fr, NOW)

        paul = Supporter.objects.get(pk=self.pending_old.supporter_id)
        self.assertEqual((paul.email, paul.first_name), ("", ""))
        self.assertIsNone(Supporter.with_email(self.fr.pk, "paul@example.org").first())

    def test_signers_are_erased_six_months_after_delivery_and_the_count_stays(self):
        total = ActionCount.total_for(self.delivered.translation_key)
        self.assertEqual(total, 251)

        self.assertEqual(retention.purge(self.fr, at(2026, 7, 15))[RetentionPurpose.SIGNERS], 0)
        counts = retention.purge(self.fr, NOW)

        signed, running = (
            Signature.objects.get(pk=self.signed.pk),
            Signature.objects.get(pk=self.signed_running.pk),
        )
        self.assertEqual((signed.first_name, signed.last_name, signed.postal_code), ("", "", ""))
        self.assertEqual(signed.state, SignatureState.CONFIRMED)
        self.assertEqual(running.last_name, "Muster")
        self.assertEqual(counts[RetentionPurpose.SIGNERS], 1)
        self.assertEqual(ActionCount.total_for(self.delivered.translation_key), 251)
        call_command("reconcile_counts", stdout=StringIO())
        self.assertEqual(ActionCount.total_for(self.delivered.translation_key), 251)

    def test_without_a_delivery_date_the_closing_date_starts_the_period(self):
        PetitionPage.objects.filter(pk=self.running.pk).update(closes_at=at(2026, 2, 1))

        counts = retention.purge(self.fr, NOW)

        self.assertEqual(Signature.objects.get(pk=self.signed_running.pk).last_name, "")
        self.assertEqual(counts[RetentionPurpose.SIGNERS], 2)

    def test_letter_writers_and_messages_are_erased_after_the_campaign_and_the_count_stays(self):
        self.assertEqual(retention.purge(self.fr, at(2026, 5, 28))[RetentionPurpose.LETTER_WRITERS], 0)

        counts = retention.purge(self.fr, NOW)

        letter, message = (
            Letter.objects.get(pk=self.letter.pk),
            SolidarityMessage.objects.get(pk=self.message.pk),
        )
        self.assertEqual((letter.first_name, letter.town, letter.state), ("", "", LetterState.SENT))
        self.assertEqual((message.author_name, message.text), ("", ""))
        self.assertEqual(counts[RetentionPurpose.LETTER_WRITERS], 2)
        self.assertEqual(ActionCount.total_for(self.letters.translation_key), 1)
        self.assertNotIn(message, self.letters.approved_messages())

    def test_donors_are_erased_ten_years_after_their_last_payment_and_the_accounts_stay(self):
        counts = retention.purge(self.fr, NOW)

        old, kept = Donation.objects.get(pk=self.old_gift.pk), Donation.objects.get(pk=self.kept_gift.pk)
        self.assertEqual((old.first_name, old.email, old.address_line, old.city), ("", "", "", ""))
        self.assertEqual(
            (old.amount, old.currency, old.status, old.payments.count()), (1500, "EUR", "succeeded", 1)
        )
        self.assertEqual(kept.email, "jules@example.fr")
        self.assertEqual(counts[RetentionPurpose.DONORS], 1)

    def test_an_email_stays_while_the_newsletter_consent_stands(self):
        counts = retention.purge(self.fr, NOW)

        anna = Supporter.objects.get(pk=self.signed.supporter_id)
        irina = Supporter.objects.get(pk=self.letter.supporter_id)
        camille = Supporter.objects.get(pk=self.old_gift.supporter_id)
        self.assertEqual(anna.email, "anna@example.org")  # newsletter yes (and a running petition)
        self.assertIsNotNone(irina.erased_at)  # withdrew her consent, letter erased
        self.assertIsNotNone(camille.erased_at)  # gift erased, never asked for the newsletter
        self.assertEqual(Supporter.objects.get(pk=self.kept_gift.supporter_id).email, "jules@example.fr")
        # Paul (unconfirmed signature), Malik (unconfirmed join), Irina and Camille.
        self.assertEqual(counts[RetentionPurpose.SUPPORTERS], 4)

    def test_only_the_newsletter_keeps_anna_once_her_signatures_are_erased(self):
        PetitionPage.objects.filter(pk=self.running.pk).update(delivered_on=datetime.date(2026, 1, 20))
        retention.purge(self.fr, NOW)
        self.assertEqual(Supporter.objects.get(pk=self.signed.supporter_id).email, "anna@example.org")

        self.newsletter(self.signed.supporter, False, at(2026, 8, 30))
        self.assertEqual(retention.purge(self.fr, NOW)[RetentionPurpose.SUPPORTERS], 1)
        self.assertIsNotNone(Supporter.objects.get(pk=self.signed.supporter_id).erased_at)

    def test_no_confirmation_link_outlives_the_shortest_unconfirmed_period(self):
        field = SectionSettings._meta.get_field("unconfirmed_retention_days")
        shortest = min(v.limit_value for v in field.validators if isinstance(v, MinValueValidator))
        self.assertGreaterEqual(shortest * 24 * 3600, CONFIRMATION_MAX_AGE)

    # --- The run as a whole --------------------------------------------------------------------
    def test_the_dry_run_announces_exactly_what_the_run_purges_and_changes_nothing(self):
        announced = retention.dry_run(self.fr, NOW)
        self.assertEqual(Signature.objects.get(pk=self.signed.pk).last_name, "Muster")
        self.assertTrue(Signature.objects.filter(pk=self.pending_old.pk).exists())

        self.assertEqual(retention.purge(self.fr, NOW), announced)
        self.assertEqual(set(retention.dry_run(self.fr, NOW).values()), {0})

    def test_each_run_writes_one_anonymous_ledger_line_per_purpose(self):
        retention.purge(self.fr, NOW)

        lines = {line.purpose: line for line in PurgeRecord.objects.filter(site=self.fr)}
        self.assertEqual(set(lines), set(RetentionPurpose.values))
        self.assertEqual(
            {purpose: line.rows for purpose, line in lines.items()},
            {"unconfirmed": 2, "signers": 1, "letter_writers": 2, "donors": 1, "supporters": 4},
        )
        self.assertEqual({line.ran_at for line in lines.values()}, {NOW})
        self.assertEqual(
            {field.name for field in PurgeRecord._meta.fields}, {"id", "site", "purpose", "rows", "ran_at"}
        )

    def test_the_run_is_logged_with_its_figures_and_no_personal_data(self):
        with self.assertLogs("supporters.retention", "INFO") as logs:
            retention.dry_run(self.fr, NOW)
            retention.purge(self.fr, NOW)

        self.assertEqual(len(logs.output), 2)
        self.assertIn(
            f"section={self.fr.pk} unconfirmed=2 signers=1 letter_writers=2 donors=1", logs.output[1]
        )
        for personal in ("anna@example.org", "Muster", "Sokolova", "Lyon", "camille@example.fr", "Villette"):
            self.assertNotIn(personal, "\n".join(logs.output))

    def test_a_sections_purge_leaves_other_sections_alone(self):
        retention.purge(self.fr, NOW)
        self.assertEqual(Signature.objects.get(pk=self.ch_signed.pk).last_name, "Bernasconi")

        self.assertEqual(retention.purge(self.ch, NOW)[RetentionPurpose.SIGNERS], 1)
        self.assertEqual(Signature.objects.get(pk=self.ch_signed.pk).last_name, "")

    def test_a_longer_period_set_by_the_section_keeps_the_signers(self):
        SectionSettings.objects.filter(site=self.fr).update(signers_retention_months=12)
        self.assertEqual(retention.dry_run(self.fr, NOW)[RetentionPurpose.SIGNERS], 0)

    def test_the_scheduled_task_purges_every_section(self):
        PetitionPage.objects.filter(pk=self.running.pk).update(closes_at=at(2026, 2, 1))
        result = purge_expired_data.enqueue()

        self.assertEqual(result.return_value[str(self.ch.pk)]["signers"], 1)
        self.assertEqual(result.return_value[str(self.fr.pk)]["signers"], 2)
        self.assertEqual(Signature.objects.get(pk=self.ch_signed.pk).last_name, "")

    def test_the_command_dry_run_prints_each_sections_figures_and_changes_nothing(self):
        out = StringIO()
        call_command("purge_expired", "--dry-run", stdout=out)

        # The command runs at the real clock: the Swiss figures are the same on any day after July 2026.
        self.assertIn(
            "ch.localhost: would purge unconfirmed 0, signers 1, letter_writers 0, donors 0, supporters 1\n",
            out.getvalue(),
        )
        self.assertEqual(Signature.objects.get(pk=self.ch_signed.pk).last_name, "Bernasconi")
        self.assertFalse(PurgeRecord.objects.exists())

        call_command("purge_expired", stdout=out)
        self.assertEqual(Signature.objects.get(pk=self.ch_signed.pk).last_name, "")
        self.assertEqual(PurgeRecord.objects.filter(site=self.ch, purpose="signers").get().rows, 1)

    # --- What staff see and set -----------------------------------------------------------------
    def staff(self, username, code, role):
        user = User.objects.create_user(username, password="pw")
        user.groups.set([self.sections[code].groups[role]])
        self.client.force_login(user)
        return user

    def test_a_data_officer_sees_the_next_run_of_their_own_section_only(self):
        self.staff("fr-officer", "fr", "data-officer")

        page = self.client.get(reverse("sections_data_retention"))

        self.assertEqual(page.status_code, 200)
        sections = page.context["sections"]
        self.assertEqual([section["site"] for section in sections], [self.fr])
        due = {row["purpose"]: row["due"] for row in sections[0]["rows"]}
        self.assertEqual(due[RetentionPurpose.SIGNERS.label], 1)
        self.assertEqual(due[RetentionPurpose.DONORS.label], 1)
        self.assertNotIn(self.ch.site_name or self.ch.hostname, page.content.decode())

    def test_an_editor_may_not_see_the_retention_report(self):
        self.staff("fr-editor", "fr", "editor")

        response = self.client.get(reverse("sections_data_retention"))

        # Wagtail answers a refused admin page with a redirect to the dashboard and a message.
        self.assertRedirects(response, reverse("wagtailadmin_home"), fetch_redirect_response=False)

    def test_a_donor_period_shorter_than_the_law_is_refused_next_to_the_field_in_the_staffs_language(self):
        admin = User.objects.create_superuser("admin", "admin@example.org", "pw")
        UserProfile.get_for_user(admin).__class__.objects.filter(user=admin).update(preferred_language="de")
        self.client.force_login(admin)
        url = reverse("wagtailsettings:edit", args=["sections", "sectionsettings", self.fr.pk])
        form = self.client.get(url).context["form"]
        data = {}
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[name] = "on" if value is True else value
        data["donors_retention_years"] = "5"

        response = self.client.post(url, data)

        self.assertEqual(response.status_code, 200)
        errors = response.context["form"].errors
        self.assertEqual(list(errors), ["donors_retention_years"])
        self.assertIn("mindestens 10 Jahre", errors["donors_retention_years"][0])
        self.assertIn("Code de commerce, art. L123-22", errors["donors_retention_years"][0])
        self.assertIn('value="5"', response.content.decode())
        self.assertEqual(SectionSettings.objects.get(site=self.fr).donors_retention_years, 10)
