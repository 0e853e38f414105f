"""Benchmark: every public page type in every section language, cached and uncached, next to a bare view.

    .venv/bin/python bench/pages.py [--clients 32] [--workers 2] [--rounds 2] [--seconds 1]
                                    [--only REGEX] [--modes uncached,cached] [--quick]

It creates a fresh database (plaidoyer_bench_pages on the local server, or BENCH_DATABASE_URL), loads the
demo (the `load_demo` command: sections ch in fr/de/it, fr and tg in French, with their content), and
picks, in each section language, one live page of each public type: home, news index, news article,
standard page, prisoner index, the index with a status filter, prisoner profile, petition, letter action,
donation page, join page. Then it serves the site with gunicorn (settings: bench/settings.py, production
settings on PostgreSQL and Redis, REDIS_URL database 7 or BENCH_REDIS_URL) twice:

  1. uncached: PAGE_CACHE_SECONDS=0 (no anonymous page cache);
  2. cached: PAGE_CACHE_SECONDS=5 (the production default); after its rounds, a petition's title is changed by publishing a new
     revision (in this process, on the same database and Redis) and the very next GET must show it.

On each server, the rounds alternate (a shared machine's speed drifts from minute to minute): a bare
Django view (the site's middleware and a two-byte response, no query of its own), then every page, each
for --seconds with --clients concurrent anonymous clients (asyncio, no cookies, a new connection per
request as gunicorn's sync workers close them). Each page's share of the bare view is taken within its
round; the tables give the medians over the rounds. "hits %" is the share of responses whose
X-Page-Cache header says "hit" ("-" when no response had the header at all: no page cache installed).
"client" is the load generator's own CPU as a share of one core: near 1.00, the figure is the client's
limit, not the server's. Queries per page are counted in this process (Django's test client against
the same database, the second of two anonymous requests, i.e. warm), with the same PAGE_CACHE_SECONDS.

Goals (issue 15): cached pages >= 0.5 of the bare view; uncached pages >= 0.1 of it and <= 12 queries;
a publish is visible on the next request.
"""

import argparse
import asyncio
import html
import http.client
import io
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
import warnings
from collections import Counter
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.serving import create_database, environment, gunicorn  # noqa: E402

# PAGE_CACHE_SECONDS of each server. Cached: the production default (settings/base.py), not a long TTL
# that would turn every request into a hit: with 5 s, each page is rebuilt once every 5 s (the cache is
# shared in Redis) and its live counts are that fresh, which is what visitors get on a campaign day.
MODES = {"uncached": 0, "cached": 5}
CACHED_GOAL, UNCACHED_GOAL, QUERY_BUDGET = 0.5, 0.1, 12
BARE_PATH = "/bench-bare/"


def parse_args():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=32, help="concurrent clients (default 32)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (default 2)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of bare view then pages (default 2)")
    parser.add_argument("--seconds", type=float, default=1.0, help="seconds per measurement (default 1)")
    parser.add_argument(
        "--only", help="measure only the pages whose label matches this regex, e.g. 'petition|ch/de'"
    )
    parser.add_argument("--modes", default="uncached,cached", help="uncached, cached or both (default)")
    parser.add_argument(
        "--quick", action="store_true", help="a try: 1 round of 0.5 s, only each section's first language"
    )
    parser.add_argument("--port", type=int, default=8766)
    args = parser.parse_args()
    args.modes = [mode.strip() for mode in args.modes.split(",") if mode.strip()]
    if unknown := set(args.modes) - set(MODES):
        parser.error(f"unknown modes: {', '.join(sorted(unknown))}")
    if args.quick:
        args.rounds, args.seconds = 1, 0.5
    return args


class Target:
    """One URL measured: a page in a section language, or the bare view."""

    def __init__(self, label, host, path, page_id=None):
        self.label, self.host, self.path, self.page_id = label, host, path, page_id
        self.queries = {}  # mode -> warm queries per request


