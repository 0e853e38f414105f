"""Base settings: every environment variable is read here, once, with a safe local default."""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.utils.translation import gettext_lazy as _

PROJECT_DIR = Path(__file__).resolve().parent.parent  # site/plaidoyer
SITE_DIR = PROJECT_DIR.parent  # site/
BASE_DIR = SITE_DIR.parent  # repository root


def env_str(name, default=""):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# --- Environment (the only place it is read) --------------------------------
SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-change-me")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,.localhost,127.0.0.1")
DATABASE_URL = env_str("DATABASE_URL", "")
REDIS_URL = env_str("REDIS_URL", "")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env_str("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = int(env_str("SECURE_HSTS_SECONDS", "0"))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Plaidoyer <no-reply@localhost>")
MEDIA_ROOT = env_str("MEDIA_ROOT", str(BASE_DIR / "media"))
STATIC_ROOT = env_str("STATIC_ROOT", str(BASE_DIR / "static_collected"))
# The demo superuser's password (`make run` prints it); local demo only.
DEMO_ADMIN_PASSWORD = env_str("DEMO_ADMIN_PASSWORD", "plaidoyer-demo")
# `load_demo` builds demo content and resets the demo superuser's password: never in production.
DEMO_CONTENT_ALLOWED = True
# Where Wagtail's frontend cache sends its PURGE requests (a CDN or cache in front: Varnish, nginx…, through
# Wagtail's HTTPBackend) when pages change (plaidoyer.page_cache); empty means no purge.
FRONTEND_CACHE_URL = env_str("FRONTEND_CACHE_URL", "")
# How long anonymous visitors are served a page from the page cache (plaidoyer.page_cache), in seconds;
# 0: no page cache. It is also how old a live count on a cached page may be: a few seconds.
PAGE_CACHE_SECONDS = int(env_str("PAGE_CACHE_SECONDS", "5"))
# How old a home page's live figures (actions taken, members, groups: each a count over the whole
# section) may be, in seconds, on every page that shows them, cached or not; 0: counted on every request.
LIVE_FIGURES_SECONDS = int(env_str("LIVE_FIGURES_SECONDS", "5"))
# Keyed hash for IP addresses; falls back to SECRET_KEY.
IP_HASH_KEY = env_str("IP_HASH_KEY", "") or SECRET_KEY
# How many proxies (load balancers) stand in front of the app servers: the client's address is the
# X-Forwarded-For entry the last of them appended (plaidoyer.proxies). 0: REMOTE_ADDR as it is.
TRUSTED_PROXY_COUNT = int(env_str("TRUSTED_PROXY_COUNT", "0"))
# Section secrets, named by section code: STRIPE_SECRET_KEY_CH, STRIPE_WEBHOOK_SECRET_CH,
# RECAPTCHA_PRIVATE_KEY_CH… Read through sections.secrets.section_secret(). PERSONAL_DATA_KEYS_CH
# (Fernet keys, newest first) and PERSONAL_DATA_HASH_KEY_CH encrypt and look up supporters' personal
# data (supporters.encryption).
SECTION_SECRET_NAMES = (
    "STRIPE_SECRET_KEY",
    "STRIPE_WEBHOOK_SECRET",
    "RECAPTCHA_PRIVATE_KEY",
    "PAYGATE_API_KEY",
    "PERSONAL_DATA_KEYS",
    "PERSONAL_DATA_HASH_KEY",
)
SECTION_SECRETS = {
    key: value
    for key, value in os.environ.items()
    if key.startswith(tuple(f"{name}_" for name in SECTION_SECRET_NAMES))
}
# A section without personal data keys in the environment gets keys derived from SECRET_KEY (real
# encryption, no secrecy): for `make run` and tests only. Production turns it off, and then refuses
# to start while a section has no keys (supporters.checks).
PERSONAL_DATA_DEV_KEYS = env_bool("PERSONAL_DATA_DEV_KEYS", True)
# The key that signs the proof-of-work challenges (ALTCHA, supporters.proof_of_work); each section's
# key is derived from it. Production refuses to start without it.
ALTCHA_HMAC_KEY = env_str("ALTCHA_HMAC_KEY", "") or "dev-only-altcha-key-change-me"
# The challenges issued: PBKDF2 rounds per try, and a derived key starting with this hex prefix
# ("000": 4,096 tries on average, about 1.2 million rounds, half a second in a phone's browser). The
# server checks one try, so the work is in the number of tries, not in each try's rounds: 300 rounds
# cost the server about 0.1 ms a POST (5,000 rounds cost 1.4 ms and took signing under its goal).
ALTCHA_CHALLENGE = {"algorithm": "PBKDF2/SHA-256", "cost": 300, "key_prefix": "000", "expires_seconds": 600}
# Where used solutions are kept until they expire (Redis in production, shared by every app server):
# a cache whose errors are raised (see CACHES).
ALTCHA_REPLAY_CACHE = "strict"
# Where rate limits count (Redis in production): a cache whose errors are raised (see CACHES).
RATE_LIMIT_CACHE = "strict"
# Without JavaScript no proof of work can be solved: such a POST takes a stricter path, limited per
# IP address, each (attempts, seconds). A signature must then be confirmed by email in any case.
NO_SCRIPT_RATE_LIMITS = {
    "sign": (5, 3600),
    "join": (5, 3600),
    "letter": (5, 3600),
    "message": (3, 3600),
    "rights": (3, 3600),
}
# A section that chose reCAPTCHA has its forms withheld without its keys (production); in
# development its captcha is off, with a warning on the form. ALTCHA needs no per-section keys.
CAPTCHA_REQUIRED = env_bool("CAPTCHA_REQUIRED", False)
# Signing limits (supporters.ratelimit), each (attempts, seconds): per IP address, and per petition
# across all its languages. Generous per IP: schools and mobile networks share addresses.
PETITION_RATE_LIMITS = {"ip": (30, 600), "petition": (6000, 60)}
# Donation form (card-testing defence, donations.views), each (attempts, seconds): how often one address may
# post the form at all, and how many payment attempts (each a card check at Stripe) one address and one
# email address may start.
DONATION_RATE_LIMITS = {"submit": (30, 600), "attempts_ip": (8, 3600), "attempts_email": (5, 3600)}
# Letter actions (petitions.letters.views), per IP address, each (attempts, seconds): letters written (each
# a PDF), letters said to be sent, messages of solidarity.
LETTER_RATE_LIMITS = {"generate": (30, 3600), "sent": (60, 3600), "message": (10, 3600)}
# Join forms: per IP address, and per section (a flood of sign-ups from many addresses).
JOIN_RATE_LIMITS = {"ip": (10, 600), "section": (600, 60)}
# Requests for a copy or the erasure of one's data (supporters.rights): per IP address, and per
# email address (beyond it nothing is sent, and the page answers alike), so nobody floods a mailbox.
RIGHTS_RATE_LIMITS = {"ip": (10, 3600), "address": (3, 3600)}
# Health (plaidoyer.health): /health/ fails when the oldest task waiting in the queue has waited longer
# than this many seconds (no worker running), and asks the mail server at most once in so many seconds.
HEALTH_TASK_QUEUE_MAX_AGE = int(env_str("HEALTH_TASK_QUEUE_MAX_AGE", "300"))
HEALTH_MAIL_CHECK_SECONDS = 60
# Emails to supporters (supporters.delivery): a refused or unreachable mail server is tried again after
# each of these delays (seconds), then the email is listed for data officers to resend. A connection
# gives up after EMAIL_TIMEOUT seconds, so that a silent server does not hold a task worker.
EMAIL_RETRY_DELAYS = (60, 300, 1800, 7200)
EMAIL_TIMEOUT = 10
# Where Stripe's API is reached (the local fake in tests and development).
STRIPE_API_BASE = env_str("STRIPE_API_BASE", "")
# Where pages load Stripe.js from (localstripe's fake copy in tests and development).
STRIPE_JS_URL = env_str("STRIPE_JS_URL", "https://js.stripe.com/v3/")
# Where PayGate Global's API (mobile money in Togo, donations.mobile_money) is reached; tests point it
# at a local server that answers with recorded responses.
PAYGATE_API_BASE = env_str("PAYGATE_API_BASE", "https://paygateglobal.com")
# Where browsers report what the Content-Security-Policy blocked (report-uri); empty: no reports.
CONTENT_SECURITY_POLICY_REPORT_URI = env_str("CSP_REPORT_URI", "")
# CRM webhooks (crm): each destination's signing secret is derived from this key (falls back to
# SECRET_KEY), so none is stored in the database. An attempt waits at most TIMEOUT seconds for an
# answer; a failed one is tried again after BACKOFF seconds, doubled each time (at most 6 hours
# apart), until MAX_ATTEMPTS, when the delivery becomes a dead letter (about a day at the defaults).
CRM_WEBHOOK_SIGNING_KEY = env_str("CRM_WEBHOOK_SIGNING_KEY", "") or SECRET_KEY
CRM_WEBHOOK_TIMEOUT = float(env_str("CRM_WEBHOOK_TIMEOUT", "10"))
CRM_WEBHOOK_BACKOFF = int(env_str("CRM_WEBHOOK_BACKOFF", "60"))
CRM_WEBHOOK_MAX_ATTEMPTS = int(env_str("CRM_WEBHOOK_MAX_ATTEMPTS", "10"))
# Destinations on this machine (loopback, plain HTTP) are refused unless this is on: tests and local
# trials only, never in production.
CRM_WEBHOOK_ALLOW_LOOPBACK = False
# Partner sites that embed a section's actions (sections.partner_sites) must be HTTPS; plain HTTP on
# localhost or 127.0.0.1 is accepted only where this is on: development and tests, never production.
EMBED_ALLOW_LOOPBACK_HTTP = False

