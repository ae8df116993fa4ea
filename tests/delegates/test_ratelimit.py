"""The per-address limit counts in the shared cache, so every process sees the same count."""

import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import override_settings

from delegates.ratelimit import client_address, limit_exceeded

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = "redis://127.0.0.1:6379/15"
WINDOW = 10**9


def redis_available():
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


def test_the_allowance_is_counted_per_scope_and_address(settings):
    settings.RATE_LIMITS = {"register": (3, 600), "lookup": (3, 600)}
    assert [limit_exceeded("register", "10.0.0.1") for _ in range(4)] == [False, False, False, True]
    assert limit_exceeded("register", "10.0.0.2") is False
    assert limit_exceeded("lookup", "10.0.0.1") is False


def test_client_address_behind_a_trusted_proxy(rf, settings):
    request = rf.post("/", HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.7", REMOTE_ADDR="10.0.0.1")
    settings.RATE_LIMIT_PROXY_COUNT = 0
    assert client_address(request) == "10.0.0.1"
    settings.RATE_LIMIT_PROXY_COUNT = 1
    assert client_address(request) == "198.51.100.7", "the address our own proxy saw, which a client cannot forge"


@pytest.mark.skipif(not redis_available(), reason="Needs Redis on 127.0.0.1:6379")
def test_with_redis_another_process_sees_the_same_count(settings):
    prefix = f"test-{uuid.uuid4().hex}"
    redis_cache = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    # One window spanning decades, so the test never straddles two windows.
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "register": (3, WINDOW)}
    with override_settings(CACHES=redis_cache):
        assert [limit_exceeded("register", "192.0.2.1") for _ in range(2)] == [False, False]
        # A separate Python process (another gunicorn worker, say) with its own Redis client.
        other_process = subprocess.run(
            [
                sys.executable,
                "-c",
                "import django; django.setup(); "
                f"from django.conf import settings; settings.RATE_LIMITS['register'] = (3, {WINDOW}); "
                "from delegates.ratelimit import limit_exceeded; "
                "print(limit_exceeded('register', '192.0.2.1'), limit_exceeded('register', '192.0.2.1'))",
            ],
            cwd=ROOT,
            env={
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "summit_site.settings",
                "CACHE_URL": REDIS_URL,
                "CACHE_KEY_PREFIX": prefix,
            },
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
        assert other_process.stdout.split() == ["False", "True"]
        assert limit_exceeded("register", "192.0.2.1") is True
        cache.delete(f"ratelimit:register:192.0.2.1:{int(time.time() // WINDOW)}")
