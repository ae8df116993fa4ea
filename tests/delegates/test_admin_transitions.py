"""The admin cannot go around delegates.services: no add, no delete, fixed edition/person/address,
and every transition button and action on a registration in every status answers with a
message, never a server error."""

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from delegates.admin.actions import REGISTRATION_ACTIONS
from delegates.models import Registration, RegistrationStatusChange
from tests.factories import make_edition, make_person, make_registration

pytestmark = pytest.mark.django_db
Status = Registration.Status
LIST = reverse("admin:delegates_registration_changelist")

# (name, status, checked in)
STATES = [
    ("unconfirmed", Status.UNCONFIRMED, False),
    ("pending", Status.PENDING, False),
    ("accepted", Status.ACCEPTED, False),
    ("checked_in", Status.ACCEPTED, True),
    ("waitlisted", Status.WAITLISTED, False),
    ("rejected", Status.REJECTED, False),
    ("cancelled", Status.CANCELLED, False),
]
NOT_POSSIBLE = "A registration that is “{}” cannot become “{}”."
CHECKED_IN = (
    "This delegate has checked in. An organizer must undo the check-in before the registration can be "
    "cancelled or rejected."
)
NOT_CHECKED_IN = "This registration is not checked in; there is nothing to undo."
NOW = "The registration is now “{}”."

# What each button does in each state: the message shown, and the status afterwards.
EXPECTED = {
    "unconfirmed": {
        "accepted": NOW.format("Accepted"),
        "waitlisted": NOW.format("On the waiting list"),
        "rejected": NOW.format("Rejected"),
        "cancelled": NOW.format("Cancelled"),
        "undo_check_in": NOT_CHECKED_IN,
    },
    "pending": {
        "accepted": NOW.format("Accepted"),
        "waitlisted": NOW.format("On the waiting list"),
        "rejected": NOW.format("Rejected"),
        "cancelled": NOW.format("Cancelled"),
        "undo_check_in": NOT_CHECKED_IN,
    },
    "accepted": {
        "accepted": NOT_POSSIBLE.format("Accepted", "Accepted"),
        "waitlisted": NOT_POSSIBLE.format("Accepted", "On the waiting list"),
        "rejected": NOW.format("Rejected"),
        "cancelled": NOW.format("Cancelled"),
        "undo_check_in": NOT_CHECKED_IN,
    },
    "checked_in": {
        "accepted": NOT_POSSIBLE.format("Accepted", "Accepted"),
        "waitlisted": NOT_POSSIBLE.format("Accepted", "On the waiting list"),
        "rejected": CHECKED_IN,
        "cancelled": CHECKED_IN,
        "undo_check_in": "The check-in was undone.",
    },
    "waitlisted": {
        "accepted": NOW.format("Accepted"),
        "waitlisted": NOT_POSSIBLE.format("On the waiting list", "On the waiting list"),
        "rejected": NOW.format("Rejected"),
        "cancelled": NOW.format("Cancelled"),
        "undo_check_in": NOT_CHECKED_IN,
    },
    "rejected": {
        "accepted": NOW.format("Accepted"),
        "waitlisted": NOW.format("On the waiting list"),
        "rejected": NOT_POSSIBLE.format("Rejected", "Rejected"),
        "cancelled": NOT_POSSIBLE.format("Rejected", "Cancelled"),
        "undo_check_in": NOT_CHECKED_IN,
    },
    "cancelled": {
        "accepted": NOT_POSSIBLE.format("Cancelled", "Accepted"),
        "waitlisted": NOT_POSSIBLE.format("Cancelled", "On the waiting list"),
        "rejected": NOT_POSSIBLE.format("Cancelled", "Rejected"),
        "cancelled": NOT_POSSIBLE.format("Cancelled", "Cancelled"),
        "undo_check_in": NOT_CHECKED_IN,
    },
}
# The buttons each state's page shows.
BUTTONS = {
    "unconfirmed": ["accepted", "waitlisted", "rejected", "cancelled"],
    "pending": ["accepted", "waitlisted", "rejected", "cancelled"],
    "accepted": ["rejected", "cancelled"],
    "checked_in": ["undo_check_in"],
    "waitlisted": ["accepted", "rejected", "cancelled"],
    "rejected": ["accepted", "waitlisted"],
    "cancelled": [],
}


@pytest.fixture
def edition():
    return make_edition(host_city_en="Nagoya", ordinal=12, year=2026, capacity=5, status="registration_open")


def _registration(edition, state):
    _name, status, checked_in = next(entry for entry in STATES if entry[0] == state)
    person = make_person(given_name="Aki", family_name="Ono", email=f"{state}@example.org")
    return make_registration(edition, person, status=status, checked_in_at=timezone.now() if checked_in else None)


