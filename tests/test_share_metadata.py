"""A shared or searched link to any public page shows its title, description, image and language versions."""

import io

from bs4 import BeautifulSoup
from django.core.cache import cache
from django.core.management import call_command
from django.test import TestCase
from PIL import Image as PILImage
from wagtail.models import Locale, Page, Site

from donations.models import DonationPage
from home.models import HomePage, NewsIndexPage, NewsPage, StandardPage
from membership.models import JoinPage
from petitions.letters.models import LetterActionPage
from petitions.models import PetitionPage
from prisoners.models import PrisonerIndexPage, PrisonerPage
from sections.demo import SECTIONS
from supporters.models import ActionCount

PAGE_TYPES = [
    HomePage,
    NewsIndexPage,
    NewsPage,
    StandardPage,
    PrisonerIndexPage,
    PrisonerPage,
    PetitionPage,
    LetterActionPage,
    DonationPage,
    JoinPage,
]


class Head:
    """The <head> of a page as a crawler reads it."""

    def __init__(self, html):
        self.soup = BeautifulSoup(html, "html.parser").head

    def meta(self, name):
        tag = self.soup.find("meta", attrs={"property": name}) or self.soup.find("meta", attrs={"name": name})
        return tag["content"] if tag is not None else None

    def metas(self, name):
        return [tag["content"] for tag in self.soup.find_all("meta", attrs={"property": name})]

    def canonical(self):
        return self.soup.find("link", rel="canonical")["href"]

    def hreflang(self):
        return {
            tag["hreflang"]: tag["href"] for tag in self.soup.find_all("link", rel="alternate", hreflang=True)
        }


class ShareMetadataTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        # wagtail-localize publishes the demo's translations on commit.
        with cls.captureOnCommitCallbacks(execute=True):
            call_command("load_demo", stdout=io.StringIO())
        cls.sites = {spec["code"]: Site.objects.get(hostname=spec["hostname"]) for spec in SECTIONS}

    def setUp(self):
        cache.clear()

    def page(self, code, language, model):
        site = self.sites[code]
        home = site.root_page.get_translation(Locale.objects.get(language_code=language))
        page = Page.objects.live().public().descendant_of(home, inclusive=True).exact_type(model).first()
        return page.specific if page is not None else None

    def head(self, code, path, port=8000):
        response = self.client.get(path, HTTP_HOST=f"{code}.localhost:{port}")
        self.assertEqual(response.status_code, 200, path)
        return Head(response.content.decode())

    def test_every_public_page_type_in_every_section_language_has_its_share_tags(self):
        for spec in SECTIONS:
            code = spec["code"]
            for language in spec["languages"]:
                for model in PAGE_TYPES:
                    page = self.page(code, language, model)
                    if page is None:
                        continue  # Togo's section writes no letters
                    with self.subTest(f"{code}/{language} {model.__name__}"):
                        path = page.get_url_parts()[2]
                        head = self.head(code, path)
                        url = f"http://{code}.localhost:8000{path}"
                        self.assertEqual(head.canonical(), url)
                        self.assertEqual(head.meta("og:url"), url)
                        self.assertEqual(head.meta("og:title"), page.seo_title or page.title)
                        self.assertEqual(head.meta("og:locale"), f"{language}_{code.upper()}")
                        self.assertTrue(head.meta("description"))
                        self.assertEqual(head.meta("og:description"), head.meta("description"))
                        self.assertIn(head.meta("twitter:card"), ("summary", "summary_large_image"))
                        self.assertEqual(head.meta("og:type"), "article" if model is NewsPage else "website")
                        self.assertEqual(head.hreflang()[language], url)

    def test_a_petition_describes_itself_by_its_demand_until_an_editor_writes_a_search_description(self):
        petition = self.page("fr", "fr", PetitionPage)
        path = petition.get_url_parts()[2]
        self.assertEqual(self.head("fr", path).meta("description"), " ".join(petition.demand.split())[:200])
        petition.search_description = "Signez pour la libération de Maryia Kalesnikava."
        petition.save_revision().publish()
        head = self.head("fr", path)
        self.assertEqual(head.meta("description"), "Signez pour la libération de Maryia Kalesnikava.")
        self.assertEqual(head.meta("og:description"), "Signez pour la libération de Maryia Kalesnikava.")

    def test_a_profile_is_shared_with_the_persons_portrait_on_the_sections_host_and_port(self):
        profile = next(
            page
            for page in PrisonerPage.objects.live().filter(locale__language_code="de")
            if page.shown_record.portrait_id
        )
        head = self.head("ch", profile.get_url_parts()[2])
        self.assertTrue(head.meta("og:image").startswith("http://ch.localhost:8000/"), head.meta("og:image"))
        self.assertEqual(head.meta("og:image:alt"), profile.shown_record.portrait_alt)
        self.assertEqual(head.meta("twitter:card"), "summary_large_image")
        rendition = profile.shown_record.portrait.renditions.get(filter_spec="max-1200x1200")
        self.assertEqual(head.meta("og:image"), "http://ch.localhost:8000" + rendition.url)
        self.assertTrue(rendition.file.storage.exists(rendition.file.name))
        self.assertLessEqual(max(int(head.meta("og:image:width")), int(head.meta("og:image:height"))), 1200)

    def card(self, code, path):
        response = self.client.get(path + "share-card/", HTTP_HOST=f"{code}.localhost:8000")
        self.assertEqual(response.status_code, 200, path)
        self.assertEqual(response["Content-Type"], "image/png")
        return response.content

    def test_an_action_is_shared_with_a_card_drawn_for_it_in_its_language(self):
        for code, language, model in (("ch", "de", PetitionPage), ("ch", "it", LetterActionPage)):
            page = self.page(code, language, model)
            path = page.get_url_parts()[2]
            head = self.head(code, path)
            self.assertEqual(head.meta("og:image"), f"http://{code}.localhost:8000{path}share-card/")
            self.assertEqual((head.meta("og:image:width"), head.meta("og:image:height")), ("1200", "630"))
            self.assertEqual(head.meta("og:image:alt"), page.title)
            self.assertEqual(head.meta("twitter:card"), "summary_large_image")
            with PILImage.open(io.BytesIO(self.card(code, path))) as card:
                self.assertEqual((card.format, card.size), ("PNG", (1200, 630)))
        # Each language draws its own card: the title and the count are the page's own words.
        german, italian = (self.page("ch", language, PetitionPage) for language in ("de", "it"))
        self.assertNotEqual(
            self.card("ch", german.get_url_parts()[2]), self.card("ch", italian.get_url_parts()[2])
        )

    def test_the_card_is_drawn_again_when_the_count_or_the_page_changes(self):
        petition = self.page("fr", "fr", PetitionPage)
        path = petition.get_url_parts()[2]
        first = self.card("fr", path)
        self.assertEqual(self.card("fr", path), first)  # kept
        ActionCount.increment(petition.translation_key)
        counted = self.card("fr", path)
        self.assertNotEqual(counted, first)
        petition.title = "Libérez Maryia Kalesnikava"
        petition.save_revision().publish()
        self.assertNotEqual(self.card("fr", path), counted)
        response = self.client.post(path + "share-card/", HTTP_HOST="fr.localhost:8000")
        self.assertEqual(response.status_code, 405)

    def test_a_page_without_an_image_gets_a_small_card(self):
        page = self.page("fr", "fr", JoinPage)
        head = self.head("fr", page.get_url_parts()[2])
        self.assertIsNone(head.meta("og:image"))
        self.assertEqual(head.meta("twitter:card"), "summary")

    def test_hreflang_lists_the_live_translations_and_a_default(self):
        petition = self.page("ch", "de", PetitionPage)
        urls = {
            language: "http://ch.localhost:8000" + self.page("ch", language, PetitionPage).get_url_parts()[2]
            for language in ("fr", "de", "it")
        }
        head = self.head("ch", petition.get_url_parts()[2])
        self.assertEqual(head.hreflang(), {**urls, "x-default": urls["fr"]})
        self.assertEqual(head.metas("og:locale:alternate"), ["fr_CH", "it_CH"])
        # A home page's default is the bare host, which sends each visitor to their language.
        self.assertEqual(self.head("ch", "/it/").hreflang()["x-default"], "http://ch.localhost:8000/")
        # One language: itself and the default, nothing of another section's languages.
        head = self.head("fr", self.page("fr", "fr", PetitionPage).get_url_parts()[2])
        self.assertEqual(set(head.hreflang()), {"fr", "x-default"})

    def test_a_translation_taken_offline_leaves_the_alternates_but_the_switcher_still_offers_its_language(
        self,
    ):
        page = self.page("ch", "it", StandardPage)
        page.unpublish()
        source = self.page("ch", "fr", StandardPage)
        head = self.head("ch", source.get_url_parts()[2])
        self.assertNotIn("it", head.hreflang())
        self.assertIn("de", head.hreflang())
        switcher = head.soup.parent.find("nav", class_="language-switcher")
        self.assertEqual(switcher.find("a", hreflang="it")["href"], "/it/")  # the Italian home page

    def test_a_section_served_on_another_port_links_to_that_port(self):
        site = self.sites["tg"]
        site.port = 8100
        site.save()
        page = self.page("tg", "fr", NewsPage)
        head = self.head("tg", page.get_url_parts()[2], port=8100)
        self.assertEqual(head.canonical(), f"http://tg.localhost:8100{page.get_url_parts()[2]}")
        self.assertEqual(head.hreflang()["fr"], head.canonical())
        self.assertEqual(head.meta("og:type"), "article")
        self.assertEqual(head.meta("article:published_time"), page.date.isoformat())

    def test_a_thank_you_step_points_to_its_petition(self):
        petition = self.page("fr", "fr", PetitionPage)
        path = petition.get_url_parts()[2]
        head = self.head("fr", path + "thanks/")
        self.assertEqual(head.canonical(), f"http://fr.localhost:8000{path}")
