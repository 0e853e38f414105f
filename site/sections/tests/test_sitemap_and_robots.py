"""Each section's host gives crawlers its own robots.txt and a sitemap of its own live pages in its own languages."""

from xml.etree import ElementTree

from django.test import TestCase, override_settings
from wagtail.models import PageViewRestriction, Site

from home.models import StandardPage
from sections.demo import create_sections
from sections.translation import translate

NAMESPACES = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


def add(parent, title, slug, publish=True):
    page = StandardPage(title=title, slug=slug, locale=parent.locale, live=publish)
    parent.add_child(instance=page)
    if publish:
        page.save_revision().publish()
    return page


class SitemapAndRobotsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        # wagtail-localize publishes translations on commit.
        with cls.captureOnCommitCallbacks(execute=True):
            sections = create_sections()
            ch_home = sections["ch"].home
            cls.about = add(ch_home, "Qui sommes-nous", "qui-sommes-nous")
            translate(cls.about, "de", {"Qui sommes-nous": "Wer wir sind"})
            translate(cls.about, "it", {"Qui sommes-nous": "Chi siamo"}, publish=False)  # a draft
            board = add(ch_home, "Bureau", "bureau")
            PageViewRestriction.objects.create(page=board, restriction_type="password", password="secret")
            add(ch_home, "Brouillon", "brouillon", publish=False)
            add(sections["fr"].home, "Nos groupes", "nos-groupes")

    def sitemap(self, host):
        response = self.client.get("/sitemap.xml", HTTP_HOST=host)
        self.assertEqual(response.status_code, 200)
        root = ElementTree.fromstring(response.content)
        return {
            url.find("s:loc", NAMESPACES).text: {
                link.get("hreflang"): link.get("href") for link in url.findall("x:link", NAMESPACES)
            }
            for url in root.findall("s:url", NAMESPACES)
        }

    def test_a_sections_sitemap_lists_its_live_public_pages_in_every_language_it_publishes(self):
        urls = self.sitemap("ch.localhost:8000")
        self.assertEqual(
            sorted(urls),
            [
                "http://ch.localhost:8000/de/",
                "http://ch.localhost:8000/de/qui-sommes-nous/",
                "http://ch.localhost:8000/fr/",
                "http://ch.localhost:8000/fr/qui-sommes-nous/",
                "http://ch.localhost:8000/it/",
            ],
        )

    def test_each_page_names_its_live_translations_and_a_default(self):
        urls = self.sitemap("ch.localhost:8000")
        about = {
            "fr": "http://ch.localhost:8000/fr/qui-sommes-nous/",
            "de": "http://ch.localhost:8000/de/qui-sommes-nous/",
            "x-default": "http://ch.localhost:8000/fr/qui-sommes-nous/",
        }
        self.assertEqual(urls["http://ch.localhost:8000/de/qui-sommes-nous/"], about)
        self.assertEqual(urls["http://ch.localhost:8000/fr/qui-sommes-nous/"], about)
        self.assertEqual(urls["http://ch.localhost:8000/it/"]["x-default"], "http://ch.localhost:8000/")
        self.assertEqual(set(urls["http://ch.localhost:8000/it/"]), {"fr", "de", "it", "x-default"})

    def test_one_sections_sitemap_never_lists_another_sections_pages(self):
        self.assertEqual(
            sorted(self.sitemap("fr.localhost:8000")),
            ["http://fr.localhost:8000/fr/", "http://fr.localhost:8000/fr/nos-groupes/"],
        )
        self.assertEqual(list(self.sitemap("tg.localhost:8000")), ["http://tg.localhost:8000/fr/"])

    def test_robots_txt_points_each_host_at_its_own_sitemap_and_keeps_crawlers_off_the_action_steps(self):
        for code in ("ch", "fr", "tg"):
            response = self.client.get("/robots.txt", HTTP_HOST=f"{code}.localhost:8000")
            self.assertEqual(response.status_code, 200)
            self.assertEqual(response["Content-Type"], "text/plain; charset=utf-8")
            lines = response.content.decode().splitlines()
            self.assertEqual(lines[0], "User-agent: *")
            self.assertEqual(lines[-1], f"Sitemap: http://{code}.localhost:8000/sitemap.xml")
            for path in (
                "/admin/",
                "/*/petitions/sign/",
                "/*/petitions/confirm/",
                "/*/thanks/",
                "/*/letter/",
            ):
                self.assertIn(f"Disallow: {path}", lines)
            self.assertNotIn("Disallow: /", lines)

    @override_settings(ADMIN_HOST="admin.localhost")
    def test_the_admins_host_asks_crawlers_to_stay_out(self):
        response = self.client.get("/robots.txt", HTTP_HOST="admin.localhost")
        self.assertEqual(response.content.decode().splitlines(), ["User-agent: *", "Disallow: /"])

    def test_an_unknown_host_without_a_default_section_gets_no_sitemap(self):
        Site.objects.update(is_default_site=False)
        self.assertEqual(self.client.get("/sitemap.xml", HTTP_HOST="elsewhere.localhost").status_code, 404)
        response = self.client.get("/robots.txt", HTTP_HOST="elsewhere.localhost")
        self.assertEqual(response.content.decode().splitlines(), ["User-agent: *", "Disallow: /"])
