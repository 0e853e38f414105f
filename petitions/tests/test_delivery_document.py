"""The printable delivery document for the addressee: petition text, count, names on request."""

import pytest
from django.contrib.auth.models import User

from .conftest import make_petition, signatures_text, text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(sections, sign):
    sections["fr"].settings.double_opt_in = False
    sections["fr"].settings.save()
    petition = make_petition(
        sections["fr"].home,
        addressee_name="Ministre des Affaires étrangères",
        addressee_title="Ministère des Affaires étrangères de la République de Biélorussie",
        addressee_address="vul. Lenina 19\n220030 Minsk\nBiélorussie",
    )
    sign(petition, first_name="Anna", last_name="Muster", email="anna@example.org")
    sign(petition, first_name="Jean", last_name="Dupont", email="jean@example.org", country="Belgique")
    sign(petition, first_name="Zoé", last_name="Pending", email="zoe@example.org")
    from petitions.models import Signature

    Signature.objects.filter(
        pk__in=[s.pk for s in Signature.objects.all() if s.last_name == "Pending"]
    ).update(state="pending")
    from supporters.models import ActionCount

    ActionCount.objects.filter(key=petition.translation_key).update(count=2, offset=40)
    return petition


def test_the_document_has_the_text_addressee_and_count_without_names_by_default(client, signed):
    client.force_login(User.objects.create_superuser("root", password="pw"))
    response = client.get(f"/admin/petition-counts/{signed.pk}/delivery/")
    assert response.status_code == 200
    text = text_of(response)
    assert "vul. Lenina 19" in text and "220030 Minsk" in text
    assert "Libérez Maryia Kalesnikava, Ales Bialiatski" in text
    assert signatures_text(42) in text
    assert "Muster" not in text
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert '<html lang="fr">' in response.content.decode()


def test_names_are_listed_on_request_only_confirmed_ones(client, signed):
    client.force_login(User.objects.create_superuser("root", password="pw"))
    response = client.get(f"/admin/petition-counts/{signed.pk}/delivery/?names=1&download=1")
    text = text_of(response)
    assert "Jean Dupont (Belgique)" in text and "Anna Muster (France)" in text
    assert text.index("Dupont") < text.index("Muster")
    assert "Pending" not in text
    assert response["Content-Disposition"].startswith("attachment;")
