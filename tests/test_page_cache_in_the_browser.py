"""Forms on cached pages in Chromium: a newcomer gets the cached page and signs from it, without a CSRF token."""

import pytest
from django.test import override_settings

from petitions.models import PetitionPage, Signature
from sections.models import SectionSettings
from tests.demo_server import served_demo

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with (
        override_settings(PAGE_CACHE_SECONDS=60),
        served_demo(django_db_blocker, links_to_server_port=True) as server,
    ):
        with django_db_blocker.unblock():
            section = SectionSettings.objects.get(code="fr")
            section.double_opt_in = False  # the signature counts at once: the thank-you page says so
            section.save()
        yield server


@pytest.fixture(autouse=True)
def fresh_cache():
    """Earlier browser modules post from the same address (rate limits); pages are cached from here."""
    from django.core.cache import cache

    cache.clear()


def petition_url():
    site = SectionSettings.objects.get(code="fr").site
    for page in PetitionPage.objects.live().filter(locale__language_code="fr"):
        site_id, root, path = page.get_url_parts()
        if site_id == site.pk:
            return root + path
    raise AssertionError("no live petition in the French section")


def signatures():
    return Signature.objects.count()


def test_a_newcomer_signs_from_the_cached_page_in_a_new_browser(demo, browser):
    url = petition_url()
    before = signatures()
    first = browser.new_context(locale="fr-FR")
    try:
        assert first.new_page().goto(url).headers["x-page-cache"] == "miss"
    finally:
        first.close()

    newcomer = browser.new_context(locale="fr-FR")
    try:
        page = newcomer.new_page()
        response = page.goto(url)
        assert response.headers["x-page-cache"] == "hit"
        assert "csrfmiddlewaretoken" not in page.content()
        assert newcomer.cookies() == []
        page.locator("#id_first_name").fill("Noémie")
        page.locator("#id_last_name").fill("Nouvelle")
        page.locator("#id_email").fill("noemie.cache@example.org")
        page.locator("#id_country").fill("France")
        if page.locator("#id_postal_code").count():
            page.locator("#id_postal_code").fill("75019")
        page.locator("#id_consent").check()
        page.locator("form.petition-form button[type=submit]").click()
        page.wait_for_url("**/thanks/")
    finally:
        newcomer.close()
    assert signatures() == before + 1


def test_a_form_sent_from_another_site_is_refused_with_a_readable_page(demo, browser):
    """A page of another site (served by the browser itself) posts to the petition's signing URL."""
    url = petition_url()
    before = signatures()
    context = browser.new_context(locale="fr-FR")
    try:
        page = context.new_page()
        page.goto(url)
        action = page.locator("form.petition-form").get_attribute("action")
        host = url.split("/")[2]
        forged = (
            f'<!DOCTYPE html><form method="post" action="http://{host}{action}">'
            '<input name="first_name" value="Eve"><button type="submit">go</button></form>'
        )
        context.route(
            "http://elsewhere.example/", lambda route: route.fulfill(body=forged, content_type="text/html")
        )
        page.goto("http://elsewhere.example/")
        with page.expect_navigation() as navigation:
            page.locator("button").click()
        assert navigation.value.status == 403
        assert "Formulaire non envoyé" in page.content()
    finally:
        context.close()
    assert signatures() == before
