"""What the benchmarks that serve the site share: their environment, a fresh database, gunicorn."""

import contextlib
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def environment(database_url, redis_url=None, **extra):
    """The environment of the bench process and of its gunicorn: bench/settings.py on `database_url`."""
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DATABASE_URL": database_url,
            "SECRET_KEY": "bench-only-secret-key",
            "ALLOWED_HOSTS": ".localhost,127.0.0.1",
            "ADMIN_HOST": "admin.localhost",
            "ALTCHA_HMAC_KEY": "bench-only-altcha-key",
            "REDIS_URL": redis_url or env.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15"),
            # The caller's own PYTHONPATH comes after (e.g. packages not yet in the virtualenv).
            "PYTHONPATH": ":".join(
                filter(None, [str(ROOT / "site"), str(ROOT), os.environ.get("PYTHONPATH")])
            ),
            # The bench serves no static files: WhiteNoise need not warn, once per worker, that none were collected.
            "PYTHONWARNINGS": "ignore:No directory at:UserWarning",
        }
    )
    env.update(extra)
    return env


def create_database(database_url):
    import psycopg

    name = database_url.rsplit("/", 1)[1]
    with psycopg.connect(database_url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def wait_for_port(port, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def start_gunicorn(env, port, workers):
    return subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "plaidoyer.wsgi:application",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--backlog",
            "2048",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )


def stop_gunicorn(process):
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)


@contextlib.contextmanager
def gunicorn(env, port, workers):
    """gunicorn serving the site with `env` on 127.0.0.1:`port`, stopped on leaving the block."""
    process = start_gunicorn(env, port, workers)
    try:
        wait_for_port(port)
        yield process
    finally:
        stop_gunicorn(process)
