"""Delegations and quotas: a delegation's quota, a side's quota, places reserved for
invitees and accompanying people, decided under the edition's lock in every door."""

import threading

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import translation

from delegates import services
from delegates.models import Delegation, Registration, Side
from tests.delegates.test_concurrency import run_at_once
from tests.factories import make_open_edition, make_person, make_registration, registration_form_data

pytestmark = pytest.mark.django_db


def make_delegation(edition, **fields):
    values = {"edition": edition, "name_en": "Taipei City Council", "side": Side.TAIWAN, "quota": 2}
    return Delegation.objects.create(**{**values, **fields})


def _members(edition, delegation, count, **fields):
    return [
        make_registration(edition, make_person(side=delegation.side), delegation=delegation, **fields)
        for _ in range(count)
    ]


def test_a_delegations_quota_holds_and_its_waiting_list_moves_up():
    edition = make_open_edition(capacity=10)
    delegation = make_delegation(edition, quota=2)
    members = _members(edition, delegation, 3)
    assert [services.registration_confirm(registration=member).status for member in members] == [
        "accepted",
        "accepted",
        "waitlisted",
    ]
    # Someone outside the delegation is not held back by its waiting list.
    outsider = make_registration(edition, make_person(side=Side.TAIWAN))
    assert services.registration_confirm(registration=outsider).status == "accepted"
    services.registration_cancel(registration=members[0], actor="delegate")
    members[2].refresh_from_db()
    assert members[2].status == "accepted"


def test_a_sides_quota_holds():
    edition = make_open_edition(capacity=10, quota_taiwan=1)
    first, second = (make_registration(edition, make_person(side=Side.TAIWAN)) for _ in range(2))
    japanese = make_registration(edition, make_person(side=Side.JAPAN))
    statuses = [services.registration_confirm(registration=r).status for r in (first, second, japanese)]
    assert statuses == ["accepted", "waitlisted", "accepted"]


def test_places_reserved_for_invitees_are_kept_for_them():
    edition = make_open_edition(capacity=3, places_reserved_for_invitations=1)
    open_ones = [make_registration(edition) for _ in range(3)]
    invited = make_registration(edition, by_invitation=True)
    statuses = [services.registration_confirm(registration=r).status for r in [*open_ones, invited]]
    assert statuses == ["accepted", "accepted", "waitlisted", "accepted"]


@pytest.mark.parametrize(("counted", "expected"), [(True, "waitlisted"), (False, "accepted")])
def test_accompanying_people_count_against_the_capacity_only_if_the_edition_says_so(counted, expected):
    edition = make_open_edition(capacity=1, count_accompanying=counted)
    member = make_registration(edition)
    aide = make_registration(edition, participation="aide")
    assert services.registration_confirm(registration=member).status == "accepted"
    assert services.registration_confirm(registration=aide).status == expected


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "The delegation “Taipei City Council” has used all its places."),
        ("ja", "代表団「Taipei City Council」の枠はすべて埋まっています。"),
        ("zh-hant", "代表團「Taipei City Council」的名額已用完。"),
    ],
)
def test_an_organizer_cannot_accept_past_a_full_quota(language, message):
    edition = make_open_edition(capacity=10, requires_approval=True)
    delegation = make_delegation(edition, quota=1)
    make_registration(edition, make_person(side=Side.TAIWAN), delegation=delegation, status="accepted")
    waiting = make_registration(edition, make_person(side=Side.TAIWAN), delegation=delegation, status="pending")
    with translation.override(language), pytest.raises(services.DelegationQuotaFull) as refusal:
        services.registration_accept(registration=waiting, actor="organizer")
    assert message in refusal.value.message
    waiting.refresh_from_db()
    assert waiting.status == "pending"


def test_moving_an_accepted_registration_into_a_full_delegation_is_refused_and_changes_nothing():
    edition = make_open_edition(capacity=10)
    full = make_delegation(edition, quota=1)
    make_registration(edition, make_person(side=Side.TAIWAN), delegation=full, status="accepted")
    mover = make_registration(edition, make_person(side=Side.TAIWAN), status="accepted")
    with pytest.raises(services.DelegationQuotaFull):
        services.registration_assign(registration=mover, delegation=full, participation="member", by_invitation=False)
    mover.refresh_from_db()
    assert mover.delegation_id is None
    other = make_delegation(make_open_edition(), name_en="Elsewhere")
    with pytest.raises(services.WrongEditionDelegation):
        services.registration_assign(registration=mover, delegation=other, participation="member", by_invitation=False)


