"""Badges: real CJK glyphs in the PDF, and a QR code that holds a signed code, never the id."""

import io

import pytest
from pypdf import PdfReader

from delegates import tokens
from delegates.badges import badge_pdf
from delegates.models import Category, Registration, Side
from tests.factories import make_open_edition, make_person, make_registration

pytestmark = pytest.mark.django_db


def pdf_text(data):
    reader = PdfReader(io.BytesIO(data))
    # pypdf reads fpdf2's two-byte glyph codes with a NUL or a space between characters;
    # the characters and their order are what matter.
    text = "".join(page.extract_text() for page in reader.pages)
    return "".join(character for character in text if character.isprintable() and not character.isspace()), reader


@pytest.mark.parametrize(
    ("person_fields", "expected"),
    [
        (
            {
                "family_name": "Lee",
                "given_name": "Yi-yang",
                "family_name_first": True,
                "native_name": "李逸洋",
                "side": Side.TAIWAN,
                "category": Category.NATIONAL_LEGISLATOR,
                "position_en": "Minister",
            },
            ["李逸洋", "LeeYi-yang", "Minister", "Taiwan", "Nationallegislator"],
        ),
        (
            {
                "family_name": "Takaichi",
                "given_name": "Sanae",
                "native_name": "高市早苗",
                "side": Side.JAPAN,
                "category": Category.NATIONAL_LEGISLATOR,
                "honorific": "Hon.",
            },
            ["高市早苗", "SanaeTakaichi", "Hon.", "Japan"],
        ),
    ],
)
def test_badge_prints_names_in_both_scripts(person_fields, expected):
    edition = make_open_edition()
    registration = make_registration(edition, make_person(**person_fields), status=Registration.Status.ACCEPTED)
    text, reader = pdf_text(badge_pdf(registration))
    for word in expected:
        assert word in text
    assert len(reader.pages) == 1
    width, height = (float(value) for value in reader.pages[0].mediabox[2:])
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (105, 148)
    assert text_outside_the_page(reader.pages[0], width) == []


def text_outside_the_page(page, width):
    """Text runs whose start lies beyond the page's left or right edge (lost when printed)."""
    outside = []

    def visit(text, cm, tm, font_dict, font_size):
        x = tm[4] * cm[0] + cm[4]
        if text.strip("\x00 \n") and not 0 <= x < width:
            outside.append((text, x))

    page.extract_text(visitor_text=visit)
    return outside


def test_long_roles_are_shrunk_to_fit_above_the_qr_code():
    person = make_person(
        native_name="高市早苗",
        position_en="Member of the Assembly, Standing Committee on General Affairs and Digital Transformation " * 2,
        organization_en="Kanagawa Prefectural Assembly of the Liberal Democratic Party and Independent Members Caucus",
    )
    registration = make_registration(make_open_edition(), person, status=Registration.Status.ACCEPTED)
    text, reader = pdf_text(badge_pdf(registration))
    assert "KanagawaPrefecturalAssembly" in text
    width = float(reader.pages[0].mediabox[2])
    assert text_outside_the_page(reader.pages[0], width) == []


def test_badge_in_japanese_shows_the_category_and_side_in_japanese():
    person = make_person(native_name="高市早苗", category=Category.NATIONAL_LEGISLATOR, side=Side.JAPAN)
    registration = make_registration(make_open_edition(), person, status="accepted", language="ja")
    text, _ = pdf_text(badge_pdf(registration))
    assert "高市早苗" in text
    assert "国会議員" in text
    assert "日本" in text


def test_badge_code_is_signed_and_does_not_contain_the_id():
    registration = make_registration(make_open_edition(), status="accepted")
    code = tokens.badge_code(registration)
    key, signature = code.split(":")
    assert key == registration.access_key.hex
    assert tokens.registration_from_badge_code(code) == registration
    with pytest.raises(tokens.InvalidToken):
        tokens.registration_from_badge_code(f"{key}:{signature[:-1]}x")
    with pytest.raises(tokens.InvalidToken):
        tokens.registration_from_badge_code(str(registration.pk))
