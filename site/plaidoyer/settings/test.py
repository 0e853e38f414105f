"""Test settings: PostgreSQL always, emails kept in memory, tasks run at once."""

import os

import dj_database_url

from .base import *  # noqa: F403
from .base import LOCAL_CACHE, RENDITIONS_CACHE, TASK_QUEUES, env_str

# The suite always runs on PostgreSQL (never SQLite), default: the local server.
# Connections as in production (base.py): kept a minute, checked before each request's first query,
# through the site's backend (plaidoyer.postgresql).
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", "") or "postgres://postgres@127.0.0.1:5432/plaidoyer",
        conn_max_age=60,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise RuntimeError("The test suite runs on PostgreSQL: set DATABASE_URL=postgres://...")
DATABASES["default"]["ENGINE"] = "plaidoyer.postgresql"

EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": TASK_QUEUES}}
# "strict" shares the default's memory (one LOCATION), as it shares its Redis in production.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "strict": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "local": LOCAL_CACHE,
    "renditions": RENDITIONS_CACHE,
}
# No page cache: tests change counts and pages and expect them on the next GET. Its own tests turn it on.
PAGE_CACHE_SECONDS = 0
LIVE_FIGURES_SECONDS = 0
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SECRET_KEY = "test-secret-key-not-for-production"
IP_HASH_KEY = "test-ip-hash-key"
ALLOWED_HOSTS = ["*"]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# Admin tests sign in with force_login; the second factor is tested on its own (test_admin_second_factor).
WAGTAIL_2FA_REQUIRED = False
# Django's test client signs in without a request, which django-axes refuses; the lockout is tested
# with it on (test_admin_sign_in).
AXES_ENABLED = False
# Challenges as the real ones but cheap to solve (a few PBKDF2 rounds, 16 tries on average), so
# that tests solve them in Python and in Chromium in milliseconds; verification is the real one.
ALTCHA_CHALLENGE = {"algorithm": "PBKDF2/SHA-256", "cost": 10, "key_prefix": "0", "expires_seconds": 600}
ALTCHA_HMAC_KEY = "test-altcha-key"
# A partner page on this machine may embed actions over plain HTTP (sections.partner_sites).
EMBED_ALLOW_LOOPBACK_HTTP = True
# The demo sections' personal data is encrypted with real keys, as in production; sections that tests
# make up get dev keys (PERSONAL_DATA_DEV_KEYS), and the refusal without keys is tested on its own.
SECTION_SECRETS = {
    **SECTION_SECRETS,  # noqa: F405
    "PERSONAL_DATA_KEYS_CH": "CPz5rffQPoNSTFSJmzyCHggXl8EAIHxd5J_lKNeHNRk=",
    "PERSONAL_DATA_HASH_KEY_CH": "hmguyT7aHWkKT8OAC76fRrC9C5bIwrqUe9y27yeoL2s",
    "PERSONAL_DATA_KEYS_FR": "sesHHOVjzJkijoc0GyPm9KIiJilTAdCK2WY1lirJxbI=",
    "PERSONAL_DATA_HASH_KEY_FR": "nTb4G0_OwLZYonft6PAQpGXt46g5uXqfN-B9dknK9SU",
    "PERSONAL_DATA_KEYS_TG": "ybKV1sIgKMjflpi8MegnD25fyASoI0AO3wvJWzyxbZI=",
    "PERSONAL_DATA_HASH_KEY_TG": "m8esZu7244WCYIhSbEIuw9gtfM68Ek4HC1c2Z-e5XGE",
}
PERSONAL_DATA_DEV_KEYS = True
