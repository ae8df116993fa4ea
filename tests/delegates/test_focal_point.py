"""The focal point's page: a private link, no account; the delegation's quota and members;
members added, cancelled and sent their link again; rate-limited per delegation."""

import re

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from delegates import services, tokens
from delegates.audit import actor_kind_of
from delegates.models import Delegation, Registration, Side
from tests.factories import make_open_edition, make_person, make_registration, registration_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def delegation():
    edition = make_open_edition(capacity=50)
    return Delegation.objects.create(
        edition=edition,
        name_en="Taipei City Council",
        name_zh_hant="臺北市議會",
        side=Side.TAIWAN,
        quota=2,
        focal_point_email="office@example.tw",
    )


def _url(delegation, language="zh-hant"):
    return f"/{language}/delegation/{tokens.delegation_token(delegation)}/"


def _member(number, **fields):
    values = {
        "family_name": f"Lin{number}",
        "given_name": "Mei",
        "native_name": "",
        "honorific": "",
        "email": f"member{number}@example.tw",
        "position": "議員",
        "organization": "臺北市議會",
        "category": "local_councilor",
        "participation": "member",
        "action": "add",
    }
    return {**values, **fields}


def test_a_focal_point_registers_three_members_in_chinese_and_each_confirms_within_the_quota(
    client, delegation, mailoutbox, django_capture_on_commit_callbacks
):
    page = client.get(_url(delegation))
    assert page.status_code == 200
    assert "臺北市議會" in page.content.decode()
    assert "2 個名額中已使用 0 個。" in page.content.decode()
    for number, participation in [(1, "member"), (2, "member"), (3, "aide")]:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(_url(delegation), _member(number, participation=participation))
        assert response.status_code == 302
    members = Registration.objects.filter(delegation=delegation).order_by("pk")
    assert [(m.person.side, m.participation, m.status, m.language) for m in members] == [
        ("taiwan", "member", "unconfirmed", "zh-hant"),
        ("taiwan", "member", "unconfirmed", "zh-hant"),
        ("taiwan", "aide", "unconfirmed", "zh-hant"),
    ]
    # Each member gets their own confirmation e-mail, in the language of the page.
    assert sorted(mail.to[0] for mail in mailoutbox) == [
        "member1@example.tw",
        "member2@example.tw",
        "member3@example.tw",
    ]
    statuses = [services.registration_confirm(registration=member).status for member in members]
    assert statuses == ["accepted", "accepted", "waitlisted"]
    assert "2 個名額中已使用 2 個。" in client.get(_url(delegation)).content.decode()


def test_someone_already_registered_for_the_edition_is_refused_with_a_message(client, delegation):
    make_registration(delegation.edition, make_person(email="taken@example.tw"), email="taken@example.tw")
    response = client.post(_url(delegation), _member(1, email="taken@example.tw"), follow=True)
    assert "此電子郵件地址已報名本屆。" in response.content.decode()
    assert not Registration.objects.filter(delegation=delegation).exists()


def test_a_member_added_twice_is_pointed_to_the_list_and_a_table_pasted_twice_changes_nothing(client, delegation):
    client.post(_url(delegation), _member(1))
    again = client.post(_url(delegation), _member(1), follow=True)
    assert "此電子郵件地址已在您的代表團中報名：請見成員名單。" in again.content.decode()
    table = "email\tfamily_name\tshoe_size\tside\nmember1@example.tw\tLin1\t42\tjapan\n"
    preview = client.post(_url(delegation), {"action": "preview_table", "table": table})
    assert [row.outcome for row in preview.context["preview"]["results"]] == ["unchanged"]
    html = preview.content.decode()
    assert "0 位將報名，1 位已在您的代表團中，0 列被拒絕。" in html and "未變更" in html
    # A column the import does not read is named, not silently dropped.
    assert "下列欄位不會使用： shoe_size, side" in html
    # The same address as something else is no repeat: it is refused, pointing to the list.
    table = "email\tfamily_name\tcomes_as\nmember1@example.tw\tLin1\taide\n"
    preview = client.post(_url(delegation), {"action": "preview_table", "table": table})
    assert [row.outcome for row in preview.context["preview"]["results"]] == ["refuse"]
    assert "此電子郵件地址已在您的代表團中報名，身分為成員" in preview.content.decode()
    assert Registration.objects.filter(delegation=delegation).count() == 1


