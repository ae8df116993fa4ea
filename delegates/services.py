"""Every write to a registration: the state machine, capacity and the waiting list.

The public form, the self-service pages, the check-in desk, the admin and management
commands all call these functions; none of them sets `Registration.status` itself.
Each function is one transaction. Capacity decisions happen while the edition's row is
locked (SELECT ... FOR UPDATE on PostgreSQL; on SQLite every write transaction is
IMMEDIATE and so already serialized), which is what makes overbooking impossible.
E-mails are queued with `transaction.on_commit`, so they leave only after the change
is stored and never while the lock is held.
"""

import secrets
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname

from events.models import Edition
from events.translation_status import sources_with_copies_stale

from . import erasure
from .audit import acting_as_system
from .models import (
    ACCOMPANYING,
    Delegation,
    Invitation,
    InvitationEvent,
    Participation,
    Person,
    Question,
    Registration,
    RegistrationStatusChange,
    Side,
)
from .tasks import send_email

Status = Registration.Status
Actor = RegistrationStatusChange.Actor
# Who acts through a link rather than the admin: held to the registration window and to
# invitation-only editions, and never vouching for anyone's details.
LINK_ACTORS = frozenset({Actor.DELEGATE, Actor.FOCAL_POINT})

# Which status may become which; everything else is refused and changes nothing.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.UNCONFIRMED: frozenset(
        {Status.PENDING, Status.ACCEPTED, Status.WAITLISTED, Status.REJECTED, Status.CANCELLED}
    ),
    Status.PENDING: frozenset({Status.ACCEPTED, Status.WAITLISTED, Status.REJECTED, Status.CANCELLED}),
    Status.WAITLISTED: frozenset({Status.ACCEPTED, Status.REJECTED, Status.CANCELLED}),
    Status.ACCEPTED: frozenset({Status.REJECTED, Status.CANCELLED}),
    # Organizers may reconsider a rejection; a cancellation is final (the delegate gave the place up).
    # A cancelled delegate who wants to come after all registers again: a new registration,
    # at the back of the waiting list, next to the cancelled one, which keeps its history.
    Status.REJECTED: frozenset({Status.ACCEPTED, Status.WAITLISTED}),
    Status.CANCELLED: frozenset(),
}

# Leaving while checked in is refused: a delegate who is in the building cannot give their place
# away, and an organizer who checked in the wrong person undoes the check-in first (recorded).
CHECKED_IN_MAY_NOT_BECOME = frozenset({Status.REJECTED, Status.CANCELLED})

# Editions whose delegates may still arrive at the door; check-in is refused for the others.
CHECK_IN_EDITION_STATUSES = (Edition.Status.REGISTRATION_OPEN, Edition.Status.REGISTRATION_CLOSED)

# A second registration attempt e-mails the owner their link at most this often.
MANAGE_LINK_RESEND_SECONDS = 60 * 60

# What the registration form stores on the person, and what on the registration.
PERSON_FIELDS = (
    "family_name",
    "given_name",
    "family_name_first",
    "native_name",
    "honorific",
    "position",
    "organization",
    "side",
    "category",
    "phone",
    "listed_publicly",
)
TRANSLATED_PERSON_FIELDS = ("position", "organization")
# What the public site shows of a person (their page, the participants list and its grouping).
# Once vetted (Person.public_details_locked) only organizers change these: a delegate asks them.
PUBLIC_PERSON_FIELDS = (
    "family_name",
    "given_name",
    "family_name_first",
    "native_name",
    "honorific",
    "position",
    "organization",
    "side",
    "category",
)
REGISTRATION_FIELDS = ("interpretation_language", "dietary_needs", "accessibility_needs", "answers")
# What the delegate writes on the registration (needs; answers to text questions): kept as
# written, in Registration.texts_language. Codes and chosen options have no language.
WRITTEN_REGISTRATION_FIELDS = ("dietary_needs", "accessibility_needs")


class RegistrationError(Exception):
    """A request the rules refuse. `message` is written for the person who asked."""

    def __init__(self, message):
        self.message = message
        super().__init__(str(message))


class TransitionNotAllowed(RegistrationError):
    def __init__(self, from_status, to_status):
        self.from_status, self.to_status = from_status, to_status
        super().__init__(
            gettext("A registration that is “%(from)s” cannot become “%(to)s”.")
            % {"from": Status(from_status).label, "to": Status(to_status).label}
        )


class EditionFull(RegistrationError):
    def __init__(self):
        super().__init__(
            gettext("All places are taken. Put the registration on the waiting list, or raise the capacity first.")
        )


class SideQuotaFull(EditionFull):
    def __init__(self, side):
        RegistrationError.__init__(
            self,
            gettext("All places for this side (%(side)s) are taken. Raise its quota first, or use the waiting list.")
            % {"side": Side(side).label},
        )


class DelegationQuotaFull(EditionFull):
    def __init__(self, delegation):
        RegistrationError.__init__(
            self,
            gettext(
                "The delegation “%(delegation)s” has used all its places. "
                "Raise its quota first, or use the waiting list."
            )
            % {"delegation": delegation},
        )


class RegistrationClosed(RegistrationError):
    def __init__(self):
        super().__init__(gettext("Registration for this edition is not open."))


class RegistrationByInvitationOnly(RegistrationClosed):
    def __init__(self):
        RegistrationError.__init__(
            self,
            gettext(
                "Registration for this edition is by invitation only: please use the link in your invitation e-mail."
            ),
        )


class DuplicateRegistration(RegistrationError):
    def __init__(self, registration):
        self.registration = registration
        super().__init__(
            gettext(
                "This e-mail address is already registered for this edition. We have sent the link to "
                "your registration to it again, so you can see, change or cancel it."
            )
        )


class CheckedIn(RegistrationError):
    def __init__(self):
        super().__init__(
            gettext(
                "This delegate has checked in. An organizer must undo the check-in before the "
                "registration can be cancelled or rejected."
            )
        )


class NotCheckedIn(RegistrationError):
    def __init__(self):
        super().__init__(gettext("This registration is not checked in; there is nothing to undo."))


class NoPlaceForTheWaitingList(RegistrationError):
    def __init__(self):
        super().__init__(
            gettext("All places are taken: raise the capacity first to accept someone from the waiting list.")
        )


class AlreadyConfirmed(RegistrationError):
    def __init__(self):
        super().__init__(gettext("This address is already confirmed: there is no confirmation e-mail to send."))


class NotOnWaitingList(RegistrationError):
    def __init__(self):
        super().__init__(gettext("Not promoted: this registration is not on the waiting list."))


class RegistrationLocked(RegistrationError):
    def __init__(self):
        super().__init__(gettext("This registration is cancelled or rejected and can no longer be changed."))


class PublicDetailsLocked(RegistrationError):
    def __init__(self):
        super().__init__(
            gettext(
                "Your name, position, organization, side and category appear on the public site as the "
                "organizers accepted them, so they can no longer be changed here. To correct them, "
                "please write to the organizers."
            )
        )


