"""Every e-mail the site sends, in the reader's language, as plain text and HTML.

Two sources, one pipeline: the workflow's messages below (a subject, a few paragraphs, at
most one button), and the messages organizers write in the composer (delegates.messaging
records them, one DelegateMessage with a MessageDelivery per recipient). Both are rendered
here, laid out by one pair of templates (templates/delegates/email/message.txt and .html),
and sent by one task (delegates.tasks.send_email).
"""

import re
from dataclasses import dataclass, replace

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from events.scripts import in_reader_script

from .models import Delegation, Invitation, MessageDelivery, Registration
from .tokens import confirm_url, delegation_url, invitation_url, manage_url


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
# A member a focal point registered did not register themselves: they learn who did, and
# that ignoring the e-mail leaves them unregistered.
MESSAGES["confirm_member"] = replace(
    MESSAGES["confirm"],
    paragraphs=(
        _("The focal point of the delegation “%(delegation)s” has registered you for %(edition)s."),
        MESSAGES["confirm"].paragraphs[1],
        _(
            "If you do not plan to attend, you can ignore this e-mail: you will not be registered, "
            "and the delegation's place stays free."
        ),
    ),
)


def edition_title(edition):
    """'12th Japan–Taiwan Exchange Summit (Nagoya 2026)' in the active language, with the
    language's own brackets ('第12屆台日交流高峰會（名古屋 2026）')."""
    return _("%(ordinal)s %(series)s (%(city)s %(year)s)") % {
        "ordinal": edition.ordinal_label,
        "series": edition.series.name,
        "city": edition.host_city,
        "year": edition.year,
    }


def addressee(person, language):
    """Japanese and Chinese readers are greeted by the name in native script when there is
    one, in their language's forms (頼清徳 in ja, 賴清德 in zh-hant, as on the public pages);
    English readers by honorific and full name."""
    if language != "en" and person.native_name:
        return in_reader_script(person.native_name, language)
    return " ".join(part for part in (person.honorific, person.full_name) if part)


def _message_kind(registration, kind) -> str:
    # A focal point's member, told so; not someone who registered themselves and whom an
    # organizer then moved into a delegation.
    if kind == "confirm" and registration.delegation_id is not None and registration.added_by_focal_point:
        return "confirm_member"
    return kind


def _reason(registration, kind) -> list[str]:
    """A rejection's reason, as the organizer wrote it on the registration's page."""
    if kind != "rejected":
        return []
    change = registration.status_changes.filter(to_status=Registration.Status.REJECTED).order_by("-pk").first()
    if change is None or not change.note:
        return []
    return [_("The organizers wrote: %(reason)s") % {"reason": change.note}]


def _render(*, language, subject, paragraphs, html_paragraphs=None, greeting="", action="", link=""):
    """(plain text, HTML) of one e-mail in the shared layout; `html_paragraphs` are already
    safe HTML (a composed message's links), otherwise the plain paragraphs are escaped."""
    context = {
        "language": language,
        "subject": subject,
        "greeting": greeting,
        "paragraphs": paragraphs,
        "html_paragraphs": html_paragraphs if html_paragraphs is not None else paragraphs,
        "action": action,
        "link": link,
        "site_url": settings.SITE_URL,
    }
    with translation.override(language):
        return render_to_string("delegates/email/message.txt", context), render_to_string(
            "delegates/email/message.html", context
        )


def _send(*, to, subject, text, html):
    email = EmailMultiAlternatives(subject=subject, body=text, to=[to])
    email.attach_alternative(html, "text/html")
    email.send()


