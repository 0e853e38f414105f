"""The petition page type for editors: where it can live, the admin form, preview; erasure keeps the count."""

import pytest
from django.contrib.auth.models import User
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from home.models import StandardPage
from petitions.models import PetitionPage, Signature, SignatureState
from supporters.erasure import erase_supporter
from supporters.models import ActionCount

from .conftest import host_of, make_petition, page_path, t, text_of

pytestmark = pytest.mark.django_db


def test_petitions_live_directly_under_a_section_home(sections):
    home = sections["ch"].home
    assert PetitionPage.can_create_at(home)
    standard = StandardPage(title="À propos", slug="a-propos")
    home.add_child(instance=standard)
    assert not PetitionPage.can_create_at(standard)


def test_an_editor_creates_and_publishes_a_petition_in_the_admin(client, sections):
    client.force_login(User.objects.create_superuser("editor", password="pw"))
    home = sections["fr"].home
    url = f"/admin/pages/add/petitions/petitionpage/{home.pk}/"
    assert client.get(url).status_code == 200
    data = nested_form_data(
        {
            "title": "Libérez Nasta Loika",
            "slug": "nasta-loika",
            "addressee_name": "Autorités du Bélarus",
            "addressee_title": "",
            "addressee_address": "",
            "demand": "Libérez Nasta Loika, défenseure des droits humains et éducatrice.",
            "body": streamfield([("paragraph", rich_text("<p>Elle a été condamnée à sept ans.</p>"))]),
            "goal": 2000,
            "opens_at": "",
            "closes_at": "",
            "postal_code": "required",
            "consent_text": "",
            "thank_you_text": "Merci pour Nasta !",
            "share_text": "J'ai signé pour Nasta Loika",
            "action-publish": "publish",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    petition = PetitionPage.objects.get(slug="nasta-loika")
    assert petition.live and petition.goal == 2000
    page = client.get(page_path(petition), HTTP_HOST=host_of(petition))
    assert "Elle a été condamnée à sept ans." in text_of(page)
    # The postal code is required on this petition.
    assert 'name="postal_code"' in page.content.decode()


def test_the_preview_renders_the_form(sections):
    petition = make_petition(sections["fr"].home)
    response = petition.make_preview_request()
    assert response.status_code == 200
    response.render()
    assert 'name="consent"' in response.content.decode()
    assert t("Sign the petition") in text_of(response)


def test_erasing_a_signer_blanks_the_signature_but_keeps_the_count(sections, sign):
    sections["fr"].settings.double_opt_in = False
    sections["fr"].settings.save()
    petition = make_petition(sections["fr"].home)
    sign(petition)
    signature = Signature.objects.get()
    erase_supporter(signature.supporter)
    signature.refresh_from_db()
    assert (signature.first_name, signature.last_name, signature.country, signature.postal_code) == (
        "",
        "",
        "",
        "",
    )
    assert signature.state == SignatureState.CONFIRMED
    assert signature.supporter.email == ""
    assert ActionCount.total_for(petition.translation_key) == 1
