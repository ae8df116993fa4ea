"""Absolute addresses come from SITE_URL, never from the request's Host header, and links
built from the request's path never leave the site.

Public pages are cached whole and shared between visitors, so whatever one request's Host
header could put into a page would be served to everyone after it.
"""

import datetime
import json
import re

import pytest
from django.urls import reverse
from django.utils import translation

from events.links import is_local_path
from events.models import Edition
from events.views import PAGE_SIZE
from tests.factories import make_resolution

SITE_URL = "https://summit.example.org"
FORGED_HOST = "127.0.0.1:6666"


@pytest.fixture
def site(demo, settings):
    settings.SITE_URL = SITE_URL
    settings.ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]


def _path(name, language="en", **kwargs):
    with translation.override(language):
        return reverse(name, kwargs=kwargs)


def _absolute_urls(text):
    return sorted(set(re.findall(r"https?://[^\s\"'<>]+", text)))


def _links(page):
    """Every href of <a> and <link>, and the og:url."""
    return re.findall(r'<(?:a|link)\b[^>]*?\shref="([^"]*)"', page) + re.findall(
        r'<meta property="og:url" content="([^"]*)"', page
    )


PAGES = [
    ("events:home", {}),
    ("events:edition_detail", {"slug": "kamakura-2025"}),
    ("events:speech_detail", {"edition_slug": "kamakura-2025", "slug": "william-lai-video-message"}),
    ("events:resolution_detail", {"edition_slug": "kamakura-2025", "number": 1}),
    ("events:resolution_list", {}),
    ("events:topic_list", {}),
    ("events:topic_detail", {"slug": "democratic-supply-chain"}),
    ("events:person_detail", {"slug": "william-lai"}),
    ("events:search", {}),
    ("events:resolution_feed", {}),
    ("events:api_edition_list", {}),
    ("events:api_resolution_list", {}),
    ("events:api_speech_list", {}),
]


@pytest.mark.parametrize("language", ["en", "ja", "zh-hant"])
@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_absolute_urls_on_public_pages_come_from_site_url(client, site, name, kwargs, language):
    response = client.get(_path(name, language, **kwargs), HTTP_HOST=FORGED_HOST)
    assert response.status_code == 200
    urls = _absolute_urls(response.content.decode())
    assert urls
    # Every address on the site is SITE_URL's; other absolute URLs are schema and namespace names.
    assert [url for url in urls if "6666" in url or "testserver" in url or "127.0.0.1" in url] == []
    assert any(url.startswith(f"{SITE_URL}/{language}/") for url in urls)


def test_a_forged_host_cannot_poison_the_shared_page_cache(client, site):
    path = _path("events:edition_detail", slug="kamakura-2025")
    poisoned = client.get(path, HTTP_HOST=FORGED_HOST)
    served = client.get(path)
    assert served.content == poisoned.content  # served from the cache the first request filled
    page = served.content.decode()
    assert FORGED_HOST not in page
    assert f'<link rel="canonical" href="{SITE_URL}/en/editions/kamakura-2025/">' in page
    assert f'<meta property="og:url" content="{SITE_URL}/en/editions/kamakura-2025/">' in page
    assert f'<link rel="alternate" hreflang="ja" href="{SITE_URL}/ja/editions/kamakura-2025/">' in page
    assert f'<link rel="alternate" hreflang="x-default" href="{SITE_URL}/editions/kamakura-2025/">' in page


def test_sitemap_and_robots_use_site_url(client, site):
    sitemap = client.get("/sitemap.xml", HTTP_HOST=FORGED_HOST).content.decode()
    locations = re.findall(r"<loc>([^<]*)</loc>", sitemap) + re.findall(r'<xhtml:link[^>]*href="([^"]*)"', sitemap)
    assert len(locations) > 50
    assert [url for url in locations if not url.startswith(f"{SITE_URL}/")] == []
    robots = client.get("/robots.txt", HTTP_HOST=FORGED_HOST).content.decode()
    assert robots == f"User-agent: *\nDisallow: /admin/\nSitemap: {SITE_URL}/sitemap.xml\n"


def test_api_urls_and_next_links_use_site_url(client, site):
    edition = Edition.objects.get(slug="kamakura-2025")
    for number in range(10, 70):
        make_resolution(edition, number=number)
    data = json.loads(client.get(_path("events:api_resolution_list", "ja"), HTTP_HOST=FORGED_HOST).content)
    assert data["next"] == f"{SITE_URL}/ja/api/resolutions/?page=2"
    assert {row["url"].split("/editions/")[0] for row in data["results"]} == {f"{SITE_URL}/ja"}


def test_calendar_uid_is_the_same_under_every_host_name(client, site):
    edition = Edition.objects.get(slug="kamakura-2025")
    edition.start_date = datetime.date(2025, 10, 1)  # the demo's date is unknown; a calendar needs one
    edition.save()
    path = _path("events:edition_calendar", slug="kamakura-2025")
    first = client.get(path, HTTP_HOST=FORGED_HOST).content.decode()
    second = client.get(path, HTTP_HOST="localhost").content.decode()
    assert "UID:edition-kamakura-2025@summit.example.org" in first
    assert "UID:edition-kamakura-2025@summit.example.org" in second
    assert f"URL:{SITE_URL}/en/editions/kamakura-2025/" in first


