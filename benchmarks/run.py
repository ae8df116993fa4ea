"""`make bench`: every figure of the README's performance table, in one run, beside a bare
Django view measured in the same run.

    .venv/bin/python benchmarks/run.py                    # about ten minutes on 2 cores
    .venv/bin/python benchmarks/run.py --quick            # shorter runs, 10,000 admin rows
    BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/summit_bench .venv/bin/python benchmarks/run.py

With the default settings (DEBUG off; requests carry `X-Forwarded-Proto: https` as a TLS
proxy sends it) it:

1. builds the data set (the demo plus 50 speeches, resolutions and public people) in a
   scratch SQLite database under /tmp and, when reachable, in the PostgreSQL database
   BENCH_POSTGRES_URL names (flushed first: never point it at real data);
2. times every public page in-process, uncached and cached, with its SQL query count;
3. starts gunicorn (2 sync workers) with Redis as the cache, and a bare Django site, and
   loads each page with wrk: cached, then with no cache at all;
4. the mixed load: all public pages read while registrations, confirmations and
   check-ins arrive at 20 a second, against the read-only throughput;
5. the same pages through nginx (summit_site/nginx.conf) when Debian's nginx is installed;
6. the registration flow over HTTP: GET form and POST (wrk), then every confirmation link
   (GET and POST), with the e-mail queued in the database; then checks capacity and the
   waiting list's order;
7. the admin registration list at 1,000 and 100,000 registrations and the CSV export's
   memory (benchmarks/admin_registrations.py);

then prints one table and writes benchmarks/results.json.
"""

import argparse
import datetime
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").exists() else sys.executable
GUNICORN = str(Path(PYTHON).parent / "gunicorn")
LUA = ROOT / "benchmarks" / "lua"
SECRET_KEY = "benchmark-only-secret-key-" + "k" * 40
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/summit_bench")
PORT = int(os.environ.get("BENCH_PORT", "18000"))
HTTPS = {"X-Forwarded-Proto": "https"}


def server_environment(database_url, cache_url):
    """The default settings, plus what any deployment must set."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "summit_site.settings",
        "DEBUG": "false",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "DATABASE_URL": database_url,
        "CACHE_URL": cache_url,
        "CACHE_KEY_PREFIX": "summit-bench",
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        # Behind one proxy (nginx, or wrk standing in for it) that sets X-Forwarded-For.
        "RATE_LIMIT_PROXY_COUNT": "1",
        "LOG_LEVEL": "WARNING",
    }


# --- Processes -----------------------------------------------------------------------------


class Server:
    def __init__(self, name, command, env, port):
        self.name, self.port = name, port
        self.log = tempfile.NamedTemporaryFile(prefix=f"summit-bench-{name}-", suffix=".log", delete=False)
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{name} exited; see {self.log.name}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"{name} did not start; see {self.log.name}")

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


def gunicorn(name, env, port, app="summit_site.wsgi", workers=2):
    command = [GUNICORN, app, "-c", str(ROOT / "gunicorn.conf.py"), "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", str(workers), "--access-logfile", "/dev/null", "--max-requests", "0"]
    return Server(name, command, env, port)


def get(url, headers=None):
    request = urllib.request.Request(url, headers={**HTTPS, **(headers or {})})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, response.read()


def wrk(url, seconds, script=None, connections=8, threads=2, env=None):
    """Run wrk; returns requests/s, p50/p99 ms, errors and the script's own report."""
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    command += ["-s", str(script or LUA / "paths.lua"), url]
    result = subprocess.run(command, capture_output=True, text=True, env={**os.environ, **(env or {})}, check=True)
    return _parse_wrk(result.stdout)


def _milliseconds(text):
    for unit, factor in (("us", 0.001), ("ms", 1.0), ("s", 1000.0), ("m", 60000.0)):
        if text.endswith(unit):
            return float(text[: -len(unit)]) * factor
    return float(text)


