"""The language of a response depends on its own request only, never on what the process served before."""

import pytest
from bs4 import BeautifulSoup
from django.utils import translation

pytestmark = pytest.mark.django_db

CH = "ch.localhost:8000"


def not_found_heading(language):
    with translation.override(language):
        return translation.gettext("Page not found")


def test_the_404_for_an_unpublished_language_is_in_the_sections_language_whatever_was_served_before(
    client, sections
):
    seen = []
    for before in ("de", "it"):
        assert client.get(f"/{before}/", HTTP_HOST=CH).status_code == 200
        response = client.get("/en/", HTTP_HOST=CH)
        assert response.status_code == 404
        soup = BeautifulSoup(response.content, "html.parser")
        seen.append((soup.html["lang"], soup.h1.get_text(strip=True)))

    # Switzerland's default language is French: the same page both times.
    assert seen == [("fr", not_found_heading("fr"))] * 2
    assert not_found_heading("fr") != not_found_heading("de")
