"""A delegate's own texts are kept as typed, with their language; organizers' translations of
them are marked stale when the delegate changes the text."""

import csv
import io

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from delegates import imports
from delegates.forms import RegistrationForm
from delegates.models import Person
from delegates.services import person_anonymize, registration_update_details
from delegates.tokens import manage_url
from events.translation_status import State, translation_state
from tests.factories import make_edition, make_vetted, register_delegate, registration_form_data

pytestmark = pytest.mark.django_db
EXPORT = reverse("admin:delegates_registration_export")


@pytest.fixture
def edition():
    return make_edition(status="registration_open", requires_approval=False)


def _registered_in_japanese(edition, **fields):
    values = {"position": "市議会議員", "organization": "名古屋市議会", "dietary_needs": "菜食", **fields}
    return register_delegate(edition, language="ja", **values)


def _person(registration):
    return Person.objects.get(pk=registration.person_id)


def test_registering_in_japanese_keeps_the_text_in_japanese_only(edition):
    registration = _registered_in_japanese(edition)
    person = _person(registration)
    assert (person.position_ja, person.organization_ja, person.own_texts_language) == (
        "市議会議員",
        "名古屋市議会",
        "ja",
    )
    # No Japanese text in the English column.
    assert not person.position_en and not person.organization_en
    assert registration.texts_language == "ja"


def _self_service_post(client, page, **changes):
    form = client.get(page).context["form"]
    data = {**registration_form_data(), **{name: value for name, value in form.initial.items() if value is not None}}
    data.update(changes)
    data.pop("email", None)
    response = client.post(page, data)
    assert response.status_code == 302, response.context["form"].errors
    return form


def test_self_service_on_any_page_corrects_the_text_in_its_own_language(client, edition):
    registration = _registered_in_japanese(edition)
    registration.refresh_from_db()
    english_page = manage_url(registration).replace("/ja/", "/en/", 1)
    form = _self_service_post(client, english_page, position="名古屋市議会議員")
    # The form shows the text as typed, and says it is Japanese, on the English page too.
    assert (form.initial["position"], form.initial["texts_language"]) == ("市議会議員", "ja")
    person = _person(registration)
    assert (person.position_ja, person.position_en or "", person.own_texts_language) == ("名古屋市議会議員", "", "ja")
    registration.refresh_from_db()
    # Needs left as they were keep their language.
    assert (registration.dietary_needs, registration.texts_language) == ("菜食", "ja")


def test_a_need_rewritten_in_english_is_english_and_the_untouched_texts_stay_japanese(client, edition):
    registration = _registered_in_japanese(edition)
    registration.refresh_from_db()
    english_page = manage_url(registration).replace("/ja/", "/en/", 1)
    _self_service_post(client, english_page, texts_language="en", dietary_needs="Vegetarian")
    registration.refresh_from_db()
    assert (registration.dietary_needs, registration.texts_language) == ("Vegetarian", "en")
    person = _person(registration)
    assert (person.position_ja, person.position_en or "", person.own_texts_language) == ("市議会議員", "", "ja")


def test_a_position_rewritten_in_english_becomes_the_source_and_the_old_copies_go_stale(client, edition):
    registration = _registered_in_japanese(edition)
    person = _person(registration)
    person.position_zh_hant = "市議員"
    person.save()
    registration.refresh_from_db()
    _self_service_post(client, manage_url(registration), texts_language="en", position="City councilor")
    person = _person(registration)
    assert (person.own_texts_language, person.position_en, person.organization_en) == (
        "en",
        "City councilor",
        "名古屋市議会",
    )
    # Nothing is lost; the Japanese and Chinese copies are marked, not trusted.
    assert (person.position_ja, person.position_zh_hant) == ("市議会議員", "市議員")
    assert translation_state(person, "position", "ja") == State.STALE
    assert translation_state(person, "position", "zh-hant") == State.STALE
    registration.refresh_from_db()
    assert registration.texts_language == "ja"


def test_registering_says_which_language_the_delegate_writes_in(client, edition):
    with translation.override("ja"):
        page = reverse("delegates:register", kwargs={"edition_slug": edition.slug})
    assert client.get(page).context["form"].fields["texts_language"].initial == "ja"
    registration = register_delegate(
        edition, language="ja", texts_language="zh-hant", position="市議員", dietary_needs="素食"
    )
    person = _person(registration)
    assert (person.position_zh_hant, person.position_ja or "", person.own_texts_language) == ("市議員", "", "zh-hant")
    assert (registration.texts_language, registration.language) == ("zh-hant", "ja")


def test_a_language_that_is_not_offered_is_refused_with_a_message(edition):
    form = RegistrationForm(data={**registration_form_data(), "texts_language": "fr"}, edition=edition)
    assert form.errors["texts_language"] == ["Select a valid choice. fr is not one of the available choices."]


