"""Printable A6 badges: names in Latin and native script, role, side, category colour, QR code.

The font is embedded (subset) so Japanese and Chinese names print as real glyphs on any
printer. Noto Sans CJK is one collection holding a Japanese and a Traditional Chinese face;
each badge uses the face that matches the delegate's side, so 高 and 峰 look as people expect.

One drawing function serves the single badge (cached until what it prints changes) and the
A4 sheets of four (delegates.badge_sheets), so both always look the same.
"""

import hashlib
import io
from dataclasses import dataclass
from functools import cache

import segno
from django.conf import settings
from django.core.cache import cache as django_cache
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation
from django.utils.translation import gettext
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from .emails import edition_title
from .models import SIDE_COLOURS, Category, Side
from .tokens import badge_code

BADGE_SIZE_MM = (105, 148)  # A6 portrait, fits standard badge holders
MARGIN = 8
HEADER, FOOTER = 18, 14
QR_SIZE = 36
GAP = 5  # between the text block and the QR code
# Index of each face inside NotoSansCJK-Regular.ttc, and the family name it gets in a PDF.
FONT_FACES = {"ja": 0, "zh-hant": 3}
FAMILIES = {"ja": "badge-ja", "zh-hant": "badge-zh"}
# Category colours for the footer band; none is a red or a blue, which are the sides' colours.
CATEGORY_COLOURS = {
    Category.NATIONAL_LEGISLATOR: (106, 27, 154),
    Category.LOCAL_COUNCILOR: (0, 121, 107),
    Category.GOVERNMENT_OFFICIAL: (85, 107, 47),
    Category.CIVIC_GROUP: (196, 106, 0),
    Category.BUSINESS: (121, 85, 72),
    Category.ACADEMIC: (55, 71, 79),
    Category.PRESS: (29, 35, 48),
    Category.OTHER: (95, 101, 115),
}
# Bump when the layout changes, so cached badges are drawn again.
LAYOUT_VERSION = 2


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


def add_badge_fonts(pdf):
    for language, family in FAMILIES.items():
        pdf.add_font(family, fname=_font_path(), collection_font_number=FONT_FACES[language])


def _family_for(person, language):
    if person.side == Side.TAIWAN or (person.side != Side.JAPAN and language == "zh-hant"):
        return FAMILIES["zh-hant"]
    return FAMILIES["ja"]


def rgb(hex_colour):
    return tuple(int(hex_colour[index : index + 2], 16) for index in (1, 3, 5))


def printable(text, font) -> str:
    """The text without characters the font has no glyph for (emoji, mostly).

    fpdf2 drops such characters when it draws but still counts them when it measures,
    which pushed centred names off-centre; removing them first keeps both in step.
    """
    kept = "".join(character for character in text if character == " " or ord(character) in font.cmap)
    return " ".join(kept.split())


@dataclass
class Line:
    text: str
    size: int
    lines: int
    colour: tuple = (29, 35, 48)

    @property
    def height(self):
        return self.size * 0.5 * self.lines


def _fit(pdf, text, *, width, size, max_lines=2, smallest=7, colour=(29, 35, 48)):
    """Shrink the text until it fits in `max_lines` lines, so long names never run into the QR code."""
    while True:
        pdf.set_font(size=size)
        lines = pdf.multi_cell(width, size * 0.5, text, align="C", dry_run=True, output="LINES")
        if len(lines) <= max_lines:
            return Line(text, size, len(lines), colour)
        if size <= smallest:
            # Still too long at the smallest size: cut it, so it never runs into the QR code
            # or, on a sheet, into the next badge.
            kept = " ".join(line.strip() for line in lines[:max_lines])
            return Line(kept[:-1].rstrip() + "…", size, max_lines, colour)
        size -= 1


def _text_block(pdf, registration, width):
    person = registration.person
    font = pdf.current_font
    native = printable(person.native_name, font)
    # The honorific belongs to the name ("Hon. Sanae Takaichi"), not to the position.
    latin = printable(" ".join(part for part in (person.honorific, person.full_name) if part), font)
    block = []
    if native:
        block.append(_fit(pdf, native, width=width, size=26, max_lines=1, smallest=16))
        block.append(_fit(pdf, latin, width=width, size=14, max_lines=1, smallest=9))
    else:
        block.append(_fit(pdf, latin, width=width, size=22, smallest=12))
    for text in (person.position, person.organization):
        text = printable(text, font)
        if text:
            block.append(_fit(pdf, text, width=width, size=10))
    block.append(_fit(pdf, person.get_side_display(), width=width, size=11, colour=rgb(SIDE_COLOURS[person.side])))
    return block