# --- Applications ------------------------------------------------------------
INSTALLED_APPS = [
    "sections",
    "supporters",
    "home",
    "prisoners",
    "petitions",
    "petitions.letters",
    "petitions.outcomes",
    "donations",
    "membership",
    "crm",
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.frontend_cache",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_recaptcha",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "wagtail_2fa",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp_webauthn",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "csp",
    "health_check",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The content generation, read once per request (the page cache's key and every content lookup).
    "sections.content_cache.ContentGenerationMiddleware",
    # A cached page for an anonymous visitor skips everything below, headers included (they are kept
    # with the page: its Content-Security-Policy depends only on the page and its section).
    "plaidoyer.page_cache.PageCacheMiddleware",
    # Content-Security-Policy (django-csp), with the admin's and the donation page's additions.
    "plaidoyer.csp.SectionPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "sections.middleware.SectionLanguageMiddleware",
    "sections.middleware.SectionLocaleMiddleware",
    "plaidoyer.middleware.RequestCharsetMiddleware",
    "plaidoyer.admin_host.AdminHostMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every admin user signs in with a second factor (a TOTP code or a passkey) before reaching any admin
    # page: wagtail-2fa's middleware, letting the passkey sign-in through (sections.wagtail_2fa_patches).
    "sections.wagtail_2fa_patches.VerifyUserMiddleware",
    # Another section's page URLs in the admin are 404 (not a redirect that says the page exists).
    "sections.page_scope.SectionPageScopeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "plaidoyer.protected_deletion.ProtectedDeletionMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout page.
    "axes.middleware.AxesMiddleware",
]

# Browser features no page of ours uses are off for the page and every frame in it (django-permissions-policy).
# Payment requests stay open to Stripe's frames on the donation page; passkeys to ourselves.
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "browsing-topics": [],
    "camera": [],
    "display-capture": [],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": ["self", "https://js.stripe.com"],
    "publickey-credentials-get": ["self"],
    "usb": [],
}

