"""Measure the organizer's registration list and CSV export at 100,000 registrations.

    .venv/bin/python benchmarks/admin_registrations.py                  # 100,000 rows
    .venv/bin/python benchmarks/admin_registrations.py --rows 20000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/summit_bench .venv/bin/python benchmarks/admin_registrations.py

It builds a scratch database (SQLite under /tmp unless DATABASE_URL names one; the
database is flushed first, so never point it at real data), loads the demo content and
`loaddemo --synthetic-delegates`, then:

- requests the admin registration list unfiltered, filtered and searched, and prints
  SQL queries and the median time of each;
- streams the CSV export of all rows and of a tenth of them, and prints the peak memory
  Python allocated while streaming (tracemalloc) and the process's peak RSS. Flat memory
  means the peak for all rows is about the peak for a tenth.

Exit status 1 if the export's peak allocation exceeds --max-export-mib (default 32).
"""

import argparse
import json
import os
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "summit_site.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only")
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/summit-bench-admin.sqlite3")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
# DEBUG on serves static files without a collected manifest; its query log is bounded
# (9,000 entries) and the export is one query, so it does not distort the memory figures.
os.environ.setdefault("DEBUG", "true")

MIB = 1024 * 1024


def _status_mib(field):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def _reset_peak_rss():
    """Start the peak RSS (VmHWM) afresh and return the RSS now, the idle figure (Linux)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass
    return _status_mib("VmRSS")


def _peak_rss_since_reset_mib():
    return _status_mib("VmHWM")


def _peak_rss_mib():
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="synthetic registrations (default 100000)")
    parser.add_argument("--repeat", type=int, default=5, help="requests per list view (default 5)")
    parser.add_argument("--max-export-mib", type=float, default=32.0)
    parser.add_argument("--json", help="also write the figures to this JSON file (for benchmarks/run.py)")
    args = parser.parse_args()

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from delegates.models import Registration
    from events.models import Edition

    print(f"Preparing {args.rows} synthetic registrations on {connection.vendor} ...", flush=True)
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    started = time.perf_counter()
    call_command("loaddemo", synthetic_delegates=args.rows, verbosity=0, stdout=open(os.devnull, "w"))
    print(f"  loaded in {time.perf_counter() - started:.1f} s; {Registration.objects.count()} registrations\n")

    user = get_user_model().objects.create_superuser("bench", "bench@example.invalid", "bench-password-1")
    # As a TLS proxy forwards it, so production settings (DEBUG off) answer without a redirect.
    client = Client(headers={"X-Forwarded-Proto": "https"})
    client.force_login(user)
    figures = {"rows": args.rows}
    edition = Edition.objects.order_by("-ordinal").first()
    changelist = reverse("admin:delegates_registration_changelist")

    print(f"{'registration list':<44} {'queries':>7} {'median ms':>10}")
    for label, params in [
        ("unfiltered, first page", {}),
        ("unfiltered, a middle page", {"p": str(args.rows // 200)}),
        ("edition", {"edition__id__exact": edition.pk}),
        (
            "edition + accepted + Taiwan",
            {"edition__id__exact": edition.pk, "status__exact": "accepted", "person__side__exact": "taiwan"},
        ),
        ("not checked in", {"checked_in": "no"}),
        ("search name 'Synthetic 0999'", {"q": "Synthetic 0999"}),
        ("search e-mail 'delegate-05'", {"q": "delegate-05"}),
    ]:
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(changelist, params)
            times.append(time.perf_counter() - start)
            assert response.status_code == 200, (label, response.status_code)
        print(f"{label:<44} {len(queries):>7} {statistics.median(times) * 1000:>10.1f}")
        if label == "unfiltered, first page":
            figures["list_ms"], figures["list_queries"] = statistics.median(times) * 1000, len(queries)

    print(f"\n{'CSV export':<30} {'rows':>8} {'MiB out':>8} {'seconds':>8} {'peak alloc MiB':>15} {'peak RSS MiB':>13}")
    export = reverse("admin:delegates_registration_export")
    peaks = {}
    for label, params in [("a tenth (waiting list)", {"status__exact": "waitlisted"}), ("all rows", {})]:
        rss_before = _reset_peak_rss()
        tracemalloc.start()
        start = time.perf_counter()
        response = client.get(export, params)
        size = lines = 0
        for chunk in response.streaming_content:
            size += len(chunk)
            lines += chunk.count(b"\n")
        seconds = time.perf_counter() - start
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        peaks[label] = peak / MIB
        figures["export_rss_growth_mib"] = _peak_rss_since_reset_mib() - rss_before
        print(
            f"{label:<30} {lines - 1:>8} {size / MIB:>8.1f} {seconds:>8.1f} "
            f"{peak / MIB:>15.1f} {_peak_rss_mib():>13.0f}"
        )

    peak_all = peaks["all rows"]
    figures["export_peak_mib"] = peak_all
    if args.json:
        Path(args.json).write_text(json.dumps(figures))
    print(f"\nPeak allocation while exporting all rows: {peak_all:.1f} MiB (limit {args.max_export_mib} MiB)")
    if peak_all > args.max_export_mib:
        print("FAILED: the export's memory grows with the rows.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
