"""The site of a request and its section settings come from Django's cache, and follow a superuser's change."""

import pytest
from django.test import RequestFactory
from wagtail.models import Site

from sections.models import SectionSettings
from sections.wagtail_site_patches import site_for_request

pytestmark = pytest.mark.django_db


def request_for(host):
    return RequestFactory().get("/fr/", HTTP_HOST=host)


def test_wagtail_still_reads_the_site_it_keeps_on_the_request(sections):
    """What the module relies on: if this fails, Wagtail changed how it keeps a request's site."""
    request = request_for("ch.localhost:8000")
    request._wagtail_site = sections["fr"].site
    assert Site.find_for_request(request) == sections["fr"].site


def test_the_cached_site_is_the_one_wagtail_finds_for_every_host(sections):
    for host in ("ch.localhost:8000", "fr.localhost:8000", "tg.localhost:8000", "unknown.localhost:8000"):
        assert site_for_request(request_for(host)) == Site.find_for_request(request_for(host)), host


def test_a_known_host_and_its_settings_cost_no_query_once_cached(sections, django_assert_num_queries):
    site_for_request(request_for("ch.localhost:8000"))
    SectionSettings.for_site(sections["ch"].site)
    with django_assert_num_queries(0):
        request = request_for("ch.localhost:8000")
        assert site_for_request(request) == sections["ch"].site
        assert SectionSettings.for_request(request).code == "ch"


def test_a_host_given_to_another_section_answers_for_it_at_the_next_request(sections):
    assert site_for_request(request_for("fr.localhost:8000")) == sections["fr"].site
    site = sections["fr"].site
    site.hostname = "france.localhost"
    site.save()
    assert site_for_request(request_for("france.localhost:8000")) == site
    # The old host is now unknown: the default site (Switzerland's) answers it.
    assert site_for_request(request_for("fr.localhost:8000")) == sections["ch"].site


def test_settings_saved_by_a_superuser_are_read_at_the_next_request(sections):
    settings = SectionSettings.for_site(sections["fr"].site)
    settings.double_opt_in = not settings.double_opt_in
    settings.save()
    assert (
        SectionSettings.for_request(request_for("fr.localhost:8000")).double_opt_in == settings.double_opt_in
    )