# Content-Security-Policy, enforced (django-csp): this site's own scripts, styles, images, fonts and
# requests only; no inline script or style, no eval, no plugins, no frames; no page may be framed.
# plaidoyer.csp adds Stripe on the donation page, Google on the pages of a section that chose
# reCAPTCHA, and what the Wagtail admin needs on its URLs.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'none'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "manifest-src": ["'self'"],
        # ALTCHA's proof of work runs in a worker loaded from our static files.
        "worker-src": ["'self'"],
        "form-action": ["'self'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "report-uri": [CONTENT_SECURITY_POLICY_REPORT_URI] if CONTENT_SECURITY_POLICY_REPORT_URI else None,
    }
}

# The only host the admin answers on (e.g. admin.example.org); empty: every host (local use).
ADMIN_HOST = env_str("ADMIN_HOST", "")
# Where the admin's links (in emails, and passkeys' origin when ADMIN_HOST is empty) point.
WAGTAILADMIN_BASE_URL = env_str("WAGTAILADMIN_BASE_URL", "http://localhost:8000")

# --- Second factor (wagtail-2fa, TOTP through django-otp): required for everyone with admin access.
WAGTAIL_2FA_REQUIRED = True
WAGTAIL_2FA_OTP_TOTP_NAME = "Plaidoyer"
# Passkeys (WebAuthn, django-otp-webauthn) are the other second factor, after the password: never instead
# of it (no passwordless sign-in, so django-axes still guards every sign-in). A passkey belongs to one
# host, the relying party: the admin's own host (ADMIN_HOST) in production, the host of
# WAGTAILADMIN_BASE_URL locally (http://localhost:8000, or the port `make run` is given). Changing it
# invalidates every registered passkey.
OTP_WEBAUTHN_RP_ID = ADMIN_HOST or urlsplit(WAGTAILADMIN_BASE_URL).hostname
OTP_WEBAUTHN_RP_NAME = "Plaidoyer"
OTP_WEBAUTHN_ALLOWED_ORIGINS = [
    f"https://{ADMIN_HOST}"
    if ADMIN_HOST
    else "{0.scheme}://{0.netloc}".format(urlsplit(WAGTAILADMIN_BASE_URL))
]
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
OTP_WEBAUTHN_HELPER_CLASS = "sections.passkeys.PasskeyHelper"

