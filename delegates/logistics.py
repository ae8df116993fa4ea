"""The rules of the time after acceptance: the travel details form (who may change it, until
when, with which hotels and social events), and the reminder to fill it in.

Every door (the self-service page, the admin, tests) saves travel details through
travel_plan_save, so the deadline and the edition checks cannot be bypassed.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import Session

from .models import EditionLogistics, Hotel, Registration, TravelPlan

TRAVEL_FIELDS = [
    "arrival_date",
    "arrival_time",
    "arrival_carrier",
    "arrival_place",
    "departure_date",
    "departure_time",
    "departure_carrier",
    "departure_place",
    "accommodation",
    "hotel",
    "check_in",
    "check_out",
    "needs_shuttle",
    "answers",
]


class LogisticsError(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


def logistics_for(edition):
    """The edition's logistics settings; unsaved defaults (no deadline, no wording) if none yet."""
    try:
        return edition.logistics
    except EditionLogistics.DoesNotExist:
        return EditionLogistics(edition=edition)


def social_events(edition):
    return Session.objects.filter(edition=edition, kind__in=Session.SOCIAL_KINDS).order_by(
        F("starts_at").asc(nulls_last=True), "order", "pk"
    )


def follow_up_questions(edition):
    return [question for question in edition.questions.all() if question.asked_on == "follow_up"]


def can_change_travel_plan(registration, now=None):
    return registration.status == Registration.Status.ACCEPTED and logistics_for(registration.edition).follow_up_open(
        now
    )


def travel_plan_save(*, registration, data, social_event_ids=(), by_organizer=False, now=None) -> TravelPlan:
    """Create or replace a registration's travel details in one transaction.

    Delegates may change them while the registration is accepted and the edition's deadline
    has not passed; organizers may always. Hotels and social events must be the edition's.
    """
    with transaction.atomic():
        registration = Registration.objects.select_for_update().select_related("edition").get(pk=registration.pk)
        edition = registration.edition
        if registration.status != Registration.Status.ACCEPTED:
            raise LogisticsError(_("Travel details can be given once the registration is accepted."))
        if not by_organizer and not logistics_for(edition).follow_up_open(now):
            raise LogisticsError(_("The deadline for travel details has passed; please write to the organizers."))
        hotel = data.get("hotel")
        if hotel is not None and not Hotel.objects.filter(pk=hotel.pk, logistics__edition=edition).exists():
            raise LogisticsError(_("Please choose one of this edition's hotels."))
        events = list(social_events(edition).filter(pk__in=list(social_event_ids)))
        if len(events) != len(set(social_event_ids)):
            raise LogisticsError(_("Please choose among this edition's social events."))
        plan = TravelPlan.objects.filter(registration=registration).first() or TravelPlan(registration=registration)
        for field in TRAVEL_FIELDS:
            setattr(plan, field, data.get(field, TravelPlan._meta.get_field(field).get_default()))
        if plan.accommodation != TravelPlan.Accommodation.HOTEL:
            plan.hotel = plan.check_in = plan.check_out = None
        plan.updated_by_organizer = by_organizer
        try:
            plan.full_clean(exclude=["registration"])
        except ValidationError as error:
            raise LogisticsError(" ".join(error.messages)) from error
        plan.save()
        plan.social_events.set(events)
    return plan


def travel_reminder_recipients(edition):
    """Accepted delegates of the edition with an e-mail address and no travel details yet."""
    return (
        Registration.objects.for_edition(edition)
        .accepted()
        .exclude(email="")
        .filter(travel_plan__isnull=True)
        .order_by("pk")
    )


def travel_reminders_send(*, edition) -> int:
    """Queue the reminder e-mail for every delegate who has not filled in the form; the
    e-mails are sent by the task queue after the transaction commits."""
    from .tasks import send_email

    if not logistics_for(edition).follow_up_open(timezone.now()):
        raise LogisticsError(_("The deadline for travel details has passed; no reminder was sent."))
    ids = list(travel_reminder_recipients(edition).values_list("pk", flat=True))
    for registration_id in ids:
        transaction.on_commit(
            lambda registration_id=registration_id: send_email.enqueue(
                registration_id=registration_id, kind="travel_reminder"
            )
        )
    return len(ids)


def logistics_erase(*, registrations) -> None:
    """Part of erasing a person (delegates.services.person_anonymize): travel details go,
    letters are withdrawn, cached badges and badge sheets that print the name are deleted."""
    from .badge_sheets import badge_sheet_delete
    from .badges import badge_cache_forget
    from .models import BadgeSheet, InvitationLetter

    registrations = list(registrations)
    ids = {registration.pk for registration in registrations}
    TravelPlan.objects.filter(registration__in=ids).delete()
    InvitationLetter.objects.filter(registration__in=ids, revoked_at__isnull=True).update(revoked_at=timezone.now())
    for registration in registrations:
        badge_cache_forget(registration)
    for sheet in BadgeSheet.objects.only("pk", "registration_ids", "file_name"):
        if ids.intersection(sheet.registration_ids):
            badge_sheet_delete(sheet=sheet)
