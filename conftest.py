"""Fixtures shared by every app's tests: the demo sections and a headless Chromium."""

import os
from urllib.parse import urlsplit

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(autouse=True)
def fresh_content_cache():
    """Each test starts with an empty cache: a rolled-back test's content must not be read by the next.

    Renditions too: Wagtail hands out the rendition it cached, whose row a rolled-back test took back.
    """
    from django.core.cache import cache, caches

    from sections import content_cache

    cache.clear()
    caches["renditions"].clear()
    content_cache.local.clear()


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the default language (French), whatever the test before it left active.

    The language belongs to the thread: a request through the test client activates the page's
    language and leaves it active after the response, for the next test on the same worker.
    """
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture
def sections(db, django_capture_on_commit_callbacks):
    """The three sections (ch fr/de/it, fr, tg) with their home pages.

    wagtail-localize publishes translations on commit; inside a test's
    transaction those callbacks are run when the block ends.
    """
    from sections.demo import create_sections

    with django_capture_on_commit_callbacks(execute=True):
        return create_sections()


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium driven by Playwright (the browser download tools do not work here).

    One per module: Playwright's sync API marks its event loop as running in this thread while it is
    up, and Django's test client cannot call an async view (the health checks) under that mark.
    """
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium is missing at {CHROMIUM}: apt-get install chromium (`make test` does it).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-background-networking",
                "--disable-gpu",
                "--disable-dev-shm-usage",
            ],
        )
        yield browser
        browser.close()


class RecordingPage:
    """A browser tab that remembers every host it requested, to prove nothing left this machine."""

    def __init__(self, context):
        self.context = context
        self.page = context.new_page()
        self.requested_hosts = set()
        self.page.on("request", lambda request: self.requested_hosts.add(urlsplit(request.url).hostname))

    def __getattr__(self, name):
        return getattr(self.page, name)

    @property
    def external_hosts(self):
        return {
            host
            for host in self.requested_hosts
            if host
            and host != "localhost"
            and not host.endswith(".localhost")
            and not host.startswith("127.")
        }


@pytest.fixture
def browser_page(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-CH")
    page = RecordingPage(context)
    yield page
    context.close()