class WithdrawnFromPublic(RegistrationError):
    def __init__(self):
        super().__init__(
            gettext(
                "The organizers have taken you off the public site, so you cannot list yourself publicly "
                "here. If you would like to be listed again, please write to the organizers."
            )
        )


class CheckInRefused(RegistrationError):
    pass


class AlreadyCheckedIn(CheckInRefused):
    def __init__(self, checked_in_at: datetime):
        self.checked_in_at = checked_in_at
        super().__init__(
            gettext("Already checked in at %(time)s.") % {"time": timezone.localtime(checked_in_at).strftime("%H:%M")}
        )


CHECK_IN_REFUSALS = {
    Status.UNCONFIRMED: _("Not checked in: this registration's e-mail address was never confirmed."),
    Status.PENDING: _("Not checked in: this registration is still awaiting approval."),
    Status.WAITLISTED: _("Not checked in: this person is on the waiting list, not accepted."),
    Status.REJECTED: _("Not checked in: this registration was rejected."),
    Status.CANCELLED: _("Not checked in: this registration was cancelled."),
}


# --- Helpers, each used inside a caller's transaction ------------------------------------


def _lock(registration: Registration) -> Edition:
    """Lock the edition, then reload the registration: capacity decisions happen under this lock.

    Always edition first, then registration, in every function, so two transactions never
    wait for each other's second lock.
    """
    # The edition alone: with a join, PostgreSQL's FOR UPDATE would lock its series row too.
    edition = Edition.objects.select_for_update().get(pk=registration.edition_id)
    # With its person (not locked): the side's quota and the history read it.
    registration.refresh_from_db(
        from_queryset=Registration.objects.select_for_update(of=("self",)).select_related("person")
    )
    registration.edition = edition
    return edition


def _places_left(edition: Edition) -> int | None:
    """None when the edition has no capacity limit."""
    if edition.capacity is None:
        return None
    return edition.capacity - _counted(edition).count()


def _counted(edition: Edition):
    """The registrations that take a place from the capacity and the quotas."""
    holding = Registration.objects.for_edition(edition).holding_a_place()
    return holding if edition.count_accompanying else holding.exclude(participation__in=ACCOMPANYING)


def _place_refusal(registration: Registration, edition: Edition) -> RegistrationError | None:
    """Why this registration may not take a place now, or None: the capacity (less the places
    still reserved for invitees, unless it is one), its side's quota, its delegation's quota.
    The edition must be locked: every one of these is decided under that one lock."""
    if not edition.count_accompanying and registration.participation in ACCOMPANYING:
        return None
    side = registration.person.side
    side_quota = edition.side_quota(side)
    delegation = registration.delegation if registration.delegation_id else None
    delegation_quota = delegation.quota if delegation is not None else None
    if edition.capacity is None and side_quota is None and delegation_quota is None:
        return None  # nothing limits the place: no need to count
    counted = _counted(edition).exclude(pk=registration.pk)
    figures = counted.aggregate(
        taken=Count("pk"),
        invited=Count("pk", filter=Q(by_invitation=True)),
        side=Count("pk", filter=Q(person__side=side)),
        delegation=Count("pk", filter=Q(delegation_id=registration.delegation_id)),
    )
    if edition.capacity is not None:
        reserved = (
            0 if registration.by_invitation else max(edition.places_reserved_for_invitations - figures["invited"], 0)
        )
        if figures["taken"] + reserved >= edition.capacity:
            return EditionFull()
    if side_quota is not None and figures["side"] >= side_quota:
        return SideQuotaFull(side)
    if delegation_quota is not None and figures["delegation"] >= delegation_quota:
        return DelegationQuotaFull(delegation)
    return None


def _email(registration: Registration, kind: str) -> None:
    # After commit, never while the lock is held.
    transaction.on_commit(partial(send_email.enqueue, registration_id=registration.pk, kind=kind))


def _check_transition(registration, to_status) -> None:
    """Raise the RegistrationError that refuses this change, if any; the registration must be locked."""
    if to_status not in TRANSITIONS[registration.status]:
        raise TransitionNotAllowed(registration.status, to_status)
    if registration.checked_in_at is not None and to_status in CHECKED_IN_MAY_NOT_BECOME:
        raise CheckedIn


def allowed_transitions(registration) -> list[str]:
    """The statuses this registration may move to now, for the buttons organizers see."""
    allowed = []
    for to_status in TRANSITIONS[registration.status]:
        try:
            _check_transition(registration, to_status)
        except RegistrationError:
            continue
        allowed.append(to_status)
    return [status for status in Status.values if status in allowed]


def _transition(registration, to_status, *, actor, user=None, note="") -> None:
    from_status = registration.status
    _check_transition(registration, to_status)
    registration.status = to_status
    registration.status_changed_at = timezone.now()
    # Read by the page cache's signal: whether the public figures moved needs no query then.
    registration.status_before_save = from_status
    registration.save(update_fields=["status", "status_changed_at", "confirmed_at"])
    RegistrationStatusChange.objects.create(
        registration=registration,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        user=user,
        note=note,
    )


def _promote_waitlisted(edition: Edition, *, actor, user=None) -> list[Registration]:
    """Give free places to the waiting list, first in line first. The edition must be locked."""
    promoted = []
    waiting = Registration.objects.for_edition(edition).waitlisted().select_related("delegation", "person")
    for registration in waiting.select_for_update(of=("self",)):
        refusal = _place_refusal(registration, edition)
        if refusal is not None:
            # Someone whose side or delegation is full waits; the next in line may still fit.
            if type(refusal) is EditionFull and edition.places_reserved_for_invitations == 0:
                break
            continue
        _transition(registration, Status.ACCEPTED, actor=actor, user=user)
        _email(registration, "promoted")
        promoted.append(registration)
    return promoted


def _place(registration: Registration, edition: Edition, *, notify: bool) -> None:
    """Automatic acceptance: a place if one is free and nobody waits ahead, else the waiting list."""
    full = _place_refusal(registration, edition) is not None or _someone_waits_for(registration, edition)
    to_status = Status.WAITLISTED if full else Status.ACCEPTED
    _transition(registration, to_status, actor=Actor.SYSTEM)
    if notify:
        _email(registration, "accepted" if to_status == Status.ACCEPTED else "waitlisted")


def _someone_waits_for(registration: Registration, edition: Edition) -> bool:
    """Someone on the waiting list ahead who could take this place: the same delegation, or
    (outside delegations) anyone. Nobody jumps the line for a place they could have."""
    waiting = Registration.objects.for_edition(edition).waitlisted()
    if registration.delegation_id:
        waiting = waiting.filter(delegation_id=registration.delegation_id)
    # Places go to the waiting list as soon as they free up, so one that could take this place
    # would be at the front: a look at the first few is enough, and keeps confirming cheap.
    return any(_place_refusal(other, edition) is None for other in waiting.select_related("delegation", "person")[:20])


