"""Development settings: debug on, emails printed to the console, tasks run at once."""

from .base import *  # noqa: F403
from .base import TASK_QUEUES

DEBUG = True
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": TASK_QUEUES}}
# The local demo's users sign in without a second factor (production requires one).
WAGTAIL_2FA_REQUIRED = False
# A partner page on this machine may embed actions over plain HTTP (sections.partner_sites).
EMBED_ALLOW_LOOPBACK_HTTP = True