def _parse_wrk(output):
    figures = {"errors": 0, "report": {}}
    for line in output.splitlines():
        words = line.split()
        if line.startswith("Requests/sec:"):
            figures["rps"] = float(words[1])
        elif len(words) == 2 and words[0] in ("50%", "99%"):
            figures["p" + words[0][:-1]] = _milliseconds(words[1])
        elif line.strip().startswith("Non-2xx or 3xx responses:"):
            figures["errors"] += int(words[-1])
        elif line.strip().startswith("Socket errors:"):
            figures["errors"] += sum(int(part.split()[-1]) for part in line.split(":", 1)[1].split(","))
        elif line.startswith("REPORT "):
            key, value = words[1], words[2]
            figures["report"][key] = float(value)
        elif "requests in" in line:
            figures["requests"] = int(words[0])
            figures["seconds"] = _milliseconds(words[3].rstrip(",")) / 1000
    return figures


def write_paths(paths):
    handle = tempfile.NamedTemporaryFile("w", prefix="summit-bench-paths-", suffix=".txt", delete=False)
    handle.write("\n".join(paths) + "\n")
    handle.close()
    return handle.name


# --- One database: everything measured against it -----------------------------------------


def setup_django(database_url, cache_url):
    os.environ.update(server_environment(database_url, cache_url))
    import django

    django.setup()