def test_the_same_person_across_editions_stays_one_person(client, delegation):
    earlier = make_person(email="again@example.tw", side=Side.TAIWAN)
    client.post(_url(delegation), _member(1, email="again@example.tw"))
    assert Registration.objects.get(delegation=delegation).person == earlier


def test_bad_input_is_explained_on_the_page_and_nothing_is_written(client, delegation):
    response = client.post(_url(delegation), _member(1, email="not-an-address", family_name=""))
    assert response.status_code == 200
    html = response.content.decode()
    assert "請輸入有效的電子郵件地址。" in html
    assert "這個欄位是必須的。" in html
    assert not Registration.objects.exists()


@pytest.mark.parametrize("token", ["forged", "x" * 300, "%00"])
def test_a_forged_link_gets_a_clear_page(client, token):
    response = client.get(f"/zh-hant/delegation/{token}/")
    assert response.status_code in (400, 404)


def test_a_focal_point_cancels_and_resends_only_for_their_own_members(client, delegation, mailoutbox):
    client.post(_url(delegation), _member(1))
    member = Registration.objects.get(delegation=delegation)
    outsider = make_registration(delegation.edition)
    response = client.post(_url(delegation), {"action": "cancel", "member": outsider.pk}, follow=True)
    assert "此報名不屬於您的代表團。" in response.content.decode()
    outsider.refresh_from_db()
    assert outsider.status != "cancelled"
    confirmed = client.post(
        _url(delegation), {"action": "cancel", "member": outsider.pk, "confirmed": "yes"}, follow=True
    )
    assert "此報名不屬於您的代表團。" in confirmed.content.decode()
    outsider.refresh_from_db()
    assert outsider.status != "cancelled"
    client.post(_url(delegation), {"action": "resend", "member": member.pk})
    # The button asks first, naming the member; nothing is cancelled until the focal point says yes.
    asked = client.post(_url(delegation), {"action": "cancel", "member": member.pk})
    page = asked.content.decode()
    assert asked.status_code == 200
    assert f"要取消{member.person.full_name}的報名嗎？" in page and "是，取消此報名" in page and "保留報名" in page
    member.refresh_from_db()
    assert member.status != "cancelled"
    client.post(_url(delegation), {"action": "cancel", "member": member.pk, "confirmed": "yes"})
    member.refresh_from_db()
    assert member.status == "cancelled"


def test_the_page_is_rate_limited_per_delegation_not_per_address(client, delegation, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "focal_point": (2, 600)}
    for number, address in enumerate(["10.0.0.1", "10.0.0.2"]):
        assert client.post(_url(delegation), _member(number), REMOTE_ADDR=address).status_code == 302
    limited = client.post(_url(delegation), _member(9), REMOTE_ADDR="10.0.0.3")
    assert limited.status_code == 429
    # It says what was limited: this delegation's link, not the visitor's network.
    assert "短時間內透過此代表團的連結送出了大量變更。請等待10分鐘後再試一次。" in limited.content.decode()
    # Another delegation is not held back.
    other = Delegation.objects.create(edition=delegation.edition, name_en="Tainan City Council", side=Side.TAIWAN)
    assert client.post(_url(other), _member(10)).status_code == 302


def test_the_admin_shows_the_focal_points_link(organizer_client, delegation):
    page = organizer_client.get(reverse("admin:delegates_delegation_change", args=[delegation.pk])).content.decode()
    (token,) = set(re.findall(r'/(?:en|ja|zh-hant)/delegation/([^/"]+)/', page))
    assert tokens.delegation_from_token(token) == delegation


TABLE = (
    "email\tfamily_name\tgiven_name\tcomes_as\tposition\n"
    + "\n".join(
        f"table{number}@example.tw\tWu{number}\tJun\t{'口譯' if number == 3 else ''}\t議員" for number in range(1, 4)
    )
    + "\nbroken\tChen\t\t\t\n"
)


def test_a_pasted_table_is_previewed_then_registered_in_one_go(client, delegation, mailoutbox):
    preview = client.post(_url(delegation), {"action": "preview_table", "table": TABLE})
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "3 位將報名，0 位已在您的代表團中，1 列被拒絕。尚未報名任何人。" in html
    assert "不是電子郵件地址" in html
    assert not Registration.objects.exists() and not mailoutbox
    token = preview.context["preview"]["token"]
    response = client.post(_url(delegation), {"action": "import_table", "token": token}, follow=True)
    assert "已報名 3 位成員" in response.content.decode()
    members = Registration.objects.filter(delegation=delegation).order_by("person__family_name")
    assert [(m.person.family_name, m.participation, m.person.side) for m in members] == [
        ("Wu1", "member", "taiwan"),
        ("Wu2", "member", "taiwan"),
        ("Wu3", "interpreter", "taiwan"),
    ]
    # Confirming twice (a double click, the back button) registers nobody again.
    again = client.post(_url(delegation), {"action": "import_table", "token": token}, follow=True)
    assert "此表格已不在等待確認" in again.content.decode()
    assert Registration.objects.count() == 3


