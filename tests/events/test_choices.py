"""Choice labels are translated once per language, and still follow the active language."""

from django.utils import translation

from events.models import Edition, Resolution


def test_a_label_follows_the_active_language_each_time():
    resolution = Resolution(kind=Resolution.Kind.JOINT_STATEMENT, status=Resolution.Status.ADOPTED)
    shown = {}
    for language in ("en", "ja", "zh-hant", "en"):
        with translation.override(language):
            shown.setdefault(language, set()).add((resolution.get_kind_display(), resolution.get_status_display()))
    assert shown == {
        "en": {("Joint statement", "Adopted")},
        "ja": {("共同声明", "採択")},
        "zh-hant": {("共同聲明", "已通過")},
    }


def test_a_value_outside_the_choices_is_shown_as_stored():
    assert Edition(status="unheard-of").get_status_display() == "unheard-of"
