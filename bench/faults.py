"""Fault bench: each part the site depends on fails while concurrent clients sign, write letters, give and
read pages; what they were told against what the database, localstripe and the mail server hold.

    .venv/bin/python bench/faults.py [--clients 8] [--workers 2] [--before 3] [--during 6] [--after 6]
        [--faults redis-stop,redis-hang,pg-restart,worker-kill,tasks-down,smtp-refuse,smtp-down,stripe-slow,stripe-down]
        [--port 8731] [--redis-port 6731] [--pg-port 5731] [--stripe-port 8732] [--relay-ports 8733,8734]
        [--smtp-port 8735] [--stripe-delay 3] [--email-retry-delays 1,2,3]

It starts a PostgreSQL cluster of its own (initdb in a temporary directory, its own port, trust auth), a
redis-server of its own (its own port and directory), a localstripe of its own behind two relays (the
site's calls to Stripe, Stripe's webhooks to the site; donations.local_stripe.Relay), a mail server of its
own and a task worker (`manage.py db_worker`; bench/faults_emails.py), so it can stop, slow and restart
each without touching the machine's services; creates a database there, loads the sections, one petition,
one letter action and the donation pages, serves the site with gunicorn (bench/settings.py: production
settings on plain HTTP, emails retried after seconds) and, per fault:
  - `--clients` threads sign the petition (each POST a new address with its own proof of work) or, one
    in four, write a letter, or, one in four, give; a monitor GETs the petition page and /health/ every
    0.1 s; for `--before` seconds, then with the fault for `--during` seconds, then `--after` seconds once
    repaired. The faults:
  - `redis-stop`: redis-server is terminated, then started again (empty, as a crashed cache comes back);
  - `redis-hang`: it is frozen (SIGSTOP: connections are accepted, nothing answers), then thawed;
  - `pg-restart`: PostgreSQL is stopped (`pg_ctl stop -m fast`: requests lose their connection midway)
    and started again;
  - `worker-kill`: one gunicorn worker is killed (SIGKILL) mid-request; gunicorn starts another;
  - `tasks-down`: the task worker is stopped (SIGTERM), then started again;
  - `smtp-refuse`: the mail server refuses (421 at the greeting, or 451 at MAIL FROM), then accepts;
  - `smtp-down`: nothing listens on the mail server's port, then it listens again;
  - `stripe-slow`: Stripe answers the site after `--stripe-delay` seconds, and its events do not reach
    the site (they are delivered late, after the fault);
  - `stripe-down`: Stripe cannot be reached (each connection closed at once), nor reach the site.
During the three email faults the petition asks for double opt-in (each signature waits for its email's
link) and letter writers ask for their letter by email.
A signer or letter writer who gets the "try again" page (503, plaidoyer.views.server_error), or no
answer, sends its form again, as a visitor would, until acknowledged or the run ends (a letter's proof of
work makes the same form sent again the same letter). One client in four gives 50 EUR by card at the
bench's own localstripe (bench/faults_donations.py: it replays idempotency keys as Stripe does and
delivers the payment events to the site; the donor sends the same attempt again after the "try again"
page or no answer, a new one after a refusal shown next to a field, as the page's script does). Then it
compares what clients were told with the database: every acknowledged signature (303), letter (200 with
its PDF) and donation (200 "succeeded") stored exactly once, no signature, letter or donation stored
twice, the count shown equal to the confirmed signature rows, and every consent line belonging to a
stored signature (no half-written action); for donations also localstripe: one PaymentIntent per attempt
key, no donor charged twice, no charge without its donation, every charge settled once by its webhook
(after delivering every payment event again, as Stripe retries a failed delivery).
It prints, per fault and per action: requests sent, acknowledged, failed with a readable page (a 4xx
page, or the 503 "try again" page), other 5xx or no answer, lost, doubled, latencies per phase, and
the time to recover (from the repair to the first signature acknowledged, the first page served from
the page cache, and /health/ ok). After the Stripe faults: donors told next to the card that Stripe is
unavailable, and the gifts settled by the late webhooks. After the email faults, per kind of email
(signature confirmation, donation receipt, letter copy): expected, queued at the repair, retried,
delivered (once after the repair), sent twice, left for data officers (then resent as they would), lost;
the time until the queue holds nothing enqueued before the repair; and a confirmation link from an email
sent after the repair, followed twice: the count goes up by one. It exits 1 when anything was lost or
doubled, a 5xx was not the readable page, or a link counted other than once.
"""

