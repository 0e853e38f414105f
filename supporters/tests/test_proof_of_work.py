"""The default spam protection (ALTCHA) on every form: a solved challenge passes; forged, expired, too easy, replayed fail."""

import time

import altcha
import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache, caches
from django.utils import translation

from donations.models import Donation
from petitions.letters.models import Letter, SolidarityMessage
from petitions.letters.tests.helpers import letter_data, make_action
from petitions.models import Signature
from petitions.tests.conftest import form_data, make_petition, sign_path
from supporters import proof_of_work
from supporters.tests.helpers import solution

pytestmark = pytest.mark.django_db

CH = "ch.localhost:8000"
FORMS = ["petition", "letter", "message", "donation"]


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def actions(sections, settings, django_capture_on_commit_callbacks):
    """One page of each action in the Swiss section (French), which takes gifts (Stripe keys set)."""
    from donations.demo import load

    settings.SECTION_SECRETS = {"STRIPE_SECRET_KEY_CH": "sk_test_ch", "STRIPE_WEBHOOK_SECRET_CH": "whsec_ch"}
    section = sections["ch"].settings
    section.stripe_publishable_key = "pk_test_ch"
    section.double_opt_in = False
    section.save()
    with django_capture_on_commit_callbacks(execute=True):
        donation_page = load(sections)["ch"]
    petition = make_petition(sections["ch"].home)
    letter_page = make_action(sections["ch"].home).get_url_parts()[2]
    return {
        "petition": (sign_path(petition), lambda email: form_data(petition, section, email=email), ""),
        "letter": (letter_page + "letter/", lambda email: letter_data(email=email), ""),
        "message": (
            letter_page + "message/",
            lambda email: {
                "message-author_name": "Léa",
                "message-text": "Courage, Maryia !",
                "message-consent": "on",
            },
            "message-",
        ),
        "donation": (
            donation_page.get_url_parts()[2],
            lambda email: {
                "frequency": "one_off",
                "amount": "60",
                "currency": "CHF",
                "first_name": "Veranika",
                "last_name": "Tsapkala",
                "email": email,
                "consent": "on",
                "idempotency_key": "0123456789abcdef0123456789abcdef",
            },
            "",
        ),
    }


def post(client, actions, name, payload, email="lea@example.org"):
    path, data, prefix = actions[name]
    return client.post(path, {**data(email), f"{prefix}captcha": payload}, HTTP_HOST=CH)


def written(name):
    """What a form of `name` leaves behind (a donation without a card reaches no further than its form)."""
    return {
        "petition": Signature.objects.count(),
        "letter": Letter.objects.count(),
        "message": SolidarityMessage.objects.count(),
        "donation": Donation.objects.count(),
    }[name]


def shown(message):
    with translation.override("fr"):
        return " ".join((translation.gettext(message) if isinstance(message, str) else str(message)).split())


def text_of(response):
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text(" ").split())


def solved_challenge(section_code="ch", **overrides):
    """A challenge signed with a section's key but made here (e.g. easier than ours), and its solution."""
    from sections.models import SectionSettings

    section = SectionSettings.objects.get(code=section_code)
    return proof_of_work.solved(proof_of_work.new_challenge(section, **overrides))


def assert_refused(response, name, message, before, email="lea@example.org"):
    assert response.status_code in (200, 400), response.status_code
    text = text_of(response)
    assert shown(message) in text, text
    assert written(name) == before
    if name != "message":
        assert email in response.content.decode()  # what they typed is kept


@pytest.mark.parametrize("name", FORMS)
def test_a_solved_challenge_passes(client, actions, name):
    response = post(client, actions, name, solution(CH, client))
    if name == "donation":
        # Past the check, the form asks for the card (its script makes the token).
        assert "captcha" not in text_of(response) and response.status_code == 400
        assert shown("Please enter your card details.") in text_of(response)
        return
    assert response.status_code in (200, 303)
    assert written(name) == 1
    if name == "petition":
        assert Signature.objects.get().state == "confirmed"  # this section has no double opt-in


