"""A home page's body blocks are kept with the content: a publish or a changed image shows at the next visit."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

pytestmark = pytest.mark.django_db

HOST = "ch.localhost:8000"


def hero_of(client):
    html = client.get("/fr/", HTTP_HOST=HOST).content.decode()
    return re.search(r'<section class="hero">.*?</section>', html, re.S).group(0)


@pytest.fixture
def home_with_hero(sections):
    image = get_image_model().objects.create(title="Manifestation", file=get_test_image_file("manif.png"))
    home = sections["ch"].home.specific
    home.body = [
        ("hero", {"heading": "Libérez-les", "text": "", "image": image}),
        ("impact_figures", {"figures": [{"figure": "", "count_actions": True, "label": "actions"}]}),
    ]
    home.save_revision().publish()
    return home, image


def test_a_published_change_shows_at_the_next_visit(client, home_with_hero):
    home, _image = home_with_hero
    assert "Libérez-les" in hero_of(client)
    assert "Libérez-les" in hero_of(client)  # kept
    home.body[0].value["heading"] = "Écrivez-leur"
    home.save_revision().publish()
    assert "Écrivez-leur" in hero_of(client)


def test_an_image_replaced_in_the_admin_shows_at_the_next_visit(client, home_with_hero, django_user_model):
    _home, image = home_with_hero
    assert "manif" in hero_of(client)
    editor = django_user_model.objects.create_superuser("editor", "editor@example.org", "pw")
    admin = Client()
    admin.force_login(editor)
    response = admin.post(
        f"/admin/images/{image.pk}/",
        {
            "title": "Rassemblement",
            "file": SimpleUploadedFile(
                "rassemblement.png", get_test_image_file().file.getvalue(), content_type="image/png"
            ),
            "collection": image.collection_id,
            "tags": "",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    hero = hero_of(client)
    assert "rassemblement" in hero and "manif" not in hero
