import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from delegates import services
from delegates.audit import MASK, AuditActorMiddleware, acting_as_system, actor_kind_of, audit_lines_for
from tests.factories import make_edition, make_open_edition, make_person, make_registration, make_resolution

pytestmark = pytest.mark.django_db


def _entries(obj):
    return list(LogEntry.objects.get_for_object(obj).order_by("pk"))


def _run_in_request(user, work):
    request = RequestFactory().post("/somewhere/")
    request.user = user
    middleware = AuditActorMiddleware(lambda request: work() or HttpResponse())
    middleware(request)


def test_organizer_edit_in_the_admin_is_recorded_with_user_and_changes(organizer_client, organizer):
    registration = make_registration(make_edition(), dietary_needs="")
    url = reverse("admin:delegates_registration_change", args=[registration.pk])
    data = {
        "edition": registration.edition_id,
        "person": registration.person_id,
        "email": registration.email,
        "language": "ja",
        "interpretation_language": "",
        "dietary_needs": "halal",
        "accessibility_needs": "",
        "answers": "{}",
        "participation": "member",
        "status_changes-TOTAL_FORMS": "0",
        "status_changes-INITIAL_FORMS": "0",
        "message_deliveries-TOTAL_FORMS": "0",
        "message_deliveries-INITIAL_FORMS": "0",
    }
    response = organizer_client.post(url, data)
    assert response.status_code == 302
    entry = _entries(registration)[-1]
    assert (entry.actor, actor_kind_of(entry)) == (organizer, "organizer")
    assert entry.changes_dict["language"] == ["en", "ja"]
    # Health and diet are personal data: the change is recorded, the value is not.
    assert entry.changes_dict["dietary_needs"] == ["", MASK]


def test_a_delegate_request_is_recorded_as_delegate():
    person = make_person()

    def edit():
        person.organization_en = "Kamakura City Council"
        person.save()

    _run_in_request(AnonymousUser(), edit)
    entry = _entries(person)[-1]
    assert (entry.actor, actor_kind_of(entry)) == (None, "delegate")
    assert entry.changes_dict["organization_en"][1] == "Kamakura City Council"


def test_work_outside_a_request_or_marked_as_system_is_recorded_as_system(organizer):
    person = make_person()
    assert actor_kind_of(_entries(person)[0]) == "system"

    def promote():
        with acting_as_system():
            registration = make_registration(make_edition(), person)
            registration.status = "accepted"
            registration.save()

    _run_in_request(organizer, promote)
    registration = person.registrations.get()
    entry = _entries(registration)[-1]
    assert (actor_kind_of(entry), entry.changes_dict["status"]) == ("system", ["unconfirmed", "accepted"])


def test_personal_data_never_reaches_the_log():
    person = make_person(family_name="Takaichi", email="sanae@example.jp", phone="+81 3 0000")
    person.email = "new@example.jp"
    person.save()
    stored = " ".join(str(entry.changes) for entry in _entries(person))
    for secret in ["Takaichi", "sanae@example.jp", "new@example.jp", "+81 3 0000"]:
        assert secret not in stored


def test_resolution_status_changes_are_logged_and_only_those():
    resolution = make_resolution(make_edition(), status="proposed")
    resolution.status = "adopted"
    resolution.title_en = "New title"
    resolution.save()
    assert _entries(resolution)[-1].changes_dict == {"status": ["proposed", "adopted"]}


def test_change_pages_show_the_audit_log(organizer_client):
    person = make_person()
    person.organization_en = "Legislative Yuan"
    person.save()
    page = organizer_client.get(reverse("admin:delegates_person_change", args=[person.pk])).content.decode()
    assert 'id="audit-log"' in page
    # "History" leads to this log, which holds more than Django's history page.
    assert '<a href="#audit-log" class="historylink">History</a>' in page
    assert "Legislative Yuan" in page
    assert page.count("<td>System</td>") == 2
    lines = audit_lines_for(person)
    assert [line.action for line in lines] == ["changed", "created"]

    registration = make_registration(make_edition(), dietary_needs="halal")
    page = organizer_client.get(reverse("admin:delegates_registration_change", args=[registration.pk])).content.decode()
    assert "<strong>Dietary needs</strong>:\n              changed (personal data, value not recorded)" in page
    # Only the registration's own fields, and none created empty.
    (created,) = audit_lines_for(registration)
    assert [change["field"] for change in created.changes] == [
        "edition",
        "person",
        "e-mail at registration",
        "status",
        "comes as",
        "by invitation",
        "language for e-mails",
        "interpretation needed into",
        "dietary needs",
    ]

    resolution = make_resolution(make_edition(), status="adopted")
    page = organizer_client.get(reverse("admin:events_resolution_change", args=[resolution.pk])).content.decode()
    assert 'id="audit-log"' in page


def test_erasure_leaves_no_personal_data_in_the_log():
    person = make_person(family_name="Takaichi", given_name="Sanae", email="sanae@example.jp")
    person.organization_en = "Nara Prefectural Assembly"
    person.save()
    registration = make_registration(make_edition(), person)
    services.person_anonymize(person=person)
    entries = _entries(person) + _entries(registration)
    stored = " ".join(f"{entry.object_repr} {entry.changes} {entry.changes_text}" for entry in entries)
    for secret in ["Takaichi", "Sanae", "sanae@example.jp", "Nara Prefectural Assembly"]:
        assert secret not in stored
    # The erasure itself is on record.
    assert _entries(person)[-1].changes_dict["anonymized_at"][0] == "None"


def test_a_promotion_set_off_by_a_delegate_is_recorded_as_the_system():
    edition = make_open_edition(capacity=1)
    leaving = make_registration(edition, status="accepted")
    waiting = make_registration(edition, status="waitlisted")

    def cancel():
        services.registration_cancel(registration=leaving, actor="delegate")

    _run_in_request(AnonymousUser(), cancel)
    assert actor_kind_of(_entries(leaving)[-1]) == "delegate"
    assert (actor_kind_of(_entries(waiting)[-1]), _entries(waiting)[-1].changes_dict["status"]) == (
        "system",
        ["waitlisted", "accepted"],
    )


def test_after_a_promotion_the_request_is_again_recorded_as_its_own_actor():
    """django-auditlog's contexts do not nest by themselves: leaving the system's context must
    give the delegate's request its actor back."""
    edition = make_open_edition(capacity=1)
    leaving = make_registration(edition, status="accepted")
    make_registration(edition, status="waitlisted")

    def cancel_then_edit():
        services.registration_cancel(registration=leaving, actor="delegate")
        leaving.person.organization_en = "Nagoya City Council"
        leaving.person.save()

    _run_in_request(AnonymousUser(), cancel_then_edit)
    assert actor_kind_of(_entries(leaving.person)[-1]) == "delegate"
