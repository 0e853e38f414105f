"""Rate limits on signing, per IP address and per petition: a readable 429 page, nothing written."""

import pytest
from django.test import override_settings

from petitions.models import Signature

from .conftest import make_petition, t, text_of

pytestmark = pytest.mark.django_db


@override_settings(PETITION_RATE_LIMITS={"ip": (3, 600), "petition": (1000, 60)})
def test_too_many_signings_from_one_address_get_a_readable_429(sections, petition, sign):
    for number in range(3):
        assert sign(petition, email=f"person{number}@example.org").status_code == 303
    response = sign(petition, email="person4@example.org")
    assert response.status_code == 429
    assert t("Too many attempts") in text_of(response)
    assert Signature.objects.count() == 3
    # Another address is not affected.
    assert sign(petition, email="person5@example.org", meta={"REMOTE_ADDR": "192.0.2.9"}).status_code == 303


@override_settings(PETITION_RATE_LIMITS={"ip": (1000, 600), "petition": (2, 60)})
def test_a_flood_on_one_petition_is_limited_without_blocking_others(sections, petition, sign):
    for number in range(2):
        sign(petition, email=f"p{number}@example.org", meta={"REMOTE_ADDR": f"192.0.2.{number + 1}"})
    assert sign(petition, email="p3@example.org", meta={"REMOTE_ADDR": "192.0.2.50"}).status_code == 429
    other = make_petition(sections["fr"].home, slug="autre", title="Autre")
    assert sign(other, email="p3@example.org", meta={"REMOTE_ADDR": "192.0.2.50"}).status_code == 303
    assert Signature.objects.count() == 3


@override_settings(PETITION_RATE_LIMITS={"ip": (2, 600), "petition": (1000, 60)})
def test_invalid_attempts_count_too(petition, sign):
    sign(petition, email="broken")
    sign(petition, email="broken")
    assert sign(petition).status_code == 429
    assert Signature.objects.count() == 0
