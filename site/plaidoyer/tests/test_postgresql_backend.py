"""A connection kept from an earlier request is checked without a query, and replaced once the server ended it."""

import psycopg
import pytest
from django.db import connection

from plaidoyer.postgresql.base import DatabaseWrapper, quiet

pytestmark = pytest.mark.django_db(transaction=True)


def backend_pid():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def next_request():
    """What Django does between two requests (request_finished, request_started), then a query."""
    connection.close_if_unusable_or_obsolete()
    return backend_pid()


def terminate(pid):
    """An administrator ends that connection's backend (as a restart ends them all), and waits until it is gone."""
    settings = connection.settings_dict
    with psycopg.connect(
        host=settings["HOST"], port=settings["PORT"], user=settings["USER"], dbname=settings["NAME"]
    ) as other:
        assert other.execute("SELECT pg_terminate_backend(%s, 5000)", [pid]).fetchone()[0]


def test_a_kept_connection_is_used_again_and_one_the_server_ended_is_replaced(monkeypatch):
    asked = []  # Django's own check: a `SELECT 1` round trip
    is_usable = DatabaseWrapper.is_usable
    monkeypatch.setattr(DatabaseWrapper, "is_usable", lambda self: asked.append(1) or is_usable(self))
    connection.close()  # a connection of this test's own, well inside its minute (CONN_MAX_AGE)
    first = backend_pid()
    assert connection.health_check_enabled
    assert quiet(connection.connection)
    assert next_request() == first  # kept: nothing to read on it, so nothing asked
    assert not asked

    terminate(first)
    assert not quiet(connection.connection)  # the server's goodbye is waiting on the socket
    replaced = next_request()
    assert replaced != first
    assert asked  # checked as Django does, failed, and replaced
    assert next_request() == replaced
