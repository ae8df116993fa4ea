"""CSV export of registrations: what organizers need for badges, seating, catering and
interpretation, streamed row by row so memory stays flat however long the list is."""

import csv
from collections.abc import Iterable, Iterator
from types import SimpleNamespace

from django.conf import settings
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from events.translation_status import State, translation_state

from .models import Category, Registration, Side

CHUNK_SIZE = 2000
# A spreadsheet treats a cell that starts with one of these as a formula (OWASP's list).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
UTF8_BOM = "\ufeff"  # Excel reads the file as UTF-8 only when it starts with this mark.


def neutralize_formula(value) -> str:
    """A cell a spreadsheet could run as a formula gets a leading quote, so it stays text."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


# (column heading, field read with values_list); the order is the file's column order.
STALE_CHECKED = [f"{field}_{suffix}" for field in ("position", "organization") for suffix in ("en", "ja", "zh_hant")]
COLUMNS = [
    ("registration", lambda: _("Registration number"), "pk"),
    ("edition", lambda: _("Edition"), "edition__ordinal"),
    ("status", lambda: _("Status"), "status"),
    ("family_name", lambda: _("Family name"), "person__family_name"),
    ("given_name", lambda: _("Given name"), "person__given_name"),
    ("family_name_first", lambda: _("Family name first"), "person__family_name_first"),
    ("native_name", lambda: _("Name in native script"), "person__native_name"),
    ("honorific", lambda: _("Honorific"), "person__honorific"),
    ("position_en", lambda: _("Position (English)"), "person__position_en"),
    ("position_ja", lambda: _("Position (Japanese)"), "person__position_ja"),
    ("position_zh_hant", lambda: _("Position (Chinese)"), "person__position_zh_hant"),
    ("organization_en", lambda: _("Organization (English)"), "person__organization_en"),
    ("organization_ja", lambda: _("Organization (Japanese)"), "person__organization_ja"),
    ("organization_zh_hant", lambda: _("Organization (Chinese)"), "person__organization_zh_hant"),
    ("own_texts_language", lambda: _("Position and organization typed in"), "person__own_texts_language"),
    # Filled from the language columns above: the delegate's own text, whichever language it is in.
    ("position_as_typed", lambda: _("Position (as typed)"), "pk"),
    ("organization_as_typed", lambda: _("Organization (as typed)"), "pk"),
    ("stale_translations", lambda: _("Translations older than the typed text"), "person__translation_sources"),
    ("side", lambda: _("Side"), "person__side"),
    ("category", lambda: _("Category"), "person__category"),
    ("email", lambda: _("E-mail"), "email"),
    ("language", lambda: _("Language for e-mails"), "language"),
    ("interpretation", lambda: _("Interpretation into"), "interpretation_language"),
    ("dietary_needs", lambda: _("Dietary needs"), "dietary_needs"),
    ("accessibility_needs", lambda: _("Accessibility needs"), "accessibility_needs"),
    ("texts_language", lambda: _("Needs and answers written in"), "texts_language"),
    ("registered_at", lambda: _("Registered at"), "created_at"),
    ("confirmed_at", lambda: _("E-mail confirmed at"), "confirmed_at"),
    ("checked_in_at", lambda: _("Checked in at"), "checked_in_at"),
]


def _labels():
    def choices(pairs):
        return {value: str(label) for value, label in pairs}

    return {
        "status": choices(Registration.Status.choices),
        "side": choices(Side.choices),
        "category": choices(Category.choices),
        "interpretation": choices(Registration.InterpretationLanguage.choices),
        "yes": _("yes"),
        "no": _("no"),
        "own_texts_language": {code: str(name) for code, name in settings.LANGUAGES},
        "texts_language": {code: str(name) for code, name in settings.LANGUAGES},
        "headings": {key: str(heading()) for key, heading, _field in COLUMNS},
    }


def _stale_translations(row, labels) -> str:
    """Which organizer translations of the delegate's position and organization were made
    from an older text than the one they typed: "Position (English), Organization (English)"."""
    person = SimpleNamespace(
        translation_sources=row["stale_translations"],
        translation_source_language=row["own_texts_language"] or "en",
        **{key: row[key] for key in STALE_CHECKED},
    )
    return ", ".join(
        labels["headings"][f"{field}_{code.replace('-', '_')}"]
        for field in ("position", "organization")
        for code in settings.MODELTRANSLATION_LANGUAGES
        if translation_state(person, field, code) == State.STALE
    )


def _format(key, value, labels):
    if key in labels and isinstance(labels[key], dict):
        return labels[key].get(value, value)
    if key == "family_name_first":
        return labels["yes"] if value else labels["no"]
    if hasattr(value, "astimezone"):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return value


def registration_rows(queryset) -> Iterator[list[str]]:
    """The heading row, then one row per registration, read from the database in chunks.

    Headings and labels are translated now, in the request's language: the rows are
    written later, while the response streams.
    """
    labels = _labels()
    headings = [str(heading()) for _key, heading, _field in COLUMNS]
    fields = [field for _key, _heading, field in COLUMNS]
    keys = [key for key, _heading, _field in COLUMNS]

    def rows():
        yield headings
        for values in queryset.order_by("pk").values_list(*fields).iterator(chunk_size=CHUNK_SIZE):
            row = dict(zip(keys, values, strict=True))
            row["stale_translations"] = _stale_translations(row, labels)
            suffix = (row["own_texts_language"] or "en").replace("-", "_")
            for field in ("position", "organization"):
                row[f"{field}_as_typed"] = row[f"{field}_{suffix}"]
            yield [neutralize_formula(_format(key, value, labels)) for key, value in row.items()]

    return rows()


class _Echo:
    """csv.writer writes into this and gets back the line, which the response streams."""

    def write(self, value):
        return value


def csv_lines(rows: Iterable[list[str]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield UTF8_BOM
    for row in rows:
        yield writer.writerow(row)


def registrations_csv_response(queryset, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_lines(registration_rows(queryset)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
