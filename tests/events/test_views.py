"""The public pages in the three languages: what a reader sees, and what they never see."""

import datetime
import html as html_module
import re

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.views.defaults import server_error

from delegates.models import Category, Registration, Side
from events.models import Edition, Resolution, Speech
from events.search import script_variants
from tests.factories import (
    make_edition,
    make_follow_up,
    make_person,
    make_public_record,
    make_registration,
    make_resolution,
    make_series,
    make_session,
    make_speech,
    make_topic,
    make_vetted,
)

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "ja", "zh-hant"]


def _url(name, language="en", **kwargs):
    with translation.override(language):
        return reverse(name, kwargs=kwargs)


def _page(client, name, language="en", query="", **kwargs):
    response = client.get(_url(name, language, **kwargs) + query)
    assert response.status_code == 200
    return response.content.decode()


def _text(html):
    """The page's visible text with tags dropped and spaces collapsed."""
    return " ".join(html_module.unescape(re.sub(r"<[^>]+>", " ", html)).split())


# --- Home -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ["Nagoya 2026", "Kamakura 2025", "Tainan 2024", "11th"]),
        ("ja", ["名古屋 2026", "鎌倉 2025", "台南 2024", "第11回"]),
        ("zh-hant", ["名古屋 2026", "鎌倉 2025", "台南 2024", "第11屆"]),
    ],
)
def test_home_shows_the_next_edition_first_then_past_editions_newest_first(client, demo, language, expected):
    page = _page(client, "events:home", language)
    assert f'<html lang="{language}">' in page
    positions = [page.index(text) for text in expected[:3]]
    assert positions == sorted(positions)
    assert expected[3] in page
    # Only editions on record: Kamakura and Tainan on the timeline, nothing invented before them.
    assert page.count('<li class="timeline-item">') == 2


@pytest.mark.parametrize(
    ("language", "dates", "status", "figures"),
    [
        (
            "en",
            "2026, dates to be announced",
            "Registration open",
            "more than 300 participants 2 speeches 3 resolutions",
        ),
        ("ja", "2026年（日程未定）", "参加登録受付中", "300人以上が参加 スピーチ 2件 決議 3件"),
        ("zh-hant", "2026年（日期待定）", "開放報名", "超過300人參加 2 場演講 3 項決議"),
    ],
)
def test_home_next_edition_card_and_headline_figures(client, demo, language, dates, status, figures):
    text = _text(_page(client, "events:home", language))
    assert dates in text
    assert status in text
    assert figures in text


def test_home_calls_to_register_while_registration_is_open(client, demo):
    page = _page(client, "events:home", "ja")
    assert f'href="{_url("delegates:register", "ja", edition_slug="nagoya-2026")}"' in page
    Edition.objects.filter(slug="nagoya-2026").update(status=Edition.Status.REGISTRATION_CLOSED)
    Edition.objects.get(slug="nagoya-2026").save()  # a signal invalidates the cached page
    assert "/register/" not in _page(client, "events:home", "ja")


def test_home_without_editions_says_so(client):
    assert "No editions yet." in _page(client, "events:home")


# --- Edition --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        # A held edition's missing facts were not recorded; they are not "to be announced".
        ("en", ["Kamakura (Kanto) · Japan", "more than 300", "Venue Not recorded", "2025, dates not recorded"]),
        ("ja", ["鎌倉（関東地方） · 日本", "300人超", "会場 記録なし", "2025年（日程の記録なし）"]),
        ("zh-hant", ["鎌倉（關東地區） · 日本", "超過 300 人", "會場 未記錄", "2025年（日期未記錄）"]),
    ],
)
def test_edition_page_shows_its_facts(client, demo, language, expected):
    text = _text(_page(client, "events:edition_detail", language, slug="kamakura-2025"))
    for fact in expected:
        assert fact in text


def test_edition_page_lists_speeches_resolutions_topics_and_neighbours(client, demo):
    page = _page(client, "events:edition_detail", "en", slug="kamakura-2025")
    text = _text(page)
    assert "Video message from President William Lai" in text
    assert "William Lai (賴清德) · Prerecorded video message" in text
    assert "No. 1: A democratic supply chain for peace and prosperity in the Indo-Pacific" in text
    assert "No. 3: UN Resolution 2758 and Taiwan's international participation Resolution · Proposed" in text
    assert 'href="/en/topics/quantum-research/"' in page
    assert '<a rel="prev" href="/en/editions/tainan-2024/">' in page
    assert '<a rel="next" href="/en/editions/nagoya-2026/">' in page


