"""The demo sections, committed once for a browser-test module and served by a live server."""

import contextlib
import io

from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from pytest_django.live_server_helper import LiveServer

from sections.content_cache import content_changed
from sections.models import SectionSettings


@contextlib.contextmanager
def served_demo(django_db_blocker, links_to_server_port=False, stripe_publishable_key=None):
    """`load_demo`'s content behind a live server; the database is flushed afterwards.

    The donation forms show only for sections with Stripe secrets, so every section gets test ones
    (these pages never reach Stripe). With `links_to_server_port`, the sites (and so every link the
    pages write) use the live server's port, as `make run PORT=…` does.
    """
    secrets = {
        **settings.SECTION_SECRETS,  # the personal data keys of the test settings among them
        **{
            f"{name}_{code}": "test"
            for name in settings.SECTION_SECRET_NAMES
            if not name.startswith("PERSONAL_DATA_")
            for code in ("CH", "FR", "TG")
        },
    }
    with django_db_blocker.unblock(), override_settings(SECTION_SECRETS=secrets):
        server = LiveServer("localhost:0")
        options = {"port": int(server.url.rsplit(":", 1)[1])} if links_to_server_port else {}
        try:
            call_command("load_demo", stdout=io.StringIO(), **options)
            if stripe_publishable_key:
                SectionSettings.objects.update(stripe_publishable_key=stripe_publishable_key)
                content_changed()  # an update() sends no signal: the cached settings must go
            yield server
        finally:
            server.stop()
            call_command("flush", interactive=False, verbosity=0)
