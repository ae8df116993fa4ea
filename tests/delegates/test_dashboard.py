import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from delegates.dashboard import Share, bar_chart_svg, cumulative_line_svg, edition_dashboard
from delegates.models import Category, Registration, RegistrationStatusChange, Side
from tests.factories import make_edition, make_person, make_registration

pytestmark = pytest.mark.django_db
Status = Registration.Status
NOW = timezone.now()


def _registration(
    edition, status, side=Side.JAPAN, category=Category.LOCAL_COUNCILOR, confirmed=True, checked_in=False
):
    registration = make_registration(
        edition,
        make_person(side=side, category=category),
        status=status,
        confirmed_at=NOW if confirmed else None,
        checked_in_at=NOW if checked_in else None,
    )
    return registration


@pytest.fixture
def nagoya():
    edition = make_edition(host_city_en="Nagoya", capacity=5, status="registration_open")
    _registration(edition, Status.ACCEPTED, Side.TAIWAN, Category.NATIONAL_LEGISLATOR, checked_in=True)
    _registration(edition, Status.ACCEPTED, Side.TAIWAN, Category.LOCAL_COUNCILOR)
    _registration(edition, Status.ACCEPTED, Side.JAPAN, Category.LOCAL_COUNCILOR, checked_in=True)
    _registration(edition, Status.WAITLISTED, Side.JAPAN, Category.CIVIC_GROUP)
    _registration(edition, Status.WAITLISTED, Side.OTHER, Category.ACADEMIC)
    _registration(edition, Status.PENDING, Side.JAPAN, Category.BUSINESS)
    _registration(edition, Status.UNCONFIRMED, Side.TAIWAN, Category.CIVIC_GROUP, confirmed=False)
    _registration(edition, Status.CANCELLED, Side.JAPAN, Category.PRESS)
    # Another edition's registrations never count.
    other = make_edition(series=edition.series)
    _registration(other, Status.ACCEPTED, Side.TAIWAN, checked_in=True)
    return edition


def test_figures_are_those_of_the_database(nagoya):
    dashboard = edition_dashboard(nagoya)
    assert dashboard.total == 8
    assert {share.value: share.count for share in dashboard.by_status} == {
        "unconfirmed": 1,
        "pending": 1,
        "accepted": 3,
        "waitlisted": 2,
        "rejected": 0,
        "cancelled": 1,
    }
    assert {share.value: share.count for share in dashboard.by_side} == {"japan": 4, "taiwan": 3, "other": 1}
    assert {share.value: share.count for share in dashboard.by_category} == {
        "national_legislator": 1,
        "local_councilor": 2,
        "government_official": 0,
        "civic_group": 2,
        "business": 1,
        "academic": 1,
        "press": 1,
        "other": 0,
    }
    assert (dashboard.accepted, dashboard.capacity, dashboard.places_left) == (3, 5, 2)
    assert dashboard.capacity_progress.percent == 60
    assert dashboard.waiting_list == 2
    # Confirmation counts every registration not cancelled: 6 of 7 confirmed their e-mail.
    assert (dashboard.confirmation.done, dashboard.confirmation.total) == (6, 7)
    assert (dashboard.check_in.done, dashboard.check_in.total, dashboard.check_in.percent) == (2, 3, 67)
    assert sum(count for _day, count in dashboard.daily) == 8


def test_each_figure_agrees_with_a_direct_query(nagoya):
    """The same numbers counted a second, independent way."""
    dashboard = edition_dashboard(nagoya)
    registrations = Registration.objects.filter(edition=nagoya)
    for share in dashboard.by_status:
        assert share.count == registrations.filter(status=share.value).count()
    for share in dashboard.by_side:
        assert share.count == registrations.filter(person__side=share.value).count()
    for share in dashboard.by_category:
        assert share.count == registrations.filter(person__category=share.value).count()
    assert dashboard.waiting_list == registrations.filter(status="waitlisted").count()


