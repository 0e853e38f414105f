"""Finding a person on the index by any spelling: other transliterations, Cyrillic, no diacritics."""

import pytest

from .conftest import get, make_index, make_profile, make_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def index(sections, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        index = make_index(sections["fr"].home)
        make_profile(
            index,
            make_record(
                full_name="Maryia Kalesnikava",
                other_spellings="Maria Kolesnikova\nМарыя Калеснікава\nМария Колесникова",
            ),
        )
        make_profile(
            index,
            make_record(full_name="Ales Bialiatski", other_spellings="Aleś Białacki\nАлесь Бяляцкі"),
        )
        make_profile(index, make_record(full_name="Nasta Loika", other_spellings="Наста Лойка"))
    return index


def names_found(client, index, query):
    response = get(client, index, q=query)
    assert response.status_code == 200
    html = response.content.decode()
    cards = html.split('class="card prisoner-card"')[1:]
    return sorted(
        name
        for name in ("Maryia Kalesnikava", "Ales Bialiatski", "Nasta Loika")
        if any(name in c for c in cards)
    )


@pytest.mark.parametrize(
    "query",
    [
        "Kalesnikava",
        "kolesnikova",  # the Russian transliteration, listed among her spellings
        "Kolesnikava",  # a mix of both, listed nowhere: matched by its transliteration key
        "Kalesnikawa",  # German-style w
        "Колесникова",  # Cyrillic (Russian)
        "Калеснікава",  # Cyrillic (Belarusian)
        "КОЛЕСНИКОВА",
        "Maria Kolesnikova",
        "  maryia   KALESNIKAVA ",
    ],
)
def test_kalesnikava_is_found_by_any_spelling(client, index, query):
    assert names_found(client, index, query) == ["Maryia Kalesnikava"]


@pytest.mark.parametrize("query", ["Białacki", "Bialacki", "bialiatski", "Беляцкий", "Бяляцкі", "Aleś"])
def test_bialiatski_is_found_with_and_without_diacritics_and_in_cyrillic(client, index, query):
    assert names_found(client, index, query) == ["Ales Bialiatski"]


@pytest.mark.parametrize(("query", "name"), [("Kalesn", "Maryia Kalesnikava"), ("Бяля", "Ales Bialiatski")])
def test_the_start_of_a_name_is_enough(client, index, query, name):
    assert names_found(client, index, query) == [name]


def test_every_word_must_match(client, index):
    assert names_found(client, index, "Nasta Kolesnikova") == []
    assert names_found(client, index, "Лойка") == ["Nasta Loika"]


def test_an_unknown_name_finds_nobody_and_says_so(client, index):
    response = get(client, index, q="Tsikhanouskaya")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="card prisoner-card"' not in html
    assert "prisoner-results__empty" in html
    assert 'value="Tsikhanouskaya"' in html  # what the visitor typed stays in the box


def test_search_combines_with_filters(client, index):
    assert names_found(client, index, "Loika") == ["Nasta Loika"]
    response = get(client, index, q="Loika", status="released")
    assert 'class="card prisoner-card"' not in response.content.decode()


def test_a_renamed_spelling_is_searchable_at_once(client, index):
    from prisoners.models import PrisonerRecord

    record = PrisonerRecord.objects.get(full_name="Nasta Loika")
    record.other_spellings = "Anastasia Loyko"
    record.save()
    assert names_found(client, index, "Anastasia") == ["Nasta Loika"]
