"""Signed links and badge codes.

Each one carries the registration's random access key, never its database id, and a salt
per purpose, so a badge code cannot be replayed as a self-service link or the other way round.
"""

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .models import Delegation, Invitation, Registration

CONFIRM_SALT = "delegates.registration.confirm"
MANAGE_SALT = "delegates.registration.manage"
BADGE_SALT = "delegates.registration.badge"
DELEGATION_SALT = "delegates.delegation.focal_point"
INVITATION_SALT = "delegates.invitation"


class InvalidToken(Exception):
    message = _("This link is not valid. Please use the link from your most recent e-mail.")


class ExpiredToken(InvalidToken):
    message = _("This link has expired. You can ask for a new one below.")

    def __init__(self, registration=None):
        super().__init__()
        self.registration = registration


def _sign(registration, salt):
    return signing.TimestampSigner(salt=salt).sign(registration.access_key.hex)


# What the pages behind a link show: the edition's title and the person's name.
PAGE_RELATED = ("edition__series", "person")


def _registration_for(access_key_hex, related=PAGE_RELATED):
    # select_related() with no names would follow every foreign key: none is asked for then.
    registrations = Registration.objects.select_related(*related) if related else Registration.objects.all()
    try:
        return registrations.get(access_key=access_key_hex)
    except (Registration.DoesNotExist, ValidationError, ValueError) as error:
        # An erased registration gets a new access key, so its old links stop working.
        raise InvalidToken from error


def _unsign(token, salt, max_age, related=PAGE_RELATED):
    signer = signing.TimestampSigner(salt=salt)
    try:
        return _registration_for(signer.unsign(token, max_age=max_age), related)
    except signing.SignatureExpired as error:
        # Genuine but old: knowing whose it was lets the page offer a fresh link for that edition.
        raise ExpiredToken(_registration_for(signer.unsign(token))) from error
    except signing.BadSignature as error:
        raise InvalidToken from error


def confirm_token(registration):
    return _sign(registration, CONFIRM_SALT)


def registration_from_confirm_token(token):
    return _unsign(token, CONFIRM_SALT, settings.REGISTRATION_CONFIRM_MAX_AGE)


def registration_to_confirm(token):
    """The registration alone: confirming locks and reloads it with what it needs (the
    busiest link on registration day, so its joins are not paid twice)."""
    return _unsign(token, CONFIRM_SALT, settings.REGISTRATION_CONFIRM_MAX_AGE, related=())


def manage_token(registration):
    return _sign(registration, MANAGE_SALT)


def registration_from_manage_token(token):
    return _unsign(token, MANAGE_SALT, settings.REGISTRATION_LINK_MAX_AGE)


def badge_code(registration):
    """What the badge's QR code holds: printed once, so it does not expire."""
    return signing.Signer(salt=BADGE_SALT).sign(registration.access_key.hex)


def registration_from_badge_code(code):
    try:
        return _registration_for(signing.Signer(salt=BADGE_SALT).unsign(code.strip()))
    except signing.BadSignature as error:
        raise InvalidToken from error


def absolute_url(path):
    return f"{settings.SITE_URL}{path}"


def confirm_url(registration):
    with translation.override(registration.language):
        return absolute_url(reverse("delegates:confirm", kwargs={"token": confirm_token(registration)}))


def manage_url(registration):
    with translation.override(registration.language):
        return absolute_url(reverse("delegates:manage", kwargs={"token": manage_token(registration)}))


def delegation_token(delegation):
    return signing.TimestampSigner(salt=DELEGATION_SALT).sign(delegation.access_key.hex)


def delegation_from_token(token):
    """The delegation a focal point's link opens; InvalidToken for a forged, expired or revoked one."""
    signer = signing.TimestampSigner(salt=DELEGATION_SALT)
    try:
        access_key = signer.unsign(token, max_age=settings.FOCAL_POINT_LINK_MAX_AGE)
        return Delegation.objects.select_related("edition__series").get(access_key=access_key)
    except (signing.BadSignature, Delegation.DoesNotExist, ValidationError, ValueError) as error:
        raise InvalidToken from error


def delegation_url(delegation, language):
    with translation.override(language):
        return absolute_url(reverse("delegates:delegation", kwargs={"token": delegation_token(delegation)}))


class ExpiredInvitation(InvalidToken):
    message = _(
        "This invitation has expired. Please write to the organizers if you would still like to take part: "
        "they can send it again."
    )

    def __init__(self, invitation=None):
        super().__init__()
        self.invitation = invitation


def invitation_token(invitation):
    return signing.TimestampSigner(salt=INVITATION_SALT).sign(invitation.access_key.hex)


def _invitation_for(access_key_hex):
    try:
        return Invitation.objects.select_related("edition__series", "delegation", "registration").get(
            access_key=access_key_hex
        )
    except (Invitation.DoesNotExist, ValidationError, ValueError) as error:
        # A withdrawn (deleted) or erased invitation's links stop working.
        raise InvalidToken from error


def invitation_from_token(token):
    """The invitation a link opens; ExpiredInvitation for a genuine one past its age,
    InvalidToken for a forged or withdrawn one."""
    signer = signing.TimestampSigner(salt=INVITATION_SALT)
    try:
        return _invitation_for(signer.unsign(token, max_age=settings.INVITATION_LINK_MAX_AGE))
    except signing.SignatureExpired as error:
        raise ExpiredInvitation(_invitation_for(signer.unsign(token))) from error
    except signing.BadSignature as error:
        raise InvalidToken from error


def invitation_url(invitation, *, decline=False):
    name = "delegates:invitation_decline" if decline else "delegates:invitation"
    with translation.override(invitation.language):
        return absolute_url(reverse(name, kwargs={"token": invitation_token(invitation)}))
