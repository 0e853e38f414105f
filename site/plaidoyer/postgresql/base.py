"""Django's PostgreSQL backend, whose check of a kept connection before each request costs no round trip.

With CONN_HEALTH_CHECKS (settings/base.py), Django checks a connection it kept from an earlier
request before the request's first query, with a `SELECT 1`: after PostgreSQL restarts, the request
reconnects instead of failing on a dead connection. That round trip cost every request 0.11 ms of
the site's CPU (a `SELECT 1` through Django's cursor, timed in process; a whole signing costs 3.6 to
5 ms), and PostgreSQL the work of a query.

A server that ends a connection says so on it: a restart (`pg_ctl stop`, smart or fast) or an
administrator (`pg_terminate_backend`) sends a FATAL error and closes it, and a crashed server's
connections are closed by its operating system. A kept connection, idle and outside a transaction,
otherwise has nothing to read. So this looks at the connection's socket first, without waiting: with
nothing to read it is used as it is; with anything (or closed, or not idle), Django checks it as
always. What neither check sees is a server gone without a word (a host powered off, a cut network):
Django's `SELECT 1` then waits for the socket's timeout too. After a failed query, Django's own check
runs unchanged (`close_if_unusable_or_obsolete`). site/plaidoyer/tests/test_postgresql_backend.py
ends a kept connection from the server's side; tests/test_postgres_restart.py restarts PostgreSQL under
a signing storm (bench/faults.py `pg-restart`).

Remove this backend if Django checks connections without a query one day.
"""

import select

from django.db.backends.postgresql import base
from psycopg.pq import ConnStatus, TransactionStatus


class DatabaseWrapper(base.DatabaseWrapper):
    def close_if_health_check_failed(self):
        if (
            self.connection is not None
            and self.health_check_enabled
            and not self.health_check_done
            and not self.pool
            and quiet(self.connection)
        ):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()


def quiet(connection):
    """True when an idle psycopg connection is open and the server has sent nothing on it since."""
    if connection.closed or connection.info.status != ConnStatus.OK:
        return False
    if connection.info.transaction_status != TransactionStatus.IDLE:
        return False
    readable, _writable, _failed = select.select([connection.fileno()], [], [], 0)
    return not readable
