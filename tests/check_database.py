"""Fails `make test` with one clear sentence when no PostgreSQL server answers; creates the database if missing.

The suite runs in its own test database; the named one must exist only for `manage.py check`
and `makemigrations --check`, which CI runs after the suite.
"""

import os
import sys

import psycopg
from psycopg import sql

URL = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/plaidoyer"


def main():
    name = psycopg.conninfo.conninfo_to_dict(URL).get("dbname", "plaidoyer")
    try:
        with psycopg.connect(URL, dbname="postgres", connect_timeout=5, autocommit=True) as connection:
            exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if not exists:
                connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.OperationalError as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
        sys.exit(
            f"No PostgreSQL server answers at {URL} ({first_line}): start one "
            "(e.g. `pg_ctlcluster 15 main start`) or set DATABASE_URL=postgres://user@host:port/name."
        )


if __name__ == "__main__":
    main()