def test_edition_page_groups_the_programme_by_session(client):
    edition = make_edition()
    opening = make_session(edition, title_en="Opening", order=1)
    make_session(edition, title_en="Closing", order=2)
    make_speech(edition, session=opening, title_en="Welcome address")
    make_speech(edition, title_en="Unscheduled remarks")
    text = _text(_page(client, "events:edition_detail", slug=edition.slug))
    assert text.index("Opening") < text.index("Welcome address") < text.index("Closing")
    assert text.index("Closing") < text.index("Other speeches") < text.index("Unscheduled remarks")


def test_edition_page_counts_accepted_delegations_and_names_nobody(client):
    edition = make_edition()
    for index, (side, category, status) in enumerate(
        [
            (Side.JAPAN, Category.LOCAL_COUNCILOR, Registration.Status.ACCEPTED),
            (Side.JAPAN, Category.LOCAL_COUNCILOR, Registration.Status.ACCEPTED),
            (Side.TAIWAN, Category.NATIONAL_LEGISLATOR, Registration.Status.ACCEPTED),
            (Side.TAIWAN, Category.NATIONAL_LEGISLATOR, Registration.Status.PENDING),
        ]
    ):
        person = make_person(side=side, category=category, family_name="Secretname", email=f"d{index}@x.org")
        make_registration(edition, person, status=status)
    page = _page(client, "events:edition_detail", slug=edition.slug)
    table = _text(page[page.index('<table class="counts">') : page.index("</table>")])
    assert table == (
        "3 accepted delegates, by side and category Category Japan Taiwan "
        "National legislator 0 1 Local councilor 2 0 Total 2 1"
    )
    assert "Secretname" not in page
    assert "@x.org" not in page


def test_edition_page_without_delegation_figures_says_so(client, demo):
    text = _text(_page(client, "events:edition_detail", slug="tainan-2024"))
    assert "Delegation figures are not available for this edition." in text
    assert "No resolutions are on record for this edition." in text
    assert "The programme was not recorded." in text


@pytest.mark.parametrize("language", ["ja", "zh-hant"])
def test_missing_translation_falls_back_to_english_marked_as_such(client, language):
    edition = make_edition(slug="osaka", host_city_en="Osaka", host_city_ja="", theme_en="Trade", theme_ja="貿易")
    page = _page(client, "events:edition_detail", language, slug=edition.slug)
    badge = "英語" if language == "ja" else "英文"
    assert f'<span lang="en" class="fallback">Osaka<span class="fallback-badge" lang="{language}"' in page
    assert f">{badge}</span></span>" in page
    if language == "ja":
        assert '<p class="lede">貿易</p>' in page
    else:
        assert '<p class="lede"><span lang="en" class="fallback">Trade' in page


def test_a_missing_paragraph_translation_is_marked_before_the_text(client):
    edition = make_edition()
    speech = make_speech(edition, title_ja="挨拶", summary_en="Only English.\n\nTwo paragraphs.")
    page = _page(client, "events:speech_detail", "ja", edition_slug=edition.slug, slug=speech.slug)
    assert (
        '<div lang="en" class="fallback"><span class="fallback-badge" lang="ja" '
        'title="まだ翻訳されていないため、英語で表示しています。">英語</span>'
        "<p>Only English.</p>\n\n<p>Two paragraphs.</p></div>"
    ) in page
    assert "<h1>挨拶</h1>" in page


def test_english_pages_carry_no_fallback_badges(client, demo):
    assert "fallback" not in _page(client, "events:edition_detail", "en", slug="kamakura-2025")


