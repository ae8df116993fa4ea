"""One helper reads the client address for the rate limits, django-axes and the audit log."""

import pytest
from auditlog.models import LogEntry
from axes.helpers import get_client_ip_address

from delegates.client import client_address
from delegates.models import Registration
from tests.factories import make_open_edition, registration_form_data

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.1"),
        (1, "203.0.113.9, 198.51.100.7", "198.51.100.7"),
        (1, "198.51.100.7", "198.51.100.7"),
        (2, "203.0.113.9, 198.51.100.7, 192.0.2.1", "198.51.100.7"),
        (1, "unknown", "10.0.0.1"),
        (1, "198.51.100.7, unknown", "10.0.0.1"),
        (1, "", "10.0.0.1"),
        (2, "198.51.100.7", "10.0.0.1"),
        (1, "1.2.3.4:80", "10.0.0.1"),
        (1, "<script>", "10.0.0.1"),
        (1, " 2001:db8::1 ", "2001:db8::1"),
    ],
)
def test_the_nth_address_from_the_right_and_never_junk(rf, settings, proxies, forwarded, expected):
    settings.RATE_LIMIT_PROXY_COUNT = proxies
    request = rf.post("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR="10.0.0.1")
    assert client_address(request) == expected


def test_junk_everywhere_gives_no_address(rf, settings):
    settings.RATE_LIMIT_PROXY_COUNT = 1
    assert client_address(rf.post("/", HTTP_X_FORWARDED_FOR="unknown", REMOTE_ADDR="unknown")) is None


def test_axes_uses_the_same_helper(rf, settings):
    settings.RATE_LIMIT_PROXY_COUNT = 1
    request = rf.post("/", HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.7", REMOTE_ADDR="10.0.0.1")
    assert get_client_ip_address(request) == "198.51.100.7"


@pytest.mark.parametrize("forwarded", ["unknown", "203.0.113.9, 198.51.100.7", "'; DROP TABLE x; --"])
def test_an_audited_write_records_the_trusted_address_whatever_the_header(client, settings, forwarded):
    settings.RATE_LIMIT_PROXY_COUNT = 0
    edition = make_open_edition()
    response = client.post(
        f"/en/editions/{edition.slug}/register/",
        registration_form_data(email="a@example.org"),
        HTTP_X_FORWARDED_FOR=forwarded,
        REMOTE_ADDR="192.0.2.10",
    )
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert {entry.remote_addr for entry in LogEntry.objects.get_for_object(registration)} == {"192.0.2.10"}


def test_behind_a_proxy_junk_in_the_header_is_not_a_server_error(client, settings):
    settings.RATE_LIMIT_PROXY_COUNT = 1
    edition = make_open_edition()
    response = client.post(
        f"/en/editions/{edition.slug}/register/",
        registration_form_data(email="a@example.org"),
        HTTP_X_FORWARDED_FOR="unknown",
        REMOTE_ADDR="192.0.2.10",
    )
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert {entry.remote_addr for entry in LogEntry.objects.get_for_object(registration)} == {"192.0.2.10"}
