"""The audit log: who changed a registration, a person or a resolution's status, and what.

django-auditlog writes an entry on every save of the models listed in
settings.AUDITLOG_INCLUDE_TRACKING_MODELS, whoever saves them. This module adds the kind of
actor (organizer, delegate, focal point, system) and shows the entries on each object's admin page.
"""

import contextlib
from dataclasses import dataclass

from auditlog.context import auditlog_value, set_extra_data
from auditlog.middleware import AuditlogMiddleware
from auditlog.models import LogEntry
from django.contrib.admin.models import LogEntry as AdminLogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .client import client_address
from .models import RegistrationStatusChange

Actor = RegistrationStatusChange.Actor

# What the log stores instead of a personal value: the change is recorded, the data is not.
MASK = "***"
ENTRIES_ON_PAGE = 25


def mask_personal_data(value: str) -> str:
    # "None" is how django-auditlog writes "no value yet" (a new record): nothing to hide.
    return value if value in ("", "None") else MASK


def _actor_context(kind: str, user=None, remote_addr=None) -> dict:
    return {"actor": user, "remote_addr": remote_addr, "additional_data": {"actor_kind": kind}}


class AuditActorMiddleware(AuditlogMiddleware):
    """A signed-in user acts as an organizer; anyone else reaching a view is a delegate.

    Code that runs outside a request (tasks, management commands) has no context and is
    recorded as the system.
    """

    @staticmethod
    def _get_remote_addr(request):
        # django-auditlog would trust the left-most X-Forwarded-For entry, which the client writes.
        return client_address(request)

    def get_extra_data(self, request):
        context = super().get_extra_data(request)
        user = context["actor"]
        context["additional_data"] = {"actor_kind": Actor.ORGANIZER if user else Actor.DELEGATE}
        return context


@contextlib.contextmanager
def acting_as(kind: str):
    """Record what happens inside as done by `kind`: the system for a promotion from the
    waiting list that a delegate's cancellation set off, the focal point on their page.

    django-auditlog's contexts do not nest: leaving one leaves its data current, so the
    enclosing request's later entries would lose their actor. The enclosing one is put back.
    """
    enclosing = auditlog_value.get(None)
    # The request's client acted, unless the system did (its entries name no client).
    remote_addr = enclosing.get("remote_addr") if enclosing and kind != Actor.SYSTEM else None
    try:
        with set_extra_data(context_data=_actor_context(kind, remote_addr=remote_addr)):
            yield
    finally:
        if enclosing is not None:
            auditlog_value.set(enclosing)


def acting_as_system():
    return acting_as(Actor.SYSTEM)


@dataclass
class AuditLine:
    timestamp: object
    action: str
    actor_kind: str
    user: object
    changes: list


def actor_kind_of(entry: LogEntry) -> str:
    return (entry.additional_data or {}).get("actor_kind", Actor.SYSTEM)


def audit_lines_for(obj, limit: int = ENTRIES_ON_PAGE) -> list[AuditLine]:
    """The object's latest entries, newest first, ready for the template."""
    entries = (
        LogEntry.objects.get_for_object(obj)
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-pk")[:limit]
    )
    labels = dict(Actor.choices)
    # Changes in the model's field order, whatever order the database kept the JSON keys in.
    field_order = {str(field.verbose_name): index for index, field in enumerate(obj._meta.fields)}
    lines = _admin_notes(obj, limit, labels[Actor.ORGANIZER])
    for entry in entries:
        changes = [
            {"field": field, "old": _shown(old), "new": _shown(new), "withheld": MASK in (old, new)}
            for field, (old, new) in entry.changes_display_dict.items()
            if _shown(old) or _shown(new)  # a field created empty says nothing
        ]
        changes.sort(key=lambda change: field_order.get(str(change["field"]), len(field_order)))
        lines.append(
            AuditLine(
                timestamp=entry.timestamp,
                action=ACTION_LABELS[entry.action],
                actor_kind=labels.get(actor_kind_of(entry), actor_kind_of(entry)),
                user=entry.actor,
                changes=changes,
            )
        )
    lines.sort(key=lambda line: line.timestamp, reverse=True)
    return lines[:limit]


def _admin_notes(obj, limit, organizer_label) -> list[AuditLine]:
    """What organizers did in the admin that changes no field, e.g. resending an e-mail.

    Stored in the admin's own history as an English sentence that is also a msgid, so it
    is shown in the reader's language. (The admin's messages about edited fields are JSON,
    and django-auditlog already shows those changes with their values.)
    """
    notes = (
        AdminLogEntry.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk))
        .exclude(change_message__startswith="[")
        .select_related("user")
        .order_by("-action_time")[:limit]
    )
    return [
        AuditLine(
            timestamp=note.action_time,
            action=ADMIN_ACTION_LABEL,
            actor_kind=organizer_label,
            user=note.user,
            changes=[{"note": gettext(note.change_message)}],
        )
        for note in notes
    ]


def _shown(value):
    # django-auditlog stores a missing value as the text "None".
    return "" if value in (None, "None") else value


ADMIN_ACTION_LABEL = _("admin action")
ACTION_LABELS = {
    LogEntry.Action.CREATE: _("created"),
    LogEntry.Action.UPDATE: _("changed"),
    LogEntry.Action.DELETE: _("deleted"),
    LogEntry.Action.ACCESS: _("viewed"),
}


class AuditLogAdminMixin:
    """Shows the object's audit entries below its change form."""

    change_form_template = "admin/change_form_with_audit.html"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        extra_context = {**(extra_context or {})}
        if obj is not None:
            extra_context["audit_lines"] = audit_lines_for(obj)
        return super().change_view(request, object_id, form_url, extra_context)
