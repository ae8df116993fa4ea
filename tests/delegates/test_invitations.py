"""Invitations: made one by one or from a CSV file, each bound to one address, with a
signed expiring link that opens the registration form pre-filled; reminders on the
edition's schedule; one-click decline; registration modes open / invitation only / both."""

import datetime
import io

import pytest
from django.core import signing
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from delegates import imports, services, tokens
from delegates.models import Delegation, Invitation, InvitationEvent, Registration, Side
from events.models import Edition
from tests.factories import make_invitation, make_open_edition, make_person, registration_form_data

pytestmark = pytest.mark.django_db

BOTH = Edition.RegistrationMode.BOTH
INVITATION_ONLY = Edition.RegistrationMode.INVITATION_ONLY


def _form_from(page, **changes):
    """What a browser would post back: the pre-filled form, with changes."""
    form = page.context["form"]
    data = {name: value for name, value in form.initial.items() if value not in (None, False)}
    data = {**registration_form_data(), **data, "privacy_consent": "on", "website": ""}
    data.pop("email")
    return {**data, **changes}


def _link(invitation, language="en"):
    return f"/{language}/invitation/{tokens.invitation_token(invitation)}/"


def test_an_invitation_is_emailed_in_the_invitees_language_with_its_link_and_decline(
    mailoutbox, django_capture_on_commit_callbacks
):
    edition = make_open_edition(registration_mode=BOTH)
    with django_capture_on_commit_callbacks(execute=True):
        invitation = make_invitation(edition, language="zh-hant", email="Lin@Example.TW")
    assert invitation.email == "lin@example.tw"
    assert invitation.status == Invitation.Status.SENT
    assert invitation.expires_at > timezone.now()
    (mail,) = mailoutbox
    assert mail.to == ["lin@example.tw"]
    assert "邀請" in mail.subject
    body = mail.body
    assert "/zh-hant/invitation/" in body and "/decline/" in body
    assert list(invitation.events.values_list("kind", flat=True)) == ["sent"]


def test_the_link_opens_the_form_prefilled_and_bound_to_the_invited_address(client, mailoutbox):
    edition = make_open_edition(registration_mode=INVITATION_ONLY, capacity=10)
    delegation = Delegation.objects.create(edition=edition, name_en="Taipei City Council", side=Side.TAIWAN)
    invitation = make_invitation(
        edition, delegation=delegation, email="chen@example.tw", position="議員", texts_language="zh-hant"
    )
    page = client.get(_link(invitation, "zh-hant"))
    assert page.status_code == 200
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.OPENED
    assert page.context["form"].initial["email"] == "chen@example.tw"
    assert page.context["form"].initial["position"] == "議員"
    # Another address posted with the form is ignored: the field is the invitation's.
    response = client.post(_link(invitation, "zh-hant"), _form_from(page, email="someone@else.org", side="japan"))
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert registration.email == "chen@example.tw"
    assert registration.by_invitation and registration.delegation == delegation
    assert registration.person.side == Side.TAIWAN  # the delegation's side, not what was posted
    # The invitation reached the address: no confirmation e-mail, straight to a decision.
    assert registration.status == Registration.Status.ACCEPTED
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.REGISTERED and invitation.registration == registration
    assert [event.kind for event in invitation.events.all()] == ["sent", "opened", "registered"]


def test_approval_is_skipped_only_when_the_organizers_say_so():
    edition = make_open_edition(registration_mode=BOTH, requires_approval=True)
    plain = make_invitation(edition)
    trusted = make_invitation(edition, skips_approval=True)
    data = registration_form_data()
    first = services.invitation_register(invitation=plain, data={**data, "email": plain.email}, language="en")
    second = services.invitation_register(
        invitation=trusted, data={**registration_form_data(), "email": trusted.email}, language="en"
    )
    assert first.status == Registration.Status.PENDING
    assert second.status == Registration.Status.ACCEPTED


