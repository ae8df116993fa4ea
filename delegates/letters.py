"""Invitation letters: an official PDF per accepted delegate, for travel approval or a visa.

The letter is written in the delegate's language with the edition's facts as far as they are
known ("to be announced" otherwise, never a guess), the organizers' wording for the edition,
a letter number and a QR code. The code holds a signed link to the site, which says whether
the letter is genuine and shows the delegate's name and the edition, nothing more.
"""

import io

import segno
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from events.models import Edition

from .badges import add_badge_fonts, printable
from .emails import edition_title
from .logistics import LogisticsError, logistics_for
from .models import InvitationLetter, Registration
from .tokens import absolute_url

VERIFY_SALT = "delegates.letter.verify"


class ForgedLetter(Exception):
    message = _("This code was not issued by the summit's organizers.")


# --- Issuing ------------------------------------------------------------------------------


def _letter_in_force(registration):
    return (
        registration.letters.filter(revoked_at__isnull=True, language=registration.language)
        .order_by("-issued_at", "-pk")
        .first()
    )


def letter_issue(*, registration, user=None, reuse=False) -> InvitationLetter:
    """A new letter with the edition's next number; the edition row is locked so two
    organizers issuing at once never get the same number. With `reuse`, the letter already
    in force in the delegate's language is returned instead, decided under the same lock,
    so two downloads at the same moment cannot issue two letters."""
    with transaction.atomic():
        edition = Edition.objects.select_for_update().get(pk=registration.edition_id)
        if reuse and (letter := _letter_in_force(registration)):
            return letter
        registration = Registration.objects.select_related("person").get(pk=registration.pk)
        if registration.status != Registration.Status.ACCEPTED:
            raise LogisticsError(_("Invitation letters are issued to accepted delegates only."))
        if registration.person.anonymized_at is not None:
            raise LogisticsError(_("This person's data has been erased."))
        count = InvitationLetter.objects.filter(registration__edition=edition).count()
        return InvitationLetter.objects.create(
            registration=registration,
            number=f"{edition.slug.upper()}-{count + 1:04d}",
            language=registration.language,
            issued_by=user,
        )


def letter_for_delegate(registration) -> InvitationLetter:
    """The delegate's latest letter still in force in their language, or a new one."""
    # Read without the lock first: nearly every download finds the letter issued before.
    return _letter_in_force(registration) or letter_issue(registration=registration, reuse=True)


def letter_revoke(*, letter) -> InvitationLetter:
    with transaction.atomic():
        letter = InvitationLetter.objects.select_for_update().get(pk=letter.pk)
        if letter.revoked_at is None:
            letter.revoked_at = timezone.now()
            letter.save(update_fields=["revoked_at"])
    return letter


# --- Verification -------------------------------------------------------------------------


def verify_token(letter) -> str:
    return signing.Signer(salt=VERIFY_SALT).sign(letter.key.hex)


def verify_url(letter) -> str:
    with translation.override(letter.language):
        return absolute_url(reverse("delegates:letter_verify", kwargs={"token": verify_token(letter)}))


def letter_from_token(token) -> InvitationLetter:
    try:
        key = signing.Signer(salt=VERIFY_SALT).unsign(token.strip())
        return InvitationLetter.objects.select_related("registration__person", "registration__edition__series").get(
            key=key
        )
    except (signing.BadSignature, InvitationLetter.DoesNotExist, ValidationError, ValueError) as error:
        raise ForgedLetter from error


# --- The PDF ------------------------------------------------------------------------------


def _dates(edition):
    if not edition.start_date:
        return gettext("on dates to be announced")
    start = formats.date_format(edition.start_date, "DATE_FORMAT")
    if not edition.end_date or edition.end_date == edition.start_date:
        return gettext("on %(date)s") % {"date": start}
    end = formats.date_format(edition.end_date, "DATE_FORMAT")
    return gettext("from %(start)s to %(end)s") % {"start": start, "end": end}


def letter_facts(letter) -> list[str]:
    """The paragraphs the site writes itself, in the active language."""
    registration = letter.registration
    person, edition = registration.person, registration.edition
    venue = edition.venue or gettext("a venue to be announced")
    name = person.full_name + (f" ({person.native_name})" if person.native_name else "")
    return [
        gettext(
            "This letter confirms that %(name)s has been accepted as a delegate to the %(edition)s, "
            "to be held in %(city)s %(dates)s, at %(venue)s."
        )
        % {
            "name": name,
            "edition": edition_title(edition),
            "city": edition.host_city,
            "dates": _dates(edition),
            "venue": venue,
        }
    ]


def letter_pdf(letter) -> bytes:
    registration = letter.registration
    person, edition = registration.person, registration.edition
    logistics = logistics_for(edition)
    with translation.override(letter.language):
        pdf = FPDF(unit="mm", format="A4")
        pdf.set_margins(22, 20, 22)
        pdf.set_auto_page_break(True, margin=20)
        add_badge_fonts(pdf)
        family = "badge-zh" if letter.language == "zh-hant" else "badge-ja"
        pdf.set_font(family, size=11)
        title = gettext("Letter of invitation")
        pdf.set_title(f"{title} {letter.number}")
        pdf.add_page()
        width = pdf.epw
        font = pdf.current_font

        def para(text, size=11, align="L", after=3):
            text = (
                printable(text, font)
                if "\n" not in text
                else "\n".join(printable(line, font) for line in text.splitlines())
            )
            pdf.set_font(size=size)
            pdf.multi_cell(width, size * 0.55, text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(after)

        para(logistics.letter_issuer or edition.series.name, size=13, after=1)
        issued = formats.date_format(timezone.localtime(letter.issued_at), "DATE_FORMAT")
        para(gettext("Letter number: %(number)s") % {"number": letter.number}, size=9, align="R", after=0)
        para(gettext("Date: %(date)s") % {"date": issued}, size=9, align="R", after=6)
        para(title, size=17, align="C", after=6)
        addressee = [person.full_name]
        if person.native_name:
            addressee.append(person.native_name)
        addressee += [line for line in (person.position, person.organization) if line]
        para("\n".join(addressee), after=6)
        for paragraph in letter_facts(letter):
            para(paragraph)
        # Browsers send a textarea's line breaks as CRLF.
        for paragraph in (logistics.letter_body or "").replace("\r\n", "\n").split("\n\n"):
            if paragraph.strip():
                para(paragraph.strip())
        pdf.ln(4)
        if logistics.letter_signatory:
            para(logistics.letter_signatory, after=8)

        url = verify_url(letter)
        qr = io.BytesIO()
        segno.make(url, error="m").save(qr, kind="png", scale=4, border=2)
        qr.seek(0)
        if pdf.get_y() > pdf.h - 60:
            pdf.add_page()
        top = pdf.get_y()
        pdf.image(qr, x=pdf.l_margin, y=top, w=32, h=32)
        pdf.set_xy(pdf.l_margin + 36, top)
        pdf.set_font(size=9)
        pdf.multi_cell(
            width - 36,
            5,
            gettext("Scan the code or open the address below to confirm that this letter is genuine:") + "\n" + url,
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        return bytes(pdf.output())
