"""What the benchmarks that serve the site share: their environment, a fresh database, gunicorn, a
Redis of their own, and the client that signs the petition."""

import base64
import contextlib
import hashlib
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
# The France section; the Host header picks the site, whatever the port.
HOST = "fr.localhost:8000"


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
    env.update(personal_data_keys())
    env.update(extra)
    return env


def personal_data_keys():
    """Keys of the demo sections' personal data (production settings refuse to start without them):
    real Fernet and HMAC keys, derived from a bench-only phrase so that every process has the same."""
    keys = {}
    for code in ("ch", "fr", "tg"):
        digest = hashlib.sha256(f"bench-only-personal-data-{code}".encode()).digest()
        keys[f"PERSONAL_DATA_KEYS_{code.upper()}"] = base64.urlsafe_b64encode(digest).decode()
        keys[f"PERSONAL_DATA_HASH_KEY_{code.upper()}"] = f"bench-only-hash-key-{code}"
    return keys


def create_database(database_url):
    import psycopg

    name = database_url.rsplit("/", 1)[1]
    with psycopg.connect(database_url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def copy_database(source_url, database_url):
    """A fresh database at `database_url` holding what `source_url` holds (pg_dump, no migrations to run)."""
    create_database(database_url)
    dump = subprocess.run(
        [PostgresCluster.binary("pg_dump"), "--no-owner", "--no-privileges", "--dbname", source_url],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [PostgresCluster.binary("psql"), "--quiet", "--set", "ON_ERROR_STOP=1", "--dbname", database_url],
        input=dump.stdout,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def wait_for_port(port, timeout=60, name="gunicorn"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{name} did not start")


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


def request(port, method, path, body=None, headers=None, timeout=30):
    """One request to the served site as its section's host; (status, [(header, value)], body)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers={"Host": HOST, **(headers or {})})
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        connection.close()


def post(port, path, body, headers, timeout=30):
    """POST a form as the section's host on a connection of its own, read the whole answer; its status.

    The load's requests, written on a plain socket: the clients share the machine's two cores with
    the site, and through http.client (`request`, which parses every header) the 32 signing clients
    spent 0.49 to 0.57 ms of them per request, through this 0.27 to 0.31 (bench/petition_signing.py,
    its "clients" figure).
    """
    payload = body.encode()
    head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    message = (
        f"POST {path} HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n"
        f"Content-Length: {len(payload)}\r\n{head}\r\n"
    ).encode() + payload
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(message)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return int(answer.split(b" ", 2)[1])


def petition_form(page):
    """(consent wording version, the form's target) read from a petition page's HTML, as a browser posts them."""
    version = re.search(rb'name="consent_version" value="([^"]+)"', page).group(1).decode()
    action = re.search(rb'<form class="petition-form" method="post" action="([^"]+)"', page).group(1).decode()
    return version, action


def signature_body(number, version, captcha, **extra):
    """The signing form's POST body for the bench's signer `number` (a new address each)."""
    return urlencode(
        {
            **extra,
            "first_name": "Bench",
            "last_name": f"Signer {number}",
            "email": f"signer{number}@example.org",
            "country": "France",
            "postal_code": "75019",
            "consent": "on",
            "consent_version": version,
            "captcha": captcha,
        }
    )


class RedisServer:
    """A redis-server of one's own (its port, its directory, nothing saved), to stop, freeze and thaw at will."""

    def __init__(self, port, directory):
        self.port = port
        self.directory = directory
        self.process = None

    def start(self):
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is missing: apt-get install redis-server")
        self.process = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--dir",
                str(self.directory),
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        for _ in range(200):  # up once it answers a PING, not merely once its port accepts
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        """Stopped as an operator or a crash would."""
        self.process.terminate()
        self.process.wait(timeout=10)

    def freeze(self):
        """Redis hangs: its port accepts connections, nothing answers."""
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self):
        self.process.send_signal(signal.SIGCONT)

    def close(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.stop()


class PostgresCluster:
    """A PostgreSQL cluster of one's own (initdb in its directory, its port, its socket there), to restart at will.

    PostgreSQL refuses to run as root: run as root, its commands run as the `postgres` user, who owns the
    directory. fsync is off: nothing here must survive the machine crashing, only the server restarting.
    """

    def __init__(self, port, directory=None):
        self.port = port
        self.directory = Path(directory or tempfile.mkdtemp(prefix="plaidoyer-pg-"))
        self.data = self.directory / "data"
        self.url = f"postgres://postgres@127.0.0.1:{port}"

    @staticmethod
    def binary(name):
        found = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=lambda p: int(p.parts[-3]))
        if not found:
            raise RuntimeError(f"{name} is missing: apt-get install postgresql")
        return str(found[-1])

    def run(self, name, *args):
        command = [self.binary(name), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def create(self):
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
        self.run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        self.start()

    def pg_ctl(self, action, *args):
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.run(
            "pg_ctl",
            action,
            "-D",
            str(self.data),
            "-l",
            str(self.directory / "log"),
            "-o",
            options,
            "-w",
            *args,
        )

    def start(self):
        self.pg_ctl("start")

    def stop(self):
        """Stopped as an operator would (fast: open transactions are rolled back, connections dropped)."""
        self.pg_ctl("stop", "-m", "fast")

    def close(self):
        with contextlib.suppress(subprocess.CalledProcessError):
            self.pg_ctl("stop", "-m", "immediate")
        shutil.rmtree(self.directory, ignore_errors=True)


class CpuMeter:
    """The CPU the machine spent during a block, by who spent it: the site (gunicorn's processes),
    PostgreSQL, Redis, this process (the benchmark's clients) and the rest, read from /proc.

        meter = CpuMeter(gunicorn_process.pid)
        with meter:  # or meter.start() ... meter.stop()
            ...
        meter.per(requests)  # {"site": ms, "postgres": ms, ...} per request

    A process that ended during the block (a PostgreSQL backend whose connection closed) is counted
    in "rest": the machine's total comes from /proc/stat.
    """

    GROUPS = ("site", "postgres", "redis", "clients", "rest")

    def __init__(self, gunicorn_pid):
        self.gunicorn_pid = gunicorn_pid
        self.tick = 1 / os.sysconf("SC_CLK_TCK")

    def group(self, pid, name, parent):
        if pid == os.getpid():
            return "clients"
        if self.gunicorn_pid in (pid, parent):
            return "site"
        if name.startswith("postgres"):
            return "postgres"
        if name.startswith("redis"):
            return "redis"
        return None

    def sample(self):
        """The machine's busy CPU seconds so far, and {pid: (group, CPU seconds)} of the processes alive now."""
        with open("/proc/stat") as stat:
            fields = [int(value) for value in stat.readline().split()[1:]]
        busy = sum(fields) - fields[3] - fields[4]  # all but idle and iowait
        processes = {}
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                with open(f"/proc/{entry.name}/stat") as stat:
                    line = stat.read()
            except OSError:  # ended meanwhile
                continue
            name = line[line.index("(") + 1 : line.rindex(")")]
            rest = line[line.rindex(")") + 2 :].split()
            pid = int(entry.name)
            group = self.group(pid, name, int(rest[1]))
            if group:
                processes[pid] = (group, (int(rest[11]) + int(rest[12])) * self.tick)  # utime + stime
        return busy * self.tick, processes

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self):
        self.before = self.sample()

    def stop(self):
        machine_after, after = self.sample()
        machine_before, before = self.before
        spent = {group: 0.0 for group in self.GROUPS if group != "rest"}
        # Each process alive at the end, from its CPU at the start (0 if it started since). One that
        # ended meanwhile is left out here, not subtracted: its CPU of the block is in "rest".
        for pid, (group, seconds) in after.items():
            spent[group] += seconds - before.get(pid, (group, 0.0))[1]
        machine = machine_after - machine_before
        self.spent = {**spent, "rest": machine - sum(spent.values())}

    def per(self, requests):
        """Milliseconds of CPU per request, by group (and in all)."""
        figures = {group: self.spent[group] * 1000 / requests for group in self.GROUPS}
        figures["all"] = sum(figures.values())
        return figures

    @staticmethod
    def line(figures):
        return "CPU per request: " + ", ".join(f"{group} {ms:.2f}" for group, ms in figures.items()) + " ms"
