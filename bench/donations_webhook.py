"""How fast the Stripe webhook answers: signed payment_intent.succeeded events for distinct donations, and replays.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/plaidoyer_bench \
     DJANGO_SETTINGS_MODULE=plaidoyer.settings.test .venv/bin/python bench/donations_webhook.py [events]
(creates and drops the database test_plaidoyer_bench; prints timings in milliseconds).
"""

import hashlib
import hmac
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "site"), str(ROOT)]

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

SECRET = "whsec_bench"


def signed(payload):
    timestamp = int(time.time())
    digest = hmac.new(SECRET.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def main(count):
    from donations.models import Donation
    from sections.demo import create_sections
    from supporters.models import Supporter

    site = create_sections()["ch"].site
    supporter = Supporter.for_email(site, "bench@example.org", "Bench", "Mark")
    donations = Donation.objects.bulk_create(
        Donation(
            site=site,
            supporter=supporter,
            language="fr",
            frequency="one_off",
            amount=6000,
            currency="CHF",
            idempotency_key=f"{index:032x}",
            stripe_payment_intent_id=f"pi_bench{index}",
            first_name="Bench",
            last_name="Mark",
            email="bench@example.org",
        )
        for index in range(count)
    )
    client = Client()
    timings = {"first delivery": [], "replay": []}
    for kind in timings:
        for index, donation in enumerate(donations):
            event = {
                "id": f"evt_bench{index}",
                "type": "payment_intent.succeeded",
                "created": int(time.time()),
                "data": {
                    "object": {
                        "id": donation.stripe_payment_intent_id,
                        "object": "payment_intent",
                        "amount": 6000,
                        "currency": "chf",
                        "latest_charge": f"ch_bench{index}",
                        "invoice": None,
                        "metadata": {"plaidoyer_donation": donation.idempotency_key, "section": "ch"},
                    }
                },
            }
            payload = json.dumps(event).encode()
            start = time.perf_counter()
            response = client.post(
                "/donations/webhooks/ch/",
                data=payload,
                content_type="application/json",
                HTTP_STRIPE_SIGNATURE=signed(payload),
            )
            timings[kind].append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, response.content
    for kind, values in timings.items():
        values.sort()
        p95 = values[int(len(values) * 0.95) - 1]
        print(f"{kind}: {len(values)} events, median {statistics.median(values):.1f} ms, p95 {p95:.1f} ms")


if __name__ == "__main__":
    setup_test_environment()
    name = connection.creation.create_test_db(verbosity=0)
    try:
        with override_settings(
            SECTION_SECRETS={**settings.SECTION_SECRETS, "STRIPE_WEBHOOK_SECRET_CH": SECRET}
        ):
            main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)