def _unique_person_slug(family_name: str, given_name: str) -> str:
    # A random suffix: names repeat, CJK-only names slugify to nothing, and it never races.
    base = slugify(f"{given_name} {family_name}")[:100] or "delegate"
    return f"{base}-{secrets.token_hex(3)}"


def _person_values(data: dict, language: str, person: Person | None = None) -> dict:
    """The person's fields as stored: position and organization in the column of the
    language they were typed in, and that language noted (Person.own_texts_language).

    A row that gives only one of them in another language than the person's texts (an
    import's partial row) is a translation of that text: the other text, which it does not
    restate, keeps its language, and the source stays as it was."""
    values = {field: data[field] for field in PERSON_FIELDS if field in data}
    source = person.translation_source_language if person is not None and person.pk else language
    partial = language != source and any(
        field not in values and getattr(person, build_localized_fieldname(field, source))
        for field in TRANSLATED_PERSON_FIELDS
    )
    for field in TRANSLATED_PERSON_FIELDS:
        if field in values:
            values[build_localized_fieldname(field, language)] = values.pop(field)
            if not partial:
                values["own_texts_language"] = language
    return values


def _validate_person_values(values: dict) -> None:
    """Raise ValidationError for a value the person's field would refuse (length, choices)."""
    errors = {}
    for name, value in values.items():
        try:
            Person._meta.get_field(name).clean(value, None)
        except ValidationError as error:
            errors[name] = error.messages
    if errors:
        raise ValidationError(errors)


def _apply_person_details(person: Person, values: dict) -> None:
    previous_language = person.translation_source_language
    for field, value in values.items():
        setattr(person, field, value)
    if person.translation_source_language != previous_language:
        # Written anew in another language: the copies in the others (the old text, an
        # organizer's translation of it) were not made from this text.
        person.translation_sources = sources_with_copies_stale(person, TRANSLATED_PERSON_FIELDS)
    person.full_clean(exclude=["slug", "email"])
    person.save()


def _own_texts_language(registration: Registration, language: str) -> str:
    """A delegate correcting their details edits the text they typed, in its language (the
    one still awaiting confirmation, if any)."""
    pending = registration.pending_person_details
    return pending.get("own_texts_language") or registration.person.own_texts_language or language


def person_locked_fields(person: Person) -> frozenset[str]:
    """The person fields a delegate may no longer change themselves: what the public site shows
    once it was vetted, and the consent to be listed while an organizer holds them withdrawn
    (withdrawing that consent stays possible, see _refuse_locked_changes)."""
    locked = set()
    if person.public_details_locked:
        locked.update(PUBLIC_PERSON_FIELDS)
    if person.withdrawn_from_public_at is not None:
        locked.add("listed_publicly")
    return frozenset(locked)


def _changed_locked_fields(person: Person, values: dict) -> set[str]:
    """The locked fields `values` (as _person_values makes them) would change."""
    locked = person_locked_fields(person)
    changed = set()
    for stored_as, value in values.items():
        field = next((name for name in TRANSLATED_PERSON_FIELDS if stored_as.startswith(f"{name}_")), stored_as)
        if field not in locked or getattr(person, stored_as) == value:
            continue
        if field == "listed_publicly" and not value:
            continue  # a delegate may always take their consent back
        changed.add(stored_as)
    return changed


def _refuse_locked_changes(person: Person, values: dict) -> None:
    changed = _changed_locked_fields(person, values)
    if changed - {"listed_publicly"}:
        raise PublicDetailsLocked
    if changed:
        raise WithdrawnFromPublic


def _existing_registration(edition: Edition, email: str) -> Registration | None:
    """The address's registration that is still in play or was rejected; a cancelled one does not count."""
    return (
        Registration.objects.for_edition(edition)
        .exclude(status=Status.CANCELLED)
        .filter(Q(email__iexact=email) | Q(person__email__iexact=email))
        .select_related("person")
        .first()
    )


# --- The state machine -------------------------------------------------------------------


def registration_create(
    *,
    edition: Edition,
    data: dict,
    language: str,
    actor: str = Actor.DELEGATE,
    user=None,
    confirmed: bool = False,
    notify: bool = True,
    delegation: Delegation | None = None,
    participation: str = Participation.MEMBER,
    by_invitation: bool = False,
    skips_approval: bool = False,
) -> Registration:
    """Register someone for an edition; the person is found by e-mail (any case) or created.

    A delegate's registration starts unconfirmed and gets the confirmation e-mail. An
    organizer may pass `confirmed=True` to skip the double opt-in (they vouch for the
    address); `notify=False` sends no e-mail (imports). Raises RegistrationClosed when a
    delegate registers outside the window, DuplicateRegistration (after e-mailing the
    self-service link, at most once an hour) when the address already has a registration for
    this edition that is not cancelled. The public form answers a duplicate exactly as a new
    registration, so nobody learns from it who registered.

    `delegation`, `participation` and `by_invitation` place the registration (a focal point's
    member, an invitee); `skips_approval` takes a place at confirmation without approval.
    When the edition is by invitation only, a delegate registers only through an invitation
    or a delegation (RegistrationByInvitationOnly).
    """
    if actor in LINK_ACTORS and not edition.is_registration_open():
        raise RegistrationClosed
    if actor in LINK_ACTORS and edition.is_by_invitation_only and not (by_invitation or delegation):
        raise RegistrationByInvitationOnly
    placement = {
        "delegation": delegation,
        "participation": participation,
        "by_invitation": by_invitation,
        "skips_approval": skips_approval,
    }
    email = data["email"].strip().lower()
    # Simultaneous submissions may create the same person (for another edition), then the same
    # registration, between our check and our insert: each lost race means a row now exists,
    # so after at most two of them the check finds the registration.
    for attempt in range(3):
        existing = _existing_registration(edition, email)
        if existing is not None:
            break
        try:
            return _registration_insert(
                edition=edition,
                data=data,
                email=email,
                language=language,
                actor=actor,
                user=user,
                confirmed=confirmed,
                notify=notify,
                **placement,
            )
        except IntegrityError:
            if attempt == 2:
                raise
    if actor == Actor.DELEGATE:
        _rehearse_insert(edition=edition, data=data, language=language)
    if notify:
        registration_send_manage_link(registration=existing)
    raise DuplicateRegistration(existing)


def _rehearse_insert(*, edition, data, language) -> None:
    """Do a new registration's writes for a made-up address, then roll them back.

    The public form answers a known address exactly as a new one; without this the answer
    would come back measurably sooner (no rows written) and tell who registered.
    """
    rehearsal = {**data, "email": f"{secrets.token_hex(8)}@rehearsal.invalid"}
    with transaction.atomic():
        try:
            _registration_insert(
                edition=edition,
                data=rehearsal,
                email=rehearsal["email"],
                language=language,
                actor=Actor.DELEGATE,
                user=None,
                confirmed=False,
                notify=True,
            )
        except (IntegrityError, ValidationError):
            pass
        # Nothing stays, and the e-mail queued with on_commit is dropped with the rollback.
        transaction.set_rollback(True)