@pytest.mark.parametrize(
    "table",
    ["", "just one column\nvalue", "email,family_name\n" + "x" * 20000, "email;family_name\na@b.tw;Lin"],
)
def test_a_bad_table_gets_a_message_and_writes_nothing(client, delegation, table):
    response = client.post(_url(delegation), {"action": "preview_table", "table": table})
    assert response.status_code == 200
    assert response.context["table_form"].errors or response.context["preview"]
    assert not Registration.objects.exists()


def test_another_delegations_preview_cannot_be_confirmed(client, delegation):
    preview = client.post(_url(delegation), {"action": "preview_table", "table": TABLE})
    other = Delegation.objects.create(edition=delegation.edition, name_en="Tainan City Council", side=Side.TAIWAN)
    token = preview.context["preview"]["token"]
    client.post(_url(other), {"action": "import_table", "token": token})
    assert not Registration.objects.exists()


def test_the_focal_point_changes_what_a_member_comes_as_within_the_quota(client, delegation):
    delegation.edition.count_accompanying = False
    delegation.edition.save()
    for number in (1, 2, 3):
        client.post(_url(delegation), _member(number, participation="aide" if number == 3 else "member"))
    for member in Registration.objects.filter(delegation=delegation):
        services.registration_confirm(registration=member)
    aide = Registration.objects.get(participation="aide")
    assert aide.status == "accepted"  # aides take no place from the quota of 2
    response = client.post(
        _url(delegation), {"action": "change", "member": aide.pk, "participation": "member"}, follow=True
    )
    assert "2 個名額中已使用 2 個。" in response.content.decode()
    aide.refresh_from_db()
    assert aide.participation == "aide"  # refused: a third member would exceed the quota
    client.post(_url(delegation), {"action": "change", "member": aide.pk, "participation": "interpreter"})
    aide.refresh_from_db()
    assert aide.participation == "interpreter"
    # What the member comes as decides what the quota counts: the change is on record.
    changed = LogEntry.objects.get_for_object(aide).order_by("pk").last()
    assert changed.changes_dict["participation"] == ["aide", "interpreter"]
    assert actor_kind_of(changed) == "focal_point"


def test_a_pasted_tables_empty_last_cell_is_kept(client, delegation):
    """A spreadsheet copies an empty last cell as a trailing tab; stripping it would refuse the row."""
    table = "email\tfamily_name\tcomes_as\nlast@example.tw\tLast\t\n"
    preview = client.post(_url(delegation), {"action": "preview_table", "table": table})
    assert [row.outcome for row in preview.context["preview"]["results"]] == ["create"]


def test_a_table_row_too_long_for_a_known_person_is_refused_before_anyone_confirms(client, delegation):
    make_person(email="known@example.tw")
    table = f"email\tfamily_name\thonorific\nknown@example.tw\tKnown\t{'H' * 80}\n"
    preview = client.post(_url(delegation), {"action": "preview_table", "table": table})
    assert [row.outcome for row in preview.context["preview"]["results"]] == ["refuse"]


@pytest.mark.parametrize("member", ["abc", "", "1e3", "-1", "9" * 30])
@pytest.mark.parametrize("action", ["cancel", "resend", "change"])
def test_a_forged_member_is_refused_with_a_message(client, delegation, action, member):
    response = client.post(_url(delegation), {"action": action, "member": member, "participation": "aide"})
    assert response.status_code == 302


def test_a_stale_table_preview_is_purged_from_the_session(client, delegation):
    from django.contrib.sessions.models import Session

    from delegates import retention

    client.post(_url(delegation), {"action": "preview_table", "table": TABLE})
    session = Session.objects.get()
    assert "delegation_import" in session.get_decoded()
    later = __import__("django.utils.timezone", fromlist=["now"]).now() + __import__("datetime").timedelta(hours=2)
    retention.sessions_purge(now=later)
    assert "delegation_import" not in Session.objects.get().get_decoded()


