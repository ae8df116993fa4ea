"""In real Chromium: an accepted delegate gives travel details in Japanese; the organizer
reads and downloads the rooming list and prints a badge sheet, and the PDFs are looked at
as images (pdftoppm) beside the screenshots."""

import csv
import io
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from delegates import tokens
from delegates.models import Side, TravelPlan
from events.models import Session
from tests.conftest import ARTIFACTS
from tests.factories import make_edition, make_hotel, make_person, make_registration, make_session

pytestmark = pytest.mark.browser
PASSWORD = "pw-Summit-2026"


def render_pdf(path, name):
    """Page 1 of the PDF as a PNG under test-artifacts/screenshots/, for a human to look at."""
    if shutil.which("pdftoppm"):
        subprocess.run(
            ["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", "-singlefile", str(path), str(ARTIFACTS / name)],
            check=True,
        )


def test_delegate_gives_travel_details_in_japanese_and_organizer_prints(
    page, screenshot, viewport, settings, tmp_path, django_user_model
):
    settings.PRIVATE_FILES_ROOT = tmp_path
    django_user_model.objects.create_superuser(username="akiko", email="akiko@example.org", password=PASSWORD)
    edition = make_edition(
        host_city_en="Nagoya",
        host_city_ja="名古屋",
        ordinal=12,
        year=2026,
        status="registration_open",
        slug="nagoya-2026",
    )
    hotel = make_hotel(edition, name_en="Test Hotel East", name_ja="テストホテル東")
    banquet = make_session(edition, title_en="Banquet", title_ja="晩餐会", kind=Session.Kind.BANQUET)
    sato = make_person(
        family_name="Sato", given_name="Ken", native_name="佐藤健", side=Side.JAPAN, email="sato@example.jp"
    )
    registration = make_registration(edition, sato, status="accepted", language="ja")
    for number, (native, side) in enumerate([("陳美玲", Side.TAIWAN), ("林偉", Side.TAIWAN), ("", Side.OTHER)]):
        make_registration(
            edition, make_person(native_name=native, side=side, email=f"d{number}@example.org"), status="accepted"
        )

    # The delegate, in Japanese.
    page.goto(f"/ja/registration/{tokens.manage_token(registration)}/")
    page.get_by_role("link", name="旅程情報").click()
    assert page.locator("h1").inner_text() == "旅程情報"
    page.fill('[name="arrival_date"]', "2026-06-01")
    page.fill('[name="arrival_time"]', "14:35")
    page.fill('[name="arrival_carrier"]', "JL 809")
    page.fill('[name="arrival_place"]', "中部国際空港")
    page.fill('[name="departure_date"]', "2026-06-03")
    page.check('input[name="accommodation"][value="hotel"]')
    page.select_option('[name="hotel"]', str(hotel.pk))
    page.fill('[name="check_in"]', "2026-06-01")
    page.fill('[name="check_out"]', "2026-06-03")
    page.check('[name="needs_shuttle"]')
    page.check(f'input[name="social_events"][value="{banquet.pk}"]')
    screenshot("1-travel-form-ja")
    page.get_by_role("button", name="旅程情報を保存").click()
    assert "旅程情報を保存しました。" in page.locator("main").inner_text()
    screenshot("2-travel-saved-ja")
    plan = TravelPlan.objects.get()
    assert (plan.arrival_carrier, plan.hotel, plan.nights, plan.needs_shuttle) == ("JL 809", hotel, 2, True)
    assert list(plan.social_events.all()) == [banquet]

    # The organizer: the rooming list as a page and as CSV.
    page.goto("/admin/login/")
    page.fill('[name="username"]', "akiko")
    page.fill('[name="password"]', PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"/admin/delegates/editionlogistics/{edition.pk}/report/rooming/")
    assert page.locator("h2").first.inner_text() == "Test Hotel East · 2026-06-01"
    assert page.locator("table[data-report=rooming] tbody tr").count() == 2
    screenshot("3-rooming-list")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export CSV").click()
    with open(download_info.value.path(), encoding="utf-8-sig") as exported:
        rows = list(csv.DictReader(io.StringIO(exported.read())))
    assert [(row["Hotel"], row["Night"], row["Name in native script"]) for row in rows] == [
        ("Test Hotel East", "2026-06-01", "佐藤健"),
        ("Test Hotel East", "2026-06-02", "佐藤健"),
    ]

    # The organizer: every badge of the edition on one sheet.
    page.goto(f"/admin/delegates/editionlogistics/{edition.pk}/badges/")
    page.get_by_role("button", name="Print the badges").click()
    assert page.locator(".field-status .readonly").inner_text() == "Ready"
    screenshot("4-badge-sheet-ready")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the PDF").click()
    sheet = tmp_path / "sheet.pdf"
    download_info.value.save_as(sheet)
    reader = PdfReader(sheet)
    assert len(reader.pages) == 1
    text = "".join(c for c in reader.pages[0].extract_text() if c.isprintable() and not c.isspace())
    assert all(name in text for name in ("佐藤健", "陳美玲", "林偉"))
    render_pdf(sheet, f"test_delegate_gives_travel_details_in_japanese_and_organizer_prints-{viewport}-5-badge-sheet")
