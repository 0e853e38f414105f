"""Fixtures for petition tests: a petition per section, a signing helper, a clean rate-limit cache."""

import html
import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext, override

from petitions.models import PetitionPage
from supporters.models import ConsentRecord

HOSTS = {"ch": "ch.localhost:8000", "fr": "fr.localhost:8000", "tg": "tg.localhost:8000"}


@pytest.fixture(autouse=True)
def fresh_cache():
    """Rate-limit buckets and cached section languages live in the cache: each test starts empty."""
    cache.clear()
    yield
    cache.clear()


def make_petition(home, **fields):
    values = {
        "title": "Liberté pour les dissident·e·s bélarussiens",
        "slug": "dissidents",
        "addressee_name": "Autorités du Bélarus",
        "demand": "Libérez Maryia Kalesnikava, Ales Bialiatski, Nasta Loika et Marfa Rabkova.",
        "goal": 1000,
    }
    values.update(fields)
    petition = PetitionPage(**values)
    home.add_child(instance=petition)
    petition.save_revision().publish()
    return PetitionPage.objects.get(pk=petition.pk)


@pytest.fixture
def petition(sections):
    """An open petition of the French section (fr only), with the default double opt-in."""
    return make_petition(sections["fr"].home)


@pytest.fixture
def ch_petition(sections):
    return make_petition(sections["ch"].home, slug="kalesnikava", title="Libérez Maryia Kalesnikava")


def form_data(petition, section_settings, **overrides):
    wording = petition.get_consent_text(section_settings)
    data = {
        "first_name": "Anna",
        "last_name": "Muster",
        "email": "anna@example.org",
        "country": "France",
        "postal_code": "75019",
        "consent": "on",
        "consent_version": ConsentRecord.version_of(wording),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def host_of(petition):
    return HOSTS[petition.get_site().hostname.split(".")[0]]


@pytest.fixture
def sign(client):
    """POST the signing form of `petition` as a visitor would, with a solved proof of work (None removes a field)."""
    from sections.models import SectionSettings
    from supporters.tests.helpers import solution

    def _sign(petition, client=client, meta=None, **overrides):
        settings = SectionSettings.for_site(petition.get_site())
        if "captcha" not in overrides:
            overrides["captcha"] = solution(host_of(petition), client)
        data = form_data(petition, settings, **overrides)
        return client.post(sign_path(petition), data, HTTP_HOST=host_of(petition), **(meta or {}))

    return _sign


def sign_path(petition):
    """Where the signing form posts, e.g. /fr/petitions/sign/42/."""
    with override(petition.locale.language_code):
        return reverse("petitions:sign", args=[petition.pk])


def page_path(petition):
    """The page's path on its own site, e.g. /fr/dissidents/."""
    return petition.get_url_parts()[2]


def text_of(response):
    """The visible text of a response, whitespace collapsed and entities decoded (what a reader sees)."""
    markup = response.content.decode()
    markup = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", markup, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def frame_ancestors(response):
    """Who may frame the response (its Content-Security-Policy's frame-ancestors), e.g. ["'none'"]."""
    policy = response["Content-Security-Policy"]
    return next(part.split()[1:] for part in policy.split("; ") if part.startswith("frame-ancestors"))


def t(message, language="fr"):
    """A message as a visitor of `language` reads it (whatever the state of the catalogs)."""
    with override(language):
        return " ".join(gettext(message).split())


def t_numbers(message, language="fr", **numbers):
    """A message with grouped numbers, e.g. "Goal: 1 000 signatures.", as text_of() reads it."""
    with override(language):
        text = gettext(message) % {
            name: number_format(value, force_grouping=True) for name, value in numbers.items()
        }
    return " ".join(text.split())


def signatures_text(count, language="fr"):
    """The count's heading, e.g. "1 signature", "1 000 signatures"."""
    with override(language):
        number = number_format(count, force_grouping=True)
        text = ngettext("%(number)s signature", "%(number)s signatures", count) % {"number": number}
    return " ".join(text.split())  # as text_of() reads it (no-break spaces collapsed)