def test_edition_page_without_dates_has_open_graph_and_no_json_ld_event(client, demo):
    page = _page(client, "events:edition_detail", "en", slug="kamakura-2025")
    # No Event until a date is announced: consumers reject an Event without startDate.
    assert "application/ld+json" not in page
    assert '<meta property="og:title" content="11th · Kamakura">' in page
    assert '<meta property="og:url" content="http://127.0.0.1:8000/en/editions/kamakura-2025/">' in page
    assert '<meta property="og:locale" content="en_US">' in page
    assert '<link rel="alternate" hreflang="ja" href="http://127.0.0.1:8000/ja/editions/kamakura-2025/">' in page
    assert '<link rel="alternate" hreflang="x-default" href="http://127.0.0.1:8000/editions/kamakura-2025/">' in page


def test_json_ld_of_a_dated_cancelled_edition(client):
    edition = make_edition(
        status=Edition.Status.CANCELLED,
        start_date=datetime.date(2020, 5, 1),
        end_date=datetime.date(2020, 5, 2),
        year=2020,
    )
    page = _page(client, "events:edition_detail", slug=edition.slug)
    assert '"eventStatus": "https://schema.org/EventCancelled"' in page
    assert '"startDate": "2020-05-01", "endDate": "2020-05-02"' in page


def test_unknown_edition_is_a_404_in_the_site_style(client):
    response = client.get(_url("events:edition_detail", "ja", slug="nowhere"))
    page = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="ja">' in page
    assert "ページが見つかりません" in page
    assert 'href="/zh-hant/editions/nowhere/" hreflang="zh-hant"' in page


def test_language_switcher_on_an_address_that_matches_nothing_offers_each_home_page(client):
    response = client.get("/ja/no-such-page/")
    assert response.status_code == 404
    assert 'href="/zh-hant/" hreflang="zh-hant"' in response.content.decode()


# --- Speech ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ["Video message from President William Lai", "Prerecorded video message", "President of Taiwan"]),
        ("ja", ["頼清徳総統のビデオメッセージ", "録画のビデオメッセージ", "台湾総統"]),
        ("zh-hant", ["賴清德總統錄影致詞", "預錄影片致詞", "台灣總統"]),
    ],
)
def test_lais_prerecorded_speech_is_shown_as_such(client, demo, language, expected):
    text = _text(
        _page(client, "events:speech_detail", language, edition_slug="kamakura-2025", slug="william-lai-video-message")
    )
    for fact in expected:
        assert fact in text


def test_speech_page_links_speaker_edition_topics_and_video(client, demo):
    Speech.objects.filter(slug="william-lai-video-message").update(video_url="https://video.example.org/lai")
    page = _page(client, "events:speech_detail", edition_slug="kamakura-2025", slug="william-lai-video-message")
    assert '<a href="/en/people/william-lai/">William Lai (賴清德)</a>, President of Taiwan' in page
    assert (
        '<a class="button" href="https://video.example.org/lai" rel="noopener external">Watch the video message</a>'
        in page
    )
    assert '<a href="/en/editions/kamakura-2025/">11th · Kamakura 2025</a>' in page
    assert '<a href="/en/topics/democratic-supply-chain/">Democratic supply chain</a>' in page
    assert "No transcript has been published." in page


def test_speech_by_a_person_not_listed_publicly_does_not_name_them(client):
    edition = make_edition()
    private = make_person(family_name="Hidden", given_name="Person", email="hidden@example.org", phone="+81 3 0000")
    speech = make_speech(edition, speaker=private, speaker_role_en="A city councilor from Aichi")
    page = _page(client, "events:speech_detail", edition_slug=edition.slug, slug=speech.slug)
    assert "Hidden" not in page
    assert "hidden@example.org" not in page
    assert "/people/" not in page
    assert "A city councilor from Aichi" in _text(page)


def test_speech_transcript_and_session_are_shown(client):
    edition = make_edition()
    session = make_session(edition, title_en="Plenary")
    speech = make_speech(edition, session=session, transcript_en="First line.\n\nSecond line.")
    page = _page(client, "events:speech_detail", edition_slug=edition.slug, slug=speech.slug)
    assert "<p>First line.</p>\n\n<p>Second line.</p>" in page
    assert f'<a href="/en/editions/{edition.slug}/#session-{session.pk}">Plenary</a>' in page


def test_unknown_speech_is_a_404(client, demo):
    response = client.get(_url("events:speech_detail", edition_slug="tainan-2024", slug="william-lai-video-message"))
    assert response.status_code == 404


