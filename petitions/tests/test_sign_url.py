"""The form's target: a live petition of this site and language, found by id; anything else is not found."""

import pytest
from wagtail.models import PageViewRestriction

from petitions.models import Signature

from .conftest import form_data, host_of, page_path, sign_path, t, text_of

pytestmark = pytest.mark.django_db


def test_the_form_posts_to_the_sign_url(client, petition):
    html = client.get(page_path(petition), HTTP_HOST=host_of(petition)).content.decode()
    assert f'action="{sign_path(petition)}"' in html


def test_errors_come_back_on_the_petition_with_what_was_typed(client, sections, petition):
    data = form_data(petition, sections["fr"].settings, email="anna@", first_name="Anna")
    response = client.post(sign_path(petition), data, HTTP_HOST=host_of(petition))
    assert response.status_code == 200
    assert petition.title in text_of(response)
    assert 'value="anna@"' in response.content.decode()
    assert t("Please enter a valid email address, like name@example.org.") in text_of(response)
    assert not Signature.objects.exists()


def test_the_page_itself_still_accepts_the_form(client, sections, petition):
    data = form_data(petition, sections["fr"].settings)
    response = client.post(page_path(petition), data, HTTP_HOST=host_of(petition))
    assert response.status_code == 303
    assert Signature.objects.count() == 1


def test_a_get_goes_back_to_the_petition(client, petition):
    response = client.get(sign_path(petition), HTTP_HOST=host_of(petition))
    assert response.status_code == 302
    assert response["Location"] == page_path(petition)


@pytest.mark.parametrize("case", ["other site", "unknown id", "unpublished", "restricted"])
def test_anything_but_a_live_public_petition_of_this_site_is_not_found(client, sections, petition, case):
    host = host_of(petition)
    path = sign_path(petition)
    if case == "other site":
        host = "tg.localhost:8000"
    elif case == "unknown id":
        path = path.replace(f"/{petition.pk}/", "/999999/")
    elif case == "unpublished":
        petition.unpublish()
    elif case == "restricted":
        PageViewRestriction.objects.create(page=petition, restriction_type="password", password="secret")
    response = client.post(path, form_data(petition, sections["fr"].settings), HTTP_HOST=host)
    assert response.status_code == 404
    assert not Signature.objects.exists()