def in_process(pages, repeat):
    """Each page uncached and cached, interleaved with the bare view so load drifts cancel out.

    CPU time of this process (time.process_time): on a machine shared with other work,
    wall-clock time measures the neighbours as much as the page. SQLite runs inside the
    process, so its work is counted; a PostgreSQL server's own work is not."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client, RequestFactory
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from benchmarks.bare_site import bare_view

    setup_test_environment()
    client, factory = Client(headers=HTTPS), RequestFactory()
    rows = {}
    for label, path in pages:
        bare, uncached, cached = [], [], []
        for _ in range(repeat):
            start = time.process_time()
            bare_view(factory.get("/"))
            bare.append(time.process_time() - start)
            cache.clear()
            start = time.process_time()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path)
            uncached.append(time.process_time() - start)
            # Counted now: the next request start empties the connection's query log.
            query_count = len(queries)
            assert response.status_code == 200, (path, response.status_code)
            start = time.process_time()
            client.get(path)
            cached.append(time.process_time() - start)
        rows[label] = {
            "bare_ms": statistics.median(bare) * 1000,
            "uncached_ms": statistics.median(uncached) * 1000,
            "cached_ms": statistics.median(cached) * 1000,
            "queries": query_count,
            "kib": len(response.content) / 1024,
        }
        rows[label]["uncached_ratio"] = rows[label]["uncached_ms"] / rows[label]["bare_ms"]
    return rows


def _writer(edition, stop, counts, rate=20.0):
    """Registrations, confirmations and check-ins, `rate` a second in turn, through the services."""
    from django.db import close_old_connections

    from delegates.models import Registration
    from delegates.services import registration_check_in, registration_confirm
    from tests.factories import register_delegate

    interval, kinds, index = 1.0 / rate, ("register", "confirm", "check_in"), 0
    next_at = time.monotonic()
    try:
        while not stop.is_set():
            kind = kinds[index % 3]
            index += 1
            try:
                if kind == "register":
                    register_delegate(edition, email=f"mixed-{time.time_ns()}@example.org")
                elif kind == "confirm":
                    registration = Registration.objects.filter(edition=edition, status="unconfirmed").first()
                    if registration:
                        registration_confirm(registration=registration)
                else:
                    registration = Registration.objects.filter(
                        edition=edition, status="accepted", checked_in_at__isnull=True
                    ).first()
                    if registration:
                        registration_check_in(registration=registration)
                counts[kind] += 1
            except Exception as error:  # counted, never hidden
                counts["errors"] += 1
                counts["last_error"] = repr(error)
            next_at += interval
            time.sleep(max(0.0, next_at - time.monotonic()))
    finally:
        close_old_connections()


def registration_flow(server_url, edition_slug, seconds):
    """wrk: GET form + POST per registration; then GET + POST per confirmation link."""
    from django.db.models import Count, Max, Min

    from delegates import tokens
    from delegates.models import Registration
    from events.models import Edition

    edition = Edition.objects.get(slug=edition_slug)
    register = wrk(
        server_url,
        seconds,
        LUA / "register.lua",
        env={"BENCH_EDITION": edition_slug, "BENCH_RUN": str(time.time_ns())},
    )
    created = Registration.objects.filter(edition=edition).count()
    # Half the places there are delegates, so the waiting list fills up too.
    capacity = max(1, created // 2)
    Edition.objects.filter(pk=edition.pk).update(capacity=capacity)
    unconfirmed = list(Registration.objects.filter(edition=edition, status="unconfirmed").order_by("pk"))
    paths = write_paths(
        [f"/en/registration/confirm/{tokens.confirm_token(registration)}/" for registration in unconfirmed]
    )
    confirm = wrk(server_url, seconds, LUA / "confirm.lua", env={"BENCH_PATHS": paths})
    os.unlink(paths)
    accepted = Registration.objects.filter(edition=edition, status="accepted")
    waitlisted = Registration.objects.filter(edition=edition).waitlisted()
    confirmed = Registration.objects.filter(edition=edition, confirmed_at__isnull=False).count()
    last_accepted = accepted.aggregate(last=Max("confirmed_at"))["last"]
    first_waiting = waitlisted.aggregate(first=Min("confirmed_at"))["first"]
    waiting_order = list(waitlisted.values_list("confirmed_at", flat=True))
    from django_tasks_db.models import DBTaskResult

    def per_second(field):
        # From the rows' own timestamps: the first and last write of the run.
        span = Registration.objects.filter(edition=edition).aggregate(first=Min(field), last=Max(field), n=Count(field))
        seconds = (span["last"] - span["first"]).total_seconds() if span["n"] > 1 else 0
        return (span["n"] - 1) / seconds if seconds else 0.0

    return {
        "registrations": created,
        "registrations_per_s": per_second("created_at"),
        "register_errors": register["errors"],
        "register_posts_sent": int(register["report"].get("posts_sent", 0)),
        "register_posts_redirected": int(register["report"].get("posts", 0)),
        "register_p50_ms": register.get("p50"),
        "register_p99_ms": register.get("p99"),
        "confirmations": confirmed,
        "confirmations_per_s": per_second("confirmed_at"),
        "confirm_links": len(unconfirmed),
        "confirm_errors": confirm["errors"],
        "capacity": capacity,
        "accepted": accepted.count(),
        "waitlisted": waitlisted.count(),
        "capacity_exact": accepted.count() == min(capacity, confirmed),
        "waiting_list_in_order": waiting_order == sorted(waiting_order)
        and (last_accepted is None or first_waiting is None or last_accepted <= first_waiting),
        "emails_queued": DBTaskResult.objects.count(),
    }


def measure_database(database_url, args):
    """Everything measured against one database; returns its part of the results."""
    setup_django(database_url, REDIS_URL)
    from django.core.management import call_command
    from django.db import connection

    from benchmarks.common import build_public_dataset, public_pages
    from delegates.models import Registration
    from events.models import Edition

    vendor = connection.vendor
    print(f"[{vendor}] building the data set ...", flush=True)
    record = build_public_dataset(50)
    open_edition = record["upcoming"]
    open_edition.requires_approval = False
    open_edition.capacity = None
    open_edition.save()
    call_command("collectstatic", interactive=False, verbosity=0)
    pages = public_pages(record)
    results = {"vendor": vendor}

    print(f"[{vendor}] in-process pages ...", flush=True)
    results["in_process"] = in_process(pages, args.repeat)

    env = server_environment(database_url, REDIS_URL)
    dummy_env = server_environment(database_url, "dummycache://")
    servers = []
    try:
        bare = gunicorn("bare", env, PORT + 1, app="benchmarks.bare_site:application")
        servers.append(bare)
        app = gunicorn("app", env, PORT + 2)
        servers.append(app)
        uncached_app = gunicorn("app-nocache", dummy_env, PORT + 3)
        servers.append(uncached_app)
        for server in (app, uncached_app):
            for _label, path in pages:
                status, _body = get(server.url + path)
                assert status == 200, (server.name, path, status)
        nginx = start_nginx(PORT + 4, app.port) if args.nginx and shutil.which("nginx") else None
        if nginx:
            servers.append(nginx)

        print(f"[{vendor}] HTTP pages (wrk, {args.seconds} s each) ...", flush=True)
        http = {"bare": wrk(bare.url, args.seconds, env={"BENCH_PATHS": write_paths(["/"])})}
        for label, path in pages:
            paths = write_paths([path])
            row = {
                "cached": wrk(app.url, args.seconds, env={"BENCH_PATHS": paths}),
                "uncached": wrk(uncached_app.url, args.seconds, env={"BENCH_PATHS": paths}),
            }
            if nginx:
                row["nginx"] = wrk(nginx.url, args.seconds, env={"BENCH_PATHS": paths})
            http[label] = row
            os.unlink(paths)
        results["http"] = http

        print(f"[{vendor}] mixed load ...", flush=True)
        all_paths = write_paths([path for _label, path in pages])
        read_only = wrk(app.url, args.seconds * 2, env={"BENCH_PATHS": all_paths})
        stop, counts = threading.Event(), {"register": 0, "confirm": 0, "check_in": 0, "errors": 0}
        writer = threading.Thread(target=_writer, args=(open_edition, stop, counts), daemon=True)
        writer.start()
        time.sleep(1)
        mixed = wrk(app.url, args.seconds * 2, env={"BENCH_PATHS": all_paths})
        stop.set()
        writer.join()
        os.unlink(all_paths)
        results["mixed"] = {
            "read_only_rps": read_only["rps"],
            "mixed_rps": mixed["rps"],
            "ratio": mixed["rps"] / read_only["rps"],
            "read_errors": read_only["errors"] + mixed["errors"],
            "writes": counts,
            "writes_per_s": (counts["register"] + counts["confirm"] + counts["check_in"]) / (args.seconds * 2 + 1),
        }

        print(f"[{vendor}] registration flow ...", flush=True)
        flow_edition = Edition.objects.create(
            series=open_edition.series,
            ordinal=Edition.objects.filter(series=open_edition.series).count() + 1,
            year=2099,
            slug="bench-registration-day",
            host_city_en="Bench City",
            country=Edition.Country.JAPAN,
            status=Edition.Status.REGISTRATION_OPEN,
            requires_approval=False,
        )
        results["registration"] = registration_flow(app.url, flow_edition.slug, args.seconds * 2)
        results["registration"]["registrations_total_in_db"] = Registration.objects.count()
    finally:
        for server in reversed(servers):
            server.stop()
    return results


# --- nginx ----------------------------------------------------------------------------------


class Nginx(Server):
    def __init__(self, port, upstream_port):
        self.directory = Path(tempfile.mkdtemp(prefix="summit-bench-nginx-"))
        # Started as root, nginx's workers run as an unprivileged user: they must reach these.
        self.directory.chmod(0o755)
        for name in ("cache", "body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.directory / name).mkdir(mode=0o777)
            (self.directory / name).chmod(0o777)
        config = (ROOT / "summit_site" / "nginx.conf").read_text()
        config = config.replace("127.0.0.1:8000", f"127.0.0.1:{upstream_port}")
        config = config.replace("listen 80;", f"listen 127.0.0.1:{port};")
        config = config.replace("/srv/summit/staticfiles/", f"{ROOT / 'staticfiles'}/")
        config = config.replace("/var/cache/nginx/summit", str(self.directory / "cache"))
        # wrk speaks plain http to it, standing in for the TLS the real server ends.
        config = config.replace("X-Forwarded-Proto $scheme", "X-Forwarded-Proto https")
        main = (
            f"worker_processes 1;\npid {self.directory}/nginx.pid;\nerror_log {self.directory}/error.log;\n"
            f"events {{ worker_connections 1024; }}\n"
            f"http {{\n include /etc/nginx/mime.types;\n access_log off;\n"
            f" client_body_temp_path {self.directory}/body;\n proxy_temp_path {self.directory}/proxy;\n"
            f" fastcgi_temp_path {self.directory}/fastcgi;\n uwsgi_temp_path {self.directory}/uwsgi;\n"
            f" scgi_temp_path {self.directory}/scgi;\n{config}\n}}\n"
        )
        (self.directory / "nginx.conf").write_text(main)
        command = ["nginx", "-p", str(self.directory), "-c", str(self.directory / "nginx.conf"), "-g", "daemon off;"]
        super().__init__("nginx", command, os.environ, port)


def start_nginx(port, upstream_port):
    try:
        return Nginx(port, upstream_port)
    except (RuntimeError, OSError) as error:
        print(f"  nginx not measured: {error}")
        return None


# --- The admin ------------------------------------------------------------------------------


def admin_figures(rows, database_url):
    env = {**server_environment(database_url, "locmemcache://"), "DEBUG": "false"}
    output = Path(tempfile.mkstemp(prefix="summit-bench-admin-", suffix=".json")[1])
    command = [PYTHON, str(ROOT / "benchmarks" / "admin_registrations.py"), "--rows", str(rows)]
    command += ["--repeat", "3", "--json", str(output)]
    subprocess.run(command, cwd=ROOT, env=env, check=False, stdout=subprocess.DEVNULL)
    figures = json.loads(output.read_text() or "{}")
    output.unlink()
    return figures


def delegation_figures(database_url):
    """A focal point's 50 members and 1,000 invitations (benchmarks/delegations.py)."""
    output = Path(tempfile.mkstemp(prefix="summit-bench-delegations-", suffix=".json")[1])
    command = [PYTHON, str(ROOT / "benchmarks" / "delegations.py"), "--json", str(output)]
    subprocess.run(command, cwd=ROOT, env={**os.environ, "DATABASE_URL": database_url}, check=False)
    figures = json.loads(output.read_text() or "{}")
    output.unlink()
    return figures


