from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CrmConfig(AppConfig):
    name = "crm"
    verbose_name = _("CRM webhooks")

    def ready(self):
        from . import receivers  # noqa: F401  (connects to the kernel's signals)
