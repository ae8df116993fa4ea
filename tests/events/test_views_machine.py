"""What machines read: the sitemap, the Atom feed, .ics calendars; and the page cache with
conditional GET."""

import datetime
import re
import time
from xml.etree import ElementTree

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation
from icalendar import Calendar

from events.models import Edition, Resolution, Topic
from events.page_cache import CONTENT_VERSION_KEY
from tests.factories import make_edition, make_person, make_public_record, make_session

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
ATOM = "{http://www.w3.org/2005/Atom}"


def _url(name, language="en", **kwargs):
    with translation.override(language):
        return reverse(name, kwargs=kwargs)


def test_sitemap_lists_every_public_page_in_every_language_with_alternates(client, demo):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ElementTree.fromstring(response.content)
    locations = [url.find(f"{SITEMAP}loc").text for url in root]
    # 3 index pages, 3 editions and their participants lists, 2 speeches, 3 resolutions, 10 topics,
    # 3 public people; 3 languages each.
    assert len(locations) == (3 + 3 + 3 + 2 + 3 + 10 + 3) * 3
    lai = "http://127.0.0.1:8000/ja/editions/kamakura-2025/speeches/william-lai-video-message/"
    assert lai in locations
    entry = root[locations.index(lai)]
    alternates = {link.get("hreflang"): link.get("href") for link in entry.findall(f"{XHTML}link")}
    assert alternates == {
        "en": "http://127.0.0.1:8000/en/editions/kamakura-2025/speeches/william-lai-video-message/",
        "ja": lai,
        "zh-hant": "http://127.0.0.1:8000/zh-hant/editions/kamakura-2025/speeches/william-lai-video-message/",
        # Unprefixed: the site sends each reader to their own language from there.
        "x-default": "http://127.0.0.1:8000/editions/kamakura-2025/speeches/william-lai-video-message/",
    }


def test_sitemap_leaves_out_people_who_are_not_public(client, demo):
    make_person(slug="private-person")
    assert b"private-person" not in client.get("/sitemap.xml").content


@pytest.mark.parametrize(
    ("language", "title"),
    [
        ("en", "11th · Joint statement 1: A democratic supply chain for peace and prosperity in the Indo-Pacific"),
        ("ja", "第11回 · 共同声明 1: インド太平洋の平和と繁栄のための民主主義のサプライチェーン"),
    ],
)
def test_resolution_feed_is_atom_in_each_language(client, demo, language, title):
    response = client.get(_url("events:resolution_feed", language))
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    root = ElementTree.fromstring(response.content)
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 3
    assert entries[0].find(f"{ATOM}title").text == title
    assert entries[0].find(f"{ATOM}link").get("href") == (
        f"http://127.0.0.1:8000/{language}/editions/kamakura-2025/resolutions/1/"
    )


def test_edition_calendar_has_the_edition_and_its_timed_sessions(client):
    edition = make_edition(
        slug="osaka-2027",
        year=2027,
        host_city_en="Osaka",
        venue_en="Osaka International Convention Center",
        start_date=datetime.date(2027, 10, 2),
        end_date=datetime.date(2027, 10, 3),
    )
    start = datetime.datetime(2027, 10, 2, 10, 0, tzinfo=datetime.UTC)
    make_session(edition, title_en="Opening", starts_at=start, ends_at=start + datetime.timedelta(hours=1))
    make_session(edition, title_en="Untimed")
    response = client.get(_url("events:edition_calendar", slug=edition.slug))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert [(str(event["summary"]), event.decoded("dtstart")) for event in events] == [
        (f"1st {edition.series.name}", datetime.date(2027, 10, 2)),
        ("Opening · Osaka 2027", start),
    ]
    assert events[0].decoded("dtend") == datetime.date(2027, 10, 4)
    assert str(events[0]["location"]) == "Osaka International Convention Center, Osaka"


def test_calendar_of_an_edition_without_dates_is_a_404(client, demo):
    assert client.get(_url("events:edition_calendar", slug="nagoya-2026")).status_code == 404


# --- Page cache and conditional GET ---------------------------------------------------


