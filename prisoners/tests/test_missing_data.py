"""A record with only a name and a country still renders a clean profile and card."""

import pytest

from prisoners.models import PrisonerStatus

from .conftest import get, make_index, make_profile, make_record

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("status", PrisonerStatus.values)
def test_a_sparse_record_renders_in_every_status(
    client, sections, status, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        index = make_index(sections["tg"].home)
        page = make_profile(index, make_record(full_name="Marfa Rabkova", country="Bélarus", status=status))

    response = get(client, page)
    assert response.status_code == 200
    main = response.content.decode().split("<main")[1].split("</main>")[0]
    assert "Marfa Rabkova" in main
    assert f'data-status="{status}"' in main
    assert "prisoner-portrait--missing" in main  # a placeholder, no broken image
    assert "<img" not in main
    assert "prisoner-timeline" not in main  # no empty timeline heading
    assert "None" not in main
    assert main.count("<dt>") == 3  # name, country, status: no empty facts, no "also written"

    response = get(client, index)
    assert response.status_code == 200
    assert "Marfa Rabkova" in response.content.decode()


def test_an_empty_index_says_no_profile_yet(client, sections, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        index = make_index(sections["fr"].home)
    response = get(client, index)
    html = response.content.decode()
    assert response.status_code == 200
    assert "prisoner-results__empty" in html
    assert 'class="detained-count" data-count="0"' in html
