"""WSGI entry point (gunicorn --pythonpath site plaidoyer.wsgi)."""

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

from .proxies import behind_trusted_proxies

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plaidoyer.settings.production")
application = get_wsgi_application()

# Refuse to start, rather than write personal data in clear or with a key nobody keeps.
from supporters.checks import require_keys  # noqa: E402 (needs the apps loaded above)

require_keys()
application = behind_trusted_proxies(application, settings.TRUSTED_PROXY_COUNT)
