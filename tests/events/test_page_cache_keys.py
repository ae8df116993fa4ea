"""The page cache stores only canonical query strings, and can forget every page at once."""

import time

import pytest
from django.core.cache import cache
from django.utils.http import parse_http_date

from events.page_cache import PAGE_KEY_MARK, forget_all_pages
from tests.factories import make_edition, make_resolution

pytestmark = pytest.mark.django_db


def _page_entries():
    return sorted(key for key in cache._cache if PAGE_KEY_MARK in key)


def test_junk_query_strings_make_no_cache_entries(client):
    make_resolution(make_edition())
    client.get("/en/")
    client.get("/en/resolutions/")
    assert len(_page_entries()) == 2
    for number in range(100):
        response = client.get(f"/en/?junk={number}")
        assert response.status_code == 200
        assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
    for query in ["?page=1x", "?page=01", "?page=1&page=2", "?status=adopted&utm_source=x", f"?status={'a' * 300}"]:
        assert client.get(f"/en/resolutions/{query}").status_code == 200
    assert len(_page_entries()) == 2


def test_the_parameters_a_page_reads_share_one_entry_whatever_their_order(client):
    edition = make_edition()
    make_resolution(edition, status="adopted")
    first = client.get(f"/en/resolutions/?status=adopted&edition={edition.slug}")
    second = client.get(f"/en/resolutions/?edition={edition.slug}&status=adopted")
    assert first.content == second.content
    assert len(_page_entries()) == 1


def test_values_the_page_does_not_serve_make_no_cache_entries_nor_canonical_links(client):
    edition = make_edition()
    make_resolution(edition, status="adopted")
    client.get("/en/resolutions/")
    assert len(_page_entries()) == 1
    for number in range(20):
        for query in [f"?status=junk{number}", f"?topic=junk{number}", f"?edition=junk{number}", f"?page={number + 2}"]:
            response = client.get(f"/en/resolutions/{query}")
            assert response.status_code == 200
            assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
            assert 'rel="canonical" href="http://127.0.0.1:8000/en/resolutions/"' in response.content.decode()
        client.get(f"/en/search/?q=word{number}")
        client.get(f"/en/api/speeches/?edition=junk{number}")
        client.get(f"/en/api/resolutions/?page={number + 2}")
    assert len(_page_entries()) == 1


def test_forget_all_pages_deletes_them_and_keeps_other_entries(client):
    cache.set("ratelimit:register:1.2.3.4:1", 3)
    client.get("/en/")
    client.get("/ja/")
    assert len(_page_entries()) == 2
    forget_all_pages()
    assert _page_entries() == []
    assert cache.get("ratelimit:register:1.2.3.4:1") == 3


def test_forget_all_pages_on_redis(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/9",
            "KEY_PREFIX": "wt9-test",
        }
    }
    from django.core.cache import caches

    redis_cache = caches["default"]
    try:
        redis_cache.set(f"{PAGE_KEY_MARK}1:en:False:abc", "page")
    except Exception as error:  # noqa: BLE001 - no Redis on this machine
        pytest.skip(f"Redis is not reachable: {error}")
    redis_cache.set("ratelimit:register:1.2.3.4:1", 3)
    from events import page_cache

    original = page_cache.cache
    page_cache.cache = redis_cache
    try:
        forget_all_pages()
    finally:
        page_cache.cache = original
    assert redis_cache.get(f"{PAGE_KEY_MARK}1:en:False:abc") is None
    assert redis_cache.get("ratelimit:register:1.2.3.4:1") == 3
    redis_cache.clear()


def test_head_answers_the_headers_without_a_body_and_no_date_from_the_future(client):
    for _ in range(2):  # rendered, then from the cache
        get = client.get("/en/")
        head = client.head("/en/")
        assert (head.status_code, head.content) == (200, b"")
        assert head["ETag"] == get["ETag"]
        assert head["Content-Length"] == str(len(get.content))
        assert parse_http_date(head["Last-Modified"]) <= time.time()
