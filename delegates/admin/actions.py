"""Admin actions on selected registrations. Each one calls delegates.services, row by row:
a row the rules refuse gets its own message and stays exactly as it was."""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, ngettext

from events.models import Edition

from .. import services
from ..models import Person, RegistrationStatusChange
from .people import anonymize_people

Actor = RegistrationStatusChange.Actor


def apply_to_each(modeladmin, request, queryset, change, done_message, history=None):
    """Run change(registration) for every selected row, each in its own transaction (the
    service's), and report how many succeeded and, one by one, why the others were refused.

    Status changes reach the audit log by themselves; an action that changes no field
    passes `history`, a sentence kept in the admin's history of each row it was done to.
    """
    done = 0
    for registration in queryset.select_related("person", "edition").order_by("pk"):
        try:
            change(registration)
        except services.RegistrationError as refusal:
            modeladmin.message_user(
                request,
                _("%(person)s (%(edition)s): %(reason)s")
                % {"person": registration.person, "edition": registration.edition, "reason": refusal.message},
                messages.ERROR,
            )
        else:
            done += 1
            if history:
                modeladmin.log_change(request, registration, history)
    if done:
        modeladmin.message_user(request, done_message(done) % {"count": done}, messages.SUCCESS)


def _organizer(request):
    return {"actor": Actor.ORGANIZER, "user": request.user}


def _service_action(name, description, change, done_message, history=None):
    """An action that runs change(registration, request) on each selected row."""

    @admin.action(description=description, permissions=["change"])
    def action(modeladmin, request, queryset):
        apply_to_each(
            modeladmin, request, queryset, lambda registration: change(registration, request), done_message, history
        )

    action.__name__ = name  # the admin tells actions apart by name
    return action


accept = _service_action(
    "accept",
    _("Accept selected registrations"),
    lambda registration, request: services.registration_accept(registration=registration, **_organizer(request)),
    lambda n: ngettext("%(count)d registration accepted.", "%(count)d registrations accepted.", n),
)
reject = _service_action(
    "reject",
    _("Reject selected registrations"),
    lambda registration, request: services.registration_reject(registration=registration, **_organizer(request)),
    lambda n: ngettext("%(count)d registration rejected.", "%(count)d registrations rejected.", n),
)
waitlist = _service_action(
    "waitlist",
    _("Move selected registrations to the waiting list"),
    lambda registration, request: services.registration_waitlist(registration=registration, **_organizer(request)),
    lambda n: ngettext(
        "%(count)d registration moved to the waiting list.",
        "%(count)d registrations moved to the waiting list.",
        n,
    ),
)


cancel = _service_action(
    "cancel",
    _("Cancel selected registrations"),
    lambda registration, request: services.registration_cancel(registration=registration, **_organizer(request)),
    lambda n: ngettext("%(count)d registration cancelled.", "%(count)d registrations cancelled.", n),
)
promote = _service_action(
    "promote",
    _("Promote selected registrations from the waiting list"),
    lambda registration, request: services.registration_accept_from_waiting_list(
        registration=registration, **_organizer(request)
    ),
    lambda n: ngettext("%(count)d registration promoted.", "%(count)d registrations promoted.", n),
)
resend_confirmation = _service_action(
    "resend_confirmation",
    _("Resend the confirmation e-mail"),
    lambda registration, request: services.registration_resend_confirmation(registration=registration),
    lambda n: ngettext("%(count)d confirmation e-mail queued.", "%(count)d confirmation e-mails queued.", n),
    # Stored in English, shown translated (see delegates.audit).
    history=gettext_noop("The confirmation e-mail was sent again."),
)
mark_attended = _service_action(
    "mark_attended",
    _("Mark selected delegates as attended (check in)"),
    lambda registration, request: services.registration_check_in(registration=registration, user=request.user),
    lambda n: ngettext("%(count)d delegate checked in.", "%(count)d delegates checked in.", n),
)


@admin.action(description=_("Fill free places from the waiting list, first in line first"), permissions=["change"])
def fill_from_waiting_list(modeladmin, request, queryset):
    """For each edition among the selected rows: as many waitlisted as there are free places."""
    editions = Edition.objects.filter(pk__in=queryset.values("edition")).order_by("ordinal")
    for edition in editions:
        promoted = services.registration_promote(edition=edition, **_organizer(request))
        modeladmin.message_user(
            request,
            ngettext(
                "%(edition)s: %(count)d registration promoted from the waiting list.",
                "%(edition)s: %(count)d registrations promoted from the waiting list.",
                len(promoted),
            )
            % {"edition": edition, "count": len(promoted)},
            messages.SUCCESS if promoted else messages.WARNING,
        )


@admin.action(
    description=_("Erase the people of selected registrations (anonymize, keep counts)"), permissions=["change"]
)
def anonymize(modeladmin, request, queryset):
    """The people admin's erasure action, with its confirmation page; confirming posts there."""
    person_admin = modeladmin.admin_site._registry[Person]
    people = Person.objects.filter(pk__in=queryset.values("person"))
    response = anonymize_people(person_admin, request, people)
    if response is None:  # already confirmed (posted here directly): erased, and said so
        return None
    response.context_data["form_url"] = reverse("admin:delegates_person_changelist")
    return response


undo_check_in = _service_action(
    "undo_check_in",
    _("Undo the check-in of selected delegates"),
    lambda registration, request: services.registration_undo_check_in(registration=registration, user=request.user),
    lambda n: ngettext("%(count)d check-in undone.", "%(count)d check-ins undone.", n),
)


REGISTRATION_ACTIONS = [
    accept,
    reject,
    waitlist,
    cancel,
    promote,
    fill_from_waiting_list,
    resend_confirmation,
    mark_attended,
    undo_check_in,
    anonymize,
]
