"""Translations are missing, current or stale against their English source, and organizers
and readers are told which."""

import pytest
from django.urls import reverse

from events.models import Speech
from events.translation_status import State, edition_content, translation_report, translation_state
from tests.factories import make_edition, make_speech

pytestmark = pytest.mark.django_db
TRANSLATIONS = reverse("admin:events_translations")


@pytest.fixture
def speech():
    return make_speech(
        make_edition(status="held"),
        slug="lai",
        title_en="Video message",
        title_ja="ビデオメッセージ",
        summary_en="Peace in the Taiwan Strait.",
        summary_ja="台湾海峡の平和。",
        summary_zh_hant="台灣海峽的和平。",
    )


def _edit(obj, **fields):
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.save()
    return type(obj).objects.get(pk=obj.pk)


def test_each_translation_is_missing_current_or_stale(speech):
    assert translation_state(speech, "title", "ja") == State.CURRENT
    assert translation_state(speech, "title", "zh-hant") == State.MISSING
    assert translation_state(speech, "transcript", "ja") is None  # no English to translate
    speech = _edit(speech, summary_en="Peace and stability in the Taiwan Strait.")
    assert translation_state(speech, "summary", "ja") == State.STALE
    assert translation_state(speech, "summary", "zh-hant") == State.STALE
    assert translation_state(speech, "title", "ja") == State.CURRENT
    # Updating the translation makes it current again; the other language stays stale.
    speech = _edit(speech, summary_ja="台湾海峡の平和と安定。")
    assert translation_state(speech, "summary", "ja") == State.CURRENT
    assert translation_state(speech, "summary", "zh-hant") == State.STALE


def test_english_and_translation_changed_together_is_current(speech):
    speech = _edit(speech, summary_en="New English.", summary_ja="新しい日本語。")
    assert translation_state(speech, "summary", "ja") == State.CURRENT


def test_save_with_update_fields_still_records_the_translation(speech):
    speech.title_zh_hant = "錄影致詞"
    speech.save(update_fields=["title_zh_hant"])
    speech = Speech.objects.get(pk=speech.pk)
    assert translation_state(speech, "title", "zh-hant") == State.CURRENT
    speech.title_en = "A video message"
    speech.save(update_fields=["title_en"])
    assert translation_state(Speech.objects.get(pk=speech.pk), "title", "zh-hant") == State.STALE


def test_the_admin_change_form_marks_stale_fields(organizer_client, speech):
    _edit(speech, summary_en="Changed.")
    page = organizer_client.get(reverse("admin:events_speech_change", args=[speech.pk])).content.decode()
    assert page.count("Stale: the English text changed after this translation was made.") == 2
    assert 'name="summary_ja"' in page
    assert page.count("translation-stale") == 2


def test_the_admin_action_marks_translations_current(organizer_client, speech):
    _edit(speech, summary_en="Changed.")
    response = organizer_client.post(
        reverse("admin:events_speech_changelist"),
        {"action": "mark_translations_current", "_selected_action": [speech.pk]},
    )
    assert response.status_code == 302
    speech = Speech.objects.get(pk=speech.pk)
    assert translation_state(speech, "summary", "ja") == State.CURRENT
    assert translation_state(speech, "summary", "zh-hant") == State.CURRENT


def test_the_translations_page_lists_what_is_missing_or_stale_and_marks_one_current(organizer_client, speech):
    _edit(speech, summary_en="Changed.")
    url = f"{TRANSLATIONS}?edition={speech.edition.pk}&language=ja"
    page = organizer_client.get(url)
    assert page.status_code == 200
    rows = [(row.obj, row.field, row.language, row.state) for row in page.context["reports"][0][1].untranslated]
    assert (speech, "summary", "ja", State.STALE) in rows
    assert (speech, "title", "ja", State.CURRENT) not in rows
    assert all(language == "ja" for _obj, _field, language, _state in rows)
    assert reverse("admin:events_speech_change", args=[speech.pk]) in page.content.decode()
    marked = organizer_client.post(url, {"object": f"events.speech:{speech.pk}", "mark_language": "ja"})
    assert marked.status_code == 302
    speech = Speech.objects.get(pk=speech.pk)
    assert translation_state(speech, "summary", "ja") == State.CURRENT
    assert translation_state(speech, "summary", "zh-hant") == State.STALE


@pytest.mark.parametrize(
    "data",
    [
        {"object": "events.speech:999999", "mark_language": "ja"},
        {"object": "auth.user:1", "mark_language": "ja"},
        {"object": "nonsense", "mark_language": "ja"},
        {"object": "events.speech:1", "mark_language": "fr"},
        {},
    ],
)
def test_a_forged_mark_current_is_refused_with_a_message(organizer_client, speech, data):
    response = organizer_client.post(TRANSLATIONS, data, follow=True)
    assert response.status_code == 200
    assert "That item no longer exists; nothing was changed." in response.content.decode()


