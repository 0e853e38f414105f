"""Profile: the CPU one petition signing costs this process, through Django's WSGI handler, in-process.

    .venv/bin/python bench/signing_profile.py [--signatures 300] [--runs 5] [--reuse-database]
                                              [--parts] [--profile [--sort tottime] [--top 40]]
                                              [--no-double-opt-in]

It builds the bench's database and petition as bench/petition_signing.py does (bench/settings.py,
double opt-in on unless told otherwise, a Redis of its own on --redis-port; --reuse-database skips
the migrations and signs with new addresses after the previous run's), warms the process, then, for
each run, posts --signatures signings (each a new address with its own solved proof of work, as a
browser's form) straight to the WSGI handler and prints the CPU this process spent per signing
(time.process_time: waiting for PostgreSQL or Redis is not counted, nor their own CPU), next to the
bare INSERT view's (bench/urls.py's baseline), measured alternately.

On a shared machine the absolute figures still drift with its load (the same code measured 3.7 and
4.5 ms a few minutes apart): compare two versions by the signing's CPU in units of the bare view's
("ratio"), run alternately several times.

--parts times the parts of a signing listed in PARTS (CPU of their outermost calls) in one more run.
--profile runs cProfile once more (CPU timer). Its figures include the profiler's own cost per call,
several times the real one for code made of many small calls: read them for where, not how much.
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.petition_signing import prepare  # noqa: E402
from bench.serving import HOST, RedisServer, create_database, environment, signature_body  # noqa: E402


def parse_args():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--signatures", type=int, default=300, help="signings per run")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="one more run under cProfile")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--sort", default="cumulative", choices=["cumulative", "tottime"])
    parser.add_argument(
        "--parts",
        action="store_true",
        help="one more run, timing the parts of a signing (PARTS) without cProfile",
    )
    parser.add_argument("--dump", help="also write the profile's stats to this file (pstats)")
    parser.add_argument("--no-double-opt-in", action="store_true")
    parser.add_argument("--redis-port", type=int, default=8841)
    parser.add_argument(
        "--reuse-database", action="store_true", help="keep the database of an earlier run (no migrations)"
    )
    return parser.parse_args()


class Site:
    """Requests to Django's WSGI handler in this process, as the section's host."""

    def __init__(self):
        from django.core.handlers.wsgi import WSGIHandler

        self.handler = WSGIHandler()

    def __call__(self, method, path, body=b"", headers=None):
        if isinstance(body, str):
            body = body.encode()
        path, _, query = path.partition("?")
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_HOST": HOST,
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
            "wsgi.version": (1, 0),
            "CONTENT_LENGTH": str(len(body)),
        }
        for name, value in (headers or {}).items():
            key = name.upper().replace("-", "_")
            environ[key if key in ("CONTENT_TYPE",) else f"HTTP_{key}"] = value
        status = []
        response = self.handler(environ, lambda line, headers, exc_info=None: status.append(line))
        content = b"".join(response)
        if hasattr(response, "close"):
            response.close()
        return int(status[0].split()[0]), content


def solved_challenges(site, count):
    from supporters.proof_of_work import solved

    payloads = []
    for _ in range(count):
        status, body = site("GET", "/altcha/challenge/")
        assert status == 200, status
        payloads.append(solved(json.loads(body)))
    return payloads


class Signer:
    def __init__(self, site, path, first_number=0):
        import re

        self.site = site
        self.path = path
        self.first_number = self.number = first_number
        status, page = site("GET", path)
        assert status == 200, status
        self.version = re.search(rb'name="consent_version" value="([^"]+)"', page).group(1).decode()
        self.action = (
            re.search(rb'<form class="petition-form" method="post" action="([^"]+)"', page).group(1).decode()
        )

    def bodies(self, count):
        """The POST bodies of `count` new signers, proofs of work solved (outside the measured part)."""
        bodies = []
        for solution in solved_challenges(self.site, count):
            bodies.append(signature_body(self.number, self.version, solution))
            self.number += 1
        return bodies

    def sign(self, body):
        status, _ = self.site(
            "POST",
            self.action,
            body,
            {"Content-Type": "application/x-www-form-urlencoded", "Referer": f"http://{HOST}{self.path}"},
        )
        assert status == 303, status


def baseline_bodies(count, start):
    return [urlencode({"email": f"baseline{start + number}@example.org"}) for number in range(count)]


def baseline(site, body):
    status, _ = site("POST", "/bench-baseline/", body, {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 204, status


def cpu_per_request(send, bodies):
    """Milliseconds of this process's CPU per request."""
    started = time.process_time()
    for body in bodies:
        send(body)
    return (time.process_time() - started) * 1000 / len(bodies)


