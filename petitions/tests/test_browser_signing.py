"""Signing on a phone in headless Chromium: errors next to the fields, the thank-you step, the email link."""

import re

import pytest
from django.core import mail

from supporters.models import ActionCount

from .conftest import make_petition, t

ONE_LAST_STEP = (
    "One last step: we have sent you an email. Your signature counts once you follow the link in it."
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_signing_a_petition_on_a_phone(live_server, sections, browser_page):
    petition = make_petition(sections["ch"].home, slug="kalesnikava", title="Libérez Maryia Kalesnikava")
    port = live_server.url.rsplit(":", 1)[1]
    page = browser_page
    response = page.goto(f"http://ch.localhost:{port}/fr/kalesnikava/")
    assert response.status == 200
    assert page.locator("h1").inner_text() == "Libérez Maryia Kalesnikava"
    # The form fits the phone's width.
    box = page.locator("form.petition-form").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390

    # Every field has a visible label.
    for name in ("first_name", "last_name", "email", "country", "consent"):
        assert page.locator(f"label[for=id_{name}]").is_visible()

    # A first try with a broken address: the message sits next to the field, the name is kept.
    page.locator("#id_first_name").fill("Anna")
    page.locator("#id_last_name").fill("Muster")
    page.locator("#id_email").fill("anna.example.org")
    page.locator("#id_country").fill("Suisse")
    page.locator("input[name=consent]").check()
    page.get_by_role("button", name=t("Sign")).click()
    # The widget solves its proof of work first, then sends the form: wait for the answer's message.
    page.locator("input[name=email][aria-describedby]").wait_for()
    email = page.locator("input[name=email]")
    described = email.get_attribute("aria-describedby")
    assert page.locator(f"#{described}").inner_text() == t(
        "Please enter a valid email address, like name@example.org."
    )
    assert page.locator("#id_first_name").input_value() == "Anna"
    assert page.locator("input[name=consent]").is_checked()

    email.fill("anna@example.org")
    page.get_by_role("button", name=t("Sign")).click()
    page.wait_for_url(re.compile(r".*/fr/kalesnikava/thanks/$"))
    assert t(ONE_LAST_STEP) in page.locator("main").inner_text()
    assert page.get_by_role("link", name="WhatsApp").get_attribute("href").startswith("https://wa.me/?text=")
    assert "anna" not in page.url

    link = re.search(r"https?://\S+/petitions/confirm/\S+/", mail.outbox[0].body).group(0)
    page.goto(link.replace("ch.localhost:8000", f"ch.localhost:{port}"))
    assert page.locator("h1").inner_text() == t("Confirm your signature")
    assert ActionCount.total_for(petition.translation_key) == 0
    page.get_by_role("button", name=t("Confirm my signature")).click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == t("Your signature is confirmed")
    assert ActionCount.total_for(petition.translation_key) == 1
    page.goto(f"http://ch.localhost:{port}/fr/kalesnikava/")
    assert page.locator("progress").get_attribute("value") == "1"
    assert page.external_hosts == set()
