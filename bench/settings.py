"""Settings for bench/petition_signing.py: production settings on PostgreSQL and Redis, with four changes.

- The proof of work (ALTCHA, the default) is verified on every POST as in production (same algorithm
  and rounds, so the server's work is the same), but its challenges ask for a shorter key prefix, so
  that the bench's client solves them 256 times faster before each run (solving is the browser's work).
- Rate limits per address (signing, letters, donations) raised far above the bench's volume (every bench client
  shares one IP address).
- Plain HTTP on loopback: no SSL redirect, no secure-only cookies, static files without a manifest.
- Emails refused by the mail server are retried after seconds, not minutes (bench/faults.py).
"""

import os

from plaidoyer.settings.production import *  # noqa: F403

ALTCHA_CHALLENGE = {**ALTCHA_CHALLENGE, "key_prefix": "0"}  # noqa: F405
PETITION_RATE_LIMITS = {"ip": (10_000_000, 600), "petition": (10_000_000, 60)}
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ROOT_URLCONF = "bench.urls"
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"handlers": [], "level": "ERROR"}}
# Every donor of bench/faults.py posts from 127.0.0.1: the card-testing limits per address would stop them.
DONATION_RATE_LIMITS = {
    "submit": (10_000_000, 600),
    "attempts_ip": (10_000_000, 3600),
    "attempts_email": (5, 3600),
}
# Every letter writer of bench/faults.py posts from 127.0.0.1 too.
LETTER_RATE_LIMITS = {
    "generate": (10_000_000, 3600),
    "sent": (10_000_000, 3600),
    "message": (10_000_000, 3600),
}
# Emails refused or not reached are retried after these delays (bench/faults.py --email-retry-delays),
# seconds instead of production's minutes and hours, so that a fault of a few seconds outlasts them.
EMAIL_RETRY_DELAYS = tuple(
    int(delay) for delay in os.environ.get("BENCH_EMAIL_RETRY_DELAYS", "1,2,3").split(",")
)