def test_the_translations_page_needs_a_login(client):
    assert client.get(TRANSLATIONS).status_code == 302


@pytest.mark.parametrize("count", [1, 8])
def test_the_translations_page_runs_the_same_queries_whatever_the_size(
    organizer_client, django_assert_max_num_queries, count
):
    edition = make_edition(status="held")
    for number in range(count):
        make_speech(edition, slug=f"s{number}", title_en=f"Speech {number}", title_ja=f"演説{number}")
    with django_assert_max_num_queries(16):
        assert organizer_client.get(f"{TRANSLATIONS}?edition={edition.pk}").status_code == 200


def test_the_dashboard_counts_translations_per_language(organizer_client, speech):
    _edit(speech, summary_en="Changed.")
    counts = translation_report(edition_content(speech.edition)).counts
    assert counts["ja"]["stale"] == 1
    assert counts["zh-hant"]["stale"] == 1
    assert counts["zh-hant"]["missing"] >= 1
    page = organizer_client.get(reverse("admin:delegates_registration_dashboard", args=[speech.edition.pk]))
    assert page.context["dashboard"].translations == counts
    html = page.content.decode()
    assert f"?edition={speech.edition.pk}&amp;language=ja" in html


@pytest.mark.parametrize(("language", "note"), [("ja", True), ("zh-hant", True), ("en", False)])
def test_public_pages_say_when_a_translation_is_stale(client, speech, language, note):
    _edit(speech, summary_en="Changed.")
    page = client.get(f"/{language}{speech.get_absolute_url()[3:]}" if language != "en" else speech.get_absolute_url())
    html = page.content.decode()
    assert page.status_code == 200
    assert ('class="stale-translation"' in html) is note


def test_a_current_translation_carries_no_note(client, speech):
    with_language = speech.get_absolute_url().replace("/en/", "/ja/", 1)
    assert 'class="stale-translation"' not in client.get(with_language).content.decode()


def test_the_demo_loads_with_every_translation_current(db):
    from django.core.management import call_command

    call_command("loaddemo", verbosity=0)
    from events.models import Edition

    for edition in Edition.objects.all():
        counts = translation_report(edition_content(edition)).counts
        assert counts["ja"]["stale"] == counts["zh-hant"]["stale"] == 0


def _as_a_browser_posts(form):
    """The change form's current values as a browser submits them: textarea line breaks as CRLF."""
    data = {}
    for name in form.fields:
        value = form.initial.get(name)
        if value is None:
            continue
        if isinstance(value, list):
            data[name] = [getattr(item, "pk", item) for item in value]
        elif isinstance(value, str):
            data[name] = value.replace("\n", "\r\n")
        else:
            data[name] = getattr(value, "pk", value)
    return data


def test_an_untouched_translation_re_sent_by_the_browser_stays_stale(organizer_client):
    speech = make_speech(
        make_edition(status="held"),
        slug="lai",
        title_en="Video message",
        summary_en="Line one.\nLine two.",
        summary_ja="一行目。\n二行目。",
    )
    url = reverse("admin:events_speech_change", args=[speech.pk])
    data = _as_a_browser_posts(organizer_client.get(url).context["adminform"].form)
    assert data["summary_ja"] == "一行目。\r\n二行目。"
    data["summary_en"] = "Line one.\r\nLine two, changed.\r\n"
    assert organizer_client.post(url, data).status_code == 302
    speech = Speech.objects.get(pk=speech.pk)
    assert speech.summary_ja == "一行目。\r\n二行目。"
    assert translation_state(speech, "summary", "ja") == State.STALE
    # Saved again unchanged, as the browser sends it: still stale.
    assert organizer_client.post(url, data).status_code == 302
    assert translation_state(Speech.objects.get(pk=speech.pk), "summary", "ja") == State.STALE


def test_the_migration_refingerprints_what_was_current_and_keeps_what_was_stale():
    import hashlib
    import importlib

    from django.apps import apps

    migration = importlib.import_module("events.migrations.0006_translation_fingerprints_normalized")

    def raw(text):
        return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()

    speech = make_speech(
        make_edition(status="held"),
        title_en="Video message",
        title_ja="ビデオメッセージ",
        summary_en="One.\r\nTwo.",
        summary_ja="一。\r\n二。",
    )
    current = {"source": raw("One.\r\nTwo."), "text": raw("一。\r\n二。")}
    stale = {"source": raw("Old title"), "text": raw("ビデオメッセージ")}
    Speech.objects.filter(pk=speech.pk).update(translation_sources={"summary:ja": current, "title:ja": stale})
    migration.fingerprints_of_normalized_text(apps, None)
    speech = Speech.objects.get(pk=speech.pk)
    assert translation_state(speech, "summary", "ja") == State.CURRENT
    assert translation_state(speech, "title", "ja") == State.STALE
    migration.fingerprints_of_raw_text(apps, None)
    assert Speech.objects.get(pk=speech.pk).translation_sources == {"summary:ja": current, "title:ja": stale}
