"""A delegate's own texts are kept as typed, with their language; organizers' translations of
them are marked stale when the delegate changes the text."""

import csv
import io

import pytest
from django.conf import settings
from django.urls import reverse

from delegates import imports
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


def test_self_service_on_any_page_corrects_the_text_in_its_own_language(client, edition):
    registration = _registered_in_japanese(edition)
    registration.refresh_from_db()
    english_page = manage_url(registration).replace("/ja/", "/en/", 1)
    form = client.get(english_page).context["form"]
    assert form.initial["position"] == "市議会議員"
    data = {**registration_form_data(), **{name: value for name, value in form.initial.items() if value is not None}}
    data.update(position="名古屋市議会議員", dietary_needs="Vegetarian")
    data.pop("email", None)
    response = client.post(english_page, data)
    assert response.status_code == 302, response.context["form"].errors
    person = _person(registration)
    assert (person.position_ja, person.position_en or "", person.own_texts_language) == ("名古屋市議会議員", "", "ja")
    registration.refresh_from_db()
    assert (registration.dietary_needs, registration.texts_language) == ("Vegetarian", "en")


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
    assert page.count("Stale: the English text changed") == 1
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
        registration=registration, data={"position": "City councilor"}, language="en", actor="organizer"
    )
    person = _person(registration)
    assert (person.own_texts_language, person.position_en) == ("en", "City councilor")
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
