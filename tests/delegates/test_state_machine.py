"""A stateful property test of the registration workflow: hypothesis drives delegates.services
as every actor can, in any order, and after every step checks the rules organizers rely on.

It runs on whichever database the suite runs on (SQLite by default, PostgreSQL with
DATABASE_URL). The "ci" profile takes about a minute; run the long one by hand:

    STATE_MACHINE_PROFILE=long make test PYTEST_ARGS="tests/delegates/test_state_machine.py"
"""

import os

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from delegates import services
from delegates.forms import RegistrationForm
from delegates.models import Delegation, Invitation, Person, Registration, RegistrationStatusChange, Side
from events.models import Edition
from tests.factories import make_open_edition, registration_form_data

pytestmark = pytest.mark.django_db

Status = Registration.Status
Actor = RegistrationStatusChange.Actor

PROFILES = {
    "ci": {"max_examples": 60, "stateful_step_count": 40},
    "long": {"max_examples": 1000, "stateful_step_count": 60},
}
PROFILE = settings(
    **PROFILES[os.environ.get("STATE_MACHINE_PROFILE", "ci")],
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

# Few addresses, so the same people register twice, cancel and come back.
EMAILS = [f"delegate{number}@example.org" for number in range(5)]
# Invitees and delegation members come from their own few addresses (and may meet the others').
INVITEES = [f"invitee{number}@example.org" for number in range(3)] + EMAILS[:1]
QUOTAS = st.one_of(st.none(), st.integers(min_value=0, max_value=3))
CAPACITIES = st.one_of(st.none(), st.integers(min_value=0, max_value=4))
# A registration is picked by a number, among all or among those in one state: picking from
# a state makes the interesting pairs (check in, then cancel) likely in a short run.
PICK = st.tuples(
    st.sampled_from([None, "accepted", "checked_in", "waitlisted", "unconfirmed", "pending", "cancelled"]),
    st.integers(min_value=0, max_value=10**6),
)
STATES = {
    "accepted": {"status": Status.ACCEPTED, "checked_in_at__isnull": True},
    "checked_in": {"checked_in_at__isnull": False},
    "waitlisted": {"status": Status.WAITLISTED},
    "unconfirmed": {"status": Status.UNCONFIRMED},
    "pending": {"status": Status.PENDING},
    "cancelled": {"status": Status.CANCELLED},
}


class RegistrationWorkflow(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        # Each example starts from an empty database: everything it wrote is rolled back.
        self.transaction = transaction.atomic()
        self.transaction.__enter__()
        self.organizer = get_user_model().objects.create_user(username="organizer", password="x")
        self.refusals = 0
        self.registered = False

    def teardown(self):
        transaction.set_rollback(True)
        self.transaction.__exit__(None, None, None)

    @initialize(
        capacity=CAPACITIES,
        requires_approval=st.booleans(),
        reserved=st.integers(min_value=0, max_value=2),
        taiwan_quota=QUOTAS,
        delegation_quotas=st.tuples(QUOTAS, QUOTAS),
    )
    def open_an_edition(self, capacity, requires_approval, reserved, taiwan_quota, delegation_quotas):
        self.edition = make_open_edition(
            capacity=capacity,
            requires_approval=requires_approval,
            registration_mode=Edition.RegistrationMode.BOTH,
            places_reserved_for_invitations=reserved,
            quota_taiwan=taiwan_quota,
        )
        self.delegations = [
            Delegation.objects.create(edition=self.edition, name_en=f"Delegation {number}", side=side, quota=quota)
            for number, (side, quota) in enumerate(zip([Side.TAIWAN, Side.JAPAN], delegation_quotas, strict=True))
        ]

    # --- helpers ----------------------------------------------------------------------

    def _pick(self, pick):
        state, number = pick
        registrations = []
        if state is not None:
            registrations = list(Registration.objects.filter(**STATES[state]).order_by("pk"))
        registrations = registrations or list(Registration.objects.order_by("pk"))
        return registrations[number % len(registrations)] if registrations else None

    def _attempt(self, service, **kwargs):
        """Run one service; the rules may refuse, but only with a RegistrationError that says why."""
        try:
            return service(**kwargs)
        except services.RegistrationError as refusal:
            assert str(refusal.message).strip(), refusal
            self.refusals += 1
            return None

    def _on(self, service, number, **kwargs):
        registration = self._pick(number)
        if registration is not None:
            self._attempt(service, registration=registration, **kwargs)

    def _organizer(self):
        return {"actor": Actor.ORGANIZER, "user": self.organizer}

    # --- what delegates do --------------------------------------------------------------

    @rule(email=st.sampled_from(EMAILS), confirm=st.booleans())
    def register(self, email, confirm):
        """Register (again, after cancelling, with the same address) and maybe confirm at once."""
        form = RegistrationForm(data=registration_form_data(email=email), edition=self.edition)
        assert form.is_valid(), form.errors
        registration = self._attempt(
            services.registration_create, edition=self.edition, data=form.registration_data(), language="en"
        )
        if registration is not None:
            self.registered = True
        if registration is not None and confirm:
            self._attempt(services.registration_confirm, registration=registration)

    @rule(email=st.sampled_from(INVITEES), delegation=st.sampled_from([None, 0, 1]), skips=st.booleans())
    def invite_and_register(self, email, delegation, skips):
        """An organizer invites (perhaps into a delegation); the invitee registers through the link."""
        invitation = Invitation.objects.filter(edition=self.edition, email=email).first()
        if invitation is None:
            invitation = self._attempt(
                services.invitation_create,
                edition=self.edition,
                data={"email": email, "family_name": "Invitee"},
                delegation=None if delegation is None else self.delegations[delegation],
                skips_approval=skips,
                user=self.organizer,
            )
        if invitation is not None:
            data = {**registration_form_data(email=email), "privacy_consent": True}
            if self._attempt(services.invitation_register, invitation=invitation, data=data, language="en"):
                self.registered = True

    @rule(email=st.sampled_from(INVITEES), delegation=st.sampled_from([0, 1]), aide=st.booleans())
    def focal_point_adds_a_member(self, email, delegation, aide):
        data = {**registration_form_data(email=email), "privacy_consent": True}
        added = self._attempt(
            services.delegation_member_add,
            delegation=self.delegations[delegation],
            data=data,
            participation="aide" if aide else "member",
            language="ja",
        )
        if added is not None:
            self.registered = True

    @precondition(lambda self: self.registered)
    @rule(number=PICK)
    def confirm(self, number):
        self._on(services.registration_confirm, number)

    @precondition(lambda self: self.registered)
    @rule(number=PICK)
    def cancel_as_delegate(self, number):
        self._on(services.registration_cancel, number, actor=Actor.DELEGATE)

    # --- what organizers do -------------------------------------------------------------

    @precondition(lambda self: self.registered)
    @rule(number=PICK)
    def accept(self, number):
        self._on(services.registration_accept, number, **self._organizer())

    @precondition(lambda self: self.registered)
    @rule(number=PICK)
    def reject(self, number):
        self._on(services.registration_reject, number, **self._organizer(), note="no")

    @precondition(lambda self: self.registered)
    @rule(number=PICK)
    def waitlist(self, number):
        self._on(services.registration_waitlist, number, **self._organizer())

    @precondition(lambda self: self.registered)
    @rule(number=PICK)
    def cancel_as_organizer(self, number):
        self._on(services.registration_cancel, number, **self._organizer())

    @precondition(lambda self: self.registered)
    @rule(number=PICK)
    def check_in(self, number):
        self._on(services.registration_check_in, number, user=self.organizer)

    @precondition(lambda self: self.registered)
    @rule(number=PICK)
    def undo_check_in(self, number):
        self._on(services.registration_undo_check_in, number, user=self.organizer)

    @precondition(lambda self: self.registered)
    @rule(number=PICK)
    def promote_one(self, number):
        self._on(services.registration_accept_from_waiting_list, number, **self._organizer())

    @rule()
    def fill_from_the_waiting_list(self):
        self._attempt(services.registration_promote, edition=self.edition, **self._organizer())

    @rule(capacity=CAPACITIES)
    def change_capacity(self, capacity):
        self._attempt(services.edition_change_capacity, edition=self.edition, capacity=capacity, user=self.organizer)
        self.edition.refresh_from_db()

    @precondition(lambda self: self.registered)
    @rule(number=PICK)
    def erase(self, number):
        registration = self._pick(number)
        if registration is not None:
            self._attempt(services.person_anonymize, person=registration.person, user=self.organizer)

    # --- what must hold after every step ---------------------------------------------------

    @invariant()
    def accepted_never_exceed_capacity(self):
        self.edition.refresh_from_db()
        accepted = Registration.objects.accepted().count()
        assert self.edition.capacity is None or accepted <= self.edition.capacity

    @invariant()
    def no_quota_is_exceeded_and_reserved_places_stay_for_invitees(self):
        accepted = Registration.objects.accepted()
        for delegation in Delegation.objects.all():
            assert delegation.quota is None or accepted.filter(delegation=delegation).count() <= delegation.quota
        if self.edition.quota_taiwan is not None:
            assert accepted.filter(person__side=Side.TAIWAN).count() <= self.edition.quota_taiwan
        capacity, reserved = self.edition.capacity, self.edition.places_reserved_for_invitations
        if capacity is not None and accepted.filter(by_invitation=False).exists():
            assert accepted.filter(by_invitation=False).count() <= max(capacity - reserved, 0)

    @invariant()
    def with_automatic_acceptance_nobody_waits_for_a_place_they_could_take(self):
        if self.edition.requires_approval:
            return
        for waiting in Registration.objects.waitlisted().select_related("delegation"):
            assert services._place_refusal(waiting, self.edition) is not None

    @invariant()
    def with_automatic_acceptance_nobody_ahead_waits(self):
        """Whoever left the waiting list for a place was first in line: nobody still waiting joined before them."""
        if self.edition.requires_approval:
            return
        joined = {}
        promoted_from = []
        for change in RegistrationStatusChange.objects.order_by("pk"):
            if change.to_status == Status.WAITLISTED:
                joined[change.registration_id] = change.pk
            elif change.from_status == Status.WAITLISTED and change.to_status == Status.ACCEPTED:
                promoted_from.append((joined[change.registration_id], change.registration))

        # Only someone who could have had the same place counts: same delegation and side, and
        # an invitee's reserved place is not a place for someone uninvited.
        def pool(registration):
            side = Person.objects.filter(pk=registration.person_id).values_list("side", flat=True).get()
            return (registration.delegation_id, side)

        waiting = list(Registration.objects.waitlisted())
        for position, promoted in promoted_from:
            for other in waiting:
                if pool(other) == pool(promoted) and (other.by_invitation or not promoted.by_invitation):
                    assert joined[other.pk] > position

    @invariant()
    def the_waiting_list_is_in_the_order_people_joined_it(self):
        joined = {}
        for change in RegistrationStatusChange.objects.filter(to_status=Status.WAITLISTED).order_by("pk"):
            joined[change.registration_id] = change.pk
        line = list(Registration.objects.waitlisted().values_list("pk", flat=True))
        assert line == sorted(line, key=joined.__getitem__)

    @invariant()
    def every_status_change_has_exactly_one_history_row_with_its_actor(self):
        history = {}
        for change in RegistrationStatusChange.objects.order_by("pk"):
            history.setdefault(change.registration_id, []).append(change)
        for registration in Registration.objects.all():
            rows = history.get(registration.pk, [])
            assert rows, f"registration {registration.pk} has no history"
            assert rows[0].from_status == ""
            for before, after in zip(rows, rows[1:], strict=False):
                assert after.from_status == before.to_status
                assert after.to_status in services.TRANSITIONS[after.from_status]
            assert rows[-1].to_status == registration.status
            for row in rows:
                assert row.actor in Actor.values
                if row.actor == Actor.ORGANIZER:
                    assert row.user_id == self.organizer.pk

    @invariant()
    def checked_in_implies_accepted(self):
        assert not Registration.objects.filter(checked_in_at__isnull=False).exclude(status=Status.ACCEPTED).exists()

    @invariant()
    def one_registration_in_play_per_address(self):
        in_play = Registration.objects.exclude(status=Status.CANCELLED).exclude(email="")
        emails = list(in_play.values_list("email", flat=True))
        assert len(emails) == len(set(emails))


def test_no_sequence_of_actions_breaks_the_registration_rules():
    run_state_machine_as_test(RegistrationWorkflow, settings=PROFILE)
