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
