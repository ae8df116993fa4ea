import pytest
from auditlog.models import LogEntry
from django.contrib.messages import get_messages
from django.urls import reverse

from delegates.audit import audit_lines_for
from delegates.models import Person, Registration, RegistrationStatusChange
from tests.factories import make_edition, make_person, make_registration

pytestmark = pytest.mark.django_db
URL = reverse("admin:delegates_registration_changelist")
Status = Registration.Status


def _act(client, action, *registrations):
    response = client.post(
        URL, {"action": action, "_selected_action": [registration.pk for registration in registrations]}, follow=True
    )
    return [str(message) for message in get_messages(response.wsgi_request)] or [
        str(message) for message in response.context["messages"]
    ]


def _statuses(*registrations):
    return [Registration.objects.get(pk=registration.pk).status for registration in registrations]


@pytest.fixture
def edition():
    return make_edition(host_city_en="Nagoya", ordinal=12, year=2026, capacity=2, status="registration_open")


def _reg(edition, status, name):
    person = make_person(given_name=name, family_name="Test", email=f"{name.lower()}@example.org")
    return make_registration(edition, person, status=status)


def test_accept_goes_through_the_rules_and_refuses_row_by_row(organizer_client, organizer, edition):
    pending = _reg(edition, Status.PENDING, "Pending")
    cancelled = _reg(edition, Status.CANCELLED, "Cancelled")
    messages = _act(organizer_client, "accept", pending, cancelled)
    assert messages == [
        "Cancelled Test (12. Nagoya 2026): A registration that is “Cancelled” cannot become “Accepted”.",
        "1 registration accepted.",
    ]
    assert _statuses(pending, cancelled) == [Status.ACCEPTED, Status.CANCELLED]
    change = RegistrationStatusChange.objects.get(registration=pending, to_status=Status.ACCEPTED)
    assert (change.actor, change.user) == ("organizer", organizer)
    assert not RegistrationStatusChange.objects.filter(registration=cancelled).exists()


def test_accept_never_exceeds_capacity(organizer_client, edition):
    _reg(edition, Status.ACCEPTED, "Seated")
    first, second = _reg(edition, Status.PENDING, "First"), _reg(edition, Status.PENDING, "Second")
    messages = _act(organizer_client, "accept", first, second)
    assert messages == [
        "Second Test (12. Nagoya 2026): All places are taken. Put the registration on the waiting list, "
        "or raise the capacity first.",
        "1 registration accepted.",
    ]
    assert _statuses(first, second) == [Status.ACCEPTED, Status.PENDING]


def test_reject_and_waitlist(organizer_client, edition):
    one, two = _reg(edition, Status.PENDING, "One"), _reg(edition, Status.PENDING, "Two")
    assert _act(organizer_client, "reject", one) == ["1 registration rejected."]
    assert _act(organizer_client, "waitlist", two) == ["1 registration moved to the waiting list."]
    assert _statuses(one, two) == [Status.REJECTED, Status.WAITLISTED]
    # A rejected registration may be reconsidered; a cancelled one cannot join the waiting list.
    cancelled = _reg(edition, Status.CANCELLED, "Gone")
    assert _act(organizer_client, "waitlist", cancelled) == [
        "Gone Test (12. Nagoya 2026): A registration that is “Cancelled” cannot become “On the waiting list”."
    ]
    assert _statuses(cancelled) == [Status.CANCELLED]


def test_rejecting_an_accepted_registration_promotes_the_first_waitlisted(organizer_client, edition):
    seated = _reg(edition, Status.ACCEPTED, "Seated")
    _reg(edition, Status.ACCEPTED, "Other")
    waiting = _reg(edition, Status.WAITLISTED, "Waiting")
    _act(organizer_client, "reject", seated)
    assert _statuses(seated, waiting) == [Status.REJECTED, Status.ACCEPTED]
    assert RegistrationStatusChange.objects.get(registration=waiting, to_status="accepted").actor == "system"


def test_promote_only_from_the_waiting_list(organizer_client, edition):
    waiting, pending = _reg(edition, Status.WAITLISTED, "Waiting"), _reg(edition, Status.PENDING, "Pending")
    assert _act(organizer_client, "promote", waiting, pending) == [
        "Pending Test (12. Nagoya 2026): Not promoted: this registration is not on the waiting list.",
        "1 registration promoted.",
    ]
    assert _statuses(waiting, pending) == [Status.ACCEPTED, Status.PENDING]


