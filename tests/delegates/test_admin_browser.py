"""An organizer runs registrations from the admin in real Chromium: log in, read the
dashboard, accept a pending registration, export the list as CSV."""

import csv
import io

import pytest

from delegates.models import Registration, Side
from tests.factories import make_edition, make_person, make_registration

pytestmark = pytest.mark.browser
PASSWORD = "pw-Summit-2026"


def test_organizer_dashboard_accept_and_export(page, screenshot, django_user_model):
    # Live-server tests empty the database between tests, groups from the data migration too.
    django_user_model.objects.create_superuser(username="akiko", email="akiko@example.org", password=PASSWORD)
    edition = make_edition(host_city_en="Nagoya", ordinal=12, year=2026, capacity=300, status="registration_open")
    lee = make_person(given_name="Yi-yang", family_name="Lee", native_name="李逸洋", side=Side.TAIWAN, email="lee@x.tw")
    pending = make_registration(edition, lee, status="pending")
    for number, side in enumerate([Side.JAPAN, Side.JAPAN, Side.TAIWAN, Side.OTHER]):
        make_registration(edition, make_person(side=side, email=f"d{number}@x.jp"), status="accepted")

    page.goto("/admin/login/")
    page.fill('[name="username"]', "akiko")
    page.fill('[name="password"]', PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.goto(f"/admin/delegates/registration/dashboard/{edition.pk}/")
    assert page.locator("h1").inner_text() == "Registrations: 12. Nagoya 2026"
    assert page.locator('[data-figure="total"]').inner_text() == "5"
    assert page.locator('[data-figure="accepted"]').inner_text() == "4 / 300"
    assert page.locator("svg.chart").count() == 3
    screenshot("1-dashboard")

    page.goto(f"/admin/delegates/registration/?edition__id__exact={edition.pk}")
    assert page.locator("#result_list tbody tr").count() == 5
    page.locator(f'input[name="_selected_action"][value="{pending.pk}"]').check()
    page.select_option('select[name="action"]', "accept")
    page.locator('.actions button[name="index"]').click()
    assert page.locator(".messagelist .success").inner_text() == "1 registration accepted."
    assert page.locator(f'tr:has(input[value="{pending.pk}"]) td.field-status').inner_text() == "Accepted"
    screenshot("2-accepted")
    pending.refresh_from_db()
    assert pending.status == Registration.Status.ACCEPTED

    page.goto(f"/admin/delegates/registration/?edition__id__exact={edition.pk}&person__side__exact=taiwan")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export CSV").click()
    download = download_info.value
    assert download.suggested_filename.startswith("registrations-")
    with open(download.path(), encoding="utf-8-sig") as exported:
        rows = list(csv.DictReader(io.StringIO(exported.read())))
    assert sorted(row["Name in native script"] for row in rows) == ["", "李逸洋"]
    assert {row["Status"] for row in rows} == {"Accepted"}
    screenshot("3-export")


def test_organizer_rejects_with_a_reason_from_the_registration_page(page, screenshot, django_user_model):
    django_user_model.objects.create_superuser(username="akiko", email="akiko@example.org", password=PASSWORD)
    edition = make_edition(host_city_en="Nagoya", ordinal=12, year=2026, capacity=300, status="registration_open")
    lee = make_person(given_name="Yi-yang", family_name="Lee", native_name="李逸洋", side=Side.TAIWAN, email="lee@x.tw")
    registration = make_registration(edition, lee, status="pending")

    page.goto("/admin/login/")
    page.fill('[name="username"]', "akiko")
    page.fill('[name="password"]', PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.goto(f"/admin/delegates/registration/{registration.pk}/change/")
    buttons = page.locator("#transitions button")
    assert buttons.all_inner_texts() == ["Accept", "Move to the waiting list", "Reject", "Cancel the registration"]
    assert page.locator('input[name="edition"], select[name="edition"], input[name="email"]').count() == 0
    page.fill("#transitions input[name=note]", "The delegation list is complete.")
    screenshot("4-transition-buttons")
    page.get_by_role("button", name="Reject").click()
    assert page.locator(".messagelist .success").inner_text() == "The registration is now “Rejected”."
    assert "Awaiting approval → Rejected" in page.content()
    assert "The delegation list is complete." in page.content()
    assert page.locator("#transitions button").all_inner_texts() == ["Accept", "Move to the waiting list"]
    screenshot("5-rejected-with-reason")
    registration.refresh_from_db()
    assert registration.status == Registration.Status.REJECTED
