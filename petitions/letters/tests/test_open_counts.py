"""A letter action's count is public JSON at `<action URL>counts/`: the letters sent its page shows, nothing personal."""

import datetime

import pytest

from supporters.models import ActionCount

from .helpers import CH, generate, make_action, page_url, sent_token

pytestmark = pytest.mark.django_db


def test_the_json_count_is_the_count_the_page_shows_once_a_letter_is_sent(client, action):
    token = sent_token(generate(client, action, first_name="Anne-Sophie", email="anne@example.org"))
    client.post(page_url(action, "sent/"), {"token": token}, HTTP_HOST=CH)
    ActionCount.objects.filter(key=action.translation_key).update(offset=40)  # written at a stand
    response = client.get(page_url(action, "counts/"), HTTP_HOST=CH)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response.json() == {
        "type": "letter",
        "title": action.title,
        "url": f"http://{CH}{page_url(action)}",
        "count": 41,
        "goal": 500,
        "state": "open",
        "closes_on": None,
    }
    assert "<strong>41</strong>" in client.get(page_url(action), HTTP_HOST=CH).content.decode()
    assert "Anne-Sophie" not in response.content.decode()
    assert "anne@example.org" not in response.content.decode()


def test_the_action_page_links_to_its_counts(client, action):
    page = client.get(page_url(action), HTTP_HOST=CH).content.decode()
    assert f'<link rel="alternate" type="application/json" href="{page_url(action)}counts/">' in page


def test_a_closed_action_says_so(client, sections):
    action = make_action(sections["ch"].home, slug="ferme", closes_on=datetime.date(2020, 1, 1))
    data = client.get(page_url(action, "counts/"), HTTP_HOST=CH).json()
    assert (data["state"], data["closes_on"]) == ("closed", "2020-01-01")
