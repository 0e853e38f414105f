"""Fault bench: Redis stops (or hangs) while concurrent clients sign a petition and read pages; what they were told vs what is stored.

    .venv/bin/python bench/faults.py [--clients 8] [--workers 2] [--before 3] [--during 6] [--after 6]
                                     [--faults redis-stop,redis-hang] [--port 8731] [--redis-port 6731]

It creates a fresh database (plaidoyer_bench_faults on the local PostgreSQL server, or
BENCH_DATABASE_URL), loads the sections and one petition, starts a redis-server of its own (its own port
and directory, so it can stop it without touching the machine's Redis), serves the site with gunicorn
(bench/settings.py: production settings on plain HTTP) and, per fault:
  - `--clients` threads sign the petition (each POST a new address with its own proof of work) and a
    monitor GETs the petition page and /health/ every 0.1 s, for `--before` seconds, then with the
    fault for `--during` seconds, then `--after` seconds with Redis back;
  - `redis-stop`: redis-server is terminated, then started again (empty, as a crashed cache comes back);
    `redis-hang`: it is frozen (SIGSTOP: connections are accepted, nothing answers), then thawed.
Then it compares what clients were told with the database: every acknowledged signature (303) stored
exactly once, the count shown equal to the rows. It prints, per fault: requests sent, acknowledged,
failed with a readable page (4xx), 5xx, lost, doubled, latencies per phase, and the time to recover
(from Redis's return to the first page served from the page cache again, and to /health/ ok).
"""

import argparse
import collections
import http.client
import os
import re
import shutil
import signal
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.serving import create_database, environment, start_gunicorn, stop_gunicorn, wait_for_port  # noqa: E402

HOST = "fr.localhost:8000"


def parse_args():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--before", type=float, default=3, help="seconds of load before the fault")
    parser.add_argument("--during", type=float, default=6, help="seconds of load with the fault")
    parser.add_argument("--after", type=float, default=6, help="seconds of load once Redis is back")
    parser.add_argument("--faults", default="redis-stop,redis-hang")
    parser.add_argument("--port", type=int, default=8731)
    parser.add_argument("--redis-port", type=int, default=6731)
    parser.add_argument("--solutions", type=int, default=4000, help="proofs of work solved ahead, per fault")
    return parser.parse_args()


class RedisServer:
    """A redis-server of the bench's own, which it stops, starts, freezes and thaws."""

    def __init__(self, port):
        self.port = port
        self.directory = tempfile.mkdtemp(prefix="bench-faults-redis-")
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server") or "/usr/bin/redis-server",
                "--port",
                str(self.port),
                "--dir",
                self.directory,
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        wait_for_port(self.port, timeout=10)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)

    def freeze(self):
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self):
        self.process.send_signal(signal.SIGCONT)

    def close(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)


class FakeSMTP(socketserver.StreamRequestHandler):
    """A mail server that greets and says goodbye: what /health/'s mail check needs (no mail is sent here)."""

    def handle(self):
        self.wfile.write(b"220 bench ESMTP\r\n")
        for line in self.rfile:
            quit_ = line.upper().startswith(b"QUIT")
            self.wfile.write(b"221 bye\r\n" if quit_ else b"250 ok\r\n")
            if quit_:
                return


def start_fake_smtp():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), FakeSMTP)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


FAULTS = {
    "redis-stop": (RedisServer.stop, RedisServer.start),
    "redis-hang": (RedisServer.freeze, RedisServer.thaw),
}


def prepare():
    """Migrate, load the sections and one petition (no double opt-in: every signature counted at once)."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from petitions.models import PetitionPage
    from sections.demo import create_sections

    call_command("migrate", verbosity=0)
    sections = create_sections()
    settings = sections["fr"].settings
    settings.double_opt_in = False
    settings.save()
    petition = PetitionPage(
        title="Liberté pour les dissident·e·s bélarussiens",
        slug="bench",
        addressee_name="Autorités du Bélarus",
        demand="Libérez toutes les personnes détenues pour leurs seules convictions politiques.",
        goal=100000,
    )
    sections["fr"].home.add_child(instance=petition)
    petition.save_revision().publish()
    connection.close()
    return petition.get_url_parts()[2], petition.translation_key, settings


def request(port, method, path, body=None, headers=None, timeout=30):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers={"Host": HOST, **(headers or {})})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def solutions(section, count):
    """Proofs of work for `count` POSTs, made and solved here with the server's key (not timed)."""
    from supporters.proof_of_work import new_challenge, solved

    return [solved(new_challenge(section)) for _ in range(count)]


