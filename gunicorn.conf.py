"""gunicorn settings for Summit Site (`make serve` uses them; gunicorn reads this file from
the working directory). Every value can be changed from the environment.

Sync workers: the app is CPU-bound Python with short database calls, so a worker per core,
plus one to cover the moments a worker waits on PostgreSQL or Redis, keeps the cores busy
without queueing requests behind slow ones.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1))
worker_class = "sync"
# A request that takes longer than this is stuck; the worker is restarted.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 30
# Behind nginx, which keeps its own connections to the client.
keepalive = 5
# Recycle workers now and then, staggered, so a slow leak never grows without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 5000))
max_requests_jitter = max_requests // 10
# Load the app before forking: less memory, and a broken configuration fails at start-up.
preload_app = True
# The proxy's address; only it may set X-Forwarded-Proto / X-Forwarded-For.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
proc_name = "summit-site"
# gunicorn's control socket has one default path per user, which several gunicorns on one
# machine (N app processes, the benchmark's servers) would fight over: off unless given one.
if os.environ.get("GUNICORN_CONTROL_SOCKET"):
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]
else:
    control_socket_disable = True
