import pytest
from django.urls import reverse, set_script_prefix
from django.utils import translation

from events.fast_urls import fast_reverse


@pytest.mark.parametrize("language", ["en", "ja", "zh-hant"])
@pytest.mark.parametrize(
    "viewname, kwargs",
    [
        ("events:edition_detail", {"slug": "kamakura-2025"}),
        ("events:speech_detail", {"edition_slug": "kamakura-2025", "slug": "opening_Address-2"}),
        ("events:resolution_detail", {"edition_slug": "kamakura-2025", "number": 12}),
        ("events:person_detail", {"slug": "lai-ching-te"}),
        ("events:home", {}),
    ],
)
def test_fast_reverse_gives_what_reverse_gives(language, viewname, kwargs):
    with translation.override(language):
        assert fast_reverse(viewname, **kwargs) == reverse(viewname, kwargs=kwargs)


def test_fast_reverse_follows_the_script_prefix():
    set_script_prefix("/summit/")
    try:
        assert fast_reverse("events:topic_detail", slug="energy") == "/summit/en/topics/energy/"
    finally:
        set_script_prefix("/")
