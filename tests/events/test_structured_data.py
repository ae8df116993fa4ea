"""What the edition pages publish as JSON-LD and the feed as dates: only what is known."""

import datetime

import feedparser
import pytest
from django.utils import timezone, translation

from events.models import Edition, Resolution
from events.structured_data import edition_json_ld
from tests.factories import make_edition, make_person, make_resolution, make_series, make_speech

SITE_URL = "https://summit.example.org"
QUERIES = 9


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE_URL


def _dated_edition(**fields):
    values = {
        "series": make_series(name_en="Japan–Taiwan Exchange Summit", name_ja="日台交流サミット"),
        "slug": "nagoya-2026",
        "ordinal": 12,
        "year": 2026,
        "host_city_en": "Nagoya",
        "host_city_ja": "名古屋",
        "country": Edition.Country.JAPAN,
        "start_date": datetime.date(2026, 9, 1),
        "end_date": datetime.date(2026, 9, 2),
    }
    return make_edition(**{**values, **fields})


def test_an_edition_without_a_start_date_publishes_no_event(db):
    assert edition_json_ld(make_edition(start_date=None, venue_en="Hall", summary_en="Known.")) is None


def test_a_dated_edition_publishes_every_required_and_recommended_property_it_knows(db):
    edition = _dated_edition(venue_en="Nagoya Congress Center", summary_en="The 12th summit.", region_en="Chubu")
    public, private = make_person(is_public_figure=True), make_person()
    with translation.override("ja"):
        data = edition_json_ld(edition, speakers=[public, private, public])
    assert data == {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": "第12回 日台交流サミット",
        "url": f"{SITE_URL}/ja/editions/nagoya-2026/",
        "inLanguage": "ja",
        "startDate": "2026-09-01",
        "endDate": "2026-09-02",
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "location": {
            "@type": "Place",
            "address": {"@type": "PostalAddress", "addressLocality": "名古屋", "addressCountry": "JP"},
            "name": "Nagoya Congress Center",
        },
        "organizer": {"@type": "Organization", "name": "日台交流サミット", "url": f"{SITE_URL}/ja/"},
        "description": "The 12th summit.",
        "performer": [{"@type": "Person", "name": public.full_name, "url": f"{SITE_URL}/ja/people/{public.slug}/"}],
    }


def test_an_unknown_venue_gives_a_place_without_a_name_and_a_region_is_no_address_region(db):
    edition = _dated_edition(region_en="Kanto", country=Edition.Country.OTHER, end_date=None)
    data = edition_json_ld(edition)
    assert data["location"] == {"@type": "Place", "address": {"@type": "PostalAddress", "addressLocality": "Nagoya"}}
    assert (data["startDate"], data["endDate"]) == ("2026-09-01", "2026-09-01")
    assert "description" not in data and "performer" not in data


def test_the_theme_describes_an_edition_without_a_summary(db):
    assert edition_json_ld(_dated_edition(theme_en="Supply chains"))["description"] == "Supply chains"


def test_the_edition_page_embeds_the_event_once_dated(client, db):
    edition = _dated_edition()
    make_speech(edition, speaker=make_person(is_public_figure=True))
    page = client.get("/en/editions/nagoya-2026/").content.decode()
    assert page.count('<script type="application/ld+json">{"@context": "https://schema.org", "@type": "Event"') == 1
    assert '"startDate": "2026-09-01"' in page


@pytest.mark.parametrize("speakers", [1, 5])
def test_edition_page_queries_do_not_grow_with_its_speakers(client, db, django_assert_num_queries, speakers):
    edition = _dated_edition()
    for _ in range(speakers):
        make_speech(edition, speaker=make_person(is_public_figure=True))
    with django_assert_num_queries(QUERIES):
        assert client.get("/en/editions/nagoya-2026/").status_code == 200


# --- Feed dates ---------------------------------------------------------------------------


def _entries(client):
    return {entry.link: entry for entry in feedparser.parse(client.get("/en/resolutions/feed/").content).entries}


def test_feed_entries_take_their_dates_from_the_resolution_and_its_edition(client, db):
    held = _dated_edition(slug="held-2024", ordinal=10, year=2024, start_date=datetime.date(2024, 6, 1), end_date=None)
    make_resolution(held, number=1, status=Resolution.Status.ADOPTED, status_changed_on=datetime.date(2024, 7, 1))
    make_resolution(held, number=2)
    entries = _entries(client)
    adopted = entries[f"{SITE_URL}/en/editions/held-2024/resolutions/1/"]
    draft = entries[f"{SITE_URL}/en/editions/held-2024/resolutions/2/"]
    assert (adopted.published, adopted.updated) == ("2024-06-01T00:00:00+09:00", "2024-07-01T00:00:00+09:00")
    assert (draft.published, draft.updated) == ("2024-06-01T00:00:00+09:00", "2024-06-01T00:00:00+09:00")


def test_a_resolution_without_known_dates_has_no_published_date(client, db):
    undated = make_edition(slug="undated", start_date=None)
    resolution = make_resolution(undated, number=1)
    entry = _entries(client)[f"{SITE_URL}/en/editions/undated/resolutions/1/"]
    assert "published" not in entry
    # Atom requires <updated>: with no date of its own, the last change of the record.
    assert entry.updated == resolution.updated_at.isoformat()


def test_an_edition_still_ahead_gives_no_dates_from_the_future(client, db):
    ahead = timezone.localdate() + datetime.timedelta(days=400)
    edition = make_edition(slug="ahead", start_date=ahead, year=ahead.year)
    resolution = make_resolution(edition, number=1)
    entry = _entries(client)[f"{SITE_URL}/en/editions/ahead/resolutions/1/"]
    assert "published" not in entry
    assert entry.updated == resolution.updated_at.isoformat()
