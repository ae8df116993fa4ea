import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from events.models import Edition, ordinal_label
from tests.factories import make_edition, make_resolution, make_series, make_session, make_speech

pytestmark = pytest.mark.django_db


def _violates(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_edition_ordinal_is_unique_within_a_series():
    series = make_series()
    make_edition(series, ordinal=11)
    _violates(lambda: make_edition(series, ordinal=11, slug="another"))
    # The same ordinal in another series is fine.
    assert make_edition(make_series(), ordinal=11).ordinal == 11


def test_edition_cannot_end_before_it_starts():
    _violates(lambda: make_edition(start_date=datetime.date(2025, 5, 2), end_date=datetime.date(2025, 5, 1)))


def test_edition_ordinal_must_be_positive():
    _violates(lambda: make_edition(ordinal=0, slug="zero"))


def test_edition_registration_window_must_be_ordered():
    opens = timezone.now()
    _violates(
        lambda: make_edition(registration_opens_at=opens, registration_closes_at=opens - datetime.timedelta(hours=1))
    )


def test_edition_status_must_be_a_known_one():
    _violates(lambda: make_edition(status="postponed"))


def test_session_cannot_end_before_it_starts():
    edition = make_edition()
    starts = timezone.now()
    _violates(lambda: make_session(edition, starts_at=starts, ends_at=starts - datetime.timedelta(minutes=5)))


def test_resolution_number_is_unique_within_an_edition():
    edition = make_edition()
    make_resolution(edition, number=1)
    _violates(lambda: make_resolution(edition, number=1))
    assert make_resolution(make_edition(), number=1).number == 1


def test_speech_slug_is_unique_within_an_edition():
    edition = make_edition()
    make_speech(edition, slug="opening")
    _violates(lambda: make_speech(edition, slug="opening"))


def test_previous_and_next_follow_the_ordinal():
    series = make_series()
    tenth, eleventh, twelfth = (make_edition(series, ordinal=n) for n in (10, 11, 12))
    assert (eleventh.previous, eleventh.next) == (tenth, twelfth)
    assert tenth.previous is None
    assert twelfth.next is None


def test_registration_is_open_only_in_status_and_window():
    now = timezone.now()
    hour = datetime.timedelta(hours=1)
    edition = make_edition(status=Edition.Status.REGISTRATION_OPEN)
    assert edition.is_registration_open(now) is True
    edition.registration_opens_at = now + hour
    assert edition.is_registration_open(now) is False
    edition.registration_opens_at, edition.registration_closes_at = now - hour, now
    assert edition.is_registration_open(now) is False
    edition.registration_closes_at = now + hour
    assert edition.is_registration_open(now) is True
    edition.status = Edition.Status.REGISTRATION_CLOSED
    assert edition.is_registration_open(now) is False


def test_editions_accepting_registrations_are_open_and_in_their_window():
    now = timezone.now()
    hour = datetime.timedelta(hours=1)
    series = make_series()
    open_now = make_edition(series, status=Edition.Status.REGISTRATION_OPEN, registration_closes_at=now + hour)
    make_edition(series, status=Edition.Status.REGISTRATION_OPEN, registration_opens_at=now + hour)
    make_edition(series, status=Edition.Status.REGISTRATION_OPEN, registration_closes_at=now - hour)
    make_edition(series, status=Edition.Status.REGISTRATION_CLOSED)
    assert list(Edition.objects.accepting_registrations(now)) == [open_now]


def test_the_queryset_and_the_method_decide_registration_is_open_the_same_way():
    now = timezone.now()
    hour = datetime.timedelta(hours=1)
    series = make_series()
    windows = [(None, None), (now - hour, None), (now + hour, None), (None, now + hour), (None, now - hour)]
    for status in Edition.Status.values:
        for opens, closes in windows:
            make_edition(series, status=status, registration_opens_at=opens, registration_closes_at=closes)
    accepting = set(Edition.objects.accepting_registrations(now))
    assert accepting == {edition for edition in Edition.objects.all() if edition.is_registration_open(now)}
    assert len(accepting) == 3
    states = {edition.registration_state(now) for edition in Edition.objects.all()}
    assert states == {"open", "closed", "not_yet", "not_yet_announced", "held", "cancelled"}


def test_start_date_must_fall_in_the_edition_year():
    edition = make_edition(year=2026)
    edition.start_date = datetime.date(2027, 1, 1)
    with pytest.raises(Exception) as error:
        edition.full_clean()
    assert "start_date" in error.value.message_dict


@pytest.mark.parametrize(
    ("language", "labels"),
    [
        ("en", ["1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "112th"]),
        ("ja", ["第1回", "第2回", "第3回", "第4回", "第11回", "第12回", "第13回", "第21回", "第112回"]),
        ("zh-hant", ["第1屆", "第2屆", "第3屆", "第4屆", "第11屆", "第12屆", "第13屆", "第21屆", "第112屆"]),
    ],
)
def test_ordinal_label_in_each_language(language, labels):
    with translation.override(language):
        assert [ordinal_label(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 112)] == labels


def test_missing_translation_falls_back_to_english():
    edition = make_edition(host_city_en="Nagoya", host_city_ja="名古屋", host_city_zh_hant="")
    with translation.override("ja"):
        assert edition.host_city == "名古屋"
    with translation.override("zh-hant"):
        assert edition.host_city == "Nagoya"
