"""Loads the demo sections and their content; safe to run again (it updates, never duplicates)."""

import importlib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from sections.demo import DEFAULT_PORT, create_sections

# Each app that has demo content provides `<app>.demo.load(sections)`, run in this order
# (home last: its home pages feature the action pages the others created).
DEMO_APPS = ["prisoners", "petitions", "petitions.letters", "donations", "membership", "home"]


class Command(BaseCommand):
    help = "Create or update the demo sections (ch, fr, tg) with their content and a demo superuser."

    def add_arguments(self, parser):
        parser.add_argument(
            "--port", type=int, default=DEFAULT_PORT, help="The port the demo is served on (default 8000)."
        )

    def handle(self, *args, **options):
        if not settings.DEMO_CONTENT_ALLOWED:
            raise CommandError(
                "load_demo does not run with production settings: it would add demo pages "
                "and reset the demo superuser's password."
            )
        port = options["port"]
        sections = create_sections(port=port)
        for app in DEMO_APPS:
            try:
                module = importlib.import_module(f"{app}.demo")
            except ModuleNotFoundError as error:
                if error.name != f"{app}.demo" and error.name != app:
                    raise
                continue
            module.load(sections)
            self.stdout.write(f"Demo content loaded: {app}")
        username, password = self._superuser()
        role_users = self._role_users(sections, password)
        self.stdout.write(self.style.SUCCESS("Demo sections ready:"))
        for section in sections.values():
            languages = ", ".join(f"/{code}/" for code in section.languages)
            self.stdout.write(f"  http://{section.site.hostname}:{section.site.port}/  ({languages})")
        self.stdout.write(f"  Admin: http://localhost:{port}/admin/  user: {username}  password: {password}")
        self.stdout.write(f"  Section roles (password {password}): {', '.join(role_users)}")
        if settings.EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend":
            self.stdout.write(
                "  Emails (confirmation links, receipts) are printed in this terminal: "
                "open the link in a confirmation email to count your signature."
            )

    def _role_users(self, sections, password):
        """One demo user per section and role, e.g. ch-editor, fr-data-officer."""
        names = []
        for section in sections.values():
            for role, group in section.groups.items():
                username = f"{section.code}-{role}"
                user, _created = get_user_model().objects.get_or_create(
                    username=username, defaults={"email": f"{username}@localhost"}
                )
                user.set_password(password)
                user.save()
                user.groups.set([group])
                names.append(username)
        return names

    def _superuser(self):
        """The demo superuser, its password reset to settings.DEMO_ADMIN_PASSWORD on every run."""
        username, password = "admin", settings.DEMO_ADMIN_PASSWORD
        user, _created = get_user_model().objects.get_or_create(
            username=username, defaults={"email": "admin@localhost", "is_staff": True, "is_superuser": True}
        )
        user.set_password(password)
        user.save()
        return username, password
