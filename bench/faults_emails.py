"""Emails in the fault bench (bench/faults.py): the bench's own mail server and task worker, and, after a
fault of the task worker or the mail server, what each kind of email became.

The mail server (SMTP on loopback) keeps every message it accepts; it can refuse (421 at the greeting on
one connection in two, 451 at MAIL FROM on the other) or stop listening. The task worker is
`manage.py db_worker --queue-name default`, as the README says to run it, restarted by the bench if it
exits on its own (as a service manager would: it exits when PostgreSQL goes away), and stopped and started
again by the `tasks-down` fault.

Expected emails: a confirmation link per signature stored (the petition asks for double opt-in during
these faults), a receipt per gift settled; a letter's copy is sent by the request itself, never queued
(petitions.letters.views), so it is counted apart. After the run the bench waits for the queue to empty,
resends, as a data officer would (*Undelivered emails*), every email left undelivered, and counts per
address: sent once, sent twice, lost.
"""

import collections
import datetime
import email
import email.policy
import re
import socketserver
import subprocess
import sys
import threading
import time
from urllib.parse import urlsplit

import requests

from bench.serving import HOST, ROOT

KINDS = {"signer": "signature confirmation", "donor": "donation receipt", "writer": "letter copy"}
TASK_KINDS = {
    "petitions.tasks.send_signature_email": "signature confirmation",
    "donations.emails.send_receipt": "donation receipt",
}
# An email task gives up on the mail server after EMAIL_TIMEOUT (10 s): one running longer is stuck, its
# worker gone (killed: our `db_worker` finishes a claimed task when told to stop; upstream's did not).
STUCK = datetime.timedelta(seconds=60)


class SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib; what it does depends on the MailServer's mode."""

    def handle(self):
        mail = self.server.mail
        with mail.lock:
            mail.connections += 1
            number = mail.connections
        refusing = mail.mode == "refuse"
        if refusing and number % 2:
            self.wfile.write(b"421 4.3.2 Service not available, try again later\r\n")
            return
        self.wfile.write(b"220 bench ESMTP\r\n")
        recipients = []
        while line := self.rfile.readline():
            command = line.strip().upper()
            if command.startswith(b"MAIL") and refusing:
                self.wfile.write(b"451 4.3.0 Temporary failure, try again later\r\n")
            elif command.startswith(b"RCPT"):
                recipients.append(line.split(b":", 1)[1].strip().strip(b"<>").decode())
                self.wfile.write(b"250 ok\r\n")
            elif command.startswith(b"DATA"):
                self.wfile.write(b"354 go ahead\r\n")
                data = b"".join(iter(self.rfile.readline, b".\r\n"))
                mail.keep(recipients, email.message_from_bytes(data, policy=email.policy.default))
                recipients = []
                self.wfile.write(b"250 queued\r\n")
            elif command.startswith(b"QUIT"):
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


class MailServer:
    """The bench's SMTP server on 127.0.0.1:`port`: `accept()`, `refuse()`, `stop()` (nothing listens)."""

    def __init__(self, port):
        self.port = port
        self.mode = "accept"
        self.lock = threading.Lock()
        self.connections = 0
        self.messages = []  # (time.monotonic(), recipient, text of the message)
        self.server = None

    def keep(self, recipients, message):
        body = message.get_body(preferencelist=("plain", "html"))
        text = body.get_content() if body else ""
        with self.lock:
            for recipient in recipients:
                self.messages.append((time.monotonic(), recipient, text))

    def start(self):
        socketserver.ThreadingTCPServer.allow_reuse_address = True
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", self.port), SMTPHandler)
        self.server.daemon_threads = True
        self.server.mail = self
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.server = None

    def accept(self):
        self.mode = "accept"
        if self.server is None:
            self.start()

    def refuse(self):
        self.mode = "refuse"


