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
