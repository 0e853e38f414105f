"""The prisoner index on a phone in headless Chromium: readable without sideways scrolling, and searchable."""

import pytest

from .conftest import make_index, make_profile, make_record

pytestmark = pytest.mark.django_db(transaction=True)


def test_searching_the_index_on_a_phone(live_server, sections, browser_page):
    index = make_index(sections["fr"].home)
    make_profile(
        index,
        make_record(
            full_name="Maryia Kalesnikava", other_spellings="Мария Колесникова", occupation="Musicienne"
        ),
    )
    make_profile(index, make_record(full_name="Ales Bialiatski", other_spellings="Aleś Białacki"))
    make_profile(index, make_record(full_name="Nasta Loika"))

    port = live_server.url.rsplit(":", 1)[1]
    response = browser_page.goto(f"http://fr.localhost:{port}/fr/prisonniers/")
    assert response.status == 200
    cards = browser_page.locator(".prisoner-card")
    assert cards.count() == 3
    # Nothing wider than the phone: no sideways scrolling.
    assert browser_page.evaluate("document.documentElement.scrollWidth") <= 390

    browser_page.locator("#prisoner-q").fill("Колесникова")
    browser_page.locator(".prisoner-filters button[type=submit]").click()
    browser_page.wait_for_load_state()
    assert cards.count() == 1
    assert cards.first.locator("h2").inner_text() == "Maryia Kalesnikava"
    assert browser_page.locator("#prisoner-q").input_value() == "Колесникова"

    cards.first.locator("a").click()
    browser_page.wait_for_load_state()
    assert browser_page.locator("h1").inner_text() == "Maryia Kalesnikava"
    assert browser_page.locator(".status-banner").is_visible()
    assert browser_page.evaluate("document.documentElement.scrollWidth") <= 390
    assert browser_page.external_hosts == set()
