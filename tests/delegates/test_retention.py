"""Retention: personal data of old editions is erased, counts and the public record stay;
unconfirmed registrations expire with their confirmation link."""

import datetime
import time
from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from delegates import tokens
from delegates.models import Person, Registration, RegistrationStatusChange
from events.models import Edition
from tests.delegates.test_erasure import _every_text_value
from tests.factories import (
    make_edition,
    make_open_edition,
    make_person,
    make_registration,
    make_speech,
    make_travel_plan,
    make_vetted,
    register_delegate,
)

pytestmark = pytest.mark.django_db


def _purge(*args):
    out = StringIO()
    call_command("purge_personal_data", *args, stdout=out)
    return out.getvalue()


def _with_markers(edition, marker, **person_fields):
    person = make_person(
        family_name=f"{marker}family", email=f"{marker}@example.org", phone="+81 90 7395 8264", **person_fields
    )
    return make_registration(
        edition,
        person,
        status=Registration.Status.ACCEPTED,
        confirmed_at=timezone.now(),
        dietary_needs=f"{marker}diet",
        accessibility_needs=f"{marker}access",
        answers={"q1": f"{marker}answer"},
    )


def _markers_anywhere(marker):
    return sorted({(table, column) for table, column, value in _every_text_value() if marker in value.lower()})


@pytest.fixture
def old_edition():
    # Held in 2019: a year's retention ended long ago.
    return make_edition(year=2019, start_date=datetime.date(2019, 11, 1), end_date=datetime.date(2019, 11, 2))


def test_dry_run_prints_and_changes_nothing(old_edition):
    _with_markers(old_edition, "qxzold")
    output = _purge()
    assert output.splitlines() == [
        f"Would erase: {old_edition} (held 2019-11-02, kept until 2020-11-01): personal data of 1 registrations, "
        "1 people anonymized, 0 public people kept without contact data",
        "Would delete: 0 unconfirmed registrations whose confirmation link expired",
        "Dry run: nothing was changed. Run again with --apply to erase.",
    ]
    assert _markers_anywhere("qxzold") != []
    assert Edition.objects.get().personal_data_purged_at is None


def test_apply_erases_every_byte_and_keeps_counts_public_figures_and_the_record(old_edition):
    _with_markers(old_edition, "qxzold", side="taiwan", category="national_legislator")
    figure = _with_markers(old_edition, "qxzfig", is_public_figure=True, position_en="Mayor").person
    speaker_registration = _with_markers(old_edition, "qxzspk", listed_publicly=True)
    speaker = speaker_registration.person
    make_speech(old_edition, speaker=speaker, title_en="On trade")
    # Travel details of someone who stays in the public record go too: they are personal.
    make_travel_plan(speaker_registration, arrival_carrier="qxzspkflight", arrival_place="qxzspkairport")
    counts_before = list(old_edition.delegation_counts())
    assert _markers_anywhere("7395 8264") != []  # the phone marker is findable before the purge

    output = _purge("--apply")

    assert output.splitlines()[0].startswith(f"Erased: {old_edition}")
    assert "1 people anonymized, 2 public people kept without contact data" in output
    assert _markers_anywhere("qxzold") == []
    assert [value for _t, _c, value in _every_text_value() if "@example.org" in value] == []
    assert _markers_anywhere("7395 8264") == []
    for marker in ["qxzolddiet", "qxzfigdiet", "qxzspkdiet", "qxzoldaccess", "qxzfiganswer", "qxzspkanswer"]:
        assert _markers_anywhere(marker) == []
    for marker in ["qxzspkflight", "qxzspkairport"]:
        assert _markers_anywhere(marker) == []
    # Counts, public figures and the public record stay.
    assert list(old_edition.delegation_counts()) == counts_before
    assert Registration.objects.filter(status="accepted").count() == 3
    figure.refresh_from_db()
    speaker.refresh_from_db()
    assert (figure.family_name, figure.position_en, figure.email, figure.is_public) == (
        "qxzfigfamily",
        "Mayor",
        "",
        True,
    )
    assert (speaker.family_name, speaker.email, speaker.is_public) == ("qxzspkfamily", "", True)
    assert Person.objects.filter(anonymized_at__isnull=False).count() == 1
    # One audit entry on the edition, by the system.
    entry = LogEntry.objects.get_for_object(old_edition).get()
    assert entry.additional_data == {
        "actor_kind": "system",
        "reason": "retention",
        "registrations": 3,
        "people_anonymized": 1,
        "public_people_kept": 2,
    }
    assert Edition.objects.get().personal_data_purged_at is not None
    assert _purge("--apply").splitlines() == [
        "Deleted: 0 unconfirmed registrations whose confirmation link expired, and 0 people known only from them",
        "Sessions: 0 expired sessions or stale import previews removed",
        "Nothing to erase.",
    ]


