"""A confirmation email's task, written by the statement that records its action (supporters/task_rows.py).

With django-tasks-db's backend (production's), a signature or a join and its confirmation email's task are
written by one statement. These tests fail if django-tasks or django-tasks-db change what that statement
copies from them: the row `enqueue` writes, and who listens to the signals it sends.
"""

from datetime import timedelta

from django.conf import settings
from django.core import mail
from django.db.models.signals import post_save, pre_save
from django.dispatch.dispatcher import _make_id
from django.test import TestCase, override_settings
from django.utils import timezone
from django_tasks.signals import log_task_enqueued, task_enqueued
from django_tasks_db.models import DBTaskResult
from django_tasks_db.signal_handlers import set_run_after

from membership.models import Membership, MembershipState
from membership.tasks import send_membership_email
from membership.tests.helpers import build_tree, join
from petitions.models import Signature, SignatureState
from petitions.tasks import send_signature_email
from petitions.tests.conftest import form_data, host_of, make_petition, sign_path
from supporters.tests.helpers import email_hashes, run_worker, solution

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": settings.TASK_QUEUES}}
# Every column but the two that are new for each task.
COMPARED = [
    field.attname
    for field in DBTaskResult._meta.concrete_fields
    if field.attname not in ("id", "enqueued_at")
]


def columns(row):
    return {name: getattr(row, name) for name in COMPARED}


@override_settings(TASKS=DATABASE_TASKS)
class TaskRowTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        build_tree(cls)
        with cls.captureOnCommitCallbacks(execute=True):
            cls.petition = make_petition(cls.sections["fr"].home)
        cls.join_page = cls.pages[("fr", "fr")]

    def setUp(self):
        self.earlier_tasks = set(DBTaskResult.objects.values_list("pk", flat=True))

    def new_tasks(self, task):
        return list(
            DBTaskResult.objects.exclude(pk__in=self.earlier_tasks)
            .filter(task_path=task.module_path)
            .order_by("enqueued_at")
        )

    def sign(self, address):
        host = host_of(self.petition)
        data = form_data(
            self.petition, self.sections["fr"].settings, email=address, captcha=solution(host, self.client)
        )
        response = self.client.post(sign_path(self.petition), data, HTTP_HOST=host)
        self.assertEqual(response.status_code, 303)
        return Signature.objects.get(supporter__email_hash__in=email_hashes(address))

    def test_a_signings_confirmation_task_is_the_row_django_tasks_db_writes_for_it(self):
        started = timezone.now()
        signature = self.sign("anna@example.org")
        self.assertEqual(signature.state, SignatureState.PENDING)
        (written,) = self.new_tasks(send_signature_email)
        upstream = send_signature_email.enqueue(signature.pk, "confirm").db_result
        upstream.refresh_from_db()

        self.assertEqual(written.args_kwargs, {"args": [signature.pk, "confirm"], "kwargs": {}})
        self.assertEqual(columns(written), columns(upstream))
        self.assertTrue(started <= written.enqueued_at <= upstream.enqueued_at)
        self.assertNotEqual(written.pk, upstream.pk)
        # What the worker reads back: the task, its arguments, ready to run now.
        result = written.task_result
        self.assertEqual(
            (result.task, result.args, result.kwargs), (send_signature_email, [signature.pk, "confirm"], {})
        )
        self.assertIn(written, DBTaskResult.objects.ready())

    def test_the_worker_sends_the_confirmation_and_a_repeat_signing_queues_none(self):
        self.sign("anna@example.org")
        self.sign("anna@example.org")  # the same person again: told by email, nothing confirmed twice
        kinds = [row.args_kwargs["args"][1] for row in self.new_tasks(send_signature_email)]
        self.assertEqual(kinds, ["confirm", "duplicate"])

        run_worker()
        self.assertEqual([message.to for message in mail.outbox], [["anna@example.org"]] * 2)
        self.assertIn("/petitions/confirm/", mail.outbox[0].body)
        self.assertEqual(
            [row.status for row in self.new_tasks(send_signature_email)], ["SUCCESSFUL", "SUCCESSFUL"]
        )

    def test_a_joins_confirmation_task_is_written_with_it_and_sent_by_the_worker(self):
        self.assertEqual(join(self.client, self.join_page).status_code, 303)
        membership = Membership.objects.get()
        self.assertEqual(membership.state, MembershipState.PENDING)
        (written,) = self.new_tasks(send_membership_email)
        self.assertEqual(written.args_kwargs, {"args": [membership.pk, "confirm"], "kwargs": {}})
        self.assertLess(timezone.now() - written.enqueued_at, timedelta(minutes=1))

        run_worker()
        self.assertEqual(len(mail.outbox), 1)
        self.assertIn("/join/confirm/", mail.outbox[0].body)

    def test_nothing_listens_to_the_signals_these_rows_do_not_send_but_upstreams_logger(self):
        # `enqueue` sends task_enqueued, logged at debug level by django-tasks; saving sends the model's
        # pre_save (where django-tasks-db sets `run_after`, as task_rows does) and post_save.
        self.assertEqual(
            [receiver() for _key, receiver, *_rest in task_enqueued.receivers], [log_task_enqueued]
        )
        specific = {
            signal: [
                receiver()
                for (_receiver, sender), receiver, *_rest in signal.receivers
                if sender == _make_id(DBTaskResult)
            ]
            for signal in (pre_save, post_save)
        }
        self.assertEqual(specific, {pre_save: [set_run_after], post_save: []})
