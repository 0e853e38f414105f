"""Fixtures for the letter-writing tests: a Swiss letter action (fr, translated into de) with a Russian version."""

import pytest

from .helpers import FRENCH_BODY, make_action


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Rate limits live in the cache: each test starts with empty buckets."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def action(sections):
    return make_action(sections["ch"].home)


@pytest.fixture
def action_de(action, django_capture_on_commit_callbacks):
    from sections.translation import translate

    with django_capture_on_commit_callbacks(execute=True):
        return translate(
            action,
            "de",
            {
                "Écrivez pour Maryia Kalesnikava": "Schreiben Sie für Maryia Kalesnikava",
                "Monsieur le Ministre,": "Sehr geehrter Herr Minister",
                FRENCH_BODY: "Maryia Kalesnikava ist seit 2020 in Haft.\n\nBitte lassen Sie sie frei.",
            },
        )


@pytest.fixture
def staff_factory(db):
    """Staff of a section: a Wagtail admin user in a group that is that section's staff."""
    from django.contrib.auth.models import Group, Permission, User

    from sections.models import SectionStaffGroup

    def make(section, username):
        group, _ = Group.objects.get_or_create(name=f"Staff {section.code}")
        group.permissions.add(
            *Permission.objects.filter(
                codename__in=[
                    "access_admin",
                    "view_letter",
                    "view_solidaritymessage",
                    "moderate_solidaritymessage",
                ]
            )
        )
        SectionStaffGroup.objects.get_or_create(group=group, site=section.site)
        user = User.objects.create_user(username, f"{username}@example.org", "pw")
        user.groups.add(group)
        return user

    return make