def test_a_person_with_a_recent_edition_keeps_their_record_but_not_the_old_registration(old_edition):
    old = _with_markers(old_edition, "qxzboth")
    recent = make_edition(old_edition.series, year=2026, status="registration_open")
    make_registration(recent, old.person, email="qxzboth-new@example.org", status="pending")
    _purge("--apply")
    old.refresh_from_db()
    old.person.refresh_from_db()
    assert (old.email, old.dietary_needs, old.answers) == ("", "", {})
    assert (old.person.family_name, old.person.email) == ("qxzbothfamily", "qxzboth@example.org")


def test_the_edition_may_keep_data_longer_than_the_default(old_edition, settings):
    old_edition.personal_data_retention_days = 365 * 20
    old_edition.save()
    _with_markers(old_edition, "qxzkept")
    settings.PERSONAL_DATA_RETENTION_DAYS = 30
    assert "Would erase" not in _purge()
    assert _purge("--apply").splitlines()[-1] == "Nothing to erase."
    assert _markers_anywhere("qxzkept") != []


def test_editions_not_yet_held_are_never_purged(settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = 0
    planned = make_edition(year=2019, status=Edition.Status.REGISTRATION_CLOSED)
    _with_markers(planned, "qxzplanned")
    _purge("--apply")
    assert _markers_anywhere("qxzplanned") != []


def test_unconfirmed_registrations_expire_with_their_link(settings):
    edition = make_open_edition(requires_approval=True)
    stranger = register_delegate(edition, family_name="Qxzstranger", email="qxzstranger@example.org")
    returning_person = make_person(family_name="Known", email="known@example.org")
    make_vetted(make_edition(edition.series), returning_person)
    returning = register_delegate(edition, family_name="Qxzrenamed", email="known@example.org")
    confirmed = register_delegate(edition, email="confirmed@example.org")
    confirmed.status = Registration.Status.PENDING
    confirmed.confirmed_at = timezone.now()
    confirmed.save()
    fresh = register_delegate(edition, email="fresh@example.org")
    eight_days_ago = timezone.now() - datetime.timedelta(days=8)
    Registration.objects.filter(pk__in=[stranger.pk, returning.pk, confirmed.pk]).update(
        created_at=eight_days_ago, confirmation_sent_at=eight_days_ago
    )

    assert "Would delete: 2 unconfirmed registrations" in _purge()
    assert Registration.objects.count() == 5

    output = _purge("--apply")

    assert "Deleted: 2 unconfirmed registrations whose confirmation link expired, and 1 people" in output
    assert set(Registration.objects.values_list("pk", flat=True)) == {
        confirmed.pk,
        fresh.pk,
        returning_person.registrations.get().pk,
    }
    assert not Person.objects.filter(email="qxzstranger@example.org").exists()
    assert Person.objects.get(email="known@example.org").family_name == "Known"
    assert _markers_anywhere("qxzstranger") == []
    assert _markers_anywhere("qxzrenamed") == []
    assert RegistrationStatusChange.objects.filter(registration_id=stranger.pk).count() == 0


def test_a_resent_confirmation_link_keeps_the_registration_until_it_expires(
    client, organizer_client, settings, django_capture_on_commit_callbacks
):
    edition = make_open_edition(requires_approval=True)
    with django_capture_on_commit_callbacks(execute=True):
        registration = register_delegate(edition, family_name="Qxzlate", email="qxzlate@example.org")
    registration.refresh_from_db()
    assert registration.confirmation_sent_at is not None  # the first e-mail is recorded too
    eight_days_ago = timezone.now() - datetime.timedelta(days=8)
    Registration.objects.filter(pk=registration.pk).update(
        created_at=eight_days_ago, confirmation_sent_at=eight_days_ago
    )
    # The delegate's link has expired; an organizer sends a fresh one from the list.
    response = organizer_client.post(
        reverse("admin:delegates_registration_changelist"),
        {"action": "resend_confirmation", "_selected_action": [registration.pk]},
    )
    assert response.status_code == 302
    registration.refresh_from_db()
    assert timezone.now() - registration.confirmation_sent_at < datetime.timedelta(minutes=1)

    assert "Would delete: 0 unconfirmed registrations" in _purge()
    assert "Deleted: 0 unconfirmed registrations" in _purge("--apply")
    # The fresh link, still valid, still confirms.
    client.logout()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("delegates:confirm", kwargs={"token": tokens.confirm_token(registration)}))
    assert response.status_code == 302
    assert Registration.objects.get(pk=registration.pk).status == Registration.Status.PENDING

    # Once that link has expired too, the registration goes.
    Registration.objects.filter(pk=registration.pk).update(status=Registration.Status.UNCONFIRMED, confirmed_at=None)
    Registration.objects.filter(pk=registration.pk).update(confirmation_sent_at=eight_days_ago)
    assert "Deleted: 1 unconfirmed registrations" in _purge("--apply")
    assert not Registration.objects.filter(pk=registration.pk).exists()


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "We keep your data for 30 days after the summit you registered for"),
        ("ja", "登録したサミットの終了後30日間"),
        ("zh-hant", "結束後保存 30 天"),
    ],
)
def test_the_privacy_notice_states_the_retention_period(client, settings, language, expected):
    settings.PERSONAL_DATA_RETENTION_DAYS = 30
    assert expected in client.get(f"/{language}/privacy/").content.decode()


