"""Total erasure: after a person is erased, no copy of their data is left anywhere.

`delegates.services.person_anonymize` blanks the person's own rows; this module finds the
copies elsewhere: modeltranslation's base columns, Django's admin history, django-auditlog
(values, titles and client addresses), messages written to filtered lists ("Search:
someone@example.org"), other registrations' status notes, delivery errors, task results,
sessions (an import preview never confirmed) and cached pages and rate-limit counters.

Each helper runs inside the caller's transaction, except the cache, which has none.
"""

import json
import re
import time

from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.admin.models import LogEntry as AdminLogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db.models import Q
from django_tasks_db.models import DBTaskResult

from .audit import Actor, mask_personal_data
from .messaging import search_removed
from .models import DelegateMessage, Invitation, MessageDelivery, Person, Registration, RegistrationStatusChange

# What replaces a name or an address found in someone else's text.
REDACTED = "***"
# Shorter strings ("Li", "A") would redact half of every text they appear in.
MIN_MARKER_LENGTH = 3
ANONYMIZED = "Anonymized"
# Session keys that hold personal data for a short while (the import preview's CSV text).
TRANSIENT_SESSION_KEYS = ("delegates_import", "delegation_import")


def identifying_markers(person: Person, registrations, invitations=()) -> list[str]:
    """Every value the person gave us, longest first: names, addresses, phone, position and
    organization in each language, needs and answers. Someone else's text quoting any of them
    (a message body, a note) loses the quote; erring towards redacting too much is the point."""
    values = {person.full_name, person.family_name, person.given_name, person.native_name, person.honorific}
    values |= {person.email, person.phone}
    for field in ("position", "organization"):
        values |= {getattr(person, f"{field}_{code}") for code in ("en", "ja", "zh_hant")}
    if person.pk is not None:
        base_columns = Person.objects.rewrite(False).filter(pk=person.pk).values_list("position", "organization")
        values |= set(base_columns.get())
    for registration in registrations:
        values |= {registration.email, registration.dietary_needs, registration.accessibility_needs}
        for container in (registration.answers, registration.pending_person_details):
            values |= {value for value in (container or {}).values() if isinstance(value, str)}
    for invitation in invitations:
        values |= {invitation.email, invitation.family_name, invitation.given_name, invitation.full_name}
        values |= {value for value in invitation.prefill.values() if isinstance(value, str)}
    markers = {value.strip() for value in values if value and len(value.strip()) >= MIN_MARKER_LENGTH}
    # Yes/no answers and choices are not the person's words.
    markers -= {"yes", "no"}
    return sorted(markers, key=len, reverse=True)


def client_addresses(objects) -> set[str]:
    """The client addresses django-auditlog recorded on these objects; not their focal
    point's, whose office's address stays on the other members' entries."""
    addresses = set()
    for obj in objects:
        entries = LogEntry.objects.get_for_object(obj).exclude(remote_addr=None)
        addresses.update(
            address
            for address, extra in entries.values_list("remote_addr", "additional_data")
            if (extra or {}).get("actor_kind") != Actor.FOCAL_POINT
        )
    return addresses


def redact(text: str, markers) -> str:
    for marker in markers:
        text = re.sub(re.escape(marker), REDACTED, text, flags=re.IGNORECASE)
    return text


def _containing(fields, markers) -> Q:
    query = Q(pk__in=[])
    for marker in markers:
        for field in fields:
            query |= Q(**{f"{field}__icontains": marker})
    return query


def erase_base_columns(person: Person) -> None:
    """modeltranslation keeps the untranslated column (`position`, `organization`) too; a normal
    save writes the language columns only, so the base ones are blanked without rewriting."""
    Person.objects.rewrite(False).filter(pk=person.pk).update(position="", organization="")


def erase_history(objects, markers, addresses) -> None:
    """Admin history and audit log: what happened and who did it stays, never the person."""
    for obj in objects:
        content_type = ContentType.objects.get_for_model(obj)
        AdminLogEntry.objects.filter(content_type=content_type, object_id=str(obj.pk)).update(object_repr=ANONYMIZED)
        for entry in LogEntry.objects.get_for_object(obj):
            entry.object_repr = ANONYMIZED
            entry.changes = {
                field: [mask_personal_data(str(old)), mask_personal_data(str(new))]
                for field, (old, new) in (entry.changes or {}).items()
            }
            entry.changes_text = ""
            entry.serialized_data = None
            entry.remote_addr = None
            entry.remote_port = None
            entry.actor_email = None
            entry.save(
                update_fields=[
                    "object_repr",
                    "changes",
                    "changes_text",
                    "serialized_data",
                    "remote_addr",
                    "remote_port",
                    "actor_email",
                ]
            )
    # The delegate's own posts (a correction, a cancellation) logged on other rows.
    if addresses:
        LogEntry.objects.filter(actor=None, remote_addr__in=addresses).update(remote_addr=None, remote_port=None)
    for entry in AdminLogEntry.objects.filter(_containing(["object_repr"], markers)):
        entry.object_repr = redact(entry.object_repr, markers)
        entry.save(update_fields=["object_repr"])
    for entry in LogEntry.objects.filter(_containing(["object_repr", "changes_text"], markers)):
        entry.object_repr = redact(entry.object_repr, markers)
        entry.changes_text = redact(entry.changes_text, markers)
        entry.save(update_fields=["object_repr", "changes_text"])


