"""Fixtures for the donation tests: a fresh localstripe on loopback, per-section Stripe keys, signed webhooks."""

import hashlib
import hmac
import json
import time
import uuid

import pytest
import requests

from donations.local_stripe import LocalStripe

KEYS = {
    code: {
        "publishable": f"pk_test_{code}",
        "secret": f"sk_test_{code}_{uuid.uuid4().hex[:8]}",
        "webhook": f"whsec_{code}_{uuid.uuid4().hex}",
    }
    for code in ("ch", "fr", "tg")
}


@pytest.fixture(scope="session")
def localstripe():
    """The base URL of a localstripe started for this test session (and stopped after it)."""
    with LocalStripe() as stripe:
        yield stripe.url


@pytest.fixture
def stripe_keys(sections, settings):
    """Every section gets its own Stripe keys (publishable in its settings, secrets in the environment)."""
    secrets = dict(settings.SECTION_SECRETS)
    for code, keys in KEYS.items():
        secrets[f"STRIPE_SECRET_KEY_{code.upper()}"] = keys["secret"]
        secrets[f"STRIPE_WEBHOOK_SECRET_{code.upper()}"] = keys["webhook"]
        section_settings = sections[code].settings
        section_settings.stripe_publishable_key = keys["publishable"]
        section_settings.save()
    settings.SECTION_SECRETS = secrets
    return KEYS


@pytest.fixture
def stripe_env(stripe_keys, localstripe, settings):
    """Stripe keys for every section, the API and Stripe.js pointed at localstripe."""
    settings.STRIPE_API_BASE = localstripe
    settings.STRIPE_JS_URL = f"{localstripe}/js.stripe.com/v3/"
    return stripe_keys


@pytest.fixture
def recorded_stripe(settings, stripe_keys):
    """Every section's Stripe calls go to recorded Stripe answers (recorded_stripe.py) instead of localstripe."""
    from .recorded_stripe import RecordedStripeServer

    with RecordedStripeServer() as server:
        settings.STRIPE_API_BASE = server.url
        yield server


@pytest.fixture
def donation_pages(sections, django_capture_on_commit_callbacks):
    """The demo donation pages (fr originals, Swiss translations published)."""
    from donations.demo import load

    with django_capture_on_commit_callbacks(execute=True):
        return load(sections)


def card_payment_method(localstripe, number, code="ch"):
    """What Stripe.js does in the browser: turn card details into a PaymentMethod with the publishable key."""
    response = requests.post(
        f"{localstripe}/v1/payment_methods",
        data={
            "type": "card",
            "card[number]": number,
            "card[exp_month]": "12",
            "card[exp_year]": "2034",
            "card[cvc]": "123",
            "key": KEYS[code]["publishable"],
        },
        timeout=10,
    )
    response.raise_for_status()
    return response.json()["id"]


def signature(payload, secret, timestamp=None):
    """A Stripe-Signature header for `payload` (bytes), as Stripe computes it."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    signed = f"{timestamp}.".encode() + payload
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def event(event_type, obj, created=None, event_id=None):
    return {
        "id": event_id or f"evt_{uuid.uuid4().hex[:24]}",
        "object": "event",
        "api_version": "2024-09-30.acacia",
        "created": int(time.time()) if created is None else created,
        "type": event_type,
        "livemode": False,
        "data": {"object": obj},
    }


def post_event(client, code, payload_dict, secret=None, timestamp=None, header=None):
    """Deliver an event to a section's webhook endpoint, signed with `secret` (the section's by default)."""
    payload = json.dumps(payload_dict).encode()
    secret = secret or KEYS[code]["webhook"]
    return client.post(
        f"/donations/webhooks/{code}/",
        data=payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=header if header is not None else signature(payload, secret, timestamp),
    )


HOSTS = {"ch": "ch.localhost:8000", "fr": "fr.localhost:8000", "tg": "tg.localhost:8000"}
PAGE_PATH = "/fr/faire-un-don/"


def form_data(code="ch", **overrides):
    """A complete, valid donation for a section (CHF 60, EUR 50, XOF 5000 one-off), with a solved proof of work."""
    from supporters.tests.helpers import solution

    data = {
        "frequency": "one_off",
        "amount": {"ch": "60", "fr": "50", "tg": "5000"}[code],
        "currency": {"ch": "CHF", "fr": "EUR", "tg": "XOF"}[code],
        "first_name": "Veranika",
        "last_name": "Tsapkala",
        "email": "veranika@example.org",
        "consent": "on",
        "method": "card",
        "idempotency_key": uuid.uuid4().hex,
    }
    if "captcha" not in overrides:
        data["captcha"] = solution(HOSTS[code])
    if code == "fr":
        data.update(
            {
                "address_line": "76 boulevard de la Villette",
                "postal_code": "75019",
                "city": "Paris",
                "country": "France",
            }
        )
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def donate(client, code="ch", path=PAGE_PATH, json=True, **overrides):
    """Post the donation form as the page's script does (JSON answer) or as a plain form."""
    headers = {"HTTP_HOST": HOSTS[code]}
    # Upper-case keywords are request headers (REMOTE_ADDR…), the rest form fields.
    headers.update({name: overrides.pop(name) for name in list(overrides) if name.isupper()})
    if json:
        headers["HTTP_ACCEPT"] = "application/json"
    return client.post(path, form_data(code, **overrides), **headers)


