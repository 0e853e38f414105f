"""A django-tasks-db task written by the statement that records an action (supporters/one_statement.py).

A signature with double opt-in is stored with its confirmation email's task in one transaction, so that
neither exists without the other. Through django-tasks that took four round trips to PostgreSQL (BEGIN,
the action's statement, the task's INSERT, COMMIT) and 0.9 ms of a signing's 3.2 ms of CPU in the site's
process: `Task.enqueue` saves a model instance through `Model.save` and its signals, inside
`transaction.atomic` (bench/signing_profile.py --parts). On the bench's two cores, 32 concurrent signers
(`bench/petition_signing.py --double-opt-in`) then waited 113 ms at the 95th percentile; the goal of
issues 15 and 16 is under 100 ms.

So the task's row is one more part of that statement, inserted from the action's row: written exactly
when the action is, committed with it, and still one round trip. Measured alternately with the code
before it, on the same busy machine (`bench/petition_signing.py --signatures 1000 --rounds 2
--double-opt-in`, twice each): 226 and 190 signings/s before, 277 and 254 after; p95 161 and 202 ms
before, 141 and 136 after. Its values are those
`DatabaseBackend.enqueue` writes (`row_values`), with the action's id put into the task's arguments by
PostgreSQL. Nothing else changes: the worker (`manage.py db_worker`) runs it, and retries and
*Undelivered emails* follow as for any other task. With another backend (the immediate one of the
tests and `make run`), the kernel enqueues the task through django-tasks, in the action's transaction.

What this relies on, checked by supporters/tests/test_task_rows.py, which fails if an upgrade changes it:
- `DatabaseBackend.enqueue` validates the task, then creates one `DBTaskResult` with the values of its
  `_task_to_db_task` (mirrored in `row_values`, which calls its private `_get_id` for the id), its fields' defaults and, for `run_after`, what its
  `pre_save` receiver fills in (django_tasks_db.signal_handlers); the test compares the two rows;
- it then sends `task_enqueued`, and the model's `post_save` is sent on saving. Neither is sent for
  these rows (building the signals' arguments cost as much as the INSERT saved): upstream's only
  receiver logs at debug level, and the test fails if another receiver listens to either;
- the worker calls the task with `args_kwargs["args"]` and `args_kwargs["kwargs"]`.
No upstream API enqueues a task as part of another statement (django-tasks 0.12, django-tasks-db 0.13).
Delete this module, and let `record_action` call `task.enqueue` again, once the bench does without it.
"""

import json
from functools import cache

from django.db import connection
from django.db.models import JSONField
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.compat import normalize_json
from django_tasks_db.models import DBTaskResult, get_date_max

# The statement's value for `args_kwargs`: the arguments as upstream stores them, with the action's id
# (null in Python: the row does not exist yet) set as the first argument.
ARGS_KWARGS_SQL = "jsonb_set(CAST(%s AS jsonb), '{{args,0}}', to_jsonb({source}.id))"


def row_values(task, args):
    """The values of the row `task.enqueue(<the action's id>, *args)` would write, in `insert_select`'s
    order; None unless the task goes to django-tasks-db's database. Raises as `enqueue` does for a
    task its backend refuses."""
    backend = task.get_backend()
    if not isinstance(backend, DatabaseBackend):
        return None
    backend.validate_task(task)
    # DatabaseBackend._task_to_db_task's values; `run_after` as its pre_save signal completes it.
    given = {
        "id": backend._get_id(),
        "args_kwargs": normalize_json({"args": [None, *args], "kwargs": {}}),
        "priority": task.priority,
        "task_path": task.module_path,
        "queue_name": task.queue_name,
        "run_after": task.run_after or get_date_max(),
        "backend_name": backend.alias,
        "enqueued_at": timezone.now(),  # auto_now_add
    }
    values = []
    for field in insert_fields():
        value = given[field.attname] if field.attname in given else field.get_default()
        values.append(json.dumps(value) if isinstance(field, JSONField) and value is not None else value)
    return values


@cache
def insert_select(source):
    """`INSERT INTO <the task table> (…) SELECT … FROM <source>`: the row of a task whose first argument
    is the id of the row `source` returns (none when it returns none), with `row_values`."""
    quote = connection.ops.quote_name
    fields = insert_fields()
    values = ", ".join(
        ARGS_KWARGS_SQL.format(source=source)
        if field.name == "args_kwargs"
        else f"CAST(%s AS {field.cast_db_type(connection)})"
        for field in fields
    )
    return (
        f"INSERT INTO {quote(DBTaskResult._meta.db_table)} ({', '.join(quote(field.column) for field in fields)})"
        f" SELECT {values} FROM {source}"
    )


@cache
def insert_fields():
    return DBTaskResult._meta.concrete_fields
