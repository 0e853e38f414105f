"""Fails `make test` with one clear sentence when no PostgreSQL server answers."""

import os
import sys

import psycopg

URL = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/plaidoyer"


def main():
    try:
        with psycopg.connect(URL, dbname="postgres", connect_timeout=5):
            pass
    except psycopg.OperationalError as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
        sys.exit(
            f"No PostgreSQL server answers at {URL} ({first_line}): start one "
            "(e.g. `pg_ctlcluster 15 main start`) or set DATABASE_URL=postgres://user@host:port/name."
        )


if __name__ == "__main__":
    main()
