"""A closed action: the form is gone, the count stays, POSTs create nothing."""

import datetime

import pytest
from django.utils import timezone

from petitions.letters.models import Letter, SolidarityMessage
from supporters.models import ActionCount

from .helpers import CH, generate, page_url, sent_token, shown

pytestmark = pytest.mark.django_db

ENDED = "This action has ended. Thank you to everyone who wrote."


def close(page):
    page.closes_on = timezone.localdate() - datetime.timedelta(days=1)
    page.save_revision().publish()


def test_after_the_closing_date_the_form_is_gone_and_the_count_stays(client, action):
    token = sent_token(generate(client, action))
    client.post(page_url(action, "sent/"), {"token": token}, HTTP_HOST=CH)
    close(action)

    content = client.get(page_url(action), HTTP_HOST=CH).content.decode()
    assert shown(ENDED) in content
    assert 'action="' + page_url(action, "letter/") not in content
    assert 'action="' + page_url(action, "message/") not in content
    assert "<strong>1</strong>" in content


def test_the_closing_day_itself_is_still_open(client, action):
    action.closes_on = timezone.localdate()
    action.save_revision().publish()
    assert generate(client, action).status_code == 200


def test_posting_to_a_closed_action_creates_nothing(client, action):
    close(action)
    response = generate(client, action)
    assert response.status_code == 410
    assert shown("This action has ended: no letter or message was created.") in response.content.decode()
    assert "data:application/pdf" not in response.content.decode()
    message = client.post(
        page_url(action, "message/"),
        {"message-author_name": "Zoé", "message-text": "Courage", "message-consent": "on"},
        HTTP_HOST=CH,
    )
    assert message.status_code == 410
    assert Letter.objects.count() == 0 and SolidarityMessage.objects.count() == 0


def test_a_letter_generated_before_the_close_can_still_be_reported_sent(client, action):
    """Someone who posted on the last day and reports it the day after is still counted."""
    token = sent_token(generate(client, action))
    close(action)
    assert client.post(page_url(action, "sent/"), {"token": token}, HTTP_HOST=CH).status_code == 303
    assert ActionCount.total_for(action.translation_key) == 1


def test_an_unpublished_action_answers_404(client, action):
    url = page_url(action, "letter/")
    action.unpublish()
    assert client.post(url, {}, HTTP_HOST=CH).status_code == 404
    assert Letter.objects.count() == 0


def test_a_section_with_letters_turned_off_takes_no_letter(client, action, sections):
    settings = sections["ch"].settings
    settings.letters_enabled = False
    settings.save()
    assert generate(client, action).status_code == 410
    assert Letter.objects.count() == 0