def test_an_organizers_translation_goes_stale_when_the_delegate_changes_their_text(organizer_client, edition):
    registration = _registered_in_japanese(edition)
    person = _person(registration)
    person.position_en = "City councilor"
    person.save()
    assert translation_state(_person(registration), "position", "en") == State.CURRENT
    registration.refresh_from_db()
    registration_update_details(registration=registration, data={"position": "名古屋市議会議員"}, language="ja")
    person = _person(registration)
    assert translation_state(person, "position", "en") == State.STALE
    assert translation_state(person, "position", "ja") is None  # the source itself
    page = organizer_client.get(reverse("admin:delegates_person_change", args=[person.pk])).content.decode()
    assert page.count("Stale: the delegate changed their text (in Japanese)") == 1
    assert "Stale: the English text changed" not in page
    assert page.count("As the delegate typed it, in Japanese: the other languages are translations of it.") == 2
    rows = list(csv.DictReader(io.StringIO(b"".join(organizer_client.get(EXPORT).streaming_content).decode()[1:])))
    (row,) = rows
    assert row["Position (Japanese)"] == "名古屋市議会議員"
    assert row["Position (English)"] == "City councilor"
    assert row["Position and organization typed in"] == str(dict(settings.LANGUAGES)["ja"])
    assert row["Translations older than the typed text"] == "Position (English)"
    assert row["Needs and answers written in"] == str(dict(settings.LANGUAGES)["ja"])
    # The organizer updates the translation: current again.
    person.position_en = "Nagoya City councilor"
    person.save()
    assert translation_state(_person(registration), "position", "en") == State.CURRENT


def test_registering_again_in_another_language_marks_the_old_copies_stale(edition):
    registration = _registered_in_japanese(edition, email="mei@example.org")
    person = _person(registration)
    person.position_zh_hant = "市議員"
    person.save()
    registration.refresh_from_db()
    registration_update_details(
        registration=registration,
        data={"position": "City councilor", "organization": "Nagoya City Council"},
        language="en",
        actor="organizer",
    )
    person = _person(registration)
    assert (person.own_texts_language, person.position_en) == ("en", "City councilor")
    assert translation_state(person, "organization", "ja") == State.STALE
    assert translation_state(person, "position", "ja") == State.STALE
    assert translation_state(person, "position", "zh-hant") == State.STALE


def test_every_page_shows_the_typed_text_and_says_which_language_it_is(client, edition):
    registration = _registered_in_japanese(edition, listed_publicly="on")
    person = _person(registration)
    make_vetted(make_edition(series=edition.series), person)
    path = person.get_absolute_url().split("/", 2)[2]
    for language in ("en", "zh-hant"):
        page = client.get(f"/{language}/{path}").content.decode()
        assert '<span lang="ja" class="fallback">市議会議員' in page
    page = client.get(f"/ja/{path}").content.decode()
    assert "市議会議員" in page
    assert '<span lang="ja" class="fallback">' not in page


def test_an_import_stores_each_row_in_its_language(edition, organizer):
    text = "email,family_name,position,organization,language\nlin@example.tw,Lin,市議員,台南市議會,zh-hant\n"
    results = imports.delegates_import(edition=edition, text=text, user=organizer, dry_run=False)
    assert [result.outcome for result in results] == ["create"]
    person = Person.objects.get(email="lin@example.tw")
    assert (person.position_zh_hant, person.position_en or "", person.own_texts_language) == ("市議員", "", "zh-hant")


def test_erasure_leaves_no_text_and_no_fingerprint(edition):
    registration = _registered_in_japanese(edition)
    person = _person(registration)
    person.position_en = "City councilor"
    person.save()
    person_anonymize(person=person)
    person = _person(registration)
    assert (person.position_ja or "", person.position_en or "") == ("", "")
    assert (person.translation_sources, person.own_texts_language) == ({}, "")


def _admin_person_post(organizer_client, person, **changes):
    url = reverse("admin:delegates_person_change", args=[person.pk])
    form = organizer_client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name in form.fields}
    registrations = list(person.registrations.order_by("pk"))
    data.update({"registrations-TOTAL_FORMS": len(registrations), "registrations-INITIAL_FORMS": len(registrations)})
    for index, registration in enumerate(registrations):
        data.update({f"registrations-{index}-id": registration.pk, f"registrations-{index}-person": person.pk})
    data.update(changes)
    response = organizer_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return Person.objects.get(pk=person.pk)


def test_an_organizer_adds_an_english_translation_in_the_admin(organizer_client, edition):
    registration = _registered_in_japanese(edition)
    person = _admin_person_post(organizer_client, _person(registration), position_en="City councilor")
    assert (person.position_ja, person.position_en, person.own_texts_language) == ("市議会議員", "City councilor", "ja")
    assert translation_state(person, "position", "en") == State.CURRENT
    assert translation_state(person, "organization", "en") == State.MISSING
    rows = list(csv.DictReader(io.StringIO(b"".join(organizer_client.get(EXPORT).streaming_content).decode()[1:])))
    (row,) = rows
    assert (row["Position (as typed)"], row["Organization (as typed)"]) == ("市議会議員", "名古屋市議会")
    assert (row["Position (English)"], row["Organization (English)"]) == ("City councilor", "")
    assert row["Translations older than the typed text"] == ""


