"""Background tasks (django-tasks) of the kernel: the scheduled purge of what each section's retention makes due."""

from django.utils import timezone
from django_tasks import task

from . import retention


@task()
def purge_expired_data():
    """Purges every section at the time the worker runs it; returns the rows per section and purpose."""
    counts = retention.purge_all(timezone.now())
    retention.prune_finished_tasks()
    return {
        str(site_id): {purpose.value: rows for purpose, rows in rows_by.items()}
        for site_id, rows_by in counts.items()
    }