import argparse
import collections
import contextlib
import os
import random
import re
import shutil
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import serving  # noqa: E402
from bench.faults_donations import Donors, donations_report, start_stripe  # noqa: E402
from bench.faults_emails import Backlog, MailServer, TaskWorker, emails_report, waiting_tasks  # noqa: E402
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
from donations.local_stripe import Relay  # noqa: E402


def parse_args():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--before", type=float, default=3, help="seconds of load before the fault")
    parser.add_argument("--during", type=float, default=6, help="seconds of load with the fault")
    parser.add_argument("--after", type=float, default=6, help="seconds of load once Redis is back")
    parser.add_argument("--faults", default=",".join(FAULTS))
    parser.add_argument("--port", type=int, default=8731)
    parser.add_argument("--redis-port", type=int, default=6731)
    parser.add_argument("--pg-port", type=int, default=5731)
    parser.add_argument("--stripe-port", type=int, default=8732, help="the bench's own localstripe")
    parser.add_argument(
        "--relay-ports",
        default="8733,8734",
        help="the relays between the site and localstripe, and between localstripe's webhooks and the site",
    )
    parser.add_argument("--smtp-port", type=int, default=8735, help="the bench's own mail server")
    parser.add_argument("--stripe-delay", type=float, default=3, help="seconds a slow Stripe takes to answer")
    parser.add_argument(
        "--email-retry-delays",
        default="1,2,3",
        help="EMAIL_RETRY_DELAYS in seconds (production: 60,300,1800,7200): then an email is listed as undelivered",
    )
    parser.add_argument(
        "--database-from",
        help="a migrated database's URL to copy (pg_dump) instead of migrating a new one (tests/test_postgres_restart.py)",
    )
    parser.add_argument("--solutions", type=int, default=4000, help="proofs of work solved ahead, per fault")
    return parser.parse_args()


class RedisServer(serving.RedisServer):
    """The bench's own redis-server, in a directory of its own removed at the end."""

    def __init__(self, port):
        super().__init__(port, tempfile.mkdtemp(prefix="bench-faults-redis-"))

    def close(self):
        super().close()
        shutil.rmtree(self.directory, ignore_errors=True)


class Services:
    """What a fault acts on: the bench's Redis, PostgreSQL cluster, gunicorn, task worker, mail server, and
    the relays between the site and localstripe (`stripe`: its API calls, `webhooks`: the events it posts)."""

    def __init__(self, redis_server, cluster, gunicorn, worker, mail, stripe, webhooks, stripe_delay):
        self.redis, self.cluster, self.gunicorn = redis_server, cluster, gunicorn
        self.worker, self.mail, self.stripe, self.webhooks = worker, mail, stripe, webhooks
        self.stripe_delay = stripe_delay

    def kill_a_worker(self):
        """SIGKILL one gunicorn worker (with 8 clients on 2 workers, it is serving a request)."""
        master = self.gunicorn.pid
        workers = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        os.kill(int(random.choice(workers)), signal.SIGKILL)

    def stripe_slow(self):
        """Stripe answers the site after `stripe_delay` seconds; its events do not reach the site."""
        self.stripe.delay, self.stripe.mode, self.webhooks.mode = self.stripe_delay, "slow", "down"

    def stripe_down(self):
        """Stripe cannot be reached (each connection closed at once); its events do not reach the site."""
        self.stripe.mode = self.webhooks.mode = "down"

    def stripe_back(self):
        self.stripe.mode = self.webhooks.mode = "up"


def nothing(services):
    """gunicorn starts a new worker by itself."""


# Each fault: (inject, repair), both given the Services.
FAULTS = {
    "redis-stop": (lambda s: s.redis.stop(), lambda s: s.redis.start()),
    "redis-hang": (lambda s: s.redis.freeze(), lambda s: s.redis.thaw()),
    "pg-restart": (lambda s: s.cluster.stop(), lambda s: s.cluster.start()),
    "worker-kill": (Services.kill_a_worker, nothing),
    "tasks-down": (lambda s: s.worker.stop(), lambda s: s.worker.start()),
    "smtp-refuse": (lambda s: s.mail.refuse(), lambda s: s.mail.accept()),
    "smtp-down": (lambda s: s.mail.stop(), lambda s: s.mail.accept()),
    "stripe-slow": (Services.stripe_slow, Services.stripe_back),
    "stripe-down": (Services.stripe_down, Services.stripe_back),
}
# Faults of the emails' path: the petition asks for double opt-in (each signature is confirmed by an
# email's link), letter writers ask for a copy by email, and the emails are counted after the run.
EMAIL_FAULTS = {"tasks-down", "smtp-refuse", "smtp-down"}


