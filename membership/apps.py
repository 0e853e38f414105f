"""Joining a section: local groups, join pages, and the people who join as members or volunteers."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembershipConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "membership"
    verbose_name = _("Membership")

    def ready(self):
        from .fees import register_signal_handlers

        register_signal_handlers()
