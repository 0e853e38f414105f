"""The prisoner pages' "open actions" hook: open, live petitions of the section and language that name the person."""

from datetime import timedelta

import pytest
from django.utils import timezone
from wagtail.models import Locale

from prisoners.hooks import open_actions
from prisoners.models import PrisonerRecord
from sections.translation import translate

from .conftest import make_petition

pytestmark = pytest.mark.django_db


def test_open_petitions_naming_the_prisoner_are_listed(sections, django_capture_on_commit_callbacks):
    record = PrisonerRecord.objects.create(full_name="Maryia Kalesnikava", country="Bélarus")
    other = PrisonerRecord.objects.create(full_name="Ales Bialiatski", country="Bélarus")
    named = make_petition(sections["ch"].home, slug="maryia")
    named.prisoners.set([record])
    named.save_revision().publish()
    closed = make_petition(sections["ch"].home, slug="closed", closed=True)
    closed.prisoners.set([record])
    closed.save_revision().publish()
    ended = make_petition(sections["ch"].home, slug="ended", closes_at=timezone.now() - timedelta(days=1))
    ended.prisoners.set([record])
    ended.save_revision().publish()
    unrelated = make_petition(sections["ch"].home, slug="ales")
    unrelated.prisoners.set([other])
    unrelated.save_revision().publish()
    elsewhere = make_petition(sections["fr"].home, slug="maryia")
    elsewhere.prisoners.set([record])
    elsewhere.save_revision().publish()

    french = Locale.objects.get(language_code="fr")
    assert [page.pk for page in open_actions(record, sections["ch"].site, french)] == [named.pk]
    assert [page.pk for page in open_actions(record, sections["fr"].site, french)] == [elsewhere.pk]

    with django_capture_on_commit_callbacks(execute=True):
        german_page = translate(named, "de", {})
        german_record = translate(record, "de", {})
    # The German record (a translation of the same person) finds the German petition.
    assert [
        page.pk
        for page in open_actions(german_record, sections["ch"].site, Locale.objects.get(language_code="de"))
    ] == [german_page.pk]