def is_readable(status, content):
    """A page a visitor can read and act on: a 4xx page, or the 503 "try again" page of a lost database."""
    html = b"<html" in content.lower() or b"<!doctype html" in content.lower()
    return html and (400 <= status < 500 or (status == 503 and b"data-retry" in content))


def prepare():
    """Migrate, load the sections, one petition (no double opt-in: every signature counted at once), one
    letter-writing action and the donation pages (the France section's with its Stripe publishable key)."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from bench.faults_donations import PUBLISHABLE_KEY
    from donations.demo import load as load_donation_pages
    from petitions.letters.models import LetterActionPage
    from petitions.models import PetitionPage
    from sections.demo import create_sections

    call_command("migrate", verbosity=0)
    sections = create_sections()
    settings = sections["fr"].settings
    settings.double_opt_in = False
    settings.stripe_publishable_key = PUBLISHABLE_KEY
    settings.save()
    donation_page = load_donation_pages(sections)["fr"]
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
    paths = {
        "petition": petition.get_url_parts()[2],
        "letters": action.get_url_parts()[2],
        "donations": donation_page.get_url_parts()[2],
    }
    return paths, petition.translation_key, settings


def solutions(section, count):
    """Proofs of work for `count` POSTs, made and solved here with the server's key (not timed)."""
    from supporters.proof_of_work import new_challenge, solved

    return [solved(new_challenge(section)) for _ in range(count)]


