"""Sends donors the yearly summary of their tax receipts (run once in January, e.g. from cron).

Each summary is one email task (donations.emails.send_yearly_summary), retried like every email to a
supporter and listed under *Undelivered emails* if the mail server never takes it."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from donations.emails import send_receipt_summaries


class Command(BaseCommand):
    help = "Email each donor of the sections that issue tax receipts the summary of a year's receipts, once."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="The year of the gifts (default: last year).")
        parser.add_argument(
            "--enqueue", action="store_true", help="Hand the sending to the task workers (db_worker) instead."
        )

    def handle(self, *args, year=None, enqueue=False, **options):
        year = year or timezone.localdate().year - 1
        if enqueue:
            result = send_receipt_summaries.enqueue(year)
            self.stdout.write(f"Summaries of {year} enqueued (task {result.id}).")
            return
        handed = send_receipt_summaries.call(year)
        self.stdout.write(f"Summaries of {year} handed to the email tasks: {handed}.")