def test_fill_free_places_from_the_waiting_list_in_order(organizer_client, edition):
    _reg(edition, Status.ACCEPTED, "Seated")
    first, second = _reg(edition, Status.WAITLISTED, "First"), _reg(edition, Status.WAITLISTED, "Second")
    assert _act(organizer_client, "fill_from_waiting_list", second) == [
        "12. Nagoya 2026: 1 registration promoted from the waiting list."
    ]
    assert _statuses(first, second) == [Status.ACCEPTED, Status.WAITLISTED]


def test_resend_confirmation_only_while_unconfirmed(organizer_client, edition, mailoutbox):
    unconfirmed = _reg(edition, Status.UNCONFIRMED, "New")
    accepted = _reg(edition, Status.ACCEPTED, "Old")
    messages = _act(organizer_client, "resend_confirmation", unconfirmed, accepted)
    assert messages[-1] == "1 confirmation e-mail queued."
    assert messages[0].startswith("Old Test (12. Nagoya 2026): ")
    assert [mail.to for mail in mailoutbox] == [[unconfirmed.email]]
    # Nothing changed on the row, yet the resend is on its record, for who and when.
    assert [line.changes for line in audit_lines_for(unconfirmed)][0] == [
        {"note": "The confirmation e-mail was sent again."}
    ]
    page = organizer_client.get(
        reverse("admin:delegates_registration_change", args=[unconfirmed.pk]), headers={"accept-language": "ja"}
    ).content.decode()
    assert "確認メールを再送しました。" in page


def test_mark_attended_checks_in_accepted_delegates_only(organizer_client, edition):
    accepted, pending = _reg(edition, Status.ACCEPTED, "Here"), _reg(edition, Status.PENDING, "Pending")
    messages = _act(organizer_client, "mark_attended", accepted, pending)
    assert messages == [
        "Pending Test (12. Nagoya 2026): Not checked in: this registration is still awaiting approval.",
        "1 delegate checked in.",
    ]
    assert Registration.objects.get(pk=accepted.pk).checked_in_at is not None
    assert Registration.objects.get(pk=pending.pk).checked_in_at is None
    again = _act(organizer_client, "mark_attended", accepted)
    assert again[0].startswith("Here Test (12. Nagoya 2026): Already checked in at ")


def test_every_action_leaves_an_audit_entry(organizer_client, organizer, edition):
    pending = _reg(edition, Status.PENDING, "Pending")
    _act(organizer_client, "accept", pending)
    entry = LogEntry.objects.get_for_object(pending).order_by("-pk").first()
    assert (entry.actor, entry.changes_dict["status"]) == (organizer, ["pending", "accepted"])


def test_anonymize_asks_first_then_erases_through_the_people_admin(organizer_client, edition):
    registration = _reg(edition, Status.ACCEPTED, "Private")
    response = organizer_client.post(URL, {"action": "anonymize", "_selected_action": [registration.pk]})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Private Test" in page
    assert f'action="{reverse("admin:delegates_person_changelist")}"' in page
    person = Person.objects.get(pk=registration.person_id)
    assert person.anonymized_at is None
    organizer_client.post(
        reverse("admin:delegates_person_changelist"),
        {"action": "anonymize_people", "_selected_action": [person.pk], "confirmed": "yes"},
    )
    person.refresh_from_db()
    assert (person.given_name, person.email, person.anonymized_at is not None) == ("", "", True)
    assert Registration.objects.get(pk=registration.pk).status == Status.ACCEPTED


def test_anonymize_confirmed_on_the_registration_list_erases_and_says_so(organizer_client, edition):
    registration = _reg(edition, Status.ACCEPTED, "Private")
    response = organizer_client.post(
        URL, {"action": "anonymize", "_selected_action": [registration.pk], "confirmed": "yes"}, follow=True
    )
    assert response.status_code == 200
    assert [str(message) for message in get_messages(response.wsgi_request)] == ["1 person erased."]
    assert Person.objects.get(pk=registration.person_id).anonymized_at is not None
