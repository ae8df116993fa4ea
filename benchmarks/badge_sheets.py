"""Measure the badge sheet (four A6 badges per A4 page) for 300 and 3,000 accepted delegates.

    .venv/bin/python benchmarks/badge_sheets.py                 # 300 and 3,000
    .venv/bin/python benchmarks/badge_sheets.py --sizes 300
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/summit_bench .venv/bin/python benchmarks/badge_sheets.py

Each size runs in a fresh process on a scratch database (SQLite under /tmp unless
DATABASE_URL names one; it is flushed first, so never point it at real data) holding that
many accepted synthetic delegates, half of them with a name in Chinese or Japanese script.
It prints the seconds, pages and size of the PDF and the process's peak RSS; with --trace
also the peak memory Python allocated while writing (tracemalloc, which makes it about three
times slower). Flat memory means the peak for 3,000 is about the peak for 300: most of it is
the CJK font, parsed once per part of the sheet.

Exit status 1 if the largest size's peak RSS exceeds the smallest's by more than --max-growth
(default 1.25 times).
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MIB = 1024 * 1024
NATIVE = "試驗代表甲乙丙丁戊己庚辛壬癸"


def measure(size, trace):
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "summit_site.settings")
    os.environ.setdefault("SECRET_KEY", "benchmark-only")
    os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/summit-bench-badges.sqlite3")
    os.environ.setdefault("DEBUG", "false")
    import django

    django.setup()
    from django.core.management import call_command

    from delegates.badge_sheets import sheet_order, write_badge_sheet
    from delegates.models import Person, Registration
    from events.models import Edition
    from events.synthetic import create_synthetic_delegates

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    call_command("loaddemo", verbosity=0, stdout=open(os.devnull, "w"))
    edition = Edition.objects.order_by("-ordinal").first()
    create_synthetic_delegates(edition, size)
    # Benchmark data only: every synthetic registration accepted, every other one with a
    # name in CJK script so the embedded font subset is realistic.
    Registration.objects.filter(person__is_synthetic=True).update(status=Registration.Status.ACCEPTED)
    for index, person in enumerate(Person.objects.filter(is_synthetic=True).only("pk").order_by("pk")):
        if index % 2:
            name = "".join(NATIVE[(index // 7**power) % len(NATIVE)] for power in range(4))
            Person.objects.filter(pk=person.pk).update(native_name=name)

    registrations = sheet_order(Registration.objects.filter(edition=edition, person__is_synthetic=True))
    path = f"/tmp/summit-bench-badge-sheet-{size}.pdf"
    if trace:
        tracemalloc.start()
    start = time.perf_counter()
    with open(path, "wb") as out:
        badges = write_badge_sheet(registrations, out)
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] if trace else 0
    tracemalloc.stop()
    from pypdf import PdfReader

    return {
        "badges": badges,
        "pages": len(PdfReader(path).pages),
        "seconds": round(seconds, 1),
        "mib_out": round(os.path.getsize(path) / MIB, 1),
        "peak_alloc_mib": round(peak / MIB, 1) if trace else "-",
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[300, 3000])
    parser.add_argument("--trace", action="store_true", help="also measure allocations with tracemalloc")
    parser.add_argument("--max-growth", type=float, default=1.25)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child, args.trace)))
        return 0

    print(f"{'badges':>7} {'pages':>6} {'seconds':>8} {'MiB out':>8} {'peak alloc MiB':>15} {'peak RSS MiB':>13}")
    rss = []
    for size in args.sizes:
        result = subprocess.run(
            [sys.executable, __file__, "--child", str(size), *(["--trace"] if args.trace else [])],
            capture_output=True,
            text=True,
            check=True,
        )
        figures = json.loads(result.stdout.strip().splitlines()[-1])
        print(
            f"{figures['badges']:>7} {figures['pages']:>6} {figures['seconds']:>8} {figures['mib_out']:>8} "
            f"{figures['peak_alloc_mib']:>15} {figures['peak_rss_mib']:>13}",
            flush=True,
        )
        rss.append(figures["peak_rss_mib"])
    if len(rss) > 1 and rss[-1] > rss[0] * args.max_growth:
        print(f"FAILED: peak RSS grew from {rss[0]} to {rss[-1]} MiB.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