# --- Resolutions ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            [
                "Joint statement · No. 1",
                "Adopted",
                "(date not reported)",
                "12th · Nagoya 2026",
                "Progress will be reported at this edition; nothing has been reported yet.",
            ],
        ),
        (
            "ja",
            [
                "共同声明 · 第1号",
                "採択",
                "（日付未報告）",
                "第12回 · 名古屋 2026",
                "この回で進捗が報告される予定です。",
            ],
        ),
        ("zh-hant", ["共同聲明 · 第1號", "已通過", "（日期未報告）", "第12屆 · 名古屋 2026", "將於此屆報告進展"]),
    ],
)
def test_resolution_page_shows_status_text_and_follow_up(client, demo, language, expected):
    text = _text(_page(client, "events:resolution_detail", language, edition_slug="kamakura-2025", number=1))
    for fact in expected:
        assert fact in text


def test_resolution_page_lists_only_public_sponsors_and_the_report(client):
    edition = make_edition()
    later = make_edition(edition.series)
    resolution = make_resolution(
        edition, status=Resolution.Status.ADOPTED, status_changed_on=datetime.date(2025, 11, 8)
    )
    visible = make_person(family_name="Visible", listed_publicly=True)
    make_vetted(edition, visible)
    resolution.sponsors.set([visible, make_person(family_name="Invisible", listed_publicly=True)])
    make_follow_up(resolution, later, report_en="Work has begun.", reported_on=datetime.date(2026, 9, 20))
    text = _text(_page(client, "events:resolution_detail", edition_slug=edition.slug, number=resolution.number))
    assert "Status Adopted since Nov. 8, 2025" in text
    assert "Visible" in text
    assert "Invisible" not in text
    assert "Reported on Sept. 20, 2026 Work has begun." in text


def test_resolution_index_filters_by_status_topic_and_edition(client):
    series = make_series()
    first, second = make_edition(series), make_edition(series)
    topic = make_topic(slug="energy")
    make_resolution(first, title_en="Alpha", status=Resolution.Status.ADOPTED).topics.add(topic)
    make_resolution(first, title_en="Bravo", status=Resolution.Status.PROPOSED)
    make_resolution(second, title_en="Charlie", status=Resolution.Status.ADOPTED)

    def titles(query):
        page = _page(client, "events:resolution_list", query=query)
        return re.findall(r"No\. \d+: (\w+)</a>", page)

    assert titles("") == ["Charlie", "Alpha", "Bravo"]
    assert titles("?status=adopted") == ["Charlie", "Alpha"]
    assert titles("?topic=energy") == ["Alpha"]
    assert titles(f"?edition={first.slug}&status=proposed") == ["Bravo"]


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "Select a valid choice. That choice is not one of the available choices."),
        ("ja", "正しく選択してください。選択したものは候補にありません。"),
    ],
)
def test_resolution_index_explains_a_bad_filter_in_the_readers_language(client, language, message):
    make_resolution(make_edition(), title_en="Alpha")
    page = _page(client, "events:resolution_list", language, query="?topic=nonsense")
    assert f'<p class="field-error" role="alert">{message}</p>' in page
    assert "Alpha" in page


@pytest.mark.parametrize("page_number", ["0", "-1", "999", "abc", "1.5", ""])
def test_bad_page_numbers_never_fail(client, page_number):
    edition = make_edition()
    for _ in range(25):
        make_resolution(edition)
    response = client.get(_url("events:resolution_list") + f"?page={page_number}")
    assert response.status_code == 200


def test_resolution_index_paginates(client):
    edition = make_edition()
    for _ in range(25):
        make_resolution(edition)
    first = _text(_page(client, "events:resolution_list"))
    second = _text(_page(client, "events:resolution_list", query="?page=2"))
    assert "25 resolutions" in first
    assert "Page 1 of 2" in first
    assert "No. 20:" in first
    assert "No. 21:" not in first
    assert "No. 21:" in second


# --- Topics and people ----------------------------------------------------------------


