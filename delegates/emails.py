"""The e-mails a delegate receives, in their language, as plain text and HTML.

Each kind is a subject, a few paragraphs and at most one button; two templates
(templates/delegates/email/message.txt and .html) lay every kind out the same way.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import Registration
from .tokens import confirm_url, manage_url


@dataclass(frozen=True)
class Message:
    subject: Promise
    paragraphs: tuple[Promise, ...]
    action: Promise | None = None
    link: str | None = None  # "confirm" or "manage"


SEE_REGISTRATION = _("See your registration")

MESSAGES = {
    "confirm": Message(
        subject=_("Please confirm your registration for %(edition)s"),
        paragraphs=(
            _("Thank you for registering for %(edition)s."),
            _(
                "Please confirm your e-mail address with the button below within %(days)s days. "
                "Your registration is complete only once you have confirmed it."
            ),
            _("If you did not register, you can ignore this e-mail; nothing further will happen."),
        ),
        action=_("Confirm my registration"),
        link="confirm",
    ),
    "received": Message(
        subject=_("We have received your registration for %(edition)s"),
        paragraphs=(
            _("Your e-mail address is confirmed and your registration has been received."),
            _("The organizers review every registration and will write to you as soon as they have decided."),
        ),
        action=SEE_REGISTRATION,
        link="manage",
    ),
    "accepted": Message(
        subject=_("Your place at %(edition)s is confirmed"),
        paragraphs=(
            _("Your registration has been accepted. We look forward to welcoming you."),
            _(
                "Your badge is on your registration page. Please bring it, printed or on your phone: "
                "its code is scanned at check-in."
            ),
        ),
        action=SEE_REGISTRATION,
        link="manage",
    ),
    "waitlisted": Message(
        subject=_("You are on the waiting list for %(edition)s"),
        paragraphs=(
            _("All places are taken at the moment, so you are on the waiting list, in the order of registration."),
            _("If a place becomes free, it is given to you automatically and we will write to you at once."),
        ),
        action=SEE_REGISTRATION,
        link="manage",
    ),
    "promoted": Message(
        subject=_("A place has become free for you at %(edition)s"),
        paragraphs=(
            _("Good news: a place has become free and it is now yours. Your registration is accepted."),
            _(
                "Your badge is on your registration page. If you can no longer come, please cancel there, "
                "so the next person on the waiting list gets your place."
            ),
        ),
        action=SEE_REGISTRATION,
        link="manage",
    ),
    "rejected": Message(
        subject=_("Your registration for %(edition)s"),
        paragraphs=(
            _("We are sorry: the organizers were not able to accept your registration."),
            _("If you have any questions, please reply to this e-mail."),
        ),
    ),
    "cancelled": Message(
        subject=_("Your registration for %(edition)s is cancelled"),
        paragraphs=(
            _("Your registration has been cancelled."),
            _("If this was a mistake, please reply to this e-mail."),
        ),
    ),
    "travel_reminder": Message(
        subject=_("Your travel details for %(edition)s"),
        paragraphs=(
            _(
                "To plan airport pick-ups, hotel rooms and the social programme, the organizers need your "
                "arrival and departure, your hotel and the events you will attend."
            ),
            _("Please fill in the travel details form on your registration page."),
        ),
        action=_("Give my travel details"),
        link="manage",
    ),
    "manage_link": Message(
        subject=_("The link to your registration for %(edition)s"),
        paragraphs=(
            _(
                "You asked for the link to your registration, or someone tried to register again "
                "with this e-mail address. There is one registration for this address."
            ),
            _("With the button below you can see, correct or cancel it."),
            _("If this was not you, you can ignore this e-mail."),
        ),
        action=SEE_REGISTRATION,
        link="manage",
    ),
}


def edition_title(edition):
    """'12th Japan–Taiwan Exchange Summit (Nagoya 2026)' in the active language."""
    return f"{edition.ordinal_label} {edition.series.name} ({edition.host_city} {edition.year})"


def addressee(person, language):
    """Japanese and Chinese readers are greeted by the name in native script when there is one."""
    if language != "en" and person.native_name:
        return person.native_name
    return person.full_name


def _reason(registration, kind) -> list[str]:
    """A rejection's reason, as the organizer wrote it on the registration's page."""
    if kind != "rejected":
        return []
    change = registration.status_changes.filter(to_status=Registration.Status.REJECTED).order_by("-pk").first()
    if change is None or not change.note:
        return []
    return [_("The organizers wrote: %(reason)s") % {"reason": change.note}]


def registration_email_send(*, registration_id: int, kind: str) -> None:
    registration = Registration.objects.select_related("person", "edition__series").get(pk=registration_id)
    if not registration.email:
        return  # erased since the e-mail was queued
    message = MESSAGES[kind]
    if kind == "confirm":
        # The link signed below is valid from now; retention expires the registration only
        # after the latest one (delegates.retention.unconfirmed_registrations_expired).
        Registration.objects.filter(pk=registration.pk).update(confirmation_sent_at=timezone.now())
    with translation.override(registration.language):
        values = {
            "edition": edition_title(registration.edition),
            "days": settings.REGISTRATION_CONFIRM_MAX_AGE // (60 * 60 * 24),
        }
        link = {"confirm": confirm_url, "manage": manage_url}[message.link](registration) if message.link else ""
        context = {
            "registration": registration,
            "name": addressee(registration.person, registration.language),
            "subject": message.subject % values,
            "paragraphs": [paragraph % values for paragraph in message.paragraphs] + _reason(registration, kind),
            "action": message.action,
            "link": link,
            "site_url": settings.SITE_URL,
        }
        email = EmailMultiAlternatives(
            subject=context["subject"],
            body=render_to_string("delegates/email/message.txt", context),
            to=[registration.email],
        )
        email.attach_alternative(render_to_string("delegates/email/message.html", context), "text/html")
    email.send()
