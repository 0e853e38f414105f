"""Fault bench: Redis stops (or hangs) while concurrent clients sign, write letters and read pages; told vs stored.

    .venv/bin/python bench/faults.py [--clients 8] [--workers 2] [--before 3] [--during 6] [--after 6]
                                     [--faults redis-stop,redis-hang] [--port 8731] [--redis-port 6731]

It creates a fresh database (plaidoyer_bench_faults on the local PostgreSQL server, or
BENCH_DATABASE_URL), loads the sections and one petition, starts a redis-server of its own (its own port
and directory, so it can stop it without touching the machine's Redis), serves the site with gunicorn
(bench/settings.py: production settings on plain HTTP) and, per fault:
  - `--clients` threads sign the petition (each POST a new address with its own proof of work) or, one
    in four, write a letter, and a monitor GETs the petition page and /health/ every 0.1 s, for `--before` seconds, then with the
    fault for `--during` seconds, then `--after` seconds with Redis back;
  - `redis-stop`: redis-server is terminated, then started again (empty, as a crashed cache comes back);
    `redis-hang`: it is frozen (SIGSTOP: connections are accepted, nothing answers), then thawed.
Then it compares what clients were told with the database: every acknowledged signature (303) stored
and letter (200 with its PDF) stored exactly once, the count shown equal to the signature rows. It
prints, per fault and per action: requests sent, acknowledged,
failed with a readable page (4xx), 5xx, lost, doubled, latencies per phase, and the time to recover
(from Redis's return to the first page served from the page cache again, and to /health/ ok).
"""

import argparse
import collections
import os
import re
import shutil
import socketserver
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import serving  # noqa: E402
from bench.serving import (  # noqa: E402
    HOST,
    create_database,
    environment,
    petition_form,
    request,
    signature_body,
    start_gunicorn,
    stop_gunicorn,
    wait_for_port,
)


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


class RedisServer(serving.RedisServer):
    """The bench's own redis-server, in a directory of its own removed at the end."""

    def __init__(self, port):
        super().__init__(port, tempfile.mkdtemp(prefix="bench-faults-redis-"))

    def close(self):
        super().close()
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

    from petitions.letters.models import LetterActionPage
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
    action = LetterActionPage(
        title="Écrivez pour Maryia Kalesnikava",
        slug="ecrire",
        addressee_title="Ministre des Affaires étrangères",
        addressee_address="Ministère des Affaires étrangères\nrue Lénine 19\n220030 Minsk",
        addressee_country="République de Biélorussie",
        salutation="Monsieur le Ministre,",
        letter_body="Je vous écris au sujet de Maryia Kalesnikava, condamnée à onze ans de prison.",
        closing="Veuillez agréer, Monsieur le Ministre, mes salutations distinguées.",
        goal=100000,
    )
    sections["fr"].home.add_child(instance=action)
    action.save_revision().publish()
    connection.close()
    return petition.get_url_parts()[2], petition.translation_key, action.get_url_parts()[2], settings


def solutions(section, count):
    """Proofs of work for `count` POSTs, made and solved here with the server's key (not timed)."""
    from supporters.proof_of_work import new_challenge, solved

    return [solved(new_challenge(section)) for _ in range(count)]


class Run:
    """One fault: clients signing, a monitor polling, phases marked by time."""

    def __init__(self, port, path, letters_path, first_number, payloads):
        self.port, self.path, self.letters_path = port, path, letters_path
        status, _headers, body = request(port, "GET", path)
        assert status == 200, status
        self.version, self.action = petition_form(body)
        self.numbers = iter(range(first_number, first_number + len(payloads)))
        self.payloads = iter(payloads)
        self.first_number = first_number
        self.lock = threading.Lock()
        self.posts = []  # (started, seconds, number, status, readable) of signatures
        self.letters = []  # the same for letters
        self.refusals = collections.Counter()  # (status, first error) of letters refused
        self.polls = []  # (started, path, status, page cache header)
        self.stop = threading.Event()

    def sign(self):
        while not self.stop.is_set():
            with self.lock:
                number, payload = next(self.numbers, None), next(self.payloads, None)
            if payload is None:
                return
            body = signature_body(number, self.version, payload)
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

    def write(self):
        """Letters. Each is meant to come from its own address (X-Forwarded-For, one trusted proxy), but under
        gunicorn they all still count as 127.0.0.1 (cause not found yet): past 30 an hour (letters'
        per-address limit) they get the readable 429 page, more of them while Redis is down (each process
        counts on its own then)."""
        while not self.stop.is_set():
            with self.lock:
                number, payload = next(self.numbers, None), next(self.payloads, None)
            if payload is None:
                return
            body = urlencode(
                {
                    "first_name": "Bench",
                    "last_name": f"Writer {as_letters(number)}",
                    "town": "Lyon",
                    "country": "France",
                    "language": "fr",
                    "email": "",
                    "consent": "on",
                    "captcha": payload,
                }
            )
            headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"http://{HOST}{self.letters_path}",
                "X-Forwarded-For": f"10.{number // 65536 % 256}.{number // 256 % 256}.{number % 256}",
            }
            started = time.monotonic()
            try:
                status, _headers, content = request(
                    self.port, "POST", self.letters_path + "letter/", body, headers
                )
                readable = b"<html" in content.lower() or b"<!doctype html" in content.lower()
                if status == 200 and b"data:application/pdf" not in content:
                    status = 400  # the form again, with an error: not a letter
                if status != 200:
                    error = re.search(rb'class="errorlist[^"]*"[^>]*>\s*<li>([^<]*)', content)
                    with self.lock:
                        self.refusals[(status, error.group(1).decode()[:90] if error else "")] += 1
            except OSError:
                status, readable = 0, False
            with self.lock:
                self.letters.append((started, time.monotonic() - started, number, status, readable))

    def monitor(self):
        while not self.stop.is_set():
            for path in (self.path, "/health/"):
                started = time.monotonic()
                try:
                    status, headers, _content = request(self.port, "GET", path, timeout=30)
                except OSError:
                    status, headers = 0, []
                with self.lock:
                    self.polls.append((started, path, status, dict(headers).get("X-Page-Cache", "")))
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