def load_demo():
    """Migrate and load the demo content (load_demo refuses production settings: allowed here, a bench DB)."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import override_settings

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    with override_settings(DEMO_CONTENT_ALLOWED=True):
        call_command("load_demo", stdout=io.StringIO())
    print(f"demo loaded in {time.perf_counter() - started:.0f} s")


def page_targets(first_language_only):
    """One live public page of each type in each section language, in the sections' order."""
    from wagtail.models import Locale, Page, Site

    from donations.models import DonationPage
    from home.models import HomePage, NewsIndexPage, NewsPage, StandardPage
    from membership.models import JoinPage
    from petitions.letters.models import LetterActionPage
    from petitions.models import PetitionPage
    from prisoners.models import PrisonerIndexPage, PrisonerPage
    from sections.demo import SECTIONS

    types = [
        ("home", HomePage),
        ("news index", NewsIndexPage),
        ("news article", NewsPage),
        ("standard page", StandardPage),
        ("prisoner index", PrisonerIndexPage),
        ("prisoner profile", PrisonerPage),
        ("petition", PetitionPage),
        ("letter action", LetterActionPage),
        ("donation", DonationPage),
        ("join", JoinPage),
    ]
    targets, missing = [], []
    for spec in SECTIONS:
        site = Site.objects.get(hostname=spec["hostname"])
        host = f"{site.hostname}:{site.port}"
        languages = spec["languages"][:1] if first_language_only else spec["languages"]
        for language in languages:
            locale = Locale.objects.get(language_code=language)
            home = site.root_page.get_translation_or_none(locale)
            if home is None:
                missing.append(f"{spec['code']}/{language} (no home)")
                continue
            pages = Page.objects.live().public().descendant_of(home, inclusive=True).order_by("path")
            for name, model in types:
                page = pages.exact_type(model).first()
                label = f"{spec['code']}/{language} {name}"
                if page is None:
                    missing.append(label)
                    continue
                path = page.get_url_parts()[2]
                targets.append(Target(label, host, path, page.pk))
                if model is PrisonerPage:
                    index_label = f"{spec['code']}/{language} prisoner index"
                    index = next((target for target in targets if target.label == index_label), None)
                    if index is not None:  # filtered on this profile's status, so it lists someone
                        status = page.specific.record.status
                        targets.append(
                            Target(f"{index_label} ?status", host, f"{index.path}?status={status}")
                        )
    return targets, missing


def count_queries(targets, cache_seconds):
    """Queries of the second of two anonymous GETs of each target (warm), in this process."""
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    mode = next(name for name, seconds in MODES.items() if seconds == cache_seconds)
    with override_settings(PAGE_CACHE_SECONDS=cache_seconds):
        for target in targets:
            Client().get(target.path, HTTP_HOST=target.host)
            with CaptureQueriesContext(connection) as captured:
                response = Client().get(target.path, HTTP_HOST=target.host)
            if response.status_code != 200:
                raise SystemExit(f"{target.label}: {target.path} answered {response.status_code} in process")
            target.queries[mode] = len(captured.captured_queries)


def quoted(path):
    """The path as it goes on the wire (slugs may be Unicode)."""
    return quote(path, safe="/?=&%:+")


HEAD_END = b"\r\n\r\n"
CACHE_HEADER = re.compile(rb"\r\nx-page-cache:[ \t]*([a-z]+)", re.IGNORECASE)
LENGTH_HEADER = re.compile(rb"\r\ncontent-length:[ \t]*([0-9]+)", re.IGNORECASE)


class Get(asyncio.Protocol):
    """Sends the request, collects the response until the server closes the connection."""

    def __init__(self, request, done):
        self.request, self.done, self.chunks = request, done, []

    def connection_made(self, transport):
        transport.write(self.request)

    def data_received(self, data):
        self.chunks.append(data)

    def connection_lost(self, exc):
        if not self.done.done():
            self.done.set_result(b"".join(self.chunks))