def _messages(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def _change_url(registration):
    return reverse("admin:delegates_registration_change", args=[registration.pk])


@pytest.mark.parametrize("state", [entry[0] for entry in STATES])
@pytest.mark.parametrize("button", ["accepted", "waitlisted", "rejected", "cancelled", "undo_check_in"])
def test_every_button_in_every_status_answers_with_a_message(organizer_client, edition, state, button):
    registration = _registration(edition, state)
    before = RegistrationStatusChange.objects.filter(registration=registration).count()
    url = reverse("admin:delegates_registration_transition", args=[registration.pk])
    response = organizer_client.post(url, {"to": button, "note": "Checked by the office"})
    assert (response.status_code, response["Location"]) == (302, _change_url(registration))
    assert _messages(response) == [EXPECTED[state][button]]
    registration.refresh_from_db()
    moved = EXPECTED[state][button].startswith("The registration is now")
    history = list(RegistrationStatusChange.objects.filter(registration=registration).order_by("pk"))
    assert len(history) == before + (1 if moved else 0)
    if moved:
        assert registration.status == button
        assert (history[-1].to_status, history[-1].note, history[-1].actor) == (
            button,
            "Checked by the office",
            "organizer",
        )
    if button == "undo_check_in" and state == "checked_in":
        assert registration.checked_in_at is None


@pytest.mark.parametrize("state", [entry[0] for entry in STATES])
def test_the_page_shows_the_allowed_buttons_only(organizer_client, edition, state):
    registration = _registration(edition, state)
    response = organizer_client.get(_change_url(registration))
    assert response.status_code == 200
    assert [value for value, _label in response.context["transitions"]] == BUTTONS[state]


@pytest.mark.parametrize("state", [entry[0] for entry in STATES])
@pytest.mark.parametrize("action", [action.__name__ for action in REGISTRATION_ACTIONS])
def test_every_action_in_every_status_answers_without_a_server_error(organizer_client, edition, state, action):
    registration = _registration(edition, state)
    response = organizer_client.post(LIST, {"action": action, "_selected_action": [registration.pk]}, follow=True)
    assert response.status_code == 200
    shown = [str(message) for message in response.context["messages"]] if response.context.get("messages") else []
    if action == "anonymize":
        assert response.templates[0].name == "admin/delegates/person/anonymize_confirmation.html"
    else:
        assert len(shown) >= 1
        assert all("Ono" in message or message[0].isdigit() or ":" in message for message in shown)


def test_a_rejection_reason_reaches_the_delegate(organizer_client, edition, django_capture_on_commit_callbacks):
    registration = _registration(edition, "pending")
    url = reverse("admin:delegates_registration_transition", args=[registration.pk])
    with django_capture_on_commit_callbacks(execute=True):
        organizer_client.post(url, {"to": "rejected", "note": "The delegation list is closed."})
    (message,) = mail.outbox
    assert "The organizers wrote: The delegation list is closed." in message.body


def test_no_add_no_delete_and_fixed_edition_person_and_address(organizer_client, edition):
    registration = _registration(edition, "accepted")
    other = make_edition(host_city_en="Taipei", ordinal=13, year=2027, capacity=1, status="registration_open")
    assert organizer_client.get(reverse("admin:delegates_registration_add")).status_code == 403
    delete_url = reverse("admin:delegates_registration_delete", args=[registration.pk])
    assert organizer_client.post(delete_url, {"post": "yes"}).status_code == 403
    organizer_client.post(LIST, {"action": "delete_selected", "_selected_action": [registration.pk], "post": "yes"})
    assert Registration.objects.filter(pk=registration.pk).exists()
    actions = organizer_client.get(LIST).context["action_form"].fields["action"].choices
    assert "delete_selected" not in [value for value, _label in actions]
    organizer_client.post(
        _change_url(registration),
        {
            "edition": other.pk,
            "email": "moved@example.org",
            "language": "en",
            "status_changes-TOTAL_FORMS": "0",
            "status_changes-INITIAL_FORMS": "0",
            "message_deliveries-TOTAL_FORMS": "0",
            "message_deliveries-INITIAL_FORMS": "0",
        },
    )
    registration.refresh_from_db()
    assert (registration.edition, registration.email) == (edition, "accepted@example.org")


def test_status_history_is_labelled_in_the_readers_language(organizer_client, edition):
    registration = _registration(edition, "pending")
    RegistrationStatusChange.objects.create(
        registration=registration, from_status="pending", to_status="accepted", actor="organizer"
    )
    change = RegistrationStatusChange.objects.get()
    assert str(change) == "Awaiting approval → Accepted"
    response = organizer_client.get(_change_url(registration), headers={"accept-language": "ja"})
    page = response.content.decode()
    assert "承認待ち → 承認済み" in page
    assert "pending → accepted" not in page