def test_a_cached_page_is_served_without_queries_until_content_changes(client, demo, django_assert_num_queries):
    url = _url("events:edition_detail", slug="kamakura-2025")
    client.get(url)
    with django_assert_num_queries(0):
        assert b"Kamakura" in client.get(url).content
    edition = Edition.objects.get(slug="kamakura-2025")
    edition.host_city_en = "Kamakura City"
    edition.save()
    assert b"Kamakura City" in client.get(url).content


def test_cache_is_kept_per_language(client, demo):
    assert "鎌倉" in client.get(_url("events:edition_detail", "ja", slug="kamakura-2025")).content.decode()
    assert "Kamakura" in client.get(_url("events:edition_detail", "en", slug="kamakura-2025")).content.decode()


def test_topic_changes_through_m2m_invalidate_the_cache(client, demo):
    url = _url("events:resolution_detail", edition_slug="kamakura-2025", number=2)
    assert b"/topics/robotics/" not in client.get(url).content
    Resolution.objects.get(edition__slug="kamakura-2025", number=2).topics.add(Topic.objects.get(slug="robotics"))
    assert b"/topics/robotics/" in client.get(url).content


def test_conditional_get_answers_304_by_etag_and_by_date(client, demo):
    url = _url("events:home")
    # The content last changed two minutes ago, so the changes "a minute later" below are not
    # in the future (Last-Modified never is).
    cache.set(CONTENT_VERSION_KEY, int((time.time() - 120) * 1_000_000), timeout=None)
    first = client.get(url)
    assert first["Cache-Control"] == "public, max-age=0, must-revalidate, s-maxage=30"
    assert client.get(url, headers={"if-none-match": first["ETag"]}).status_code == 304
    assert client.get(url, headers={"if-modified-since": first["Last-Modified"]}).status_code == 304
    # Unchanged content keeps its ETag even when the content version moves on.
    cache.set(CONTENT_VERSION_KEY, cache.get(CONTENT_VERSION_KEY) + 60_000_000)
    assert client.get(url, headers={"if-none-match": first["ETag"]}).status_code == 304
    Edition.objects.filter(slug="nagoya-2026").update(host_city_en="Nagoya City")
    cache.set(CONTENT_VERSION_KEY, cache.get(CONTENT_VERSION_KEY) + 60_000_000)
    assert client.get(url, headers={"if-none-match": first["ETag"]}).status_code == 200
    assert client.get(url, headers={"if-modified-since": first["Last-Modified"]}).status_code == 200


def test_visitors_with_a_session_are_neither_cached_nor_served_from_cache(client, demo, django_assert_max_num_queries):
    url = _url("events:home")
    client.get(url)
    client.cookies["sessionid"] = "anything"
    with django_assert_max_num_queries(5) as context:
        response = client.get(url)
    assert len(context.captured_queries) >= 2
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"


@pytest.mark.parametrize("size", [10, 1000])
def test_machine_endpoints_run_the_same_queries_at_10_and_1000_rows(client, django_assert_max_num_queries, size):
    record = make_public_record(size)
    held = record["held"]
    held.start_date = datetime.date(2015, 5, 1)
    held.save()
    endpoints = [
        (_url("events:resolution_feed"), 1),
        (_url("events:edition_calendar", slug=held.slug), 2),
        ("/sitemap.xml", 6),
    ]
    for url, bound in endpoints:
        with django_assert_max_num_queries(bound, info=url):
            response = client.get(url)
        assert response.status_code == 200, url


def test_feed_lists_at_most_fifty_entries(client):
    make_public_record(60)
    entries = re.findall(rb"<entry>", client.get(_url("events:resolution_feed")).content)
    assert len(entries) == 50


def test_content_version_moves_again_when_the_change_commits(django_capture_on_commit_callbacks):
    edition = make_edition()
    with django_capture_on_commit_callbacks(execute=True):
        edition.save()
        before_commit = cache.get(CONTENT_VERSION_KEY)
    assert cache.get(CONTENT_VERSION_KEY) > before_commit


def test_robots_txt_points_crawlers_at_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == (
        "User-agent: *\nDisallow: /admin/\nSitemap: http://127.0.0.1:8000/sitemap.xml\n"
    )
