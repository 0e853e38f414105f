"""WSGI entry point (gunicorn --pythonpath site plaidoyer.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plaidoyer.settings.production")
application = get_wsgi_application()