def test_topic_page_shows_everything_on_it_newest_first(client):
    series = make_series()
    older, newer = make_edition(series), make_edition(series)
    topic = make_topic(name_en="Energy", slug="energy")
    for edition in (older, newer):
        make_speech(edition, title_en=f"Speech at {edition.host_city}").topics.add(topic)
        make_resolution(edition, title_en=f"Resolution at {edition.host_city}").topics.add(topic)
    make_speech(newer, title_en="Off topic")
    text = _text(_page(client, "events:topic_detail", slug="energy"))
    assert text.index("Resolution at City 2") < text.index("Resolution at City 1")
    assert text.index("Speech at City 2") < text.index("Speech at City 1")
    assert "Off topic" not in text


def test_topic_index_counts_speeches_and_resolutions(client, demo):
    text = _text(_page(client, "events:topic_list"))
    assert "Democratic supply chain 2 speeches · 1 resolution" in text


def test_person_page_shows_a_public_persons_record(client, demo):
    text = _text(_page(client, "events:person_detail", "ja", slug="william-lai"))
    assert "頼清徳（William Lai）" in text
    assert "台湾総統" in text
    assert "頼清徳総統のビデオメッセージ" in text
    assert "第11回 · 鎌倉 2025" in text


def test_person_page_lists_sponsorships_and_accepted_editions(client):
    series = make_series()
    attended, skipped = make_edition(series), make_edition(series)
    person = make_person(listed_publicly=True, email="me@example.org", phone="+886 2 1234")
    make_registration(attended, person, status=Registration.Status.ACCEPTED, confirmed_at=timezone.now())
    make_registration(skipped, person, email="me2@example.org", status=Registration.Status.CANCELLED)
    make_resolution(attended, title_en="Sponsored one").sponsors.add(person)
    page = _page(client, "events:person_detail", slug=person.slug)
    text = _text(page)
    assert "Sponsored one" in text
    assert f"Editions taken part in 1st · City 1 {attended.year}" in text
    assert "City 2" not in text
    assert "me@example.org" not in page
    assert "1234" not in page


@pytest.mark.parametrize(
    "fields",
    [{}, {"listed_publicly": True, "anonymized_at": "2026-01-01T00:00:00Z"}],
    ids=["not-listed", "anonymized"],
)
def test_person_page_exists_only_for_public_people(client, fields):
    person = make_person(**fields)
    assert client.get(_url("events:person_detail", slug=person.slug)).status_code == 404


# --- Search ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "query", "expected"),
    [
        ("en", "supply chain", ["A democratic supply chain for peace", "Remarks by Lee Yi-yang"]),
        ("ja", "サプライチェーン", ["インド太平洋の平和と繁栄のための民主主義のサプライチェーン"]),
        ("zh-hant", "鎌倉", ["第11屆 · 鎌倉 2025"]),
        ("en", "William Lai", ["Video message from President William Lai"]),
    ],
)
def test_search_finds_content_in_the_readers_language(client, demo, language, query, expected):
    text = _text(_page(client, "events:search", language, query=f"?q={query}"))
    for title in expected:
        assert title in text


@pytest.mark.parametrize(
    ("language", "query", "expected"),
    [
        # Japanese shinjitai on the Traditional Chinese site, and the other way round.
        ("zh-hant", "台湾", "日本支持台灣加入CPTPP"),
        ("ja", "台灣", "台湾のCPTPP加入に対する日本の支持"),
        ("ja", "臺灣", "台湾のCPTPP加入に対する日本の支持"),
        ("zh-hant", "頼清徳", "賴清德總統錄影致詞"),
        ("ja", "賴清德", "頼清徳総統のビデオメッセージ"),
        ("ja", "會談", "鎌倉 2025"),
        # Another language's words on the English site.
        ("en", "鎌倉", "Kamakura 2025"),
        ("en", "名古屋", "Nagoya 2026"),
        ("en", "台灣", "Japan's support for Taiwan's entry into the CPTPP"),
        ("en", "ＣＰＴＰＰ", "Japan's support for Taiwan's entry into the CPTPP"),
    ],
)
def test_search_finds_the_same_thing_in_every_script(client, demo, language, query, expected):
    text = _text(_page(client, "events:search", language, query=f"?q={query}"))
    assert expected in text
    assert "Nothing matches" not in text


