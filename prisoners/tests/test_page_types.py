"""Where prisoner pages may be created, and that they route, render and preview."""

from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from home.models import HomePage, NewsIndexPage, StandardPage
from prisoners.models import PrisonerIndexPage, PrisonerPage
from sections.demo import create_sections

from .conftest import make_index, make_profile, make_record


class PrisonerPageTypesTest(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        with cls.captureOnCommitCallbacks(execute=True):
            cls.sections = create_sections()
            cls.index = make_index(cls.sections["ch"].home)
            cls.profile = make_profile(cls.index, make_record())

    def setUp(self):
        self.login()  # previews are an editor's view

    def test_index_lives_under_a_section_home_only(self):
        self.assertCanCreateAt(HomePage, PrisonerIndexPage)
        self.assertCanNotCreateAt(Page, PrisonerIndexPage)
        self.assertCanNotCreateAt(StandardPage, PrisonerIndexPage)
        self.assertCanNotCreateAt(PrisonerIndexPage, PrisonerIndexPage)
        self.assertAllowedSubpageTypes(PrisonerIndexPage, {PrisonerPage})

    def test_profile_lives_under_an_index_only_and_has_no_children(self):
        self.assertCanCreateAt(PrisonerIndexPage, PrisonerPage)
        self.assertCanNotCreateAt(HomePage, PrisonerPage)
        self.assertCanNotCreateAt(StandardPage, PrisonerPage)
        self.assertCanNotCreateAt(NewsIndexPage, PrisonerPage)
        self.assertAllowedSubpageTypes(PrisonerPage, {})
        self.assertAllowedParentPageTypes(PrisonerPage, {PrisonerIndexPage})

    def assertRoutes(self, page):
        # assertPageIsRoutable ignores the language prefix of i18n_patterns: route through a real request.
        response = self.client.get(page.get_url(), HTTP_HOST="ch.localhost:8000")
        self.assertContains(response, f'<h1 class="page-title">{page.title}</h1>')

    def test_index_routes_renders_and_previews(self):
        self.assertRoutes(self.index)
        self.assertPageIsRenderable(self.index)
        self.assertPageIsRenderable(self.index, query_data={"status": "released", "q": "Kolesnikova"})
        self.assertPageIsPreviewable(
            self.index,
            post_data=nested_form_data({"title": "Prisonniers", "slug": "prisonniers", "intro": ""}),
        )

    def test_profile_routes_renders_and_previews(self):
        self.assertRoutes(self.profile)
        self.assertPageIsRenderable(self.profile)
        self.assertPageIsPreviewable(
            self.profile,
            post_data=nested_form_data(
                {
                    "title": self.profile.title,
                    "slug": self.profile.slug,
                    "record": self.profile.record_id,
                    "intro": "Aperçu",
                    "body": streamfield([("paragraph", rich_text("<p>Son histoire.</p>"))]),
                    "calls_to_action": streamfield([]),
                }
            ),
        )

    def test_editor_can_create_a_profile_in_the_admin(self):
        record = self.profile.record
        self.assertCanCreate(
            self.index,
            PrisonerPage,
            nested_form_data(
                {
                    "title": "Ales Bialiatski",
                    "slug": "ales-bialiatski",
                    "record": record.pk,
                    "intro": "",
                    "body": streamfield([]),
                    "calls_to_action": streamfield([]),
                }
            ),
        )
