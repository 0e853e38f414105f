"""A status changed once, in the admin, shows on every section's page at the next request."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext
from wagtail.contrib.frontend_cache.backends.base import BaseBackend

from prisoners.models import PrisonerRecord, PrisonerStatus
from sections.dates import long_date

from .conftest import get, profiles_everywhere, translate_now

pytestmark = pytest.mark.django_db

RELEASED_ON = datetime.date(2025, 9, 1)


def edit_form(record, **changes):
    data = {
        "full_name": record.full_name,
        "other_spellings": record.other_spellings,
        "country": record.country,
        "status": record.status,
        "occupation": record.occupation,
        "arrested_on": record.arrested_on.isoformat() if record.arrested_on else "",
        "sentenced_on": "",
        "released_on": "",
        "sentence": record.sentence,
        "charges": record.charges,
        "place_of_detention": record.place_of_detention,
        "portrait": "",
        "portrait_alt": "",
        "portrait_credit": "",
        "timeline-TOTAL_FORMS": "0",
        "timeline-INITIAL_FORMS": "0",
        "timeline-MIN_NUM_FORMS": "0",
        "timeline-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


def released_banner(language):
    with translation.override(language):
        return gettext("Released on %(date)s") % {"date": long_date(RELEASED_ON, language)}


def test_release_entered_once_shows_on_every_sections_page(
    client, admin_client, sections, kalesnikava, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    translate_now(capture, kalesnikava, "de", {"Musicienne": "Musikerin"})
    translate_now(capture, kalesnikava, "it", {"Musicienne": "Musicista"})
    pages = profiles_everywhere(sections, kalesnikava, capture)
    assert len(pages) == 5  # ch fr/de/it, fr, tg
    for page in pages.values():
        html = get(client, page).content.decode()  # every page rendered once before the change
        assert 'data-status="detained"' in html

    url = reverse("wagtailsnippets_prisoners_prisonerrecord:edit", args=[kalesnikava.pk])
    response = admin_client.post(url, edit_form(kalesnikava, status="released", released_on="2025-09-01"))
    assert response.status_code == 302

    # Every translation carries the new facts at once, without a translator's sync.
    assert set(
        PrisonerRecord.objects.filter(translation_key=kalesnikava.translation_key).values_list(
            "status", "released_on"
        )
    ) == {(PrisonerStatus.RELEASED, RELEASED_ON)}
    for (code, language), page in pages.items():
        html = get(client, page).content.decode()
        assert 'data-status="released"' in html, (code, language)
        assert released_banner(language) in html, (code, language)
    # The translated texts stay translated.
    assert "Musikerin" in get(client, pages[("ch", "de")]).content.decode()


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("released_on", "The release date cannot be before the arrest date."),
        ("sentenced_on", "The sentence date cannot be before the arrest date."),
    ],
)
def test_a_date_before_the_arrest_is_refused_next_to_the_field(
    admin_client, sections, kalesnikava, field, message
):
    url = reverse("wagtailsnippets_prisoners_prisonerrecord:edit", args=[kalesnikava.pk])
    response = admin_client.post(url, edit_form(kalesnikava, status="released", **{field: "2019-01-01"}))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [field]  # on that field only, shown next to it
    assert escape(errors[field][0]) in response.content.decode()
    assert 'value="2019-01-01"' in response.content.decode()  # what the editor typed is kept
    kalesnikava.refresh_from_db()
    assert kalesnikava.status == PrisonerStatus.DETAINED


class RecordingBackend(BaseBackend):
    """A frontend cache (CDN) that remembers which URLs it was told to purge."""

    purged = []

    def purge(self, url):
        self.purged.append(url)


def test_a_status_change_purges_every_sections_cached_pages(
    settings, sections, kalesnikava, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    translate_now(capture, kalesnikava, "de", {"Musicienne": "Musikerin"})
    pages = profiles_everywhere(sections, kalesnikava, capture)
    settings.WAGTAILFRONTENDCACHE = {"cdn": {"BACKEND": f"{__name__}.RecordingBackend"}}
    RecordingBackend.purged.clear()

    kalesnikava.status = PrisonerStatus.RELEASED
    kalesnikava.save()

    purged = set(RecordingBackend.purged)
    for page in pages.values():
        assert page.full_url in purged  # the profile in every section and language
        assert page.get_parent().full_url in purged  # and the index counting the detained
