"""Settings for bench/petition_signing.py: production settings on PostgreSQL and Redis, with three changes.

- No reCAPTCHA: the section has no keys and CAPTCHA_REQUIRED is off, so no call to Google is made
  (the bench measures our signing path, not Google's latency).
- Rate limits raised far above the bench's volume (every bench client shares one IP address).
- Plain HTTP on loopback: no SSL redirect, no secure-only cookies, static files without a manifest.
"""

from plaidoyer.settings.production import *  # noqa: F403

CAPTCHA_REQUIRED = False
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