def test_the_people_list_shows_the_organization_as_typed_with_its_language(organizer_client, edition):
    _registered_in_japanese(edition)
    register_delegate(edition, organization="Legislative Yuan")
    changelist = reverse("admin:delegates_person_changelist")
    page = organizer_client.get(changelist).content.decode()
    assert '<span lang="ja">名古屋市議会</span> <small>(Japanese)</small>' in page
    assert '<span lang="en">Legislative Yuan</span> <small>(English)</small>' in page
    page = organizer_client.get(changelist, headers={"accept-language": "ja"}).content.decode()
    assert '<span lang="ja">名古屋市議会</span> <small>（日本語）</small>' in page


def test_erasure_wipes_the_typed_text_every_translation_and_the_needs(organizer_client, edition):
    registration = _registered_in_japanese(edition, accessibility_needs="車椅子")
    person = _admin_person_post(
        organizer_client, _person(registration), position_en="City councilor", organization_zh_hant="名古屋市議會"
    )
    person_anonymize(person=person)
    person = _person(registration)
    texts = [
        getattr(person, f"{field}_{suffix}") or ""
        for field in ("position", "organization")
        for suffix in ("en", "ja", "zh_hant")
    ]
    assert texts == [""] * 6
    registration.refresh_from_db()
    assert (registration.dietary_needs, registration.accessibility_needs, registration.answers) == ("", "", {})
    row = next(csv.DictReader(io.StringIO(b"".join(organizer_client.get(EXPORT).streaming_content).decode()[1:])))
    assert (row["Position (as typed)"], row["Organization (as typed)"], row["Dietary needs"]) == ("", "", "")


def test_an_import_row_says_which_language_its_texts_are_in_apart_from_the_e_mails(edition, organizer):
    header = "email,family_name,position,organization,dietary_needs,language,written_in\n"
    text = header + "lin@example.tw,Lin,市議員,台南市議會,素食,en,zh-hant\n"
    results = imports.delegates_import(edition=edition, text=text, user=organizer, dry_run=False)
    assert [result.outcome for result in results] == ["create"]
    person = Person.objects.get(email="lin@example.tw")
    assert (person.position_zh_hant, person.position_en or "", person.own_texts_language) == ("市議員", "", "zh-hant")
    registration = person.registrations.get()
    assert (registration.language, registration.texts_language, registration.dietary_needs) == ("en", "zh-hant", "素食")
    # The same row again changes nothing; the English translation is then the position's update.
    results = imports.delegates_import(edition=edition, text=text, user=organizer, dry_run=False)
    assert [result.outcome for result in results] == ["unchanged"]
    results = imports.delegates_import(
        edition=edition, text=header + "lin@example.tw,Lin,City councilor,,,en,en\n", user=organizer, dry_run=False
    )
    assert [(result.outcome, result.details) for result in results] == [("update", ["Changes: position [en]"])]
    # A partial row in another language is a translation: the Chinese texts stay the source.
    person = Person.objects.get(email="lin@example.tw")
    assert (person.own_texts_language, person.position_zh_hant, person.position_en) == (
        "zh-hant",
        "市議員",
        "City councilor",
    )
    assert translation_state(person, "position", "en") == State.CURRENT
    # A row restating both texts in English makes them the delegate's texts; the Chinese go stale.
    results = imports.delegates_import(
        edition=edition,
        text=header + "lin@example.tw,Lin,City councilor,Tainan City Council,,en,en\n",
        user=organizer,
        dry_run=False,
    )
    assert [result.outcome for result in results] == ["update"]
    person = Person.objects.get(email="lin@example.tw")
    assert (person.own_texts_language, person.organization_en, person.organization_zh_hant) == (
        "en",
        "Tainan City Council",
        "台南市議會",
    )
    assert translation_state(person, "organization", "zh-hant") == State.STALE
    assert translation_state(person, "position", "zh-hant") == State.STALE


def test_an_import_refuses_a_language_it_does_not_know(edition, organizer):
    text = "email,family_name,position,written_in\nlin@example.tw,Lin,市議員,fr\n"
    results = imports.delegates_import(edition=edition, text=text, user=organizer, dry_run=False)
    assert [(result.outcome, result.details) for result in results] == [("refuse", ["“fr” is not a valid written_in."])]


def test_the_people_list_filters_by_the_language_the_texts_were_typed_in(organizer_client, edition):
    _registered_in_japanese(edition, family_name="Tanaka")
    register_delegate(edition, family_name="Lin", language="zh-hant")
    changelist = reverse("admin:delegates_person_changelist")
    response = organizer_client.get(changelist, {"own_texts_language__exact": "zh-hant"})
    assert [person.family_name for person in response.context["cl"].result_list] == ["Lin"]
