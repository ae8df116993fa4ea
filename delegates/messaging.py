"""E-mails organizers write to a chosen set of registrations.

message_send stores the message and one MessageDelivery per registration in one
transaction, then queues one task per delivery once that transaction is committed; the
task fills in the placeholders for its delegate, sends, and records the outcome.
"""

import re
from functools import partial

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from .emails import edition_title
from .models import DelegateMessage, MessageDelivery, Registration
from .tokens import manage_url

PLACEHOLDERS = {
    "name": _("the delegate's name (in Japanese or Chinese script when they read that language)"),
    "link": _("the private link to their registration page"),
    "edition": _("the edition's full name"),
}
PLACEHOLDER_PATTERN = re.compile(r"\{([^{}\s]*)\}")
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


def unknown_placeholders(text: str) -> list[str]:
    return sorted({name for name in PLACEHOLDER_PATTERN.findall(text) if name not in PLACEHOLDERS})


def delegate_name(registration: Registration) -> str:
    person = registration.person
    if registration.language in ("ja", "zh-hant") and person.native_name:
        return person.native_name
    return " ".join(part for part in (person.honorific, person.full_name) if part)


def fill_placeholders(text: str, registration: Registration) -> str:
    with translation.override(registration.language):
        values = {
            "name": delegate_name(registration),
            "link": manage_url(registration),
            "edition": edition_title(registration.edition),
        }
    return PLACEHOLDER_PATTERN.sub(lambda match: values.get(match.group(1), match.group(0)), text)


def render_message(*, subject: str, body: str, registration: Registration) -> tuple[str, str, str]:
    """(subject, plain text, HTML) as this delegate receives them."""
    filled_subject = " ".join(fill_placeholders(subject, registration).split())
    paragraphs = [part.strip() for part in re.split(r"\n\s*\n", fill_placeholders(body, registration)) if part.strip()]
    context = {
        "subject": filled_subject,
        "paragraphs": paragraphs,
        "language": registration.language,
        "site_url": settings.SITE_URL,
    }
    with translation.override(registration.language):
        text = render_to_string("delegates/email/composed.txt", context)
        html = render_to_string("delegates/email/composed.html", context)
    return filled_subject, text, html


def message_send(*, subject: str, body: str, registrations, user, recipients_filter: str = "") -> DelegateMessage:
    """Record the message and a delivery per registration, then queue the sending."""
    with transaction.atomic():
        message = DelegateMessage.objects.create(
            subject=subject, body=body, sent_by=user, recipients_filter=recipients_filter[:500]
        )
        deliveries = MessageDelivery.objects.bulk_create(
            MessageDelivery(message=message, registration_id=registration_id)
            for registration_id in registrations.order_by("pk").values_list("pk", flat=True).iterator()
        )
        for delivery in deliveries:
            transaction.on_commit(partial(send_message_delivery.enqueue, delivery_id=delivery.pk))
    return message


@task()
def send_message_delivery(*, delivery_id: int) -> None:
    delivery = MessageDelivery.objects.select_related(
        "message", "registration__person", "registration__edition__series"
    ).get(pk=delivery_id)
    if delivery.status != MessageDelivery.Status.QUEUED:
        return  # a retried task must not send twice
    registration = delivery.registration
    if not registration.email:
        delivery.status = MessageDelivery.Status.SKIPPED
        delivery.save(update_fields=["status"])
        return
    subject, text, html = render_message(
        subject=delivery.message.subject, body=delivery.message.body, registration=registration
    )
    email = EmailMultiAlternatives(subject=subject, body=text, to=[registration.email])
    email.attach_alternative(html, "text/html")
    try:
        email.send()
    except OSError as error:  # SMTP refused or unreachable: recorded, and visible in the admin
        delivery.status = MessageDelivery.Status.FAILED
        delivery.error = str(error)[:300]
        delivery.save(update_fields=["status", "error"])
        return
    delivery.status = MessageDelivery.Status.SENT
    delivery.sent_at = timezone.now()
    delivery.save(update_fields=["status", "sent_at"])
