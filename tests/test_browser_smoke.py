"""Each section's home page opened in headless Chromium: title, language switcher, nothing fetched from outside."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(
    ("host", "language", "title", "switcher"),
    [
        ("ch.localhost", "de", "Plaidoyer Schweiz", ["Français", "Deutsch", "Italiano"]),
        ("fr.localhost", "fr", "Plaidoyer France", []),
        ("tg.localhost", "fr", "Plaidoyer Togo", []),
    ],
)
def test_home_page_in_a_real_browser(live_server, sections, browser_page, host, language, title, switcher):
    port = live_server.url.rsplit(":", 1)[1]
    response = browser_page.goto(f"http://{host}:{port}/{language}/")
    assert response.status == 200
    assert browser_page.title().startswith(title)
    assert browser_page.locator("h1").inner_text() == title
    links = browser_page.locator(".language-switcher a")
    assert links.all_inner_texts() == switcher
    assert browser_page.external_hosts == set()
