"""`manage.py load_demo` builds the three sections and can run again without changing anything."""

from io import StringIO

import pytest
from django.core.management import call_command
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from sections.models import SectionSettings

# Transactional: wagtail-localize publishes translations on commit, as in `make run`.
pytestmark = pytest.mark.django_db(transaction=True)


def snapshot():
    return {
        "pages": sorted(Page.objects.values_list("url_path", "locale__language_code", "live")),
        "sites": sorted(Site.objects.values_list("hostname", "port", "is_default_site")),
        "sections": sorted(SectionSettings.objects.values_list("code", "currency")),
        "images": get_image_model().objects.count(),
    }


def test_load_demo_is_idempotent(client):
    call_command("load_demo", stdout=StringIO())
    first = snapshot()
    output = StringIO()
    call_command("load_demo", stdout=output)
    assert snapshot() == first
    assert "user: admin  password: plaidoyer-demo" in output.getvalue()
    assert first["sites"] == [
        ("ch.localhost", 8000, True),
        ("fr.localhost", 8000, False),
        ("tg.localhost", 8000, False),
    ]
    assert first["sections"] == [("ch", "CHF"), ("fr", "EUR"), ("tg", "XOF")]
    # The Swiss section is published in German and Italian too, through wagtail-localize.
    assert client.get("/de/aktuell/", HTTP_HOST="ch.localhost:8000").status_code == 200
    assert client.get("/it/attualita/", HTTP_HOST="ch.localhost:8000").status_code == 200
    assert client.get("/de/", HTTP_HOST="fr.localhost:8000").status_code == 404