def test_a_place_reserved_for_invitees_goes_only_to_an_invitee(client):
    edition = make_open_edition(registration_mode=BOTH, capacity=2, places_reserved_for_invitations=1)
    services.registration_create(edition=edition, data=registration_form_data(), language="en", confirmed=True)
    public = services.registration_create(edition=edition, data=registration_form_data(), language="en", confirmed=True)
    assert public.status == Registration.Status.WAITLISTED
    invitation = make_invitation(edition)
    registration = services.invitation_register(
        invitation=invitation, data={**registration_form_data(), "email": invitation.email}, language="en"
    )
    assert registration.status == Registration.Status.ACCEPTED


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "This invitation is for another e-mail address."),
        ("ja", "この招待は別のメールアドレス宛てです。"),
        ("zh-hant", "此邀請是寄給另一個電子郵件地址的。"),
    ],
)
def test_an_invitation_used_by_another_address_is_refused_in_the_users_language(language, expected):
    from django.utils import translation

    edition = make_open_edition(registration_mode=BOTH)
    invitation = make_invitation(edition)
    with translation.override(language), pytest.raises(services.InvitationForAnotherAddress) as refusal:
        services.invitation_register(
            invitation=invitation, data={**registration_form_data(), "email": "other@example.org"}, language=language
        )
    assert expected in refusal.value.message
    assert not Registration.objects.exists()


@pytest.mark.parametrize("language", ["en", "ja", "zh-hant"])
def test_a_forged_or_expired_link_gets_a_clear_page(client, settings, language):
    edition = make_open_edition(registration_mode=BOTH)
    invitation = make_invitation(edition)
    forged = client.get(f"/{language}/invitation/{tokens.invitation_token(invitation)}x/")
    assert forged.status_code == 400
    settings.INVITATION_LINK_MAX_AGE = -1
    expired = client.get(_link(invitation, language))
    assert expired.status_code == 400
    assert expired.context["error"].message == tokens.ExpiredInvitation.message
    for response in (forged, expired):
        assert "<form" not in response.content.decode().split("<main", 1)[-1]


def test_a_used_invitation_cannot_register_twice(client):
    edition = make_open_edition(registration_mode=BOTH)
    invitation = make_invitation(edition)
    page = client.get(_link(invitation))
    client.post(_link(invitation), _form_from(page))
    again = client.get(_link(invitation))
    assert again.status_code == 200
    assert "already been used" in again.content.decode()
    with pytest.raises(services.InvitationUsed):
        services.invitation_register(
            invitation=invitation, data={**registration_form_data(), "email": invitation.email}, language="en"
        )
    assert Registration.objects.count() == 1


def test_declining_takes_one_button_and_the_link_alone_changes_nothing(client):
    edition = make_open_edition(registration_mode=BOTH)
    invitation = make_invitation(edition)
    decline_url = f"/ja/invitation/{tokens.invitation_token(invitation)}/decline/"
    page = client.get(decline_url)
    assert page.status_code == 200
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.SENT  # a mail scanner's visit declines nothing
    response = client.post(decline_url)
    assert response.status_code == 200
    assert "招待を辞退しました" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.DECLINED
    # Changed their mind: a declined invitee may still register.
    registration = services.invitation_register(
        invitation=invitation, data={**registration_form_data(), "email": invitation.email}, language="ja"
    )
    assert registration.by_invitation


def test_invitation_only_public_form_says_so_and_takes_nothing(client):
    edition = make_open_edition(registration_mode=INVITATION_ONLY)
    url = reverse("delegates:register", kwargs={"edition_slug": edition.slug})
    page = client.get(url)
    assert "by invitation only" in page.content.decode()
    client.post(url, registration_form_data())
    assert not Registration.objects.exists()
    with pytest.raises(services.RegistrationByInvitationOnly):
        services.registration_create(edition=edition, data=registration_form_data(), language="en")
    # Organizers still register people (the import, the admin), and focal points their members.
    services.registration_create(
        edition=edition, data=registration_form_data(), language="en", actor="organizer", confirmed=True
    )
    detail = client.get(edition.get_absolute_url())
    assert "Registration is by invitation" in detail.content.decode()


def test_both_modes_form_points_invitees_to_their_link(client):
    edition = make_open_edition(registration_mode=BOTH)
    page = client.get(reverse("delegates:register", kwargs={"edition_slug": edition.slug}))
    assert "Invited by the organizers?" in page.content.decode()


def test_open_only_editions_take_no_invitations_and_nobody_is_invited_twice():
    edition = make_open_edition()
    with pytest.raises(services.InvitationsNotUsed):
        make_invitation(edition)
    edition.registration_mode = BOTH
    edition.save()
    invitation = make_invitation(edition, email="a@example.org")
    with pytest.raises(services.AlreadyInvited):
        make_invitation(edition, email="A@example.org")
    registered = services.registration_create(
        edition=edition, data=registration_form_data(), language="en", confirmed=True
    )
    with pytest.raises(services.AlreadyRegisteredByAddress):
        make_invitation(edition, email=registered.email)
    other = make_open_edition(registration_mode=BOTH)
    delegation = Delegation.objects.create(edition=other, name_en="Elsewhere", side=Side.JAPAN)
    with pytest.raises(services.WrongEditionDelegation):
        make_invitation(edition, delegation=delegation)
    assert Invitation.objects.get() == invitation