def main():
    args = parse_args()
    database_url = os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/plaidoyer_signing_profile"
    )
    redis = RedisServer(args.redis_port, tempfile.mkdtemp(prefix="plaidoyer-redis-"))
    redis.start()
    try:
        env = environment(database_url, redis_url=f"redis://127.0.0.1:{args.redis_port}/0")
        os.environ.update(env)
        sys.path[:0] = [str(ROOT / "site"), str(ROOT)]
        warnings.filterwarnings("ignore", "No directory at", UserWarning)  # no static files collected
        if args.reuse_database:
            path, key = existing_petition(not args.no_double_opt_in)
        else:
            create_database(database_url)
            path, key = prepare(not args.no_double_opt_in)
        return measure(args, path, key)
    finally:
        redis.close()


def existing_petition(double_opt_in):
    """The petition of an earlier run's database, its section's double opt-in set as asked."""
    import django

    django.setup()
    from petitions.models import PetitionPage
    from sections.models import SectionSettings

    petition = PetitionPage.objects.get(slug="bench")
    settings = SectionSettings.for_site(petition.get_site())
    settings.double_opt_in = double_opt_in
    settings.save()
    return petition.get_url_parts()[2], petition.translation_key


# The parts of a signing timed by --parts: (module, attribute path), each wrapped for that run only.
PARTS = [
    ("sections.content_cache", "ContentGenerationMiddleware.__call__"),
    ("plaidoyer.csp", "SectionPolicyMiddleware.process_response"),
    ("plaidoyer.page_cache", "PageCacheMiddleware.__call__"),
    ("sections.middleware", "SectionLanguageMiddleware.__call__"),
    ("sections.middleware", "site_for_request"),
    ("sections.middleware", "section_languages"),
    ("plaidoyer.middleware", "RequestCharsetMiddleware.__call__"),
    ("plaidoyer.admin_host", "AdminHostMiddleware.__call__"),
    ("wagtail_2fa.middleware", "VerifyUserMiddleware.__call__"),
    ("sections.page_scope", "SectionPageScopeMiddleware.__call__"),
    ("plaidoyer.protected_deletion", "ProtectedDeletionMiddleware.__call__"),
    ("axes.middleware", "AxesMiddleware.__call__"),
    ("django.core.handlers.base", "BaseHandler._get_response"),
    ("django.core.handlers.base", "BaseHandler.resolve_request"),
    ("petitions.views", "sign"),
    ("petitions.views", "petition_view"),
    ("petitions.views", "allow"),
    ("petitions.forms", "SignatureForm.__init__"),
    ("django.forms.forms", "BaseForm.__init__"),
    ("petitions.forms", "section_texts"),
    ("petitions.models", "section_texts"),
    ("supporters.models", "ConsentRecord.version_of"),
    ("supporters.captcha", "SpamProtectedForm.add_spam_protection"),
    ("django.utils.translation", "override.__enter__"),
    ("django.forms.forms", "BaseForm.full_clean"),
    ("supporters.proof_of_work", "ProofOfWorkField.clean"),
    ("supporters.proof_of_work", "claim"),
    ("petitions.views", "record_signature"),
    ("petitions.signatures", "record_action"),
    ("supporters.one_statement", "record"),
    ("supporters.one_statement", "values"),
    ("supporters.task_rows", "row_values"),
    ("django_tasks.base", "Task.enqueue"),
    ("django_tasks_db.backend", "DatabaseBackend._task_to_db_task"),
    ("django.db.models.base", "Model.save_base"),
    ("django.db.models.sql.compiler", "SQLInsertCompiler.execute_sql"),
    ("django.db.backends.utils", "CursorWrapper._execute"),
    ("django.dispatch.dispatcher", "Signal.send"),
    ("django.db.transaction", "Atomic.__enter__"),
    ("django.db.transaction", "Atomic.__exit__"),
]


