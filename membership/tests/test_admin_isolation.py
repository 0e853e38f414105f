"""Who sees which members and groups in the admin: data officers their section's, group coordinators only
the members of their own groups who agreed to share their details, editors their section's groups."""

import io

from django.contrib.auth import get_user_model
from django.test import TestCase
from django.utils import timezone
from openpyxl import load_workbook

from membership.models import LocalGroup, Membership, MembershipState
from supporters.models import Supporter

from .helpers import build_tree

NAMES = ["Paris-Partage", "Paris-Discret", "Paris-EnAttente", "Lyon-Partage", "Lausanne-Partage"]


class AdminIsolationTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        build_tree(cls)
        # Every group open, so that each has members of its own.
        LocalGroup.objects.update(is_open=True)
        rows = [
            ("fr", "Paris", "Paris-Partage", True, MembershipState.CONFIRMED),
            ("fr", "Paris", "Paris-Discret", False, MembershipState.CONFIRMED),
            ("fr", "Paris", "Paris-EnAttente", True, MembershipState.PENDING),
            ("fr", "Lyon", "Lyon-Partage", True, MembershipState.CONFIRMED),
            ("ch", "Lausanne", "Lausanne-Partage", True, MembershipState.CONFIRMED),
        ]
        cls.members = {}
        for code, town, last_name, shared, state in rows:
            section, group = cls.sections[code], cls.groups[(code, town)]
            supporter = Supporter.for_email(
                section.site, f"{last_name.lower()}@example.org", "Afi", last_name
            )
            cls.members[last_name] = Membership.objects.create(
                site=section.site,
                supporter=supporter,
                language="fr",
                join_page_key=cls.pages[(code, "fr")].translation_key,
                join_page=cls.pages[(code, "fr")],
                way="volunteer",
                group=group,
                group_key=group.translation_key,
                first_name="Afi",
                last_name=last_name,
                town=town,
                share_with_group=shared,
                state=state,
                confirmed_at=timezone.now() if state == MembershipState.CONFIRMED else None,
            )
        cls.users = {}
        for username, code, role in [
            ("paris-coordinator", "fr", "coordinator"),
            ("lausanne-coordinator", "ch", "coordinator"),
            ("fr-officer", "fr", "data-officer"),
            ("ch-officer", "ch", "data-officer"),
            ("fr-editor", "fr", "editor"),
            ("ch-editor", "ch", "editor"),
        ]:
            user = get_user_model().objects.create_user(username, password="pw")
            user.groups.set([cls.sections[code].groups[role]])
            cls.users[username] = user
        cls.groups[("fr", "Paris")].coordinators.set([cls.users["paris-coordinator"]])
        cls.groups[("ch", "Lausanne")].coordinators.set([cls.users["lausanne-coordinator"]])

    def as_user(self, username):
        self.client.force_login(self.users[username])
        return self.client

    def listed(self, username, query=""):
        html = self.as_user(username).get(f"/admin/members/{query}").content.decode()
        return {name for name in NAMES if name in html}

    def exported(self, username):
        response = self.as_user(username).get("/admin/members/?export=xlsx")
        self.assertEqual(response.status_code, 200)
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        return {row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}

    def test_a_coordinator_sees_and_exports_only_their_groups_confirmed_members_who_agreed_to_share(self):
        self.assertEqual(self.listed("paris-coordinator"), {"Paris-Partage"})
        self.assertEqual(self.listed("paris-coordinator", "?q=Lyon"), set())
        self.assertEqual(self.exported("paris-coordinator"), {"Paris-Partage"})
        self.assertEqual(self.listed("lausanne-coordinator"), {"Lausanne-Partage"})

    def test_another_groups_members_are_not_found_in_any_view(self):
        client = self.as_user("paris-coordinator")
        own = self.members["Paris-Partage"]
        self.assertEqual(client.get(f"/admin/members/inspect/{own.pk}/").status_code, 200)
        for name in ("Paris-Discret", "Paris-EnAttente", "Lyon-Partage", "Lausanne-Partage"):
            with self.subTest(member=name):
                pk = self.members[name].pk
                self.assertEqual(client.get(f"/admin/members/inspect/{pk}/").status_code, 404)
                self.assertEqual(client.get(f"/admin/members/erase/{pk}/").status_code, 404)

    def test_coordinators_may_not_erase_even_their_own_groups_members(self):
        client = self.as_user("paris-coordinator")
        pk = self.members["Paris-Partage"].pk
        self.assertNotContains(client.get(f"/admin/members/inspect/{pk}/"), f"/admin/members/erase/{pk}/")
        client.post(f"/admin/members/erase/{pk}/")
        self.assertIsNone(Supporter.objects.get(pk=self.members["Paris-Partage"].supporter_id).erased_at)

    def test_a_data_officer_sees_all_of_their_sections_members_and_none_of_another(self):
        self.assertEqual(
            self.listed("fr-officer"), {"Paris-Partage", "Paris-Discret", "Paris-EnAttente", "Lyon-Partage"}
        )
        self.assertEqual(self.exported("ch-officer"), {"Lausanne-Partage"})
        pk = self.members["Lausanne-Partage"].pk
        self.assertEqual(self.as_user("fr-officer").get(f"/admin/members/inspect/{pk}/").status_code, 404)

    def test_a_data_officer_erases_a_member_and_the_row_stays(self):
        member = self.members["Lyon-Partage"]
        response = self.as_user("fr-officer").post(f"/admin/members/erase/{member.pk}/")
        self.assertEqual(response.status_code, 302)
        member.refresh_from_db()
        self.assertEqual((member.first_name, member.last_name, member.town, member.phone), ("", "", "", ""))
        self.assertIsNotNone(Supporter.objects.get(pk=member.supporter_id).erased_at)

    def test_editors_see_and_edit_only_their_sections_groups(self):
        client = self.as_user("fr-editor")
        html = client.get("/admin/snippets/membership/localgroup/").content.decode()
        self.assertIn("Groupe de Paris", html)
        self.assertNotIn("Groupe de Lausanne", html)
        lausanne = self.groups[("ch", "Lausanne")]
        self.assertEqual(
            client.get(f"/admin/snippets/membership/localgroup/edit/{lausanne.pk}/").status_code, 404
        )
        paris = self.groups[("fr", "Paris")]
        form = client.get(f"/admin/snippets/membership/localgroup/edit/{paris.pk}/").content.decode()
        # Only the editor's section, and only its coordinators, can be chosen.
        self.assertIn("paris-coordinator", form)
        self.assertNotIn("lausanne-coordinator", form)
        self.assertNotIn(f'value="{self.sections["ch"].site.pk}"', form)

    def test_nobody_without_a_role_of_the_section_reaches_members(self):
        # Wagtail sends a user without the permission back to the dashboard.
        response = self.as_user("ch-editor").get("/admin/members/")
        self.assertEqual((response.status_code, response["Location"]), (302, "/admin/"))

    def test_every_export_and_inspect_of_members_is_in_the_data_access_log_without_names(self):
        from wagtail.models import ModelLogEntry

        self.exported("paris-coordinator")
        member = self.members["Paris-Partage"]
        self.as_user("paris-coordinator").get(f"/admin/members/inspect/{member.pk}/")
        entries = ModelLogEntry.objects.filter(user=self.users["paris-coordinator"]).order_by("pk")
        self.assertEqual(
            [(entry.action, entry.data["model"], entry.data["rows"]) for entry in entries],
            [
                ("plaidoyer.export", "membership.membership", 1),
                ("plaidoyer.inspect", "membership.membership", 1),
            ],
        )
        self.assertTrue(all("Paris-Partage" not in entry.label for entry in entries))