class Run:
    """One fault: clients signing, a monitor polling, phases marked by time."""

    def __init__(self, port, paths, stripe_url, first_number, payloads, emails=False):
        self.port, self.path, self.letters_path = port, paths["petition"], paths["letters"]
        self.emails = emails  # letter writers ask for their copy by email
        self.started = time.monotonic()
        self.letters_not_emailed = set()  # writers told their copy could not be emailed
        self.worker_restarts = 0
        path = self.path
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
        self.donors = Donors(port, paths["donations"], stripe_url, self.take)

    def take(self):
        """The next client number and its solved proof of work, or (None, None) when they ran out."""
        with self.lock:
            return next(self.numbers, None), next(self.payloads, None)

    def donate(self):
        self.donors.give(self.stop)

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
            while True:
                started = time.monotonic()
                try:
                    status, _headers, content = request(self.port, "POST", self.action, body, headers)
                    readable = is_readable(status, content)
                except OSError:
                    status, readable = 0, False  # no answer at all
                with self.lock:
                    self.posts.append((started, time.monotonic() - started, number, status, readable))
                if not (status == 0 or (status == 503 and readable)) or self.stop.is_set():
                    break
                # The "try again" page, or no answer: the visitor sends its form (the same fields) again.
                time.sleep(0.2)

    def write(self):
        """Letters, sent again after the "try again" page or no answer, as signatures are. Each is meant to come from its own address (X-Forwarded-For, one trusted proxy), but under
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
                    "email": f"writer{number}@example.org" if self.emails else "",
                    "consent": "on",
                    "captcha": payload,
                }
            )
            headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"http://{HOST}{self.letters_path}",
                "X-Forwarded-For": f"10.{number // 65536 % 256}.{number // 256 % 256}.{number % 256}",
            }
            while True:
                started = time.monotonic()
                try:
                    status, _headers, content = request(
                        self.port, "POST", self.letters_path + "letter/", body, headers
                    )
                    readable = is_readable(status, content)
                    if status == 200 and b"data:application/pdf" not in content:
                        status = 400  # the form again, with an error: not a letter
                    if status == 200 and b'<p class="warning">' in content:
                        with self.lock:  # "We could not email it to you: please download it here."
                            self.letters_not_emailed.add(number)
                    if status != 200:
                        error = re.search(rb'class="errorlist[^"]*"[^>]*>\s*<li>([^<]*)', content)
                        with self.lock:
                            self.refusals[(status, error.group(1).decode()[:90] if error else "")] += 1
                except OSError:
                    status, readable = 0, False
                with self.lock:
                    self.letters.append((started, time.monotonic() - started, number, status, readable))
                if not (status == 0 or (status == 503 and readable)) or self.stop.is_set():
                    break
                # As for a signature: the same form (and proof of work) sent again is the same letter.
                time.sleep(0.2)

    def monitor(self):
        while not self.stop.is_set():
            for path in (self.path, "/health/"):
                started = time.monotonic()
                try:
                    status, headers, content = request(self.port, "GET", path, timeout=30)
                    readable = status < 500 or is_readable(status, content)
                except OSError:
                    status, headers, readable = 0, [], False
                with self.lock:
                    self.polls.append(
                        (started, path, status, dict(headers).get("X-Page-Cache", ""), readable)
                    )
            time.sleep(0.1)


def since(moment, start):
    return f"{moment - start:.2f} s" if moment is not None else "never"


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


def tally(name, posts, acknowledged_status, rows, killing=False):
    """Prints what the clients were told against the rows; True when nothing was lost, doubled or a 5xx.

    A request whose worker was killed gets no answer at all (a browser says the connection was reset;
    behind a proxy, its 502 page): allowed only when the fault is `killing` workers."""
    acknowledged = {number for _s, _d, number, status, _r in posts if status == acknowledged_status}
    sent_numbers = {number for _s, _d, number, _st, _r in posts}
    readable = sum(1 for *_rest, is_readable in posts if is_readable)
    server_errors = sum(1 for _s, _d, _n, status, is_readable in posts if status >= 500 and not is_readable)
    no_answer = sum(1 for _s, _d, _n, status, _r in posts if status == 0)
    lost = sum(1 for number in acknowledged if rows[number] == 0)
    doubled = sum(1 for number in sent_numbers if rows[number] > 1)
    unacknowledged_stored = sum(1 for number in sent_numbers - acknowledged if rows[number])
    print(
        f"{name}: sent {len(posts)}, acknowledged {len(acknowledged)}, failed with a readable page {readable}, "
        f"other 5xx {server_errors}, no answer {no_answer}, lost {lost}, doubled {doubled}, "
        f"stored without acknowledgement {unacknowledged_stored}"
    )
    return server_errors + lost + doubled == 0 and (killing or no_answer == 0)


def report(name, run, marks, key, stripe_url, port, mail=None, queued=None):
    from django.db import connection

    fault_at, back_at = marks[:2]
    posts = run.posts
    print(f"== {name}")
    killing = name == "worker-kill"
    good = tally("signatures", posts, 303, stored_signatures(key, {post[2] for post in posts}), killing)
    good &= tally("letters", run.letters, 200, stored_letters({letter[2] for letter in run.letters}), killing)
    for (status, error), count in run.refusals.most_common(3):
        print(f"  letters refused: {count} x {status} {error}")
    good &= donations_report(run.donors, stripe_url, port, killing, tally)
    if name.startswith("stripe"):
        print(
            f"  donors told next to the card that Stripe is unavailable (readable 429): "
            f"{run.donors.stripe_unavailable}"
        )
    if name in EMAIL_FAULTS:
        good &= emails_report(run, mail, marks, queued, key, port, run.donors.settled_numbers())
    gets = [poll for poll in run.polls if poll[1] == run.path]
    get_5xx = sum(1 for poll in gets if not poll[4] and not (killing and poll[2] == 0))
    readable_gets = sum(1 for poll in gets if poll[2] == 503 and poll[4])
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
        f"page GETs: {len(gets)}, readable 503 {readable_gets}, other 5xx or no answer {get_5xx}; "
        f"/health/ said unhealthy during the fault: {'yes' if health_down else 'no'}"
    )
    signed_again = next(
        (s for s, _d, _n, status, _r in sorted(posts) if s >= back_at and status == 303), None
    )
    print(
        f"time to recover (after the repair): a signature acknowledged {since(signed_again, back_at)}, "
        f"page cache hit {since(hit_again, back_at)}, /health/ ok {since(health_ok, back_at)}"
    )
    connection.close()
    # Only Redis's return is told by the page cache: after the other faults it may not be hit again in time.
    return good and get_5xx == 0 and (hit_again is not None or not name.startswith("redis"))


def all_faults(key):
    """After every fault: the count shown equals the signature rows, and no action is half-written (every
    signature has its consent lines, every consent line its signature). True when all hold."""
    from django.db import connection

    from petitions.models import Signature, SignatureState
    from supporters.models import ActionCount, ConsentRecord

    rows = Signature.objects.filter(petition_key=key)
    signatures = set(rows.values_list("pk", flat=True))
    confirmed = rows.filter(state=SignatureState.CONFIRMED).count()
    shown = ActionCount.total_for(key)
    consented = {
        int(action.rsplit(":", 1)[1])
        for action in ConsentRecord.objects.filter(action__startswith="petitions.signature:").values_list(
            "action", flat=True
        )
    }
    without_consent, orphan_lines = len(signatures - consented), len(consented - signatures)
    print(
        f"all faults: signature rows {len(signatures)}, confirmed {confirmed}, count shown {shown}: "
        f"{'EXACT' if confirmed == shown else 'WRONG'}; signatures without their consent lines "
        f"{without_consent}, consent lines without their signature {orphan_lines}"
    )
    connection.close()
    return confirmed == shown and without_consent == orphan_lines == 0


def ask_double_opt_in(section, on):
    """The section's signatures wait for their email's link (`on`) or count at once."""
    from django.db import connection

    if section.double_opt_in == on:
        return
    section.double_opt_in = on
    section.save()  # the content cache's generation moves on: every worker reads the new setting
    connection.close()


def main():
    args = parse_args()
    # Whatever happens, what the run started stops (a failed step must not leave a server running).
    with contextlib.ExitStack() as started:
        cluster = serving.PostgresCluster(args.pg_port)
        started.callback(cluster.close)
        cluster.create()
        database_url = f"{cluster.url}/plaidoyer_bench_faults"
        redis_url = f"redis://127.0.0.1:{args.redis_port}/0"
        mail = MailServer(args.smtp_port)
        mail.start()
        started.callback(lambda: mail.server and mail.stop())
        api_port, webhook_port = (int(port) for port in args.relay_ports.split(","))
        webhooks = Relay(("127.0.0.1", args.port), webhook_port)
        started.callback(webhooks.close)
        stripe, stripe_environment = start_stripe(args.stripe_port, webhooks.url)
        started.callback(stripe.stop)
        stripe_relay = Relay(("127.0.0.1", args.stripe_port), api_port)
        started.callback(stripe_relay.close)
        env = environment(
            database_url,
            redis_url,
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(args.smtp_port),
            BENCH_EMAIL_RETRY_DELAYS=args.email_retry_delays,
            **{**stripe_environment, "STRIPE_API_BASE": stripe_relay.url},
        )
        os.environ.update(env)
        sys.path[:0] = [str(ROOT / "site"), str(ROOT)]
        from django.utils import timezone

        redis_server = RedisServer(args.redis_port)
        started.callback(redis_server.close)
        redis_server.start()
        if args.database_from:
            serving.copy_database(args.database_from, database_url)
        else:
            create_database(database_url)
        paths, key, section = prepare()
        path = paths["petition"]
        gunicorn = start_gunicorn(env, args.port, args.workers)
        started.callback(stop_gunicorn, gunicorn)
        worker = TaskWorker(env)
        worker.start()
        started.callback(worker.stop)
        services = Services(
            redis_server, cluster, gunicorn, worker, mail, stripe_relay, webhooks, args.stripe_delay
        )
        good = True
        wait_for_port(args.port)
        for _ in range(10):  # warm every worker
            request(args.port, "GET", path)
        print(
            f"{args.clients} clients (2 in 4 sign, 1 in 4 writes letters, 1 in 4 gives by card) and 1 monitor, "
            f"gunicorn {args.workers} "
            f"sync workers, Redis on port {args.redis_port} and PostgreSQL on port {args.pg_port} (their own), "
            f"a db_worker, a mail server on port {args.smtp_port} and localstripe behind relays (their own); "
            f"phases {args.before:g} s before, {args.during:g} s with the fault, {args.after:g} s after; "
            f"email retries after {args.email_retry_delays} s, a slow Stripe answers after {args.stripe_delay:g} s"
        )
        for index, name in enumerate(args.faults.split(",")):
            inject, repair = FAULTS[name]
            emails = name in EMAIL_FAULTS
            ask_double_opt_in(section, emails)
            run = Run(
                args.port,
                paths,
                stripe.url,
                index * args.solutions,
                solutions(section, args.solutions),
                emails=emails,
            )
            restarts = worker.restarts
            # Two clients in four sign, one writes letters, one gives.
            roles = {2: run.donate, 3: run.write}
            threads = [
                threading.Thread(target=roles.get(number % 4, run.sign)) for number in range(args.clients)
            ]
            threads.append(threading.Thread(target=run.monitor))
            start_wall = timezone.now()
            for thread in threads:
                thread.start()
            time.sleep(args.before)
            fault_at = time.monotonic()
            inject(services)
            time.sleep(args.during)
            queued = waiting_tasks() if emails else None
            repair(services)
            back_at, back_wall = time.monotonic(), timezone.now()
            backlog = Backlog(back_wall) if emails else None
            time.sleep(args.after)
            run.stop.set()
            for thread in threads:
                thread.join()
            run.worker_restarts = worker.restarts - restarts
            run.backlog = backlog
            marks = (fault_at, back_at, back_wall, start_wall)
            good &= report(name, run, marks, key, stripe.url, args.port, mail, queued)
        ask_double_opt_in(section, False)
        exact = all_faults(key)
    return 0 if good and exact else 1


if __name__ == "__main__":
    sys.exit(main())
