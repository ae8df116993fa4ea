"""The registration state machine, capacity and the waiting list, with the e-mails each step sends."""

import pytest
from django.core import mail

from delegates import services
from delegates.models import Person, Registration, RegistrationStatusChange
from tests.factories import make_open_edition, make_person, make_registration, register_delegate

pytestmark = pytest.mark.django_db

Status = Registration.Status
Actor = RegistrationStatusChange.Actor


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Run each step's after-commit e-mails, as they run after a real commit."""

    def run(step, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return step(**kwargs)

    return run


def history(registration):
    return list(registration.status_changes.values_list("from_status", "to_status", "actor"))


def test_a_new_registration_is_unconfirmed_and_asks_to_confirm_the_address(run_on_commit):
    edition = make_open_edition(capacity=2)
    registration = run_on_commit(
        register_delegate, edition=edition, email="Mei.Lin@Example.org", family_name="Lin", given_name="Mei"
    )
    assert registration.status == Status.UNCONFIRMED
    assert registration.email == "mei.lin@example.org"
    assert registration.person.full_name == "Mei Lin"
    assert history(registration) == [("", "unconfirmed", "delegate")]
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["mei.lin@example.org"], f"Please confirm your registration for 1st {edition.series.name} (City 1 2015)")
    ]


def test_whole_workflow_confirm_accept_waitlist_cancel_promote(run_on_commit):
    edition = make_open_edition(capacity=1)
    first = run_on_commit(register_delegate, edition=edition, email="first@example.org")
    second = run_on_commit(register_delegate, edition=edition, email="second@example.org", language="ja")
    mail.outbox.clear()

    run_on_commit(services.registration_confirm, registration=first)
    run_on_commit(services.registration_confirm, registration=second)
    assert (first.status, second.status) == (Status.ACCEPTED, Status.WAITLISTED)
    title_en, title_ja = f"1st {edition.series.name} (City 1 2015)", f"第1回{edition.series.name}（City 1 2015）"
    assert [(m.to[0], m.subject) for m in mail.outbox] == [
        ("first@example.org", f"Your place at {title_en} is confirmed"),
        ("second@example.org", f"{title_ja}のキャンセル待ちに登録されました"),
    ]
    mail.outbox.clear()

    run_on_commit(services.registration_cancel, registration=first, actor=Actor.DELEGATE)
    second.refresh_from_db()
    assert (first.status, second.status) == (Status.CANCELLED, Status.ACCEPTED)
    assert [m.to[0] for m in mail.outbox] == ["first@example.org", "second@example.org"]
    assert mail.outbox[1].subject == f"{title_ja}に空きが出て、ご参加が確定しました"
    assert history(first) == [
        ("", "unconfirmed", "delegate"),
        ("unconfirmed", "accepted", "system"),
        ("accepted", "cancelled", "delegate"),
    ]
    assert history(second) == [
        ("", "unconfirmed", "delegate"),
        ("unconfirmed", "waitlisted", "system"),
        ("waitlisted", "accepted", "system"),
    ]
    assert Registration.objects.for_edition(edition).accepted().count() == 1


def test_emails_have_plain_text_and_html_with_the_same_link(run_on_commit):
    edition = make_open_edition()
    run_on_commit(register_delegate, edition=edition, email="a@example.org", language="zh-hant")
    (message,) = mail.outbox
    html, mimetype = message.alternatives[0]
    link = next(line for line in message.body.splitlines() if line.startswith("http"))
    assert mimetype == "text/html"
    assert link.startswith("http://127.0.0.1:8000/zh-hant/registration/confirm/")
    assert f'href="{link}"' in html
    assert message.subject.startswith("請確認您的報名")


def test_manual_approval_waits_for_an_organizer(run_on_commit, organizer):
    edition = make_open_edition(capacity=5, requires_approval=True)
    registration = run_on_commit(register_delegate, edition=edition)
    run_on_commit(services.registration_confirm, registration=registration)
    assert registration.status == Status.PENDING
    run_on_commit(services.registration_accept, registration=registration, actor=Actor.ORGANIZER, user=organizer)
    assert registration.status == Status.ACCEPTED
    assert history(registration)[-1] == ("pending", "accepted", "organizer")
    assert registration.status_changes.last().user == organizer
    assert [m.subject.split(" ")[0:3] for m in mail.outbox] == [
        ["Please", "confirm", "your"],
        ["We", "have", "received"],
        ["Your", "place", "at"],
    ]


