"""The check-in desk: staff with the permission scan a badge code and get a clear answer."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from delegates import tokens
from delegates.models import Registration
from tests.factories import make_open_edition, make_person, make_registration

pytestmark = pytest.mark.django_db

Status = Registration.Status


@pytest.fixture
def desk(client, django_user_model):
    staff = django_user_model.objects.create_user(username="desk", password="pw-Desk-2026")
    staff.user_permissions.add(Permission.objects.get(codename="check_in", content_type__app_label="delegates"))
    client.force_login(staff)
    return client


def check_in_url(edition):
    return reverse("delegates:check_in", kwargs={"edition_slug": edition.slug})


def scan(desk, edition, code):
    response = desk.post(check_in_url(edition), {"code": code})
    assert response.status_code == 200
    result = re.search(r'<p class="check-in-message">(.*?)</p>', response.content.decode()).group(1)
    return result, response


def test_only_staff_with_the_permission_may_check_in(client, django_user_model):
    edition = make_open_edition()
    assert client.get(check_in_url(edition)).status_code == 302
    client.force_login(django_user_model.objects.create_user(username="visitor", password="pw-Visitor-2026"))
    response = client.get(check_in_url(edition))
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_the_code_field_has_autofocus_for_the_scanner(desk):
    page = desk.get(check_in_url(make_open_edition())).content.decode()
    assert re.search(r'<input type="text" name="code"[^>]*autofocus', page)


def test_a_valid_code_checks_in_and_shows_who_it_is(desk):
    edition = make_open_edition()
    person = make_person(
        family_name="Lee", given_name="Yi-yang", native_name="李逸洋", organization_en="Executive Yuan"
    )
    registration = make_registration(edition, person, status=Status.ACCEPTED)
    message, response = scan(desk, edition, f"  {tokens.badge_code(registration)}\n")
    assert message == "Checked in."
    assert "Yi-yang Lee · 李逸洋" in response.content.decode()
    assert "Executive Yuan" in response.content.decode()
    registration.refresh_from_db()
    assert registration.checked_in_at is not None
    assert 'value="' not in re.search(r'<input type="text" name="code"[^>]*>', response.content.decode()).group(0)


def test_a_second_scan_says_when_they_checked_in(desk):
    edition = make_open_edition()
    at = datetime(2026, 9, 20, 9, 41, tzinfo=ZoneInfo("Asia/Tokyo"))
    registration = make_registration(edition, status=Status.ACCEPTED, checked_in_at=at)
    message, _ = scan(desk, edition, tokens.badge_code(registration))
    assert message == "Already checked in at 09:41."
    registration.refresh_from_db()
    assert registration.checked_in_at == at


def test_forged_code(desk):
    edition = make_open_edition()
    registration = make_registration(edition, status=Status.ACCEPTED)
    message, _ = scan(desk, edition, tokens.badge_code(registration)[:-2] + "zz")
    assert message == "This code is not a valid badge code. Check the badge, or look the person up in the admin."
    message, _ = scan(desk, edition, str(registration.pk))
    assert message == "This code is not a valid badge code. Check the badge, or look the person up in the admin."
    registration.refresh_from_db()
    assert registration.checked_in_at is None


def test_code_from_another_edition(desk):
    edition, other = make_open_edition(), make_open_edition()
    registration = make_registration(other, status=Status.ACCEPTED)
    message, _ = scan(desk, edition, tokens.badge_code(registration))
    assert message == f"This badge is for another edition: 1st {other.series.name} (City 1 2015)."


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (Status.CANCELLED, "Not checked in: this registration was cancelled."),
        (Status.WAITLISTED, "Not checked in: this person is on the waiting list, not accepted."),
        (Status.PENDING, "Not checked in: this registration is still awaiting approval."),
        (Status.REJECTED, "Not checked in: this registration was rejected."),
    ],
)
def test_not_accepted_codes_are_refused(desk, status, expected):
    edition = make_open_edition()
    registration = make_registration(edition, status=status)
    message, _ = scan(desk, edition, tokens.badge_code(registration))
    assert message == expected


def test_check_in_answers_in_japanese(desk):
    edition = make_open_edition()
    registration = make_registration(edition, status=Status.ACCEPTED, checked_in_at=timezone.now())
    response = desk.post(f"/ja/editions/{edition.slug}/check-in/", {"code": tokens.badge_code(registration)})
    assert "に受付済みです。" in response.content.decode()


@pytest.mark.parametrize("accepted", [1, 20])
def test_check_in_query_count(desk, django_assert_max_num_queries, accepted):
    edition = make_open_edition()
    registrations = [make_registration(edition, status=Status.ACCEPTED) for _ in range(accepted)]
    with django_assert_max_num_queries(17):
        scan(desk, edition, tokens.badge_code(registrations[-1]))
