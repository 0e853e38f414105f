"""`manage.py db_worker`: django-tasks-db's worker, which never strands a task it has claimed when it is stopped.

This command takes the place of django-tasks-db's own (`supporters` comes before `django_tasks_db` in
INSTALLED_APPS); its options are the same.

django-tasks-db 0.13's worker, on SIGTERM or Ctrl-C, exits at once unless a task is running. In the instant
between claiming a task (marked RUNNING, committed) and starting it, no task is running yet: the worker
exits, and the claimed task stays RUNNING for good. Nothing ever runs it again, so its confirmation or
receipt email is never sent. `bench/faults.py --faults tasks-down` lost one email this way in five runs.

This worker, on the first signal, takes no new task, finishes the one it holds and then stops (at most
one polling `--interval` later when it was waiting). A second signal stops it at once, as upstream.
`tests/test_email_delivery.py` stops a worker in that instant. The test fails if upstream changes the
hooks used here. Delete this module once upstream's worker does the same.
"""

import logging
import signal

from django.core.management.base import CommandError
from django_tasks_db.management.commands import db_worker

logger = logging.getLogger("django_tasks_db")


class Worker(db_worker.Worker):
    def shutdown(self, signum, frame):
        if not self.running:  # the second signal: stop now, as upstream does
            super().shutdown(signum, frame)
            return
        logger.warning(
            "Received %s - finishing the claimed task, if any, then stopping.", signal.strsignal(signum)
        )
        self.running = False


class Command(db_worker.Command):
    help = "Run a database task worker; told to stop, it finishes the task it has claimed first."

    def handle(self, *, verbosity, queue_name, exclude_queues, reload, **options):
        self.configure_logging(verbosity)
        queue_names = queue_name.split(",")
        excluded_queue_names = exclude_queues.split(",") if exclude_queues else []
        if excluded_queue_names and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        if reload:
            raise CommandError("--reload is not offered: restart the worker after a change of code.")
        worker = Worker(
            queue_names=queue_names,
            excluded_queue_names=excluded_queue_names,
            **{
                name: options[name]
                for name in ("interval", "batch", "backend_name", "startup_delay", "max_tasks", "worker_id")
            },
        )
        worker.configure_signals()
        worker.run()
