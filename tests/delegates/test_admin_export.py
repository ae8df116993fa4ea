import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from delegates.exports import neutralize_formula
from delegates.models import Side
from tests.factories import make_edition, make_person, make_registration

pytestmark = pytest.mark.django_db
URL = reverse("admin:delegates_registration_export")


def _csv(response):
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+81 3 1234", "'+81 3 1234"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("李逸洋", "李逸洋"),
        ("Vegetarian = no fish", "Vegetarian = no fish"),
        ("", ""),
        (None, ""),
    ],
)
def test_formula_cells_are_neutralized(value, expected):
    assert neutralize_formula(value) == expected


def test_export_follows_the_changelist_filters_and_has_the_needed_columns(organizer_client):
    edition = make_edition(host_city_en="Nagoya", ordinal=12)
    lee = make_person(
        given_name="Yi-yang",
        family_name="Lee",
        family_name_first=True,
        native_name="李逸洋",
        side=Side.TAIWAN,
        organization_zh_hant="立法院",
        email="lee@example.tw",
    )
    make_registration(
        edition,
        lee,
        status="accepted",
        interpretation_language="ja",
        dietary_needs="=1+1 vegetarian",
        accessibility_needs="wheelchair",
        confirmed_at=timezone.now(),
    )
    make_registration(edition, make_person(side=Side.JAPAN), status="accepted")
    response = organizer_client.get(URL, {"edition__id__exact": edition.pk, "person__side__exact": "taiwan"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="registrations-')
    header, *rows = _csv(response)
    assert len(rows) == 1
    row = dict(zip(header, rows[0], strict=True))
    assert row["Edition"] == "12"
    assert row["Status"] == "Accepted"
    assert (row["Family name"], row["Given name"], row["Family name first"]) == ("Lee", "Yi-yang", "yes")
    assert row["Name in native script"] == "李逸洋"
    assert row["Organization (Chinese)"] == "立法院"
    assert row["Side"] == "Taiwan"
    assert row["E-mail"] == "lee@example.tw"
    assert row["Interpretation into"] == "Japanese"
    assert row["Dietary needs"] == "'=1+1 vegetarian"
    assert row["Accessibility needs"] == "wheelchair"
    assert row["Checked in at"] == ""


def test_export_search_matches_the_changelist(organizer_client):
    edition = make_edition()
    make_registration(edition, make_person(native_name="高市早苗"))
    make_registration(edition, make_person(native_name="李逸洋"))
    _header, *rows = _csv(organizer_client.get(URL, {"q": "早苗"}))
    assert [row[6] for row in rows] == ["高市早苗"]


def test_export_headings_in_the_organizers_language(organizer_client):
    make_registration(make_edition())
    header, *_rows = _csv(organizer_client.get(URL, headers={"accept-language": "ja"}))
    assert header[3] == "姓"


def test_changelist_links_to_the_filtered_export(organizer_client):
    page = organizer_client.get(reverse("admin:delegates_registration_changelist"), {"status__exact": "accepted"})
    assert f'href="{URL}?status__exact=accepted"' in page.content.decode()


@pytest.mark.parametrize("rows", [2, 20])
def test_export_query_count_is_bounded(organizer_client, rows, django_assert_max_num_queries):
    edition = make_edition()
    for _ in range(rows):
        make_registration(edition)
    with django_assert_max_num_queries(8):
        response = organizer_client.get(URL)
        _header, *lines = _csv(response)
    assert len(lines) == rows


@pytest.mark.parametrize("name", ["export", "compose"])
def test_malformed_filters_lead_back_to_the_list(organizer_client, name):
    make_registration(make_edition())
    make_edition()
    response = organizer_client.get(reverse(f"admin:delegates_registration_{name}"), {"edition__id__exact": "x"})
    assert (response.status_code, response["Location"]) == (
        302,
        reverse("admin:delegates_registration_changelist") + "?e=1",
    )
