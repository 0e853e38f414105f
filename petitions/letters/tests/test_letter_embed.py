"""Partner sites embed a letter-writing action: only listed ones, the same form and count, no cookie."""

import re
import time
from urllib.parse import urlencode

import pytest
from django.core import mail, signing

from petitions.letters.forms import EMBED_SENT_SALT
from petitions.letters.models import Letter, LetterState
from petitions.letters.views import EMBED_SENT_MAX_AGE
from petitions.tests.conftest import frame_ancestors, text_of
from supporters.models import ActionCount, ConsentRecord

from .helpers import CH, letter_data, page_url, pdf_from_response, pdf_text, sent_token, shown

pytestmark = pytest.mark.django_db

PARTNER = "https://solidarite.example.ch"
OTHER_PARTNER = "https://amnesty-jeunes.example.org"


@pytest.fixture
def embeddable(action, sections):
    settings = sections["ch"].settings
    settings.partner_sites = f"{PARTNER}\n{OTHER_PARTNER}/\n"
    settings.save()
    return action


def embed_url(page, route="", partner=PARTNER):
    return page_url(page, "embed/" + route) + "?" + urlencode({"partner": partner})


def generate_in_frame(client, page, partner=PARTNER, **overrides):
    from supporters.tests.helpers import solution

    overrides.setdefault("captcha", solution(CH, client))
    return client.post(embed_url(page, "letter/", partner), letter_data(**overrides), HTTP_HOST=CH)


def send_in_frame(client, page, token, partner=PARTNER):
    return client.post(embed_url(page, "sent/", partner), {"token": token}, HTTP_HOST=CH)


def test_a_listed_partner_may_frame_the_action_with_its_forms_posting_to_the_frame(client, embeddable):
    response = client.get(embed_url(embeddable), HTTP_HOST=CH)
    assert response.status_code == 200
    assert frame_ancestors(response) == [PARTNER]
    assert "X-Frame-Options" not in response
    content = response.content.decode()
    assert f'data-partner="{PARTNER}"' in content
    assert 'action="/fr/ecrire-maryia/embed/letter/?partner=https%3A%2F%2Fsolidarite.example.ch"' in content
    assert "Monsieur le Ministre," in text_of(response)
    assert shown("Prepare my letter (PDF)") in text_of(response)
    # Messages of solidarity are taken on the action's own page only (their confirmation needs a cookie).
    assert shown("Send my message") not in text_of(response)
    # The action's own page stays unframable.
    own = client.get(page_url(embeddable), HTTP_HOST=CH)
    assert frame_ancestors(own) == ["'none'"]


@pytest.mark.parametrize(
    "partner, message",
    [
        (
            "https://ailleurs.example.com",
            "%(site)s is not among the sites allowed to show this section's actions.",
        ),
        ("http://solidarite.example.ch", "The address of the partner site in this embed is not valid."),
        ("", "The address of the partner site in this embed is not valid."),
    ],
)
def test_an_unlisted_or_malformed_partner_gets_a_readable_refusal_and_writes_nothing(
    client, embeddable, partner, message
):
    response = client.get(embed_url(embeddable, partner=partner), HTTP_HOST=CH)
    assert response.status_code == 400
    assert frame_ancestors(response) == ["'none'"]
    assert shown("This action cannot be shown here") in text_of(response)
    assert shown(message) % {"site": partner} in text_of(response)
    refused = generate_in_frame(client, embeddable, partner=partner)
    assert refused.status_code == 400
    assert not Letter.objects.exists()


def test_a_letter_written_in_the_frame_is_counted_once_sent_without_any_cookie(client, embeddable):
    response = generate_in_frame(client, embeddable, email="anne-sophie@example.org")
    assert response.status_code == 200
    assert frame_ancestors(response) == [PARTNER]
    assert "no-store" in response["Cache-Control"]
    assert "Anne-Sophie Müller" in pdf_text(pdf_from_response(response))
    # The "I have sent my letter" form posts to the frame, with the proof in its body, nothing personal in the URL.
    content = response.content.decode()
    assert 'action="/fr/ecrire-maryia/embed/sent/?partner=https%3A%2F%2Fsolidarite.example.ch"' in content
    letter = Letter.objects.get()
    assert (letter.partner, letter.state) == (PARTNER, LetterState.GENERATED)
    # The same consent ledger and email as on the action's page.
    assert ConsentRecord.objects.filter(supporter=letter.supporter).exists()
    assert mail.outbox[0].attachments[0][2] == "application/pdf"
    assert ActionCount.total_for(embeddable.translation_key) == 0

    sent = send_in_frame(client, embeddable, sent_token(response))
    assert sent.status_code == 303
    assert sent["Location"] == "/fr/ecrire-maryia/embed/thanks/?partner=https%3A%2F%2Fsolidarite.example.ch"
    thanks = client.get(sent["Location"], HTTP_HOST=CH)
    assert frame_ancestors(thanks) == [PARTNER]
    assert shown("Thank you! Your letter is counted.") in text_of(thanks)
    # A second click counts nothing more.
    assert send_in_frame(client, embeddable, sent_token(response)).status_code == 303
    assert ActionCount.total_for(embeddable.translation_key) == 1
    letter.refresh_from_db()
    assert letter.state == LetterState.SENT
    # Nothing was kept in a session: browsers withhold cookies from other sites' frames.
    assert not any(cookie.value for cookie in client.cookies.values())
    # The action's own page counts it in the same total.
    assert '<progress max="500" value="1"' in client.get(page_url(embeddable), HTTP_HOST=CH).content.decode()