def test_script_variants_fold_shinjitai_and_traditional_forms():
    assert set(script_variants("台湾")) == {"台湾", "臺灣", "台灣"}
    assert set(script_variants("賴清德")) == {"賴清德", "頼清徳"}
    assert set(script_variants("会")) == {"会", "會"}
    assert script_variants("ＮＡＧＯＹＡ") == ("NAGOYA",)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_search_without_results_says_nothing_matches(client, demo, language):
    text = _text(_page(client, "events:search", language, query="?q=zzqxqzz"))
    nothing = {"en": "Nothing matches", "ja": "一致するものはありません", "zh-hant": "沒有符合的結果"}[language]
    assert nothing in text
    prompt = {"en": "Type a word or two", "ja": "", "zh-hant": ""}[language]
    assert not prompt or prompt not in text


@pytest.mark.parametrize("query", ["%", "_", "%25_%5C", "a" * 200, "\\", "'; DROP TABLE x; --"])
def test_search_takes_wildcards_and_odd_input_as_text(client, demo, query):
    response = client.get(_url("events:search") + "?" + urlencode({"q": query}))
    assert response.status_code == 200
    assert "Nothing matches" in _text(response.content.decode())


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("a" * 201, "Ensure this value has at most 200 characters"),
        ("a\x00b", "Null characters are not allowed."),
        ("\u3000", "This field is required."),
    ],
)
def test_search_refuses_overlong_and_null_queries_on_the_page(client, query, message):
    response = client.get(_url("events:search") + "?" + urlencode({"q": query}))
    assert response.status_code == 200
    assert message in response.content.decode()


def test_search_does_not_find_speeches_by_the_name_of_a_private_speaker(client):
    speech = make_speech(make_edition(), speaker=make_person(family_name="Zyxwv"), title_en="Remarks")
    assert "Remarks" not in _page(client, "events:search", query="?q=Zyxwv")
    speech.speaker.listed_publicly = True
    speech.speaker.save()
    assert "Remarks" not in _page(client, "events:search", query="?q=Zyxwv")
    make_vetted(speech.edition, speech.speaker)
    assert "Remarks" in _page(client, "events:search", query="?q=Zyxwv")


def test_search_filters_by_kind_and_paginates(client):
    edition = make_edition(host_city_en="Energyville")
    for index in range(25):
        make_speech(edition, title_en=f"Energy speech {index}")
    make_topic(name_en="Energy policy")
    text = _text(_page(client, "events:search", query="?q=energy"))
    assert "27 results for “energy”" in text
    assert "Page 1 of 2" in text
    assert text.index("Energyville") < text.index("Energy policy") < text.index("Energy speech")
    text = _text(_page(client, "events:search", query="?q=energy&kind=topic"))
    assert "1 result for “energy”" in text
    assert "Energy policy" in text
    assert "Energy speech" not in text
    assert client.get(_url("events:search") + "?q=energy&page=zzz").status_code == 200


@pytest.mark.parametrize(
    ("query", "message"),
    [("?q=", "This field is required."), ("?q=x&kind=people", "Select a valid choice. people is not one of")],
)
def test_search_explains_bad_input(client, query, message):
    assert message in _page(client, "events:search", query=query)


def test_search_form_without_a_query_shows_no_error(client):
    page = _page(client, "events:search")
    assert "field-error" not in page


# --- Languages ------------------------------------------------------------------------


def test_language_switcher_keeps_the_current_page_and_query(client, demo):
    page = _page(client, "events:resolution_list", "en", query="?status=adopted")
    assert '<a href="/ja/resolutions/?status=adopted" hreflang="ja" lang="ja">日本語</a>' in page
    assert '<a href="/zh-hant/resolutions/?status=adopted" hreflang="zh-hant" lang="zh-hant">繁體中文</a>' in page
    assert '<a href="/en/resolutions/?status=adopted" hreflang="en" lang="en" aria-current="true">English</a>' in page


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_is_served_in_each_language(client, demo, language):
    names = [
        ("events:home", {}),
        ("events:edition_detail", {"slug": "kamakura-2025"}),
        ("events:speech_detail", {"edition_slug": "kamakura-2025", "slug": "lee-yi-yang-remarks"}),
        ("events:resolution_detail", {"edition_slug": "kamakura-2025", "number": 2}),
        ("events:resolution_list", {}),
        ("events:topic_list", {}),
        ("events:topic_detail", {"slug": "cptpp-accession"}),
        ("events:person_detail", {"slug": "lee-yi-yang"}),
        ("events:search", {}),
    ]
    for name, kwargs in names:
        page = _page(client, name, language, **kwargs)
        assert f'<html lang="{language}">' in page
        brand = {"en": "Japan–Taiwan Exchange Summit", "ja": "日台交流サミット", "zh-hant": "台日交流高峰會"}
        assert f'<a class="brand" href="/{language}/">{brand[language]}</a>' in page


