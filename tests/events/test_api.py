"""The read-only JSON API: public facts in the URL's language, never private data."""

import pytest
from django.urls import reverse
from django.utils import translation

from events.models import Speech
from tests.factories import make_edition, make_person, make_public_record, make_resolution, make_speech

pytestmark = pytest.mark.django_db


def _get(client, name, language="en", query="", **kwargs):
    with translation.override(language):
        url = reverse(name, kwargs=kwargs)
    return client.get(url + query)


def test_edition_list_in_japanese(client, demo):
    response = _get(client, "events:api_edition_list", "ja")
    assert response["Access-Control-Allow-Origin"] == "*"
    data = response.json()
    assert data["language"] == "ja"
    assert data["count"] == 3
    assert [(edition["slug"], edition["host_city"]) for edition in data["results"]] == [
        ("nagoya-2026", "名古屋"),
        ("kamakura-2025", "鎌倉"),
        ("tainan-2024", "台南"),
    ]


def test_edition_detail(client, demo):
    data = _get(client, "events:api_edition_detail", slug="kamakura-2025").json()
    assert data == {
        "language": "en",
        "slug": "kamakura-2025",
        "ordinal": 11,
        "year": 2025,
        "status": "held",
        "host_city": "Kamakura",
        "region": "Kanto",
        "country": "JP",
        "venue": None,
        "start_date": None,
        "end_date": None,
        "theme": "Peace and stability in the Taiwan Strait, and a democratic supply chain",
        "summary": data["summary"],
        "reported_attendance": 300,
        "attendance_is_minimum": True,
        "url": "http://127.0.0.1:8000/en/editions/kamakura-2025/",
    }
    assert data["summary"].startswith("The 11th summit was the first held in Japan's Kanto region.")


def test_unknown_edition_is_a_404(client):
    assert _get(client, "events:api_edition_detail", slug="nowhere").status_code == 404


def test_speeches_show_public_speakers_and_nothing_private(client, demo):
    data = _get(client, "events:api_speech_list", query="?edition=kamakura-2025").json()
    lai = data["results"][0]
    assert lai["speaker"] == {
        "name": "William Lai",
        "native_name": "賴清德",
        "position": "President of Taiwan",
        "organization": "",
        "url": "http://127.0.0.1:8000/en/people/william-lai/",
    }
    assert lai["delivery_mode"] == Speech.DeliveryMode.VIDEO_MESSAGE
    assert lai["topics"] == ["democratic-supply-chain"]


def test_private_speakers_and_sponsors_are_left_out(client):
    edition = make_edition()
    private = make_person(family_name="Hidden", email="hidden@example.org", phone="+81 3 1234 5678")
    make_speech(edition, speaker=private)
    make_resolution(edition).sponsors.add(private, make_person(family_name="Shown", is_public_figure=True))
    speeches = _get(client, "events:api_speech_list").content.decode()
    resolutions = _get(client, "events:api_resolution_list").json()
    assert '"speaker": null' in speeches
    for private_value in ("Hidden", "hidden@example.org", "1234 5678"):
        assert private_value not in speeches
        assert private_value not in str(resolutions)
    assert [sponsor["name"].split()[-1] for sponsor in resolutions["results"][0]["sponsors"]] == ["Shown"]


def test_resolutions_filter_and_follow_up(client, demo):
    data = _get(client, "events:api_resolution_list", "zh-hant", query="?status=adopted").json()
    assert [(row["edition"], row["number"]) for row in data["results"]] == [("kamakura-2025", 1), ("kamakura-2025", 2)]
    assert data["results"][0]["title"] == "以民主供應鏈促進印太地區的和平與繁榮"
    assert data["results"][0]["follow_ups"] == [{"edition": "nagoya-2026", "report": "", "reported_on": None}]


def test_a_bad_filter_is_a_400_that_says_why(client):
    response = _get(client, "events:api_resolution_list", query="?status=lost")
    assert response.status_code == 400
    assert response.json()["errors"]["status"][0]["message"] == (
        "Select a valid choice. lost is not one of the available choices."
    )


def test_pages_link_to_each_other(client):
    make_public_record(60)
    first = _get(client, "events:api_resolution_list").json()
    assert (first["count"], first["pages"], len(first["results"])) == (60, 2, 50)
    assert first["next"] == "http://127.0.0.1:8000/en/api/resolutions/?page=2"
    second = client.get(first["next"]).json()
    assert (len(second["results"]), second["previous"]) == (10, "http://127.0.0.1:8000/en/api/resolutions/?page=1")
    assert _get(client, "events:api_resolution_list", query="?page=junk").json()["page"] == 1


@pytest.mark.parametrize("size", [10, 1000])
def test_api_runs_the_same_queries_at_10_and_1000_rows(client, django_assert_max_num_queries, size):
    record = make_public_record(size)
    for name, kwargs, bound in [
        ("events:api_edition_list", {}, 2),
        ("events:api_edition_detail", {"slug": record["held"].slug}, 1),
        ("events:api_speech_list", {}, 3),
        ("events:api_resolution_list", {}, 5),
    ]:
        with django_assert_max_num_queries(bound, info=name):
            assert _get(client, name, **kwargs).status_code == 200