def test_an_organizer_cannot_accept_beyond_capacity(run_on_commit):
    edition = make_open_edition(capacity=1, requires_approval=True)
    make_registration(edition, status=Status.ACCEPTED)
    pending = make_registration(edition, status=Status.PENDING)
    with pytest.raises(services.EditionFull):
        services.registration_accept(registration=pending, actor=Actor.ORGANIZER)
    pending.refresh_from_db()
    assert pending.status == Status.PENDING
    assert pending.status_changes.count() == 0


def test_forbidden_transitions_are_refused_and_change_nothing():
    edition = make_open_edition()
    cancelled = make_registration(edition, status=Status.CANCELLED)
    with pytest.raises(services.TransitionNotAllowed) as refused:
        services.registration_reject(registration=cancelled, actor=Actor.ORGANIZER)
    assert refused.value.message == "A registration that is “Cancelled” cannot become “Rejected”."
    accepted = make_registration(edition, status=Status.ACCEPTED)
    with pytest.raises(services.TransitionNotAllowed):
        services.registration_waitlist(registration=accepted, actor=Actor.ORGANIZER)
    assert list(Registration.objects.values_list("status", flat=True).order_by("pk")) == ["cancelled", "accepted"]
    assert RegistrationStatusChange.objects.count() == 0
    assert mail.outbox == []


def test_every_status_pair_follows_the_transition_table():
    # With manual approval the organizer's "waiting list" stands even with places free.
    edition = make_open_edition(capacity=None, requires_approval=True)
    for from_status in Status.values:
        for to_status, service in [
            (Status.ACCEPTED, services.registration_accept),
            (Status.WAITLISTED, services.registration_waitlist),
            (Status.REJECTED, services.registration_reject),
            (Status.CANCELLED, services.registration_cancel),
        ]:
            registration = make_registration(edition, status=from_status)
            try:
                service(registration=registration, actor=Actor.ORGANIZER)
            except services.TransitionNotAllowed:
                allowed = False
            else:
                allowed = True
            registration.refresh_from_db()
            assert allowed == (to_status in services.TRANSITIONS[from_status]), (from_status, to_status)
            assert registration.status == (to_status if allowed else from_status)
            assert registration.status_changes.count() == (1 if allowed else 0)


def test_transition_refusal_is_translated():
    from django.utils import translation

    registration = make_registration(make_open_edition(), status=Status.CANCELLED)
    with translation.override("ja"), pytest.raises(services.TransitionNotAllowed) as refused:
        services.registration_cancel(registration=registration, actor=Actor.DELEGATE)
    # CANCELLED -> CANCELLED: a second click on "cancel" is refused, not repeated.
    assert refused.value.message == "「キャンセル」の申込を「キャンセル」にすることはできません。"


def test_rejecting_an_accepted_registration_promotes_the_first_waitlisted(run_on_commit):
    edition = make_open_edition(capacity=1)
    accepted = make_registration(edition, status=Status.ACCEPTED)
    first_waiting = make_registration(edition, status=Status.WAITLISTED)
    second_waiting = make_registration(edition, status=Status.WAITLISTED)
    run_on_commit(services.registration_reject, registration=accepted, actor=Actor.ORGANIZER)
    first_waiting.refresh_from_db()
    second_waiting.refresh_from_db()
    assert (accepted.status, first_waiting.status, second_waiting.status) == ("rejected", "accepted", "waitlisted")
    assert [m.to[0] for m in mail.outbox] == [accepted.email, first_waiting.email]


def test_a_new_confirmation_does_not_jump_the_waiting_list(run_on_commit):
    edition = make_open_edition(capacity=2)
    make_registration(edition, status=Status.ACCEPTED)
    make_registration(edition, status=Status.WAITLISTED)
    # A place is free (capacity 2, one accepted) but someone is already waiting for it.
    newcomer = make_registration(edition)
    run_on_commit(services.registration_confirm, registration=newcomer)
    assert newcomer.status == Status.WAITLISTED


def test_raising_the_capacity_and_promoting_fills_places_in_order(run_on_commit):
    edition = make_open_edition(capacity=1)
    make_registration(edition, status=Status.ACCEPTED)
    waiting = [make_registration(edition, status=Status.WAITLISTED) for _ in range(3)]
    edition.capacity = 3
    edition.save()
    promoted = run_on_commit(services.registration_promote, edition=edition)
    assert promoted == waiting[:2]
    assert Registration.objects.for_edition(edition).waitlisted().get() == waiting[2]


def test_confirming_twice_changes_nothing(run_on_commit):
    registration = make_registration(make_open_edition())
    run_on_commit(services.registration_confirm, registration=registration)
    run_on_commit(services.registration_confirm, registration=registration)
    assert registration.status_changes.count() == 1
    assert len(mail.outbox) == 1