class TaskWorker:
    """`manage.py db_worker` for the `default` queue (emails), with the bench's environment."""

    def __init__(self, env):
        self.env = env
        self.process = None
        self.wanted = False
        self.restarts = 0
        self.lock = threading.Lock()
        threading.Thread(target=self.watch, daemon=True).start()

    def spawn(self):
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--queue-name", "default", "--interval", "0.2"]
            + ["--no-startup-delay"],
            env=self.env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def start(self):
        with self.lock:
            self.wanted = True
            self.spawn()

    def stop(self):
        """Stopped as an operator stops it (SIGTERM: the task under way ends first)."""
        with self.lock:
            self.wanted = False
            self.process.terminate()
        self.process.wait(timeout=60)

    def watch(self):
        while True:
            time.sleep(0.5)
            with self.lock:
                if self.wanted and self.process.poll() is not None:
                    self.restarts += 1
                    self.spawn()


def waiting_tasks(before=None):
    """{kind: tasks} waiting in the default queue (ready, due or not, or running for less than STUCK);
    only those enqueued before `before` (a datetime) when given."""
    from django.db import connection
    from django.db.models import Q
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    rows = DBTaskResult.objects.filter(queue_name="default").filter(
        Q(status="READY") | Q(status="RUNNING", started_at__gte=timezone.now() - STUCK)
    )
    if before is not None:
        rows = rows.filter(enqueued_at__lte=before)
    waiting = collections.Counter(
        TASK_KINDS.get(path, path) for path in rows.values_list("task_path", flat=True)
    )
    connection.close()
    return waiting


def drain(back_wall, timeout):
    """Seconds from now until no task enqueued before `back_wall` (any, with None) waits any more (None if
    not within `timeout`)."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if not waiting_tasks(back_wall):
            return time.monotonic() - started
        time.sleep(0.5)
    return None


class Backlog(threading.Thread):
    """Started at the repair: `seconds` until no task enqueued before it waits any more (None: not in time)."""

    def __init__(self, back_wall, timeout=180):
        super().__init__(daemon=True)
        self.back_wall, self.timeout, self.seconds = back_wall, timeout, None
        self.start()

    def run(self):
        self.seconds = drain(self.back_wall, self.timeout)


def stuck(since):
    """{kind: tasks} enqueued since `since` and left RUNNING by a worker that is gone."""
    from django.db import connection
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    rows = DBTaskResult.objects.filter(
        queue_name="default", enqueued_at__gte=since, status="RUNNING", started_at__lt=timezone.now() - STUCK
    )
    counts = collections.Counter(
        TASK_KINDS.get(path, path) for path in rows.values_list("task_path", flat=True)
    )
    connection.close()
    return counts


def retried(since):
    """{kind: attempts enqueued again} since `since` (a datetime): supporters.delivery's retries."""
    from django.db import connection
    from django_tasks_db.models import DBTaskResult

    counts = collections.Counter()
    for path, args in DBTaskResult.objects.filter(enqueued_at__gte=since).values_list(
        "task_path", "args_kwargs"
    ):
        if (args.get("kwargs") or {}).get("attempt", 1) > 1:
            counts[TASK_KINDS.get(path, path)] += 1
    connection.close()
    return counts


def undelivered(since):
    """The FailedEmail rows listed since `since`, as (kind label, address), after resending each as a data
    officer does in *Undelivered emails* (supporters.delivery.resend)."""
    from django.db import connection

    from supporters.delivery import resend
    from supporters.models import FailedEmail

    listed = []
    for failed in FailedEmail.objects.filter(failed_at__gte=since).select_related("supporter"):
        listed.append((failed.kind, failed.supporter.email))
        resend(failed)
    connection.close()
    return listed


def expected_addresses(run, donors_settled):
    """{kind: addresses} of the emails the run's actions call for."""
    signed = {number for _s, _d, number, status, _r in run.posts if status == 303}
    # A writer told that the copy could not be emailed downloads it: no email is due.
    written = {
        number for _s, _d, number, status, _r in run.letters if status == 200
    } - run.letters_not_emailed
    return {
        "signature confirmation": {f"signer{number}@example.org" for number in signed},
        "donation receipt": {f"donor{number}@example.org" for number in donors_settled},
        "letter copy": {f"writer{number}@example.org" for number in written},
    }


def kind_of(address):
    return KINDS.get(re.match(r"[a-z]*", address).group(0), "other")