# --- Links built from the request's path --------------------------------------------------

HOSTILE_PATHS = [
    "/%2F%2Fevil.example/",
    "/en//evil.example/",
    "/en/%2F%2Fevil.example/",
    "/ja/%5Cevil.example/",
    "/en/%2F%5Cevil.example/",
    "/en/resolutions/%2F%2Fevil.example/",
]


@pytest.mark.parametrize("path", HOSTILE_PATHS)
def test_links_built_from_a_hostile_path_stay_on_the_site(client, site, path):
    response = client.get(path, follow=True)
    assert response.status_code == 404
    page = response.content.decode()
    links = _links(page)
    assert links
    off_site = [link for link in links if not (is_local_path(link) or link.startswith((f"{SITE_URL}/", "#")))]
    assert off_site == []
    assert "evil.example" not in page.split("<main")[0]  # nothing in the head or the switcher


def test_switcher_on_a_hostile_path_offers_each_home_page(client, site):
    page = client.get("/%2F%2Fevil.example/", follow=True).content.decode()
    assert '<a href="/en/" hreflang="en" lang="en" aria-current="true">English</a>' in page
    assert '<a href="/ja/" hreflang="ja" lang="ja">日本語</a>' in page
    assert 'href="///evil.example/"' not in page


def test_no_x_default_to_another_host(client, site):
    page = client.get("/en//evil.example/").content.decode()
    assert "http://evil.example/" not in page
    assert 'hreflang="x-default"' not in page


@pytest.mark.parametrize(
    "url",
    ["//evil.example/", "///evil.example/", "/\\evil.example/", "http://evil.example/", "https:evil", "", "en/"],
)
def test_is_local_path_refuses_anything_off_the_site(url):
    assert is_local_path(url) is False


def test_is_local_path_accepts_site_paths():
    assert [is_local_path(url) for url in ("/", "/en/", "/en/resolutions/?status=adopted")] == [True, True, True]


# --- 404 pages and filtered lists ---------------------------------------------------------


@pytest.mark.parametrize("path", ["/en/missing/", "/ja/editions/nowhere/", "/zh-hant/people/nobody/"])
def test_a_404_declares_no_alternates_or_canonical(client, site, path):
    response = client.get(path)
    page = response.content.decode()
    assert response.status_code == 404
    assert '<link rel="alternate" hreflang' not in page
    assert 'rel="canonical"' not in page
    assert '<meta name="robots" content="noindex">' in page


@pytest.mark.parametrize(
    ("query", "canonical"),
    [
        ("", "/en/resolutions/"),
        ("?status=adopted", "/en/resolutions/"),
        ("?status=adopted&topic=democratic-supply-chain&page=2", "/en/resolutions/"),
        # The demo's resolutions fit on one page: a page past the end shows the last one.
        ("?page=2", "/en/resolutions/"),
        ("?page=1", "/en/resolutions/"),
        ("?page=x", "/en/resolutions/"),
        ("?page=02", "/en/resolutions/"),
        ("?page=%C2%B2", "/en/resolutions/"),
        ("?page=" + "9" * 5000, "/en/resolutions/"),
    ],
)
def test_filtered_lists_are_canonical_to_the_unfiltered_list(client, site, query, canonical):
    page = client.get(f"/en/resolutions/{query}").content.decode()
    assert f'<link rel="canonical" href="{SITE_URL}{canonical}">' in page
    assert f'<meta property="og:url" content="{SITE_URL}{canonical}">' in page
    # The alternates name the canonical page in each language.
    japanese = canonical.replace("/en/", "/ja/")
    assert f'<link rel="alternate" hreflang="ja" href="{SITE_URL}{japanese}">' in page
    assert f'<link rel="alternate" hreflang="x-default" href="{SITE_URL}{canonical.replace("/en/", "/")}">' in page


def test_the_switcher_keeps_the_filters(client, site):
    page = client.get("/en/resolutions/?status=adopted").content.decode()
    assert '<a href="/ja/resolutions/?status=adopted" hreflang="ja" lang="ja">日本語</a>' in page


@pytest.mark.parametrize(
    "path", ["/en/registration/some-token/", "/en/registration/confirm/some-token/", "/ja/registration/x/cancel/"]
)
def test_pages_behind_a_personal_link_declare_no_canonical_or_alternates(client, site, path):
    page = client.get(path).content.decode()
    assert 'rel="canonical"' not in page
    assert '<link rel="alternate" hreflang' not in page
    assert "og:url" not in page


def test_a_later_page_that_exists_keeps_its_number_in_the_canonical_link(client, site):
    edition = Edition.objects.get(slug="kamakura-2025")
    for number in range(100, 100 + PAGE_SIZE):
        make_resolution(edition, number=number)
    page = client.get("/en/resolutions/?page=2").content.decode()
    assert f'<link rel="canonical" href="{SITE_URL}/en/resolutions/?page=2">' in page
