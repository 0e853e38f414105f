"""`make run` itself: `serve_demo` starts localstripe, says how to pay, and its sections take card gifts."""

import io
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.core.management import call_command

from donations.local_stripe import TEST_CARD, free_port

ROOT = Path(__file__).resolve().parents[2]


def read_until(log, text, timeout):
    """The server's output once it holds `text` (the server is slow to boot on a busy host)."""
    deadline = time.monotonic() + timeout
    while text not in log.read_text() and time.monotonic() < deadline:
        time.sleep(0.5)
    return log.read_text()


def wait_for_page(url, host, timeout):
    deadline = time.monotonic() + timeout
    while True:
        try:
            return requests.get(url, headers={"Host": host}, timeout=120)  # the first page renders slowly
        except requests.ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


@pytest.fixture
def demo_database(transactional_db):
    """`load_demo`'s content committed to the test database, for the server in another process (the
    database is flushed after the test)."""
    port = free_port()
    call_command("load_demo", stdout=io.StringIO(), port=port)
    return port


def test_make_run_starts_localstripe_says_how_to_pay_and_shows_the_card_form(demo_database, tmp_path):
    port = demo_database
    database = settings.DATABASES["default"]
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "plaidoyer.settings.dev",  # what `make run` serves with
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "PYTHONUNBUFFERED": "1",
        # The demo's personal data was encrypted here with the test settings' keys: the server opens it with them.
        **{name: key for name, key in settings.SECTION_SECRETS.items() if name.startswith("PERSONAL_DATA_")},
    }
    # Its own session: runserver's autoreloader starts a child, and the whole group is stopped at the end.
    server = subprocess.Popen(
        [sys.executable, "manage.py", "serve_demo", "--port", str(port)],
        cwd=ROOT,
        env=environment,
        stdout=(tmp_path / "serve_demo.log").open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        output = read_until(tmp_path / "serve_demo.log", "Donations go to localstripe", timeout=180)
        assert f"pay with the test card {TEST_CARD}" in output, output

        # The French section's donation page offers the card form (not "donations are unavailable"),
        # whose script loads localstripe's Stripe.js from loopback.
        page = wait_for_page(f"http://127.0.0.1:{port}/fr/faire-un-don/", f"fr.localhost:{port}", timeout=180)
        assert page.status_code == 200, (tmp_path / "serve_demo.log").read_text()
        assert 'id="card-element"' in page.text
        assert re.search(r'data-stripe-js="http://127\.0\.0\.1:\d+/js\.stripe\.com/v3/"', page.text)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