# --- Orchestration --------------------------------------------------------------------------


def postgres_reachable(url):
    try:
        import psycopg
    except ImportError:
        return False
    base, _, name = url.rpartition("/")
    try:
        with psycopg.connect(f"{base}/postgres", connect_timeout=3, autocommit=True) as connection:
            exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if not exists:
                connection.execute(f'CREATE DATABASE "{name}"')
        return True
    except Exception:
        return False


def redis_reachable():
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping()
        return True
    except Exception:
        return False


def run_child(database_url, args):
    output = Path(tempfile.mkstemp(prefix="summit-bench-", suffix=".json")[1])
    command = [PYTHON, __file__, "--child", database_url, "--child-output", str(output)]
    command += ["--seconds", str(args.seconds), "--repeat", str(args.repeat)]
    if not args.nginx:
        command.append("--no-nginx")
    subprocess.run(command, cwd=ROOT, check=True)
    figures = json.loads(output.read_text())
    output.unlink()
    return figures


def machine():
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    system = f"{platform.system()} {platform.release()}"
    return f"{os.cpu_count()} cores, {cpu}, {system}, Python {platform.python_version()}"


def print_table(results):
    lines = [f"Summit Site benchmark, {results['date']}, {results['machine']}", ""]
    for part in results["databases"]:
        vendor = part["vendor"]
        bare_rps = part["http"]["bare"]["rps"]
        lines.append(
            f"== {vendor}: gunicorn 2 sync workers, Redis page cache; bare view {bare_rps:.0f} req/s "
            f"(p50 {part['http']['bare'].get('p50', 0):.1f} ms)"
        )
        header = (
            f"{'page':<12} {'queries':>7} {'bare ms':>8} {'uncached ms':>11} {'×bare':>6} {'cached ms':>9} "
            f"{'cached rps':>10} {'×bare':>6} {'p50/p99 ms':>13} {'nocache rps':>11} {'×bare':>6} "
            f"{'nginx rps':>9} {'errors':>6}"
        )
        lines.append(header)
        for label, row in part["in_process"].items():
            http = part["http"][label]
            cached, uncached, nginx = http["cached"], http["uncached"], http.get("nginx")
            errors = cached["errors"] + uncached["errors"] + (nginx["errors"] if nginx else 0)
            lines.append(
                f"{label:<12} {row['queries']:>7} {row['bare_ms']:>8.2f} {row['uncached_ms']:>11.1f} "
                f"{row['uncached_ratio']:>6.1f} {row['cached_ms']:>9.2f} {cached['rps']:>10.0f} "
                f"{cached['rps'] / bare_rps:>6.2f} {cached.get('p50', 0):>6.1f}/{cached.get('p99', 0):<6.1f} "
                f"{uncached['rps']:>11.0f} {uncached['rps'] / bare_rps:>6.2f} "
                f"{(nginx['rps'] if nginx else 0):>9.0f} {errors:>6}"
            )
        mixed = part["mixed"]
        lines.append(
            f"mixed load: {mixed['read_only_rps']:.0f} req/s read-only, {mixed['mixed_rps']:.0f} req/s with "
            f"{mixed['writes_per_s']:.1f} writes/s = {mixed['ratio']:.2f}× (target ≥ 0.80); "
            f"read errors {mixed['read_errors']}, write errors {mixed['writes']['errors']}"
        )
        flow = part["registration"]
        lines.append(
            f"registration flow: {flow['registrations_per_s']:.1f} registrations/s "
            f"(p50 {flow['register_p50_ms'] or 0:.0f} ms, p99 {flow['register_p99_ms'] or 0:.0f} ms), "
            f"{flow['confirmations_per_s']:.1f} confirmations/s (target ≥ 100 each); errors "
            f"{flow['register_errors'] + flow['confirm_errors']}; capacity {flow['capacity']}: "
            f"{flow['accepted']} accepted, {flow['waitlisted']} waiting, exact={flow['capacity_exact']}, "
            f"order kept={flow['waiting_list_in_order']}; {flow['emails_queued']} e-mails queued"
        )
        lines.append("")
    for rows, figures in results["admin"].items():
        if not figures:
            lines.append(f"admin at {rows} registrations: not measured")
            continue
        lines.append(
            f"admin list at {int(rows):,} registrations: {figures['list_ms']:.0f} ms ({figures['list_queries']} "
            f"queries); CSV export of all rows: peak {figures['export_peak_mib']:.1f} MiB allocated, "
            f"RSS +{figures['export_rss_growth_mib']:.0f} MiB above idle"
        )
    if len(results["admin"]) == 2:
        small, large = (results["admin"][key] for key in sorted(results["admin"], key=int))
        if small and large:
            lines.append(f"admin list, large / small: {large['list_ms'] / small['list_ms']:.2f}× (target ≤ 2)")
    print("\n".join(lines))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=5, help="seconds per wrk run (default 5)")
    parser.add_argument("--repeat", type=int, default=20, help="in-process requests per page (default 20)")
    parser.add_argument("--admin-rows", type=int, nargs="*", default=[1000, 100_000])
    parser.add_argument("--quick", action="store_true", help="3-second runs, 10,000 admin rows, no PostgreSQL")
    parser.add_argument("--no-nginx", dest="nginx", action="store_false")
    parser.add_argument("--output", default=str(ROOT / "benchmarks" / "results.json"))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--child-output", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        figures = measure_database(args.child, args)
        Path(args.child_output).write_text(json.dumps(figures, default=str))
        return 0

    if args.quick:
        args.seconds, args.repeat, args.admin_rows = 3, 10, [1000, 10_000]
    if shutil.which("wrk") is None:
        print("wrk is missing: sudo apt-get install -y wrk", file=sys.stderr)
        return 1
    if not redis_reachable():
        print(f"Redis is not reachable at {REDIS_URL} (set BENCH_REDIS_URL).", file=sys.stderr)
        return 1
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=server_environment("sqlite:////tmp/summit-bench-static.sqlite3", "locmemcache://"),
        check=True,
    )
    databases = ["sqlite:////tmp/summit-bench.sqlite3"]
    if not args.quick and postgres_reachable(POSTGRES_URL):
        databases.append(POSTGRES_URL)
    else:
        print("PostgreSQL not measured (unreachable, or --quick).")
    results = {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "databases": [run_child(url, args) for url in databases],
        "admin": {},
    }
    for rows in args.admin_rows:
        print(f"[admin] {rows} registrations ...", flush=True)
        results["admin"][str(rows)] = admin_figures(rows, "sqlite:////tmp/summit-bench-admin.sqlite3")
    results["delegations"] = {}
    for url in databases:
        print(f"[delegations] {url.split(':', 1)[0]} ...", flush=True)
        results["delegations"][url.split(":", 1)[0]] = delegation_figures(
            url.replace("summit-bench.", "summit-bench-delegations.")
        )
    print()
    print_table(results)
    Path(args.output).write_text(json.dumps(results, indent=2, default=str) + "\n")
    print(f"\nJSON: {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
