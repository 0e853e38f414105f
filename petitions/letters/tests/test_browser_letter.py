"""A visitor on a phone writes a letter in a real browser: form, PDF download, "I have sent my letter"."""

import pytest
from playwright.sync_api import expect

from .helpers import make_action, page_url, pdf_text, shown

pytestmark = pytest.mark.django_db(transaction=True)


def test_generate_a_letter_on_a_phone(live_server, sections, browser_page, tmp_path):
    action = make_action(sections["ch"].home)
    port = live_server.url.rsplit(":", 1)[1]
    page = browser_page
    page.goto(f"http://ch.localhost:{port}{page_url(action)}")

    page.get_by_label(shown("First name"), exact=True).fill("Anne-Sophie")
    page.get_by_label(shown("Last name"), exact=True).fill("Müller")
    page.get_by_label(shown("Town"), exact=True).fill("Neuchâtel")
    page.get_by_label(shown("Language of the letter"), exact=True).select_option("ru")
    page.get_by_label(shown("Your own paragraph (optional)"), exact=True).fill("Держитесь, Мария!")
    page.locator("#id_consent").check()
    page.get_by_role("button", name=shown("Prepare my letter (PDF)")).click()

    expect(page.get_by_role("heading", name=shown("Your letter is ready"))).to_be_visible()
    page.screenshot(path=str(tmp_path / "ready.png"), full_page=True)
    with page.expect_download() as download_info:
        page.locator("#download-letter").click()
    download = download_info.value
    assert download.suggested_filename.endswith("-ru.pdf")
    text = pdf_text(open(download.path(), "rb").read())
    assert "Уважаемый господин Министр!" in text
    assert "Держитесь, Мария!" in text
    assert "Anne-Sophie Müller" in text

    page.get_by_role("button", name=shown("I have sent my letter")).click()
    expect(page.locator("#count strong")).to_have_text("1")
    expect(page.get_by_text(shown("Thank you! Your letter is counted."))).to_be_visible()
    # The viewport is a phone's: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert browser_page.external_hosts == set()


def test_errors_show_next_to_the_fields_on_a_phone(live_server, sections, browser_page):
    action = make_action(sections["ch"].home)
    port = live_server.url.rsplit(":", 1)[1]
    page = browser_page
    page.goto(f"http://ch.localhost:{port}{page_url(action)}")
    page.get_by_label(shown("First name"), exact=True).fill("Zoé 😀")
    page.get_by_role("button", name=shown("Prepare my letter (PDF)")).click()

    first_name = page.get_by_label(shown("First name"), exact=True)
    expect(first_name).to_have_value("Zoé 😀")
    expect(first_name).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_first_name_errors")).to_have_text(
        shown(
            "Emojis and symbols such as %(characters)s cannot be printed. Please remove them.",
            characters="😀",
        )
    )
    expect(page.locator("#id_last_name_errors")).to_be_visible()
