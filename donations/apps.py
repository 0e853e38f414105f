"""Donation pages, donations, the Stripe integration and its webhooks."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DonationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "donations"
    verbose_name = _("Donations")

    def ready(self):
        from . import erasure  # noqa: F401  (connects the erasure's receiver)
