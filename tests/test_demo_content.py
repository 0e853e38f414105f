"""`manage.py load_demo` builds the three sections and can run again without changing anything."""

import re
from io import StringIO
from urllib.parse import quote

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import override
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from petitions.models import PetitionPage
from sections.models import SectionSettings
from supporters.models import ConsentRecord

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


def test_the_demo_served_on_another_port_links_to_that_port(client):
    """`make run PORT=8100` passes its port: banner, sites, hreflang, share and email links all use it."""
    output = StringIO()
    call_command("load_demo", port=8100, stdout=output)
    banner = output.getvalue()
    assert "http://ch.localhost:8100/" in banner
    assert "http://localhost:8100/admin/" in banner
    assert ":8000" not in banner
    assert sorted(Site.objects.values_list("hostname", "port")) == [
        ("ch.localhost", 8100),
        ("fr.localhost", 8100),
        ("tg.localhost", 8100),
    ]

    petition = next(page for page in PetitionPage.objects.live().specific() if page.is_open)
    site = petition.get_site()
    host = f"{site.hostname}:8100"
    # The admin's "View live" link is the page's full URL.
    assert petition.full_url.startswith(f"http://{host}/")
    page = client.get(petition.get_url_parts()[2], HTTP_HOST=host).content.decode()
    assert f'hreflang="fr" href="http://{host}/fr/' in page
    assert ":8000" not in page

    settings = SectionSettings.for_site(site)
    with override(petition.locale.language_code):
        sign_url = reverse("petitions:sign", args=[petition.pk])
    data = {
        "first_name": "Anna",
        "last_name": "Muster",
        "email": "anna.port@example.org",
        "country": "France",
        "postal_code": "75019",
        "consent": "on",
        "consent_version": ConsentRecord.version_of(petition.get_consent_text(settings)),
    }
    thanks = client.post(sign_url, data, HTTP_HOST=host, follow=True)
    assert thanks.status_code == 200
    share_links = re.findall(r'href="(https://(?:wa\.me|t\.me|x\.com)[^"]+)"', thanks.content.decode())
    assert share_links and all(quote(f"http://{host}/", safe="") in link for link in share_links)
    (email,) = mail.outbox
    assert f"http://{host}/{petition.locale.language_code}/petitions/confirm/" in email.body
    assert ":8000" not in email.body


def untranslated_segments():
    """(language, page or snippet, field, text) for every demo string a translator has not translated."""
    from wagtail_localize.models import StringSegment, StringTranslation, Translation

    for translation in Translation.objects.select_related("source", "target_locale"):
        language = translation.target_locale
        done = set(
            StringTranslation.objects.filter(locale=language).values_list("translation_of_id", "context_id")
        )
        for segment in StringSegment.objects.filter(source=translation.source).select_related(
            "string", "context"
        ):
            if (segment.string_id, segment.context_id) not in done:
                yield (
                    language.language_code,
                    translation.source.object_repr,
                    segment.context.path,
                    segment.string.data,
                )


def test_every_demo_page_and_record_is_translated_completely():
    """What stays as in French is what is the same in every language: people's names, figures, the root's slug."""
    call_command("load_demo", stdout=StringIO())
    from prisoners.models import PrisonerRecord

    names = set(PrisonerRecord.objects.values_list("full_name", flat=True))
    name_slugs = {slugify(name) for name in names}
    left = [
        (language, item, field, text)
        for language, item, field, text in untranslated_segments()
        if text not in names
        and text not in name_slugs
        and not re.fullmatch(r"[\d\s\u202f\u00a0.,']+", text)
        and not (field == "slug" and text in SectionSettings.objects.values_list("code", flat=True))
    ]
    assert left == []
