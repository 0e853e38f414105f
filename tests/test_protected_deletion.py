"""Deleting a section, its site or its home page while supporters' data belongs to it is refused in words."""

import pytest
from django.contrib.auth.models import User
from django.contrib.messages import get_messages
from django.utils import translation
from django.utils.text import capfirst
from wagtail.models import Page, Site

from petitions.models import Signature
from supporters.models import Supporter
from tests.test_scoped_admin_urls import signature

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(sections):
    signature(sections["fr"], "Jeanne", "Kervella", "Brest")
    return sections["fr"]


@pytest.fixture
def superuser_client(client):
    client.force_login(User.objects.create_superuser("root", "root@example.org", "pw"))
    return client


@pytest.mark.parametrize("url", ["/admin/sites/delete/{site}/"])
def test_a_section_with_supporters_cannot_be_deleted_and_the_admin_says_why(superuser_client, signed, url):
    url = url.format(site=signed.site.pk, home=signed.home.pk)
    response = superuser_client.post(url, HTTP_REFERER=f"http://testserver{url}")
    assert response.status_code == 302
    assert response["Location"] == f"http://testserver{url}"
    (message,) = [str(message) for message in get_messages(response.wsgi_request)]
    # The admin speaks the project's default language here (French).
    with translation.override("fr"):
        rows = sorted(capfirst(model._meta.verbose_name_plural) for model in (Signature, Supporter))
        expected = translation.gettext(
            "This cannot be deleted: supporters' data still belongs to it (%(rows)s). Export and "
            "erase that data first, or keep it."
        ) % {"rows": ", ".join(f"{name}: 1" for name in rows)}
    assert message == expected
    assert Site.objects.filter(pk=signed.site.pk).exists()
    assert Page.objects.filter(pk=signed.home.pk).exists()


def test_the_default_languages_home_page_cannot_be_deleted_while_its_section_exists(
    superuser_client, sections
):
    swiss = sections["ch"]
    url = f"/admin/pages/{swiss.home.pk}/delete/"
    for response in (superuser_client.get(url), superuser_client.post(url)):
        assert response.status_code == 302
        message = [str(message) for message in get_messages(response.wsgi_request)][-1]
        # In French, the admin's language here.
        assert f"Cette page est la section {swiss.settings.name} dans sa langue par défaut" in message
    assert Page.objects.filter(pk=swiss.home.pk).exists()
    assert Page.objects.filter(translation_key=swiss.home.translation_key).count() == 3


def test_deleting_a_languages_home_page_says_it_removes_that_language(superuser_client, sections):
    german = sections["ch"].homes["de"]
    response = superuser_client.get(f"/admin/pages/{german.pk}/delete/")
    assert response.status_code == 200
    messages = [str(message) for message in get_messages(response.wsgi_request)]
    assert any("Deutsch" in message and sections["ch"].settings.name in message for message in messages), (
        messages
    )
    superuser_client.post(f"/admin/pages/{german.pk}/delete/")
    assert not Page.objects.filter(pk=german.pk).exists()
    assert superuser_client.get("/de/", HTTP_HOST="ch.localhost").status_code == 404
    assert superuser_client.get("/fr/", HTTP_HOST="ch.localhost").status_code == 200