async def fetch(port, request):
    """One GET on a new connection, read to the end (gunicorn's sync workers close after each response).

    Returns (status, X-Page-Cache value or b""); status 0 if the response was cut short. This small
    client costs about half the CPU per request that aiohttp does (here about 0.45 ms against 1 ms),
    which matters when it shares 2 cores with the server and must keep up with cached pages.
    """
    done = asyncio.get_running_loop().create_future()
    await asyncio.get_running_loop().create_connection(lambda: Get(request, done), "127.0.0.1", port)
    data = await done
    end = data.find(HEAD_END)
    head, body = data[:end], data[end + 4 :]
    length = LENGTH_HEADER.search(head)
    if end < 0 or (length and int(length.group(1)) != len(body)):
        return 0, b""
    cache = CACHE_HEADER.search(head)
    return int(head[9:12]), cache.group(1).lower() if cache else b""


def request_bytes(target):
    return (
        f"GET {quoted(target.path)} HTTP/1.1\r\nHost: {target.host}\r\n"
        "User-Agent: plaidoyer-bench\r\nAccept: text/html\r\nConnection: close\r\n\r\n"
    ).encode()


async def burst(port, target, count):
    """`count` GETs at once (a warm-up: each worker gets some)."""
    await asyncio.gather(*(fetch(port, request_bytes(target)) for _ in range(count)))


async def load(port, target, clients, seconds):
    """`clients` anonymous clients (no cookies) GET the target for `seconds`; returns a row of the table."""
    request = request_bytes(target)
    latencies, statuses, cache_headers = [], Counter(), Counter()

    async def client():
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                status, cache = await fetch(port, request)
            except OSError:  # refused or reset: counted as an error
                status, cache = 0, b""
            latencies.append(time.perf_counter() - started)
            statuses[status] += 1
            cache_headers[cache] += 1

    started = time.perf_counter()
    deadline = started + seconds
    await asyncio.gather(*(client() for _ in range(clients)))
    elapsed = time.perf_counter() - started
    ordered = sorted(latencies)
    total = len(ordered)
    tagged = total - cache_headers[b""]
    return {
        "rate": total / elapsed,
        "p50": statistics.median(ordered) * 1000,
        "p95": ordered[max(0, int(total * 0.95) - 1)] * 1000,
        "errors": total - statuses[200],
        "hits": 100 * cache_headers[b"hit"] / total if tagged else None,
    }


def measure(port, target, clients, seconds):
    """A row for the target, with the load generator's own CPU (share of one core: near 1, it is the limit)."""
    cpu, wall = time.process_time(), time.perf_counter()
    row = asyncio.run(load(port, target, clients, seconds))
    row["client"] = (time.process_time() - cpu) / (time.perf_counter() - wall)
    return row


def get(port, target):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", quoted(target.path), headers={"Host": target.host})
        response = connection.getresponse()
        return response.status, response.getheader("X-Page-Cache", "-"), response.read().decode()
    finally:
        connection.close()


def run_mode(args, mode, env, bare, targets):
    """Serve with this mode's PAGE_CACHE_SECONDS, alternate rounds; returns {label: median row}."""
    import redis

    # No page cached by the query counts or by a previous server.
    redis.Redis.from_url(env["REDIS_URL"]).flushdb()
    rows = {target.label: [] for target in [bare, *targets]}
    with gunicorn({**env, "PAGE_CACHE_SECONDS": str(MODES[mode])}, args.port, args.workers):
        # Warm every worker (imports, connections, per-process caches) and the page cache.
        for target in [bare, *targets]:
            status, _cache, _body = get(args.port, target)
            if status != 200:
                raise SystemExit(f"{target.label}: {target.path} answered {status}")
            asyncio.run(burst(args.port, target, 2 * args.workers))
        for number in range(args.rounds):
            bare_row = measure(args.port, bare, args.clients, args.seconds)
            bare_row["share"] = 1.0
            rows[bare.label].append(bare_row)
            for target in targets:
                row = measure(args.port, target, args.clients, args.seconds)
                row["share"] = row["rate"] / bare_row["rate"]
                rows[target.label].append(row)
            print(f"  {mode} round {number + 1}: bare view {bare_row['rate']:.0f} /s")
        publish = check_publish(args.port, targets) if mode == "cached" else None
    medians = {}
    for label, measured in rows.items():
        medians[label] = {
            key: (statistics.median(values) if all(value is not None for value in values) else None)
            for key in measured[0]
            for values in [[row[key] for row in measured]]
        }
        medians[label]["errors"] = sum(row["errors"] for row in measured)
    return medians, publish