@pytest.fixture
def run_schedule(django_capture_on_commit_callbacks):
    def run():
        out = io.StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("sendinvitationreminders", stdout=out)
        return out.getvalue()

    return run


def test_reminders_follow_the_editions_schedule_and_are_recorded(mailoutbox, run_schedule):
    edition = make_open_edition(registration_mode=BOTH, invitation_reminder_days=3, invitation_reminders_max=2)
    invitation = make_invitation(edition)
    answered = make_invitation(edition)
    services.invitation_decline(invitation=answered)
    mailoutbox.clear()
    assert "Reminded 0" in run_schedule()
    sent_at = timezone.now() - datetime.timedelta(days=4)
    Invitation.objects.update(sent_at=sent_at)
    assert "Reminded 1" in run_schedule()
    assert "Reminded 0" in run_schedule()  # the interval counts from the last reminder
    (mail,) = mailoutbox
    assert mail.to == [invitation.email] and "Reminder" in mail.subject
    Invitation.objects.filter(pk=invitation.pk).update(last_reminded_at=sent_at)
    run_schedule()
    Invitation.objects.filter(pk=invitation.pk).update(last_reminded_at=sent_at)
    assert "Reminded 0" in run_schedule()  # two at most
    invitation.refresh_from_db()
    assert invitation.reminders_sent == 2
    assert invitation.events.filter(kind=InvitationEvent.Kind.REMINDED).count() == 2


def test_unanswered_invitations_expire_and_a_resent_one_is_in_play_again(run_schedule):
    edition = make_open_edition(registration_mode=BOTH)
    invitation = make_invitation(edition)
    Invitation.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    assert "1 invitations expired" in run_schedule()
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.EXPIRED
    with pytest.raises(services.InvitationExpired):
        services.invitation_register(
            invitation=invitation, data={**registration_form_data(), "email": invitation.email}, language="en"
        )
    services.invitation_resend(invitation=invitation)
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.SENT and invitation.expires_at > timezone.now()


CSV = """email,family_name,given_name,language,position,comes_as
lin@example.tw,Lin,Mei,zh-hant,議員,
wang@example.tw,Wang,Wei,zh-hant,,aide
not-an-address,Chen,,en,,
"""


def test_a_csv_of_invitations_is_previewed_before_anything_is_sent(mailoutbox, django_capture_on_commit_callbacks):
    edition = make_open_edition(registration_mode=BOTH)
    delegation = Delegation.objects.create(edition=edition, name_en="Taipei City Council", side=Side.TAIWAN)
    target = imports.ImportTarget(kind=imports.ImportTarget.INVITE, delegation=delegation)
    with django_capture_on_commit_callbacks(execute=True):
        preview = imports.delegates_import(edition=edition, text=CSV, user=None, dry_run=True, target=target)
    assert [row.outcome for row in preview] == ["create", "create", "refuse"]
    assert not Invitation.objects.exists() and not mailoutbox
    with django_capture_on_commit_callbacks(execute=True):
        imports.delegates_import(edition=edition, text=CSV, user=None, dry_run=False, target=target)
    invitations = Invitation.objects.order_by("email")
    assert [(i.email, i.participation, i.delegation_id) for i in invitations] == [
        ("lin@example.tw", "member", delegation.pk),
        ("wang@example.tw", "aide", delegation.pk),
    ]
    assert invitations[0].prefill["position"] == "議員"
    assert len(mailoutbox) == 2
    again = imports.delegates_import(edition=edition, text=CSV, user=None, dry_run=True, target=target)
    assert [row.outcome for row in again] == ["unchanged", "unchanged", "refuse"]


def test_erasing_a_person_erases_their_invitation():
    edition = make_open_edition(registration_mode=BOTH)
    invitation = make_invitation(edition, email="tanaka@example.jp", family_name="Tanakawa")
    registration = services.invitation_register(
        invitation=invitation,
        data={**registration_form_data(family_name="Tanakawa"), "email": invitation.email},
        language="en",
    )
    services.person_anonymize(person=registration.person)
    invitation.refresh_from_db()
    assert invitation.email == "" and invitation.family_name == "Anonymized" and invitation.prefill == {}
    with pytest.raises(tokens.InvalidToken):
        tokens.invitation_from_token(signing.TimestampSigner(salt=tokens.INVITATION_SALT).sign("0" * 32))


