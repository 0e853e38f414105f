from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class SupportersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "supporters"

    def ready(self):
        from . import checks  # noqa: F401 (registers the check of the personal data keys)
        from .encryption import forget_section_codes

        # A section's code names its keys: a changed code or a deleted site is read afresh.
        for sender in ("sections.SectionSettings", "wagtailcore.Site"):
            post_save.connect(forget_section_codes, sender=sender, dispatch_uid=f"forget-codes-{sender}")
            post_delete.connect(
                forget_section_codes, sender=sender, dispatch_uid=f"forget-codes-del-{sender}"
            )
