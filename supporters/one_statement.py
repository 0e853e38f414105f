"""PostgreSQL's fast path of `record_action`: supporter, action, consent lines and count in one statement.

Why it exists (`bench/petition_signing.py --signatures 500 --rounds 2 --clients 8`, double opt-in
off, the code before and after run one after the other on the same busy machine): through the ORM,
a signature took seven statements (BEGIN, the supporter, the repeat check, the signature, its
consent lines, the count, COMMIT) and signed 53.7/s, 0.20 of the bench's bare-INSERT view, p95
178 ms, where the previous one-statement code signed 127/s, 0.52, p95 80 ms. Each round trip to
PostgreSQL costs more than the work it carries. With this statement and the rest of the path in
plain Django (rate limits, form), it signed 99.9/s, 0.41, p95 91 ms (the previous code: 0.54).

It is the same steps as `actions.record_action`'s ORM path, as data-modifying WITH queries: the
supporter is inserted or found (a no-op update on conflict returns its id and locks it), the
action is inserted unless its unique constraint refuses it (ON CONFLICT DO NOTHING: then no row
comes back and nothing else is written), the consent lines, the count and the task that follows
the action (its confirmation email, supporters/task_rows.py) follow from that row.
Its text is built once per model and number of consent lines, with PostgreSQL's own placeholders
($1, $2, …, which psycopg's `RawCursor` takes as they are), and prepared once per connection (a
psycopg cursor binding on the server; Django's own cursors bind on the client). Through a plain
cursor, psycopg would parse its `%s` placeholders again on every call: it keeps the parse only for
statements of at most 50 parameters, and this one has 53 to 61; that parse cost 0.13 ms a signing.
"""

from functools import cache

import psycopg
from django.db import connection
from django.utils import timezone

from . import task_rows
from .encryption import EncryptedMixin, seal
from .models import ActionCount, ConsentRecord, Supporter


def record(action, supporter, consents, count_key, task_row=None):
    """Store `action` for the `supporter` row (values by attname); returns (supporter id, action id or None).

    `task_row`, the values of a django-tasks-db task's row (supporters.task_rows), is written with the action.
    """
    statement, fields = record_statement(
        type(action), len(consents), count_key is not None, task_row is not None
    )
    params = [*values(supporter, fields["supporter"]), *values(vars(action), fields["action"])]
    label = f"{action._meta.label_lower}:"
    for consent in consents:
        # The statement appends the action's id to its label.
        params += values({**consent, "action": label}, fields["consent"])
    if count_key is not None:
        params.append(count_key)
    if task_row is not None:
        params += task_row
    connection.ensure_connection()
    connection.validate_no_broken_transaction()
    with connection.wrap_database_errors, psycopg.RawCursor(connection.connection) as cursor:
        cursor.execute(statement, params, prepare=True)
        return cursor.fetchone()


# How `values` makes a field's value (`statement_fields`): encrypted, now if unset, or given (else its default).
SEALED, NOW, GIVEN = "sealed", "now", "given"


def values(row, fields):
    """The values of `fields` in `row` ({attname: value}), as psycopg adapts them (as Django would here).

    A field missing, or None where the model fills it in on save, takes its new-row value: now for
    `auto_now(_add)`, else its default. Rows hold only text, numbers, booleans, None, aware
    datetimes and UUIDs; Django's per-field preparation would cost more than the statement. Personal
    fields are encrypted with the key of the row's section, as their `pre_save` would.
    `fields` are `statement_fields`: (field, how its value is made).
    """
    result = []
    for field, making in fields:
        if making is SEALED:
            value = seal(row["site_id"], row.get(field.attname))
        elif making is NOW:
            value = row.get(field.attname) or timezone.now()
        elif field.attname in row:
            value = row[field.attname]
        else:
            value = field.get_default()
        result.append(value)
    return result


def statement_fields(fields):
    """`fields` with how `values` makes each one's value, worked out once per statement."""
    return [
        (
            field,
            SEALED
            if isinstance(field, EncryptedMixin)
            else NOW
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
            else GIVEN,
        )
        for field in fields
    ]


def insert_fields(model):
    return [field for field in model._meta.concrete_fields if not field.primary_key]


@cache
def record_statement(action_model, consent_count, counted, queued):
    """The statement of `record` and, per table, the fields whose values it takes in order."""
    quote = connection.ops.quote_name

    def insert_into(model, fields):
        return f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(field.column) for field in fields)})"

    supporter_fields = insert_fields(Supporter)
    action_columns = insert_fields(action_model)
    consent_columns = insert_fields(ConsentRecord)
    # What the statement takes from each row: all but the supporter, which it finds or inserts.
    action_fields = [field for field in action_columns if field.name != "supporter"]
    consent_fields = [field for field in consent_columns if field.name != "supporter"]

    def consent_value(field):
        if field.name == "supporter":
            return "(SELECT id FROM supporter_row)"
        # Values in a SELECT list need their types spelled out (VALUES take the columns').
        value = f"CAST(%s AS {field.cast_db_type(connection)})"
        return f"{value} || action_row.id" if field.name == "action" else value

    consent_row = "SELECT {} FROM action_row".format(
        ", ".join(consent_value(field) for field in consent_columns)
    )
    count_table = quote(ActionCount._meta.db_table)
    key, count, offset = quote("key"), quote("count"), quote("offset")
    parts = [
        f"""supporter_row AS (
            {insert_into(Supporter, supporter_fields)}
            VALUES ({", ".join(["%s"] * len(supporter_fields))})
            ON CONFLICT (site_id, email_hash) DO UPDATE SET email_hash = excluded.email_hash
            RETURNING id
        )""",
        f"""action_row AS (
            {insert_into(action_model, action_columns)}
            VALUES ({", ".join("(SELECT id FROM supporter_row)" if field.name == "supporter" else "%s" for field in action_columns)})
            ON CONFLICT DO NOTHING
            RETURNING id
        )""",
    ]
    if consent_count:
        parts.append(
            f"""consent_rows AS (
            {insert_into(ConsentRecord, consent_columns)}
            {" UNION ALL ".join([consent_row] * consent_count)}
        )"""
        )
    if counted:
        parts.append(
            f"""counted AS (
            INSERT INTO {count_table} ({key}, {count}, {offset})
            SELECT CAST(%s AS uuid), 1, 0 FROM action_row
            ON CONFLICT ({key}) DO UPDATE SET {count} = {count_table}.{count} + 1
        )"""
        )
    if queued:
        parts.append(f"queued_task AS ({task_rows.insert_select('action_row')})")
    statement = "WITH {} SELECT (SELECT id FROM supporter_row), (SELECT id FROM action_row)".format(
        ",\n".join(parts)
    )
    return numbered(statement), {
        "supporter": statement_fields(supporter_fields),
        "action": statement_fields(action_fields),
        "consent": statement_fields(consent_fields),
    }


def numbered(statement):
    """`statement` with PostgreSQL's placeholders, $1, $2, …, in place of its `%s` in order."""
    parts = statement.split("%s")
    return "".join(f"{part}${number}" for number, part in enumerate(parts[:-1], start=1)) + parts[-1]
