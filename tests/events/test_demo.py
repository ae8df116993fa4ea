import pytest
from django.core.management import call_command
from django.utils import translation

from delegates.models import Person, Registration
from events.models import Edition, FollowUp, Resolution, Speech, Topic

pytestmark = pytest.mark.django_db

MODELS = [Edition, Person, Speech, Resolution, Topic, FollowUp, Registration]


def _snapshot():
    counts = {model.__name__: model.objects.count() for model in MODELS}
    stamps = list(Edition.objects.order_by("pk").values_list("updated_at", flat=True))
    return counts, stamps


def test_loaddemo_twice_changes_nothing():
    call_command("loaddemo", verbosity=0)
    first = _snapshot()
    call_command("loaddemo", verbosity=0)
    assert _snapshot() == first
    assert first[0] == {
        "Edition": 3,
        "Person": 3,
        "Speech": 2,
        "Resolution": 3,
        "Topic": 10,
        "FollowUp": 1,
        "Registration": 0,
    }


def test_demo_holds_the_report_facts(demo):
    kamakura = Edition.objects.get(slug="kamakura-2025")
    assert (kamakura.ordinal, kamakura.year, kamakura.status) == (11, 2025, Edition.Status.HELD)
    assert (kamakura.reported_attendance, kamakura.attendance_is_minimum) == (300, True)
    assert kamakura.region_en == "Kanto"
    # The report gives no dates or venue: they stay unknown rather than invented.
    assert kamakura.start_date is None
    assert not kamakura.venue_en
    assert kamakura.previous.host_city_en == "Tainan"
    assert kamakura.next.host_city_en == "Nagoya"
    assert Edition.objects.get(slug="nagoya-2026").status == Edition.Status.REGISTRATION_OPEN

    lai = Speech.objects.get(speaker__slug="william-lai")
    assert lai.delivery_mode == Speech.DeliveryMode.VIDEO_MESSAGE
    assert lai.video_url == ""
    assert Person.objects.get(slug="lee-yi-yang").native_name == "李逸洋"
    assert Person.objects.get(slug="sanae-takaichi").native_name == "高市早苗"
    assert set(Topic.objects.values_list("slug", flat=True)) >= {
        "cptpp-accession",
        "un-resolution-2758",
        "quantum-research",
    }
    assert FollowUp.objects.get().edition.slug == "nagoya-2026"


def test_demo_content_exists_in_three_languages(demo):
    kamakura = Edition.objects.get(slug="kamakura-2025")
    names = {}
    for language in ("en", "ja", "zh-hant"):
        with translation.override(language):
            names[language] = (kamakura.host_city, kamakura.series.name)
    assert names == {
        "en": ("Kamakura", "Japan–Taiwan Exchange Summit"),
        "ja": ("鎌倉", "日台交流サミット"),
        "zh-hant": ("鎌倉", "台日交流高峰會"),
    }
    for model, fields in [(Speech, ["title", "summary"]), (Resolution, ["title", "text"])]:
        for obj in model.objects.all():
            for field in fields:
                assert all(getattr(obj, f"{field}_{code}") for code in ("en", "ja", "zh_hant")), (obj, field)


def test_synthetic_delegates_are_marked_and_never_public(demo):
    call_command("loaddemo", synthetic_delegates=25, verbosity=0)
    synthetic = Person.objects.filter(is_synthetic=True)
    assert synthetic.count() == 25
    assert Registration.objects.filter(person__in=synthetic, edition__slug="nagoya-2026").count() == 25
    assert not Person.objects.public().filter(is_synthetic=True).exists()
    assert all(email.endswith(".invalid") for email in synthetic.values_list("email", flat=True))
    # A second batch continues the numbering instead of colliding.
    call_command("loaddemo", synthetic_delegates=5, verbosity=0)
    assert synthetic.count() == 30
