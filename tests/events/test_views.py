import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import make_edition, make_series

pytestmark = pytest.mark.django_db


def _get(client, name, language, **kwargs):
    with translation.override(language):
        url = reverse(name, kwargs=kwargs)
    return client.get(url)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ["Kamakura 2025", "Nagoya 2026", "Tainan 2024", "11th"]),
        ("ja", ["鎌倉 2025", "名古屋 2026", "台南 2024", "第11回"]),
        ("zh-hant", ["鎌倉 2025", "名古屋 2026", "台南 2024", "第11屆"]),
    ],
)
def test_home_lists_editions_newest_first_in_each_language(client, demo, language, expected):
    response = _get(client, "events:home", language)
    page = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{language}">' in page
    for text in expected:
        assert text in page
    assert page.index(expected[1]) < page.index(expected[0]) < page.index(expected[2])


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ["Kamakura", "Kanto", "more than 300", "To be announced"]),
        ("ja", ["鎌倉", "関東地方", "300", "日台交流サミット"]),
        ("zh-hant", ["鎌倉", "關東地區", "300", "台日交流高峰會"]),
    ],
)
def test_edition_page_shows_its_facts(client, demo, language, expected):
    response = _get(client, "events:edition_detail", language, slug="kamakura-2025")
    page = response.content.decode()
    assert response.status_code == 200
    for text in expected:
        assert text in page


def test_edition_page_falls_back_to_english_where_a_translation_is_missing(client):
    make_edition(make_series(), slug="osaka", host_city_en="Osaka", host_city_ja="")
    page = _get(client, "events:edition_detail", "ja", slug="osaka").content.decode()
    assert "Osaka" in page


def test_unknown_edition_is_a_404(client):
    assert _get(client, "events:edition_detail", "en", slug="nowhere").status_code == 404


@pytest.mark.parametrize("editions", [1, 20])
def test_home_query_count_does_not_grow(client, django_assert_max_num_queries, editions):
    series = make_series()
    for _ in range(editions):
        make_edition(series)
    with django_assert_max_num_queries(3):
        assert _get(client, "events:home", "en").status_code == 200
