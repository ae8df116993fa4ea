"""Import delegates from a CSV file into an edition: registered, invited, or (from a focal
point's page) registered as members of a delegation (ImportTarget).

The file is checked as a whole first (encoding, columns, size); then every row runs
through delegates.services exactly as it will on confirmation, inside a transaction that
is rolled back: that is the preview. Confirming runs the same rows again in one
transaction that is kept. A row whose e-mail address is already registered for the
edition updates that registration, or changes nothing when the file holds the same
details, so importing the same file twice creates nothing new.
"""

import codecs
import csv
import io
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from modeltranslation.utils import build_localized_fieldname

from . import services
from .models import Category, Delegation, Participation, Registration, RegistrationStatusChange, Side

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
# No column we store holds more than a few hundred characters; a larger cell is a broken file.
MAX_CELL_CHARS = 10_000
REQUIRED_COLUMNS = ("email", "family_name")
OPTIONAL_COLUMNS = (
    "given_name",
    "family_name_first",
    "native_name",
    "honorific",
    "position",
    "organization",
    "side",
    "category",
    "phone",
    "language",
    "written_in",
    "interpretation",
    "dietary_needs",
    "accessibility_needs",
    "comes_as",
)
COLUMN_HELP = {
    "email": gettext_lazy("E-mail address; one registration per address and edition. Required."),
    "family_name": gettext_lazy("Family name in Latin letters. Required."),
    "given_name": gettext_lazy("Given name in Latin letters."),
    "family_name_first": gettext_lazy("yes or no: write the family name first."),
    "native_name": gettext_lazy("Name in Japanese or Chinese script, e.g. 李逸洋."),
    "honorific": gettext_lazy("For example Dr. or Hon."),
    "position": gettext_lazy("Position, as the delegate wrote it, in the language of the written_in column."),
    "organization": gettext_lazy("Organization, as the delegate wrote it, in the language of the written_in column."),
    "side": gettext_lazy("japan, taiwan or other (or the name in any of the three languages)."),
    "category": gettext_lazy("For example national_legislator, local_councilor, civic_group."),
    "phone": gettext_lazy("Phone number."),
    "language": gettext_lazy("Language for e-mails: en, ja or zh-hant. English when empty."),
    "written_in": gettext_lazy(
        "Language the position, organization and needs are written in: en, ja or zh-hant. "
        "The language column's when empty."
    ),
    "interpretation": gettext_lazy("Interpretation needed into: ja, zh or en; empty for none."),
    "dietary_needs": gettext_lazy("Dietary needs."),
    "accessibility_needs": gettext_lazy("Accessibility needs."),
    "comes_as": gettext_lazy(
        "member, aide, interpreter or press (or the name in any of the three languages); member when empty."
    ),
}
TEXT_COLUMNS = (
    "family_name",
    "given_name",
    "native_name",
    "honorific",
    "position",
    "organization",
    "phone",
    "dietary_needs",
    "accessibility_needs",
)
TRUE_WORDS = {"yes", "y", "true", "1", "はい", "是"}
FALSE_WORDS = {"no", "n", "false", "0", "いいえ", "否"}


class ImportFileError(Exception):
    """The file as a whole cannot be read; nothing was looked at row by row."""

    def __init__(self, message):
        self.message = message
        super().__init__(message)


class Outcome:
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    REFUSE = "refuse"


OUTCOME_LABELS = {
    Outcome.CREATE: pgettext_lazy("import row", "New"),
    Outcome.UPDATE: pgettext_lazy("import row", "Update"),
    Outcome.UNCHANGED: pgettext_lazy("import row", "No change"),
    Outcome.REFUSE: pgettext_lazy("import row", "Refused"),
}


@dataclass
class RowResult:
    line: int
    email: str
    name: str
    outcome: str = Outcome.REFUSE
    details: list[str] = field(default_factory=list)

    @property
    def outcome_label(self):
        return OUTCOME_LABELS[self.outcome]


@dataclass
class ParsedRow:
    line: int
    cells: dict
    data: dict = field(default_factory=dict)
    language: str = "en"
    participation: str | None = None
    errors: list[str] = field(default_factory=list)


# --- Reading the file -------------------------------------------------------------------


# Hiragana and full-width katakana: Japanese text has them; Big5 bytes read as Shift_JIS give
# half-width katakana and kanji instead.
KANA = re.compile("[\u3041-\u30ff]")


