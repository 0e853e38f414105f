"""At 320 px wide no public page scrolls sideways (WCAG 1.4.10 reflow), in every section and language.

The demo (`manage.py load_demo`) is built once for the module and served by a server of this module's own:
pytest-django's `live_server` would make every test transactional, and so flush and rebuild the demo.
"""

import pytest
from wagtail.models import Page, Site, get_page_models

from home.models import NewsPage
from tests.demo_server import served_demo

WIDTH = 320
SECTION_LANGUAGES = [("ch", "fr"), ("ch", "de"), ("ch", "it"), ("fr", "fr"), ("tg", "fr")]
PROJECT_APPS = {"home", "prisoners", "petitions", "letters", "donations"}
# Routes of a page that render a page of their own: the thank-you steps.
ROUTES = {"PetitionPage": ["thanks/"], "DonationPage": ["thanks/"]}

# The demo is committed once for the module (see `demo`); each test only reads it.
pytestmark = pytest.mark.django_db

# The elements whose right edge passes the viewport, to say what overflows when something does.
OVERFLOWING = """() => [...document.querySelectorAll("body *")]
  .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
  .slice(-3).map(e => `${e.tagName.toLowerCase()}.${e.className}: ${e.textContent.trim().slice(0, 40)}`)"""


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo sections on a server of their own; every public page of each section language, by URL."""
    with served_demo(django_db_blocker, links_to_server_port=True) as server:
        port = server.url.rsplit(":", 1)[1]
        yield {"port": port, "pages": pages_by_section_language(port)}


def pages_by_section_language(port):
    """(code, language) → [(what, url, expected status)], from the pages the demo published."""
    pages = {}
    for site in Site.objects.all():
        code = site.hostname.split(".")[0]
        for root in site.root_page.get_translations(inclusive=True).live():
            language = root.locale.language_code
            base = f"http://{site.hostname}:{port}/{language}/"
            found = pages.setdefault((code, language), [])
            for page in Page.objects.live().descendant_of(root, inclusive=True).specific():
                name = type(page).__name__
                if isinstance(page, NewsPage) and page.kind == NewsPage.Kind.PRESS_RELEASE:
                    name = "NewsPage press release"
                url = page.get_full_url()
                found.append((name, url, 200))
                found += [
                    (f"{name} {route}", url + route, 200) for route in ROUTES.get(type(page).__name__, [])
                ]
            found.append(("404", base + "no-such-page/", 404))
            found.append(("broken confirmation link", base + "petitions/confirm/not-a-token/", 400))
        if code == "ch":
            pages[(code, "fr")].append(
                ("404 of a language not published", f"http://ch.localhost:{port}/en/", 404)
            )
    return pages


def test_the_demo_has_every_public_page_type(demo):
    project_page_types = {
        model.__name__ for model in get_page_models() if model._meta.app_label in PROJECT_APPS
    }
    shown = {name.split(" ")[0] for pages in demo["pages"].values() for name, _url, _status in pages}
    assert project_page_types <= shown
    assert any(name == "NewsPage press release" for pages in demo["pages"].values() for name, _, _ in pages)
    assert sorted(demo["pages"]) == sorted(SECTION_LANGUAGES)


@pytest.mark.parametrize(("code", "language"), SECTION_LANGUAGES)
def test_no_page_scrolls_sideways_at_320_px(demo, browser, code, language):
    context = browser.new_context(viewport={"width": WIDTH, "height": 640}, locale=language)
    tab = context.new_page()
    wrong = []
    for name, url, status in demo["pages"][(code, language)]:
        response = tab.goto(url)
        width = tab.evaluate("document.documentElement.scrollWidth")
        if response.status != status or width > WIDTH:
            wrong.append((name, url, response.status, width, tab.evaluate(OVERFLOWING)))
    context.close()
    assert not wrong, "\n".join(
        f"{name} {url}: status {got}, {width} px wide, overflowing: {culprits}"
        for name, url, got, width, culprits in wrong
    )
