import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


def _import_settings(**env):
    clean = {key: value for key, value in os.environ.items() if key not in ("SECRET_KEY", "DEBUG")}
    return subprocess.run(
        [sys.executable, "-c", "import summit_site.settings"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
    )


def test_missing_secret_key_stops_start_up_with_a_clear_message():
    result = _import_settings(SECRET_KEY="", DEBUG="false")
    assert result.returncode == 1
    assert "SECRET_KEY is not set" in result.stderr


def test_sqlite_waits_for_concurrent_writers():
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("only the SQLite configuration has these options")
    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 5
    assert "journal_mode=WAL" in options["init_command"]


def test_three_languages():
    assert [code for code, _ in settings.LANGUAGES] == ["en", "ja", "zh-hant"]
    assert settings.TIME_ZONE == "Asia/Tokyo" and settings.USE_TZ


def test_a_missing_badge_font_is_reported_at_start_up(settings, tmp_path):
    from django.core import checks

    settings.BADGE_FONT_PATH = str(tmp_path / "missing.ttc")
    assert [message.id for message in checks.run_checks() if message.id.startswith("delegates.")] == ["delegates.W001"]


def _manage(*args, **env):
    clean = {key: value for key, value in os.environ.items() if key not in ("SECRET_KEY", "DEBUG", "DATABASE_URL")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, "SECRET_KEY": "x" * 60, "DEBUG": "false", "ALLOWED_HOSTS": "127.0.0.1", **env},
        capture_output=True,
        text=True,
    )


def test_manage_py_without_a_secret_key_says_so_or_runs_offline_commands():
    refused = _manage("migrate", "--plan", SECRET_KEY="")
    assert refused.returncode == 1
    assert "SECRET_KEY is not set" in refused.stderr and "AppRegistryNotReady" not in refused.stderr
    # A fresh checkout (no .env yet) can still check its migrations.
    checked = _manage("makemigrations", "--check", "--dry-run", SECRET_KEY="", DATABASE_URL="sqlite:///:memory:")
    assert checked.returncode == 0, checked.stderr
    assert "No changes detected" in checked.stdout


def _settings_value(name, **env):
    result = _manage("shell", "-c", f"from django.conf import settings; print(settings.{name})", **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_plain_http_on_loopback_is_off_by_default_and_refused_by_check_deploy():
    assert _settings_value("SESSION_COOKIE_SECURE") == "True"
    assert _settings_value("SECURE_SSL_REDIRECT") == "True"
    assert _settings_value("SESSION_COOKIE_SECURE", PLAIN_HTTP_LOOPBACK="true") == "False"
    assert _settings_value("CSRF_COOKIE_SECURE", PLAIN_HTTP_LOOPBACK="true") == "False"
    assert _settings_value("SECURE_SSL_REDIRECT", PLAIN_HTTP_LOOPBACK="true") == "False"
    assert _settings_value("SECURE_HSTS_SECONDS", PLAIN_HTTP_LOOPBACK="true") == "0"
    assert _manage("check", PLAIN_HTTP_LOOPBACK="true").returncode == 0
    refused = _manage("check", "--deploy", PLAIN_HTTP_LOOPBACK="true")
    assert refused.returncode == 1
    assert "summit.E001" in refused.stderr
    assert "summit.E001" not in _manage("check", "--deploy").stderr
    elsewhere = _manage("check", PLAIN_HTTP_LOOPBACK="true", ALLOWED_HOSTS="summit.example.org")
    assert elsewhere.returncode == 1
    assert "summit.E002" in elsewhere.stderr


def test_tests_hash_passwords_with_a_fast_hasher(django_user_model, db):
    user = django_user_model.objects.create_user(username="fast", password="pw-Summit-2026")
    assert user.password.startswith("md5$")
    assert user.check_password("pw-Summit-2026")


PRODUCTION = {"ALLOWED_HOSTS": "summit.example.org", "SITE_URL": "https://summit.example.org"}


def test_check_deploy_refuses_a_cache_each_process_keeps_apart():
    refused = _manage("check", "--deploy", **PRODUCTION)
    assert "summit.E003" in refused.stderr
    shared = _manage("check", "--deploy", CACHE_URL="redis://127.0.0.1:6379/14", **PRODUCTION)
    assert "summit.E003" not in shared.stderr


@pytest.mark.parametrize("site_url", ["http://127.0.0.1:8000", "http://summit.example.org", "https://localhost"])
def test_check_deploy_refuses_a_site_url_that_is_not_public_https(site_url):
    refused = _manage("check", "--deploy", **{**PRODUCTION, "SITE_URL": site_url})
    assert "summit.E004" in refused.stderr
    assert "summit.E004" not in _manage("check", "--deploy", **PRODUCTION).stderr