def test_a_quota_below_the_places_taken_is_refused_and_a_raised_one_promotes():
    edition = make_open_edition(capacity=10)
    delegation = make_delegation(edition, quota=1)
    accepted, waiting = _members(edition, delegation, 2)
    services.registration_confirm(registration=accepted)
    services.registration_confirm(registration=waiting)
    delegation.quota = 0
    with pytest.raises(services.QuotaBelowTaken):
        services.delegation_save(delegation=delegation)
    delegation.quota = 2
    services.delegation_save(delegation=delegation)
    waiting.refresh_from_db()
    assert waiting.status == "accepted"


# --- Admin and dashboard ------------------------------------------------------------------


def test_the_admin_lists_delegations_with_their_quota_use_and_filters_by_side(organizer_client):
    edition = make_open_edition(capacity=10)
    taiwanese = make_delegation(edition, quota=4)
    make_delegation(edition, name_en="Kamakura City Council", side=Side.JAPAN, quota=None)
    _members(edition, taiwanese, 3, status="accepted")
    page = organizer_client.get(reverse("admin:delegates_delegation_changelist") + "?side__exact=taiwan")
    rows = page.context["cl"].result_list
    assert [(row.name, row.places_taken) for row in rows] == [("Taipei City Council", 3)]
    assert "3 / 4" in page.content.decode()


def test_the_admin_refuses_a_quota_below_the_accepted_members_with_a_message(organizer_client):
    edition = make_open_edition(capacity=10)
    delegation = make_delegation(edition, quota=4)
    _members(edition, delegation, 3, status="accepted")
    url = reverse("admin:delegates_delegation_change", args=[delegation.pk])
    form = organizer_client.get(url).context["adminform"].form
    data = {name: form.initial.get(name) or "" for name in form.fields}
    data.update({"quota": "2", "edition": edition.pk, "side": "taiwan", "kind": "local_assembly"})
    data.update({"registrations-TOTAL_FORMS": "3", "registrations-INITIAL_FORMS": "3"})
    data.update({"registrations-MIN_NUM_FORMS": "0", "registrations-MAX_NUM_FORMS": "1000"})
    for index, registration in enumerate(delegation.registrations.order_by("pk")):
        data[f"registrations-{index}-id"] = registration.pk
        data[f"registrations-{index}-delegation"] = delegation.pk
    response = organizer_client.post(url, data)
    assert response.status_code == 200
    assert "3 members of this delegation are accepted; the quota cannot be lower." in response.content.decode()
    delegation.refresh_from_db()
    assert delegation.quota == 4