# --- Logins: repeated failures lock the account and the address (django-axes) ------
# AxesBackend refuses a locked-out sign-in, then leaves it to ModelBackend; it also loads the signed-in
# user (ModelBackend's get_user), which Wagtail's test utilities expect of the first backend.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(env_str("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(env_str("LOGIN_LOCKOUT_HOURS", "1"))  # hours
# Either is enough: five failures for one account lock it from everywhere, five from one address lock
# that address for every account.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "supporters.network.client_ip"
AXES_LOCKOUT_TEMPLATE = "locked_out.html"
AXES_VERBOSE = False

ROOT_URLCONF = "plaidoyer.urls"
WSGI_APPLICATION = "plaidoyer.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SITE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "sections.context_processors.section",
            ],
        },
    },
]

# --- Database ----------------------------------------------------------------
# SQLite when DATABASE_URL is unset (local demo); PostgreSQL through psycopg 3 otherwise.
# A connection is kept a minute and checked before its first use in each request: after PostgreSQL
# restarts, the next request reconnects instead of failing on the dead connection (README, "Health and faults").
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL or f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_max_age=60, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # psycopg's default, which Django turns off: the one statement that records a supporter's action
    # (supporters/one_statement.py) asks to be prepared, so it is planned once per connection.
    # Django's own cursors bind on the client and are never prepared.
    DATABASES["default"]["OPTIONS"] = {"prepare_threshold": 5}
    # Django's backend, whose check of a kept connection looks at its socket before it asks PostgreSQL.
    DATABASES["default"]["ENGINE"] = "plaidoyer.postgresql"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (pages, content, rate limits): Redis when REDIS_URL is set ----------