def timed(original, label, totals):
    """`original`, adding the CPU of its outermost calls to totals[label]."""
    import functools

    depth = 0

    @functools.wraps(original)
    def wrapper(*args, **kwargs):
        nonlocal depth
        depth += 1
        started = time.process_time()
        try:
            return original(*args, **kwargs)
        finally:
            depth -= 1
            if not depth:
                totals[label] += time.process_time() - started

    return wrapper


def timed_parts(run):
    """Runs `run()` with each of PARTS timed (CPU, outermost call only); {name: seconds}."""
    import importlib

    totals, originals = {}, []
    for module_name, attribute in PARTS:
        owner = importlib.import_module(module_name)
        *outer, name = attribute.split(".")
        for part in outer:
            owner = getattr(owner, part)
        original = getattr(owner, name)
        label = f"{module_name}.{attribute}"
        totals[label] = 0.0
        setattr(owner, name, timed(original, label, totals))
        originals.append((owner, name, original))
    try:
        run()
    finally:
        for owner, name, original in reversed(originals):
            setattr(owner, name, original)
    return totals


def measure(args, path, key):
    from django.db import connection

    from petitions.models import Signature
    from supporters.models import ActionCount

    rows_before = Signature.objects.filter(petition_key=key).count()
    shown_before = ActionCount.total_for(key)
    site = Site()
    # New addresses after an earlier run's (each of its signers was a new one): nobody signs twice.
    signer = Signer(site, path, first_number=rows_before)
    # Warm-up: imports, connections, the content caches, prepared statements.
    for body in signer.bodies(50):
        signer.sign(body)
    for body in baseline_bodies(50, 0):
        baseline(site, body)
    print(
        f"{args.signatures} signings per run, double opt-in {'off' if args.no_double_opt_in else 'on'}, "
        f"CPU of this process (time.process_time) per request"
    )
    signing_figures, baseline_figures = [], []
    for run in range(args.runs):
        base_ms = cpu_per_request(
            lambda body: baseline(site, body), baseline_bodies(args.signatures, 50 + run * args.signatures)
        )
        sign_ms = cpu_per_request(signer.sign, signer.bodies(args.signatures))
        baseline_figures.append(base_ms)
        signing_figures.append(sign_ms)
        print(f"run {run + 1}: signing {sign_ms:.3f} ms, bare INSERT view {base_ms:.3f} ms")
    if args.parts:
        bodies = signer.bodies(args.signatures)
        started = time.process_time()
        totals = timed_parts(lambda: [signer.sign(body) for body in bodies])
        whole = (time.process_time() - started) * 1000 / len(bodies)
        print(f"parts of a signing (ms of CPU per signing; {whole:.3f} ms in all, timing included):")
        for label, seconds in totals.items():
            print(f"  {seconds * 1000 / len(bodies):7.3f}  {label}")
    if args.profile:
        bodies = signer.bodies(args.signatures)
        # CPU time, as the figures above: waiting for PostgreSQL or Redis is not this process's cost.
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        for body in bodies:
            signer.sign(body)
        profiler.disable()
        output = io.StringIO()
        stats = pstats.Stats(profiler, stream=output)
        stats.sort_stats(args.sort).print_stats(args.top)
        print(output.getvalue())
        if args.dump:
            stats.dump_stats(args.dump)
    signing, base = statistics.median(signing_figures), statistics.median(baseline_figures)
    print(
        f"median over {args.runs} runs: signing {signing:.3f} ms CPU, bare INSERT view {base:.3f} ms, "
        f"ratio {base / signing:.2f}"
    )
    signed = signer.number - signer.first_number
    rows = Signature.objects.filter(petition_key=key).count() - rows_before
    shown = ActionCount.total_for(key) - shown_before
    expected_shown = signed if args.no_double_opt_in else 0
    exact = rows == signed and shown == expected_shown
    print(f"signature rows {rows} of {signed}, count shown {shown}: {'EXACT' if exact else 'WRONG'}")
    connection.close()
    return 0 if exact else 1


if __name__ == "__main__":
    sys.exit(main())
