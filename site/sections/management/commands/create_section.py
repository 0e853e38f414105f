"""Creates a section for scripts, as the admin's "New section" form does."""

from django.core.management.base import BaseCommand, CommandError

from sections.creation import NewSectionForm, create_section_from


class Command(BaseCommand):
    help = "Create a section: root page and translations, site, settings, collection, roles and workflow."

    def add_arguments(self, parser):
        parser.add_argument("--code", required=True, help="Short code, e.g. be.")
        parser.add_argument("--name", required=True, help="The section's name, e.g. Plaidoyer Belgique.")
        parser.add_argument("--country", required=True)
        parser.add_argument("--currency", required=True, help="CHF, EUR or XOF.")
        parser.add_argument(
            "--languages", required=True, help="Language codes, the default first, e.g. fr,de."
        )
        parser.add_argument("--host", required=True, help="The host it answers at, e.g. be.example.org.")
        parser.add_argument("--port", type=int, default=80)
        parser.add_argument("--time-zone", default="Europe/Zurich", help="E.g. Europe/Brussels.")
        parser.add_argument(
            "--envelope-window",
            default="right",
            choices=["right", "left"],
            help="Where window envelopes show the address: right (Swiss, French) or left (DIN 5008).",
        )

    def handle(self, *args, **options):
        languages = [code.strip() for code in options["languages"].split(",") if code.strip()]
        form = NewSectionForm(
            {
                "code": options["code"],
                "name": options["name"],
                "country": options["country"],
                "currency": options["currency"],
                "language": languages[0] if languages else "",
                "other_languages": languages[1:],
                "hostname": options["host"],
                "port": options["port"],
                "time_zone": options["time_zone"],
                "address_window": options["envelope_window"],
            }
        )
        if not form.is_valid():
            lines = [f"{field}: {' '.join(errors)}" for field, errors in form.errors.items()]
            raise CommandError("The section was not created:\n" + "\n".join(lines))
        section = create_section_from(form)
        site = section.site
        self.stdout.write(
            self.style.SUCCESS(f"Section {section.code} created: http://{site.hostname}:{site.port}/")
        )
