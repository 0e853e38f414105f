"""Each section's editors, moderators, translators and data officers act on their own section only."""

from django.contrib.auth import get_user_model
from django.test import TestCase
from django.urls import reverse
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Collection, Page

from home.models import StandardPage
from sections.demo import create_sections
from sections.roles import ROLES


class SectionRoleTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        with cls.captureOnCommitCallbacks(execute=True):
            cls.sections = create_sections()
        cls.pages, cls.images, cls.users = {}, {}, {}
        for code in ("ch", "fr"):
            section = cls.sections[code]
            page = StandardPage(title="Nous rejoindre", slug="nous-rejoindre", intro="Devenez bénévole.")
            section.home.add_child(instance=page)
            page.save_revision().publish()
            cls.pages[code] = page
            collection = Collection.objects.get(name=section.settings.name)
            cls.images[code] = get_image_model().objects.create(
                title=f"Affiche {code}", file=get_test_image_file(), collection=collection
            )
            for role in ROLES:
                user = get_user_model().objects.create_user(f"{code}-{role.slug}", password="pw")
                user.groups.set([section.groups[role.slug]])
                cls.users[f"{code}-{role.slug}"] = user

    def as_user(self, username):
        self.client.force_login(self.users[username])
        return self.client

    def test_every_section_has_its_five_groups(self):
        for code in ("ch", "fr", "tg"):
            self.assertEqual(
                sorted(self.sections[code].groups),
                ["coordinator", "data-officer", "editor", "moderator", "translator"],
            )

    def test_an_editor_edits_their_sections_pages_and_never_another_sections(self):
        client = self.as_user("ch-editor")
        self.assertEqual(
            client.get(reverse("wagtailadmin_pages:edit", args=[self.pages["ch"].pk])).status_code, 200
        )
        other = client.get(reverse("wagtailadmin_pages:edit", args=[self.pages["fr"].pk]))
        self.assertNotEqual(other.status_code, 200)
        self.assertNotContains(other, "Devenez bénévole", status_code=other.status_code)
        delete = client.post(reverse("wagtailadmin_pages:delete", args=[self.pages["fr"].pk]))
        self.assertNotEqual(delete.status_code, 200)
        self.assertTrue(Page.objects.filter(pk=self.pages["fr"].pk).exists())
        # And in return for the French section's editor.
        client = self.as_user("fr-editor")
        self.assertEqual(
            client.get(reverse("wagtailadmin_pages:edit", args=[self.pages["fr"].pk])).status_code, 200
        )
        self.assertNotEqual(
            client.get(reverse("wagtailadmin_pages:edit", args=[self.pages["ch"].pk])).status_code, 200
        )

    def test_an_editor_submits_for_moderation_and_a_moderator_of_the_section_publishes(self):
        page = self.pages["ch"]
        edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
        form = {
            "title": "Rejoignez-nous",
            "slug": "nous-rejoindre",
            "intro": "Devenez membre.",
            "body-count": "0",
        }
        client = self.as_user("ch-editor")
        client.post(edit_url, {**form, "action-publish": "publish"})
        page.refresh_from_db()
        self.assertEqual(page.title, "Nous rejoindre", "an editor cannot publish")
        client.post(edit_url, {**form, "action-submit": "submit"})
        page.refresh_from_db()
        self.assertEqual(page.title, "Nous rejoindre")
        state = page.current_workflow_state
        self.assertIsNotNone(state, "the draft waits for the section's moderators")
        task_state = state.current_task_state
        # A moderator of another section cannot approve it.
        self.assertFalse(task_state.task.specific.user_can_access_editor(page, self.users["fr-moderator"]))
        client = self.as_user("ch-moderator")
        response = client.post(
            reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "approve", task_state.pk]),
            {"comment": ""},
        )
        self.assertLess(response.status_code, 400)
        page.refresh_from_db()
        self.assertEqual(page.title, "Rejoignez-nous")
        self.assertTrue(page.live)

    def test_images_of_another_section_are_out_of_reach(self):
        client = self.as_user("ch-editor")
        self.assertEqual(
            client.get(reverse("wagtailimages:edit", args=[self.images["ch"].pk])).status_code, 200
        )
        self.assertNotEqual(
            client.get(reverse("wagtailimages:edit", args=[self.images["fr"].pk])).status_code, 200
        )
        listing = client.get(reverse("wagtailimages:index"))
        self.assertContains(listing, "Affiche ch")
        self.assertNotContains(listing, "Affiche fr")

    def test_section_settings_are_not_for_editors(self):
        client = self.as_user("ch-editor")
        url = reverse(
            "wagtailsettings:edit", args=["sections", "sectionsettings", self.sections["fr"].site.pk]
        )
        self.assertNotEqual(client.get(url).status_code, 200)

    def test_a_translator_sends_their_sections_pages_to_translation_only(self):
        client = self.as_user("ch-translator")
        url = reverse("wagtail_localize:submit_page_translation", args=[self.pages["ch"].pk])
        self.assertEqual(client.get(url).status_code, 200)
        other = reverse("wagtail_localize:submit_page_translation", args=[self.pages["fr"].pk])
        self.assertEqual(client.get(other).status_code, 404)

    def test_only_data_officers_see_supporters_and_only_their_sections(self):
        self.assertEqual(self.as_user("ch-data-officer").get("/admin/signatures/").status_code, 200)
        self.assertNotEqual(self.as_user("ch-editor").get("/admin/signatures/").status_code, 200)
        from sections.permissions import sites_for_user

        self.assertEqual(list(sites_for_user(self.users["ch-data-officer"])), [self.sections["ch"].site])
        self.assertEqual(list(sites_for_user(self.users["ch-editor"])), [])

    def test_setting_the_sections_up_again_creates_nothing_twice(self):
        from django.contrib.auth.models import Group
        from wagtail.models import GroupPagePermission, Workflow

        counts = (Group.objects.count(), GroupPagePermission.objects.count(), Workflow.objects.count())
        with self.captureOnCommitCallbacks(execute=True):
            create_sections()
        self.assertEqual(
            (Group.objects.count(), GroupPagePermission.objects.count(), Workflow.objects.count()), counts
        )

    def test_roles_reach_every_language_of_their_section_and_a_language_added_later(self):
        from sections.translation import translate

        with self.captureOnCommitCallbacks(execute=True):
            german = translate(self.pages["ch"], "de", {"Nous rejoindre": "Mitmachen"})
        edit = reverse("wagtailadmin_pages:edit", args=[german.pk])
        self.assertEqual(self.as_user("ch-editor").get(edit).status_code, 200)
        self.assertEqual(self.as_user("ch-translator").get(edit).status_code, 200)
        self.assertNotEqual(self.as_user("fr-editor").get(edit).status_code, 200)

        # The Swiss section takes on English: its roles and its workflow follow into the new tree.
        with self.captureOnCommitCallbacks(execute=True):
            english_home = translate(self.sections["ch"].home, "en", {})
        edit = reverse("wagtailadmin_pages:edit", args=[english_home.pk])
        self.assertEqual(self.as_user("ch-editor").get(edit).status_code, 200)
        self.assertNotEqual(self.as_user("fr-editor").get(edit).status_code, 200)
        self.assertEqual(english_home.get_workflow(), self.sections["ch"].home.get_workflow())

    def submit_as_editor(self, page, **changes):
        form = {"title": page.title, "slug": page.slug, "intro": page.intro, "body-count": "0", **changes}
        self.as_user("ch-editor").post(
            reverse("wagtailadmin_pages:edit", args=[page.pk]), {**form, "action-submit": "submit"}
        )
        page.refresh_from_db()
        return page.current_workflow_state.current_task_state

    def test_a_moderator_rejects_and_the_page_stays_as_it_was(self):
        page = self.pages["ch"]
        task_state = self.submit_as_editor(page, title="Titre refusé")
        response = self.as_user("ch-moderator").post(
            reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "reject", task_state.pk]),
            {"comment": "Le titre ne convient pas."},
        )
        self.assertLess(response.status_code, 400)
        page.refresh_from_db()
        self.assertEqual(page.title, "Nous rejoindre")
        self.assertEqual(page.current_workflow_state.status, "needs_changes")
        self.assertNotContains(self.client_class().get(page.url, HTTP_HOST="ch.localhost"), "Titre refusé")

    def test_an_approved_page_with_a_publication_date_goes_live_at_that_date(self):
        from datetime import timedelta

        from django.core.management import call_command
        from django.utils import timezone
        from wagtail.models import Revision

        page = self.pages["ch"]
        go_live = timezone.localtime(timezone.now() + timedelta(days=2)).strftime("%Y-%m-%d %H:%M")
        task_state = self.submit_as_editor(page, title="Rejoignez-nous", go_live_at=go_live)
        self.as_user("ch-moderator").post(
            reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "approve", task_state.pk]),
            {"comment": ""},
        )
        page.refresh_from_db()
        self.assertEqual(page.title, "Nous rejoindre", "approved, it waits for its date")
        scheduled = Revision.page_revisions.filter(object_id=str(page.pk), approved_go_live_at__isnull=False)
        self.assertEqual(scheduled.count(), 1)
        # Its date comes (moved to a minute ago): Wagtail's scheduler (`publish_scheduled`, run by cron)
        # publishes it.
        revision = scheduled.get()
        revision.approved_go_live_at = timezone.now() - timedelta(minutes=1)
        revision.content["go_live_at"] = revision.approved_go_live_at.isoformat()
        revision.save()
        call_command("publish_scheduled")
        page.refresh_from_db()
        self.assertEqual(page.title, "Rejoignez-nous")
        self.assertTrue(page.live)

    def test_workflows_and_their_tasks_are_not_for_section_staff(self):
        from wagtail.models import Task, Workflow

        french = Workflow.objects.get(name="fr moderation")
        task = Task.objects.get(name="fr moderators approve")
        for username in ("ch-editor", "ch-moderator", "ch-translator", "ch-data-officer"):
            client = self.as_user(username)
            for url in (
                reverse("wagtailadmin_workflows:index"),
                reverse("wagtailadmin_workflows:edit", args=[french.pk]),
                reverse("wagtailadmin_workflows:edit_task", args=[task.pk]),
            ):
                response = client.get(url)
                self.assertNotEqual(response.status_code, 200, (username, url))
                self.assertNotContains(response, "fr moderation", status_code=response.status_code)
            client.post(reverse("wagtailadmin_workflows:disable", args=[french.pk]))
        french.refresh_from_db()
        self.assertTrue(french.active)