def test_registrations_over_time_count_per_day(db):
    edition = make_edition()
    days = [
        datetime.datetime(2026, 5, 1, 10, tzinfo=datetime.UTC),
        datetime.datetime(2026, 5, 3, 10, tzinfo=datetime.UTC),
    ]
    for when, count in zip(days, [2, 1], strict=True):
        for _ in range(count):
            Registration.objects.filter(pk=make_registration(edition).pk).update(created_at=when)
    assert edition_dashboard(edition).daily == [(datetime.date(2026, 5, 1), 2), (datetime.date(2026, 5, 3), 1)]


def test_latest_activity_lists_the_newest_status_changes(nagoya, organizer):
    registration = Registration.objects.filter(edition=nagoya, status=Status.ACCEPTED).first()
    RegistrationStatusChange.objects.create(
        registration=registration, from_status="pending", to_status="accepted", actor="organizer", user=organizer
    )
    RegistrationStatusChange.objects.create(
        registration=registration, from_status="", to_status="pending", actor="delegate"
    )
    latest = edition_dashboard(nagoya).latest_activity
    assert [(change.to_status, change.actor) for change in latest] == [
        ("pending", "delegate"),
        ("accepted", "organizer"),
    ]


def test_dashboard_page_shows_the_figures_and_charts(organizer_client, nagoya, django_assert_max_num_queries):
    url = reverse("admin:delegates_registration_dashboard", args=[nagoya.pk])
    with django_assert_max_num_queries(16):
        response = organizer_client.get(url)
    page = response.content.decode()
    assert response.status_code == 200
    assert '<span class="figure-value" data-figure="total">8</span>' in page
    assert '<span class="figure-value" data-figure="accepted">3 / 5</span>' in page
    assert '<span class="figure-value" data-figure="waiting-list">2</span>' in page
    assert '<span class="figure-value" data-figure="confirmed">6 / 7</span>' in page
    assert '<span class="figure-value" data-figure="checked-in">2 / 3</span>' in page
    assert "2 places left" in page
    assert page.count('class="chart chart-') == 3
    assert 'aria-label="Registrations over time, 8 in all"' in page
    assert 'aria-label="Japan: 4, Taiwan: 3, Other: 1"' in page


def test_dashboard_query_count_does_not_grow_with_registrations(
    organizer_client, nagoya, django_assert_max_num_queries
):
    for _ in range(30):
        _registration(nagoya, Status.PENDING)
    url = reverse("admin:delegates_registration_dashboard", args=[nagoya.pk])
    with django_assert_max_num_queries(16):
        response = organizer_client.get(url)
    assert '<span class="figure-value" data-figure="total">38</span>' in response.content.decode()


def test_dashboard_without_edition_id_opens_the_edition_taking_registrations(organizer_client, nagoya):
    make_edition(series=nagoya.series, status="held")
    response = organizer_client.get(reverse("admin:delegates_registration_dashboard"))
    assert response.context["edition"] == nagoya


def test_dashboard_in_japanese(organizer_client, nagoya):
    url = reverse("admin:delegates_registration_dashboard", args=[nagoya.pk])
    response = organizer_client.get(url, headers={"accept-language": "ja"})
    assert "キャンセル待ち" in response.content.decode()


def test_dashboard_with_no_registrations(organizer_client, db):
    edition = make_edition(capacity=None)
    response = organizer_client.get(reverse("admin:delegates_registration_dashboard", args=[edition.pk]))
    page = response.content.decode()
    assert '<span class="figure-value" data-figure="total">0</span>' in page
    assert "No registrations yet." in page


def test_charts_escape_labels_and_scale():
    svg = bar_chart_svg([Share(label="<b>x</b>", count=2, value="a"), Share(label="y", count=1, value="b")])
    assert "&lt;b&gt;x&lt;/b&gt;" in svg
    assert 'width="316.0"' in svg and 'width="158.0"' in svg
    assert cumulative_line_svg([]) == ""
