"""Organizer reports from the travel details: every row and column against the database,
as streamed CSV and as a printable page, with a bounded number of queries."""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from delegates.logistics_reports import REPORTS
from delegates.models import Registration, Side
from events.models import Session
from tests.factories import (
    make_hotel,
    make_open_edition,
    make_person,
    make_registration,
    make_session,
    make_speech,
    make_travel_plan,
)

pytestmark = pytest.mark.django_db
TOKYO = datetime.timezone(datetime.timedelta(hours=9))


@pytest.fixture
def setup():
    edition = make_open_edition(slug="nagoya-2026")
    hotel_a = make_hotel(edition, name_en="Hotel A", order=1)
    hotel_b = make_hotel(edition, name_en="Hotel B", order=2)
    banquet = make_session(
        edition,
        title_en="Banquet",
        kind=Session.Kind.BANQUET,
        starts_at=datetime.datetime(2026, 6, 1, 19, tzinfo=TOKYO),
    )
    excursion = make_session(edition, title_en="Excursion", kind=Session.Kind.EXCURSION)
    plenary = make_session(
        edition,
        title_en="Plenary",
        kind=Session.Kind.PLENARY,
        starts_at=datetime.datetime(2026, 6, 1, 10, tzinfo=TOKYO),
    )
    make_speech(edition, session=plenary, language="ja")

    def delegate(family, native, side, interpretation="", dietary="", **plan):
        person = make_person(family_name=family, given_name="A", native_name=native, side=side)
        registration = make_registration(
            edition, person, status="accepted", interpretation_language=interpretation, dietary_needs=dietary
        )
        events = plan.pop("events", [])
        return make_travel_plan(registration, social_events=events, **plan)

    delegate(
        "Sato",
        "佐藤",
        Side.JAPAN,
        dietary="Vegetarian",
        arrival_date="2026-06-01",
        arrival_time="14:35",
        arrival_place="Centrair",
        arrival_carrier="JL 1",
        needs_shuttle=True,
        accommodation="hotel",
        hotel=hotel_a,
        check_in="2026-06-01",
        check_out="2026-06-03",
        events=[banquet],
    )
    delegate(
        "Wang",
        "王",
        Side.TAIWAN,
        interpretation="ja",
        dietary='=HYPERLINK("x")',
        arrival_date="2026-06-01",
        arrival_time="14:05",
        arrival_place="Centrair",
        arrival_carrier="CI 150",
        accommodation="hotel",
        hotel=hotel_a,
        check_in="2026-06-02",
        check_out="2026-06-03",
        events=[banquet, excursion],
    )
    delegate(
        "Lee",
        "李",
        Side.TAIWAN,
        interpretation="ja",
        arrival_date="2026-05-31",
        arrival_time="09:00",
        arrival_place="Nagoya Station",
        accommodation="hotel",
        hotel=hotel_b,
        check_in="2026-05-31",
        check_out="2026-06-01",
        events=[excursion],
    )
    delegate("Abe", "", Side.JAPAN)  # own arrangement, no arrival given
    cancelled = delegate(
        "Gone",
        "",
        Side.JAPAN,
        accommodation="hotel",
        hotel=hotel_b,
        check_in="2026-06-01",
        check_out="2026-06-02",
        events=[banquet],
        dietary="Halal",
    )
    Registration.objects.filter(pk=cancelled.registration_id).update(status="cancelled")
    return edition


def rows_of(slug, edition):
    return [REPORTS[slug].headings(), *REPORTS[slug].rows(edition)]


def test_arrivals_by_day_and_hour(setup):
    assert rows_of("arrivals", setup) == [
        [
            "Day",
            "Hour",
            "Time",
            "Airport or station",
            "Flight or train",
            "Name",
            "Name in native script",
            "Side",
            "Shuttle",
            "Hotel",
        ],
        ["2026-05-31", "09:00", "09:00", "Nagoya Station", "", "A Lee", "李", "Taiwan", "no", "Hotel B"],
        ["2026-06-01", "14:00", "14:05", "Centrair", "CI 150", "A Wang", "王", "Taiwan", "no", "Hotel A"],
        ["2026-06-01", "14:00", "14:35", "Centrair", "JL 1", "A Sato", "佐藤", "Japan", "yes", "Hotel A"],
        ["not given", "", "", "", "", "A Abe", "", "Japan", "no", "own arrangement"],
    ]


