"""A partner's page on a second local origin embeds actions in Chromium: a petition resizes, signs, counts; a
letter is written, downloaded and counted as sent; other sites are refused."""

import contextlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from petitions.embeds import snippet
from petitions.letters.models import Letter, LetterActionPage, LetterState
from petitions.letters.tests.helpers import pdf_text
from petitions.models import PetitionPage, Signature
from sections.models import SectionSettings
from supporters.models import ActionCount
from supporters.tests.helpers import email_hashes
from tests.demo_server import served_demo

pytestmark = pytest.mark.django_db


@contextlib.contextmanager
def partner_site():
    """A site of its own on 127.0.0.1 (another origin than the demo's *.localhost), serving `pages[path]`."""
    pages = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = pages.get(self.path, "not found").encode()
            self.send_response(200 if self.path in pages else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", pages
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with (
        served_demo(django_db_blocker, links_to_server_port=True) as server,
        partner_site() as (partner, partner_pages),
        partner_site() as (stranger, stranger_pages),
    ):
        with django_db_blocker.unblock():
            section = SectionSettings.objects.get(code="fr")
            section.double_opt_in = False  # the signature counts at once: the frame's thank-you says so
            section.partner_sites = partner
            section.save()
            petition = french_petition(section.site)
            code = snippet(petition, partner)
            letter_action = french_action(LetterActionPage, section.site)
            partner_pages["/letter.html"] = page_with(snippet(letter_action, partner))
        partner_pages["/actions.html"] = page_with(code)
        # Another site pastes the listed partner's snippet: the browser refuses to show it there.
        stranger_pages["/copied.html"] = page_with(code)
        with django_db_blocker.unblock():
            stranger_pages["/own.html"] = page_with(snippet(petition, stranger))
        yield {
            "server": server,
            "partner": partner,
            "stranger": stranger,
            "petition": petition,
            "letter_action": letter_action,
        }


@pytest.fixture(autouse=True)
def fresh_cache():
    """Earlier browser modules post from the same address (rate limits)."""
    from django.core.cache import cache

    cache.clear()


def french_petition(site):
    return french_action(PetitionPage, site)


def french_action(model, site):
    for page in model.objects.live().filter(locale__language_code="fr"):
        if page.get_url_parts()[0] == site.pk:
            return page
    raise AssertionError(f"no live {model.__name__} in the French section")


def page_with(code):
    return (
        '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Partenaire</title></head>'
        f"<body><h1>Un site partenaire</h1>{code}<p id='after'>Après l'action</p></body></html>"
    )


def test_a_partner_page_shows_the_petition_resized_and_signs_through_it(demo, browser):
    petition = demo["petition"]
    before = ActionCount.total_for(petition.translation_key)
    context = browser.new_context(locale="fr-FR", viewport={"width": 1000, "height": 700})
    try:
        page = context.new_page()
        page.goto(demo["partner"] + "/actions.html")
        frame = page.frame_locator("iframe[data-plaidoyer-embed]")
        frame.locator("form.petition-form").wait_for()
        assert petition.title in frame.locator("h1").inner_text()
        # The frame takes its page's height (embed-frame.js → embed.js), not the snippet's 900 pixels.
        iframe = page.locator("iframe[data-plaidoyer-embed]")
        page.wait_for_function(
            "() => document.querySelector('iframe[data-plaidoyer-embed]').style.height !== ''"
        )
        inner = frame.locator("html").evaluate("html => Math.ceil(html.getBoundingClientRect().height)")
        assert abs(iframe.bounding_box()["height"] - inner) <= 2
        assert inner != 900

        frame.locator("#id_first_name").fill("Camille")
        frame.locator("#id_last_name").fill("Partenaire")
        frame.locator("#id_email").fill("camille.partenaire@example.org")
        frame.locator("#id_country").fill("France")
        if frame.locator("#id_postal_code").count():
            frame.locator("#id_postal_code").fill("69001")
        frame.locator("#id_consent").check()
        frame.locator("form.petition-form button[type=submit]").click()
        frame.locator(".petition__next-step").wait_for()
        assert "Votre signature a été comptée" in frame.locator(".petition__next-step").inner_text()
        # The partner's own page is still there, around the frame.
        assert page.url == demo["partner"] + "/actions.html"
        # Nothing relied on a cookie (browsers withhold them from other sites' frames): none was set.
        assert context.cookies() == []
    finally:
        context.close()
    signature = Signature.objects.get(
        supporter__email_hash__in=email_hashes("camille.partenaire@example.org")
    )
    assert signature.partner == demo["partner"]
    assert ActionCount.total_for(petition.translation_key) == before + 1


def test_a_partner_page_shows_a_letter_action_whose_letter_is_downloaded_and_counted_in_the_frame(
    demo, browser, tmp_path
):
    action = demo["letter_action"]
    before = ActionCount.total_for(action.translation_key)
    context = browser.new_context(
        locale="fr-FR", accept_downloads=True, viewport={"width": 1000, "height": 700}
    )
    try:
        page = context.new_page()
        page.goto(demo["partner"] + "/letter.html")
        frame = page.frame_locator("iframe[data-plaidoyer-embed]")
        frame.locator("#write form").wait_for()
        assert action.title in frame.locator("h1").inner_text()
        frame.locator("#id_first_name").fill("Camille")
        frame.locator("#id_last_name").fill("Lettre-Partenaire")
        frame.locator("#id_town").fill("Lyon")
        frame.locator("#id_country").fill("France")
        frame.locator("#id_consent").check()
        frame.locator("#write button[type=submit]").click()
        frame.locator("#ready").wait_for()

        with page.expect_download() as download_info:
            frame.locator("#download-letter").click()
        download = download_info.value
        assert download.suggested_filename.endswith(".pdf")
        assert "Camille Lettre-Partenaire" in pdf_text(open(download.path(), "rb").read())

        frame.locator("#sent button[type=submit]").click()
        frame.locator("#letter-counted").wait_for()
        assert "Merci" in frame.locator("#letter-counted").inner_text()
        assert page.url == demo["partner"] + "/letter.html"
        # The step from "ready" to "sent" needed no cookie: none was set.
        assert context.cookies() == []
        page.screenshot(path=str(tmp_path / "letter-in-frame.png"), full_page=True)
    finally:
        context.close()
    letter = Letter.objects.get(partner=demo["partner"], action__translation_key=action.translation_key)
    assert letter.state == LetterState.SENT
    assert ActionCount.total_for(action.translation_key) == before + 1


@pytest.mark.parametrize("path", ["/copied.html", "/own.html"])
def test_a_site_not_on_the_list_gets_no_frame(demo, browser, path):
    """A copied snippet (the browser refuses the frame: frame-ancestors) or its own (a 400, not framable)."""
    context = browser.new_context(locale="fr-FR")
    refusals = []
    try:
        page = context.new_page()
        page.on("console", lambda message: refusals.append(message.text))
        page.goto(demo["stranger"] + path, wait_until="load")
        frame = page.frames[1]
        frame.wait_for_load_state()
        # Chromium shows its own error page in the frame's place, and says why in the console.
        assert frame.url.startswith("chrome-error://")
        assert frame.locator("form.petition-form").count() == 0
        assert any("frame-ancestors" in text for text in refusals), refusals
    finally:
        context.close()