@pytest.mark.parametrize("name", FORMS)
def test_a_forged_solution_is_refused(client, actions, name):
    forged = solution(CH, client)
    decoded = proof_of_work.decode(forged)
    # Another site's key: a challenge we did not sign.
    other = altcha.create_challenge(
        "PBKDF2/SHA-256", 10, key_prefix="0", expires_at=int(time.time()) + 600, hmac_secret="not-our-key"
    )
    assert decoded is not None
    payload = altcha.Payload(other, altcha.solve_challenge(other)).to_base64()
    for bad in (payload, "not a solution", forged[:-8] + "AAAAAAA="):
        response = post(client, actions, name, bad)
        assert_refused(response, name, proof_of_work.ERRORS["forged"], 0)


@pytest.mark.parametrize("name", FORMS)
def test_a_solution_of_another_sections_challenge_is_refused(client, actions, name):
    response = post(client, actions, name, solution("fr.localhost:8000", client))
    assert_refused(response, name, proof_of_work.ERRORS["forged"], 0)


@pytest.mark.parametrize("name", FORMS)
def test_an_expired_challenge_is_refused(client, actions, name):
    response = post(client, actions, name, solved_challenge(expires_in=-60))
    assert_refused(response, name, proof_of_work.ERRORS["expired"], 0)


@pytest.mark.parametrize(
    "easier",
    [{"cost": 1}, {"algorithm": "SHA-256"}, {"key_prefix": ""}, {"expires_in": 30 * 24 * 3600}],
    ids=["fewer-rounds", "cheaper-algorithm", "no-prefix", "far-expiry"],
)
@pytest.mark.parametrize("name", FORMS)
def test_a_challenge_easier_than_ours_is_refused_even_signed_with_our_key(client, actions, name, easier):
    response = post(client, actions, name, solved_challenge(**easier))
    assert_refused(response, name, proof_of_work.ERRORS["forged"], 0)


@pytest.mark.parametrize("name", FORMS)
def test_a_solution_used_once_is_refused_the_second_time(client, actions, name):
    payload = solution(CH, client)
    first = post(client, actions, name, payload)
    before = written(name)
    # Another person (another email) sending the same solution.
    second = post(client, actions, name, payload, email="bot@example.org")
    if name == "donation":
        before = 0
        assert first.status_code == 400  # no card: nothing claimed, so the same solution still works once
        card_less = post(client, actions, name, payload, email="bot@example.org")
        assert shown(proof_of_work.ERRORS["replayed"]) not in text_of(card_less)
        return
    assert first.status_code in (200, 303)
    assert_refused(second, name, proof_of_work.ERRORS["replayed"], before, email="bot@example.org")


def test_the_same_signature_sent_twice_with_its_solution_is_answered_alike(client, actions):
    payload = solution(CH, client)
    assert post(client, actions, "petition", payload).status_code == 303
    assert post(client, actions, "petition", payload).status_code == 303
    assert Signature.objects.count() == 1


@pytest.mark.parametrize("name", ["petition", "letter", "message"])
def test_with_the_replay_store_unreachable_a_solution_still_works_once_in_this_process(
    client, actions, name, settings
):
    settings.CACHES = {
        **settings.CACHES,
        "unreachable": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        },
    }
    settings.ALTCHA_REPLAY_CACHE = "unreachable"
    caches["local"].clear()
    payload = solution(CH, client)
    first = post(client, actions, name, payload)
    assert first.status_code in (200, 303)
    assert written(name) == 1
    # Replayed to the same process while Redis is still down: refused.
    second = post(client, actions, name, payload, email="bot@example.org")
    assert_refused(second, name, proof_of_work.ERRORS["replayed"], 1, email="bot@example.org")


def test_the_challenge_is_never_cached(client, sections):
    response = client.get("/altcha/challenge/", HTTP_HOST=CH)
    assert response["Cache-Control"] == "no-store"
    assert response.json()["parameters"]["algorithm"] == "PBKDF2/SHA-256"


def test_a_challenge_for_a_host_of_no_section_is_not_found(client, sections):
    from wagtail.models import Site

    Site.objects.filter(is_default_site=True).update(is_default_site=False)
    assert client.get("/altcha/challenge/", HTTP_HOST="nowhere.example.org").status_code == 404
