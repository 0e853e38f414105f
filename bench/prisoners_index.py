"""Benchmark: how fast a section's prisoner index answers with many profiles (list, filter, name search).

Run: DATABASE_URL=postgres://... .venv/bin/python bench/prisoners_index.py [profiles] [requests]
Builds the sections, then `profiles` records and profile pages in one section, inside a transaction
that is rolled back at the end (the database is left as it was). Prints p50/p95 latency and SQL
queries per request for the plain list, a filter, and a Cyrillic name search.
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "site"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plaidoyer.settings.dev")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from prisoners.models import PrisonerIndexPage, PrisonerPage, PrisonerRecord, PrisonerStatus  # noqa: E402
from sections.demo import create_sections  # noqa: E402

PROFILES = int(sys.argv[1]) if len(sys.argv) > 1 else 200
REQUESTS = int(sys.argv[2]) if len(sys.argv) > 2 else 30
STATUSES = PrisonerStatus.values


class Rollback(Exception):
    pass


def measure(client, path, params):
    timings, queries = [], 0
    connection.queries_log.clear()
    for _ in range(REQUESTS):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(path, params, HTTP_HOST="fr.localhost:8000")
            timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
        queries = len(captured.captured_queries)
    timings.sort()
    p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
    return statistics.median(timings), p95, queries


def main():
    if connection.vendor != "postgresql":
        sys.exit("Run against PostgreSQL: set DATABASE_URL=postgres://...")
    try:
        with transaction.atomic():
            sections = create_sections()
            home = sections["fr"].home
            index = PrisonerIndexPage(title="Bench", slug="bench-prisoners", locale=home.locale)
            home.add_child(instance=index)
            start = time.perf_counter()
            for number in range(PROFILES):
                record = PrisonerRecord.objects.create(
                    full_name=f"Person {number} Kalesnikava{number}",
                    other_spellings=f"Колесникова{number}\nKolesnikova{number}",
                    country="Bélarus" if number % 3 else "Burundi",
                    status=STATUSES[number % len(STATUSES)],
                    locale=home.locale,
                )
                index.add_child(
                    instance=PrisonerPage(
                        title=record.full_name, slug=f"p{number}", record=record, locale=home.locale
                    )
                )
            print(f"built {PROFILES} records and profiles in {time.perf_counter() - start:.1f} s")
            client = Client()
            path = f"/fr/{index.slug}/"
            cases = [
                ("list (page 1 of 24)", {}),
                ("filter status+country", {"status": "detained", "country": "Bélarus"}),
                ("search Cyrillic name", {"q": f"Колесникова{PROFILES // 2}"}),
                ("search transliteration", {"q": f"Kalesnikawa{PROFILES // 2}"}),
            ]
            print(f"{'case':28} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}   ({REQUESTS} requests each)")
            for label, params in cases:
                p50, p95, queries = measure(client, path, params)
                print(f"{label:28} {p50:8.1f} {p95:8.1f} {queries:8d}")
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()
