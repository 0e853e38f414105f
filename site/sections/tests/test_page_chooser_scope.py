"""The page chooser (links, pinned actions, privacy page…) lists and finds only the editor's own sections'
pages: another section's pages, and even their titles, stay out of sight."""

from django.contrib.auth import get_user_model
from django.test import TestCase
from wagtail.models import Page

from home.models import StandardPage
from sections.demo import create_sections


class PageChooserScopeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        with cls.captureOnCommitCallbacks(execute=True):
            cls.sections = create_sections()
        cls.pages = {}
        for code, title in (("ch", "Mitmachen Zyxch"), ("fr", "Nous rejoindre Zyxfr")):
            page = StandardPage(title=title, slug=f"rejoindre-{code}", intro="Devenez bénévole.")
            cls.sections[code].home.add_child(instance=page)
            page.save_revision().publish()
            cls.pages[code] = page
        cls.editor = get_user_model().objects.create_user("ch-editor", password="pw")
        cls.editor.groups.set([cls.sections["ch"].groups["editor"]])

    def setUp(self):
        self.client.force_login(self.editor)

    def assert_lists_only_swiss_pages(self, response):
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, f'data-id="{self.pages["fr"].pk}"')
        self.assertNotContains(response, f"/{self.pages['fr'].pk}/")
        self.assertNotContains(response, self.sections["fr"].settings.name)

    def test_the_chooser_searches_only_the_editors_sections(self):
        response = self.client.get("/admin/choose-page/search/", {"q": "Zyxfr"})
        self.assert_lists_only_swiss_pages(response)
        own = self.client.get("/admin/choose-page/search/", {"q": "Zyxch"})
        self.assertContains(own, f"/{self.pages['ch'].pk}/")

    def test_the_chooser_browses_only_the_editors_sections(self):
        self.assert_lists_only_swiss_pages(self.client.get("/admin/choose-page/"))
        root = Page.get_first_root_node()  # its id depends on what earlier tests made and flushed
        self.assert_lists_only_swiss_pages(self.client.get(f"/admin/choose-page/{root.pk}/"))
        other = self.client.get(f"/admin/choose-page/{self.sections['fr'].home.pk}/")
        self.assertEqual(other.status_code, 404)
        own = self.client.get(f"/admin/choose-page/{self.sections['ch'].home.pk}/")
        self.assertContains(own, f"/{self.pages['ch'].pk}/")
