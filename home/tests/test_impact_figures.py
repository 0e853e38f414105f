"""The home page's live figure counts every action taken in the section, in all its languages, and no other section's."""

import uuid

import pytest
from django.contrib.auth import get_user_model

from home.models import StandardPage
from supporters.models import ActionCount

pytestmark = pytest.mark.django_db


def show_live_count(home):
    home.body = [
        (
            "impact_figures",
            {"heading": "Nos victoires", "figures": [{"count_actions": True, "label": "actions prises"}]},
        )
    ]
    home.save_revision().publish()


def test_the_live_figure_adds_up_the_sections_actions_in_every_language(client, sections):
    ch, fr = sections["ch"], sections["fr"]
    german_action = StandardPage(title="Aktion", slug="aktion")
    ch.homes["de"].add_child(instance=german_action)
    for _ in range(3):
        ActionCount.increment(ch.home.translation_key)
    for _ in range(4):
        ActionCount.increment(german_action.translation_key)
    ActionCount.objects.get(key=german_action.translation_key).set_offset(
        10, get_user_model().objects.create_user("staff"), "Paper signatures from the Bern stand"
    )
    for _ in range(100):
        ActionCount.increment(fr.home.translation_key)
    ActionCount.increment(uuid.uuid4())  # an action of no page at all
    show_live_count(ch.home)

    html = client.get("/fr/", HTTP_HOST="ch.localhost:8000").content.decode()
    assert '<strong class="impact__figure">17</strong>' in html


def test_the_home_page_shows_the_sections_members_and_local_groups(
    client, sections, django_capture_on_commit_callbacks
):
    from membership.models import JoinPage, LocalGroup
    from sections.translation import translate

    ch, fr = sections["ch"], sections["fr"]
    with django_capture_on_commit_callbacks(execute=True):
        join = JoinPage(title="Nous rejoindre", slug="nous-rejoindre")
        ch.home.add_child(instance=join)
        join.save_revision().publish()
        translate(join, "de", {"nous-rejoindre": "mitmachen"})
        lausanne = LocalGroup.objects.create(
            site=ch.site,
            locale=join.locale,
            name="Groupe de Lausanne",
            town="Lausanne",
            contact_email="l@example.org",
        )
        translate(lausanne, "de", {})
        LocalGroup.objects.create(
            site=ch.site,
            locale=join.locale,
            name="Groupe de Genève",
            town="Genève",
            contact_email="g@example.org",
        )
    LocalGroup.objects.create(
        site=fr.site, locale=join.locale, name="Groupe de Paris", town="Paris", contact_email="p@example.org"
    )
    for _ in range(3):  # three confirmed members (each person counts once: membership.joining)
        ActionCount.increment(join.translation_key)
    ch.home.body = [
        (
            "impact_figures",
            {
                "heading": "La section",
                "figures": [
                    {"live_figure": "members", "label": "membres"},
                    {"live_figure": "groups", "label": "groupes locaux"},
                ],
            },
        )
    ]
    ch.home.save_revision().publish()

    html = client.get("/fr/", HTTP_HOST="ch.localhost:8000").content.decode()
    assert '<strong class="impact__figure">3</strong> <span>membres</span>' in html
    assert '<strong class="impact__figure">2</strong> <span>groupes locaux</span>' in html


def test_a_live_figure_is_as_fresh_as_a_cached_page(client, sections, settings):
    """Counted at most once per LIVE_FIGURES_SECONDS for every visitor, the page cache's own promise."""
    from django.core.cache import cache

    ch = sections["ch"]
    show_live_count(ch.home)
    settings.LIVE_FIGURES_SECONDS = 60
    ActionCount.increment(ch.home.translation_key)

    def figure():  # a signed-in editor's request: the page cache keeps nothing for it
        html = client.get("/fr/", HTTP_HOST="ch.localhost:8000", HTTP_COOKIE="sessionid=x").content.decode()
        return html.split('<strong class="impact__figure">')[1].split("<")[0]

    assert figure() == "1"
    ActionCount.increment(ch.home.translation_key)
    assert figure() == "1"  # counted again once the figure expires
    cache.delete(f"live-figure:actions:{ch.site.pk}")  # LIVE_FIGURES_SECONDS later
    assert figure() == "2"
    settings.LIVE_FIGURES_SECONDS = 0  # counted on every request
    ActionCount.increment(ch.home.translation_key)
    assert figure() == "3"