class Run:
    """One fault: clients signing, a monitor polling, phases marked by time."""

    def __init__(self, port, path, first_number, payloads):
        self.port, self.path = port, path
        status, _headers, body = request(port, "GET", path)
        assert status == 200, status
        self.version = re.search(rb'name="consent_version" value="([^"]+)"', body).group(1).decode()
        self.action = (
            re.search(rb'<form class="petition-form" method="post" action="([^"]+)"', body).group(1).decode()
        )
        self.numbers = iter(range(first_number, first_number + len(payloads)))
        self.payloads = iter(payloads)
        self.first_number = first_number
        self.lock = threading.Lock()
        self.posts = []  # (started, seconds, number, status, readable)
        self.polls = []  # (started, path, status, page cache header)
        self.stop = threading.Event()

    def sign(self):
        while not self.stop.is_set():
            with self.lock:
                number, payload = next(self.numbers, None), next(self.payloads, None)
            if payload is None:
                return
            body = urlencode(
                {
                    "first_name": "Bench",
                    "last_name": f"Signer {number}",
                    "email": f"signer{number}@example.org",
                    "country": "France",
                    "postal_code": "75019",
                    "consent": "on",
                    "consent_version": self.version,
                    "captcha": payload,
                }
            )
            headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"http://{HOST}{self.path}",
            }
            started = time.monotonic()
            try:
                status, _headers, content = request(self.port, "POST", self.action, body, headers)
                readable = b"<html" in content.lower() or b"<!doctype html" in content.lower()
            except OSError:
                status, readable = 0, False  # no answer at all
            with self.lock:
                self.posts.append((started, time.monotonic() - started, number, status, readable))

    def monitor(self):
        while not self.stop.is_set():
            for path in (self.path, "/health/"):
                started = time.monotonic()
                try:
                    status, headers, _content = request(self.port, "GET", path, timeout=30)
                except OSError:
                    status, headers = 0, {}
                with self.lock:
                    self.polls.append((started, path, status, headers.get("X-Page-Cache", "")))
            time.sleep(0.1)


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))] * 1000 if ordered else float("nan")


def stored_signatures(key, numbers):
    """{number: rows} for the signatures of `numbers` (the number is in the signer's last name)."""
    from petitions.models import Signature

    rows = collections.Counter()
    for signature in Signature.objects.filter(petition_key=key).select_related("supporter"):
        match = re.fullmatch(r"Signer (\d+)", signature.supporter.last_name)
        if match and int(match.group(1)) in numbers:
            rows[int(match.group(1))] += 1
    return rows