# django-redis rather than Django's own backend, which builds a new Redis client for every call
# (some 170 response callbacks set up each time, more than Redis takes to answer), and whose incr
# is two round trips; django-redis keeps one client per server and increments in one.
#
# When Redis cannot be reached (README, "Health and faults"), pages are served from the database:
# - "default" ignores Redis's errors (django-redis's IGNORE_EXCEPTIONS): a read misses, a write is lost,
#   so the page cache misses and the content lookups are built from the database;
# - "strict" is the same Redis with its errors raised, for the callers that must know it failed: rate
#   limits (donations are then refused, the card-testing risk; other forms count in "local", this
#   process's memory), used proof-of-work solutions (also kept in "local" meanwhile) and a new content
#   generation (started again once Redis answers);
# - short socket timeouts, and a circuit breaker (plaidoyer.redis_breaker: it says what it measured):
#   a Redis that hangs costs a process one timeout of 0.25 s per REDIS_BREAKER_SECONDS, not each call.
# Both aliases share one pool of connections (django-redis keys its pools by URL).
REDIS_BREAKER_SECONDS = 2.0
REDIS_OPTIONS = {
    "SOCKET_CONNECT_TIMEOUT": 0.25,
    "SOCKET_TIMEOUT": 0.25,
    "REDIS_CLIENT_CLASS": "plaidoyer.redis_breaker.Redis",
}
LOCAL_CACHE = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "this-process"}


def redis_caches(url):
    """The cache aliases on the Redis at `url` (also used by tests/test_redis_down.py)."""
    return {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": url,
            "OPTIONS": {**REDIS_OPTIONS, "IGNORE_EXCEPTIONS": True},
        },
        "strict": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": url, "OPTIONS": REDIS_OPTIONS},
        "local": LOCAL_CACHE,
    }


if REDIS_URL:
    CACHES = redis_caches(REDIS_URL)
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "strict": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "local": LOCAL_CACHE,
    }
# Wagtail writes every image rendition it hands out to its cache ("renditions", else the default one),
# even one it found prefetched: a Redis round trip per portrait on a prisoner index. Each process keeps
# its own for a minute instead (an image replaced in the admin shows everywhere within that minute).
RENDITIONS_CACHE = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "renditions",
    "TIMEOUT": 60,
    "OPTIONS": {"MAX_ENTRIES": 5000},
}
CACHES["renditions"] = RENDITIONS_CACHE

# --- Background tasks (django-tasks) -----------------------------------------
# CRM deliveries have a queue of their own, taken by workers of their own (`db_worker --queue-name crm`):
# a slow or failing CRM never holds up the confirmation and receipt emails of the `default` queue.
CRM_TASK_QUEUE = "crm"
TASK_QUEUES = ["default", CRM_TASK_QUEUE]
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": TASK_QUEUES}}

# --- Passwords -----------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Languages -----------------------------------------------------------------
# The union of every section's languages; a section publishes a subset of them
# (the locales its root page is translated into, see sections.languages).
LANGUAGE_CODE = "fr"
LANGUAGES = [
    ("fr", _("French")),
    ("de", _("German")),
    ("it", _("Italian")),
    ("en", _("English")),
]
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAIL_I18N_ENABLED = True
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Europe/Zurich"

# --- Static and media ------------------------------------------------------------
STATICFILES_DIRS = [SITE_DIR / "static"]
STATIC_URL = "/static/"
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- Email -----------------------------------------------------------------------
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"

# --- Wagtail -----------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Plaidoyer"
# No avatars from Gravatar: the admin would send each staff member's email hash to a third party
# (and the Content-Security-Policy lets no image in from elsewhere).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# Nor does the admin ask releases.wagtail.org for the latest version on every dashboard.
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
# A page sent for translation is a draft in the new language until its translation is published:
# visitors never see the source language's text under another language's prefix.
WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE = False
# Slugs are ASCII (liberez-ihar-losik), so shared links carry no percent-encoded letters.
WAGTAIL_ALLOW_UNICODE_SLUGS = False
if FRONTEND_CACHE_URL:
    WAGTAILFRONTENDCACHE = {
        "default": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": FRONTEND_CACHE_URL,
        }
    }
# Purge the URLs as they are: Wagtail would otherwise swap each URL's language prefix for every content
# language, which misses translated slugs and languages a section does not publish; plaidoyer.page_cache
# purges each translation's own URL instead.
WAGTAILFRONTENDCACHE_LANGUAGES = []

# --- Security defaults shared by every environment -------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "SAMEORIGIN"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# reCAPTCHA keys are per section (sections.secrets); django-recaptcha's global
# test-key check does not apply.
SILENCED_SYSTEM_CHECKS = ["django_recaptcha.recaptcha_test_key_error"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
