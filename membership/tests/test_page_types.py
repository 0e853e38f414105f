"""The join page sits under a section's home page, routes, renders and previews; editors create it there."""

from django.contrib.auth import get_user_model
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from home.models import HomePage, StandardPage
from membership.models import JoinPage

from .helpers import build_tree, host_of, page_path


class JoinPageTypeTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        build_tree(cls)

    def test_a_join_page_lives_under_a_home_page_only_and_has_no_children(self):
        self.assertCanCreateAt(HomePage, JoinPage)
        self.assertCanNotCreateAt(StandardPage, JoinPage)
        self.assertCanNotCreateAt(Page, JoinPage)
        self.assertAllowedSubpageTypes(JoinPage, set())

    def test_the_join_page_routes_renders_and_previews_in_every_language(self):
        for (code, language), page in self.pages.items():
            with self.subTest(section=code, language=language):
                response = self.client.get(page_path(page), HTTP_HOST=host_of(page))
                self.assertContains(response, f'<h1 class="page-title">{page.title}</h1>')
                self.assertContains(response, f'lang="{language}"')
                self.assertPageIsRenderable(page)
        page = self.pages[("fr", "fr")]
        data = nested_form_data(
            {
                "title": page.title,
                "slug": page.slug,
                "intro": page.intro,
                "body": streamfield([("paragraph", rich_text("<p>Aperçu.</p>"))]),
                "offer_member": "on",
                "minimum_age": "0",
            }
        )
        self.assertPageIsPreviewable(page, post_data=data)

    def test_a_sections_editor_creates_a_join_page_under_its_home(self):
        editor = get_user_model().objects.create_user("editor", password="pw")
        editor.groups.set([self.sections["tg"].groups["editor"]])
        self.client.force_login(editor)
        home = self.sections["tg"].home
        response = self.client.post(
            f"/admin/pages/add/membership/joinpage/{home.pk}/",
            nested_form_data(
                {
                    "title": "Rejoignez-nous",
                    "slug": "rejoignez-nous",
                    "intro": "Agissez avec nous.",
                    "body": streamfield([]),
                    "offer_member": "on",
                    "minimum_age": "18",
                }
            ),
        )
        self.assertEqual(response.status_code, 302)
        created = JoinPage.objects.get(slug="rejoignez-nous")
        self.assertEqual(created.get_parent().pk, home.pk)
        self.assertTrue(created.asks_age)