def report(name, run, marks, key):
    from django.db import connection

    fault_at, back_at = marks
    posts = run.posts
    acknowledged = {number for _s, _d, number, status, _r in posts if status == 303}
    sent_numbers = {number for _s, _d, number, _st, _r in posts}
    readable = sum(1 for _s, _d, _n, status, is_html in posts if 400 <= status < 500 and is_html)
    server_errors = sum(1 for _s, _d, _n, status, _r in posts if status >= 500 or status == 0)
    rows = stored_signatures(key, sent_numbers)
    lost = sum(1 for number in acknowledged if rows[number] == 0)
    doubled = sum(1 for number in sent_numbers if rows[number] > 1)
    unacknowledged_stored = sum(1 for number in sent_numbers - acknowledged if rows[number])
    gets = [poll for poll in run.polls if poll[1] == run.path]
    get_5xx = sum(1 for poll in gets if poll[2] >= 500 or poll[2] == 0)
    hit_again = next((poll[0] for poll in gets if poll[0] >= back_at and poll[3] == "hit"), None)
    health_down = any(
        poll[2] == 500 for poll in run.polls if poll[1] == "/health/" and fault_at <= poll[0] < back_at
    )
    health_ok = next(
        (poll[0] for poll in run.polls if poll[1] == "/health/" and poll[0] >= back_at and poll[2] == 200),
        None,
    )
    phases = {
        "before": [d for s, d, *_ in posts if s < fault_at],
        "during": [d for s, d, *_ in posts if fault_at <= s < back_at],
        "after": [d for s, d, *_ in posts if s >= back_at],
    }
    print(f"== {name}")
    print(
        f"signing POSTs: sent {len(posts)}, acknowledged {len(acknowledged)}, failed with a readable page {readable}, "
        f"5xx or no answer {server_errors}, lost {lost}, doubled {doubled}, stored without acknowledgement "
        f"{unacknowledged_stored}"
    )
    print(
        "latency per phase: "
        + ", ".join(
            f"{phase} {len(values)} POSTs p50 {percentile(values, 0.5):.0f} ms p95 {percentile(values, 0.95):.0f} ms"
            for phase, values in phases.items()
        )
    )
    print(
        f"page GETs: {len(gets)}, 5xx or no answer {get_5xx}; /health/ said unhealthy during the fault: "
        f"{'yes' if health_down else 'no'}"
    )
    recovered = f"{hit_again - back_at:.2f} s" if hit_again else "never"
    health = f"{health_ok - back_at:.2f} s" if health_ok else "never"
    print(f"time to recover: page cache hit again {recovered} after Redis's return, /health/ ok {health}")
    connection.close()
    return server_errors + get_5xx + lost + doubled == 0 and hit_again is not None


def main():
    args = parse_args()
    database_url = os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/plaidoyer_bench_faults"
    )
    redis_url = f"redis://127.0.0.1:{args.redis_port}/0"
    smtp = start_fake_smtp()
    env = environment(database_url, redis_url, EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(smtp.server_address[1]))
    os.environ.update(env)
    sys.path[:0] = [str(ROOT / "site"), str(ROOT)]
    redis_server = RedisServer(args.redis_port)
    redis_server.start()
    create_database(database_url)
    path, key, section = prepare()
    gunicorn = start_gunicorn(env, args.port, args.workers)
    good = True
    try:
        wait_for_port(args.port)
        for _ in range(10):  # warm every worker
            request(args.port, "GET", path)
        print(
            f"{args.clients} signing clients and 1 monitor, gunicorn {args.workers} sync workers, Redis on port "
            f"{args.redis_port} (its own), PostgreSQL {database_url.rsplit('/', 1)[1]}; phases {args.before:g} s "
            f"before, {args.during:g} s with the fault, {args.after:g} s after"
        )
        for index, name in enumerate(args.faults.split(",")):
            inject, repair = FAULTS[name]
            run = Run(args.port, path, index * args.solutions, solutions(section, args.solutions))
            threads = [threading.Thread(target=run.sign) for _ in range(args.clients)]
            threads.append(threading.Thread(target=run.monitor))
            for thread in threads:
                thread.start()
            time.sleep(args.before)
            fault_at = time.monotonic()
            inject(redis_server)
            time.sleep(args.during)
            repair(redis_server)
            back_at = time.monotonic()
            time.sleep(args.after)
            run.stop.set()
            for thread in threads:
                thread.join()
            good &= report(name, run, (fault_at, back_at), key)
    finally:
        stop_gunicorn(gunicorn)
        redis_server.close()

    from django.db import connection

    from petitions.models import Signature
    from supporters.models import ActionCount

    rows = Signature.objects.filter(petition_key=key).count()
    shown = ActionCount.total_for(key)
    print(f"all faults: signature rows {rows}, count shown {shown}: {'EXACT' if rows == shown else 'WRONG'}")
    connection.close()
    return 0 if good and rows == shown else 1


if __name__ == "__main__":
    sys.exit(main())
