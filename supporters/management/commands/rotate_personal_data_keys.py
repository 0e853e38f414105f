"""Re-encrypts every stored personal value with its section's newest key, in batches (after a key is added)."""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import connection

from supporters.encryption import SEALED, encrypted_fields, reseal, rewrite_rows, section_code


class Command(BaseCommand):
    help = (
        "Re-encrypt supporters' personal data with each section's newest key (the first of "
        "PERSONAL_DATA_KEYS_<CODE>). Put the new key first, keep the old ones after it, run this, "
        "then remove the old keys. Safe to run again, and while the site runs."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=1000, help="Rows per transaction (1000).")
        parser.add_argument("--section", help="Only this section's rows (its code, e.g. ch).")

    def handle(self, *args, batch_size=1000, section=None, **options):
        section = section.lower() if section else None

        def rotate(site_id, row):
            if section and section_code(site_id) != section:
                return row
            return {
                column: reseal(value) if value and SEALED.match(value) else value
                for column, value in row.items()
            }

        total = 0
        for model in apps.get_models():
            fields = encrypted_fields(model)
            if not fields:
                continue
            columns = [field.column for field in fields]
            rows = rewrite_rows(connection, model._meta.db_table, columns, rotate, batch_size)
            total += rows
            self.stdout.write(f"{model._meta.label}: {rows} rows re-encrypted")
        self.stdout.write(self.style.SUCCESS(f"{total} rows re-encrypted with the newest keys."))
