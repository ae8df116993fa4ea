"""The speech and resolution lists every long public page shows, rendered by template tags."""

import pytest
from django.template import Context, Template
from django.utils import translation

from events.models import Resolution, Speech
from tests.factories import make_edition, make_person, make_resolution, make_speech

pytestmark = pytest.mark.django_db


def render(source, **context):
    return Template("{% load public_site %}" + source).render(Context(context))


def test_a_speech_names_only_a_public_speaker_and_badges_what_was_not_said_in_person():
    edition = make_edition(host_city_en="Kamakura", year=2025, ordinal=11)
    public = make_person(family_name="Lai", given_name="William", is_public_figure=True)
    private = make_person(family_name="Private", given_name="Delegate", listed_publicly=False)
    make_speech(edition, public, title_en="Opening <remarks>", delivery_mode=Speech.DeliveryMode.VIDEO_MESSAGE)
    make_speech(edition, private, title_en="Closing words")
    speeches = Speech.objects.filter(edition=edition).select_related("speaker", "edition").order_by("order")

    html = render("{% speech_items speeches show_edition=True %}", speeches=speeches)

    assert html.count("<li>") == 2
    assert "Opening &lt;remarks&gt;" in html and "<remarks>" not in html
    assert "William Lai" in html and "Private" not in html
    assert html.count('class="badge badge-video_message">Prerecorded video message</span>') == 1
    assert html.count("11th · Kamakura 2025") == 2
    assert "11th" not in render("{% speech_items speeches %}", speeches=speeches)


@pytest.mark.parametrize(
    ("language", "number", "kind", "status"),
    [
        ("en", "No. 1", "Joint statement", "Adopted"),
        ("ja", "第1号", "共同声明", "採択"),
        ("zh-hant", "第1號", "共同聲明", "已通過"),
    ],
)
def test_a_resolution_shows_its_number_kind_and_status_in_the_readers_language(language, number, kind, status):
    edition = make_edition(host_city_en="Kamakura", year=2025, ordinal=11)
    make_resolution(
        edition, title_en="On supply chains", kind=Resolution.Kind.JOINT_STATEMENT, status=Resolution.Status.ADOPTED
    )
    resolutions = Resolution.objects.select_related("edition")
    with translation.override(language):
        html = render("{% resolution_items resolutions show_edition=True %}", resolutions=resolutions)
        plain = render("{% resolution_items resolutions %}", resolutions=resolutions)
    assert number in html and kind in html and f'class="badge badge-adopted">{status}</span>' in html
    assert " 2025 · " in html and "Kamakura" in html and "Kamakura" not in plain
    # Not translated: shown in English, and marked so.
    assert ("fallback-badge" in html) == (language != "en")
