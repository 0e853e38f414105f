"""Whatever a visitor puts in the index's query string, the page answers normally and explains."""

import pytest
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from .conftest import get, make_index, make_profile, make_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def index(sections, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        index = make_index(sections["fr"].home)
        make_profile(index, make_record(full_name="Ales Bialiatski", other_spellings="Алесь Бяляцкі"))
    return index


@pytest.mark.parametrize(
    ("params", "shown"),
    [
        ({"status": "imprisoned"}, "There is no status “%(value)s”."),
        ({"country": "Atlantis"}, "No profile is from the country “%(value)s”."),
        ({"theme": "no-such-theme"}, "There is no theme “%(value)s”."),
        ({"status": "<script>alert(1)</script>"}, "There is no status “%(value)s”."),
    ],
)
def test_unknown_filter_values_show_an_empty_explained_result(client, index, params, shown):
    response = get(client, index, **params)
    assert response.status_code == 200
    html = response.content.decode()
    with translation.override("fr"):  # the page's language; English until the catalogs are compiled
        assert escape(gettext(shown) % {"value": next(iter(params.values()))}) in html
    assert 'class="card prisoner-card"' not in html
    assert "<script>alert(1)</script>" not in html


def test_a_very_long_unknown_value_is_shortened_when_repeated(client, index):
    html = get(client, index, country="X" * 5000).content.decode()
    assert "X" * 80 + "…" in html
    assert "X" * 81 not in html


@pytest.mark.parametrize(
    "query",
    [
        "   ",
        "'\"",
        'Bialiatski"',
        '"Ales Bialiatski"',
        "Ales' OR 1=1 --",
        "!!!???***",
        "Bialiatski & | ! : * ( )",
        "a" * 10_000,
        "Ales " * 500,
        "\x00\x01",
        "😀",
        "%",
        "Bialiatski\\",
    ],
)
def test_odd_search_input_answers_normally(client, index, query):
    response = get(client, index, q=query)
    assert response.status_code == 200
    assert "<!DOCTYPE html>" in response.content.decode()


def test_punctuation_around_a_name_still_finds_it(client, index):
    html = get(client, index, q='"Bialiatski", (Ales)!').content.decode()
    assert 'class="card prisoner-card"' in html


def test_a_query_without_letters_lists_everyone_with_a_hint(client, index):
    html = get(client, index, q="?!").content.decode()
    assert "prisoner-results__hint" in html
    assert 'class="card prisoner-card"' in html


def test_only_spaces_is_no_search(client, index):
    html = get(client, index, q="    ").content.decode()
    assert "prisoner-results__hint" not in html
    assert 'class="card prisoner-card"' in html


@pytest.mark.parametrize("page", ["0", "-1", "abc", "999", "1.5"])
def test_bad_page_numbers_fall_back_to_a_real_page(client, index, page):
    response = get(client, index, page=page)
    assert response.status_code == 200
    assert 'class="card prisoner-card"' in response.content.decode()