def draw_badge(pdf, registration, *, x=0.0, y=0.0):
    """Draw one A6 badge with its top-left corner at (x, y) on the current page."""
    person, edition = registration.person, registration.edition
    badge_w, badge_h = BADGE_SIZE_MM
    width = badge_w - 2 * MARGIN
    with translation.override(registration.language):
        pdf.set_font(_family_for(person, registration.language))
        pdf.set_left_margin(x + MARGIN)

        # Header in the side's colour, the same colour the dashboard gives the side.
        pdf.set_fill_color(*rgb(SIDE_COLOURS[person.side]))
        pdf.rect(x, y, badge_w, HEADER, style="F")
        pdf.set_text_color(255, 255, 255)
        title = printable(edition_title(edition), pdf.current_font)
        pdf.set_font(size=10)
        title_lines = len(pdf.multi_cell(width, 5, title, dry_run=True, output="LINES"))
        pdf.set_xy(x + MARGIN, y + (HEADER - 5 * title_lines) / 2)
        pdf.multi_cell(width, 5, title, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

        # The names, role and side, then the QR code right under them; the two together are
        # centred between header and footer, so no empty band opens above the code.
        block = _text_block(pdf, registration, width)
        text_h = sum(line.height for line in block) + 2
        top = HEADER + 4
        available = badge_h - FOOTER - 4 - top
        start = top + max((available - text_h - GAP - QR_SIZE) / 2, 0)
        pdf.set_xy(x + MARGIN, y + start)
        for index, line in enumerate(block):
            pdf.set_text_color(*line.colour)
            pdf.set_font(size=line.size)
            pdf.multi_cell(width, line.size * 0.5, line.text, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            if index == (1 if person.native_name else 0):
                pdf.ln(2)
        qr_top = min(pdf.get_y() + GAP, y + badge_h - FOOTER - 2 - QR_SIZE)
        qr = io.BytesIO()
        segno.make(badge_code(registration), error="m").save(qr, kind="png", scale=4, border=2)
        qr.seek(0)
        pdf.image(qr, x=x + (badge_w - QR_SIZE) / 2, y=qr_top, w=QR_SIZE, h=QR_SIZE)

        colour = CATEGORY_COLOURS.get(person.category, CATEGORY_COLOURS[Category.OTHER])
        pdf.set_fill_color(*colour)
        pdf.rect(x, y + badge_h - FOOTER, badge_w, FOOTER, style="F")
        pdf.set_text_color(255, 255, 255)
        pdf.set_font(size=12)
        pdf.set_xy(x + MARGIN, y + badge_h - FOOTER + 3)
        pdf.cell(width, 8, person.get_category_display(), align="C")


def badge_fingerprint(registration) -> str:
    """Changes whenever anything the badge prints changes: the cache key of the drawn badge."""
    person, edition = registration.person, registration.edition
    with translation.override(registration.language):
        printed = [
            LAYOUT_VERSION,
            badge_code(registration),  # signed, so a new SECRET_KEY draws new QR codes
            registration.language,
            person.family_name,
            person.given_name,
            person.family_name_first,
            person.native_name,
            person.honorific,
            person.position,
            person.organization,
            person.side,
            person.category,
            edition_title(edition),
        ]
    return hashlib.sha256(repr(printed).encode()).hexdigest()


def render_badge_pdf(registration) -> bytes:
    person, edition = registration.person, registration.edition
    pdf = FPDF(unit="mm", format=BADGE_SIZE_MM)
    with translation.override(registration.language):
        pdf.set_title(f"{person.full_name} · {edition_title(edition)}")
        pdf.set_subject(gettext("Badge"))
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    add_badge_fonts(pdf)
    pdf.add_page()
    draw_badge(pdf, registration)
    return bytes(pdf.output())


def _cache_key(registration):
    return f"badge:{registration.pk}"


def badge_pdf(registration) -> bytes:
    """The badge, drawn once (about a second) and then served from the cache until the
    person's details, the registration's language or the edition's title change.

    One cache entry per registration, holding the fingerprint it was drawn from, so a change
    replaces the old badge instead of leaving it behind, and erasure can remove it.
    """
    fingerprint = badge_fingerprint(registration)
    cached = django_cache.get(_cache_key(registration))
    if cached and cached[0] == fingerprint:
        return cached[1]
    data = render_badge_pdf(registration)
    django_cache.set(_cache_key(registration), (fingerprint, data), timeout=60 * 60 * 24 * 30)
    return data


def badge_cache_forget(registration):
    django_cache.delete(_cache_key(registration))
