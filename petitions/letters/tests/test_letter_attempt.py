"""A letter form sent again (a double click, or a retry after an answer that never came) is one letter, not two.

The attempt is the form's proof of work: the widget solves a new challenge for each letter, and the same
form sent again carries the same one.
"""

import pytest
from django.core import mail
from django.test import Client

from petitions.letters.forms import token_value
from petitions.letters.models import Letter
from supporters.models import ActionCount
from supporters.tests.helpers import run_concurrently, solution

from .helpers import CH, generate, letter_data, page_url, pdf_from_response, pdf_text, sent_token, shown


@pytest.mark.django_db
def test_a_letter_sent_again_after_its_answer_was_lost_is_the_same_letter_and_counts_once(action):
    captcha = solution(CH)
    generate(Client(), action, captcha=captcha)  # its answer (and session cookie) never reached the browser

    browser = Client()
    again = generate(browser, action, captcha=captcha)

    assert again.status_code == 200
    assert "Anne-Sophie Müller" in pdf_text(pdf_from_response(again))
    assert Letter.objects.count() == 1
    counted = browser.post(page_url(action, "sent/"), {"token": sent_token(again)}, HTTP_HOST=CH)
    assert counted.status_code == 303
    assert ActionCount.total_for(action.translation_key) == 1


@pytest.mark.django_db
def test_a_double_click_gets_the_same_letter_and_one_email(client, action):
    captcha = solution(CH, client)

    first = generate(client, action, captcha=captcha, email="anne@example.org")
    second = generate(client, action, captcha=captcha, email="anne@example.org")

    # Both answers carry the proof of the same letter (signed at different moments).
    assert token_value(sent_token(first)) == token_value(sent_token(second))
    assert Letter.objects.count() == 1
    assert len(mail.outbox) == 1
    assert shown("We have also emailed it to you.") in second.content.decode()


@pytest.mark.django_db
def test_another_letter_with_the_same_proof_of_work_is_refused_and_what_was_typed_is_kept(client, action):
    captcha = solution(CH, client)
    generate(client, action, captcha=captcha)

    other = generate(client, action, captcha=captcha, first_name="Léa", town="Sion")

    assert other.status_code == 400
    content = other.content.decode()
    assert (
        shown("This anti-spam check was already used, so nothing was sent. Please send the form again.")
        in content
    )
    assert 'value="Léa"' in content and 'value="Sion"' in content
    assert Letter.objects.count() == 1


@pytest.mark.django_db
def test_letters_without_a_proof_of_work_are_each_a_letter(client, action):
    generate(client, action, captcha=None)
    generate(client, action, captcha=None)

    assert Letter.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_the_same_letter_sent_twice_at_once_is_stored_once(action):
    data = {**letter_data(), "captcha": solution(CH)}

    def send():
        response = Client().post(page_url(action, "letter/"), data, HTTP_HOST=CH)
        return response.status_code, sent_token(response)

    (first_status, first_token), (second_status, second_token) = run_concurrently([send, send], 2)

    assert first_status == second_status == 200
    assert first_token == second_token
    assert Letter.objects.count() == 1