def confirm_from_email(port, messages, back_at, key):
    """A confirmation link taken from an email sent after the return, followed as the signer does (its page,
    then its button, twice); (count before, after one confirmation, after two) or None without such email."""
    from django.db import connection

    from supporters.models import ActionCount

    link = next(
        (
            match.group(0)
            for at, address, text in messages
            if at >= back_at and address.startswith("signer")
            for match in [re.search(r"https?://\S+/confirm/\S+?/(?=\s|$)", text)]
            if match
        ),
        None,
    )
    if link is None:
        return None
    path = urlsplit(link).path
    session = requests.Session()
    url = f"http://127.0.0.1:{port}{path}"
    headers = {"Host": HOST, "Referer": f"http://{HOST}{path}"}
    counts = [ActionCount.total_for(key)]
    for _twice in range(2):
        page = session.get(url, headers=headers, timeout=30)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        data = {"csrfmiddlewaretoken": token.group(1)} if token else {}
        session.post(url, data=data, headers=headers, timeout=30)
        counts.append(ActionCount.total_for(key))
    connection.close()
    return counts


def emails_report(run, mail, marks, queued, key, port, settled_donors, timeout=120):
    """Prints, per kind of email: queued at the repair, retried, delivered once after it, twice, left for
    data officers, lost; the time until the queue emptied; a confirmation link followed. True when nothing
    was sent twice or lost and the link counted once."""
    _fault_at, back_at, _back_wall, start_wall = marks
    run.backlog.join()
    emptied = run.backlog.seconds
    drain(None, timeout)  # what the clients' last actions enqueued too
    listed = undelivered(start_wall)
    if listed:
        drain(None, timeout)  # the resent ones
    retries, left_running = retried(start_wall), stuck(start_wall)
    with mail.lock:
        messages = [message for message in mail.messages if message[0] >= run.started]
    received = collections.defaultdict(list)
    for at, address, _text in messages:
        received[address].append(at)
    expected = expected_addresses(run, settled_donors)
    good = True
    for kind, addresses in expected.items():
        sent = {address: times for address, times in received.items() if kind_of(address) == kind}
        once_after = sum(1 for times in sent.values() if len(times) == 1 and times[0] >= back_at)
        twice = sum(1 for times in sent.values() if len(times) > 1)
        lost = len(addresses - set(sent))
        left = sum(1 for _kind, address in listed if kind_of(address or "") == kind)
        queued_note = (
            "sent by the request, never queued"
            if kind == "letter copy"
            else f"queued at the repair {queued[kind]}"
        )
        print(
            f"  emails, {kind}: expected {len(addresses)}, {queued_note}, retried {retries[kind]}, "
            f"delivered {len(sent)} ({once_after} once after the repair), sent twice {twice}, "
            f"left for data officers {left} (resent), left running by a stopped worker {left_running[kind]}, "
            f"lost {lost}"
        )
        good &= twice == lost == 0
    told_not_emailed = len(run.letters_not_emailed)
    signers_told_error = sum(1 for *_rest, status, _r in run.posts if status != 303)
    donors_told_error = sum(1 for *_rest, status, _r in run.donors.posts if status != 200)
    print(
        f"  visitors shown an error: signers {signers_told_error}, donors {donors_told_error} (goal 0; letters "
        f"refused by their per-address limit are in the letters row)"
    )
    print(
        f"  letters told their copy could not be emailed (they download it): {told_not_emailed}; "
        f"task worker restarted by the bench {run.worker_restarts}"
    )
    print(
        "  time until the queue held nothing enqueued before the repair: "
        + (f"{emptied:.1f} s after the repair" if emptied is not None else "not within 180 s")
    )
    counts = confirm_from_email(port, messages, back_at, key)
    if counts is None:
        print("  confirmation link from an email sent after the repair: no such email")
        return False
    print(
        f"  confirmation link from an email sent after the repair: count {counts[0]} -> {counts[1]} "
        f"after confirming, {counts[2]} after confirming again (goal +1, once)"
    )
    return good and emptied is not None and counts[1] == counts[2] == counts[0] + 1