def test_duplicate_email_raises_and_sends_the_self_service_link(run_on_commit):
    edition = make_open_edition()
    run_on_commit(register_delegate, edition=edition, email="dup@example.org")
    mail.outbox.clear()
    with pytest.raises(services.DuplicateRegistration):
        run_on_commit(register_delegate, edition=edition, email="DUP@example.org")
    assert Registration.objects.count() == 1
    assert Person.objects.count() == 1
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["dup@example.org"], f"The link to your registration for 1st {edition.series.name} (City 1 2015)")
    ]


def test_a_returning_delegate_is_the_same_person_and_updated_only_after_confirming(run_on_commit):
    person = make_person(email="returning@example.org", family_name="Lee", position_en="Legislator")
    earlier = make_open_edition()
    # Cancelled: an accepted registration would make the position the organizers' to change.
    make_registration(earlier, person, status=Status.CANCELLED)
    later = make_open_edition()
    registration = run_on_commit(
        register_delegate, edition=later, email="Returning@Example.org", family_name="Lee", position="Minister"
    )
    person.refresh_from_db()
    assert registration.person == person
    assert person.position_en == "Legislator"
    run_on_commit(services.registration_confirm, registration=registration)
    person.refresh_from_db()
    assert person.position_en == "Minister"
    assert Person.objects.count() == 1


def test_an_organizer_may_add_a_confirmed_registration_silently_even_after_closing(organizer, run_on_commit):
    from events.models import Edition

    edition = make_open_edition(capacity=1, status=Edition.Status.REGISTRATION_CLOSED)
    data = {"family_name": "Lai", "email": "guest@example.org", "side": "taiwan", "category": "other"}
    first = run_on_commit(
        services.registration_create,
        edition=edition,
        data=data,
        language="zh-hant",
        actor=Actor.ORGANIZER,
        user=organizer,
        confirmed=True,
        notify=False,
    )
    second = run_on_commit(
        services.registration_create,
        edition=edition,
        data={**data, "email": "second@example.org"},
        language="en",
        actor=Actor.ORGANIZER,
        confirmed=True,
        notify=False,
    )
    assert (first.status, second.status) == (Status.ACCEPTED, Status.WAITLISTED)
    assert history(first) == [("", "unconfirmed", "organizer"), ("unconfirmed", "accepted", "system")]
    assert first.confirmed_at is not None
    assert mail.outbox == []


def test_a_delegate_cannot_register_when_registration_is_closed():
    from events.models import Edition

    edition = make_open_edition(status=Edition.Status.REGISTRATION_CLOSED)
    with pytest.raises(services.RegistrationClosed):
        register_delegate(edition)
    assert Registration.objects.count() == 0


def test_check_in_only_once_and_only_when_accepted():
    edition = make_open_edition()
    accepted = make_registration(edition, status=Status.ACCEPTED)
    services.registration_check_in(registration=accepted)
    assert accepted.checked_in_at is not None
    with pytest.raises(services.AlreadyCheckedIn) as again:
        services.registration_check_in(registration=accepted)
    assert again.value.message.startswith("Already checked in at ")
    cancelled = make_registration(edition, status=Status.CANCELLED)
    with pytest.raises(services.CheckInRefused) as refused:
        services.registration_check_in(registration=cancelled)
    assert refused.value.message == "Not checked in: this registration was cancelled."


def test_anonymizing_keeps_the_counts_and_removes_the_person(run_on_commit):
    edition = make_open_edition()
    person = make_person(email="erase@example.org", native_name="高市早苗", phone="+81 3 1234 5678")
    registration = make_registration(edition, person, status=Status.ACCEPTED, dietary_needs="Vegan")
    old_key = registration.access_key
    services.person_anonymize(person=person)
    person.refresh_from_db()
    registration.refresh_from_db()
    assert (person.full_name, person.email, person.phone, person.native_name) == ("Anonymized", "", "", "")
    assert (person.listed_publicly, person.anonymized_at is not None) == (False, True)
    assert (registration.email, registration.dietary_needs, registration.status) == ("", "", "accepted")
    assert registration.access_key != old_key
    assert Registration.objects.for_edition(edition).accepted().count() == 1


def test_emails_greet_by_the_native_name_in_japanese_and_chinese(run_on_commit):
    edition = make_open_edition()
    for language in ("ja", "zh-hant", "en"):
        run_on_commit(
            register_delegate,
            edition=edition,
            language=language,
            family_name="Takaichi",
            given_name="Sanae",
            native_name="高市早苗",
        )
    assert [message.body.splitlines()[0] for message in mail.outbox] == [
        "高市早苗様",
        "高市早苗 您好：",
        "Dear Sanae Takaichi,",
    ]


