"""E-mails organizers write to a chosen set of registrations: what is recorded.

message_send stores the message (its English version and any Japanese and Chinese ones) and
one MessageDelivery per registration in one transaction, then queues the sending once that
transaction is committed; delegates.emails renders each delegate's copy in their language
and sends it, like every other e-mail.
"""

from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .models import DelegateMessage, MessageDelivery
from .tasks import send_email

# How a list search is written into a message's recorded filters, always last of them (the
# compose view): "Status: Accepted; Search: tanaka@". Erasure finds it by this label.
SEARCH_FILTER = _("Search: %(query)s")
FILTER_SEPARATOR = "; "


def search_filter(query: str) -> str:
    return SEARCH_FILTER % {"query": query}


def search_removed(recipients_filter: str, replacement: str) -> str:
    """The recorded filters with the search's words replaced, in whichever of the site's
    languages the organizer wrote the message: a search may be a piece of someone's address."""
    starts = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            label = search_filter("")
        if recipients_filter.startswith(label):
            starts.append((0, label))
        position = recipients_filter.find(FILTER_SEPARATOR + label)
        if position != -1:
            starts.append((position + len(FILTER_SEPARATOR), label))
    if not starts:
        return recipients_filter
    start, label = min(starts)
    return recipients_filter[:start] + label + replacement


def message_draft(*, subject: str, body: str, translations=None, **fields) -> DelegateMessage:
    """The message, unsaved: `subject` and `body` are the English version, which every
    delegate whose language has no version of its own receives; `translations` maps "ja"
    and "zh-hant" to (subject, body)."""
    message = DelegateMessage(subject=subject, body=body, **fields)
    for language, (translated_subject, translated_body) in (translations or {}).items():
        suffix = language.replace("-", "_")
        setattr(message, f"subject_{suffix}", translated_subject)
        setattr(message, f"body_{suffix}", translated_body)
    return message


def message_send(
    *, subject: str, body: str, registrations, user, recipients_filter: str = "", translations=None
) -> DelegateMessage:
    """Record the message (message_draft) and a delivery per registration, then queue the sending."""
    message = message_draft(
        subject=subject,
        body=body,
        translations=translations,
        sent_by=user,
        recipients_filter=recipients_filter[:500],
    )
    message.full_clean(exclude=["sent_by"])
    with transaction.atomic():
        message.save()
        deliveries = MessageDelivery.objects.bulk_create(
            MessageDelivery(message=message, registration_id=registration_id)
            for registration_id in registrations.order_by("pk").values_list("pk", flat=True).iterator()
        )
        for delivery in deliveries:
            transaction.on_commit(partial(send_email.enqueue, kind="composed", delivery_id=delivery.pk))
    return message


def versions_by_reader_language(message: DelegateMessage, registrations) -> list[dict]:
    """Which version each group of recipients gets, by the language they read: their own,
    or English when none was written in theirs (the composer's preview shows it)."""
    names = dict(settings.LANGUAGES)
    counts = dict(registrations.order_by().values_list("language").annotate(count=Count("pk", distinct=True)))
    groups = []
    for language, _name in settings.LANGUAGES:
        if counts.get(language):
            version = message.version(language)[0]
            groups.append(
                {
                    "count": counts[language],
                    "reads": names[language],
                    "version": names[version],
                    "fallback": version != language,
                }
            )
    return groups
