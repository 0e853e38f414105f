"""Joining a section: the form, double opt-in, the welcome and coordinator emails, duplicates, counts."""

from django.core import mail
from django.core.cache import cache
from django.test import TestCase

from membership.models import Membership, MembershipState
from supporters.models import ActionCount, ConsentPurpose, ConsentRecord, Supporter
from supporters.tests.helpers import email_hashes

from .helpers import build_tree, confirmation_path, host_of, join, page_path, sent_to, t, text_of


class JoinFlowTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        build_tree(cls)

    def setUp(self):
        cache.clear()

    def join_and_confirm(self, page, group=None, **overrides):
        response = join(self.client, page, group, **overrides)
        self.assertEqual(response.status_code, 303)
        path = confirmation_path(mail.outbox[-1])
        return response, path

    def test_a_visitor_joins_a_group_in_each_section_and_language_after_confirming_their_address(self):
        cases = [
            ("ch", "fr", "Lausanne"),
            ("ch", "de", "Lausanne:de"),
            ("ch", "it", "Lausanne:it"),
            ("fr", "fr", "Paris"),
            ("tg", "fr", "Lomé"),
        ]
        for index, (code, language, group_name) in enumerate(cases):
            with self.subTest(section=code, language=language):
                mail.outbox.clear()
                page, group = self.pages[(code, language)], self.groups[(code, group_name)]
                email = f"person{index}@example.org"
                response = join(self.client, page, group, email=email, share_with_group="on", phone="")
                self.assertEqual(response.status_code, 303)
                thanks = self.client.get(response["Location"], HTTP_HOST=host_of(page))
                self.assertIn(
                    t(
                        "We have sent you an email. Please open the link in it to confirm your address: we welcome you once you have.",
                        language,
                    ),
                    text_of(thanks),
                )
                membership = Membership.objects.get(supporter__email_hash__in=email_hashes(email))
                self.assertEqual(membership.state, MembershipState.PENDING)
                [confirmation] = mail.outbox
                self.assertEqual(confirmation.to, [email])
                self.assertIn(
                    t(
                        "Please confirm your email address with this link: we welcome you once you have.",
                        language,
                    ),
                    " ".join(confirmation.body.split()),
                )
                path = confirmation_path(confirmation)
                self.assertTrue(path.startswith(f"/{language}/join/confirm/"))
                # The link opens a page with one button: opening it confirms nothing (mail scanners fetch links).
                button = self.client.get(path, HTTP_HOST=host_of(page))
                self.assertEqual(button.status_code, 200)
                self.assertIn(t("Confirm that I am joining", language), text_of(button))
                membership.refresh_from_db()
                self.assertEqual(membership.state, MembershipState.PENDING)
                self.assertEqual(len(mail.outbox), 1)
                confirmed = self.client.post(path, HTTP_HOST=host_of(page))
                self.assertIn(
                    t("Your membership is confirmed. We have sent you a welcome email.", language),
                    text_of(confirmed),
                )
                membership.refresh_from_db()
                self.assertEqual(membership.state, MembershipState.CONFIRMED)
                [welcome] = sent_to(email)[1:]
                self.assertIn(t("Welcome to %(name)s", language, name="").rstrip(), welcome.subject)
                self.assertIn("Bienvenue dans le mouvement !", welcome.body)
                self.assertIn(group.contact_email, welcome.body)
                [coordinator] = sent_to(group.contact_email)
                self.assertIn(email, coordinator.body)
                self.assertIn("Mensah", coordinator.body)
                self.assertIn(t("How they take part:", language), coordinator.body)

    def test_a_second_click_confirms_once_and_welcomes_once(self):
        page = self.pages[("fr", "fr")]
        _response, path = self.join_and_confirm(page, self.groups[("fr", "Paris")], share_with_group="on")
        self.client.post(path, HTTP_HOST=host_of(page))
        self.client.post(path, HTTP_HOST=host_of(page))
        self.assertEqual(ActionCount.total_for(page.translation_key), 1)
        self.assertEqual(len(sent_to("afi@example.org")), 2)  # the link, then one welcome
        self.assertEqual(len(sent_to(self.groups[("fr", "Paris")].contact_email)), 1)

    def test_the_coordinator_gets_only_what_the_person_agreed_to_share(self):
        page, group = self.pages[("fr", "fr")], self.groups[("fr", "Paris")]
        _response, path = self.join_and_confirm(page, group, phone="06 12 34 56 78")
        self.client.post(path, HTTP_HOST=host_of(page))
        [coordinator] = sent_to(group.contact_email)
        self.assertNotIn("afi@example.org", coordinator.body)
        self.assertNotIn("Mensah", coordinator.body)
        self.assertNotIn("+33612345678", coordinator.body)
        self.assertIn(
            t(
                "They did not agree to pass their contact details to the group. The section's office will put them in touch with you."
            ),
            " ".join(coordinator.body.split()),
        )
        records = ConsentRecord.objects.filter(action=f"membership.membership:{Membership.objects.get().pk}")
        self.assertEqual(
            {(record.purpose, record.granted) for record in records},
            {
                (ConsentPurpose.PROCESSING, True),
                (ConsentPurpose.NEWSLETTER, False),
                (ConsentPurpose.GROUP_CONTACT, False),
            },
        )

    def test_a_phone_number_is_stored_in_international_form_and_shared_when_agreed(self):
        page, group = self.pages[("ch", "fr")], self.groups[("ch", "Lausanne")]
        _response, path = self.join_and_confirm(page, group, phone="021 312 34 56", share_with_group="on")
        self.client.post(path, HTTP_HOST=host_of(page))
        self.assertEqual(Membership.objects.get().phone, "+41213123456")
        [coordinator] = sent_to(group.contact_email)
        self.assertIn("+41213123456", coordinator.body)

    def test_joining_without_a_group_tells_no_coordinator(self):
        page = self.pages[("fr", "fr")]
        _response, path = self.join_and_confirm(page, way="activist")
        self.client.post(path, HTTP_HOST=host_of(page))
        self.assertEqual([message.to for message in mail.outbox], [["afi@example.org"], ["afi@example.org"]])

    def test_joining_again_with_the_same_address_changes_nothing_and_emails_the_person(self):
        page = self.pages[("fr", "fr")]
        _response, path = self.join_and_confirm(page, self.groups[("fr", "Paris")])
        self.client.post(path, HTTP_HOST=host_of(page))
        mail.outbox.clear()
        again = join(self.client, page, first_name="Autre", town="Marseille", email="AFI@example.org ")
        self.assertEqual(again.status_code, 303)
        self.assertEqual(again["Location"], page_path(page) + "thanks/")
        membership = Membership.objects.get()
        self.assertEqual((membership.first_name, membership.town), ("Afi", "Lomé"))
        self.assertEqual(ActionCount.total_for(page.translation_key), 1)
        [message] = mail.outbox
        self.assertEqual(message.to, ["afi@example.org"])
        self.assertIn(
            t("Your membership is confirmed. To change your details, simply reply to this email."),
            " ".join(message.body.split()),
        )
        # A third try within the hour sends nothing more: nobody floods a stranger's mailbox.
        join(self.client, page, email="afi@example.org")
        self.assertEqual(len(mail.outbox), 1)

    def test_a_person_counts_once_per_section_and_in_each_section_they_join(self):
        for code in ("fr", "tg"):
            page = self.pages[(code, "fr")]
            _response, path = self.join_and_confirm(page)
            self.client.post(path, HTTP_HOST=host_of(page))
        self.assertEqual(ActionCount.total_for(self.pages[("fr", "fr")].translation_key), 1)
        self.assertEqual(ActionCount.total_for(self.pages[("tg", "fr")].translation_key), 1)
        self.assertEqual(Supporter.objects.count(), 2)

    def test_the_join_page_lists_the_sections_groups_and_filters_them_by_town(self):
        page = self.pages[("ch", "fr")]
        html = self.client.get(page_path(page), HTTP_HOST=host_of(page)).content.decode()
        self.assertIn("Groupe de Lausanne", html)
        self.assertIn("Groupe de Genève", html)
        self.assertNotIn("Groupe de Paris", html)
        self.assertIn(f'id="{self.groups[("ch", "Lausanne")].anchor}"', html)
        filtered = self.client.get(page_path(page) + "?town=Genève", HTTP_HOST=host_of(page))
        self.assertNotIn(f'id="{self.groups[("ch", "Lausanne")].anchor}"', filtered.content.decode())
        self.assertIn(f'id="{self.groups[("ch", "Genève")].anchor}"', filtered.content.decode())
        self.assertIn(t("Full for now"), text_of(filtered))
        # The full group is listed, but not offered in the form.
        self.assertNotIn(f'<option value="{self.groups[("ch", "Genève")].pk}"', html)

    def test_a_groups_link_opens_the_form_with_that_group_chosen(self):
        page, group = self.pages[("ch", "fr")], self.groups[("ch", "Lausanne")]
        html = self.client.get(page_path(page), HTTP_HOST=host_of(page)).content.decode()
        self.assertIn(f"?group={group.pk}#join", html)
        chosen = self.client.get(page_path(page) + f"?group={group.pk}", HTTP_HOST=host_of(page))
        self.assertIn(f'<option value="{group.pk}" selected>', chosen.content.decode())