def stripe_get(localstripe, path, code="ch", **params):
    """Read an object back from localstripe with the section's secret key."""
    response = requests.get(
        f"{localstripe}/v1/{path}", params=params, auth=(KEYS[code]["secret"], ""), timeout=10
    )
    response.raise_for_status()
    return response.json()


def stripe_events(localstripe, event_type, object_id):
    """The events localstripe generated for one object, oldest first (the payloads its webhooks carry)."""
    events = stripe_get(localstripe, "events", type=event_type, limit=10000)["data"]
    return sorted(
        (item for item in events if item["data"]["object"]["id"] == object_id),
        key=lambda item: item["created"],
    )


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Rate limits live in the cache: every test starts with none used."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def t(message, language="fr", **params):
    """A user-visible message as the visitor reads it: translated, so tests hold once the catalogs are filled."""
    from django.utils import translation

    with translation.override(language):
        text = translation.gettext(message)
    return text % params if params else text


@pytest.fixture
def browser_page(browser_page, localstripe):
    """The browser tab, with localstripe's fake Stripe.js kept to itself.

    That script declares a top-level `class Element`, which hides the browser's own `Element` from
    every other script of the page, and web components (the ALTCHA widget) then fail to start. Run in
    a block, its class stays inside; the `Stripe` it assigns still reaches the page.
    """

    def wrapped(route):
        response = route.fetch()
        route.fulfill(response=response, body="{\n" + response.text() + "\n}\n")

    browser_page.page.route(f"{localstripe}/js.stripe.com/v3/**", wrapped)
    return browser_page


# --- In the browser -------------------------------------------------------------------------------


def wait_for_status(status, timeout=15):
    """The newest donation once its status is `status` (a webhook sets it), waiting up to `timeout` seconds."""
    from donations.models import Donation

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        donation = Donation.objects.order_by("-pk").first()
        if donation is not None and donation.status == status:
            return donation
        time.sleep(0.2)
    pytest.fail(f"no donation reached {status} within {timeout}s (last: {donation and donation.status})")


def wait_for_emails(count, timeout=15):
    """The sent emails once there are `count` (a task sends them after the webhook's commit)."""
    from django.core import mail

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and len(mail.outbox) < count:
        time.sleep(0.2)
    return list(mail.outbox)


def fill_card(page, number):
    card = page.locator("#card-element")
    card.locator("input[placeholder=number]").fill(number)
    card.locator("input[placeholder=exp_month]").fill("12")
    card.locator("input[placeholder=exp_year]").fill("34")
    card.locator("input[placeholder=cvc]").fill("123")
    card.locator("input[placeholder=postal_code]").fill("3001")


def fill_donor(page):
    page.locator("#id_first_name").fill("Veranika")
    page.locator("#id_last_name").fill("Tsapkala")
    page.locator("#id_email").fill("veranika@example.org")
    page.locator("#id_consent").check()


# --- Mobile money: PayGate Global on loopback (paygate.py) ------------------------------------------


@pytest.fixture(scope="module")
def paygate_server():
    """A server on 127.0.0.1 answering as PayGate's API does, from recorded responses."""
    import threading
    from http.server import ThreadingHTTPServer

    from .paygate import RecordedPayGate

    server = ThreadingHTTPServer(("127.0.0.1", 0), RecordedPayGate)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()


@pytest.fixture
def paygate(paygate_server, settings, stripe_keys, donation_pages):
    """PayGate on loopback, with Togo's and Switzerland's keys; Togo takes mobile money."""
    from .paygate import KEYS

    paygate_server.requests, paygate_server.status, paygate_server.pay = [], {}, "pay_registered"
    settings.PAYGATE_API_BASE = f"http://127.0.0.1:{paygate_server.server_address[1]}"
    settings.SECTION_SECRETS = {
        **settings.SECTION_SECRETS,
        **{f"PAYGATE_API_KEY_{code.upper()}": key for code, key in KEYS.items()},
    }
    return paygate_server


@pytest.fixture
def gift(client, paygate):
    """A pending Flooz gift of 5,000 XOF in Togo: its identifier."""
    from donations.models import Donation

    from .paygate import give

    give(client)
    paygate.requests.clear()
    return Donation.objects.get().idempotency_key