def old_proof(letter):
    """A proof as the frame was given it, longer ago than it stays valid."""

    class Earlier(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(time.time()) - EMBED_SENT_MAX_AGE - 60)

    return Earlier(salt=EMBED_SENT_SALT).sign_object(str(letter.token))


def test_an_old_forged_or_borrowed_proof_counts_nothing_and_says_so(client, embeddable):
    response = generate_in_frame(client, embeddable)
    letter = Letter.objects.get()
    expired = send_in_frame(client, embeddable, old_proof(letter))
    assert expired.status_code == 400
    assert frame_ancestors(expired) == [PARTNER]
    assert shown(
        "This page was open too long to count your letter, so nothing was counted. If you have not "
        "posted it yet, please prepare it again."
    ) in text_of(expired)
    not_found = shown(
        "We could not find a letter prepared on this page in this browser, so nothing was counted."
    )
    for proof, partner in [
        ("not-a-proof", PARTNER),
        # A proof of our own pages (another salt) is no proof in a frame.
        (signing.dumps(str(letter.token), salt="letters.sent"), PARTNER),
        # Another partner's frame did not write this letter.
        (sent_token(response), OTHER_PARTNER),
    ]:
        forged = send_in_frame(client, embeddable, proof, partner)
        assert forged.status_code == 400
        assert not_found in text_of(forged)
    # Nor does the frame's proof count on the action's own page, which wants this browser's session.
    assert (
        client.post(page_url(embeddable, "sent/"), {"token": sent_token(response)}, HTTP_HOST=CH).status_code
        == 400
    )
    assert ActionCount.total_for(embeddable.translation_key) == 0
    assert Letter.objects.get().state == LetterState.GENERATED


def test_a_bad_form_in_the_frame_is_answered_in_the_frame_with_the_input_kept(client, embeddable):
    response = generate_in_frame(client, embeddable, first_name="Zoé", last_name="")
    assert response.status_code == 400
    assert frame_ancestors(response) == [PARTNER]
    assert re.search(
        r'id="id_last_name_errors">.*?' + re.escape(shown("This field is required.")),
        response.content.decode(),
        re.S,
    )
    assert 'value="Zoé"' in response.content.decode()
    assert not Letter.objects.exists()


def test_the_frame_shares_the_action_pages_rate_limit(client, embeddable):
    from .helpers import generate

    for _ in range(30):
        generate(client, embeddable)
    refused = generate_in_frame(client, embeddable)
    assert refused.status_code == 429
    # Said inside the partner's page, where the visitor is.
    assert frame_ancestors(refused) == [PARTNER]
    assert Letter.objects.filter(partner=PARTNER).count() == 0


def test_staff_copy_the_snippet_and_see_the_letters_each_partner_brought(
    client, embeddable, sections, staff_factory
):
    from django.contrib.auth.models import User

    from petitions.letters.tests.helpers import make_action

    sent = generate_in_frame(client, embeddable)
    send_in_frame(client, embeddable, sent_token(sent))
    generate_in_frame(type(client)(), embeddable, first_name="Bert")
    client.cookies.clear()
    url = f"/admin/letter-actions/{embeddable.pk}/partners/"
    # The action's editor finds the page in its header.
    client.force_login(User.objects.create_superuser("editor", password="pw"))
    assert url in client.get(f"/admin/pages/{embeddable.pk}/edit/").content.decode()
    client.force_login(staff_factory(sections["ch"], "ch-staff"))
    response = client.get(url)
    assert response.status_code == 200
    rows = [(row["origin"], row["counted"], row["pending"]) for row in response.context["partners"]]
    assert rows == [(PARTNER, 1, 1), (OTHER_PARTNER, 0, 0)]
    content = response.content.decode()
    assert shown("Letters sent", response.wsgi_request.LANGUAGE_CODE) in content
    assert (
        "&lt;iframe src=&quot;http://ch.localhost:8000/fr/ecrire-maryia/embed/"
        "?partner=https%3A%2F%2Fsolidarite.example.ch&quot;"
    ) in content
    assert "Anne-Sophie" not in content and "Bert" not in content
    # Another section's staff do not reach it.
    other = make_action(sections["fr"].home, slug="ecrire-ales")
    assert client.get(f"/admin/letter-actions/{other.pk}/partners/").status_code == 404
