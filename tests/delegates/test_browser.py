"""In real Chromium: a delegate registers in Japanese, confirms from the e-mail and cancels;
the check-in desk scans badges."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from delegates.models import Registration
from tests.factories import make_open_edition

pytestmark = pytest.mark.browser


def test_register_confirm_and_cancel_in_japanese(page, screenshot):
    edition = make_open_edition(capacity=5, host_city_ja="名古屋", host_city_en="Nagoya")
    page.goto(f"/ja/editions/{edition.slug}/register/")
    assert page.locator("h1").inner_text() == "参加申込"

    # A first try with mistakes: the errors appear next to their fields, nothing typed is lost.
    page.fill('[name="family_name"]', "Takaichi")
    page.fill('[name="native_name"]', "高市早苗")
    page.fill('[name="email"]', "sanae@example")
    page.fill('[name="phone"]', "03-1234-5678")
    page.get_by_role("button", name="申し込む").click()
    assert (
        page.locator("#id_phone_error").inner_text()
        == "国番号付きの有効な電話番号を入力してください（例：+81 3 1234 5678）。"
    )
    assert page.locator('[name="native_name"]').input_value() == "高市早苗"
    screenshot("1-errors")

    page.fill('[name="given_name"]', "Sanae")
    page.fill('[name="email"]', "sanae@example.org")
    page.fill('[name="phone"]', "+81 3 1234 5678")
    page.fill(
        '[name="position_ja"]' if page.locator('[name="position_ja"]').count() else '[name="position"]', "衆議院議員"
    )
    page.select_option('[name="side"]', "japan")
    page.select_option('[name="category"]', "national_legislator")
    page.select_option('[name="interpretation_language"]', "zh")
    page.check('[name="privacy_consent"]')
    page.get_by_role("button", name="申し込む").click()
    assert page.locator("h1").inner_text() == "あと少しです：メールをご確認ください"
    screenshot("2-check-your-email")

    (message,) = mail.outbox
    link = re.search(r"^http://127\.0\.0\.1:8000(/ja/registration/confirm/\S+)$", message.body, re.M).group(1)
    page.goto(link)
    page.get_by_role("button", name="申込を確定する").click()
    assert page.locator(".status-label strong").inner_text() == "承認済み"
    assert page.get_by_role("link", name="名札をダウンロード（PDF）").is_visible()
    screenshot("3-accepted")

    page.get_by_role("link", name="申込をキャンセルする").click()
    screenshot("4-cancel")
    page.get_by_role("button", name="はい、キャンセルします").click()
    assert page.locator(".status-label strong").inner_text() == "キャンセル"
    assert page.locator(".message").inner_text() == "お申し込みはキャンセルされました。"
    screenshot("5-cancelled")

    registration = Registration.objects.get()
    assert (registration.status, registration.language, registration.person.native_name) == (
        "cancelled",
        "ja",
        "高市早苗",
    )
    assert [m.subject for m in mail.outbox][1:] == [
        f"第1回{edition.series.name}（名古屋 2015）へのご参加が確定しました",
        f"第1回{edition.series.name}（名古屋 2015）へのお申し込みをキャンセルしました",
    ]


def test_check_in_desk_scans_badges(page, screenshot, django_user_model):
    from django.contrib.auth.models import Permission

    from delegates.tokens import badge_code
    from tests.factories import make_person, make_registration

    password = "pw-Desk-2026"
    staff = django_user_model.objects.create_user(username="desk", password=password, is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="check_in", content_type__app_label="delegates"))
    edition = make_open_edition(host_city_en="Nagoya", host_city_ja="名古屋")
    lee = make_person(
        family_name="Lee",
        given_name="Yi-yang",
        family_name_first=True,
        native_name="李逸洋",
        side="taiwan",
        category="national_legislator",
        organization_en="Legislative Yuan",
    )
    accepted = make_registration(edition, lee, status="accepted", interpretation_language="ja")
    cancelled = make_registration(edition, status="cancelled")

    page.goto("/admin/login/?next=/en/editions/" + edition.slug + "/check-in/")
    page.fill('[name="username"]', "desk")
    page.fill('[name="password"]', password)
    page.get_by_role("button", name="Log in").click()
    code = page.locator('[name="code"]')
    expect(code).to_be_focused()  # the scanner types straight in

    # A hand-held scanner types the code and presses Enter.
    code.type(badge_code(accepted))
    code.press("Enter")
    assert page.locator(".check-in-message").inner_text() == "Checked in."
    assert page.locator(".check-in-name").inner_text() == "Lee Yi-yang · 李逸洋"
    expect(code).to_be_focused()
    expect(code).to_have_value("")
    screenshot("1-checked-in")

    code.type(badge_code(cancelled))
    code.press("Enter")
    assert page.locator(".check-in-message").inner_text() == "Not checked in: this registration was cancelled."
    screenshot("2-refused")


@pytest.mark.parametrize(
    ("language", "notice", "button"),
    [
        ("en", "All places are taken: a new registration joins the waiting list.", "Join the waiting list"),
        ("zh-hant", "名額已滿：新的報名將列入候補名單。", "加入候補名單"),
    ],
)
def test_a_full_edition_shows_the_waiting_list_before_anyone_types(page, screenshot, language, notice, button):
    from tests.factories import make_registration

    edition = make_open_edition(capacity=1, host_city_en="Nagoya")
    make_registration(edition, status=Registration.Status.ACCEPTED)
    make_registration(edition, status=Registration.Status.WAITLISTED)
    page.goto(f"/{language}/editions/{edition.slug}/")
    assert notice in page.locator(".notice-waiting-list").inner_text()
    expect(page.get_by_role("link", name=button)).to_be_visible()
    screenshot(f"full-edition-{language}")
    page.get_by_role("link", name=button).click()
    assert notice in page.locator(".notice-waiting-list").inner_text()
    expect(page.get_by_role("button", name=button)).to_be_visible()
    screenshot(f"full-form-{language}")


def test_the_focal_points_members_read_as_rows_on_a_desktop_and_cards_on_a_phone(page, screenshot, viewport):
    """Names, addresses and buttons stay whole words at 360 and 1440 px, nothing scrolls sideways."""
    from delegates import tokens
    from delegates.models import Delegation, Side
    from tests.factories import make_person, make_registration

    edition = make_open_edition(capacity=10)
    delegation = Delegation.objects.create(edition=edition, name_en="Aichi Prefectural Assembly", side=Side.JAPAN)
    for number in (1, 2):
        person = make_person(family_name="Yamada", given_name="Taro", native_name="山田太郎")
        registration = make_registration(edition, person, email=f"yamada-{number}@example.jp", delegation=delegation)
        registration.status_changes.create(from_status="", to_status="unconfirmed", actor="focal_point")
    page.goto(f"/zh-hant/delegation/{tokens.delegation_token(delegation)}/")
    rows = page.locator("[data-member]")
    expect(rows).to_have_count(2)
    # Two members of the same name are told apart by their addresses.
    assert "yamada-1@example.jp" in rows.nth(0).inner_text() + rows.nth(1).inner_text()
    name = rows.nth(0).locator(".member-full-name")
    assert name.bounding_box()["height"] < 40, "the name breaks into pieces"
    for button in rows.nth(0).locator("button").all():
        assert button.bounding_box()["height"] < 60, f"{button.inner_text()!r} wraps inside its words"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot("focal-point-members")
