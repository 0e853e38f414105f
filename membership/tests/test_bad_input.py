"""Bad input on the join form: a clear message next to the field, in the page's language, what was typed kept,
nothing written, never a 5xx."""

from bs4 import BeautifulSoup
from django.core import mail
from django.core.cache import cache
from django.test import TestCase, override_settings

from membership.models import JoinPage, Membership
from supporters.models import ConsentRecord, Supporter

from .helpers import build_tree, host_of, join, page_path, t, text_of


def field_errors(response, name):
    soup = BeautifulSoup(response.content, "html.parser")
    errors = soup.find(id=f"id_{name}_errors")
    return " ".join(errors.get_text(" ").split()) if errors else ""


def value_of(response, name):
    soup = BeautifulSoup(response.content, "html.parser")
    return soup.find(attrs={"name": name}).get("value")


class BadInputTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        build_tree(cls)

    def setUp(self):
        cache.clear()

    def assert_nothing_written(self):
        self.assertEqual(Membership.objects.count(), 0)
        self.assertEqual(Supporter.objects.count(), 0)
        self.assertEqual(ConsentRecord.objects.count(), 0)
        self.assertEqual(mail.outbox, [])

    def assert_refused(self, response, field, message, language="fr"):
        self.assertEqual(response.status_code, 200)
        self.assertIn(message, field_errors(response, field))
        self.assertIn(t("Please correct the fields marked below.", language), text_of(response))
        self.assert_nothing_written()

    def test_a_group_of_another_section_is_refused(self):
        page = self.pages[("ch", "fr")]
        response = join(self.client, page, self.groups[("fr", "Paris")], first_name="Léa")
        self.assert_refused(response, "group", t("Please choose one of the local groups listed."))
        self.assertEqual(value_of(response, "first_name"), "Léa")

    def test_a_full_group_is_refused_with_a_way_forward(self):
        page = self.pages[("fr", "fr")]
        response = join(self.client, page, self.groups[("fr", "Lyon")])
        self.assert_refused(
            response,
            "group",
            t("This group is full for now. Please choose another group, or join without one."),
        )

    def test_volunteering_in_a_group_needs_a_group(self):
        response = join(self.client, self.pages[("fr", "fr")], way="volunteer")
        self.assert_refused(response, "group", t("To volunteer in a local group, please choose one."))

    def test_an_age_below_the_sections_minimum_is_refused(self):
        page = self.pages[("tg", "fr")]
        response = join(self.client, page, age_bracket="0", email="jeune@example.org")
        self.assert_refused(
            response,
            "age_bracket",
            t("You can join this section from the age of %(age)s. Thank you for your interest!", age=16),
        )
        self.assertEqual(value_of(response, "email"), "jeune@example.org")
        missing = join(self.client, page, age_bracket="")
        self.assert_refused(missing, "age_bracket", t("Please tell us your age bracket."))

    def test_a_phone_number_that_is_not_one_is_refused(self):
        response = join(self.client, self.pages[("ch", "fr")], phone="12")
        self.assert_refused(
            response,
            "phone",
            t(
                "This is not a phone number we can call. Please check it, or add your country code (e.g. +41)."
            ),
        )
        self.assertEqual(value_of(response, "phone"), "12")

    def test_overlong_fields_and_markup_are_refused(self):
        page = self.pages[("fr", "fr")]
        response = join(self.client, page, town="x" * 81)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(field_errors(response, "town"))
        markup = join(self.client, page, town="<b>Lyon</b>", first_name="<script>x</script>")
        self.assert_refused(
            markup, "town", t("Please write the name of your town without special characters.")
        )
        self.assertTrue(field_errors(markup, "first_name"))
        self.assertNotIn("<script>x</script>", markup.content.decode())

    def test_a_missing_consent_or_a_tampered_choice_is_refused(self):
        page = self.pages[("fr", "fr")]
        self.assert_refused(
            join(self.client, page, consent=None), "consent", t("We can only welcome you with this consent.")
        )
        self.assert_refused(
            join(self.client, page, way="president"), "way", t("Please choose one of the ways offered.")
        )

    def test_messages_are_in_the_pages_language(self):
        response = join(self.client, self.pages[("ch", "de")], first_name="", email="kaputt")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Dieses Feld muss ausgefüllt werden.", field_errors(response, "first_name"))
        self.assertIn(
            t("Please enter a valid email address, like name@example.org.", "de"),
            field_errors(response, "email"),
        )
        self.assertEqual(value_of(response, "email"), "kaputt")
        self.assert_nothing_written()

    def test_a_closed_join_page_takes_nobody_and_says_so(self):
        page = JoinPage.objects.get(pk=self.pages[("fr", "fr")].pk)
        page.closed = True
        page.save_revision().publish()
        response = join(self.client, page)
        self.assertEqual(response.status_code, 403)
        message = t("This section is not taking new members through this page at the moment.")
        self.assertIn(message, text_of(response))
        self.assertIn(message, text_of(self.client.get(page_path(page), HTTP_HOST=host_of(page))))
        self.assert_nothing_written()

    def test_a_forged_or_foreign_confirmation_link_confirms_nothing(self):
        page = self.pages[("fr", "fr")]
        join(self.client, page)
        membership = Membership.objects.get()
        for token in (f"{membership.pk}:1abcde:forged", "nothing"):
            response = self.client.post(f"/fr/join/confirm/{token}/", HTTP_HOST=host_of(page))
            self.assertEqual(response.status_code, 400)
            self.assertIn(
                t(
                    "This confirmation link is not valid. Please use the link exactly as it appears in the email we sent you."
                ),
                text_of(response),
            )
        from petitions.signatures import confirmation_token

        # A petition's confirmation token for the same number does not confirm a membership.
        other = self.client.post(
            f"/fr/join/confirm/{confirmation_token(membership.pk)}/", HTTP_HOST=host_of(page)
        )
        self.assertEqual(other.status_code, 400)
        membership.refresh_from_db()
        self.assertEqual(membership.state, "pending")

    @override_settings(JOIN_RATE_LIMITS={"ip": (3, 600), "section": (600, 60)})
    def test_too_many_joins_from_one_address_are_slowed_down(self):
        page = self.pages[("fr", "fr")]
        statuses = [join(self.client, page, email=f"p{n}@example.org").status_code for n in range(4)]
        self.assertEqual(statuses, [303, 303, 303, 429])
        self.assertEqual(Membership.objects.count(), 3)
