"""Production settings: refuses to start without the secrets and hosts it needs."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DATABASE_URL, SECURE_HSTS_SECONDS, SILENCED_SYSTEM_CHECKS, env_str

# REDIS_URL: rate limits and the content generation (sections.content_cache) must be shared by
# every process; a cache in each process's memory would let them drift apart.
# ADMIN_HOST: the admin answers on its own host only, never on a section's public host.
# ALTCHA_HMAC_KEY: a known key would let anyone make challenges of their own, as easy as they like.
for _name in ("SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "REDIS_URL", "ADMIN_HOST", "ALTCHA_HMAC_KEY"):
    if not env_str(_name):
        raise ImproperlyConfigured(f"Production needs the environment variable {_name}.")
if not DATABASE_URL.startswith(("postgres://", "postgresql://")):
    raise ImproperlyConfigured("Production runs on PostgreSQL: DATABASE_URL must be postgres://...")

DEBUG = False
# Every section's personal data keys come from the environment (supporters.encryption).
PERSONAL_DATA_DEV_KEYS = False
DEMO_CONTENT_ALLOWED = False
CAPTCHA_REQUIRED = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
SECURE_SSL_REDIRECT = True
# A load balancer probes app servers over plain HTTP (plaidoyer.health).
SECURE_REDIRECT_EXEMPT = [r"^health/"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = SECURE_HSTS_SECONDS or 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
# Wagtail's admin shows page previews in a same-origin iframe, so frames stay SAMEORIGIN.
SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "security.W019"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