@transaction.atomic
def _registration_insert(
    *,
    edition,
    data,
    email,
    language,
    actor,
    user,
    confirmed,
    notify,
    delegation=None,
    participation=Participation.MEMBER,
    by_invitation=False,
    skips_approval=False,
) -> Registration:
    # The language the delegate says they write in (the form's choice), else the page's.
    texts_language = data.get("texts_language") or language
    person = Person.objects.filter(email__iexact=email).first()
    person_values = _person_values(data, texts_language, person)
    pending_person_details = {}
    if person is None:
        person = Person(
            email=email,
            preferred_language=language,
            slug=_unique_person_slug(data["family_name"], data.get("given_name", "")),
        )
        _apply_person_details(person, person_values)
    else:
        # A returning delegate: the record is only updated once the address is confirmed,
        # so nobody can rewrite someone else's details by typing their e-mail address.
        # Checked now, as a new person's are: confirming must not meet a value too long.
        _validate_person_values(person_values)
        pending_person_details = person_values
    registration = Registration(
        edition=edition,
        person=person,
        email=email,
        language=language,
        pending_person_details=pending_person_details,
        texts_language=texts_language,
        delegation=delegation,
        participation=participation,
        by_invitation=by_invitation,
        **{field: data[field] for field in REGISTRATION_FIELDS if field in data},
    )
    registration.full_clean(exclude=["person", "edition"], validate_unique=False, validate_constraints=False)
    registration.save()
    RegistrationStatusChange.objects.create(
        registration=registration, from_status="", to_status=Status.UNCONFIRMED, actor=actor, user=user
    )
    if confirmed:
        # An organizer's import or form (they typed the details themselves), or an invitee
        # (the invitation reached this address: it needs no second confirmation).
        _confirm(
            registration,
            actor=actor,
            user=user,
            notify=notify,
            details_by_organizer=actor not in LINK_ACTORS,
            skips_approval=skips_approval,
        )
    elif notify:
        _email(registration, "confirm")
    return registration


def _confirm(registration, *, actor, user=None, notify=True, details_by_organizer=False, skips_approval=False):
    edition = _lock(registration)
    if registration.status != Status.UNCONFIRMED:
        return
    registration.confirmed_at = timezone.now()
    if registration.pending_person_details:
        # A returning delegate's new details; what organizers vetted for the public site stays.
        pending = registration.pending_person_details
        dropped = set() if details_by_organizer else _changed_locked_fields(registration.person, pending)
        _apply_person_details(
            registration.person, {field: value for field, value in pending.items() if field not in dropped}
        )
        registration.pending_person_details = {}
        registration.save(update_fields=["pending_person_details"])
    if edition.requires_approval and not skips_approval:
        _transition(registration, Status.PENDING, actor=actor, user=user)
        if notify:
            _email(registration, "received")
    else:
        _place(registration, edition, notify=notify)


@transaction.atomic
def registration_confirm(*, registration: Registration, actor: str = Actor.DELEGATE, user=None) -> Registration:
    """The delegate opened their confirmation link: await approval, or (automatic acceptance)
    take a place or join the waiting list. Confirming twice changes nothing."""
    _confirm(registration, actor=actor, user=user)
    return registration


@transaction.atomic
def registration_accept(*, registration: Registration, actor: str, user=None, note: str = "") -> Registration:
    """Give the registration a place; raises EditionFull rather than exceed the capacity."""
    edition = _lock(registration)
    from_status = registration.status
    _check_transition(registration, Status.ACCEPTED)
    refusal = _place_refusal(registration, edition)
    if refusal is not None:
        raise refusal
    _transition(registration, Status.ACCEPTED, actor=actor, user=user, note=note)
    _email(registration, "promoted" if from_status == Status.WAITLISTED else "accepted")
    return registration


@transaction.atomic
def registration_accept_from_waiting_list(
    *, registration: Registration, actor: str, user=None, note: str = ""
) -> Registration:
    """Accept one waitlisted registration now, ahead of the line if the organizer chooses so."""
    _lock(registration)
    if registration.status != Status.WAITLISTED:
        raise NotOnWaitingList
    try:
        return registration_accept(registration=registration, actor=actor, user=user, note=note)
    except EditionFull as full:
        raise NoPlaceForTheWaitingList from full


@transaction.atomic
def registration_waitlist(*, registration: Registration, actor: str, user=None, note: str = "") -> Registration:
    """Put on the waiting list. With automatic acceptance a free place is given at once, from
    the front of the line: nobody waits while a place is free."""
    edition = _lock(registration)
    _transition(registration, Status.WAITLISTED, actor=actor, user=user, note=note)
    if not edition.requires_approval:
        with acting_as_system():
            promoted = _promote_waitlisted(edition, actor=Actor.SYSTEM)
        if any(other.pk == registration.pk for other in promoted):
            registration.refresh_from_db()
            return registration
    _email(registration, "waitlisted")
    return registration


def _release(registration, to_status, *, actor, user, note, email_kind) -> Registration:
    edition = _lock(registration)
    held_a_place = registration.status in Registration.PLACE_HOLDING_STATUSES
    _transition(registration, to_status, actor=actor, user=user, note=note)
    _email(registration, email_kind)
    if held_a_place:
        # The freed place goes to the waiting list by rule, not by the hand of whoever released it.
        with acting_as_system():
            _promote_waitlisted(edition, actor=Actor.SYSTEM)
    return registration


@transaction.atomic
def registration_reject(*, registration: Registration, actor: str, user=None, note: str = "") -> Registration:
    """Reject; if it held a place, the first on the waiting list gets it."""
    return _release(registration, Status.REJECTED, actor=actor, user=user, note=note, email_kind="rejected")


@transaction.atomic
def registration_cancel(*, registration: Registration, actor: str, user=None, note: str = "") -> Registration:
    """Cancel; if it held a place, the first on the waiting list gets it."""
    return _release(registration, Status.CANCELLED, actor=actor, user=user, note=note, email_kind="cancelled")


@transaction.atomic
def registration_promote(*, edition: Edition, actor: str = Actor.SYSTEM, user=None) -> list[Registration]:
    """Fill free places from the waiting list (after a capacity was raised, for example)."""
    edition = Edition.objects.select_for_update().get(pk=edition.pk)
    return _promote_waitlisted(edition, actor=actor, user=user)


class CapacityBelowTaken(RegistrationError):
    def __init__(self, taken):
        super().__init__(
            ngettext(
                "%(taken)s delegate is accepted; the capacity cannot be lower. Cancel or reject first.",
                "%(taken)s delegates are accepted; the capacity cannot be lower. Cancel or reject first.",
                taken,
            )
            % {"taken": taken}
        )


class CapacityBelowReserved(RegistrationError):
    def __init__(self, minimum):
        super().__init__(
            ngettext(
                "The places taken by delegates who were not invited and those reserved for invitees make "
                "%(minimum)s; the capacity cannot be lower. Reserve fewer places first.",
                "The places taken by delegates who were not invited and those reserved for invitees make "
                "%(minimum)s; the capacity cannot be lower. Reserve fewer places first.",
                minimum,
            )
            % {"minimum": minimum}
        )


