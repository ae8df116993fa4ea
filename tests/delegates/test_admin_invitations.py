"""Invitations in the admin: add (with the refusals shown on the form), change what may still
change, delete (withdraw), send again, and a CSV of invitations through the import preview."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from delegates import tokens
from delegates.models import Delegation, Invitation, Registration, Side
from events.models import Edition
from tests.factories import make_invitation, make_open_edition, registration_form_data

pytestmark = pytest.mark.django_db
ADD = reverse("admin:delegates_invitation_add")
LIST = reverse("admin:delegates_invitation_changelist")
UPLOAD = reverse("admin:delegates_registration_import")
CONFIRM = reverse("admin:delegates_registration_import_confirm")


@pytest.fixture
def edition():
    return make_open_edition(registration_mode=Edition.RegistrationMode.BOTH, host_city_en="Nagoya", year=2026)


def _add(client, edition, HTTP_ACCEPT_LANGUAGE="en", **fields):
    data = {
        "edition": edition.pk,
        "delegation": "",
        "email": "kao@example.tw",
        "family_name": "Kao",
        "given_name": "Ming",
        "language": "zh-hant",
        "participation": "member",
        **fields,
    }
    return client.post(ADD, data, HTTP_ACCEPT_LANGUAGE=HTTP_ACCEPT_LANGUAGE)


def test_an_organizer_invites_one_person_from_the_admin(
    organizer_client, edition, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _add(organizer_client, edition)
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.invited_by is not None and invitation.status == "sent"
    assert [mail.to for mail in mailoutbox] == [["kao@example.tw"]]
    listing = organizer_client.get(LIST).content.decode()
    assert "kao@example.tw" in listing


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "already invited"), ("ja", "すでにこの回に招待されています"), ("zh-hant", "已受邀參加本屆")],
)
def test_refusals_are_shown_on_the_form_in_the_organizers_language(organizer_client, edition, language, expected):
    make_invitation(edition, email="kao@example.tw")
    response = _add(organizer_client, edition, email="KAO@example.tw", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    assert expected in response.content.decode()
    assert Invitation.objects.count() == 1


def test_an_open_only_edition_refuses_invitations_on_the_form(organizer_client):
    edition = make_open_edition()
    response = _add(organizer_client, edition)
    assert response.status_code == 200
    assert "open registration only" in response.content.decode()
    assert not Invitation.objects.exists()


def test_change_edits_only_what_may_change_and_delete_withdraws_the_link(organizer_client, edition):
    invitation = make_invitation(edition)
    delegation = Delegation.objects.create(edition=edition, name_en="Aichi Prefectural Assembly", side=Side.JAPAN)
    url = reverse("admin:delegates_invitation_change", args=[invitation.pk])
    page = organizer_client.get(url)
    assert page.status_code == 200
    response = organizer_client.post(
        url,
        {
            "delegation": delegation.pk,
            "language": "ja",
            "participation": "aide",
            "skips_approval": "on",
            "email": "hijack@example.org",
            "events-TOTAL_FORMS": "0",
            "events-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert (invitation.delegation, invitation.language, invitation.participation) == (delegation, "ja", "aide")
    assert invitation.email.startswith("invitee")  # the address is not editable
    token = tokens.invitation_token(invitation)
    delete = reverse("admin:delegates_invitation_delete", args=[invitation.pk])
    assert organizer_client.post(delete, {"post": "yes"}).status_code == 302
    with pytest.raises(tokens.InvalidToken):
        tokens.invitation_from_token(token)


def test_send_again_action_gives_a_fresh_link_and_skips_registered_ones(
    organizer_client, edition, mailoutbox, django_capture_on_commit_callbacks
):
    waiting = make_invitation(edition)
    used = make_invitation(edition)
    from delegates.services import invitation_register

    invitation_register(invitation=used, data={**registration_form_data(), "email": used.email}, language="en")
    with django_capture_on_commit_callbacks(execute=True):
        response = organizer_client.post(
            LIST, {"action": "send_again", "_selected_action": [waiting.pk, used.pk]}, follow=True
        )
    html = response.content.decode()
    assert "1 invitation sent again." in html
    assert "already been used" in html
    assert [mail.to for mail in mailoutbox] == [[waiting.email]]
    assert waiting.events.filter(kind="resent").exists()


CSV = (
    b"email,family_name,given_name,language,comes_as\n"
    b"lai@example.tw,Lai,Ching-te,zh-hant,\n"
    b"hsiao@example.tw,Hsiao,Bi-khim,zh-hant,aide\n"
)


def test_a_csv_of_invitations_through_the_import_preview(
    organizer_client, edition, mailoutbox, django_capture_on_commit_callbacks
):
    delegation = Delegation.objects.create(edition=edition, name_en="Legislative Yuan", side=Side.TAIWAN)
    page = organizer_client.get(UPLOAD + "?action=invite")
    assert page.context["form"]["action"].value() == "invite"
    with django_capture_on_commit_callbacks(execute=True):
        preview = organizer_client.post(
            UPLOAD,
            {
                "edition": edition.pk,
                "action": "invite",
                "delegation": delegation.pk,
                "participation": "member",
                "skips_approval": "on",
                "file": SimpleUploadedFile("invite.csv", CSV, "text/csv"),
            },
        )
    assert "2 to invite, 0 already invited, 0 refused." in preview.content.decode()
    assert not Invitation.objects.exists() and not mailoutbox
    with django_capture_on_commit_callbacks(execute=True):
        done = organizer_client.post(CONFIRM, {"token": preview.context["token"]})
    assert "2 invitations sent, 0 already invited, 0 refused." in done.content.decode()
    invitations = Invitation.objects.order_by("email")
    assert [(i.email, i.participation, i.skips_approval, i.delegation_id) for i in invitations] == [
        ("hsiao@example.tw", "aide", True, delegation.pk),
        ("lai@example.tw", "member", True, delegation.pk),
    ]
    assert len(mailoutbox) == 2
    assert not Registration.objects.exists()


def test_the_import_refuses_a_delegation_of_another_edition(organizer_client, edition):
    other = make_open_edition(registration_mode=Edition.RegistrationMode.BOTH)
    delegation = Delegation.objects.create(edition=other, name_en="Elsewhere", side=Side.JAPAN)
    response = organizer_client.post(
        UPLOAD,
        {
            "edition": edition.pk,
            "action": "invite",
            "delegation": delegation.pk,
            "participation": "member",
            "file": SimpleUploadedFile("invite.csv", CSV, "text/csv"),
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["delegation"]
    assert not Invitation.objects.exists()


def test_the_focal_point_link_action_emails_in_the_sides_language(
    organizer_client, edition, mailoutbox, django_capture_on_commit_callbacks
):
    taiwan = Delegation.objects.create(
        edition=edition,
        name_en="Taipei City Council",
        name_zh_hant="臺北市議會",
        side=Side.TAIWAN,
        focal_point_name="陳秘書",
        focal_point_email="office@example.tw",
    )
    nobody = Delegation.objects.create(edition=edition, name_en="No focal point", side=Side.JAPAN)
    response = organizer_client.post(
        reverse("admin:delegates_delegation_changelist"),
        {"action": "send_focal_point_link", "_selected_action": [taiwan.pk, nobody.pk]},
        follow=True,
    )
    html = response.content.decode()
    assert "The link is on its way to 1 focal point." in html
    assert "has no focal point" in html
    (mail,) = mailoutbox
    assert mail.to == ["office@example.tw"] and "臺北市議會" in mail.subject
    assert "/zh-hant/delegation/" in mail.body


def test_the_delegations_page_links_to_inviting_its_members(organizer_client, edition):
    delegation = Delegation.objects.create(edition=edition, name_en="Legislative Yuan", side=Side.TAIWAN)
    page = organizer_client.get(reverse("admin:delegates_delegation_change", args=[delegation.pk])).content.decode()
    assert f"?action=invite&amp;edition={edition.pk}&amp;delegation={delegation.pk}" in page
    form = organizer_client.get(UPLOAD, {"action": "invite", "edition": edition.pk, "delegation": delegation.pk})
    bound = form.context["form"]
    assert (bound["action"].value(), bound["delegation"].value()) == ("invite", str(delegation.pk))


def test_the_change_form_offers_only_the_invitations_own_editions_delegations(organizer_client, edition):
    invitation = make_invitation(edition)
    other = make_open_edition(registration_mode=Edition.RegistrationMode.BOTH)
    elsewhere = Delegation.objects.create(edition=other, name_en="Elsewhere", side=Side.JAPAN)
    url = reverse("admin:delegates_invitation_change", args=[invitation.pk])
    response = organizer_client.post(
        url,
        {
            "delegation": elsewhere.pk,
            "language": "en",
            "participation": "member",
            "events-TOTAL_FORMS": "0",
            "events-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["delegation"]
    invitation.refresh_from_db()
    assert invitation.delegation is None
