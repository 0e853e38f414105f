"""The prisoner profile's hook: open, live letter actions of one section and language that concern a record."""

import datetime

import pytest
from django.utils import timezone
from wagtail import hooks
from wagtail.models import Locale

from prisoners.models import PrisonerRecord

from .helpers import make_action

pytestmark = pytest.mark.django_db


def actions_for(record, site, language):
    locale = Locale.objects.get(language_code=language)
    found = []
    for hook in hooks.get_hooks("register_prisoner_actions"):
        found += hook(record, site, locale)
    return found


@pytest.fixture
def maryia(sections):
    return PrisonerRecord.objects.create(
        full_name="Maryia Kalesnikava", country="Bélarus", locale=Locale.objects.get(language_code="fr")
    )


def test_open_actions_of_the_section_and_language_are_listed(
    sections, maryia, django_capture_on_commit_callbacks
):
    from sections.translation import translate

    swiss = make_action(sections["ch"].home, prisoners=[maryia])
    french = make_action(sections["fr"].home, slug="lettre-france", prisoners=[maryia])
    make_action(sections["ch"].home, slug="sans-prisonniere")
    with django_capture_on_commit_callbacks(execute=True):
        swiss_de = translate(swiss, "de", {})

    assert actions_for(maryia, sections["ch"].site, "fr") == [swiss]
    assert actions_for(maryia, sections["ch"].site, "de") == [swiss_de]
    assert actions_for(maryia, sections["fr"].site, "fr") == [french]
    assert actions_for(maryia, sections["tg"].site, "fr") == []


def test_closed_or_unpublished_actions_are_not_listed(sections, maryia):
    closed = make_action(sections["ch"].home, prisoners=[maryia])
    closed.closes_on = timezone.localdate() - datetime.timedelta(days=1)
    closed.save_revision().publish()
    draft = make_action(sections["ch"].home, slug="brouillon", prisoners=[maryia])
    draft.unpublish()
    assert actions_for(maryia, sections["ch"].site, "fr") == []


def test_a_translated_record_finds_the_same_actions(sections, maryia):
    swiss = make_action(sections["ch"].home, prisoners=[maryia])
    maryia_de = maryia.copy_for_translation(Locale.objects.get(language_code="de"))
    maryia_de.save()
    assert actions_for(maryia_de, sections["ch"].site, "fr") == [swiss]