def edition_capacity_check(*, edition: Edition, capacity: int | None, reserved: int | None = None) -> None:
    """Raise CapacityBelowTaken if `capacity` would leave accepted delegates without a place,
    CapacityBelowReserved if it would no longer hold the places reserved for invitees
    (`reserved`, or the edition's as stored)."""
    if capacity is None:
        return
    taken = Registration.objects.for_edition(edition).holding_a_place().count()
    if capacity < taken:
        raise CapacityBelowTaken(taken)
    reserved = edition.places_reserved_for_invitations if reserved is None else reserved
    minimum = _counted(edition).filter(by_invitation=False).count() + reserved
    if capacity < minimum:
        raise CapacityBelowReserved(minimum)


@transaction.atomic
def edition_change_capacity(*, edition: Edition, capacity: int | None, user=None) -> list[Registration]:
    """Set the capacity under the edition's lock; with automatic acceptance, places it frees go
    to the waiting list at once, so nobody waits while a place is free."""
    locked = Edition.objects.select_for_update().get(pk=edition.pk)
    edition_capacity_check(edition=locked, capacity=capacity)
    locked.capacity = edition.capacity = capacity
    locked.save(update_fields=["capacity"])
    if locked.requires_approval:
        return []
    with acting_as_system():
        return _promote_waitlisted(locked, actor=Actor.SYSTEM)


@transaction.atomic
def registration_check_in(*, registration: Registration, user=None) -> Registration:
    """Mark an accepted delegate as arrived; a second scan raises AlreadyCheckedIn.

    Check-in is not a status change, so no RegistrationStatusChange is written; `user`, the
    staff member at the desk, is taken like the other services take it, and the audit log
    (delegates.audit) records who saved the change from the request.
    """
    edition = _lock(registration)
    if edition.status not in CHECK_IN_EDITION_STATUSES:
        raise CheckInRefused(gettext("Not checked in: this edition is not taking check-ins."))
    if registration.status != Status.ACCEPTED:
        raise CheckInRefused(CHECK_IN_REFUSALS[registration.status])
    if registration.checked_in_at is not None:
        raise AlreadyCheckedIn(registration.checked_in_at)
    registration.checked_in_at = timezone.now()
    registration.save(update_fields=["checked_in_at"])
    return registration


@transaction.atomic
def registration_undo_check_in(*, registration: Registration, user=None) -> Registration:
    """An organizer takes back a check-in (the wrong person scanned, or before a cancellation).

    Like check-in itself it is no status change; the audit log records who undid it.
    """
    _lock(registration)
    if registration.checked_in_at is None:
        raise NotCheckedIn
    registration.checked_in_at = None
    registration.save(update_fields=["checked_in_at"])
    return registration


@transaction.atomic
def registration_update_details(
    *, registration: Registration, data: dict, language: str, actor: str = Actor.DELEGATE
) -> Registration:
    """The delegate corrects their details from the self-service page, or an organizer's import
    updates them. A delegate gets PublicDetailsLocked or WithdrawnFromPublic, and nothing
    changes, for a field that is no longer theirs to change (person_locked_fields)."""
    registration.refresh_from_db(from_queryset=Registration.objects.select_for_update())
    if not registration.is_active:
        raise RegistrationLocked
    # Read afresh: an organizer may have accepted or withdrawn them since the page was loaded.
    person = Person.objects.get(pk=registration.person_id)
    registration.person = person
    # An organizer's import says which language its row is in. A delegate edits what they
    # typed, in its language, unless they rewrite it in the language they say they write in.
    declared = data.get("texts_language") or ""
    if actor == Actor.DELEGATE:
        texts_language = _own_texts_language(registration, language)
        if declared and _person_texts_changed(registration, data, texts_language):
            texts_language = declared
    else:
        texts_language = declared or language
    person_values = _person_values(data, texts_language, person)
    if actor == Actor.DELEGATE:
        _refuse_locked_changes(person, person_values)
    if registration.status == Status.UNCONFIRMED and registration.pending_person_details:
        registration.pending_person_details = {**registration.pending_person_details, **person_values}
    else:
        _apply_person_details(registration.person, person_values)
    # Needs and answers left as they were keep their language: only one written anew takes
    # the language it was written in.
    if _written_texts_changed(registration, data):
        registration.texts_language = declared or language
    for field in REGISTRATION_FIELDS:
        if field in data:
            setattr(registration, field, data[field])
    registration.full_clean(exclude=["person", "edition"], validate_unique=False, validate_constraints=False)
    registration.save()
    return registration


def _person_texts_changed(registration: Registration, data: dict, texts_language: str) -> bool:
    """Whether `data` changes the position or organization as typed (awaiting confirmation, or stored)."""
    pending, person = registration.pending_person_details, registration.person
    for field in TRANSLATED_PERSON_FIELDS:
        stored_as = build_localized_fieldname(field, texts_language)
        stored = pending[stored_as] if stored_as in pending else getattr(person, stored_as) or ""
        if field in data and data[field] != stored:
            return True
    return False


def _written_texts_changed(registration: Registration, data: dict) -> bool:
    """Whether `data` changes a need or an answer the delegate wrote (not a choice or a code)."""
    if any(field in data and data[field] != getattr(registration, field) for field in WRITTEN_REGISTRATION_FIELDS):
        return True
    written = {
        question.answer_key for question in registration.edition.questions.all() if question.kind == Question.Kind.TEXT
    }
    answers = data.get("answers", {})
    return any(key in answers and answers[key] != registration.answers.get(key, "") for key in written)


def registration_resend_confirmation(*, registration: Registration) -> None:
    """Send the confirmation e-mail again, with a fresh link, while it is still unconfirmed."""
    registration.refresh_from_db(fields=["status"])
    if registration.status != Status.UNCONFIRMED:
        raise AlreadyConfirmed
    # Nothing is written here, so there is no commit to wait for.
    send_email.enqueue(registration_id=registration.pk, kind="confirm")


def registration_send_manage_link(*, registration: Registration) -> bool:
    """E-mail the private self-service link (a lookup, or a second registration attempt), at
    most once an hour per registration, so nobody can flood a delegate's inbox through our
    forms. Returns whether it was sent."""
    # add() is atomic (in the shared cache): of simultaneous attempts, one sends.
    if not cache.add(f"manage-link-resent:{registration.access_key}", 1, timeout=MANAGE_LINK_RESEND_SECONDS):
        return False
    send_email.enqueue(registration_id=registration.pk, kind="manage_link")
    return True


