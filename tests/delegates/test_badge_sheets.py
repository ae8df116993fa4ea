"""Badge sheets: four A6 badges per A4 page with crop marks, in side-and-name order, built in
the task queue with progress, downloaded from private storage through the admin only."""

import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from delegates.badge_sheets import badge_sheet_bytes, sheet_order
from delegates.models import BadgeSheet, Registration, Side
from tests.factories import make_open_edition, make_person, make_registration

pytestmark = pytest.mark.django_db

MM = 72 / 25.4


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    return settings.PRIVATE_FILES_ROOT


def page_texts(data):
    reader = PdfReader(io.BytesIO(data))
    return reader, [
        "".join(c for c in page.extract_text() if c.isprintable() and not c.isspace()) for page in reader.pages
    ]


@pytest.fixture
def five_accepted():
    edition = make_open_edition()
    people = [
        ("Wang", "Ming", "王明", Side.TAIWAN),
        ("Sato", "Ken", "佐藤健", Side.JAPAN),
        ("Abe", "Yui", "", Side.JAPAN),
        ("Smith", "Anna", "", Side.OTHER),
        ("Chen", "Mei-ling", "陳美玲", Side.TAIWAN),
    ]
    for family, given, native, side in people:
        make_registration(
            edition,
            make_person(family_name=family, given_name=given, native_name=native, side=side),
            status=Registration.Status.ACCEPTED,
        )
    make_registration(edition, make_person(family_name="Pending"), status=Registration.Status.PENDING)
    return edition


def test_sheet_has_four_a6_badges_per_a4_page_sorted_by_side_then_name(five_accepted):
    reader, texts = page_texts(badge_sheet_bytes(sheet_order(Registration.objects.all())))
    assert len(reader.pages) == 2
    width, height = (float(value) for value in reader.pages[0].mediabox[2:])
    assert (round(width / MM), round(height / MM)) == (210, 297)
    # Japan (Abe, Sato), then Taiwan (Chen, Wang), then others (Smith); never the pending one.
    first, second = texts
    order = [first.index(name) for name in ("YuiAbe", "佐藤健", "陳美玲", "王明")]
    assert order == sorted(order)
    assert "AnnaSmith" in second and "陳美玲" not in second
    assert "Pending" not in first + second


def test_sheet_pages_carry_crop_marks_on_the_cut_lines(five_accepted):
    reader, _texts = page_texts(badge_sheet_bytes(sheet_order(Registration.objects.all())))
    data = reader.pages[0].get_contents().get_data().decode("latin-1")
    lines = re.findall(r"([\d.]+) ([\d.]+) m ([\d.]+) ([\d.]+) l S", data)
    # The vertical cut at x = 105 mm, marked at the top and bottom edges of the page.
    vertical = [line for line in lines if line[0] == line[2] and abs(float(line[0]) - 105 * MM) < 0.1]
    assert len(vertical) >= 3
    horizontal = [line for line in lines if line[1] == line[3]]
    assert len(horizontal) >= 7


def test_an_empty_list_gives_one_empty_page_not_an_error():
    reader, texts = page_texts(badge_sheet_bytes(sheet_order(Registration.objects.none())))
    assert len(reader.pages) == 1


def test_an_organizer_prints_every_badge_of_an_edition_through_the_task_queue(
    five_accepted, organizer_client, django_capture_on_commit_callbacks, private_files
):
    url = reverse("admin:delegates_editionlogistics_badges", args=[five_accepted.pk])
    confirm = organizer_client.get(url)
    assert "5 accepted delegates" in confirm.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = organizer_client.post(url)
    sheet = BadgeSheet.objects.get()
    assert response.url == reverse("admin:delegates_badgesheet_change", args=[sheet.pk])
    assert (sheet.status, sheet.done, sheet.total, sheet.edition) == ("done", 5, 5, five_accepted)
    page = organizer_client.get(response.url).content.decode()
    download = reverse("admin:delegates_badgesheet_download", args=[sheet.pk])
    assert download in page
    assert 'http-equiv="refresh"' not in page
    pdf = organizer_client.get(download)
    assert pdf["Content-Type"] == "application/pdf"
    reader, texts = page_texts(b"".join(pdf.streaming_content))
    assert len(reader.pages) == 2
    assert "王明" in texts[0]
    # Private storage, under no public URL; deleting the sheet deletes the file.
    files = list((private_files / "badge-sheets").iterdir())
    assert len(files) == 1
    organizer_client.post(reverse("admin:delegates_badgesheet_delete", args=[sheet.pk]), {"post": "yes"})
    assert list((private_files / "badge-sheets").iterdir()) == []
    assert BadgeSheet.objects.count() == 0


def test_a_sheet_in_progress_shows_its_progress_and_reloads(five_accepted, organizer_client):
    sheet = BadgeSheet.objects.create(edition=five_accepted, total=300, done=120, status=BadgeSheet.Status.RUNNING)
    page = organizer_client.get(reverse("admin:delegates_badgesheet_change", args=[sheet.pk])).content.decode()
    assert '<progress max="300" value="120">40%</progress> 120 / 300' in page
    assert '<meta http-equiv="refresh" content="3">' in page
    assert organizer_client.get(reverse("admin:delegates_badgesheet_download", args=[sheet.pk])).status_code == 404


def test_the_filtered_registration_list_prints_as_a_sheet(
    five_accepted, organizer_client, django_capture_on_commit_callbacks
):
    taiwan = Registration.objects.filter(person__side=Side.TAIWAN)
    with django_capture_on_commit_callbacks(execute=True):
        response = organizer_client.post(
            reverse("admin:delegates_registration_changelist") + "?person__side__exact=taiwan",
            {
                "action": "print_badge_sheet",
                "_selected_action": [str(pk) for pk in taiwan.values_list("pk", flat=True)],
            },
        )
    sheet = BadgeSheet.objects.get()
    assert response.status_code == 302
    assert (sheet.status, sheet.total) == ("done", 2)
    assert sheet.registration_ids == list(sheet_order(taiwan).values_list("pk", flat=True))


def test_only_staff_download_sheets(five_accepted, client):
    sheet = BadgeSheet.objects.create(edition=five_accepted, total=0, status=BadgeSheet.Status.DONE, file_name="x.pdf")
    response = client.get(reverse("admin:delegates_badgesheet_download", args=[sheet.pk]))
    assert response.status_code == 302
    assert "/login/" in response.url
