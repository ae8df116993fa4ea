"""Retention: delegates' personal data is kept for a while after an edition, then erased.

After an edition is held (or cancelled) and its retention period has passed
(settings.PERSONAL_DATA_RETENTION_DAYS, or the edition's own), every registration of it loses
its e-mail, needs, answers and notes, and every person whose editions have all passed
retention is anonymized, exactly as an erasure on request does. Kept: the registrations
themselves (status, side, category: every count and chart), public figures' public record
(name, position), and consenting speakers and sponsors named in the public record; their
contact data goes all the same.

Registrations whose e-mail address was never confirmed expire once their confirmation link
has: they and, when they were the person's only trace, the person are deleted.

`manage.py purge_personal_data` runs both, printing what it would do, and acts with --apply.
"""

import datetime
from dataclasses import dataclass, field

from auditlog.models import LogEntry
from django.conf import settings
from django.db import transaction
from django.db.models.functions import Coalesce
from django.utils import timezone

from events.models import Edition

from . import erasure, services
from .audit import acting_as_system
from .models import Person, Registration

Status = Registration.Status


@dataclass
class EditionPurge:
    edition: Edition
    registrations: int = 0
    people_anonymized: list = field(default_factory=list)
    people_kept: list = field(default_factory=list)


def editions_past_retention(today: datetime.date | None = None) -> list[Edition]:
    """Held or cancelled editions whose retention period is over and that still hold personal data."""
    today = today or timezone.localdate()
    candidates = Edition.objects.filter(
        status__in=[Edition.Status.HELD, Edition.Status.CANCELLED], personal_data_purged_at__isnull=True
    ).order_by("ordinal", "pk")
    return [edition for edition in candidates if edition.personal_data_kept_until < today]


def _retained_elsewhere(person: Person, today: datetime.date) -> bool:
    """Has the person a registration for an edition whose data is still kept?"""
    for edition in Edition.objects.filter(registrations__person=person).distinct():
        expired = edition.status in (Edition.Status.HELD, Edition.Status.CANCELLED) and (
            edition.personal_data_kept_until < today
        )
        if not expired:
            return True
    return False


def _in_public_record(person: Person) -> bool:
    return person.is_public and (person.speeches.exists() or person.sponsored_resolutions.exists())


def edition_purge_plan(edition: Edition, today: datetime.date | None = None) -> EditionPurge:
    """What purging the edition would do, without doing it."""
    today = today or timezone.localdate()
    plan = EditionPurge(edition=edition, registrations=edition.registrations.count())
    people = Person.objects.filter(registrations__edition=edition, anonymized_at__isnull=True).distinct()
    for person in people.order_by("pk"):
        if _retained_elsewhere(person, today):
            continue
        if person.is_public_figure or _in_public_record(person):
            plan.people_kept.append(person)
        else:
            plan.people_anonymized.append(person)
    return plan


def _erase_registration_data(registration: Registration, markers) -> None:
    addresses = erasure.client_addresses([registration])
    erasure.erase_registrations([registration])
    erasure.erase_messages_and_notes([registration], markers)
    erasure.erase_history([registration], markers, addresses)


@transaction.atomic
def edition_purge_personal_data(*, edition: Edition, today: datetime.date | None = None) -> EditionPurge:
    """Erase the edition's delegates' personal data (see the module's docstring); one audit entry."""
    edition = Edition.objects.select_for_update().get(pk=edition.pk)
    plan = edition_purge_plan(edition, today)
    with acting_as_system():
        for person in plan.people_anonymized:
            services.person_anonymize(person=person)
        for person in plan.people_kept:
            markers = [value for value in (person.email, person.phone) if value]
            person.email = ""
            person.phone = ""
            person.save(update_fields=["email", "phone", "updated_at"])
            for registration in person.registrations.all():
                erasure.erase_messages_and_notes([registration], markers)
        for registration in edition.registrations.select_for_update():
            _erase_registration_data(registration, markers=[])
        erasure.erase_invitations(edition.invitations.select_for_update())
        edition.personal_data_purged_at = timezone.now()
        edition.save(update_fields=["personal_data_purged_at"])
    # Outside the system context, which would replace this entry's additional data with its
    # own; so is any request's (acting_as puts it back), hence a management command only.
    LogEntry.objects.log_create(
        edition,
        action=LogEntry.Action.UPDATE,
        changes={"personal data": ["kept", "erased"]},
        additional_data={
            "actor_kind": "system",
            "reason": "retention",
            "registrations": plan.registrations,
            "people_anonymized": len(plan.people_anonymized),
            "public_people_kept": len(plan.people_kept),
        },
    )
    return plan


def unconfirmed_registrations_expired(now: datetime.datetime | None = None):
    """Registrations whose confirmation link has expired without being used: counted from the
    latest confirmation e-mail (a resent one carries a fresh link), or from the registration
    when none was recorded as sent."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(seconds=settings.REGISTRATION_CONFIRM_MAX_AGE)
    return (
        Registration.objects.filter(status=Status.UNCONFIRMED)
        .alias(link_sent_at=Coalesce("confirmation_sent_at", "created_at"))
        .filter(link_sent_at__lt=cutoff)
        .select_related("person")
    )


@transaction.atomic
def registration_expire(*, registration: Registration) -> bool:
    """Delete a never-confirmed registration and every trace of it; the person goes too when
    this was all we had of them. Returns whether the person was deleted."""
    registration = Registration.objects.select_for_update().select_related("person").get(pk=registration.pk)
    person = registration.person
    only_trace = not (
        person.registrations.exclude(pk=registration.pk).exists()
        or person.is_public_figure
        or person.speeches.exists()
        or person.sponsored_resolutions.exists()
    )
    with acting_as_system():
        if only_trace:
            # Fresh copies: the deletions' audit entries are titled with what is left.
            # The organizers' invitation to the address is theirs, and stays usable.
            person = services.person_anonymize(person=person, erase_invitations=False)
            registration = Registration.objects.select_related("person").get(pk=registration.pk)
        else:
            # Someone we know typed in new details; they are dropped unconfirmed.
            markers = erasure.identifying_markers(Person(), [registration])
            _erase_registration_data(registration, markers)
        registration.delete()
        if only_trace:
            person.delete()
    return only_trace


def sessions_purge(now: datetime.datetime | None = None) -> int:
    """Delete expired sessions (Django keeps their rows until someone clears them) and import
    previews older than they may be confirmed. Returns how many sessions changed."""
    from django.contrib.sessions.models import Session

    from .admin.views import PREVIEW_MAX_AGE, SESSION_KEY
    from .views import TABLE_PREVIEW_MAX_AGE, TABLE_SESSION_KEY

    # The organizer's import and the focal point's pasted table: each holds people's details.
    previews = {SESSION_KEY: PREVIEW_MAX_AGE, TABLE_SESSION_KEY: TABLE_PREVIEW_MAX_AGE}
    now = now or timezone.now()
    changed, _ = Session.objects.filter(expire_date__lt=now).delete()
    store_class = Session.get_session_store_class()
    for session in Session.objects.iterator():
        data = session.get_decoded()
        stale = [
            key
            for key, max_age in previews.items()
            if data.get(key) and now.timestamp() - data[key].get("created", 0) > max_age
        ]
        if stale:
            store = store_class(session.session_key)
            for key in stale:
                store.pop(key, None)
            store.save()
            changed += 1
    return changed
