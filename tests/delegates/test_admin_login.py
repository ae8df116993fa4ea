"""Admin logins are recorded; repeated failures lock out the address or the account."""

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db
LOGIN = reverse("admin:login")
PASSWORD = "pw-Summit-2026"


def _login(client, username, password, address="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def test_successful_and_failed_logins_are_recorded(client, organizer):
    assert _login(client, "boss", "wrong").status_code == 200
    assert _login(client, "boss", PASSWORD).status_code == 302
    assert list(AccessFailureLog.objects.values_list("username", "ip_address")) == [("boss", "10.0.0.1")]
    assert list(AccessLog.objects.values_list("username", "ip_address")) == [("boss", "10.0.0.1")]


def test_repeated_failures_for_one_account_lock_it_even_from_other_addresses(client, organizer):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "boss", "wrong", address=f"10.0.1.{attempt}")
    response = _login(client, "boss", PASSWORD, address="10.0.2.1")
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_repeated_failures_from_one_address_lock_it_for_every_account(client, organizer, django_user_model):
    django_user_model.objects.create_superuser(username="other", email="o@example.org", password=PASSWORD)
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        _login(client, f"guess{attempt}", "wrong", address="10.0.3.3")
    assert _login(client, "other", PASSWORD, address="10.0.3.3").status_code == 429
    # Another address and an account without failures still get in.
    assert _login(client, "other", PASSWORD, address="10.0.4.4").status_code == 302


def test_fewer_failures_than_the_limit_do_not_lock(client, organizer):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, "boss", "wrong")
    assert _login(client, "boss", PASSWORD).status_code == 302
    # A successful login resets the count.
    assert AccessAttempt.objects.count() == 0


def test_lockout_page_in_japanese(client, organizer):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "boss", "wrong")
    response = client.post(
        LOGIN, {"username": "boss", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1", headers={"accept-language": "ja"}
    )
    assert response.status_code == 429
    page = response.content.decode()
    assert "ログインの失敗が多すぎます" in page
    assert "ログインに 5 回失敗したためロックされました" in page
    assert "Django" not in page


def test_lockout_settings_are_the_shared_database_handler():
    assert settings.AXES_HANDLER == "axes.handlers.database.AxesDatabaseHandler"
    assert settings.AXES_LOCKOUT_PARAMETERS == ["ip_address", "username"]
