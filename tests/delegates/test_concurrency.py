"""Many delegates at the same moment, on PostgreSQL: capacity holds, duplicates stay single.

Each thread has its own database connection and closes it when done. SQLite cannot run
these (the test database lives in one connection's memory); there IMMEDIATE transactions
serialize every writer, so the race cannot happen in the first place.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from delegates import services
from delegates.models import Registration
from events.models import Edition
from tests.factories import make_open_edition, make_registration, register_delegate

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("Needs PostgreSQL (row locks, one connection per thread); run with DATABASE_URL=postgres://...")


def run_at_once(count, work):
    """Start `count` threads together; each runs work(index) and closes its connection."""
    start = threading.Barrier(count, timeout=60)

    def thread(index):
        try:
            start.wait()
            return work(index)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(thread, range(count)))


def counts(edition):
    registrations = Registration.objects.for_edition(edition)
    return registrations.accepted().count(), registrations.waitlisted().count(), registrations.count()


def test_fifty_simultaneous_registrations_never_exceed_capacity():
    edition = make_open_edition(capacity=12)

    def register_and_confirm(index):
        registration = register_delegate(edition, email=f"racer{index}@example.org")
        return services.registration_confirm(registration=registration).status

    statuses = run_at_once(50, register_and_confirm)
    assert (statuses.count("accepted"), statuses.count("waitlisted")) == (12, 38)
    assert counts(edition) == (12, 38, 50)
    # The waiting list is in the order people were put on it, with no ties left unbroken.
    waiting = list(Registration.objects.for_edition(edition).waitlisted())
    assert [Registration.objects.waitlist_position(registration) for registration in waiting] == list(range(1, 39))


def test_simultaneous_cancellations_promote_exactly_as_many_as_left():
    edition = make_open_edition(capacity=10)
    accepted = [make_registration(edition, status="accepted") for _ in range(10)]
    waiting = [make_registration(edition, status="waitlisted") for _ in range(30)]
    run_at_once(
        10,
        lambda index: services.registration_cancel(
            registration=Registration.objects.get(pk=accepted[index].pk), actor="delegate"
        ),
    )
    assert counts(edition)[:2] == (10, 20)
    promoted = set(Registration.objects.for_edition(edition).accepted().values_list("pk", flat=True))
    assert promoted == {registration.pk for registration in waiting[:10]}


def test_the_same_email_at_the_same_moment_gives_one_registration():
    edition = make_open_edition()

    def register(index):
        try:
            register_delegate(edition, email="same@example.org", family_name=f"Twin{index}")
        except services.DuplicateRegistration:
            return "duplicate"
        return "registered"

    outcomes = run_at_once(20, register)
    assert (outcomes.count("registered"), outcomes.count("duplicate")) == (1, 19)
    assert counts(edition)[2] == 1


def test_without_the_lock_the_same_race_overbooks(monkeypatch):
    """Proof that the capacity test can fail: with the edition lock taken out, and every
    thread made to count the free places before any of them writes, all are accepted."""
    threads = 20
    edition = make_open_edition(capacity=5)
    registrations = [make_registration(edition) for _ in range(threads)]
    everyone_counted = threading.Barrier(threads, timeout=60)
    decide = services._place_refusal

    def lock_nothing(registration):
        registration.refresh_from_db()
        registration.edition = Edition.objects.get(pk=registration.edition_id)
        return registration.edition

    def count_then_wait(registration, edition):
        refusal = decide(registration, edition)
        everyone_counted.wait()
        return refusal

    monkeypatch.setattr(services, "_lock", lock_nothing)
    monkeypatch.setattr(services, "_place_refusal", count_then_wait)
    monkeypatch.setattr(services, "_someone_waits_for", lambda registration, edition: False)
    run_at_once(threads, lambda index: services.registration_confirm(registration=registrations[index]))
    # Overbooked: how far depends on the threads' timing (a thread counting again after
    # others wrote sees the place taken), so the proof is any number above the capacity.
    assert counts(edition)[0] > edition.capacity


def test_a_new_email_registering_for_two_editions_at_once_becomes_one_person():
    from delegates.models import Person

    editions = [make_open_edition(), make_open_edition()]

    def register(index):
        try:
            register_delegate(editions[index % 2], email="new.face@example.org")
        except services.DuplicateRegistration:
            return "duplicate"
        return "registered"

    outcomes = run_at_once(20, register)
    assert (outcomes.count("registered"), outcomes.count("duplicate")) == (2, 18)
    assert Person.objects.filter(email="new.face@example.org").count() == 1
    assert [counts(edition)[2] for edition in editions] == [1, 1]


def test_simultaneous_downloads_of_an_invitation_letter_issue_one_letter():
    from delegates.letters import letter_for_delegate
    from delegates.models import InvitationLetter

    registration = make_registration(make_open_edition(), status="accepted")
    numbers = run_at_once(10, lambda index: letter_for_delegate(Registration.objects.get(pk=registration.pk)).number)
    assert len(set(numbers)) == 1
    assert InvitationLetter.objects.filter(registration=registration).count() == 1