def test_an_invitees_person_is_found_again_across_editions():
    person = make_person(email="returning@example.jp")
    edition = make_open_edition(registration_mode=BOTH)
    invitation = make_invitation(edition, email="Returning@example.jp")
    registration = services.invitation_register(
        invitation=invitation, data={**registration_form_data(), "email": invitation.email}, language="en"
    )
    assert registration.person == person


# --- Found by review: every door, not only the main path ---------------------------------


def test_an_address_registered_through_another_door_gets_no_reminder(run_schedule, mailoutbox):
    edition = make_open_edition(registration_mode=BOTH, invitation_reminder_days=1)
    invitation = make_invitation(edition, email="public@example.org")
    services.registration_create(
        edition=edition, data=registration_form_data(email="public@example.org"), language="en", confirmed=True
    )
    Invitation.objects.update(sent_at=timezone.now() - datetime.timedelta(days=2))
    mailoutbox.clear()
    assert "Reminded 0" in run_schedule()
    assert not mailoutbox
    invitation.refresh_from_db()
    assert invitation.reminders_sent == 0


def test_a_reminder_queued_before_the_answer_is_not_sent(mailoutbox):
    from delegates.emails import invitation_email_send

    edition = make_open_edition(registration_mode=BOTH)
    invitation = make_invitation(edition)
    services.invitation_decline(invitation=invitation)
    mailoutbox.clear()
    invitation_email_send(invitation_id=invitation.pk, kind="invitation_reminder")
    assert not mailoutbox


def test_an_invitee_who_cancelled_may_register_again_through_the_same_invitation(client):
    edition = make_open_edition(registration_mode=INVITATION_ONLY)
    invitation = make_invitation(edition)
    data = {**registration_form_data(), "email": invitation.email}
    first = services.invitation_register(invitation=invitation, data=data, language="en")
    services.registration_cancel(registration=first, actor="delegate")
    assert client.get(_link(invitation)).status_code == 200
    second = services.invitation_register(invitation=invitation, data=data, language="en")
    assert second != first and second.by_invitation
    services.registration_cancel(registration=second, actor="delegate")
    services.invitation_resend(invitation=invitation)
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.SENT


def test_a_delegation_chosen_after_inviting_gives_the_form_its_side(client):
    edition = make_open_edition(registration_mode=BOTH)
    invitation = make_invitation(edition)
    invitation.delegation = Delegation.objects.create(edition=edition, name_en="Legislative Yuan", side=Side.TAIWAN)
    invitation.save()
    page = client.get(_link(invitation))
    data = _form_from(page)
    data.pop("side", None)
    assert client.post(_link(invitation), data).status_code == 302
    assert Registration.objects.get().person.side == Side.TAIWAN


def test_an_expired_unconfirmed_registration_leaves_the_invitation_usable():
    from delegates import retention

    edition = make_open_edition(registration_mode=BOTH)
    invitation = make_invitation(edition, email="slow@example.org")
    registration = services.registration_create(
        edition=edition, data=registration_form_data(email="slow@example.org"), language="en"
    )
    retention.registration_expire(registration=registration)
    invitation.refresh_from_db()
    assert invitation.email == "slow@example.org"
    assert tokens.invitation_from_token(tokens.invitation_token(invitation)) == invitation


def test_reminders_every_zero_days_are_refused_on_the_edition():
    from django.core.exceptions import ValidationError

    edition = make_open_edition(registration_mode=BOTH, invitation_reminder_days=0)
    with pytest.raises(ValidationError):
        edition.full_clean()


def test_japanese_readers_see_the_family_name_first_and_no_link_to_a_closed_public_form(client):
    edition = make_open_edition(registration_mode=INVITATION_ONLY)
    invitation = make_invitation(edition, family_name="Yamada", given_name="Taro")
    assert invitation.name_for("ja") == "Yamada Taro" and invitation.name_for("en") == "Taro Yamada"
    response = client.post(f"/ja/editions/{edition.slug}/register/find/", {"email": "someone@example.org"})
    register = reverse("delegates:register", kwargs={"edition_slug": edition.slug}).replace("/en/", "/ja/")
    assert f'href="{register}"' not in response.content.decode()
