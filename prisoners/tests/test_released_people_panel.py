"""The dashboard tells a section's editors which of their open actions target someone no longer detained."""

import datetime

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.urls import reverse
from wagtail import hooks

from home.models import StandardPage
from prisoners.hooks import OPEN_ACTIONS_HOOK
from prisoners.models import PrisonerStatus
from sections.models import SectionStaffGroup

from .conftest import make_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(sections):
    return [make_record(full_name="Maryia Kalesnikava"), make_record(full_name="Ales Bialiatski")]


def staff_of(section, username):
    group = Group.objects.create(name=f"Staff {section.code}")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    SectionStaffGroup.objects.create(group=group, site=section.site)
    user = User.objects.create_user(username, password="pw")
    user.groups.add(group)
    return user


def test_dashboard_tells_editors_about_actions_for_a_released_person(client, sections, records):
    kalesnikava = records[0]
    ch = sections["ch"]
    petition = StandardPage(title="Libérez Maryia Kalesnikava", slug="liberez-maryia", locale=ch.home.locale)
    ch.home.add_child(instance=petition)

    def fake_petitions(record, site, locale):
        if record.translation_key == kalesnikava.translation_key and site == ch.site:
            return StandardPage.objects.live().filter(pk=petition.pk, locale=locale)
        return []

    ch_editor = staff_of(ch, "ch-editor")
    tg_editor = staff_of(sections["tg"], "tg-editor")
    with hooks.register_temporarily(OPEN_ACTIONS_HOOK, fake_petitions):
        client.force_login(ch_editor)
        assert "released-people-actions" not in client.get(reverse("wagtailadmin_home")).content.decode()

        kalesnikava.status = PrisonerStatus.RELEASED
        kalesnikava.released_on = datetime.date(2025, 9, 1)
        kalesnikava.save()

        html = client.get(reverse("wagtailadmin_home")).content.decode()
        assert "released-people-actions" in html
        assert reverse("wagtailadmin_pages:edit", args=[petition.pk]) in html
        assert "Libérez Maryia Kalesnikava" in html

        client.force_login(tg_editor)
        html = client.get(reverse("wagtailadmin_home")).content.decode()
        assert "released-people-actions" not in html  # another section's action is not theirs


@pytest.mark.parametrize(
    ("status", "warned"),
    [
        (PrisonerStatus.RELEASED, True),
        (PrisonerStatus.EXILED, True),
        (PrisonerStatus.DECEASED, True),
        # A call to free someone detained, or to reveal where a disappeared person is, still stands.
        (PrisonerStatus.DETAINED, False),
        (PrisonerStatus.DISAPPEARED, False),
    ],
)
def test_which_statuses_make_an_action_outdated(admin_client, sections, records, status, warned):
    bialiatski = records[1]
    ch = sections["ch"]
    letter = StandardPage(title="Lettre pour Ales", slug="lettre-ales", locale=ch.home.locale)
    ch.home.add_child(instance=letter)
    bialiatski.status = status
    bialiatski.save()

    def fake_letters(record, site, locale):
        if (
            record.translation_key == bialiatski.translation_key
            and site == ch.site
            and locale == letter.locale
        ):
            return [letter]
        return []

    with hooks.register_temporarily(OPEN_ACTIONS_HOOK, fake_letters):
        html = admin_client.get(reverse("wagtailadmin_home")).content.decode()
    assert ("Lettre pour Ales" in html) is warned
