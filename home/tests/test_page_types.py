"""Page type rules keep each section's tree tidy; every page type routes, renders and previews."""

import datetime

from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from home.models import HomePage, NewsIndexPage, NewsPage, StandardPage
from sections.demo import create_sections


class HomePageTypeTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        with cls.captureOnCommitCallbacks(execute=True):
            cls.sections = create_sections()
        home = cls.sections["fr"].home
        cls.standard = StandardPage(title="Nous rejoindre", slug="nous-rejoindre", intro="Devenez bénévole.")
        home.add_child(instance=cls.standard)
        cls.news_index = NewsIndexPage(title="Actualités", slug="actualites")
        home.add_child(instance=cls.news_index)
        cls.news = NewsPage(
            title="Bélarus : 52 détenu·e·s libéré·e·s",
            slug="belarus-52",
            date=datetime.date(2025, 9, 1),
            kind=NewsPage.Kind.PRESS_RELEASE,
            summary="Plus de 1 000 personnes restent emprisonnées.",
        )
        cls.news_index.add_child(instance=cls.news)

    def setUp(self):
        self.client.defaults["HTTP_HOST"] = "fr.localhost:8000"

    def test_home_pages_sit_at_the_root_only(self):
        self.assertCanCreateAt(Page, HomePage)
        self.assertCanNotCreateAt(HomePage, HomePage)
        self.assertCanNotCreateAt(StandardPage, HomePage)

    def test_content_pages_live_under_a_home_page(self):
        self.assertCanCreateAt(HomePage, StandardPage)
        self.assertCanCreateAt(StandardPage, StandardPage)
        self.assertCanCreateAt(HomePage, NewsIndexPage)
        self.assertCanNotCreateAt(StandardPage, NewsIndexPage)

    def test_news_pages_live_only_in_the_news_index(self):
        self.assertCanCreateAt(NewsIndexPage, NewsPage)
        self.assertCanNotCreateAt(HomePage, NewsPage)
        self.assertCanNotCreateAt(StandardPage, NewsPage)
        self.assertCanNotCreateAt(NewsPage, NewsPage)
        self.assertAllowedSubpageTypes(NewsPage, set())

    def test_only_one_news_index_per_home_page(self):
        self.assertFalse(NewsIndexPage.can_create_at(self.sections["fr"].home))
        self.assertTrue(NewsIndexPage.can_create_at(self.sections["tg"].home))

    def test_every_page_type_routes_renders_and_previews(self):
        for page in (self.sections["fr"].home, self.standard, self.news_index, self.news):
            with self.subTest(page=page.title):
                # assertPageIsRoutable ignores the language prefix of i18n_patterns: route through a request.
                response = self.client.get(page.get_url(), HTTP_HOST="fr.localhost:8000")
                self.assertContains(response, f'<h1 class="page-title">{page.title}</h1>')
                self.assertPageIsRenderable(page)
                self.assertPageIsPreviewable(page, post_data=self.preview_data(page))

    @staticmethod
    def preview_data(page):
        data = {"title": page.title, "slug": page.slug}
        if hasattr(page, "intro"):
            data["intro"] = page.intro
        if hasattr(page, "body"):
            data["body"] = streamfield([("paragraph", rich_text("<p>Aperçu du texte.</p>"))])
        if hasattr(page, "footer_links"):
            data["footer_links"] = streamfield([])
        if isinstance(page, NewsPage):
            data.update(kind=page.kind, date="2025-09-01", summary=page.summary, show_press_contact="on")
        return nested_form_data(data)

    def test_news_index_lists_press_releases_newest_first(self):
        older = NewsPage(title="Élection sous la peur", slug="election", date=datetime.date(2025, 1, 20))
        self.news_index.add_child(instance=older)
        response = self.client.get("/fr/actualites/", HTTP_HOST="fr.localhost:8000")
        html = response.content.decode()
        self.assertLess(html.index("52 détenu·e·s"), html.index("Élection sous la peur"))
        self.assertIn("Communiqué de presse", html)
