"""Redis stops and comes back: pages, signing and letters go on from the database, donations pause, all resumes."""

import shutil
import socket
import time

import pytest
import redis
from bs4 import BeautifulSoup
from django.core.cache import caches
from django.utils import translation
from django_redis.pool import ConnectionFactory

from bench import serving
from donations.forms import LIMITS_UNAVAILABLE
from donations.models import Donation
from petitions.letters.models import Letter
from petitions.letters.tests.helpers import letter_data, make_action
from petitions.models import Signature
from petitions.tests.conftest import form_data, make_petition, sign_path
from plaidoyer import redis_breaker
from plaidoyer.settings.base import redis_caches
from sections import content_cache
from supporters.tests.helpers import solution

pytestmark = pytest.mark.django_db

CH = "ch.localhost:8000"
# How long a process leaves Redis alone after an error (production: 2 s), short here.
BREAKER_SECONDS = 0.5


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer(serving.RedisServer):
    """A redis-server of this test's own (its port, its directory), which it stops and starts at will."""

    def __init__(self, directory):
        super().__init__(free_port(), directory)
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        if shutil.which("redis-server") is None:
            pytest.fail("redis-server is missing: apt-get install redis-server")
        super().start()

    def stop(self, keep_data=False):
        """Stopped as an operator or a crash would; with `keep_data`, saved to disk and loaded at the next start."""
        if keep_data:
            redis.Redis.from_url(self.url).shutdown(save=True)
            self.process.wait(timeout=10)
        else:
            super().stop()

    def back(self):
        """Redis returns, and the processes' breakers close (they try it again after BREAKER_SECONDS)."""
        time.sleep(BREAKER_SECONDS)

    def keys(self, pattern):
        return redis.Redis.from_url(self.url).keys(pattern)


@pytest.fixture
def redis_server(tmp_path, settings):
    """The production cache settings (base.py) on a Redis of this test's own."""
    server = RedisServer(tmp_path)
    server.start()
    ConnectionFactory._pools.clear()
    settings.CACHES = redis_caches(server.url)
    settings.REDIS_BREAKER_SECONDS = BREAKER_SECONDS
    redis_breaker.open_until = 0.0
    settings.PAGE_CACHE_SECONDS = 60
    settings.PETITION_RATE_LIMITS = {"ip": (2, 600), "petition": (1000, 60)}
    caches["local"].clear()
    yield server
    if server.process.poll() is None:
        server.thaw()
        server.process.terminate()
        server.process.wait(timeout=10)
    ConnectionFactory._pools.clear()
    content_cache.unwritten_change = False
    redis_breaker.open_until = 0.0
    caches["local"].clear()


@pytest.fixture
def pages(sections, settings, django_capture_on_commit_callbacks):
    """A petition, a letter action and a donation page of the Swiss section (French), which takes gifts."""
    from donations.demo import load

    settings.SECTION_SECRETS = {"STRIPE_SECRET_KEY_CH": "sk_test_ch", "STRIPE_WEBHOOK_SECRET_CH": "whsec_ch"}
    section = sections["ch"].settings
    section.stripe_publishable_key = "pk_test_ch"
    section.double_opt_in = False
    section.save()
    with django_capture_on_commit_callbacks(execute=True):
        donation = load(sections)["ch"]
        petition = make_petition(sections["ch"].home)
        action = make_action(sections["ch"].home)
    return {"petition": petition, "action": action, "donation": donation, "section": section}


def path_of(page):
    return page.get_url_parts()[2]


def text_of(response):
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text(" ").split())


def french(message):
    with translation.override("fr"):
        return " ".join(str(message).split())


def sign(client, pages, email):
    data = form_data(pages["petition"], pages["section"], email=email, captcha=solution(CH, client))
    return client.post(sign_path(pages["petition"]), data, HTTP_HOST=CH)


def write_letter(client, pages):
    data = letter_data(captcha=solution(CH, client))
    return client.post(path_of(pages["action"]) + "letter/", data, HTTP_HOST=CH)


def donate(client, pages, **headers):
    data = {
        "frequency": "one_off",
        "amount": "60",
        "currency": "CHF",
        "first_name": "Veranika",
        "last_name": "Tsapkala",
        "email": "veranika@example.org",
        "consent": "on",
        "idempotency_key": "0123456789abcdef0123456789abcdef",
        "captcha": solution(CH, client),
    }
    return client.post(path_of(pages["donation"]), data, HTTP_HOST=CH, **headers)


