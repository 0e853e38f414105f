"""INSERT statements for the hot path of supporters' actions, written once per model and reused.

Signing a petition writes a supporter, the signature and its consent lines. Through the ORM each
INSERT is compiled again on every request, which costs more than PostgreSQL takes to run it;
here the statement text is built once per model. An instance's values go through its fields' own
`pre_save` and `get_db_prep_save`, as `Model.save` does (`values`, `insert`: any database); a row
given as a dict goes to psycopg as it is (`row_values`: PostgreSQL's one-statement actions).
`ON CONFLICT ... RETURNING` is PostgreSQL's and SQLite's (3.35+) alike.
"""

from functools import cache

from django.db import connection
from django.utils import timezone


def insert_fields(model):
    """The fields an INSERT of `model` writes: all its columns but the generated primary key."""
    return [field for field in model._meta.concrete_fields if not field.primary_key]


def values(instance, fields):
    """The database values of `fields` for inserting `instance`, as `Model.save` computes them."""
    return [field.get_db_prep_save(field.pre_save(instance, add=True), connection) for field in fields]


def row_values(row, fields):
    """The values of `fields` for a new row given as {attname: value}, for psycopg to adapt as they are.

    A field missing from `row` takes its default (now, for `auto_now_add`). Nothing goes through
    Django's per-field preparation, which on the busiest path cost more than the statement itself:
    a row holds only text, numbers, booleans, None, aware datetimes and UUIDs, which psycopg
    adapts on PostgreSQL as Django would. (`values` prepares an instance's fields for any database.)
    """
    return [row[field.attname] if field.attname in row else new_value(field) for field in fields]


def new_value(field):
    """A new row's value of a field it was not given: now for `auto_now(_add)`, else its default."""
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return timezone.now()
    return field.get_default()


@cache
def insert_statement(model, rows, on_conflict):
    """The INSERT for `rows` rows of `model`, returning their primary keys; and its fields."""
    quote = connection.ops.quote_name
    fields = insert_fields(model)
    row = "({})".format(", ".join(["%s"] * len(fields)))
    sql = "INSERT INTO {table} ({columns}) VALUES {rows} {on_conflict} RETURNING {pk}".format(
        table=quote(model._meta.db_table),
        columns=", ".join(quote(field.column) for field in fields),
        rows=", ".join([row] * rows),
        on_conflict=on_conflict,
        pk=quote(model._meta.pk.column),
    )
    return sql, fields


def insert(*instances, on_conflict=""):
    """INSERT the instances (all of one model) in one statement; returns the new primary keys.

    With `on_conflict` (e.g. "ON CONFLICT DO NOTHING") a row the database skipped returns no key,
    so the result can be shorter than `instances`; the instances that got a key are marked saved.
    """
    model = type(instances[0])
    sql, fields = insert_statement(model, len(instances), on_conflict)
    params = [value for instance in instances for value in values(instance, fields)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        keys = [row[0] for row in cursor.fetchall()]
    if len(keys) == len(instances):
        for instance, key in zip(instances, keys, strict=True):
            instance.pk = key
            instance._state.adding = False
    return keys