def test_the_admin_moving_a_registration_into_a_full_delegation_says_why(organizer_client):
    edition = make_open_edition(capacity=10)
    full = make_delegation(edition, quota=1)
    make_registration(edition, make_person(side=Side.TAIWAN), delegation=full, status="accepted")
    mover = make_registration(edition, make_person(side=Side.TAIWAN), status="accepted")
    url = reverse("admin:delegates_registration_change", args=[mover.pk])
    form = organizer_client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name in form.fields}
    data.update({"delegation": full.pk, "participation": "member"})
    for prefix in ("status_changes", "message_deliveries"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    response = organizer_client.post(url, data, follow=True)
    assert "has used all its places" in response.content.decode()
    mover.refresh_from_db()
    assert mover.delegation_id is None


def test_the_dashboard_shows_each_delegations_quota_use(organizer_client):
    edition = make_open_edition(capacity=10)
    delegation = make_delegation(edition, quota=5)
    _members(edition, delegation, 2, status="accepted")
    page = organizer_client.get(reverse("admin:delegates_registration_dashboard", args=[edition.pk]))
    assert [(row.pk, row.places_taken) for row in page.context["dashboard"].delegations] == [(delegation.pk, 2)]
    assert "2 / 5" in page.content.decode()


# --- Races, on PostgreSQL -------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_focal_points_and_the_public_racing_for_the_last_places_never_exceed_a_quota():
    if connection.vendor != "postgresql":
        pytest.skip("Needs PostgreSQL (row locks, one connection per thread)")
    edition = make_open_edition(capacity=6)
    first, second = make_delegation(edition, quota=3), make_delegation(edition, name_en="Tainan City Council", quota=3)
    racers = [
        *_members(edition, first, 6),
        *_members(edition, second, 6),
        *[make_registration(edition, make_person(side=Side.JAPAN)) for _ in range(6)],
    ]
    statuses = run_at_once(len(racers), lambda index: services.registration_confirm(registration=racers[index]).status)
    assert statuses.count("accepted") == 6
    accepted = Registration.objects.for_edition(edition).accepted()
    assert accepted.count() == 6
    assert accepted.filter(delegation=first).count() <= 3
    assert accepted.filter(delegation=second).count() <= 3


@pytest.mark.django_db(transaction=True)
def test_without_the_lock_a_delegations_quota_is_overbooked(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("Needs PostgreSQL (row locks, one connection per thread)")
    edition = make_open_edition(capacity=100)
    delegation = make_delegation(edition, quota=2)
    members = _members(edition, delegation, 10)
    everyone_decided = threading.Barrier(len(members), timeout=60)
    decide = services._place_refusal

    def lock_nothing(registration):
        registration.refresh_from_db()
        registration.edition = type(edition).objects.get(pk=registration.edition_id)
        return registration.edition

    def decide_then_wait(registration, locked_edition):
        refusal = decide(registration, locked_edition)
        everyone_decided.wait()
        return refusal

    monkeypatch.setattr(services, "_lock", lock_nothing)
    monkeypatch.setattr(services, "_place_refusal", decide_then_wait)
    monkeypatch.setattr(services, "_someone_waits_for", lambda registration, locked_edition: False)
    run_at_once(len(members), lambda index: services.registration_confirm(registration=members[index]))
    assert Registration.objects.filter(delegation=delegation).accepted().count() > delegation.quota


@pytest.mark.django_db(transaction=True)
def test_invitees_two_focal_points_and_the_public_race_for_the_last_places():
    """Every door at once: invitees through their links (into reserved places), two focal
    points registering members who confirm at once, and the public form; exact counts."""
    if connection.vendor != "postgresql":
        pytest.skip("Needs PostgreSQL (row locks, one connection per thread)")
    from delegates.models import Invitation
    from events.models import Edition
    from tests.factories import make_invitation, register_delegate

    edition = make_open_edition(
        capacity=8, places_reserved_for_invitations=2, registration_mode=Edition.RegistrationMode.BOTH
    )
    first, second = make_delegation(edition, quota=3), make_delegation(edition, name_en="Tainan City Council", quota=3)
    invitations = [make_invitation(edition, skips_approval=True) for _ in range(4)]

    def invitee(index):
        invitation = invitations[index]
        data = {**registration_form_data(), "email": invitation.email}
        return services.invitation_register(invitation=invitation, data=data, language="zh-hant")

    def member_of(delegation, index):
        data = {
            "email": f"{delegation.pk}-{index}@example.tw",
            "family_name": f"Member{index}",
            "given_name": "",
            "category": "local_councilor",
        }
        added = services.delegation_member_add(delegation=delegation, data=data, participation="member", language="ja")
        return services.registration_confirm(registration=added)

    def public(index):
        registration = register_delegate(edition, email=f"public{index}@example.org")
        return services.registration_confirm(registration=registration)

    racers = (
        [lambda index=index: invitee(index) for index in range(4)]
        + [lambda index=index: member_of(first, index) for index in range(5)]
        + [lambda index=index: member_of(second, index) for index in range(5)]
        + [lambda index=index: public(index) for index in range(6)]
    )
    run_at_once(len(racers), lambda index: racers[index]())
    accepted = Registration.objects.for_edition(edition).accepted()
    assert accepted.count() == 8
    assert accepted.filter(delegation=first).count() <= 3
    assert accepted.filter(delegation=second).count() <= 3
    assert accepted.filter(by_invitation=False).count() <= 6
    assert accepted.filter(by_invitation=True).count() >= 2
    assert Invitation.objects.filter(status="registered").count() == 4
    assert Registration.objects.for_edition(edition).count() == 20


def _posted_back(html, **changes):
    """What a browser posts from an admin change form: every field as shown, with changes."""
    from lxml import html as lxml_html

    form = lxml_html.fromstring(html).xpath('//form[@id="edition_form"]')[0]
    data = {}
    for name, value in form.form_values():
        data.setdefault(name, value)
    return {**data, **changes}


def test_the_admin_refuses_reserving_places_the_capacity_cannot_hold(organizer_client):
    edition = make_open_edition(capacity=3)
    for _ in range(3):
        make_registration(edition, status="accepted")
    url = reverse("admin:events_edition_change", args=[edition.pk])
    data = _posted_back(organizer_client.get(url).content.decode(), places_reserved_for_invitations="1")
    response = organizer_client.post(url, data)
    assert response.status_code == 200
    assert "reserved for invitees make 4" in response.content.decode()
    edition.refresh_from_db()
    assert edition.places_reserved_for_invitations == 0
    data["places_reserved_for_invitations"], data["capacity"] = "1", "4"
    assert organizer_client.post(url, data).status_code == 302
    edition.refresh_from_db()
    assert (edition.capacity, edition.places_reserved_for_invitations) == (4, 1)
