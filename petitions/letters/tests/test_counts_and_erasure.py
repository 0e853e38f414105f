"""Counts survive a supporter's erasure, carry audited offsets, and can be reconciled with the rows."""

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from petitions.letters.models import Letter
from supporters.erasure import erase_supporter
from supporters.models import ActionCount

from .helpers import CH, generate, page_url, sent_token

pytestmark = pytest.mark.django_db


def send(client, action, **overrides):
    token = sent_token(generate(client, action, **overrides))
    client.post(page_url(action, "sent/"), {"token": token}, HTTP_HOST=CH)


def test_erasure_blanks_the_writer_and_keeps_the_count(client, action):
    send(client, action, email="anne@example.org")
    letter = Letter.objects.get()
    erase_supporter(letter.supporter)
    letter.refresh_from_db()
    assert (letter.first_name, letter.last_name, letter.town, letter.country) == ("", "", "", "")
    assert letter.state == "sent"
    assert ActionCount.total_for(action.translation_key) == 1


def test_offset_for_letters_posted_at_a_stand_is_shown(client, action):
    send(client, action)
    count = ActionCount.objects.get(key=action.translation_key)
    count.set_offset(40, User.objects.create_user("editor"), "Letters written at the Bern stand")
    assert "<strong>41</strong>" in client.get(page_url(action), HTTP_HOST=CH).content.decode()
    assert count.adjustments.get().reason == "Letters written at the Bern stand"


def test_reconcile_command_repairs_a_drifted_count(client, action, capsys):
    send(client, action)
    ActionCount.objects.filter(key=action.translation_key).update(count=7)
    call_command("reconcile_letter_counts")
    assert ActionCount.total_for(action.translation_key) == 1
    assert "corrected by -6 to 1" in capsys.readouterr().out
