"""With ADMIN_HOST set, as production requires, the admin answers on that host only."""

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


@override_settings(ADMIN_HOST="admin.localhost")
@pytest.mark.parametrize("path", ["/admin/", "/admin/login/", "/admin/pages/"])
def test_a_section_host_answers_404_for_the_admin(client, sections, path):
    response = client.get(path, HTTP_HOST="ch.localhost:8000")
    assert response.status_code == 404
    assert "csrfmiddlewaretoken" not in response.content.decode()


@override_settings(ADMIN_HOST="admin.localhost")
def test_the_admin_host_shows_the_sign_in_page(client, sections):
    assert client.get("/admin/login/", HTTP_HOST="admin.localhost:8000").status_code == 200
    # The public pages of a section still answer on its host.
    assert client.get("/fr/", HTTP_HOST="ch.localhost:8000").status_code == 200


def test_without_an_admin_host_every_host_reaches_the_admin_locally(client, sections):
    assert client.get("/admin/login/", HTTP_HOST="ch.localhost:8000").status_code == 200
