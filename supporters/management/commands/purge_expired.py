"""Purges supporters' data whose retention period has ended, in every section (run daily by a scheduler)."""

from django.core.management.base import BaseCommand
from django.utils import timezone
from wagtail.models import Site

from supporters import retention
from supporters.models import RetentionPurpose
from supporters.tasks import purge_expired_data


class Command(BaseCommand):
    help = "Purge supporters' personal data whose retention period has ended (counts stay)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Print what would be purged, per section, and change nothing.",
        )
        parser.add_argument(
            "--enqueue", action="store_true", help="Hand the purge to the task workers (db_worker) instead."
        )

    def handle(self, *args, dry_run=False, enqueue=False, **options):
        if enqueue and not dry_run:
            result = purge_expired_data.enqueue()
            self.stdout.write(f"Purge enqueued (task {result.id}).")
            return
        now = timezone.now()
        for site in Site.objects.order_by("pk"):
            counts = retention.dry_run(site, now) if dry_run else retention.purge(site, now)
            figures = ", ".join(f"{purpose.value} {counts[purpose]}" for purpose in RetentionPurpose)
            self.stdout.write(f"{site.hostname}: {'would purge' if dry_run else 'purged'} {figures}")
        if not dry_run:
            retention.prune_finished_tasks()
