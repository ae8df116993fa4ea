"""`/health/` for a load balancer: can this process reach the database and the cache, and
is the e-mail queue moving?

Answers 200 with {"status": "ok", ...} or 503 with the failing check named, and nothing
else: no versions, hosts, error messages or personal data. A task queue that has fallen
behind (no `db_worker` running) is reported but keeps the answer at 200, because taking
every app process out of the load balancer would not send a single e-mail more.
"""

import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

DATABASE_TASKS_BACKEND = "django_tasks_db.DatabaseBackend"


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def _cache():
    # A key of its own: probes arrive concurrently from several load balancers and processes.
    key = f"health-check:{uuid.uuid4().hex}"
    cache.set(key, 1, 10)
    try:
        return cache.get(key) == 1
    finally:
        cache.delete(key)


def _task_queue():
    """Tasks waiting to run, and how long the oldest has waited (database backend only)."""
    if settings.TASKS["default"]["BACKEND"] != DATABASE_TASKS_BACKEND:
        return {"status": "ok", "queued": False}
    from django.db.models import Count, Min
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    backlog = DBTaskResult.objects.ready().aggregate(waiting=Count("pk"), oldest=Min("enqueued_at"))
    waited = int((now - backlog["oldest"]).total_seconds()) if backlog["oldest"] else 0
    return {
        "status": "ok" if waited <= settings.HEALTH_TASK_QUEUE_MAX_DELAY else "behind",
        "queued": True,
        "waiting": backlog["waiting"],
        "oldest_waiting_seconds": max(waited, 0),
    }


@require_safe
@never_cache
def health(request):
    checks = {}
    healthy = True
    for name, check in (("database", _database), ("cache", _cache)):
        try:
            ok = check()
        except Exception:
            logger.exception("Health check %s failed", name)
            ok = False
        checks[name] = "ok" if ok else "failing"
        healthy = healthy and ok
    try:
        checks["task_queue"] = _task_queue()
    except Exception:
        logger.exception("Health check task_queue failed")
        checks["task_queue"] = {"status": "failing"}
    return JsonResponse({"status": "ok" if healthy else "failing", "checks": checks}, status=200 if healthy else 503)
