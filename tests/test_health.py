import datetime
import json

import pytest
from django.core.cache import cache
from django.utils import timezone

pytestmark = pytest.mark.django_db


def test_health_answers_ok_with_nothing_private(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/health/")
    assert response.status_code == 200
    assert json.loads(response.content) == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "task_queue": {"status": "ok", "queued": False}},
    }
    assert "no-store" in response["Cache-Control"]


def test_health_fails_when_the_cache_is_unreachable(client, monkeypatch):
    monkeypatch.setattr(cache, "get", lambda *args, **kwargs: None)
    response = client.get("/health/")
    assert response.status_code == 503
    assert json.loads(response.content)["checks"]["cache"] == "failing"


def test_health_reports_a_task_queue_that_fell_behind(client, settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.HEALTH_TASK_QUEUE_MAX_DELAY = 300
    from delegates.tasks import send_email

    send_email.enqueue(registration_id=0, kind="confirm")
    send_email.enqueue(registration_id=0, kind="confirm")
    DBTaskResult.objects.filter(pk=DBTaskResult.objects.order_by("enqueued_at").first().pk).update(
        enqueued_at=timezone.now() - datetime.timedelta(seconds=900)
    )
    response = client.get("/health/")
    assert response.status_code == 200  # the app itself can still serve
    task_queue = json.loads(response.content)["checks"]["task_queue"]
    assert task_queue["status"] == "behind"
    assert task_queue["waiting"] == 2
    assert 899 <= task_queue["oldest_waiting_seconds"] <= 960


def test_concurrent_probes_do_not_see_each_others_cache_check(client, monkeypatch):
    from summit_site import health

    original_set = cache.set
    # Another probe writes between this probe's write and read.
    monkeypatch.setattr(
        cache, "set", lambda key, *args, **kwargs: (original_set(key, *args, **kwargs), original_set("other", 2))[0]
    )
    assert health._cache() is True


def test_health_refuses_posts(client):
    assert client.post("/health/").status_code == 405
