"""Delegations as they are really run, in real Chromium: an organizer invites a Taiwanese
delegation from a CSV file; its focal point opens their private link in Traditional Chinese
and registers three members, one of them an aide; a member confirms; the dashboard shows the
delegation's quota."""

import re

import pytest

from delegates.models import Delegation, Invitation, Registration, Side
from tests.factories import make_edition

pytestmark = pytest.mark.browser
PASSWORD = "pw-Summit-2026"
INVITATIONS = (
    "email,family_name,given_name,native_name,language\n"
    "lin@example.tw,Lin,Mei-ling,林美玲,zh-hant\n"
    "chen@example.tw,Chen,Chih-wei,陳志偉,zh-hant\n"
)


def _path(url):
    return re.sub(r"^https?://[^/]+", "", url)


def test_invite_a_delegation_and_its_focal_point_registers_members(page, screenshot, django_user_model, mailoutbox):
    django_user_model.objects.create_superuser(username="akiko", email="akiko@example.org", password=PASSWORD)
    edition = make_edition(
        host_city_en="Nagoya",
        ordinal=12,
        year=2026,
        capacity=300,
        status="registration_open",
        requires_approval=False,
        registration_mode="both",
    )
    delegation = Delegation.objects.create(
        edition=edition,
        name_en="Taipei City Council",
        name_zh_hant="臺北市議會",
        side=Side.TAIWAN,
        kind=Delegation.Kind.LOCAL_ASSEMBLY,
        quota=3,
        focal_point_name="王秘書",
        focal_point_email="office@example.tw",
    )

    # The organizer invites the delegation's two lawmakers from a CSV file.
    page.goto("/admin/login/")
    page.fill('[name="username"]', "akiko")
    page.fill('[name="password"]', PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto("/admin/delegates/invitation/")
    page.get_by_role("link", name="Invite from a CSV file").click()
    assert page.locator('input[name="action"][value="invite"]').is_checked()
    page.select_option('select[name="edition"]', str(edition.pk))
    page.select_option('select[name="delegation"]', str(delegation.pk))
    page.set_input_files(
        'input[name="file"]', files=[{"name": "taipei.csv", "mimeType": "text/csv", "buffer": INVITATIONS.encode()}]
    )
    page.locator('input[value="Preview the import"]').click()
    assert "2 to invite, 0 already invited, 0 refused." in page.locator(".import-counts").inner_text()
    assert not Invitation.objects.exists()
    screenshot("1-invitations-preview")
    page.locator('input[value="Send the invitations now"]').click()
    assert "2 invitations sent" in page.locator(".import-counts").inner_text()
    assert sorted(Invitation.objects.values_list("email", "delegation")) == [
        ("chen@example.tw", delegation.pk),
        ("lin@example.tw", delegation.pk),
    ]
    assert len(mailoutbox) == 2
    screenshot("2-invitations-sent")

    # The focal point opens their link, in Traditional Chinese, and adds three members.
    page.goto(f"/admin/delegates/delegation/{delegation.pk}/change/")
    link = page.locator(".field-focal_point_link code").inner_text()
    page.goto(_path(link).replace("/en/", "/zh-hant/", 1))
    assert page.locator("h1").inner_text() == "臺北市議會"
    assert "3 個名額中已使用 0 個。" in page.locator("[data-quota]").inner_text()
    members = [("Huang", "Kuo-chang", "huang@example.tw", "member"), ("Wu", "Yi-nung", "wu@example.tw", "member")]
    members.append(("Tsai", "Pei-hsuan", "tsai@example.tw", "aide"))
    for family, given, email, participation in members:
        form = page.locator('form:has(button[value="add"])')
        form.locator('input[name="family_name"]').fill(family)
        form.locator('input[name="given_name"]').fill(given)
        form.locator('input[name="email"]').fill(email)
        form.locator('select[name="category"]').select_option("local_councilor")
        form.locator('select[name="participation"]').select_option(participation)
        page.get_by_role("button", name="為此成員報名").click()
        assert "已報名" in page.locator(".messages").inner_text()
    assert page.locator("table.members tbody tr").count() == 3
    assert sorted(Registration.objects.filter(delegation=delegation).values_list("email", "participation")) == [
        ("huang@example.tw", "member"),
        ("tsai@example.tw", "aide"),
        ("wu@example.tw", "member"),
    ]
    screenshot("3-focal-point-members")

    # One member confirms from their own e-mail.
    (confirmation,) = [mail for mail in mailoutbox if mail.to == ["huang@example.tw"]]
    confirm_url = re.search(r"https?://\S+/registration/confirm/\S+/", confirmation.body).group(0)
    page.goto(_path(confirm_url))
    page.locator("form button.button").click()
    assert Registration.objects.get(email="huang@example.tw").status == Registration.Status.ACCEPTED
    screenshot("4-member-confirmed")

    # The dashboard shows the delegation's quota use.
    page.goto(f"/admin/delegates/registration/dashboard/{edition.pk}/")
    row = page.locator(f'tr[data-delegation="{delegation.pk}"] [data-quota-use]')
    assert row.inner_text().startswith("1 / 3")
    assert page.locator('[data-invitations="sent"]').inner_text() == "2"
    screenshot("5-dashboard-quota")


def test_an_invitee_registers_in_japanese_and_another_declines(page, screenshot, mailoutbox):
    from delegates import tokens
    from tests.factories import make_invitation

    edition = make_edition(
        host_city_en="Nagoya",
        host_city_ja="名古屋",
        ordinal=12,
        year=2026,
        capacity=300,
        status="registration_open",
        requires_approval=True,
        registration_mode="invitation",
    )
    invited = make_invitation(
        edition,
        email="tanaka@example.jp",
        family_name="Tanaka",
        given_name="Hiroshi",
        language="ja",
        skips_approval=True,
        native_name="田中博",
        position="市議会議員",
        texts_language="ja",
    )
    declining = make_invitation(edition, email="suzuki@example.jp", family_name="Suzuki", language="ja")

    # The public form says it is by invitation only.
    page.goto(f"/ja/editions/{edition.slug}/register/")
    assert page.locator("h1").inner_text() == "招待制の登録"
    screenshot("1-public-form-by-invitation")

    page.goto(f"/ja/invitation/{tokens.invitation_token(invited)}/")
    assert page.locator("h1").inner_text() == "ご招待"
    assert page.locator('input[name="email"]').is_disabled()
    assert page.locator('input[name="email"]').input_value() == "tanaka@example.jp"
    assert page.locator('input[name="native_name"]').input_value() == "田中博"
    assert page.locator('input[name="position"]').input_value() == "市議会議員"
    page.select_option('select[name="side"]', "japan")
    page.select_option('select[name="category"]', "local_councilor")
    page.locator('input[name="privacy_consent"]').check()
    screenshot("2-invitation-form")
    page.locator("form.delegate-form button[type=submit]").click()
    assert page.locator("h1").inner_text() == "お申し込み内容"
    registration = Registration.objects.get(email="tanaka@example.jp")
    assert registration.status == Registration.Status.ACCEPTED  # no approval: the organizers said so
    assert registration.by_invitation
    screenshot("3-registered")

    page.goto(f"/ja/invitation/{tokens.invitation_token(declining)}/decline/")
    page.get_by_role("button", name="招待を辞退する").click()
    assert page.locator("h1").inner_text() == "招待を辞退しました"
    declining.refresh_from_db()
    assert declining.status == Invitation.Status.DECLINED
    screenshot("4-declined")