def test_rooming_list_has_one_row_per_guest_and_night(setup):
    assert rows_of("rooming", setup) == [
        ["Hotel", "Night", "Name", "Name in native script", "Side", "Check-in", "Check-out"],
        ["Hotel A", "2026-06-01", "A Sato", "佐藤", "Japan", "2026-06-01", "2026-06-03"],
        ["Hotel A", "2026-06-02", "A Sato", "佐藤", "Japan", "2026-06-01", "2026-06-03"],
        ["Hotel A", "2026-06-02", "A Wang", "王", "Taiwan", "2026-06-02", "2026-06-03"],
        ["Hotel B", "2026-05-31", "A Lee", "李", "Taiwan", "2026-05-31", "2026-06-01"],
    ]


def test_social_event_counts_leave_out_cancelled_delegates(setup):
    assert rows_of("social-events", setup) == [
        ["Social event", "Kind", "Starts", "Attending", "Japan", "Taiwan", "Other"],
        ["Banquet", "Banquet", "2026-06-01 19:00", 2, 1, 1, 0],
        ["Excursion", "Excursion", "to be announced", 2, 0, 2, 0],
    ]


def test_interpretation_needs_per_session_language(setup):
    # Two Taiwanese delegates need Japanese: not in the plenary, which is given in Japanese;
    # at the banquet one of them attends; at the excursion both.
    assert rows_of("interpretation", setup) == [
        ["Session", "Starts", "Languages spoken", "Into Japanese", "Into Mandarin Chinese", "Into English"],
        ["Plenary", "2026-06-01 10:00", "Japanese", 0, 0, 0],
        ["Banquet", "2026-06-01 19:00", "not known yet", 1, 0, 0],
        ["Excursion", "to be announced", "not known yet", 2, 0, 0],
    ]


def test_dietary_needs_per_meal_event(setup):
    assert rows_of("dietary", setup) == [
        ["Meal event", "Starts", "Name", "Name in native script", "Side", "Dietary needs"],
        ["Banquet", "2026-06-01 19:00", "A Sato", "佐藤", "Japan", "Vegetarian"],
        ["Banquet", "2026-06-01 19:00", "A Wang", "王", "Taiwan", '=HYPERLINK("x")'],
    ]


def test_csv_is_streamed_and_formula_safe(setup, organizer_client):
    response = organizer_client.get(reverse("admin:delegates_editionlogistics_report_csv", args=[setup.pk, "dietary"]))
    assert response.streaming
    assert response["Content-Disposition"].startswith('attachment; filename="dietary-nagoya-2026-')
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[2] == ["Banquet", "2026-06-01 19:00", "A Wang", "王", "Taiwan", '\'=HYPERLINK("x")']


def test_printable_page_groups_rows_under_their_headings(setup, organizer_client):
    page = organizer_client.get(
        reverse("admin:delegates_editionlogistics_report", args=[setup.pk, "rooming"])
    ).content.decode()
    assert "<h2>Hotel A · 2026-06-02</h2>" in page
    # Hotel A on 1 and 2 June, Hotel B on 31 May.
    assert page.count('<table data-report="rooming">') == 3
    assert "<td>A Wang</td>" in page


def test_reports_in_japanese(setup, organizer_client):
    response = organizer_client.get(
        reverse("admin:delegates_editionlogistics_report_csv", args=[setup.pk, "arrivals"]),
        headers={"accept-language": "ja"},
    )
    header = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()[0]
    assert header.startswith("日付,時間帯,時刻,空港・駅,便名・列車")


def test_unknown_report_and_staff_only(setup, organizer_client):
    from django.test import Client

    client = Client()
    assert (
        organizer_client.get(reverse("admin:delegates_editionlogistics_report", args=[setup.pk, "nope"])).status_code
        == 404
    )
    assert (
        client.get(reverse("admin:delegates_editionlogistics_report", args=[setup.pk, "arrivals"])).status_code == 302
    )


@pytest.mark.parametrize("slug", list(REPORTS))
@pytest.mark.parametrize("extra", [0, 5])
def test_query_count_does_not_grow_with_the_delegates(setup, organizer_client, django_assert_num_queries, slug, extra):
    for _ in range(extra):
        registration = make_registration(setup, status="accepted", dietary_needs="Vegan")
        make_travel_plan(registration, social_events=Session.objects.filter(kind=Session.Kind.BANQUET))
    expected = {"arrivals": 1, "rooming": 1, "social-events": 1, "interpretation": 5, "dietary": 2}[slug]
    url = reverse("admin:delegates_editionlogistics_report_csv", args=[setup.pk, slug])
    response = organizer_client.get(url)
    with django_assert_num_queries(expected):
        b"".join(response.streaming_content)