def test_server_error_page_renders_without_a_request(rf):
    with translation.override("ja"):
        response = server_error(rf.get("/ja/"))
    page = response.content.decode()
    assert response.status_code == 500
    assert '<html lang="ja">' in page
    assert "サーバー側で問題が発生しました" in page


# --- Three clicks ---------------------------------------------------------------------

LINK = re.compile(r'href="(/[^"#?]*)')


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_speech_and_resolution_is_within_three_clicks_of_home(client, demo, language):
    tainan = Edition.objects.get(slug="tainan-2024")
    make_speech(tainan, speaker=make_person(), title_en="Tainan welcome")
    make_resolution(tainan, title_en="Tainan declaration")
    with translation.override(language):
        targets = {speech.get_absolute_url() for speech in Speech.objects.select_related("edition")}
        targets |= {resolution.get_absolute_url() for resolution in Resolution.objects.select_related("edition")}
        home = reverse("events:home")
    reached, frontier = {home}, [home]
    for _click in range(3):
        next_frontier = []
        for url in frontier:
            response = client.get(url)
            if response.status_code != 200 or "text/html" not in response["Content-Type"]:
                continue
            for link in LINK.findall(response.content.decode()):
                if link.startswith(f"/{language}/") and link not in reached:
                    reached.add(link)
                    next_frontier.append(link)
        frontier = next_frontier
    assert targets - reached == set()


# --- Query counts ---------------------------------------------------------------------


def _record_pages(record):
    held, star = record["held"], record["star"]
    speech = held.speeches.first()
    return [
        ("events:home", {}, "", 2),
        ("events:edition_detail", {"slug": held.slug}, "", 10),
        ("events:speech_detail", {"edition_slug": held.slug, "slug": speech.slug}, "", 2),
        ("events:resolution_detail", {"edition_slug": held.slug, "number": 1}, "", 4),
        ("events:resolution_list", {}, "", 5),
        ("events:resolution_list", {}, f"?topic={record['topic'].slug}&page=2", 7),
        ("events:topic_list", {}, "", 1),
        ("events:topic_detail", {"slug": record["topic"].slug}, "", 5),
        ("events:person_detail", {"slug": star.slug}, "", 6),
        # "1" matches every kind: editions, topics, resolutions and speeches.
        ("events:search", {}, "?q=1", 8),
    ]


@pytest.mark.parametrize("size", [10, 1000])
@pytest.mark.parametrize("language", ["en", "ja"])
def test_public_pages_run_the_same_queries_at_10_and_1000_rows(client, django_assert_max_num_queries, size, language):
    record = make_public_record(size)
    for name, kwargs, query, bound in _record_pages(record):
        with django_assert_max_num_queries(bound, info=name):
            response = client.get(_url(name, language, **kwargs) + query)
        assert response.status_code == 200, name


def test_search_ranks_on_postgresql_and_lists_newest_first_on_sqlite(client):
    series = make_series()
    older, newer = make_edition(series), make_edition(series)
    make_speech(older, title_en="Drone drone drone", summary_en="Drones and drone makers.")
    make_speech(newer, title_en="Energy", summary_en="A word on drone rules.")
    text = _text(_page(client, "events:search", query="?q=drone&kind=speech"))
    expected = ["Drone drone drone", "Energy"] if connection.vendor == "postgresql" else ["Energy", "Drone drone drone"]
    assert text.index(expected[0]) < text.index(expected[1])


def test_the_skeleton_renders_without_a_request():
    page = render_to_string("base.html")
    assert '<html lang="en">' in page
    assert 'hreflang="x-default"' not in page