def _legacy_encoding(content: bytes) -> str | None:
    """The older encoding a file that is not UTF-8 was most likely saved in, for the message."""
    readings = {}
    for encoding, name in (("cp932", "Shift_JIS"), ("big5", "Big5")):
        try:
            readings[name] = content.decode(encoding)
        except UnicodeDecodeError:
            continue
    if len(readings) == 2:
        # Much Big5 text is also valid Shift_JIS; Japanese almost always holds kana.
        return "Shift_JIS" if KANA.search(readings["Shift_JIS"]) else "Big5"
    return next(iter(readings), None)


def decode(content: bytes) -> str:
    """The file as text; raises ImportFileError for anything that is not UTF-8 text."""
    if len(content) > MAX_FILE_BYTES:
        raise ImportFileError(
            _("The file is larger than %(size)s MB; split it into smaller files.")
            % {"size": MAX_FILE_BYTES // (1024 * 1024)}
        )
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ImportFileError(
            _("The file is UTF-16 text (Excel: “Unicode text”). Save it as “CSV UTF-8” and upload it again.")
        )
    if b"\x00" in content:
        # No text encoding a table is saved in has NUL bytes (and no database stores them in
        # text): a binary file (a picture, a spreadsheet) or UTF-16. Said before any guess
        # at a legacy encoding, which a picture's bytes may happen to fit.
        line = content[: content.index(b"\x00")].count(b"\n") + 1
        raise ImportFileError(
            _(
                "The file contains a NUL character (the first on line %(line)s), so it is not a CSV text file. "
                "Save it as “CSV UTF-8” and upload it again."
            )
            % {"line": line}
        )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        name = _legacy_encoding(content)
        if name is not None:
            raise ImportFileError(
                _(
                    "The file is not UTF-8 (it looks like %(encoding)s; the first problem is on line "
                    "%(line)s). In Excel choose “Save as” → “CSV UTF-8”, then upload it again."
                )
                % {"encoding": name, "line": line}
            ) from error
        raise ImportFileError(
            _(
                "The file is not UTF-8 text (the first problem is on line %(line)s). "
                "Save it as “CSV UTF-8” and upload it again."
            )
            % {"line": line}
        ) from error
    return text


def _column_name(heading: str) -> str:
    return heading.strip().lower().replace(" ", "_").replace("-", "_")


def _cell_too_long(line: int) -> ImportFileError:
    return ImportFileError(
        _("Line %(line)s has a cell longer than %(max)s characters; is a quotation mark missing?")
        % {"line": line, "max": MAX_CELL_CHARS}
    )


def read_rows(text: str) -> tuple[list[str], list[ParsedRow]]:
    """The file's column names and its rows as {column: cell}; raises ImportFileError."""
    # newline="": rows may end in \r\n (Windows), \n, or a lone \r (Excel for Mac).
    # A table pasted from a spreadsheet is tab-separated; a file is comma-separated.
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    lines = []
    # The line each row starts on: an unclosed quotation mark is found far below it.
    start = 1
    try:
        for cells in reader:
            if len(lines) > MAX_ROWS + 1:
                raise ImportFileError(_("The file has more than %(max)s rows; split it.") % {"max": MAX_ROWS})
            if any(len(cell) > MAX_CELL_CHARS for cell in cells):
                raise _cell_too_long(start)
            lines.append(cells)
            start = reader.line_num + 1
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            raise _cell_too_long(start) from error
        raise ImportFileError(
            _("The file cannot be read as CSV near line %(line)s; save it as “CSV UTF-8” and upload it again.")
            % {"line": start}
        ) from error
    while lines and not any(cell.strip() for cell in lines[-1]):
        lines.pop()
    if not lines:
        raise ImportFileError(_("The file is empty."))
    columns = [_column_name(heading) for heading in lines[0]]
    if len(columns) == 1 and ";" in columns[0]:
        raise ImportFileError(_("The columns are separated by semicolons; save the file with commas instead."))
    missing = [column for column in REQUIRED_COLUMNS if column not in columns]
    if missing:
        raise ImportFileError(
            _("The first row must name the columns; missing: %(missing)s.") % {"missing": ", ".join(missing)}
        )
    repeated = sorted({column for column in columns if column and columns.count(column) > 1})
    if repeated:
        raise ImportFileError(_("These columns appear twice: %(columns)s.") % {"columns": ", ".join(repeated)})
    if len(lines) - 1 > MAX_ROWS:
        raise ImportFileError(_("The file has more than %(max)s rows; split it.") % {"max": MAX_ROWS})
    rows = []
    for number, cells in enumerate(lines[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        row = ParsedRow(line=number, cells=dict(zip(columns, (cell.strip() for cell in cells), strict=False)))
        if len(cells) != len(columns):
            row.errors.append(
                _("This row has %(cells)s cells, the first row names %(columns)s columns.")
                % {"cells": len(cells), "columns": len(columns)}
            )
        rows.append(row)
    return columns, rows


# --- Checking each row ------------------------------------------------------------------


def _choices_by_word(choices) -> dict[str, str]:
    """Each choice found by its code or its label in any of the site's languages."""
    words = {}
    for value, label in choices:
        words[str(value).casefold()] = value
        for language in ("en", "ja", "zh-hant"):
            with translation.override(language):
                words[str(label).casefold()] = value
    return words


def choice_vocabulary() -> dict[str, dict[str, str]]:
    """For each column with fixed values, every word that names a value; built once per import."""
    columns = {
        "side": Side.choices,
        "category": Category.choices,
        "interpretation": Registration.InterpretationLanguage.choices,
        "language": Registration._meta.get_field("language").choices,
        "written_in": Registration._meta.get_field("texts_language").choices,
        "comes_as": Participation.choices,
    }
    return {column: _choices_by_word(choices) for column, choices in columns.items()}


def _choice(row, column, vocabulary):
    cell = row.cells.get(column, "")
    if not cell:
        return None
    value = vocabulary[column].get(cell.casefold())
    if value is None:
        row.errors.append(_("“%(value)s” is not a valid %(column)s.") % {"value": cell, "column": column})
    return value


def check_row(row: ParsedRow, seen_emails: dict[str, int], vocabulary: dict) -> ParsedRow:
    """Turn the cells into the data delegates.services expects; collect what is wrong."""
    cells = row.cells
    email = cells.get("email", "").lower()
    try:
        validate_email(email)
    except ValidationError:
        if email:
            row.errors.append(_("“%(email)s” is not an e-mail address.") % {"email": cells["email"]})
        else:
            row.errors.append(_("The e-mail address is empty."))
    if email in seen_emails:
        row.errors.append(_("Same e-mail address as line %(line)s.") % {"line": seen_emails[email]})
    elif email:
        seen_emails[email] = row.line
    if not cells.get("family_name"):
        row.errors.append(_("The family name is empty."))

    row.language = _choice(row, "language", vocabulary) or "en"
    row.participation = _choice(row, "comes_as", vocabulary)
    data = {"email": email}
    # The delegate's texts are stored in the language they are written in (Person.own_texts_language).
    data["texts_language"] = _choice(row, "written_in", vocabulary) or row.language
    # An empty cell leaves what is stored as it is.
    for column in TEXT_COLUMNS:
        if cells.get(column):
            data[column] = cells[column]
    for column in ("side", "category"):
        value = _choice(row, column, vocabulary)
        if value:
            data[column] = value
    interpretation = _choice(row, "interpretation", vocabulary)
    if interpretation:
        data["interpretation_language"] = interpretation
    flag = cells.get("family_name_first", "").casefold()
    if flag in TRUE_WORDS | FALSE_WORDS:
        data["family_name_first"] = flag in TRUE_WORDS
    elif flag:
        row.errors.append(_("family_name_first must be yes or no, not “%(value)s”.") % {"value": flag})
    row.data = data
    return row


def _differences(registration: Registration, data: dict, language: str) -> list[str]:
    """The fields this row would change on an existing registration or its person."""
    person = registration.person
    changed = []
    for name, value in data.items():
        if name in services.TRANSLATED_PERSON_FIELDS:
            attribute = build_localized_fieldname(name, language)
            target = person
        elif name in services.PERSON_FIELDS:
            attribute, target = name, person
        elif name in services.REGISTRATION_FIELDS:
            attribute, target = name, registration
        else:
            continue
        current = getattr(target, attribute)
        if ("" if current is None else current) != value:
            changed.append(str(target._meta.get_field(attribute).verbose_name))
    return changed


# What the services raise for a row they will not write; the row's savepoint is rolled back.
REFUSALS = (services.RegistrationError, ValidationError)


def _refused(result: RowResult, refusal: Exception) -> RowResult:
    if isinstance(refusal, services.RegistrationError):
        result.details = [str(refusal.message)]
    else:
        result.details = refusal.messages
    return result


@dataclass(frozen=True)
class ImportTarget:
    """What each row becomes: a registration (an organizer's import), an invitation e-mailed
    to the address, or a member a focal point registers into their delegation. The delegation
    and participation apply to every row (a row's comes_as column overrides the latter)."""

    REGISTER = "register"
    INVITE = "invite"
    DELEGATION = "delegation"

    kind: str = REGISTER
    delegation: Delegation | None = None
    participation: str = Participation.MEMBER
    skips_approval: bool = False


def _run_row(row: ParsedRow, *, edition, user, target: ImportTarget) -> RowResult:
    result = RowResult(
        line=row.line,
        email=row.data.get("email", ""),
        name=" ".join(filter(None, [row.cells.get("given_name"), row.cells.get("family_name")])),
    )
    if row.errors:
        result.details = row.errors
        return result
    participation = row.participation or target.participation
    try:
        with transaction.atomic():
            if target.kind == ImportTarget.INVITE:
                invitation = services.invitation_create(
                    edition=edition,
                    data=row.data,
                    language=row.language,
                    delegation=target.delegation,
                    participation=participation,
                    skips_approval=target.skips_approval,
                    user=user,
                )
                result.outcome = Outcome.CREATE
                result.details = [
                    _("An invitation with a personal link, for this address (%(status)s).")
                    % {"status": invitation.get_status_display()}
                ]
                return result
            if target.kind == ImportTarget.DELEGATION:
                # The member's e-mails in the row's language, else the focal point's page's.
                registration = services.delegation_member_add(
                    delegation=target.delegation,
                    data=row.data,
                    participation=participation,
                    language=row.language if row.cells.get("language") else translation.get_language(),
                )
            else:
                registration = services.registration_create(
                    edition=edition,
                    data=row.data,
                    language=row.language,
                    actor=RegistrationStatusChange.Actor.ORGANIZER,
                    user=user,
                    confirmed=True,
                    notify=False,
                    delegation=target.delegation,
                    participation=participation,
                )
    except (services.AlreadyInvited, services.AlreadyInYourDelegation) as known:
        # The same table pasted again: these rows are already done, not refused.
        result.outcome = Outcome.UNCHANGED
        result.details = [str(known.message)]
        return result
    except services.DuplicateRegistration as duplicate:
        if target.kind == ImportTarget.REGISTER:
            return _update(result, duplicate.registration, row)
        return _refused(result, services.AlreadyRegisteredForEdition())
    except REFUSALS as refusal:
        return _refused(result, refusal)
    result.outcome = Outcome.CREATE
    result.details = [_("Status: %(status)s") % {"status": registration.get_status_display()}]
    return result


def _update(result: RowResult, registration: Registration, row: ParsedRow) -> RowResult:
    changed = _differences(registration, row.data, row.data["texts_language"])
    if not changed:
        result.outcome = Outcome.UNCHANGED
        result.details = [_("Already registered with these details.")]
        return result
    try:
        with transaction.atomic():
            services.registration_update_details(
                registration=registration,
                data=row.data,
                language=row.language,
                actor=RegistrationStatusChange.Actor.ORGANIZER,
            )
    except REFUSALS as refusal:
        return _refused(result, refusal)
    result.outcome = Outcome.UPDATE
    result.details = [_("Changes: %(fields)s") % {"fields": ", ".join(changed)}]
    return result


def delegates_import(
    *, edition, text: str, user, dry_run: bool, target: ImportTarget = ImportTarget()
) -> list[RowResult]:
    """Run every row through the services in one transaction; roll it back for a preview."""
    _columns, rows = read_rows(text)
    seen_emails: dict[str, int] = {}
    vocabulary = choice_vocabulary()
    checked = [check_row(row, seen_emails, vocabulary) for row in rows]
    with transaction.atomic():
        results = [_run_row(row, edition=edition, user=user, target=target) for row in checked]
        if dry_run:
            # Nothing stays, and e-mails queued with on_commit are dropped with the rollback.
            transaction.set_rollback(True)
    return results


# The columns a focal point's table may have (the member confirms and completes the rest).
DELEGATION_COLUMNS = (
    "email",
    "family_name",
    "given_name",
    "native_name",
    "honorific",
    "position",
    "organization",
    "category",
    "comes_as",
    "language",
    "written_in",
)


# What a focal point's table is read for: every column but the side, which is the delegation's.
DELEGATION_READS = tuple(column for column in REQUIRED_COLUMNS + OPTIONAL_COLUMNS if column != "side")


def ignored_columns(text: str, used=REQUIRED_COLUMNS + OPTIONAL_COLUMNS) -> list[str]:
    """The table's columns that the import does not read (a typo, a column of one's own)."""
    columns, _rows = read_rows(text)
    return [column for column in columns if column not in used]


def summary(results: list[RowResult]) -> dict[str, int]:
    counts = {outcome: 0 for outcome in OUTCOME_LABELS}
    for result in results:
        counts[result.outcome] += 1
    return counts