@transaction.atomic
def person_withdraw_from_public(*, person: Person) -> Person:
    """An organizer takes a person off the public site until an organizer reinstates them:
    registrations, speeches and sponsorships stay on record, unnamed. The delegate's consent
    and the public-figure mark are kept as they are, but count for nothing meanwhile, so the
    delegate cannot undo the withdrawal by ticking "list me publicly" again."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.withdrawn_from_public_at is None:
        person.withdrawn_from_public_at = timezone.now()
        # A save, not an update: cached pages that showed the person are invalidated.
        person.save(update_fields=["withdrawn_from_public_at", "updated_at"])
    return person


@transaction.atomic
def person_reinstate_to_public(*, person: Person) -> Person:
    """Undo a withdrawal: the person is public again if they are a public figure, or consent
    and hold a confirmed, accepted registration (Person.objects.public())."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.withdrawn_from_public_at is not None:
        person.withdrawn_from_public_at = None
        person.save(update_fields=["withdrawn_from_public_at", "updated_at"])
    return person


@transaction.atomic
def person_anonymize(*, person: Person, user=None, erase_invitations: bool = True) -> Person:
    """Erase a person on request: names, contact data, needs and answers go everywhere they
    were copied (see delegates.erasure); their registrations (and so every count) stay, and
    every link or badge code they were sent stops working."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    registrations = list(person.registrations.select_for_update())
    invitations = erasure.invitations_of(person, registrations) if erase_invitations else []
    markers = erasure.identifying_markers(person, registrations, invitations)
    addresses = erasure.client_addresses([person, *registrations])
    erased = {field: "" for field in ("given_name", "native_name", "honorific", "email", "phone")}
    for field in TRANSLATED_PERSON_FIELDS:
        for code in ("en", "ja", "zh-hant"):
            erased[build_localized_fieldname(field, code)] = ""
    erased.update(
        family_name=erasure.ANONYMIZED,
        slug=f"anonymized-{person.pk}",
        own_texts_language="",
        listed_publicly=False,
        is_public_figure=False,
        anonymized_at=timezone.now(),
    )
    for field, value in erased.items():
        setattr(person, field, value)
    # A save, not a queryset update: the audit log records the erasure (values masked) and
    # cached public pages that showed the person are invalidated.
    person.save(update_fields=list(erased))
    erasure.erase_base_columns(person)
    erasure.erase_invitations(invitations)
    erasure.erase_registrations(registrations)
    erasure.erase_messages_and_notes(registrations, markers)
    erasure.erase_history([person, *registrations], markers, addresses)
    erasure.erase_sessions(markers)
    # Now, and again after the commit: a page rendered meanwhile still showed the person.
    erasure.erase_from_cache(addresses)
    transaction.on_commit(partial(erasure.erase_from_cache, addresses))
    person.refresh_from_db()
    return person


# --- Delegations ------------------------------------------------------------------------


class QuotaBelowTaken(RegistrationError):
    def __init__(self, taken):
        super().__init__(
            ngettext(
                "%(taken)s member of this delegation is accepted; the quota cannot be lower.",
                "%(taken)s members of this delegation are accepted; the quota cannot be lower.",
                taken,
            )
            % {"taken": taken}
        )


class WrongEditionDelegation(RegistrationError):
    def __init__(self):
        super().__init__(gettext("This delegation belongs to another edition."))


def delegation_quota_check(*, delegation: Delegation, quota: int | None) -> None:
    """Raise QuotaBelowTaken if `quota` would leave accepted members without a place."""
    if delegation.pk is None or quota is None:
        return
    taken = _counted(delegation.edition).filter(delegation=delegation).count()
    if quota < taken:
        raise QuotaBelowTaken(taken)


@transaction.atomic
def delegation_save(*, delegation: Delegation, user=None) -> list[Registration]:
    """Create or change a delegation under its edition's lock; with automatic acceptance, a
    raised quota gives free places to its waiting members at once."""
    edition = Edition.objects.select_for_update().get(pk=delegation.edition_id)
    delegation_quota_check(delegation=delegation, quota=delegation.quota)
    delegation.full_clean()
    delegation.save()
    return _promote_if_automatic(edition)


@transaction.atomic
def edition_change_quotas(*, edition: Edition, user=None) -> list[Registration]:
    """After the side quotas, the reserved places or the counting of accompanying people
    changed: places they free go to the waiting list (automatic acceptance)."""
    locked = Edition.objects.select_for_update().get(pk=edition.pk)
    return _promote_if_automatic(locked)


def _promote_if_automatic(edition: Edition) -> list[Registration]:
    if edition.requires_approval:
        return []
    with acting_as_system():
        return _promote_waitlisted(edition, actor=Actor.SYSTEM)


@transaction.atomic
def registration_assign(
    *, registration: Registration, delegation: Delegation | None, participation: str, by_invitation: bool, user=None
) -> Registration:
    """Put a registration in a delegation (or none), as a member or accompanying person, by
    invitation or not. One holding a place keeps it only within every quota; refused, nothing
    changes. A place it no longer takes goes to the waiting list (automatic acceptance)."""
    edition = _lock(registration)
    if delegation is not None and delegation.edition_id != edition.pk:
        raise WrongEditionDelegation
    registration.delegation = delegation
    registration.participation = participation
    registration.by_invitation = by_invitation
    if registration.status in Registration.PLACE_HOLDING_STATUSES:
        refusal = _place_refusal(registration, edition)
        if refusal is not None:
            raise refusal
    registration.save(update_fields=["delegation", "participation", "by_invitation"])
    _promote_if_automatic(edition)
    return registration


# --- The focal point's page -------------------------------------------------------------


class AlreadyRegisteredForEdition(RegistrationError):
    def __init__(self):
        super().__init__(
            gettext(
                "This e-mail address is already registered for this edition. Ask the organizers to "
                "move that registration into your delegation."
            )
        )


class AlreadyInYourDelegation(RegistrationError):
    def __init__(self):
        super().__init__(
            gettext("This e-mail address is already registered in your delegation: it is in the list of members.")
        )


class AlreadyInYourDelegationAs(RegistrationError):
    def __init__(self, registration):
        super().__init__(
            gettext(
                "This e-mail address is already registered in your delegation, as %(participation)s: to change "
                "what they come as, use the list of members."
            )
            % {"participation": registration.get_participation_display()}
        )


class NotAMember(RegistrationError):
    def __init__(self):
        super().__init__(gettext("This registration is not in your delegation."))


@transaction.atomic
def delegation_member_add(*, delegation: Delegation, data: dict, participation: str, language: str) -> Registration:
    """A focal point registers one member of their delegation. The member gets the
    confirmation e-mail and their own link, as anyone registering; the place is decided when
    they confirm, within the delegation's quota. The same person across editions stays one
    person; someone already registered for this edition is refused, not moved."""
    edition = Edition.objects.select_for_update().get(pk=delegation.edition_id)
    existing = _existing_registration(edition, data["email"].strip().lower())
    if existing is not None and existing.delegation_id != delegation.pk:
        raise AlreadyRegisteredForEdition
    if existing is not None and existing.participation != participation:
        raise AlreadyInYourDelegationAs(existing)
    if existing is not None:
        raise AlreadyInYourDelegation
    return registration_create(
        edition=edition,
        data={**data, "side": delegation.side},
        language=language,
        actor=Actor.FOCAL_POINT,
        delegation=delegation,
        participation=participation,
    )


class NoFocalPointEmail(RegistrationError):
    def __init__(self, delegation):
        super().__init__(
            gettext("The delegation “%(delegation)s” has no focal point's e-mail address.")
            % {"delegation": delegation.name}
        )


# The language a focal point's link e-mail is written in, from the delegation's side.
FOCAL_POINT_LANGUAGE = {Side.JAPAN: "ja", Side.TAIWAN: "zh-hant"}


def delegation_send_focal_point_link(*, delegation: Delegation) -> None:
    """E-mail the focal point their private link (in Japanese for the Japanese side, in
    Traditional Chinese for the Taiwanese side, else in English)."""
    if not delegation.focal_point_email:
        raise NoFocalPointEmail(delegation)
    language = FOCAL_POINT_LANGUAGE.get(delegation.side, "en")
    send_email.enqueue(kind="focal_point", delegation_id=delegation.pk, language=language)


def delegation_member(*, delegation: Delegation, registration_id) -> Registration:
    """One of the delegation's registrations, by the id a focal point's page posts; NotAMember
    for anything else (another delegation's, a forged or malformed id)."""
    if not str(registration_id or "").isdigit():
        raise NotAMember
    registration = Registration.objects.filter(pk=int(registration_id), delegation=delegation).first()
    if registration is None:
        raise NotAMember
    return registration


def delegation_member_cancel(*, delegation: Delegation, registration_id) -> Registration:
    """The focal point cancels a member's registration; a place it held goes to the waiting list."""
    return registration_cancel(
        registration=delegation_member(delegation=delegation, registration_id=registration_id),
        actor=Actor.FOCAL_POINT,
    )


def delegation_member_change(*, delegation: Delegation, registration_id, participation: str) -> Registration:
    """The focal point changes what a member comes as (member, aide, interpreter, press);
    refused, nothing changes, when the member would no longer fit a quota. The member's own
    details are theirs to correct, from their link."""
    if participation not in Participation.values:
        raise NotAMember
    registration = delegation_member(delegation=delegation, registration_id=registration_id)
    return registration_assign(
        registration=registration,
        delegation=delegation,
        participation=participation,
        by_invitation=registration.by_invitation,
    )


def delegation_member_resend(*, delegation: Delegation, registration_id) -> None:
    """The member's link again: the confirmation while unconfirmed, else their own page's."""
    registration = delegation_member(delegation=delegation, registration_id=registration_id)
    if registration.status == Status.UNCONFIRMED:
        registration_resend_confirmation(registration=registration)
    else:
        registration_send_manage_link(registration=registration)


# --- Invitations ------------------------------------------------------------------------


class InvitationsNotUsed(RegistrationError):
    def __init__(self):
        super().__init__(
            gettext(
                "This edition takes open registration only. To invite people, choose “By invitation only” or "
                "“Open registration and invitations” in its registration settings."
            )
        )


class EditionOver(RegistrationError):
    def __init__(self):
        super().__init__(gettext("This edition is held or cancelled: nobody can be invited to it any more."))


class AlreadyInvited(RegistrationError):
    def __init__(self, invitation):
        self.invitation = invitation
        super().__init__(
            gettext("This address is already invited to this edition (%(status)s): send that invitation again instead.")
            % {"status": invitation.get_status_display()}
        )


class AlreadyRegisteredByAddress(RegistrationError):
    def __init__(self):
        super().__init__(
            gettext(
                "This address is already registered for this edition: move that registration into the "
                "delegation or mark it as invited instead of inviting again."
            )
        )


class InvitationUsed(RegistrationError):
    def __init__(self):
        super().__init__(
            gettext(
                "This invitation has already been used to register. The link to your registration is in the "
                "e-mail we sent you; you can also ask for it again from the registration page."
            )
        )


class InvitationForAnotherAddress(RegistrationError):
    def __init__(self):
        super().__init__(
            gettext(
                "This invitation is for another e-mail address. Invitations are personal: please ask the "
                "organizers to invite this address."
            )
        )


class InvitationExpired(RegistrationError):
    def __init__(self):
        super().__init__(
            gettext(
                "This invitation has expired. Please write to the organizers if you would still like to take "
                "part: they can send it again."
            )
        )


# What an invitation may pre-fill on the registration form (what an import row can hold).
INVITATION_PREFILL_FIELDS = (
    *(field for field in PERSON_FIELDS if field not in ("family_name", "given_name", "listed_publicly")),
    "texts_language",
    "interpretation_language",
    "dietary_needs",
    "accessibility_needs",
)


def _record(invitation: Invitation, kind: str, user=None) -> None:
    InvitationEvent.objects.create(invitation=invitation, kind=kind, user=user)


def _start_link(invitation: Invitation) -> None:
    """The link e-mailed now is valid from now (tokens.invitation_from_token)."""
    invitation.sent_at = timezone.now()
    invitation.expires_at = invitation.sent_at + timedelta(seconds=settings.INVITATION_LINK_MAX_AGE)


def _email_invitation(invitation: Invitation, kind: str) -> None:
    # After commit, never while the lock is held.
    transaction.on_commit(partial(send_email.enqueue, invitation_id=invitation.pk, kind=kind))


def invitation_check(*, edition: Edition, email: str, delegation: Delegation | None = None) -> None:
    """Raise the RegistrationError that refuses inviting `email`, if any (the admin's form
    asks before saving; invitation_create asks again under the lock)."""
    if edition.registration_mode == Edition.RegistrationMode.OPEN:
        raise InvitationsNotUsed
    if edition.is_past:
        raise EditionOver
    if delegation is not None and delegation.edition_id != edition.pk:
        raise WrongEditionDelegation
    email = email.strip().lower()
    existing = Invitation.objects.filter(edition=edition, email=email).first()
    if existing is not None:
        raise AlreadyInvited(existing)
    if _existing_registration(edition, email) is not None:
        raise AlreadyRegisteredByAddress


@transaction.atomic
def invitation_create(
    *,
    edition: Edition,
    data: dict,
    language: str = "en",
    delegation: Delegation | None = None,
    participation: str = Participation.MEMBER,
    skips_approval: bool = False,
    user=None,
) -> Invitation:
    """Invite one address to an edition and e-mail the invitation (after commit). Refused
    when the edition takes no invitations or is over, when the address is already invited
    or registered for it, or when the delegation belongs to another edition."""
    edition = Edition.objects.select_for_update().get(pk=edition.pk)
    email = data["email"].strip().lower()
    invitation_check(edition=edition, email=email, delegation=delegation)
    invitation = Invitation(
        edition=edition,
        delegation=delegation,
        email=email,
        family_name=data["family_name"],
        given_name=data.get("given_name", ""),
        language=language,
        participation=participation,
        skips_approval=skips_approval,
        prefill={field: data[field] for field in INVITATION_PREFILL_FIELDS if data.get(field) not in (None, "")},
        invited_by=user,
    )
    if delegation is not None:
        invitation.prefill["side"] = delegation.side
    invitation.full_clean(exclude=["edition", "delegation", "registration", "invited_by"], validate_unique=False)
    _start_link(invitation)
    invitation.save()
    _record(invitation, InvitationEvent.Kind.SENT, user)
    _email_invitation(invitation, "invitation")
    return invitation


def _lock_invitation(invitation: Invitation) -> Invitation:
    """Edition first, then the invitation, as everywhere (see _lock)."""
    Edition.objects.select_for_update().filter(pk=invitation.edition_id).first()
    return (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("edition__series", "delegation", "registration")
        .get(pk=invitation.pk)
    )


@transaction.atomic
def invitation_resend(*, invitation: Invitation, user=None) -> Invitation:
    """Send the invitation again with a fresh link; an expired one is in play again.
    An answered invitation is not sent again."""
    invitation = _lock_invitation(invitation)
    if invitation.is_used:
        raise InvitationUsed
    if invitation.edition.is_past:
        raise EditionOver
    if invitation.status in (Invitation.Status.EXPIRED, Invitation.Status.REGISTERED):
        # Expired, or its registration was cancelled: in play again.
        invitation.status = Invitation.Status.SENT
    _start_link(invitation)
    invitation.save(update_fields=["status", "sent_at", "expires_at"])
    _record(invitation, InvitationEvent.Kind.RESENT, user)
    _email_invitation(invitation, "invitation")
    return invitation


def _refuse_unusable(invitation: Invitation) -> None:
    if invitation.is_used:
        raise InvitationUsed
    if invitation.status == Invitation.Status.EXPIRED or (
        invitation.expires_at is not None and invitation.expires_at <= timezone.now()
    ):
        raise InvitationExpired


@transaction.atomic
def invitation_open(*, invitation: Invitation) -> Invitation:
    """The invitee opened their link: the first time is recorded (sent → opened)."""
    if invitation.status != Invitation.Status.SENT:
        return invitation
    updated = Invitation.objects.filter(pk=invitation.pk, status=Invitation.Status.SENT).update(
        status=Invitation.Status.OPENED, opened_at=timezone.now()
    )
    if updated:
        invitation.refresh_from_db()
        _record(invitation, InvitationEvent.Kind.OPENED)
    return invitation


@transaction.atomic
def invitation_register(*, invitation: Invitation, data: dict, language: str) -> Registration:
    """The invitee registers through their link: the address is the invitation's (it needs
    no confirmation e-mail), the registration is by invitation (it may take a reserved
    place) and in the invitation's delegation; approval is skipped if the organizers said so.
    Refused for another address, a used or expired invitation; a declined one may still
    register (the invitee changed their mind)."""
    invitation = _lock_invitation(invitation)
    _refuse_unusable(invitation)
    if data["email"].strip().lower() != invitation.email:
        raise InvitationForAnotherAddress
    if invitation.delegation is not None:
        data = {**data, "side": invitation.delegation.side}
    registration = registration_create(
        edition=invitation.edition,
        data=data,
        language=language,
        actor=Actor.DELEGATE,
        confirmed=True,
        delegation=invitation.delegation,
        participation=invitation.participation,
        by_invitation=True,
        skips_approval=invitation.skips_approval,
    )
    invitation.status = Invitation.Status.REGISTERED
    invitation.registration = registration
    invitation.answered_at = timezone.now()
    invitation.save(update_fields=["status", "registration", "answered_at"])
    _record(invitation, InvitationEvent.Kind.REGISTERED)
    return registration


@transaction.atomic
def invitation_decline(*, invitation: Invitation) -> Invitation:
    """The invitee declines with one button; declining twice changes nothing. Someone who
    has registered cancels from their registration page instead."""
    invitation = _lock_invitation(invitation)
    if invitation.status == Invitation.Status.DECLINED:
        return invitation
    _refuse_unusable(invitation)
    invitation.status = Invitation.Status.DECLINED
    invitation.answered_at = timezone.now()
    invitation.save(update_fields=["status", "answered_at"])
    _record(invitation, InvitationEvent.Kind.DECLINED)
    return invitation


def _reminder_due(invitation: Invitation, now: datetime) -> bool:
    """Unanswered, its edition reminds and still takes registrations, the link still valid,
    fewer reminders than the edition allows, and the interval passed since the last contact."""
    edition = invitation.edition
    if invitation.status not in (Invitation.Status.SENT, Invitation.Status.OPENED) or invitation.sent_at is None:
        return False
    if edition.invitation_reminder_days is None or not edition.is_registration_open(now):
        return False
    if invitation.expires_at is None or invitation.expires_at <= now:
        return False
    if invitation.reminders_sent >= edition.invitation_reminders_max:
        return False
    last_contact = max(filter(None, [invitation.sent_at, invitation.last_reminded_at]))
    return last_contact + timedelta(days=edition.invitation_reminder_days) <= now


def invitations_due_for_reminder(now: datetime | None = None) -> list[int]:
    now = now or timezone.now()
    # Addresses registered through another door are left out here in one query; the
    # rest of the rule (_reminder_due) is decided per invitation, again under its lock.
    registered = Registration.objects.filter(edition=OuterRef("edition"), email__iexact=OuterRef("email")).exclude(
        status=Status.CANCELLED
    )
    candidates = (
        Invitation.objects.awaiting_answer()
        .filter(edition__invitation_reminder_days__isnull=False, expires_at__gt=now)
        .exclude(Exists(registered))
        .select_related("edition")
    )
    return [invitation.pk for invitation in candidates.iterator(chunk_size=500) if _reminder_due(invitation, now)]


def invitations_remind_and_expire(now: datetime | None = None) -> dict[str, int]:
    """The schedule's work (manage.py sendinvitationreminders, through the task queue):
    mark unanswered invitations past their link's age expired, and remind those due. Each
    invitation is decided in its own transaction under its row lock, skipping one another
    process holds, so two overlapping runs never remind anyone twice."""
    now = now or timezone.now()
    expired = 0
    for pk in Invitation.objects.awaiting_answer().filter(expires_at__lte=now).values_list("pk", flat=True):
        with transaction.atomic():
            invitation = Invitation.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
            if invitation is None or invitation.is_answered or invitation.status == Invitation.Status.EXPIRED:
                continue
            invitation.status = Invitation.Status.EXPIRED
            invitation.save(update_fields=["status"])
            _record(invitation, InvitationEvent.Kind.EXPIRED)
            expired += 1
    reminded = 0
    for pk in invitations_due_for_reminder(now):
        with transaction.atomic():
            invitation = (
                Invitation.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("edition")
                .filter(pk=pk)
                .first()
            )
            if invitation is None or not _reminder_due(invitation, now):
                continue
            if _existing_registration(invitation.edition, invitation.email) is not None:
                continue  # registered through another door (the public form, a focal point) meanwhile
            invitation.reminders_sent += 1
            invitation.last_reminded_at = now
            invitation.save(update_fields=["reminders_sent", "last_reminded_at"])
            _record(invitation, InvitationEvent.Kind.REMINDED)
            _email_invitation(invitation, "invitation_reminder")
            reminded += 1
    return {"expired": expired, "reminded": reminded}