def test_with_redis_stopped_pages_signing_and_letters_go_on_and_donations_pause_readably(
    client, pages, redis_server
):
    redis_server.stop()
    statuses = []
    for page in (pages["petition"], pages["action"], pages["donation"], pages["petition"].get_parent()):
        for _ in range(2):
            response = client.get(path_of(page), HTTP_HOST=CH)
            statuses.append(response.status_code)
            assert response["X-Page-Cache"] == "miss"  # from the database, every time
    assert statuses == [200] * 8
    # Monitoring is told; the load balancer keeps this server (every server has lost the same Redis).
    assert (
        client.get("/health/", HTTP_HOST=CH).status_code,
        client.get("/health/ready/", HTTP_HOST=CH).status_code,
    ) == (
        503,
        200,
    )

    signed = sign(client, pages, "lea@example.org")
    assert signed.status_code == 303
    assert Signature.objects.count() == 1
    assert client.get(signed["Location"], HTTP_HOST=CH).status_code == 200
    letter = write_letter(client, pages)
    assert letter.status_code == 200
    assert "data:application/pdf" in letter.content.decode()
    assert Letter.objects.count() == 1

    # Signing limits count in this process's memory meanwhile (2 per address here): the third is refused.
    assert sign(client, pages, "marc@example.org").status_code == 303
    refused = sign(client, pages, "nina@example.org")
    assert refused.status_code == 429
    assert Signature.objects.count() == 2

    # A donation is refused with the form, its message in the visitor's language and what they typed.
    donation = donate(client, pages)
    assert donation.status_code == 429
    assert donation["Retry-After"] == "60"
    assert french(LIMITS_UNAVAILABLE) in text_of(donation)
    assert "veranika@example.org" in donation.content.decode()
    as_json = donate(client, pages, HTTP_ACCEPT="application/json")
    assert as_json.status_code == 429
    assert as_json.json()["errors"]["__all__"][0]["message"] == french(LIMITS_UNAVAILABLE)
    assert Donation.objects.count() == 0


def test_when_redis_returns_the_page_cache_rate_limits_and_donations_resume_without_a_restart(
    client, pages, redis_server
):
    path = path_of(pages["petition"])
    redis_server.stop()
    assert client.get(path, HTTP_HOST=CH)["X-Page-Cache"] == "miss"
    assert donate(client, pages).status_code == 429
    redis_server.start()
    redis_server.back()

    assert client.get("/health/", HTTP_HOST=CH).status_code == 200
    # The page cache keeps and serves pages again.
    assert [client.get(path, HTTP_HOST=CH)["X-Page-Cache"] for _ in range(2)] == ["miss", "hit"]
    assert redis_server.keys("*sections:content-generation")
    # Rate limits count in Redis again (2 per address here).
    assert sign(client, pages, "lea@example.org").status_code == 303
    assert sign(client, pages, "marc@example.org").status_code == 303
    assert sign(client, pages, "nina@example.org").status_code == 429
    assert redis_server.keys("*ratelimit:petition-sign:*")
    # A donation gets past the limits to its form again (no card here: its own error, not the pause).
    donation = donate(client, pages)
    assert donation.status_code == 400
    assert french(LIMITS_UNAVAILABLE) not in text_of(donation)


def test_a_page_published_while_redis_was_down_is_shown_once_redis_returns_with_its_old_data(
    client, pages, redis_server, django_capture_on_commit_callbacks
):
    petition, path = pages["petition"], path_of(pages["petition"])
    assert [client.get(path, HTTP_HOST=CH)["X-Page-Cache"] for _ in range(2)] == ["miss", "hit"]
    redis_server.stop(keep_data=True)  # the old page and content generation stay on disk

    petition.title = "Libérez Maryia Kalesnikava"
    with django_capture_on_commit_callbacks(execute=True):
        petition.save_revision().publish()
    assert "Libérez Maryia Kalesnikava" in text_of(client.get(path, HTTP_HOST=CH))

    redis_server.start()
    redis_server.back()
    response = client.get(path, HTTP_HOST=CH)
    assert response["X-Page-Cache"] == "miss"
    assert "Libérez Maryia Kalesnikava" in text_of(response)


def test_a_hanging_redis_costs_a_page_one_short_timeout_not_one_per_cache_call(client, pages, redis_server):
    path = path_of(pages["petition"])
    redis_server.freeze()
    timings = []
    for _ in range(3):
        started = time.monotonic()
        response = client.get(path, HTTP_HOST=CH)
        timings.append(time.monotonic() - started)
        assert (response.status_code, response["X-Page-Cache"]) == (200, "miss")
    # Some twenty cache calls a page: without the breaker each would wait 0.25 s (5 s a page).
    assert timings[0] < 1.5, timings
    assert sign(client, pages, "lea@example.org").status_code == 303
    assert donate(client, pages).status_code == 429

    redis_server.thaw()
    redis_server.back()
    assert [client.get(path, HTTP_HOST=CH)["X-Page-Cache"] for _ in range(2)] == ["miss", "hit"]
