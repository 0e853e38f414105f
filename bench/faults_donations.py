"""Donations in the fault bench (bench/faults.py): a localstripe of the bench's own, donors who give by card
as the donation page's script does (donations/static/donations/donate.js), and, after each fault, what
they were told against the database and against localstripe.

A donor makes a PaymentMethod with localstripe's test card (as Stripe.js does, with the publishable key)
and posts the form, asking for JSON, with an attempt key (`idempotency_key`) and a solved proof of work:
  - no answer, or the 503 "try again" page (not JSON: the script says the network failed): the same
    attempt is sent again, with the same key, proof of work and PaymentMethod, as the script does;
  - a refusal the script shows next to a field (a 4xx JSON answer with `errors`, e.g. the 429 while Redis
    is down): the script takes the answer's `retry_key`, so the donor tries again with that new key, a
    new proof of work and a new PaymentMethod;
  - `{"status": "succeeded"}`: acknowledged.
localstripe replays a repeated `Idempotency-Key` as Stripe does (`LocalStripe(idempotent=True)`) and
delivers the section's payment events to the served site, once: Stripe retries a failed delivery for
days, so after each fault the bench delivers every payment_intent.succeeded event again (signed, as the
tests do), and counts what was settled by the live delivery and what only by the redelivery.
"""

import collections
import hashlib
import hmac
import json
import os
import secrets
import threading
import time
import uuid
from urllib.parse import urlencode

import requests

from bench.serving import HOST, request

CARD = "4242424242424242"  # localstripe's test card: succeeds without 3-D Secure
PUBLISHABLE_KEY = "pk_test_bench_fr"
SECRET_KEY = "sk_test_bench_fr"
WEBHOOK_PATH = "/donations/webhooks/fr/"
EVENTS = ["payment_intent.succeeded", "payment_intent.payment_failed"]


def start_stripe(port, site_url):
    """localstripe on 127.0.0.1:`port` delivering the France section's payment events to the site at
    `site_url` (the bench's relay to it); (the LocalStripe, the environment that gives the section its
    Stripe keys)."""
    from donations.local_stripe import LocalStripe

    stripe = LocalStripe(port, idempotent=True).start()
    webhook_secret = f"whsec_bench_{secrets.token_hex(16)}"
    stripe.register_webhook("fr", f"{site_url}{WEBHOOK_PATH}", webhook_secret, EVENTS)
    environment = {
        "STRIPE_API_BASE": stripe.url,
        "STRIPE_JS_URL": stripe.js_url,
        "STRIPE_SECRET_KEY_FR": SECRET_KEY,
        "STRIPE_WEBHOOK_SECRET_FR": webhook_secret,
    }
    return stripe, environment


def card_payment_method(stripe_url):
    """What Stripe.js does in the browser: the card becomes a PaymentMethod, with the publishable key."""
    response = requests.post(
        f"{stripe_url}/v1/payment_methods",
        data={
            "type": "card",
            "card[number]": CARD,
            "card[exp_month]": "12",
            "card[exp_year]": "2034",
            "card[cvc]": "123",
            "key": PUBLISHABLE_KEY,
        },
        timeout=10,
    )
    response.raise_for_status()
    return response.json()["id"]


def donation_body(number, key, captcha, payment_method):
    """The France section's donation form: 50 EUR once, by card, with the address its tax receipt needs."""
    return urlencode(
        {
            "frequency": "one_off",
            "amount": "50",
            "currency": "EUR",
            "first_name": "Bench",
            "last_name": "Donor",
            "email": f"donor{number}@example.org",
            "address_line": "76 boulevard de la Villette",
            "postal_code": "75019",
            "city": "Paris",
            "country": "France",
            "consent": "on",
            "method": "card",
            "idempotency_key": key,
            "payment_method": payment_method,
            "captcha": captcha,
        }
    )


def as_json(content):
    try:
        answer = json.loads(content)
    except ValueError:
        return {}
    return answer if isinstance(answer, dict) else {}


