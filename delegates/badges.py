"""Printable A6 badges: names in Latin and native script, role, side, category colour, QR code.

The font is embedded (subset) so Japanese and Chinese names print as real glyphs on any
printer. Noto Sans CJK is one collection holding a Japanese and a Traditional Chinese face;
each badge uses the face that matches the delegate's side, so 高 and 峰 look as people expect.
"""

import io
from functools import cache

import segno
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation
from django.utils.translation import gettext
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from .emails import edition_title
from .models import Category, Side
from .tokens import badge_code

BADGE_SIZE_MM = (105, 148)  # A6 portrait, fits standard badge holders
# Index of each face inside NotoSansCJK-Regular.ttc.
FONT_FACES = {"ja": 0, "zh-hant": 3}
CATEGORY_COLOURS = {
    Category.NATIONAL_LEGISLATOR: (139, 26, 26),
    Category.LOCAL_COUNCILOR: (11, 92, 173),
    Category.GOVERNMENT_OFFICIAL: (46, 110, 60),
    Category.CIVIC_GROUP: (196, 106, 0),
    Category.BUSINESS: (90, 70, 150),
    Category.ACADEMIC: (0, 118, 128),
    Category.PRESS: (29, 35, 48),
    Category.OTHER: (95, 101, 115),
}


@cache
def _font_path() -> str:
    path = settings.BADGE_FONT_PATH
    try:
        with open(path, "rb"):
            return path
    except OSError as error:
        raise ImproperlyConfigured(
            f"Badge font not found at {path}. Install Debian's fonts-noto-cjk or set BADGE_FONT_PATH."
        ) from error


def _face_for(person, language):
    if person.side == Side.TAIWAN or (person.side != Side.JAPAN and language == "zh-hant"):
        return FONT_FACES["zh-hant"]
    return FONT_FACES["ja"]


def _centered(pdf, text, *, width, size, max_lines=2, smallest=7):
    """Write centred text, shrinking it until it fits in `max_lines` lines, so long names and
    organizations never run into the QR code."""
    while True:
        pdf.set_font("badge", size=size)
        lines = pdf.multi_cell(width, size * 0.5, text, align="C", dry_run=True, output="LINES")
        if len(lines) <= max_lines or size <= smallest:
            break
        size -= 1
    pdf.multi_cell(width, size * 0.5, text, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def badge_pdf(registration) -> bytes:
    person, edition = registration.person, registration.edition
    with translation.override(registration.language):
        pdf = FPDF(unit="mm", format=BADGE_SIZE_MM)
        pdf.set_title(f"{person.full_name} · {edition_title(edition)}")
        pdf.set_auto_page_break(False)
        pdf.set_margins(8, 8, 8)
        pdf.add_font("badge", fname=_font_path(), collection_font_number=_face_for(person, registration.language))
        pdf.add_page()
        width = BADGE_SIZE_MM[0] - 16

        colour = CATEGORY_COLOURS.get(person.category, CATEGORY_COLOURS[Category.OTHER])
        pdf.set_fill_color(*colour)
        pdf.rect(0, 0, BADGE_SIZE_MM[0], 18, style="F")
        pdf.set_text_color(255, 255, 255)
        pdf.set_font("badge", size=10)
        title_lines = len(pdf.multi_cell(width, 5, edition_title(edition), dry_run=True, output="LINES"))
        pdf.set_xy(8, (18 - 5 * title_lines) / 2)
        pdf.multi_cell(width, 5, edition_title(edition), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

        pdf.set_text_color(29, 35, 48)
        pdf.set_xy(8, 26)
        if person.native_name:
            _centered(pdf, person.native_name, width=width, size=26, max_lines=1, smallest=16)
            _centered(pdf, person.full_name, width=width, size=14, max_lines=1, smallest=9)
        else:
            _centered(pdf, person.full_name, width=width, size=22, smallest=12)
        pdf.ln(2)
        role = " ".join(part for part in (person.honorific, person.position) if part)
        for line in (role, person.organization, person.get_side_display()):
            if line:
                _centered(pdf, line, width=width, size=10)

        qr_size = 38
        qr_top = BADGE_SIZE_MM[1] - qr_size - 22
        qr = io.BytesIO()
        segno.make(badge_code(registration), error="m").save(qr, kind="png", scale=8, border=2)
        qr.seek(0)
        pdf.image(qr, x=(BADGE_SIZE_MM[0] - qr_size) / 2, y=qr_top, w=qr_size, h=qr_size)

        pdf.set_fill_color(*colour)
        pdf.rect(0, BADGE_SIZE_MM[1] - 14, BADGE_SIZE_MM[0], 14, style="F")
        pdf.set_text_color(255, 255, 255)
        pdf.set_font("badge", size=12)
        pdf.set_xy(8, BADGE_SIZE_MM[1] - 11)
        pdf.cell(width, 8, person.get_category_display(), align="C")
        pdf.set_subject(gettext("Badge"))
        return bytes(pdf.output())
