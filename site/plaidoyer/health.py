"""Health endpoints (django-health-check) for the load balancer and for monitoring, saying nothing more than up or down.

- `/health/` (monitoring): the database, Redis (through the "strict" cache alias, whose errors are
  raised; the default one hides them), the age of the oldest task waiting in the queue, and the mail
  server (connection opened and closed, the answer kept a minute so that polls do not hammer it).
- `/health/ready/` (the load balancer): the database only. Redis, the task workers and the mail server
  are shared by every app server and the site serves pages without them (README, "Health and faults"):
  taking every server out of rotation because one of them is down would stop the site instead.

Anyone gets `ok` (200) or `unhealthy` (503, what a load balancer and monitoring read as "out of
service", not a crash) as plain text and nothing else: no names of hosts, versions
or errors. A superuser (signed in on the admin's host) gets the details in django-health-check's own
formats (HTML, text, JSON by the Accept header); so does `manage.py health_check health --no-http`.
"""

import dataclasses
import datetime

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max
from health_check.base import HealthCheck
from health_check.checks import Mail
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView

MAIL_RESULT_KEY = "health:mail"


@dataclasses.dataclass
class TaskQueue(HealthCheck):
    """The oldest task waiting to run (due, not started) is younger than settings.HEALTH_TASK_QUEUE_MAX_AGE seconds.

    An old one means no worker (`manage.py db_worker`) is taking tasks: confirmation and receipt
    emails are not leaving.
    """

    async def run(self):
        waiting = DBTaskResult.objects.ready().order_by("enqueued_at").values_list("enqueued_at", "run_after")
        oldest = await waiting.afirst()
        if oldest is None:
            return
        enqueued_at, run_after = oldest
        # A task asked to run later waits from then on (the largest date stands for "at once").
        waiting_since = enqueued_at if run_after == get_date_max() else max(enqueued_at, run_after)
        age = (timezone.now() - waiting_since).total_seconds()
        if age > settings.HEALTH_TASK_QUEUE_MAX_AGE:
            raise ServiceUnavailable(f"The oldest waiting task has waited {age:.0f} s")


@dataclasses.dataclass
class CachedMail(Mail):
    """django-health-check's mail check (open and close a connection), its answer kept for settings.HEALTH_MAIL_CHECK_SECONDS.

    Kept in the default cache, shared by every app server: the mail server sees one connection a
    minute whoever polls (while Redis is down, one per poll).
    """

    timeout: datetime.timedelta = dataclasses.field(default=datetime.timedelta(seconds=3), repr=False)

    async def run(self):
        error = await cache.aget(MAIL_RESULT_KEY)
        if error is None:
            try:
                await sync_to_async(super().run, thread_sensitive=False)()
                error = ""
            except ServiceUnavailable as unavailable:
                error = unavailable.message
            except OSError:  # no route, no such host, timed out
                error = "Mail server unreachable"
            await cache.aset(MAIL_RESULT_KEY, error, settings.HEALTH_MAIL_CHECK_SECONDS)
        if error:
            raise ServiceUnavailable(error)


class HealthView(HealthCheckView):
    """django-health-check's view; its details for superusers only, `ok` or `unhealthy` for anyone else."""

    checks = (
        "health_check.checks.Database",
        ("health_check.checks.Cache", {"alias": "strict"}),
        "plaidoyer.health.TaskQueue",
        "plaidoyer.health.CachedMail",
    )

    async def get(self, request, *args, **kwargs):
        response = await super().get(request, *args, **kwargs)
        user = await request.auser()
        if user.is_superuser:
            # django-health-check answers 500 when a check fails; "unavailable" is what it means.
            if response.status_code == 500:
                response.status_code = 503
            return response
        healthy = not any(result.error for result in self.results)
        return HttpResponse(
            "ok\n" if healthy else "unhealthy\n",
            content_type="text/plain; charset=utf-8",
            status=200 if healthy else 503,
        )


health = HealthView.as_view()
ready = HealthView.as_view(checks=("health_check.checks.Database",))
