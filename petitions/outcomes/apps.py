from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutcomesConfig(AppConfig):
    """What came of an action, emailed to the supporters who asked for it (app label `outcomes`)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "petitions.outcomes"
    label = "outcomes"
    verbose_name = _("Outcomes")

    def ready(self):
        from .signal_handlers import register_signal_handlers

        register_signal_handlers()
