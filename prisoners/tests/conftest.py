"""Builders for prisoner tests: records, an index in a section's language, a profile under it."""

import datetime

import pytest
from wagtail.models import Locale

from prisoners.models import PrisonerIndexPage, PrisonerPage, PrisonerRecord, PrisonerStatus


def make_record(**fields):
    defaults = {"full_name": "Maryia Kalesnikava", "country": "Bélarus", "status": PrisonerStatus.DETAINED}
    defaults.update(fields)
    defaults.setdefault("locale", Locale.objects.get(language_code="fr"))
    return PrisonerRecord.objects.create(**defaults)


def make_index(home, title="Prisonniers", slug="prisonniers"):
    index = PrisonerIndexPage(title=title, slug=slug, locale=home.locale)
    home.add_child(instance=index)
    index.save_revision().publish()
    return index


def make_profile(index, record, **fields):
    fields.setdefault("title", record.full_name)
    fields.setdefault("slug", record.full_name.lower().replace(" ", "-"))
    page = PrisonerPage(record=record, locale=index.locale, **fields)
    index.add_child(instance=page)
    page.save_revision().publish()
    return page


@pytest.fixture
def kalesnikava(db):
    return make_record(
        full_name="Maryia Kalesnikava",
        other_spellings="Maria Kolesnikova\nМарыя Калеснікава\nМария Колесникова",
        occupation="Musicienne",
        arrested_on=datetime.date(2020, 9, 7),
        sentence="11 ans d'emprisonnement",
    )


def translate_now(capture, instance, language, strings=None):
    """Translate through wagtail-localize and publish at once (it publishes on commit)."""
    from sections.translation import translate

    with capture(execute=True):
        return translate(instance, language, strings or {})


def profiles_everywhere(sections, record, capture):
    """An index and a profile of `record` in every section and in each of its languages: {(code, lang): page}."""
    pages = {}
    for code, section in sections.items():
        with capture(execute=True):
            index = make_index(section.home)
            page = make_profile(index, record)
        pages[(code, "fr")] = page
        for language in section.languages[1:]:
            translate_now(capture, index, language)
            pages[(code, language)] = translate_now(capture, page, language)
    return pages


def get(client, page, /, **params):
    """GET a page on its section's host, as a visitor would."""
    host = f"{page.get_site().hostname}:8000"
    return client.get(page.url, params, HTTP_HOST=host)
