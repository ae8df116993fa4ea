"""The registration form on its own: every error next to its field, in the delegate's language."""

import re

import pytest
from django.utils import translation

from delegates.forms import RegistrationForm, SelfServiceForm
from delegates.models import Question
from tests.factories import make_open_edition, make_person, make_question, make_registration, registration_form_data

pytestmark = pytest.mark.django_db


def errors_in(language, **fields):
    with translation.override(language):
        form = RegistrationForm(data=registration_form_data(**fields), edition=make_open_edition())
        form.is_valid()
        return {name: [str(error) for error in errors] for name, errors in form.errors.items()}


@pytest.mark.parametrize("language", ["en", "ja", "zh-hant"])
def test_the_phone_example_each_language_gives_is_accepted(language):
    """The hint and the error show an example number; typing it must not be refused."""
    with translation.override(language):
        hint = str(RegistrationForm(edition=make_open_edition()).fields["phone"].help_text)
        refusal = errors_in(language, phone="12")["phone"][0]
    for text in (hint, refusal):
        example = re.search(r"\+[\d ]+\d", text).group()
        assert "phone" not in errors_in(language, phone=example), (language, example)


def test_a_complete_form_is_valid_and_phone_is_normalized():
    form = RegistrationForm(data=registration_form_data(phone="+81312345678"), edition=make_open_edition())
    assert form.is_valid(), form.errors
    assert form.registration_data()["phone"] == "+81 3-1234-5678"
    assert form.registration_data()["listed_publicly"] is False


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            {
                "family_name": ["This field is required."],
                "email": ["Enter a valid email address."],
                "phone": ["Enter a valid phone number with the country code, for example +81 3 1234 5678."],
                "side": ["Select a valid choice. mars is not one of the available choices."],
                "privacy_consent": ["Please agree to the privacy notice to register."],
            },
        ),
        (
            "ja",
            {
                "family_name": ["このフィールドは必須です。"],
                "email": ["有効なメールアドレスを入力してください。"],
                "phone": ["国番号付きの有効な電話番号を入力してください（例：+81 3 1234 5678）。"],
                "side": ["正しく選択してください。 mars は候補にありません。"],
                "privacy_consent": ["登録するにはプライバシーポリシーへの同意が必要です。"],
            },
        ),
        (
            "zh-hant",
            {
                "family_name": ["這個欄位是必須的。"],
                "email": ["請輸入有效的電子郵件地址。"],
                "phone": ["請輸入含國碼的有效電話號碼，例如 +886 2 2345 6789。"],
                "side": ["請選擇有效的選項, mars 不是一個可用的選項。"],
                "privacy_consent": ["請同意隱私權聲明後再報名。"],
            },
        ),
    ],
)
def test_errors_are_given_per_field_in_the_chosen_language(language, expected):
    assert (
        errors_in(language, family_name="", email="not-an-address", phone="12345", side="mars", privacy_consent="")
        == expected
    )


def test_a_local_number_without_country_code_is_refused():
    assert errors_in("en", phone="03-1234-5678") == {
        "phone": ["Enter a valid phone number with the country code, for example +81 3 1234 5678."]
    }


def test_the_honeypot_refuses_bots():
    assert errors_in("en", website="http://spam.example") == {"website": ["Please leave this field empty."]}


def test_consent_to_be_listed_is_off_unless_ticked():
    form = RegistrationForm(edition=make_open_edition())
    assert form["listed_publicly"].value() is None
    assert "checked" not in str(form["listed_publicly"])


def test_extra_questions_are_asked_and_their_answers_stored_under_stable_keys():
    edition = make_open_edition()
    menu = make_question(
        edition,
        kind=Question.Kind.CHOICE,
        label_en="Lunch",
        label_ja="昼食",
        choices_en="Fish\nVegetarian",
        choices_ja="魚\nベジタリアン",
        required=True,
    )
    tour = make_question(edition, kind=Question.Kind.YES_NO, label_en="Join the city tour?", required=True)
    note = make_question(edition, label_en="Anything else?")
    with translation.override("ja"):
        form = RegistrationForm(data=registration_form_data(**{menu.answer_key: "Vegetarian"}), edition=edition)
        assert form.is_valid() is False
        assert form.errors == {tour.answer_key: ["このフィールドは必須です。"]}
        assert form.fields[menu.answer_key].choices == [
            ("", "選択してください"),
            ("Fish", "魚"),
            ("Vegetarian", "ベジタリアン"),
        ]
    form = RegistrationForm(
        data=registration_form_data(**{menu.answer_key: "Vegetarian", tour.answer_key: "no"}), edition=edition
    )
    assert form.is_valid(), form.errors
    assert form.registration_data()["answers"] == {
        menu.answer_key: "Vegetarian",
        tour.answer_key: "no",
        note.answer_key: "",
    }


def test_self_service_form_starts_with_what_is_stored():
    edition = make_open_edition()
    registration = make_registration(edition, dietary_needs="Halal")
    initial = SelfServiceForm.initial_for(registration, "en")
    assert (initial["family_name"], initial["dietary_needs"], initial["side"]) == (
        registration.person.family_name,
        "Halal",
        "japan",
    )
    assert "email" not in SelfServiceForm(edition=edition).fields


def test_self_service_form_shows_details_still_waiting_for_confirmation():
    registration = make_registration(
        make_open_edition(),
        make_person(email="back@example.org", position_en="Legislator", honorific="Hon."),
        pending_person_details={"position_ja": "大臣", "honorific": ""},
    )
    initial = SelfServiceForm.initial_for(registration, "ja")
    assert (initial["position"], initial["honorific"]) == ("大臣", "")
    assert SelfServiceForm.initial_for(registration, "en")["position"] == "Legislator"
