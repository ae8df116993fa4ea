"""Time the public pages at a given size, uncached and from the page cache.

    .venv/bin/python benchmarks/public_pages.py --size 1000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/summit_bench .venv/bin/python benchmarks/public_pages.py

It builds a scratch database (SQLite under /tmp unless DATABASE_URL names one; the
database is flushed first, so never point it at real data), fills it with the demo
content plus `--size` synthetic speeches, resolutions and public people, then requests
every public page in each language and prints, per page: SQL queries, median time
uncached, median time from the page cache, and the size of the HTML.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "summit_site.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only")
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/summit-bench-public.sqlite3")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=1000, help="rows of each kind to add (default 1000)")
    parser.add_argument("--repeat", type=int, default=5, help="requests per page and mode (default 5)")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django.urls import reverse
    from django.utils import translation

    from events.demo import load_demo
    from tests.factories import make_public_record

    setup_test_environment()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    load_demo()
    record = make_public_record(args.size)
    held, speech = record["held"], record["held"].speeches.first()
    pages = [
        ("home", "events:home", {}, ""),
        ("edition", "events:edition_detail", {"slug": held.slug}, ""),
        ("speech", "events:speech_detail", {"edition_slug": held.slug, "slug": speech.slug}, ""),
        ("resolution", "events:resolution_detail", {"edition_slug": held.slug, "number": 1}, ""),
        ("resolutions", "events:resolution_list", {}, "?status=adopted"),
        ("topic", "events:topic_detail", {"slug": record["topic"].slug}, ""),
        ("person", "events:person_detail", {"slug": record["star"].slug}, ""),
        ("search", "events:search", {}, "?q=supply"),
        ("api", "events:api_resolution_list", {}, ""),
        ("feed", "events:resolution_feed", {}, ""),
    ]
    # Production settings redirect plain http to https; a TLS proxy says the request was https.
    client = Client(headers={"X-Forwarded-Proto": "https"})
    print(f"{args.size} rows of each kind, {connection.vendor}, median of {args.repeat} requests\n")
    print(f"{'page':<12} {'lang':<8} {'queries':>7} {'uncached ms':>12} {'cached ms':>10} {'KiB':>7}")
    for label, name, kwargs, query in pages:
        for language in ("en", "ja", "zh-hant"):
            with translation.override(language):
                url = reverse(name, kwargs=kwargs) + query
            uncached, cached = [], []
            for _ in range(args.repeat):
                cache.clear()
                start = time.perf_counter()
                with CaptureQueriesContext(connection) as queries:
                    response = client.get(url)
                uncached.append(time.perf_counter() - start)
                # Counted now: every request start empties the connection's query log.
                query_count = len(queries)
                start = time.perf_counter()
                client.get(url)
                cached.append(time.perf_counter() - start)
            assert response.status_code == 200, (url, response.status_code)
            print(
                f"{label:<12} {language:<8} {query_count:>7} {statistics.median(uncached) * 1000:>12.1f} "
                f"{statistics.median(cached) * 1000:>10.1f} {len(response.content) / 1024:>7.1f}"
            )


if __name__ == "__main__":
    main()
