"""What the apps' tests share: a proof of work solved like the widget does, and real threads on PostgreSQL."""

import threading
from concurrent.futures import ThreadPoolExecutor

from django.db import connection
from django.test import Client

from supporters.proof_of_work import solved


def solution(host, client=None):
    """A freshly solved challenge of the section at `host` (cheap at the test settings' difficulty).

    Each POST needs its own: a solution is accepted once.
    """
    response = (client or Client()).get("/altcha/challenge/", HTTP_HOST=host)
    assert response.status_code == 200, response.status_code
    return solved(response.json())


def run_concurrently(jobs, threads):
    """Run every job on `threads` threads released together; results in the jobs' order by thread.

    Each thread uses its own database connection (as each gunicorn worker would) and closes it.
    """
    barrier = threading.Barrier(threads)
    chunks = [jobs[index::threads] for index in range(threads)]

    def worker(chunk):
        try:
            barrier.wait()
            return [job() for job in chunk]
        finally:
            connection.close()

    with ThreadPoolExecutor(threads) as pool:
        results = list(pool.map(worker, chunks))
    return [result for chunk in results for result in chunk]


def email_hashes(email):
    """The keyed hashes of `email` in every section: rows are found by them, their email being encrypted
    (e.g. `Signature.objects.get(supporter__email_hash__in=email_hashes("ben@example.org"))`)."""
    from wagtail.models import Site

    from supporters.encryption import email_hash

    return [email_hash(site_id, email) for site_id in Site.objects.values_list("pk", flat=True)]


def run_worker(queues=("default",)):
    """`manage.py db_worker --batch --queue-name …`: runs every task of `queues` that is due, then stops.

    Its check for stale connections would close the test's own (which holds every row of the test's
    transaction); the worker shares it instead.
    """
    from unittest import mock

    from supporters.management.commands.db_worker import Worker

    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        Worker(
            queue_names=list(queues),
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="test-worker",
            excluded_queue_names=[],
        ).run()
