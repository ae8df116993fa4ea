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


# --- What a reader of the printed badge saw (issue #11) ------------------------------------


def text_runs(page):
    """(text, x, y) of every text run, in points from the page's bottom-left corner."""
    runs = []

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip("\x00 \n"):
            runs.append(("".join(c for c in text if c.isprintable() and not c.isspace()), tm[4], tm[5]))

    page.extract_text(visitor_text=visit)
    return runs


def _accepted_badge(**person_fields):
    registration = make_registration(make_open_edition(), make_person(**person_fields), status="accepted")
    return PdfReader(io.BytesIO(badge_pdf(registration))).pages[0]


def test_an_emoji_in_the_name_neither_prints_nor_moves_the_name_off_centre():
    plain = text_runs(_accepted_badge(family_name="Chen", given_name="Mei-ling", native_name="陳美玲"))
    with_emoji = text_runs(_accepted_badge(family_name="Chen", given_name="Mei-ling 🌸", native_name="陳美玲🌸"))
    assert [run[0] for run in with_emoji[1:3]] == ["陳美玲", "Mei-lingChen"]
    # The same start (so the same centring) as without the emoji, to the hundredth of a point.
    assert [round(run[1], 2) for run in with_emoji[1:3]] == [round(run[1], 2) for run in plain[1:3]]


def test_the_honorific_is_printed_with_the_name_not_with_the_position():
    page = _accepted_badge(
        family_name="Takaichi", given_name="Sanae", native_name="高市早苗", honorific="Hon.", position_en="Minister"
    )
    texts = [run[0] for run in text_runs(page)]
    assert texts[1:4] == ["高市早苗", "Hon.SanaeTakaichi", "Minister"]


def _qr_box(page):
    """(bottom, top) of the QR image in points, read from the content stream."""
    import re

    data = page.get_contents().get_data().decode("latin-1")
    width, height, x, y = (
        float(value) for value in re.search(r"q ([\d.]+) 0 0 ([\d.]+) ([\d.]+) ([\d.]+) cm /I\d+ Do Q", data).groups()
    )
    return y, y + height


def test_the_qr_code_follows_the_text_without_an_empty_band():
    page = _accepted_badge(native_name="高市早苗", position_en="Minister")
    runs = text_runs(page)
    last_text_baseline = min(run[2] for run in runs if run[2] > 60)  # above the footer band
    _bottom, qr_top = _qr_box(page)
    gap_mm = (last_text_baseline - qr_top) / 72 * 25.4
    assert 0 < gap_mm < 9


def _first_fill(page):
    import re

    data = page.get_contents().get_data().decode("latin-1")
    return tuple(
        round(float(value) * 255) for value in re.search(r"^([\d.]+) ([\d.]+) ([\d.]+) rg$", data, re.M).groups()
    )


@pytest.mark.parametrize("side", [Side.JAPAN, Side.TAIWAN, Side.OTHER])
def test_the_badge_header_has_the_side_colour_the_dashboard_uses(side):
    from delegates.dashboard import edition_dashboard
    from delegates.models import SIDE_COLOURS

    page = _accepted_badge(side=side)
    expected = tuple(int(SIDE_COLOURS[side][index : index + 2], 16) for index in (1, 3, 5))
    assert _first_fill(page) == expected
    svg = str(edition_dashboard(Registration.objects.get().edition).side_svg())
    assert f'class="bar bar-{side}" fill="{SIDE_COLOURS[side]}"' in svg


def test_japan_is_red_and_taiwan_blue():
    from delegates.models import SIDE_COLOURS

    assert SIDE_COLOURS[Side.JAPAN] == "#bc002d"
    assert SIDE_COLOURS[Side.TAIWAN] == "#1a3c8f"


def test_a_badge_is_drawn_once_and_again_only_when_what_it_prints_changes(monkeypatch):
    from delegates import badges

    drawn = []
    real = badges.render_badge_pdf
    monkeypatch.setattr(badges, "render_badge_pdf", lambda registration: drawn.append(1) or real(registration))
    person = make_person(native_name="高市早苗")
    registration = make_registration(make_open_edition(), person, status="accepted")
    first = badge_pdf(registration)
    assert badge_pdf(registration) == first
    assert len(drawn) == 1
    person.position_en = "Prime Minister"
    person.save()
    registration.refresh_from_db()
    changed, _reader = pdf_text(badge_pdf(registration))
    assert "PrimeMinister" in changed
    assert len(drawn) == 2
    registration.language = "ja"
    registration.save()
    badge_pdf(registration)
    assert len(drawn) == 3


@pytest.mark.parametrize(
    "person_fields",
    [
        {"family_name": "🌸", "given_name": "", "native_name": "🌸🌸"},
        {"family_name": "W" * 100, "given_name": "X" * 100, "native_name": "長" * 100, "honorific": "Y" * 40},
        {"family_name": "Chen\u200d\ufe0f", "organization_en": "\x07\x1b Council"},
    ],
)
def test_hostile_names_still_give_a_one_page_badge_within_the_page(person_fields):
    registration = make_registration(make_open_edition(), make_person(**person_fields), status="accepted")
    text, reader = pdf_text(badge_pdf(registration))
    assert len(reader.pages) == 1
    assert text_outside_the_page(reader.pages[0], float(reader.pages[0].mediabox[2])) == []


def test_a_name_too_long_even_at_the_smallest_size_is_cut_and_keeps_the_qr_code_clear():
    page = _accepted_badge(native_name="長" * 100, family_name="W" * 100, given_name="X" * 100)
    runs = text_runs(page)
    bottom, qr_top = _qr_box(page)
    body = [run for run in runs if run[2] > 60]  # above the footer band
    assert min(run[2] for run in body) > qr_top
    assert any(run[0].endswith("…") for run in body)
