"""Hands the CRM deliveries that are due (retries after their backoff) to the task workers; run every minute."""

from django.core.management.base import BaseCommand

from crm.tasks import enqueue_due


class Command(BaseCommand):
    help = "Enqueue an attempt of every CRM webhook delivery that is due (first attempts go at once anyway)."

    def handle(self, *args, **options):
        self.stdout.write(f"CRM deliveries enqueued: {enqueue_due()}")