@pytest.mark.parametrize("service", [services.registration_cancel, services.registration_reject])
def test_a_checked_in_registration_is_neither_cancelled_nor_rejected_until_the_check_in_is_undone(
    run_on_commit, service, organizer
):
    edition = make_open_edition(capacity=1)
    registration = make_registration(edition, status=Status.ACCEPTED)
    waiting = make_registration(edition, status=Status.WAITLISTED)
    services.registration_check_in(registration=registration)
    with pytest.raises(services.CheckedIn) as refusal:
        run_on_commit(service, registration=registration, actor=Actor.ORGANIZER, user=organizer)
    assert refusal.value.message == (
        "This delegate has checked in. An organizer must undo the check-in before the registration can be "
        "cancelled or rejected."
    )
    registration.refresh_from_db()
    assert (registration.status, registration.checked_in_at is not None) == (Status.ACCEPTED, True)
    services.registration_undo_check_in(registration=registration, user=organizer)
    run_on_commit(service, registration=registration, actor=Actor.ORGANIZER, user=organizer)
    registration.refresh_from_db()
    waiting.refresh_from_db()
    assert (registration.checked_in_at, waiting.status) == (None, Status.ACCEPTED)


def test_undoing_a_check_in_that_never_happened_is_refused():
    registration = make_registration(make_open_edition(), status=Status.ACCEPTED)
    with pytest.raises(services.NotCheckedIn):
        services.registration_undo_check_in(registration=registration)


@pytest.mark.parametrize(
    ("edition_status", "allowed"),
    [("planned", False), ("registration_open", True), ("registration_closed", True), ("held", False)],
)
def test_check_in_only_for_editions_taking_check_ins(edition_status, allowed):
    edition = make_open_edition(status=edition_status)
    registration = make_registration(edition, status=Status.ACCEPTED)
    if allowed:
        services.registration_check_in(registration=registration)
    else:
        with pytest.raises(services.CheckInRefused):
            services.registration_check_in(registration=registration)
    registration.refresh_from_db()
    assert (registration.checked_in_at is not None) == allowed


def test_promoting_one_registration_needs_it_on_the_waiting_list():
    edition = make_open_edition(capacity=3)
    pending = make_registration(edition, status=Status.PENDING)
    with pytest.raises(services.NotOnWaitingList):
        services.registration_accept_from_waiting_list(registration=pending, actor=Actor.ORGANIZER)
    waiting = make_registration(edition, status=Status.WAITLISTED)
    services.registration_accept_from_waiting_list(registration=waiting, actor=Actor.ORGANIZER)
    assert Registration.objects.get(pk=waiting.pk).status == Status.ACCEPTED


def test_the_database_allows_one_registration_in_play_per_person_beside_cancelled_ones():
    from django.db import IntegrityError, transaction

    edition = make_open_edition()
    person = make_person(email="a@example.org")
    make_registration(edition, person, status=Status.CANCELLED)
    make_registration(edition, person, status=Status.CANCELLED)
    make_registration(edition, person, status=Status.PENDING)
    for status in (Status.REJECTED, Status.UNCONFIRMED):
        with pytest.raises(IntegrityError), transaction.atomic():
            make_registration(edition, person, status=status)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_registration(edition, make_person(), email="a@example.org", status=Status.WAITLISTED)


def test_with_automatic_acceptance_the_waiting_list_never_holds_anyone_by_a_free_place(organizer):
    edition = make_open_edition(capacity=2)
    make_registration(edition, status=Status.ACCEPTED)
    pending = make_registration(edition, status=Status.PENDING)
    services.registration_waitlist(registration=pending, actor=Actor.ORGANIZER, user=organizer)
    pending.refresh_from_db()
    assert pending.status == Status.ACCEPTED
    assert [(change.from_status, change.to_status, change.actor) for change in pending.status_changes.all()] == [
        ("pending", "waitlisted", "organizer"),
        ("waitlisted", "accepted", "system"),
    ]


def test_the_capacity_cannot_go_below_the_accepted_and_raising_it_fills_the_waiting_list(organizer):
    edition = make_open_edition(capacity=1)
    make_registration(edition, status=Status.ACCEPTED)
    first = make_registration(edition, status=Status.WAITLISTED)
    second = make_registration(edition, status=Status.WAITLISTED)
    with pytest.raises(services.CapacityBelowTaken) as refusal:
        services.edition_change_capacity(edition=edition, capacity=0, user=organizer)
    assert refusal.value.message == "1 delegate is accepted; the capacity cannot be lower. Cancel or reject first."
    promoted = services.edition_change_capacity(edition=edition, capacity=2, user=organizer)
    assert promoted == [first]
    assert [Registration.objects.get(pk=r.pk).status for r in (first, second)] == [Status.ACCEPTED, Status.WAITLISTED]
