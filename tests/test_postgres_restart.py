"""PostgreSQL restarts, then a web worker is killed, in the middle of a signing storm: what clients were told
is what the database holds, and no action is half-written.

A short run of bench/faults.py's `pg-restart` and `worker-kill` faults: gunicorn serves the site on a
PostgreSQL cluster and a Redis of the run's own (their own directories and ports), 4 clients sign and
write letters; PostgreSQL is stopped (`pg_ctl stop -m fast`, which drops the connections of requests
midway) for 2 s, then started again; then one gunicorn worker is killed (SIGKILL). A signer who gets the
"try again" page, or no answer, sends the form again; so does a donor, with the same attempt key. Donors
give by card at a localstripe of the run's own, which replays idempotency keys as Stripe does and delivers
its payment events to the site. The run's database is a copy of the test database (pg_dump), so nothing
is migrated twice.
"""

import os
import re
import socket
import subprocess
import sys
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def figures(output, fault, name):
    """The figures of the line `name: sent …` under `== fault` in the bench's output, by their words."""
    section = output.split(f"== {fault}\n", 1)[1].split("\n==", 1)[0]
    line = re.search(rf"^{name}: (.*)$", section, re.M).group(1)
    return {words.strip(): int(number) for words, number in re.findall(r"([a-z0-9 ]+?) (\d+)(?:,|$)", line)}


def test_postgres_restarting_or_a_worker_killed_mid_storm_loses_doubles_and_half_writes_nothing(
    db,
):
    database = connection.settings_dict  # the test database (pytest-django names it)
    source = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    command = [
        sys.executable,
        str(ROOT / "bench/faults.py"),
        *("--faults", "pg-restart,worker-kill", "--clients", "4", "--solutions", "400"),
        *("--before", "2", "--during", "2", "--after", "3"),
        *("--port", str(free_port()), "--redis-port", str(free_port()), "--pg-port", str(free_port())),
        *("--stripe-port", str(free_port()), "--smtp-port", str(free_port())),
        *("--relay-ports", f"{free_port()},{free_port()}"),
        *("--database-from", source),
    ]
    run = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)
    output = run.stdout
    assert run.returncode == 0, output + run.stderr[-3000:]
    print(output)

    signatures = figures(output, "pg-restart", "signatures")
    assert signatures["acknowledged"] > 0
    # The restart was felt, and each visitor it reached was asked, readably, to try again.
    assert signatures["failed with a readable page"] > 0
    assert (signatures["other 5xx"], signatures["no answer"]) == (0, 0)
    assert (signatures["lost"], signatures["doubled"]) == (0, 0)
    letters = figures(output, "pg-restart", "letters")
    assert (letters["other 5xx"], letters["no answer"], letters["lost"], letters["doubled"]) == (0, 0, 0, 0)
    donations = figures(output, "pg-restart", "donations")
    assert donations["acknowledged"] > 0
    assert (donations["other 5xx"], donations["no answer"], donations["lost"], donations["doubled"]) == (
        0,
        0,
        0,
        0,
    )
    # Every donor was charged once, for a donation stored once and settled once by its webhook.
    for fault in ("pg-restart", "worker-kill"):
        section = output.split(f"== {fault}\n", 1)[1].split("\n==", 1)[0]
        assert re.search(
            r"^donations at localstripe: PaymentIntents per attempt key at most 1, charged (\d+), donors charged "
            r"twice 0, charged without a stored donation 0; .*after redelivery \1 \(unsettled 0\), settled twice 0;",
            section,
            re.M,
        ), section
    # A killed worker's request gets no answer (its visitor sends the form again): nothing else fails.
    for action in ("signatures", "letters", "donations"):
        killed = figures(output, "worker-kill", action)
        assert (killed["other 5xx"], killed["lost"], killed["doubled"]) == (0, 0, 0)
    assert figures(output, "worker-kill", "signatures")["acknowledged"] > 0
    assert re.search(r"signature rows (\d+), confirmed \1, count shown \1: EXACT", output)
    assert "signatures without their consent lines 0, consent lines without their signature 0" in output
    assert re.search(r"a signature acknowledged \d+\.\d+ s", output)