def test_a_table_longer_than_any_delegation_is_refused_with_a_message(client, delegation):
    table = "email\tfamily_name\n" + "\n".join(f"m{n}@example.tw\tM{n}" for n in range(301))
    response = client.post(_url(delegation), {"action": "preview_table", "table": table})
    assert "一次最多 300 位成員，請分割表格。" in response.content.decode()
    assert response.context["preview"] is None


def test_a_member_learns_from_the_email_who_registered_them(
    client, delegation, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url(delegation), _member(1))
    (mail,) = mailoutbox
    assert "代表團「臺北市議會」的聯絡窗口已為您報名" in mail.body
    # They did not register themselves: no thanks for registering, and ignoring it is safe.
    assert "感謝" not in mail.body and "如果您沒有報名" not in mail.body
    assert "若您不打算出席，請忽略這封郵件：您不會被報名" in mail.body


def test_the_focal_point_sees_the_addresses_they_typed_and_no_other(client, delegation):
    client.post(_url(delegation), _member(1))
    moved_in = make_registration(delegation.edition, email="own@example.tw", delegation=delegation)
    page = client.get(_url(delegation)).content.decode()
    assert "member1@example.tw" in page and moved_in.person.family_name in page
    assert "own@example.tw" not in page


def test_someone_who_registered_themselves_is_not_told_a_focal_point_did(
    delegation, mailoutbox, django_capture_on_commit_callbacks
):
    """An organizer moves a self-registration into the delegation, then sends its link again."""
    with django_capture_on_commit_callbacks(execute=True):
        registration = services.registration_create(
            edition=delegation.edition, data=registration_form_data(), language="zh-hant"
        )
    services.registration_assign(
        registration=registration, delegation=delegation, participation="member", by_invitation=False
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_resend_confirmation(registration=registration)
    assert [("感謝您報名參加" in mail.body, "聯絡窗口已為您報名" in mail.body) for mail in mailoutbox] == [
        (True, False),
        (True, False),
    ]


def test_a_header_only_table_says_there_are_no_rows(client, delegation):
    response = client.post(_url(delegation), {"action": "preview_table", "table": "email\tfamily_name\n"})
    assert "表格在欄位名稱下方沒有任何資料列。" in response.content.decode()
    assert response.context["preview"] is None


def test_the_history_credits_the_focal_point_and_the_system_for_what_each_did(client, delegation):
    """The registration's history and the audit log say the focal point added and cancelled
    the member, not the member, and the system promoted the one waiting."""
    delegation.quota = 1
    delegation.save()
    client.post(_url(delegation), _member(1))
    leaving = Registration.objects.get(delegation=delegation)
    services.registration_confirm(registration=leaving)
    waiting = make_registration(delegation.edition, delegation=delegation)
    services.registration_confirm(registration=waiting)
    waiting.refresh_from_db()
    assert waiting.status == "waitlisted"

    client.post(_url(delegation), {"action": "cancel", "member": leaving.pk, "confirmed": "yes"})
    steps = list(leaving.status_changes.order_by("pk").values_list("to_status", "actor"))
    assert steps == [("unconfirmed", "focal_point"), ("accepted", "system"), ("cancelled", "focal_point")]
    cancelled = LogEntry.objects.get_for_object(leaving).order_by("pk").last()
    assert (actor_kind_of(cancelled), cancelled.changes_dict["status"][1]) == ("focal_point", "cancelled")
    assert waiting.status_changes.order_by("pk").last().actor == "system"
    promoted = LogEntry.objects.get_for_object(waiting).order_by("pk").last()
    assert (actor_kind_of(promoted), promoted.changes_dict["status"][1]) == ("system", "accepted")
    # The focal point's client is on record for what they did; the system acts for no client.
    assert (cancelled.remote_addr, promoted.remote_addr) == ("127.0.0.1", None)


def test_erasing_a_member_leaves_the_focal_points_address_on_the_other_members(client, delegation):
    office, home = "198.51.100.7", "203.0.113.5"
    for number in (1, 2):
        client.post(_url(delegation), _member(number), REMOTE_ADDR=office)
    leaving, staying = Registration.objects.filter(delegation=delegation).order_by("pk")
    # The member confirms from home: that address is theirs, and goes with them.
    client.post(reverse("delegates:confirm", kwargs={"token": tokens.confirm_token(leaving)}), REMOTE_ADDR=home)
    services.person_anonymize(person=leaving.person)
    addresses = set(LogEntry.objects.exclude(remote_addr=None).values_list("remote_addr", flat=True))
    assert home not in addresses
    assert {entry.remote_addr for entry in LogEntry.objects.get_for_object(staying)} == {office}
