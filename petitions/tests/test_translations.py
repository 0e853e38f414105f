"""A petition translated with wagtail-localize is one petition: one count, one signature per person."""

import pytest

from petitions.models import Signature
from sections.translation import translate
from supporters.models import ActionCount

from .conftest import host_of, page_path, text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def trilingual(sections, ch_petition, django_capture_on_commit_callbacks):
    sections["ch"].settings.double_opt_in = False
    sections["ch"].settings.save()
    with django_capture_on_commit_callbacks(execute=True):
        german = translate(
            ch_petition, "de", {"Libérez Maryia Kalesnikava": "Freiheit für Maryia Kalesnikava"}
        )
        italian = translate(
            ch_petition, "it", {"Libérez Maryia Kalesnikava": "Libertà per Maryia Kalesnikava"}
        )
    return {"fr": ch_petition, "de": german, "it": italian}


def test_every_language_shows_the_same_count(client, trilingual, sign):
    sign(trilingual["fr"], email="a@example.org")
    sign(trilingual["de"], email="b@example.org")
    sign(trilingual["it"], email="c@example.org")
    assert ActionCount.total_for(trilingual["fr"].translation_key) == 3
    for language, page in trilingual.items():
        response = client.get(page_path(page), HTTP_HOST=host_of(page))
        assert response.status_code == 200, language
        assert 'value="3"' in response.content.decode(), language
    german = client.get(page_path(trilingual["de"]), HTTP_HOST=host_of(trilingual["de"]))
    assert "Freiheit für Maryia Kalesnikava" in text_of(german)


def test_signing_in_two_languages_with_one_address_counts_once(trilingual, sign):
    sign(trilingual["fr"], email="same@example.org")
    second = sign(trilingual["de"], email="Same@Example.org")
    assert second.status_code == 303
    assert Signature.objects.count() == 1
    assert ActionCount.total_for(trilingual["fr"].translation_key) == 1


def test_each_signature_remembers_the_language_it_was_given_in(trilingual, sign):
    sign(trilingual["it"], email="i@example.org")
    signature = Signature.objects.get()
    assert signature.language == "it"
    assert signature.petition_id == trilingual["it"].pk
    assert signature.petition_key == trilingual["fr"].translation_key
