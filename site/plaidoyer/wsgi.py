"""WSGI entry point (gunicorn --pythonpath site plaidoyer.wsgi)."""

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

from .proxies import behind_trusted_proxies

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plaidoyer.settings.production")
application = behind_trusted_proxies(get_wsgi_application(), settings.TRUSTED_PROXY_COUNT)
