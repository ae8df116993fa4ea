"""Badge sheets: every badge of a list on A4 pages, four A6 badges a page, with crop marks.

Organizers print hundreds at once. The fonts are loaded once per sheet (not once per badge),
registrations are read in chunks, and the sheet is written in parts of PART_PAGES pages that
are joined at the end, so memory stays flat whether the sheet holds 300 badges or 3,000.
"""

import io
import shutil
import tempfile
import uuid
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone
from fpdf import FPDF
from pypdf import PdfWriter

from .badges import BADGE_SIZE_MM, add_badge_fonts, draw_badge
from .models import Registration, Side

A4_MM = (210, 297)
PER_PAGE = 4
PART_PAGES = 50  # pages per part: 200 badges
CROP_MARK_MM = 4
# The 2 × 2 block of A6 badges is 210 × 296 mm: centred on A4 it leaves half a millimetre.
TOP = (A4_MM[1] - 2 * BADGE_SIZE_MM[1]) / 2
SIDE_ORDER = {Side.JAPAN: 0, Side.TAIWAN: 1, Side.OTHER: 2}


def sheet_order(queryset):
    """Accepted registrations by side (Japan, Taiwan, others), then by name: the order the
    badge table is laid out in."""
    side_rank = Case(
        *(When(person__side=side, then=Value(rank)) for side, rank in SIDE_ORDER.items()),
        default=Value(len(SIDE_ORDER)),
        output_field=IntegerField(),
    )
    return (
        queryset.accepted()
        .select_related("person", "edition__series")
        .annotate(side_rank=side_rank)
        .order_by("side_rank", "person__family_name", "person__given_name", "pk")
    )


def _positions():
    width, height = BADGE_SIZE_MM
    return [(0, TOP), (width, TOP), (0, TOP + height), (width, TOP + height)]


def _crop_marks(pdf):
    """Short hairlines where the guillotine cuts: the middle line each way, and the outer edges
    of the badge block, drawn at the page's edges and around the centre cross."""
    width, height = BADGE_SIZE_MM
    mark = CROP_MARK_MM
    pdf.set_draw_color(0, 0, 0)
    pdf.set_line_width(0.2)
    for y in (TOP, TOP + height, TOP + 2 * height):
        pdf.line(0, y, mark, y)
        pdf.line(A4_MM[0] - mark, y, A4_MM[0], y)
    for x in (width,):
        pdf.line(x, 0, x, mark)
        pdf.line(x, A4_MM[1] - mark, x, A4_MM[1])
    centre_x, centre_y = width, TOP + height
    pdf.line(centre_x - mark, centre_y, centre_x + mark, centre_y)
    pdf.line(centre_x, centre_y - mark, centre_x, centre_y + mark)


def _new_part():
    pdf = FPDF(unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.set_creator("Summit Site")
    add_badge_fonts(pdf)
    return pdf


def write_badge_sheet(registrations, out, *, progress=None, title="") -> int:
    """Write the registrations' badges (in the order given) as one PDF into `out`, a binary
    file; call progress(done) every page. Returns the number of badges."""
    positions = _positions()
    done = 0
    with tempfile.TemporaryDirectory(prefix="badge-sheet-") as directory:
        parts = []
        pdf = None
        for registration in registrations.iterator(chunk_size=PART_PAGES * PER_PAGE):
            slot = done % PER_PAGE
            if slot == 0:
                if pdf is not None and pdf.pages_count == PART_PAGES:
                    parts.append(_finish_part(pdf, directory, len(parts)))
                    pdf = None
                if pdf is None:
                    pdf = _new_part()
                if done and progress:
                    progress(done)
                pdf.add_page()
                _crop_marks(pdf)
            x, y = positions[slot]
            draw_badge(pdf, registration, x=x, y=y)
            done += 1
        if pdf is None:
            pdf = _new_part()
            pdf.add_page()
        parts.append(_finish_part(pdf, directory, len(parts)))
        _join(parts, out, title)
    if progress:
        progress(done)
    return done


def _finish_part(pdf, directory, index):
    path = f"{directory}/part-{index:05d}.pdf"
    pdf.output(path)
    return path


def _join(parts, out, title):
    if len(parts) == 1:
        with open(parts[0], "rb") as part:
            shutil.copyfileobj(part, out)
        return
    writer = PdfWriter()
    for path in parts:
        writer.append(path)
    if title:
        writer.add_metadata({"/Title": title})
    writer.write(out)


def badge_sheet_bytes(registrations) -> bytes:
    out = io.BytesIO()
    write_badge_sheet(registrations, out)
    return out.getvalue()


# --- Sheets built in the task queue ----------------------------------------------------------


def sheet_path(sheet) -> Path:
    return Path(settings.PRIVATE_FILES_ROOT) / "badge-sheets" / sheet.file_name


def badge_sheet_request(*, registrations, edition=None, description="", user=None):
    """Queue a sheet of the accepted registrations among `registrations`, in sheet order."""
    from .models import BadgeSheet
    from .tasks import build_badge_sheet

    with transaction.atomic():
        ids = list(sheet_order(registrations).values_list("pk", flat=True))
        sheet = BadgeSheet.objects.create(
            edition=edition, description=description[:500], registration_ids=ids, total=len(ids), requested_by=user
        )
        transaction.on_commit(lambda: build_badge_sheet.enqueue(sheet_id=sheet.pk))
    return sheet


def badge_sheet_build(*, sheet_id):
    """Draw the sheet, telling the database after every page how far it is."""
    from .models import BadgeSheet

    sheets = BadgeSheet.objects.filter(pk=sheet_id)
    sheet = sheets.get()
    registrations = sheet_order(Registration.objects.filter(pk__in=sheet.registration_ids))
    sheets.update(status=BadgeSheet.Status.RUNNING, done=0, total=registrations.count())
    file_name = f"{uuid.uuid4().hex}.pdf"
    path = Path(settings.PRIVATE_FILES_ROOT) / "badge-sheets" / file_name
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(path, "wb") as out:
            count = write_badge_sheet(registrations, out, progress=lambda done: sheets.update(done=done))
    except Exception as error:
        path.unlink(missing_ok=True)
        sheets.update(status=BadgeSheet.Status.FAILED, error=str(error)[:300], finished_at=timezone.now())
        raise
    sheets.update(
        status=BadgeSheet.Status.DONE, done=count, total=count, file_name=file_name, finished_at=timezone.now()
    )


def badge_sheet_delete(*, sheet):
    if sheet.file_name:
        sheet_path(sheet).unlink(missing_ok=True)
    sheet.delete()
