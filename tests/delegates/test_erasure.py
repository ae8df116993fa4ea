"""Total erasure: a person goes through every flow that stores their data, is erased, and then
not one marker of theirs is left in any text column of any table, in sessions or in the cache."""

import smtplib

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from delegates import services, tokens
from delegates.models import DelegateMessage, MessageDelivery, Person, Registration
from tests.factories import make_open_edition, make_question, registration_form_data

pytestmark = pytest.mark.django_db

EMAIL = "qxz.erase.me@example.org"
# What an organizer typed into the list's search: a piece of the address, no whole marker.
PARTIAL_SEARCH = "qxz.erase.me@exam"
ADDRESS = "203.0.113.77"
MARKERS = [
    "Qxzfamily",
    "Qxzgiven",
    "奇拉特",
    "Qxzhonor",
    "Qxzposition",
    "Qxzorganization",
    "Qxzpositionja",
    EMAIL,
    PARTIAL_SEARCH,
    "+81 90-1357-2468",
    "1357",
    "Qxzdietary",
    "Qxzaccess",
    "Qxzanswer",
    ADDRESS,
]


class RefusingBackend(BaseEmailBackend):
    """An SMTP server that refuses the address, quoting it, as real ones do."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPRecipientsRefused({email_messages[0].to[0]: (550, b"mailbox unavailable")})


def _every_text_value():
    """(table, column, value) for every column of every table, read through introspection."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            columns = [column.name for column in connection.introspection.get_table_description(cursor, table)]
            quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
            cursor.execute(f"SELECT {quoted} FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    if value is not None:
                        found.append((table, column, value if isinstance(value, str) else str(value)))
    return found


def _sessions():
    return [str(session.get_decoded()) for session in Session.objects.all()]


def _cache_contents():
    # The tests' cache is local memory: its keys and pickled values, as bytes.
    return [key.encode() + b" " + value for key, value in cache._cache.items()]


def _leaks():
    leaks = []
    for table, column, value in _every_text_value():
        leaks += [(table, column, marker) for marker in MARKERS if marker.lower() in value.lower()]
    for data in _sessions():
        leaks += [("session", "", marker) for marker in MARKERS if marker.lower() in data.lower()]
    for blob in _cache_contents():
        leaks += [("cache", "", marker) for marker in MARKERS if marker.encode() in blob]
    return sorted(set(leaks))


def _fill_everything(client, organizer_client, settings, django_capture_on_commit_callbacks):
    edition = make_open_edition(requires_approval=True)
    question = make_question(edition, label_en="Anything else?")
    data = registration_form_data(
        family_name="Qxzfamily",
        given_name="Qxzgiven",
        native_name="奇拉特",
        honorific="Qxzhonor",
        position="Qxzposition",
        organization="Qxzorganization",
        email=EMAIL,
        phone="+81 90 1357 2468",
        dietary_needs="Qxzdietary",
        accessibility_needs="Qxzaccess",
        listed_publicly="on",
        **{question.answer_key: "Qxzanswer"},
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/en/editions/{edition.slug}/register/", data, REMOTE_ADDR=ADDRESS).status_code == 302
    registration = Registration.objects.get()
    person = registration.person
    assert person.phone == "+81 90-1357-2468"
    # The admin's history names the registration: resend the confirmation from the list.
    organizer_client.post(
        reverse("admin:delegates_registration_changelist"),
        {"action": "resend_confirmation", "_selected_action": [registration.pk]},
    )
    # A failed e-mail task whose traceback quotes the address.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    services.registration_resend_confirmation(registration=registration)
    DBTaskResult.objects.update(status="FAILED", traceback=f"SMTPRecipientsRefused: {{'{EMAIL}': (550, 'no')}}")
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    # The delegate confirms and corrects their position in Japanese, from their own address.
    confirm = reverse("delegates:confirm", kwargs={"token": tokens.confirm_token(registration)})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(confirm, REMOTE_ADDR=ADDRESS)
    manage = tokens.manage_url(registration).removeprefix(settings.SITE_URL).replace("/en/", "/ja/", 1)
    correction = {**data, "position": "Qxzpositionja"}
    correction.pop("email")
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(manage, correction, REMOTE_ADDR=ADDRESS).status_code == 302
    # An organizer waitlists them with a note naming them, then accepts them from the list.
    services.registration_waitlist(registration=registration, actor="organizer", note="Qxzfamily asked to wait")
    organizer_client.post(
        reverse("admin:delegates_registration_changelist"),
        {"action": "accept", "_selected_action": [registration.pk]},
    )
    # A message to the list searched by their address, refused by the mail server.
    compose = reverse("admin:delegates_registration_compose") + f"?q={EMAIL}"
    settings.EMAIL_BACKEND = "tests.delegates.test_erasure.RefusingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        organizer_client.post(
            compose,
            {
                "subject": "For Qxzgiven",
                "body": "Dear {name}, about Qxzdietary.",
                "subject_zh_hant": "致Qxzgiven",
                "body_zh_hant": "關於Qxzdietary。",
                "send": "1",
                "expected_recipients": 1,
            },
        )
    assert DelegateMessage.objects.get().recipients_filter == f"Search: {EMAIL}"
    assert EMAIL in MessageDelivery.objects.get().error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Another message, to the accepted delegates the search finds by a piece of the address.
    compose = reverse("admin:delegates_registration_compose") + "?status__exact=accepted&q=qxz.erase.me%40exam"
    with django_capture_on_commit_callbacks(execute=True):
        organizer_client.post(
            compose, {"subject": "Programme", "body": "See you.", "send": "1", "expected_recipients": 1}
        )
    assert DelegateMessage.objects.get(subject="Programme").recipients_filter == (
        f"Status: Accepted; Search: {PARTIAL_SEARCH}"
    )
    # An import preview naming them, never confirmed, stays in the organizer's session.
    csv = f"email,family_name,given_name,dietary_needs\n{EMAIL},Qxzfamily,Qxzgiven,Qxzdietary\n".encode()
    organizer_client.post(
        reverse("admin:delegates_registration_import"),
        {"edition": edition.pk, "file": SimpleUploadedFile("invited.csv", csv, "text/csv")},
    )
    # Their public page (consented, confirmed, accepted) is in the page cache.
    person.refresh_from_db()
    assert person.is_public
    assert client.get(person.get_absolute_url()).status_code == 200
    assert client.get(reverse("events:edition_participants", kwargs={"slug": edition.slug})).status_code == 200
    return person


def test_erasure_leaves_no_marker_in_any_table_session_or_cache(
    client, organizer_client, settings, django_capture_on_commit_callbacks
):
    person = _fill_everything(client, organizer_client, settings, django_capture_on_commit_callbacks)
    before = {marker for _table, _column, marker in _leaks()}
    assert before == set(MARKERS), "the flows above must store every marker somewhere"

    with django_capture_on_commit_callbacks(execute=True):
        response = organizer_client.post(
            reverse("admin:delegates_person_changelist"),
            {"action": "anonymize_people", "_selected_action": [person.pk], "confirmed": "yes"},
        )
    assert response.status_code == 302

    assert _leaks() == []
    # The organizer who previewed the import is still signed in; only the preview went.
    assert organizer_client.get(reverse("admin:index")).status_code == 200
    assert "delegates_import" not in organizer_client.session
    # Counts stay: the registration is still accepted, its person anonymized.
    registration = Registration.objects.get()
    assert (registration.status, registration.person.family_name) == ("accepted", "Anonymized")
    assert Person.objects.public().count() == 0
    # The filters that named nobody stay; the searches are blanked.
    assert sorted(DelegateMessage.objects.values_list("recipients_filter", flat=True)) == [
        "Search: ***",
        "Status: Accepted; Search: ***",
    ]


def test_a_search_recorded_in_any_language_is_blanked_only_in_messages_the_person_received():
    from delegates import erasure
    from tests.factories import make_edition, make_registration

    edition = make_edition()
    theirs, someone_elses = make_registration(edition), make_registration(edition)
    received = {
        "Status: Accepted; Search: tanaka@exa": "Status: Accepted; Search: ***",
        "検索：tanaka@exa": "検索：***",
        "Status: Accepted; 搜尋：tanaka@exa; Search: x": "Status: Accepted; 搜尋：***",
        "Status: Accepted": "Status: Accepted",
    }
    for recipients_filter in received:
        message = DelegateMessage.objects.create(subject="S", body="B", recipients_filter=recipients_filter)
        MessageDelivery.objects.create(message=message, registration=theirs)
    other = DelegateMessage.objects.create(subject="S", body="B", recipients_filter="Search: suzuki@exa")
    MessageDelivery.objects.create(message=other, registration=someone_elses)

    erasure.erase_messages_and_notes([theirs], markers=[])

    stored = dict(DelegateMessage.objects.exclude(pk=other.pk).values_list("pk", "recipients_filter"))
    assert sorted(stored.values()) == sorted(received.values())
    other.refresh_from_db()
    assert other.recipients_filter == "Search: suzuki@exa"


def test_people_are_erased_not_deleted_so_no_history_keeps_their_name(organizer_client):
    from tests.factories import make_person

    person = make_person(family_name="Qxzdeleteme")
    response = organizer_client.get(reverse("admin:delegates_person_delete", args=[person.pk]))
    assert response.status_code == 403
    actions = organizer_client.get(reverse("admin:delegates_person_changelist")).context["action_form"]
    assert [value for value, _label in actions.fields["action"].choices if value] == [
        "anonymize_people",
        "withdraw_from_public",
        "reinstate_to_public",
        "mark_translations_current",
    ]
