"""Closed, not yet open and unpublished petitions: no form, the count stays, a POST writes nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from petitions.models import Signature
from supporters.models import ActionCount, Supporter

from .conftest import host_of, make_petition, page_path, t, t_numbers, text_of

pytestmark = pytest.mark.django_db


def assert_no_form(response):
    assert 'name="consent"' not in response.content.decode()
    assert "<form" not in response.content.decode()


@pytest.mark.parametrize(
    "fields",
    [{"closed": True}, {"closes_at": timezone.now() - timedelta(minutes=1)}],
    ids=["closed by an editor", "closing date passed"],
)
def test_an_ended_petition_keeps_its_count_and_says_it_ended(client, sections, sign, fields):
    petition = make_petition(sections["ch"].home, slug="maria", **fields)
    ActionCount.ensure(petition.translation_key)
    ActionCount.objects.filter(key=petition.translation_key).update(count=990, offset=10)
    response = client.get(page_path(petition), HTTP_HOST=host_of(petition))
    assert response.status_code == 200
    text = text_of(response)
    assert t("This campaign has ended") in text
    assert 'max="1000" value="1000"' in response.content.decode()
    # Ended: the goal is reached, no next milestone is announced.
    assert t_numbers("Goal of %(goal)s reached!", goal=1000) in text
    assert (
        t_numbers("Goal of %(goal)s reached! Next milestone: %(target)s.", goal=1000, target=2000) not in text
    )
    assert_no_form(response)

    post = sign(petition)
    assert post.status_code == 410
    assert t("This campaign has ended") in text_of(post)
    assert Signature.objects.count() == 0 and Supporter.objects.count() == 0
    assert ActionCount.total_for(petition.translation_key) == 1000


def test_a_petition_not_open_yet_shows_no_form_and_refuses_signatures(client, sections, sign):
    petition = make_petition(sections["fr"].home, opens_at=timezone.now() + timedelta(days=2))
    response = client.get(page_path(petition), HTTP_HOST=host_of(petition))
    assert t("This petition is not open for signing yet.") in text_of(response)
    assert_no_form(response)
    assert sign(petition).status_code == 403
    assert Signature.objects.count() == 0


def test_a_section_without_petitions_refuses_signatures(client, sections, petition, sign):
    sections["fr"].settings.petitions_enabled = False
    sections["fr"].settings.save()
    response = client.get(page_path(petition), HTTP_HOST=host_of(petition))
    assert t("Signing is not available on this site at the moment.") in text_of(response)
    assert sign(petition).status_code == 403
    assert Signature.objects.count() == 0


def test_a_post_to_an_unpublished_petition_is_not_found(sections, petition, sign):
    petition.unpublish()
    response = sign(petition)
    assert response.status_code == 404
    assert Signature.objects.count() == 0 and Supporter.objects.count() == 0


def test_closing_the_petition_keeps_what_was_signed(client, sections, sign):
    sections["fr"].settings.double_opt_in = False
    sections["fr"].settings.save()
    petition = make_petition(sections["fr"].home)
    sign(petition)
    petition.closed = True
    petition.save_revision().publish()
    response = client.get(page_path(petition), HTTP_HOST=host_of(petition))
    assert 'class="notice petition__ended"' in response.content.decode()
    assert 'value="1"' in response.content.decode()
    assert ActionCount.total_for(petition.translation_key) == 1