def as_letters(number):
    """A number written with letters only (a letter's names take no digits): 0 is "a", 26 is "ba"."""
    text = ""
    while True:
        number, digit = divmod(number, 26)
        text = chr(ord("a") + digit) + text
        if not number:
            return text


def from_letters(text):
    number = 0
    for char in text:
        number = number * 26 + ord(char) - ord("a")
    return number


def stored_letters(numbers):
    from petitions.letters.models import Letter

    rows = collections.Counter()
    for letter in Letter.objects.all():
        match = re.fullmatch(r"Writer ([a-z]+)", letter.last_name)
        if match and from_letters(match.group(1)) in numbers:
            rows[from_letters(match.group(1))] += 1
    return rows


def tally(name, posts, acknowledged_status, rows):
    """Prints what the clients were told against the rows; True when nothing was lost, doubled or a 5xx."""
    acknowledged = {number for _s, _d, number, status, _r in posts if status == acknowledged_status}
    sent_numbers = {number for _s, _d, number, _st, _r in posts}
    readable = sum(1 for _s, _d, _n, status, is_html in posts if 400 <= status < 500 and is_html)
    server_errors = sum(1 for _s, _d, _n, status, _r in posts if status >= 500 or status == 0)
    lost = sum(1 for number in acknowledged if rows[number] == 0)
    doubled = sum(1 for number in sent_numbers if rows[number] > 1)
    unacknowledged_stored = sum(1 for number in sent_numbers - acknowledged if rows[number])
    print(
        f"{name}: sent {len(posts)}, acknowledged {len(acknowledged)}, failed with a readable page {readable}, "
        f"5xx or no answer {server_errors}, lost {lost}, doubled {doubled}, stored without acknowledgement "
        f"{unacknowledged_stored}"
    )
    return server_errors + lost + doubled == 0


def report(name, run, marks, key):
    from django.db import connection

    fault_at, back_at = marks
    posts = run.posts
    print(f"== {name}")
    good = tally("signatures", posts, 303, stored_signatures(key, {post[2] for post in posts}))
    good &= tally("letters", run.letters, 200, stored_letters({letter[2] for letter in run.letters}))
    for (status, error), count in run.refusals.most_common(3):
        print(f"  letters refused: {count} x {status} {error}")
    gets = [poll for poll in run.polls if poll[1] == run.path]
    get_5xx = sum(1 for poll in gets if poll[2] >= 500 or poll[2] == 0)
    hit_again = next((poll[0] for poll in gets if poll[0] >= back_at and poll[3] == "hit"), None)
    health_down = any(
        poll[2] == 503 for poll in run.polls if poll[1] == "/health/" and fault_at <= poll[0] < back_at
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
    print(
        "signing latency per phase: "
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
    return good and get_5xx == 0 and hit_again is not None


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
    path, key, letters_path, section = prepare()
    gunicorn = start_gunicorn(env, args.port, args.workers)
    good = True
    try:
        wait_for_port(args.port)
        for _ in range(10):  # warm every worker
            request(args.port, "GET", path)
        print(
            f"{args.clients} clients (3 in 4 sign, 1 in 4 writes letters) and 1 monitor, gunicorn {args.workers} sync workers, Redis on port "
            f"{args.redis_port} (its own), PostgreSQL {database_url.rsplit('/', 1)[1]}; phases {args.before:g} s "
            f"before, {args.during:g} s with the fault, {args.after:g} s after"
        )
        for index, name in enumerate(args.faults.split(",")):
            inject, repair = FAULTS[name]
            run = Run(
                args.port, path, letters_path, index * args.solutions, solutions(section, args.solutions)
            )
            # Three clients in four sign, the others write letters.
            threads = [
                threading.Thread(target=run.write if number % 4 == 3 else run.sign)
                for number in range(args.clients)
            ]
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
