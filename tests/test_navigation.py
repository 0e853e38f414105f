"""Visitors find their way by links alone: from each section's home page, in each of its languages, the
menus and the home page's own lists reach every page type the section publishes; the header's menu
works at 320 px and with a keyboard only.

The demo (`manage.py load_demo`) is built once for the module and served by a server of its own, as in
test_reflow.
"""

from urllib.parse import urldefrag, urlsplit

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from wagtail.models import Locale, Page, Site

from sections.models import SectionSettings
from tests.demo_server import served_demo

SECTION_LANGUAGES = [("ch", "fr"), ("ch", "de"), ("ch", "it"), ("fr", "fr"), ("tg", "fr")]
MAX_PAGES = 300

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with served_demo(django_db_blocker, links_to_server_port=True) as server:
        yield {"port": server.url.rsplit(":", 1)[1], "types": published_page_types()}


def published_page_types():
    """(code, language) → {path: page type name} of every live page the demo published."""
    types = {}
    for site in Site.objects.all():
        code = site.hostname.split(".")[0]
        for root in site.root_page.get_translations(inclusive=True).live():
            found = types.setdefault((code, root.locale.language_code), {})
            for page in Page.objects.live().descendant_of(root, inclusive=True).specific():
                found[urlsplit(page.get_full_url()).path] = type(page).__name__
    return types


def crawl(host, start):
    """Every page reached from `start` by following links on the same host and language prefix.

    Links with a query string (the prisoner index's filters, pagination) lead to pages already counted.
    Returns {path: HTML}.
    """
    client = Client(HTTP_HOST=host)
    prefix = start
    seen, queue, pages = {start}, [start], {}
    while queue and len(pages) < MAX_PAGES:
        path = queue.pop(0)
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        pages[path] = response.content.decode()
        for link in BeautifulSoup(response.content, "html.parser").find_all("a", href=True):
            href = urldefrag(link["href"])[0]
            parts = urlsplit(href)
            if parts.netloc and parts.netloc != host:
                continue
            if parts.query or not parts.path.startswith(prefix) or parts.path in seen:
                continue
            seen.add(parts.path)
            queue.append(parts.path)
    return pages


@pytest.mark.parametrize(("code", "language"), SECTION_LANGUAGES)
def test_links_from_the_home_page_reach_every_page_type(demo, code, language):
    host = f"{code}.localhost:{demo['port']}"
    published = demo["types"][(code, language)]
    reached = crawl(host, f"/{language}/")
    reached_types = {published[path] for path in reached if path in published}
    assert reached_types == set(published.values())
    # The types every section publishes (Togo runs no letter-writing action in the demo).
    expected = {"HomePage", "PrisonerIndexPage", "PrisonerPage", "PetitionPage", "DonationPage"}
    expected |= {"NewsIndexPage", "NewsPage", "StandardPage"}
    assert expected <= reached_types
    if "LetterActionPage" in published.values():
        # With their solidarity messages' form, where the section collects them.
        assert any('id="messages"' in html for html in reached.values())
    # And the section's privacy page, from every page's footer.
    privacy = SectionSettings.for_site(Site.objects.get(hostname=f"{code}.localhost")).privacy_page
    assert urlsplit(privacy.get_translation(Locale.objects.get(language_code=language)).url).path in reached


@pytest.mark.parametrize(("code", "language"), SECTION_LANGUAGES)
def test_the_menu_at_320_px_opens_closes_and_is_walked_with_the_keyboard(demo, browser, code, language):
    context = browser.new_context(viewport={"width": 320, "height": 640}, locale=language)
    tab = context.new_page()
    tab.goto(f"http://{code}.localhost:{demo['port']}/{language}/")
    assert tab.evaluate("document.documentElement.scrollWidth") <= 320
    toggle = tab.locator(".main-nav__toggle")
    menu_links = tab.locator(".main-nav__list a")
    assert toggle.is_visible()
    assert toggle.get_attribute("aria-expanded") == "false"
    assert not menu_links.first.is_visible()

    # Tab from the top of the page reaches the toggle, Enter opens the menu.
    for _ in range(10):
        tab.keyboard.press("Tab")
        if tab.evaluate("document.activeElement.classList.contains('main-nav__toggle')"):
            break
    else:
        pytest.fail("Tab never reaches the menu button")
    tab.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "true"
    texts = menu_links.all_inner_texts()
    assert len(texts) >= 4
    assert tab.evaluate("document.documentElement.scrollWidth") <= 320
    # Every link of the open menu is reached in turn, each with a visible focus indicator.
    for text in texts:
        tab.keyboard.press("Tab")
        focused = tab.evaluate(
            "(() => { const e = document.activeElement; const s = getComputedStyle(e);"
            " return [e.textContent.trim(), s.outlineStyle, s.outlineWidth]; })()"
        )
        assert focused[0] == text.strip()
        assert focused[1] != "none" and focused[2] != "0px", f"no visible focus on {text}"
    # Escape closes the menu and gives the focus back to its button.
    tab.keyboard.press("Escape")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert not menu_links.first.is_visible()
    assert tab.evaluate("document.activeElement.classList.contains('main-nav__toggle')")
    # Following a link of the menu works as well from the keyboard.
    tab.keyboard.press("Enter")
    tab.keyboard.press("Tab")
    with tab.expect_navigation():
        tab.keyboard.press("Enter")
    assert tab.evaluate("document.documentElement.scrollWidth") <= 320
    context.close()


def test_on_a_wide_screen_the_menu_is_a_plain_row_of_links(demo, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="de")
    tab = context.new_page()
    tab.goto(f"http://ch.localhost:{demo['port']}/de/")
    assert not tab.locator(".main-nav__toggle").is_visible()
    assert tab.locator(".main-nav__list a").first.is_visible()
    assert tab.locator(".main-nav__list a").all_inner_texts()[0] == "Gefangene"
    context.close()