def registration_email_send(*, registration_id: int, kind: str) -> None:
    """One of the workflow's messages (MESSAGES) to one registration."""
    registration = (
        Registration.objects.select_related("person", "edition__series", "delegation")
        .with_focal_point_origin()
        .get(pk=registration_id)
    )
    if not registration.email:
        return  # erased since the e-mail was queued
    message = MESSAGES[_message_kind(registration, kind)]
    if kind == "confirm":
        # The link signed below is valid from now; retention expires the registration only
        # after the latest one (delegates.retention.unconfirmed_registrations_expired).
        Registration.objects.filter(pk=registration.pk).update(confirmation_sent_at=timezone.now())
    language = registration.language
    with translation.override(language):
        values = {
            "edition": edition_title(registration.edition),
            "days": settings.REGISTRATION_CONFIRM_MAX_AGE // (60 * 60 * 24),
            "delegation": registration.delegation.name if registration.delegation_id else "",
        }
        link = {"confirm": confirm_url, "manage": manage_url}[message.link](registration) if message.link else ""
        subject = str(message.subject % values)
        text, html = _render(
            language=language,
            subject=subject,
            greeting=addressee(registration.person, language),
            paragraphs=[str(paragraph % values) for paragraph in message.paragraphs] + _reason(registration, kind),
            action=str(message.action or ""),
            link=link,
        )
    _send(to=registration.email, subject=subject, text=text, html=html)


# --- Invitations and the focal point's link -------------------------------------------


def _decline_paragraph(url):
    """(plain, HTML) of the paragraph with the one-click decline link."""
    text = str(_("If you cannot come, please tell us with one click: %(link)s"))
    # The composer's placeholder rendering makes the link a real one in HTML.
    return text % {"link": url}, _html_with_links(text.replace("%(link)s", "{link}"), {"link": url})


def invitation_email_send(*, invitation_id: int, kind: str) -> None:
    """The invitation (`kind` "invitation") or a reminder of it ("invitation_reminder"), in
    the language the organizers chose for the invitee, with the personal link and the
    one-click decline."""
    invitation = Invitation.objects.select_related("edition__series", "delegation").filter(pk=invitation_id).first()
    if invitation is None or not invitation.email:
        return  # withdrawn or erased since the e-mail was queued
    if kind == "invitation_reminder" and invitation.status not in (Invitation.Status.SENT, Invitation.Status.OPENED):
        return  # answered (or expired) since the reminder was queued
    language = invitation.language
    with translation.override(language):
        edition = edition_title(invitation.edition)
        values = {"edition": edition}
        if kind == "invitation_reminder":
            subject = str(_("Reminder: your invitation to %(edition)s") % values)
            paragraphs = [str(_("We have not yet heard from you about your invitation to %(edition)s.") % values)]
        else:
            subject = str(_("Invitation to %(edition)s") % values)
            paragraphs = [str(_("The organizers are pleased to invite you to %(edition)s.") % values)]
        if invitation.delegation_id:
            paragraphs.append(
                str(
                    _("You are invited as a member of the delegation “%(delegation)s”.")
                    % {"delegation": invitation.delegation.name}
                )
            )
        if invitation.expires_at is not None:
            paragraphs.append(
                str(
                    _(
                        "Please register with the button below by %(date)s. The form already holds what the "
                        "organizers know about you; check it and complete it."
                    )
                    % {"date": date_format(timezone.localtime(invitation.expires_at), "DATE_FORMAT")}
                )
            )
        decline_text, decline_html = _decline_paragraph(invitation_url(invitation, decline=True))
        greeting = in_reader_script(invitation.name_for(language), language)
        text, html = _render(
            language=language,
            subject=subject,
            greeting=greeting,
            paragraphs=[*paragraphs, decline_text],
            html_paragraphs=[*paragraphs, decline_html],
            action=str(_("Register")),
            link=invitation_url(invitation),
        )
    _send(to=invitation.email, subject=subject, text=text, html=html)


def focal_point_email_send(*, delegation_id: int, language: str) -> None:
    """The focal point's private link to their delegation's page."""
    delegation = Delegation.objects.select_related("edition__series").filter(pk=delegation_id).first()
    if delegation is None or not delegation.focal_point_email:
        return
    with translation.override(language):
        values = {"edition": edition_title(delegation.edition), "delegation": delegation.name}
        subject = str(_("Register the delegation “%(delegation)s” for %(edition)s") % values)
        paragraphs = [
            str(_("You are the focal point of the delegation “%(delegation)s” at %(edition)s.") % values),
            str(
                _(
                    "On the delegation's page you see its places and members, register members one by one or "
                    "from a table, and send a member their link again. Each member confirms from their own e-mail."
                )
            ),
            str(_("The link is personal: please do not forward it outside your office.")),
        ]
        text, html = _render(
            language=language,
            subject=subject,
            greeting=delegation.focal_point_name,
            paragraphs=paragraphs,
            action=str(_("Open the delegation's page")),
            link=delegation_url(delegation, language),
        )
    _send(to=delegation.focal_point_email, subject=subject, text=text, html=html)


