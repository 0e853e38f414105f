from django.apps import AppConfig


class SectionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "sections"

    def ready(self):
        from . import roles, wagtail_2fa_patches, wagtail_csp_patches, wagtail_localize_patches
        from .content_cache import register_signal_handlers

        register_signal_handlers()
        # The page cache's own purges (snippets, images, documents, and the CDN's URLs); plaidoyer is
        # not an app, and its handlers must be connected before any request or test saves a page.
        from plaidoyer import page_cache

        page_cache.register_signal_handlers()
        roles.register_signal_handlers()
        wagtail_localize_patches.apply()
        wagtail_2fa_patches.apply()
        wagtail_csp_patches.apply()
