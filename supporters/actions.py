"""Recording a supporter's action: the supporter, the action, its consent lines and its count, at once.

On PostgreSQL this is one statement of data-modifying WITH queries: one round trip, atomic without
a transaction of its own, and its text built once per kind of action. Other databases (SQLite for
`make run`) take the same steps one by one in a transaction.
"""

from functools import cache

import psycopg
from django.db import connection, transaction

from . import sql
from .models import ActionCount, ConsentRecord, Supporter


def record_action(action_model, supporter, action, consents, *, label, count_key=None):
    """Store an action unless its supporter already did it; returns (supporter id, action id or None).

    Each row is a dict of field values by attname (`site_id`, not `site`); a field left out takes
    its default (now, for `auto_now_add`):
    - `supporter` (see `Supporter.row_for_email`) is created, or found by section and canonical email;
    - `action`, a row of `action_model` (a SupporterAction) without its supporter, is stored for that
      supporter; when the action's unique constraint refuses it (this supporter already did this
      action), nothing else is written and its id is None;
    - `consents` (see `ConsentRecord.asked`) are stored for the supporter and the action `f"{label}:{id}"`;
    - the count `count_key`, if given, goes up by one (its row is created if missing).
    """
    if connection.vendor != "postgresql":
        return record_action_in_steps(
            action_model, supporter, action, consents, label=label, count_key=count_key
        )
    statement, fields = record_statement(action_model, len(consents), count_key is not None)
    params = [*sql.row_values(supporter, fields["supporter"]), *sql.row_values(action, fields["action"])]
    for consent in consents:
        # The statement appends the action's id to its label.
        params += sql.row_values({**consent, "action": f"{label}:"}, fields["consent"])
    if count_key is not None:
        params.append(count_key)
    connection.ensure_connection()
    connection.validate_no_broken_transaction()
    # A cursor binding on the server, so the statement is prepared once per database connection:
    # PostgreSQL then plans it once, not on every signature. (Django's cursors bind on the client.)
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(statement, params, prepare=True)
        supporter_id, action_id = cursor.fetchone()
    return supporter_id, action_id


def record_action_in_steps(action_model, supporter, action, consents, *, label, count_key=None):
    """`record_action` as a transaction of several statements, for databases without data-modifying WITH."""
    with transaction.atomic():
        supporter_id = Supporter(**supporter).find_or_insert()
        action = action_model(**action, supporter_id=supporter_id)
        if not sql.insert(action, on_conflict="ON CONFLICT DO NOTHING"):
            return supporter_id, None
        consents = [
            ConsentRecord(**consent, supporter_id=supporter_id, action=f"{label}:{action.pk}")
            for consent in consents
        ]
        if consents:
            sql.insert(*consents)
        if count_key is not None:
            ActionCount.increment(count_key)
    return supporter_id, action.pk


@cache
def record_statement(action_model, consent_count, counted):
    """The statement of `record_action` and, per table, the fields whose values it takes in order."""
    quote = connection.ops.quote_name

    def insert_into(model, fields):
        return f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(field.column) for field in fields)})"

    supporter_fields = sql.insert_fields(Supporter)
    action_columns = sql.insert_fields(action_model)
    consent_columns = sql.insert_fields(ConsentRecord)
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
            {Supporter.FIND_OR_INSERT}
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
    statement = "WITH {} SELECT (SELECT id FROM supporter_row), (SELECT id FROM action_row)".format(
        ",\n".join(parts)
    )
    return statement, {"supporter": supporter_fields, "action": action_fields, "consent": consent_fields}
