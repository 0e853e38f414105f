"""A URL under a section's home page finds the page Wagtail's own walk finds, in the same queries at any depth."""

import datetime

import pytest
from django.db import connection
from django.http import Http404
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page

from home.models import HomePage, NewsIndexPage, NewsPage, StandardPage
from home.routing import RoutesInOneQuery
from petitions.tests.conftest import make_petition

pytestmark = pytest.mark.django_db

HOST = "fr.localhost:8000"


def add(parent, page):
    page.locale = parent.locale
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


@pytest.fixture
def tree(sections):
    """fr: /actualites/ > /actualites/2024/ (a draft) > /actualites/2024/liberation/, /a-propos/, a petition."""
    home = sections["fr"].home.specific
    news = add(home, NewsIndexPage(title="Actualités", slug="actualites"))
    year = add(news, StandardPage(title="2024", slug="2024"))
    article = add(
        year, NewsPage(title="52 détenus libérés", slug="liberation", date=datetime.date(2025, 9, 11))
    )
    year.unpublish()
    about = add(home, StandardPage(title="À propos", slug="a-propos"))
    petition = make_petition(home)
    return {
        "home": home,
        "news": news,
        "year": year,
        "article": article,
        "about": about,
        "petition": petition,
    }


def wagtails_walk(home, request, components):
    """What Wagtail's `Page.route` answers, walking the tree level by level."""
    return super(RoutesInOneQuery, home).route(request, components)


def outcome(route, request, components):
    try:
        result = route(request, components)
    except Http404:
        return "404"
    return (result.page.pk, type(result.page), result.args[0].__name__ if result.args else None)


@pytest.mark.parametrize(
    "path",
    [
        "actualites/",
        "actualites/2024/liberation/",  # under an unpublished page: Wagtail serves it too
        "actualites/2024/",  # unpublished
        "a-propos/",
        "dissidents/",
        "dissidents/merci/",  # a petition's own sub-page (RoutablePageMixin)
        "dissidents/nulle-part/",
        "nulle-part/",
        "a-propos/nulle-part/",
    ],
)
def test_every_path_finds_what_wagtails_walk_finds(tree, path):
    home = HomePage.objects.get(pk=tree["home"].pk)
    request = RequestFactory().get(f"/fr/{path}", HTTP_HOST=HOST)
    components = [part for part in path.split("/") if part]
    assert outcome(home.route, request, components) == outcome(
        lambda request, components: wagtails_walk(home, request, components), request, components
    )


def test_a_page_found_is_its_specific_type_and_knows_its_language(tree, django_assert_num_queries):
    home = HomePage.objects.get(pk=tree["home"].pk)
    request = RequestFactory().get("/fr/actualites/2024/liberation/", HTTP_HOST=HOST)
    with django_assert_num_queries(2):
        page = home.route(request, ["actualites", "2024", "liberation"]).page
        assert page.locale.language_code == "fr"
    assert type(page) is NewsPage


def queries_of(client, path):
    assert client.get(path, HTTP_HOST=HOST).status_code == 200  # fills the cache
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path, HTTP_HOST=HOST).status_code == 200
    return len(captured.captured_queries)


def test_a_deep_page_is_served_in_as_many_queries_as_a_shallow_one(client, tree):
    tree["year"].save_revision().publish()
    deep = add(tree["year"], StandardPage(title="Bilan", slug="bilan"))
    assert deep.depth == tree["about"].depth + 2
    assert queries_of(client, "/fr/actualites/2024/bilan/") == queries_of(client, "/fr/a-propos/")


def test_a_pages_url_path_is_its_parents_and_its_slug(tree):
    """What the routing relies on, for every page of the section in every depth."""
    for page in Page.objects.descendant_of(tree["home"]):
        assert page.url_path == page.get_parent().url_path + page.slug + "/"


def test_the_home_page_in_the_visitors_language_is_found_without_a_query(sections, django_assert_num_queries):
    """Wagtail routes every request from `site.root_page.localized`: the locale and the translation, cached."""
    from django.test import RequestFactory
    from django.utils import translation

    from sections.wagtail_site_patches import site_for_request

    def localized_home(language):
        with translation.override(language):
            site = site_for_request(RequestFactory().get(f"/{language}/", HTTP_HOST="ch.localhost:8000"))
            return site.root_page.localized

    german, french = localized_home("de"), localized_home("fr")
    assert (german.locale.language_code, type(german)) == ("de", HomePage)
    assert french.pk == sections["ch"].home.pk
    with django_assert_num_queries(0):
        assert localized_home("de").pk == german.pk
        assert localized_home("fr").pk == french.pk

    german.unpublish()  # as Wagtail's own `localized`: a draft translation is not served
    assert localized_home("de").pk == sections["ch"].home.pk


def test_a_path_that_names_a_page_is_kept_with_the_content(tree, django_assert_num_queries):
    """The next visit reads only the page; a slug changed by a publish is found at once at its new path."""
    home = HomePage.objects.get(pk=tree["home"].pk)
    path = ["a-propos"]
    request = RequestFactory().get("/fr/a-propos/", HTTP_HOST=HOST)
    assert home.route(request, path).page.pk == tree["about"].pk
    with django_assert_num_queries(1):
        assert home.route(request, path).page.title == "À propos"

    about = StandardPage.objects.get(pk=tree["about"].pk)
    about.slug = "qui-sommes-nous"
    about.save_revision().publish()
    with pytest.raises(Http404):
        home.route(request, path)
    assert home.route(request, ["qui-sommes-nous"]).page.pk == about.pk


def test_made_up_paths_are_never_kept(tree):
    """Paths naming no page, or going on into a page's own sub-pages, cost a query each time, never cache space."""
    from django.core.cache import cache

    from sections.content_cache import local

    home = HomePage.objects.get(pk=tree["home"].pk)
    local.clear()
    cache.clear()
    for path in (["nulle-part"], ["dissidents", "nulle-part-1"], ["dissidents", "merci"]):
        request = RequestFactory().get("/fr/" + "/".join(path) + "/", HTTP_HOST=HOST)
        outcome(home.route, request, path)
    assert not [key for key in local._cache if ":route:" in key]
    assert not [key for key in cache._cache if ":route:" in key]