def check_publish(port, targets):
    """Publish a new title for a petition (in this process) and GET it at once from gunicorn."""
    from django.test import override_settings
    from wagtail.models import Page

    target = next((target for target in targets if target.label.endswith(" petition")), None)
    if target is None:
        return "not checked (no petition measured)"
    before = [get(port, target)[1] for _ in range(2)]  # cached now, if anything is
    page = Page.objects.get(pk=target.page_id).specific
    page.title = f"{page.title} (bench {int(time.time())})"
    with override_settings(PAGE_CACHE_SECONDS=MODES["cached"]):
        page.save_revision().publish()
    status, cache, body = get(port, target)
    seen = status == 200 and html.escape(page.title) in body
    return (
        f"{'yes' if seen else 'NO'} ({target.label}: X-Page-Cache before {'/'.join(before)}, "
        f"after the publish {cache}, status {status})"
    )


def print_table(mode, bare, targets, medians, rounds):
    goal = CACHED_GOAL if mode == "cached" else UNCACHED_GOAL
    goal_text = f">= {goal} of bare" + ("" if mode == "cached" else f", <= {QUERY_BUDGET} queries")
    print(f"\n{mode} (PAGE_CACHE_SECONDS={MODES[mode]}), medians over {rounds} round(s); goal {goal_text}")
    print(
        f"{'page':34} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'queries':>7} {'share':>6} {'hits %':>6} "
        f"{'errors':>6} {'client':>6}  goal"
    )
    met = 0
    for target in [bare, *targets]:
        row = medians[target.label]
        queries = target.queries.get(mode)
        hits = "-" if row["hits"] is None else f"{row['hits']:.0f}"
        if target is bare:
            verdict = ""
        else:
            ok = row["share"] >= goal and (
                mode == "cached" or (queries is not None and queries <= QUERY_BUDGET)
            )
            met += ok
            verdict = "yes" if ok else "no"
        print(
            f"{target.label:34} {row['rate']:7.0f} {row['p50']:7.1f} {row['p95']:7.1f} "
            f"{'-' if queries is None else queries:>7} {row['share']:6.2f} {hits:>6} {row['errors']:6d} {row['client']:6.2f}  {verdict}"
        )
    return met


def main():
    args = parse_args()
    database_url = os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/plaidoyer_bench_pages"
    )
    media = tempfile.mkdtemp(prefix="plaidoyer-bench-media-")
    env = environment(
        database_url,
        os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7"),
        MEDIA_ROOT=media,
        PAGE_CACHE_SECONDS="0",
    )
    os.environ.update(env)
    warnings.filterwarnings("ignore", "No directory at", UserWarning)  # as PYTHONWARNINGS does for gunicorn
    sys.path[:0] = [str(ROOT / "site"), str(ROOT)]
    try:
        create_database(database_url)
        load_demo()
        targets, missing = page_targets(first_language_only=args.quick)
        if args.only:
            targets = [target for target in targets if re.search(args.only, target.label)]
        if missing:
            print(f"no such page in the demo: {', '.join(missing)}")
        if not targets:
            raise SystemExit("no page to measure")
        bare = Target("bare view", "fr.localhost:8000", BARE_PATH)
        for mode in args.modes:
            count_queries(targets, MODES[mode])
        print(
            f"{len(targets)} pages, {args.clients} clients, gunicorn {args.workers} sync workers, "
            f"{args.rounds} round(s) of {args.seconds:g} s per measurement"
        )
        errors, summary = 0, []
        for mode in args.modes:
            medians, publish = run_mode(args, mode, env, bare, targets)
            met = print_table(mode, bare, targets, medians, args.rounds)
            errors += sum(row["errors"] for row in medians.values())
            summary.append(f"{mode}: {met}/{len(targets)} pages meet the goal")
            if publish is not None:
                summary.append(f"a publish is visible on the next request: {publish}")
        print()
        for line in summary:
            print(line)
        if errors:
            print(f"{errors} responses were not 200")
        return 1 if errors else 0
    finally:
        from django.db import connections

        connections.close_all()
        shutil.rmtree(media, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