# --- Messages organizers write ----------------------------------------------------------

PLACEHOLDERS = {
    "name": _("the delegate's name (in Japanese or Chinese script when they read that language)"),
    "link": _("the private link to their registration page"),
    "edition": _("the edition's full name"),
}
PLACEHOLDER_PATTERN = re.compile(r"\{([^{}\s]*)\}")


def unknown_placeholders(text: str) -> list[str]:
    return sorted({name for name in PLACEHOLDER_PATTERN.findall(text) if name not in PLACEHOLDERS})


def placeholder_values(registration: Registration, language: str) -> dict[str, str]:
    with translation.override(language):
        return {
            "name": addressee(registration.person, language),
            "link": manage_url(registration),
            "edition": edition_title(registration.edition),
        }


def fill_placeholders(text: str, values: dict[str, str]) -> str:
    return PLACEHOLDER_PATTERN.sub(lambda match: values.get(match.group(1), match.group(0)), text)


def _html_with_links(text: str, values: dict[str, str]):
    """The text escaped, each placeholder filled in, {link} as a real link."""
    parts = []
    position = 0
    for match in PLACEHOLDER_PATTERN.finditer(text):
        parts.append(escape(text[position : match.start()]))
        name = match.group(1)
        if name == "link":
            parts.append(
                format_html('<a href="{0}" style="color:#0b5cad;word-break:break-all">{0}</a>', values["link"])
            )
        else:
            parts.append(escape(values.get(name, match.group(0))))
        position = match.end()
    parts.append(escape(text[position:]))
    return mark_safe("<br>".join("".join(parts).split("\n")))


def _paragraphs(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"\n\s*\n", text) if part.strip()]


@dataclass(frozen=True)
class RenderedMessage:
    language: str  # the version the delegate gets: theirs, or English when none was written
    subject: str
    text: str
    html: str


def render_composed(message, registration: Registration) -> RenderedMessage:
    """A composed message as this delegate receives it: their language's version (English
    when the organizer wrote none), placeholders filled in."""
    language, subject, body = message.version(registration.language)
    values = placeholder_values(registration, registration.language)
    filled_subject = " ".join(fill_placeholders(subject, values).split())
    paragraphs = _paragraphs(body)
    text, html = _render(
        language=registration.language,
        subject=filled_subject,
        paragraphs=[fill_placeholders(paragraph, values) for paragraph in paragraphs],
        html_paragraphs=[_html_with_links(paragraph, values) for paragraph in paragraphs],
    )
    return RenderedMessage(language=language, subject=filled_subject, text=text, html=html)


def subject_as_sent(message, *, edition, language: str) -> str:
    """The subject a reader of `language` got (their version, or English), with the edition
    filled in as they read it when every recipient was of one edition; a name and a link
    differ per delegate and are described in the organizer's language."""
    _version, subject, _body = message.version(language)
    values = {
        "name": str(_("(each delegate's name)")),
        "link": str(_("(their link)")),
        "edition": str(_("(their edition)")),
    }
    if edition is not None:
        with translation.override(language):
            values["edition"] = edition_title(edition)
    return " ".join(fill_placeholders(subject, values).split())


def delivery_send(*, delivery_id: int) -> None:
    """One delegate's copy of a composed message; the outcome is recorded on the delivery."""
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
    rendered = render_composed(delivery.message, registration)
    delivery.language = rendered.language
    try:
        _send(to=registration.email, subject=rendered.subject, text=rendered.text, html=rendered.html)
    except OSError as error:  # SMTP refused or unreachable: recorded, and visible in the admin
        delivery.status = MessageDelivery.Status.FAILED
        delivery.error = str(error)[:300]
        delivery.save(update_fields=["status", "error", "language"])
        return
    delivery.status = MessageDelivery.Status.SENT
    delivery.sent_at = timezone.now()
    delivery.save(update_fields=["status", "sent_at", "language"])