class Donors:
    """One fault's donors: `take()` gives the next (number, solved proof of work), or (None, None) at the end."""

    def __init__(self, port, path, stripe_url, take):
        self.port, self.path, self.stripe_url, self.take = port, path, stripe_url, take
        self.lock = threading.Lock()
        self.posts = []  # (started, seconds, number, status, readable), as faults.Run's
        self.keys = collections.defaultdict(set)  # donor number: the attempt keys it sent
        self.refusals = collections.Counter()  # (status, first error) of readable refusals
        self.stripe_unavailable = 0  # refusals next to the card: Stripe could not be reached in time

    def give(self, stop):
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/json",
            "Referer": f"http://{HOST}{self.path}",
        }
        while not stop.is_set():
            number, captcha = self.take()
            if captcha is None:
                return
            key, payment_method = uuid.uuid4().hex, None
            while True:
                with self.lock:
                    self.keys[number].add(key)
                payment_method = payment_method or card_payment_method(self.stripe_url)
                body = donation_body(number, key, captcha, payment_method)
                started = time.monotonic()
                try:
                    status, _headers, content = request(self.port, "POST", self.path, body, headers)
                    answer = as_json(content)
                    readable = (400 <= status < 500 and "errors" in answer) or (
                        status == 503 and b"data-retry" in content
                    )
                except OSError:
                    status, answer, readable = 0, {}, False
                if status == 200 and answer.get("status") != "succeeded":
                    status = 402  # 3-D Secure or a refusal: not acknowledged (the test card asks for neither)
                with self.lock:
                    self.posts.append((started, time.monotonic() - started, number, status, readable))
                if status == 200 or stop.is_set():
                    break
                if status == 0 or (status == 503 and readable):
                    time.sleep(0.2)  # the script keeps the attempt: the same key and card, sent again
                    continue
                if not (readable and answer.get("retry_key")):
                    break
                errors = [error["message"] for field in answer["errors"].values() for error in field]
                with self.lock:
                    self.refusals[(status, errors[0][:90] if errors else "")] += 1
                    self.stripe_unavailable += status == 429 and "payment_method" in answer["errors"]
                _number, captcha = self.take()  # a new proof of work, with the answer's new key
                if captcha is None:
                    break
                key, payment_method = answer["retry_key"], None
                time.sleep(0.5)

    def settled_numbers(self):
        """The donors whose gift was settled (their receipt is due)."""
        from django.db import connection

        from donations.models import Donation, DonationStatus

        donor_of = {key: number for number, keys in self.keys.items() for key in keys}
        settled = Donation.objects.filter(idempotency_key__in=donor_of, status=DonationStatus.SUCCEEDED)
        numbers = {donor_of[key] for key in settled.values_list("idempotency_key", flat=True)}
        connection.close()
        return numbers


def stripe_get(stripe_url, path, **params):
    response = requests.get(
        f"{stripe_url}/v1/{path}", params={"limit": 10000, **params}, auth=(SECRET_KEY, ""), timeout=30
    )
    response.raise_for_status()
    return response.json()["data"]


def deliver_again(port, events):
    """Each event posted to the site's webhook again, signed as Stripe signs; {answer: count}."""
    webhook_secret = os.environ["STRIPE_WEBHOOK_SECRET_FR"]
    answers = collections.Counter()
    for event in events:
        payload = json.dumps(event).encode()
        timestamp = int(time.time())
        digest = hmac.new(
            webhook_secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256
        ).hexdigest()
        status, _headers, content = request(
            port,
            "POST",
            WEBHOOK_PATH,
            payload,
            {"Content-Type": "application/json", "Stripe-Signature": f"t={timestamp},v1={digest}"},
        )
        answers[f"{status} {content.decode()[:40]}"] += 1
    return answers


def donations_report(donors, stripe_url, port, killing, tally):
    """Prints the donations row and what localstripe charged; True when nothing was lost, charged twice,
    charged without a donation, left unsettled or settled twice, and no 5xx but the readable 503 page."""
    from django.db import connection
    from django.db.models import Count

    from donations.models import Donation, DonationStatus, Payment, PaymentStatus

    time.sleep(2)  # localstripe delivers an event a second after the payment
    donor_of = {key: number for number, keys in donors.keys.items() for key in keys}
    stored = set(
        Donation.objects.filter(idempotency_key__in=donor_of).values_list("idempotency_key", flat=True)
    )
    good = tally(
        "donations", donors.posts, 200, collections.Counter(donor_of[key] for key in stored), killing
    )
    for (status, error), count in donors.refusals.most_common(3):
        print(f"  donations refused: {count} x {status} {error}")

    intents = [
        intent
        for intent in stripe_get(stripe_url, "payment_intents")
        if intent["metadata"].get("plaidoyer_donation") in donor_of
    ]
    per_key = collections.Counter(intent["metadata"]["plaidoyer_donation"] for intent in intents)
    charged = {
        intent["id"]: intent["metadata"]["plaidoyer_donation"]
        for intent in intents
        if intent["status"] == "succeeded"
    }
    charged_per_donor = collections.Counter(donor_of[key] for key in charged.values())
    charged_twice = sum(1 for count in charged_per_donor.values() if count > 1)
    charged_unstored = sum(1 for key in charged.values() if key not in stored)

    def settled():
        return Donation.objects.filter(
            idempotency_key__in=charged.values(), status=DonationStatus.SUCCEEDED
        ).count()

    settled_live = settled()
    events = [
        event
        for event in stripe_get(stripe_url, "events", type="payment_intent.succeeded")
        if event["data"]["object"]["id"] in charged
    ]
    answers = deliver_again(port, events)
    settled_after = settled()
    settled_twice = (
        Payment.objects.filter(donation__idempotency_key__in=charged.values(), status=PaymentStatus.SUCCEEDED)
        .values("donation")
        .annotate(rows=Count("pk"))
        .filter(rows__gt=1)
        .count()
    )
    unsettled = len(set(charged.values()) & stored) - settled_after
    print(
        f"donations at localstripe: PaymentIntents per attempt key at most {max(per_key.values(), default=0)}, "
        f"charged {len(charged)}, donors charged twice {charged_twice}, charged without a stored donation "
        f"{charged_unstored}; settled by the live webhook {settled_live}, after redelivery {settled_after} "
        f"(unsettled {unsettled}), settled twice {settled_twice}; redelivered: "
        + ", ".join(f"{count} x {answer}" for answer, count in sorted(answers.items()))
    )
    connection.close()
    once = max(per_key.values(), default=0) <= 1
    return good and once and charged_twice == charged_unstored == unsettled == settled_twice == 0