def _preview(organizer_client):
    edition = make_open_edition()
    csv = b"email,family_name\nqxzpreview@example.org,Qxzpreview\n"
    organizer_client.post(
        reverse("admin:delegates_registration_import"),
        {"edition": edition.pk, "file": SimpleUploadedFile("invited.csv", csv, "text/csv")},
    )
    session = organizer_client.session
    assert "qxzpreview" in session["delegates_import"]["text"].lower()
    return session


def _age_preview(session, seconds):
    session["delegates_import"] = {**session["delegates_import"], "created": time.time() - seconds}
    session.save()


def test_an_import_preview_older_than_an_hour_is_purged_and_cannot_be_confirmed(organizer_client):
    session = _preview(organizer_client)
    token = session["delegates_import"]["token"]
    _age_preview(session, 60 * 61)
    response = organizer_client.post(reverse("admin:delegates_registration_import_confirm"), {"token": token})
    assert response.status_code == 302
    assert not Person.objects.filter(family_name="Qxzpreview").exists()
    assert "delegates_import" not in organizer_client.session

    session = _preview(organizer_client)
    _age_preview(session, 60 * 61)
    assert "Sessions: 1 expired sessions or stale import previews removed" in _purge("--apply")
    assert "delegates_import" not in organizer_client.session
    assert organizer_client.get(reverse("admin:index")).status_code == 200


def test_a_fresh_import_preview_stays_until_it_is_confirmed(organizer_client):
    _preview(organizer_client)
    assert "Sessions: 0 expired sessions" in _purge("--apply")
    assert "delegates_import" in organizer_client.session