# Every version of a composed message (delegates.models.DelegateMessage).
MESSAGE_TEXT_FIELDS = ["subject", "body", "subject_ja", "body_ja", "subject_zh_hant", "body_zh_hant"]


def erase_messages_and_notes(registrations, markers) -> None:
    """Notes, delivery errors, messages and their recorded filters, task results."""
    RegistrationStatusChange.objects.filter(registration__in=registrations).exclude(note="").update(note="")
    # An SMTP error quotes the refused address.
    MessageDelivery.objects.filter(registration__in=registrations).exclude(error="").update(error="")
    for change in RegistrationStatusChange.objects.filter(_containing(["note"], markers)):
        change.note = redact(change.note, markers)
        change.save(update_fields=["note"])
    # A search that found them may be a piece of a marker ("tanaka@exa") no redaction matches.
    for message in DelegateMessage.objects.filter(deliveries__registration__in=registrations).distinct():
        blanked = search_removed(message.recipients_filter, REDACTED)
        if blanked != message.recipients_filter:
            message.recipients_filter = blanked
            message.save(update_fields=["recipients_filter"])
    message_fields = [*MESSAGE_TEXT_FIELDS, "recipients_filter"]
    for message in DelegateMessage.objects.filter(_containing(message_fields, markers)):
        for field in message_fields:
            setattr(message, field, redact(getattr(message, field), markers))
        message.save(update_fields=message_fields)
    for result in DBTaskResult.objects.filter(_containing(["traceback", "exception_class_path"], markers)):
        result.traceback = redact(result.traceback, markers)
        result.exception_class_path = redact(result.exception_class_path, markers)
        result.save(update_fields=["traceback", "exception_class_path"])


def erase_sessions(markers) -> None:
    """An import preview keeps the uploaded CSV in the organizer's session until it is confirmed;
    a preview naming the person is dropped (the organizer stays signed in). Any other session
    holding the person's data is ended."""
    if not markers or settings.SESSION_ENGINE not in (
        "django.contrib.sessions.backends.db",
        "django.contrib.sessions.backends.cached_db",
    ):
        return
    pattern = re.compile("|".join(re.escape(marker) for marker in markers), re.IGNORECASE)
    store_class = Session.get_session_store_class()
    for session in Session.objects.iterator():
        data = session.get_decoded()
        if not pattern.search(json.dumps(data, ensure_ascii=False, default=str)):
            continue
        for key in TRANSIENT_SESSION_KEYS:
            data.pop(key, None)
        store = store_class(session.session_key)
        if pattern.search(json.dumps(data, ensure_ascii=False, default=str)):
            store.delete()
        else:
            for key in TRANSIENT_SESSION_KEYS:
                store.pop(key, None)
            store.save()


def erase_from_cache(addresses) -> None:
    """Cached public pages that showed the person, and rate-limit counters named by their address."""
    from events.page_cache import forget_all_pages  # events' pages read people; not the other way round

    forget_all_pages()
    keys = []
    for scope, (_limit, window) in settings.RATE_LIMITS.items():
        current = int(time.time() // window)
        keys += [f"ratelimit:{scope}:{address}:{slot}" for address in addresses for slot in (current - 1, current)]
    cache.delete_many(keys)


def erase_invitations(invitations) -> None:
    """An invitation holds the invitee's address, name and what pre-fills their form; its
    status and history stay (they are counts), its link stops working."""
    for invitation in invitations:
        invitation.email = ""
        invitation.family_name = ANONYMIZED
        invitation.given_name = ""
        invitation.prefill = {}
        invitation.access_key = Invitation._meta.get_field("access_key").default()
        invitation.save(update_fields=["email", "family_name", "given_name", "prefill", "access_key"])


def invitations_of(person: Person, registrations):
    """The person's invitations: to their address (any case), or answered by their registrations."""
    query = Q(registration__in=registrations)
    if person.email:
        query |= Q(email__iexact=person.email)
    return list(Invitation.objects.filter(query))


def registrations_of(person: Person):
    return list(Registration.objects.filter(person=person))


REGISTRATION_PERSONAL_FIELDS = {
    "email": "",
    "dietary_needs": "",
    "accessibility_needs": "",
    "answers": dict,
    "pending_person_details": dict,
}


def erase_registrations(registrations) -> None:
    """What a registration holds of its delegate (address, needs, answers, details waiting
    for confirmation, the key behind its private links) and what hangs on it after
    acceptance (travel details, letters, badges). Erasure and retention both call this."""
    from .logistics import logistics_erase

    for registration in registrations:
        for field, empty in REGISTRATION_PERSONAL_FIELDS.items():
            setattr(registration, field, empty() if callable(empty) else empty)
        registration.access_key = Registration._meta.get_field("access_key").default()
        # A save, not an update: the audit log records the erasure with its values masked.
        registration.save(update_fields=[*REGISTRATION_PERSONAL_FIELDS, "access_key"])
    logistics_erase(registrations=registrations)
