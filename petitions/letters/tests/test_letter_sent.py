"""'I have sent my letter': counted once per generated letter, shared by every translation, never forged."""

import threading

import pytest
from django.core import signing
from django.db import connection

from petitions.letters.forms import SENT_SALT
from petitions.letters.models import Letter, LetterState
from supporters.models import ActionCount

from .helpers import CH, generate, page_url, sent_token, shown

pytestmark = pytest.mark.django_db


def shown_count(client, page):
    content = client.get(page_url(page), HTTP_HOST=CH).content.decode()
    start = content.index('id="count"')
    return content[start : start + 600]


def test_generating_does_not_count_and_sending_counts_once(client, action):
    response = generate(client, action)
    token = sent_token(response)
    assert ActionCount.total_for(action.translation_key) == 0

    first = client.post(page_url(action, "sent/"), {"token": token}, HTTP_HOST=CH)
    assert first.status_code == 303
    assert first["Location"].endswith(page_url(action) + "#count")
    second = client.post(page_url(action, "sent/"), {"token": token}, HTTP_HOST=CH)
    assert second.status_code == 303

    assert ActionCount.total_for(action.translation_key) == 1
    letter = Letter.objects.get()
    assert letter.state == LetterState.SENT and letter.sent_at is not None
    page = client.get(page_url(action), HTTP_HOST=CH).content.decode()
    assert "<strong>1</strong>" in page
    assert '<progress max="500" value="1"' in page


def test_the_page_remembers_a_letter_waiting_to_be_posted(client, action):
    generate(client, action)
    later = client.get(page_url(action), HTTP_HOST=CH)
    assert 'action="' + page_url(action, "sent/") in later.content.decode()
    assert "no-store" in later["Cache-Control"]

    client.post(page_url(action, "sent/"), {"token": sent_token(later)}, HTTP_HOST=CH)
    after = client.get(page_url(action), HTTP_HOST=CH).content.decode()
    assert page_url(action, "sent/") not in after


def test_a_visitor_without_a_pending_letter_gets_a_cacheable_page(client, action):
    response = client.get(page_url(action), HTTP_HOST=CH)
    assert "no-store" not in response.get("Cache-Control", "")
    assert "sessionid" not in response.cookies


def test_count_is_shared_by_the_translations(client, action_de):
    from petitions.letters.models import LetterActionPage

    action = LetterActionPage.objects.get(
        translation_key=action_de.translation_key, locale__language_code="fr"
    )
    for page, language in [(action, "fr"), (action_de, "de"), (action_de, "ru")]:
        browser = type(client)()
        token = sent_token(generate(browser, page, language=language))
        browser.post(page_url(page, "sent/"), {"token": token}, HTTP_HOST=CH)

    assert ActionCount.total_for(action.translation_key) == 3
    assert "<strong>3</strong>" in shown_count(client, action)
    assert "<strong>3</strong>" in shown_count(client, action_de)


@pytest.mark.parametrize(
    "token",
    [
        "",
        "not-a-token",
        signing.dumps("00000000-0000-0000-0000-000000000000", salt=SENT_SALT),  # well signed, no such letter
        signing.dumps("not-a-uuid", salt=SENT_SALT),
        signing.dumps("00000000-0000-0000-0000-000000000000", salt="another.salt"),
    ],
    # Named ids: a signed token carries its timestamp, and pytest-xdist refuses workers whose test ids differ.
    ids=["empty", "not-a-token", "no-such-letter", "not-a-uuid", "another-salt"],
)
def test_a_forged_sent_is_refused_and_counts_nothing(client, action, token):
    response = client.post(page_url(action, "sent/"), {"token": token}, HTTP_HOST=CH)
    assert response.status_code == 400
    message = "We could not find a letter prepared on this page in this browser, so nothing was counted."
    assert shown(message) in response.content.decode()
    assert ActionCount.total_for(action.translation_key) == 0


def test_the_token_of_another_action_does_not_count_here(client, action, sections):
    from .helpers import make_action

    other = make_action(sections["ch"].home, slug="autre-lettre", title="Autre lettre")
    token = sent_token(generate(client, other))
    response = client.post(page_url(action, "sent/"), {"token": token}, HTTP_HOST=CH)
    assert response.status_code == 400
    assert Letter.objects.get().state == LetterState.GENERATED
    assert ActionCount.total_for(action.translation_key) == 0
    assert ActionCount.total_for(other.translation_key) == 0


def test_a_proof_copied_into_another_browser_counts_nothing(client, action):
    """The page says "in this browser": the proof counts only in the browser that generated the letter."""
    token = sent_token(generate(client, action))
    other_browser = type(client)()
    response = other_browser.post(page_url(action, "sent/"), {"token": token}, HTTP_HOST=CH)

    assert response.status_code == 400
    message = "We could not find a letter prepared on this page in this browser, so nothing was counted."
    assert shown(message) in response.content.decode()
    assert Letter.objects.get().state == LetterState.GENERATED
    assert ActionCount.total_for(action.translation_key) == 0
    # The browser that generated it still can.
    assert client.post(page_url(action, "sent/"), {"token": token}, HTTP_HOST=CH).status_code == 303
    assert ActionCount.total_for(action.translation_key) == 1


def test_a_token_tampered_by_one_character_is_refused(client, action):
    token = sent_token(generate(client, action))
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert client.post(page_url(action, "sent/"), {"token": tampered}, HTTP_HOST=CH).status_code == 400
    assert Letter.objects.get().state == LetterState.GENERATED


def test_get_on_the_sent_route_changes_nothing(client, action):
    token = sent_token(generate(client, action))
    response = client.get(page_url(action, "sent/") + "?token=" + token, HTTP_HOST=CH)
    assert response.status_code == 302
    assert Letter.objects.get().state == LetterState.GENERATED


@pytest.mark.django_db(transaction=True)
def test_a_double_click_at_the_same_moment_counts_once(action):
    """Two requests with the same token from the same browser, released together on separate connections: one count."""
    from django.test import Client

    client = Client()
    token = sent_token(generate(client, action))
    barrier = threading.Barrier(4)
    statuses = []

    def click():
        try:
            same_browser = Client()
            same_browser.cookies = client.cookies
            barrier.wait()
            statuses.append(
                same_browser.post(page_url(action, "sent/"), {"token": token}, HTTP_HOST=CH).status_code
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [303, 303, 303, 303]
    assert ActionCount.total_for(action.translation_key) == 1
    assert Letter.objects.filter(state=LetterState.SENT).count() == 1
