"""Delegations at scale: a focal point registering 50 members in one sitting, and 1,000
invitations imported and sent.

    .venv/bin/python benchmarks/delegations.py
    .venv/bin/python benchmarks/delegations.py --members 50 --invitations 1000 --json out.json
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/summit_bench .venv/bin/python benchmarks/delegations.py

A scratch database (SQLite under /tmp unless DATABASE_URL names one; it is flushed first,
so never point it at real data) gets one open edition with a delegation. E-mail is queued in
the database (TASKS_BACKEND=django_tasks_db.DatabaseBackend, as in production; no worker
runs), so "e-mails queued" counts the tasks waiting. Through the focal point's page, over
Django's test client with the whole middleware stack:

- one member per post, as the short form sends them;
- the same number again as one pasted table: preview, then confirm;

and through the organizer's import: 1,000 invitations previewed (nothing written, nothing
sent), then confirmed. For each: wall time, SQL queries, e-mails queued.
"""

import argparse
import json
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "summit_site.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only")
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/summit-bench-delegations.sqlite3")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("DEBUG", "true")  # serves static files without a collected manifest
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ["TASKS_BACKEND"] = "django_tasks_db.DatabaseBackend"


def _member(number):
    return {
        "action": "add",
        "family_name": f"Member{number:03d}",
        "given_name": "Mei",
        "native_name": "",
        "honorific": "",
        "email": f"member{number:03d}@example.tw",
        "position": "議員",
        "organization": "臺北市議會",
        "category": "local_councilor",
        "participation": "aide" if number % 5 == 0 else "member",
    }


def _table(first, count):
    header = "email\tfamily_name\tgiven_name\tposition\tcomes_as\n"
    rows = (f"table{n:03d}@example.tw\tTable{n:03d}\tJun\t議員\t{'aide' if n % 5 == 0 else ''}" for n in range(count))
    return header + "\n".join(rows) + "\n"


def _invitations_csv(count):
    lines = ["email,family_name,given_name,language,position"]
    languages = ["ja", "zh-hant", "en"]
    lines += [f"invitee{n:04d}@example.org,Invitee{n:04d},Ken,{languages[n % 3]},Councilor" for n in range(count)]
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=50)
    parser.add_argument("--invitations", type=int, default=1000)
    parser.add_argument("--json", help="also write the figures to this JSON file")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django_tasks_db.models import DBTaskResult

    from delegates import imports, tokens
    from delegates.models import Delegation, Invitation, Registration, Side
    from events.models import Edition, Series

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    series = Series.objects.create(name_en="Japan–Taiwan Exchange Summit", slug="bench", founded_year=2015)
    edition = Edition.objects.create(
        series=series,
        ordinal=12,
        year=2026,
        slug="bench-2026",
        host_city_en="Nagoya",
        status=Edition.Status.REGISTRATION_OPEN,
        registration_mode=Edition.RegistrationMode.BOTH,
        requires_approval=False,
        capacity=5000,
    )
    delegation = Delegation.objects.create(
        edition=edition, name_en="Taipei City Council", side=Side.TAIWAN, quota=2 * args.members
    )
    client = Client(headers={"X-Forwarded-Proto": "https"})
    page = f"/zh-hant/delegation/{tokens.delegation_token(delegation)}/"
    figures = {"database": connection.vendor, "members": args.members, "invitations": args.invitations}
    rows = []

    def measure(label, work):
        queued_before = DBTaskResult.objects.count()
        # Counted as they run: Django's own query log keeps only the last 9,000.
        count = [0]

        def counting(execute, sql, params, many, context):
            count[0] += 1
            return execute(sql, params, many, context)

        start = time.perf_counter()
        with connection.execute_wrapper(counting):
            work()
        seconds = time.perf_counter() - start
        queued = DBTaskResult.objects.count() - queued_before
        rows.append((label, seconds, count[0], queued))
        return seconds, count[0], queued

    def one_by_one():
        for number in range(args.members):
            response = client.post(page, _member(number))
            assert response.status_code == 302, response.status_code

    seconds, queries, queued = measure(f"focal point: {args.members} members, one post each", one_by_one)
    figures["focal_one_by_one"] = {"seconds": seconds, "queries": queries, "emails_queued": queued}

    table = _table(0, args.members)
    preview = {}

    def table_preview():
        response = client.post(page, {"action": "preview_table", "table": table})
        found = re.search(r'name="token" value="([^"]+)"', response.content.decode())
        assert response.status_code == 200 and found, "preview failed"
        preview["token"] = found.group(1)

    def table_confirm():
        response = client.post(page, {"action": "import_table", "token": preview["token"]}, follow=True)
        refused = re.findall(r'message--warning">([^<]+)<', response.content.decode())
        assert response.status_code == 200 and not refused, refused

    seconds, queries, queued = measure(f"focal point: {args.members}-row table, preview", table_preview)
    figures["focal_table_preview"] = {"seconds": seconds, "queries": queries, "emails_queued": queued}
    seconds, queries, queued = measure(f"focal point: {args.members}-row table, confirm", table_confirm)
    figures["focal_table_confirm"] = {"seconds": seconds, "queries": queries, "emails_queued": queued}
    registered = Registration.objects.filter(delegation=delegation).count()
    assert registered == 2 * args.members, (registered, rows)

    text = _invitations_csv(args.invitations)
    target = imports.ImportTarget(kind=imports.ImportTarget.INVITE)

    def invite(dry_run):
        def run():
            results = imports.delegates_import(edition=edition, text=text, user=None, dry_run=dry_run, target=target)
            assert all(result.outcome == imports.Outcome.CREATE for result in results)

        return run

    seconds, queries, queued = measure(f"{args.invitations} invitations, preview", invite(True))
    figures["invitations_preview"] = {"seconds": seconds, "queries": queries, "emails_queued": queued}
    assert not Invitation.objects.exists()
    seconds, queries, queued = measure(f"{args.invitations} invitations, import and send", invite(False))
    figures["invitations_import"] = {"seconds": seconds, "queries": queries, "emails_queued": queued}
    assert Invitation.objects.count() == args.invitations

    print(f"\n{connection.vendor}")
    print(f"{'what':<48} {'seconds':>8} {'queries':>8} {'per row':>8} {'e-mails queued':>15}")
    for label, seconds, queries, queued in rows:
        count = args.invitations if "invitations" in label else args.members
        print(f"{label:<48} {seconds:>8.2f} {queries:>8} {queries / count:>8.1f} {queued:>15}")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
