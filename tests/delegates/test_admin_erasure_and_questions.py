"""The delegates admin parts of the registration workflow: erasure on request (people
anonymized, counts kept, old links dead), extra questions and their answers."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from delegates import tokens
from delegates.models import Registration
from tests.factories import make_open_edition, make_person, make_question, make_registration

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:delegates_person_changelist")


def test_erasing_asks_first_then_anonymizes_and_keeps_the_counts(organizer_client, client):
    edition = make_open_edition()
    person = make_person(email="erase.me@example.org", native_name="李逸洋", phone="+886 2 2345 6789")
    registration = make_registration(edition, person, status="accepted", dietary_needs="Vegan", answers={"q1": "x"})
    kept = make_registration(edition, status="accepted")
    old_link = tokens.manage_url(registration).removeprefix("http://127.0.0.1:8000")
    selection = {"action": "anonymize_people", ACTION_CHECKBOX_NAME: [person.pk]}

    confirmation = organizer_client.post(CHANGELIST, selection)
    assert confirmation.status_code == 200
    assert "1 registration" in confirmation.content.decode()
    person.refresh_from_db()
    assert person.anonymized_at is None, "nothing happens before the organizer confirms"

    response = organizer_client.post(CHANGELIST, {**selection, "confirmed": "yes"}, follow=True)
    assert [str(message) for message in response.context["messages"]] == ["1 person erased."]
    person.refresh_from_db()
    registration.refresh_from_db()
    assert (person.family_name, person.given_name, person.native_name, person.email, person.phone) == (
        "Anonymized",
        "",
        "",
        "",
        "",
    )
    assert (registration.email, registration.dietary_needs, registration.answers) == ("", "", {})
    assert Registration.objects.for_edition(edition).accepted().count() == 2
    assert kept.person.family_name != "Anonymized"
    assert client.get(old_link).status_code == 400


def test_extra_questions_admin_lists_and_adds(organizer_client):
    edition = make_open_edition()
    make_question(edition, label_en="Join the city tour?")
    page = organizer_client.get(reverse("admin:delegates_question_changelist"))
    assert "Join the city tour?" in page.content.decode()
    response = organizer_client.post(
        reverse("admin:delegates_question_add"),
        {"edition": edition.pk, "kind": "choice", "order": 1, "label_en": "Lunch", "choices_en": ""},
    )
    assert response.status_code == 200
    assert "A choice question needs at least one choice." in response.content.decode()


def test_registration_admin_shows_answers_with_their_questions(organizer_client):
    from delegates.models import Question

    edition = make_open_edition()
    tour = make_question(edition, kind=Question.Kind.YES_NO, label_en="Join the city tour?")
    lunch = make_question(edition, kind=Question.Kind.CHOICE, label_en="Lunch", choices_en="Fish\nVegetarian")
    registration = make_registration(edition, answers={tour.answer_key: "yes", lunch.answer_key: "Vegetarian"})
    assert registration.answer_pairs() == [("Join the city tour?", "Yes"), ("Lunch", "Vegetarian")]
    page = organizer_client.get(reverse("admin:delegates_registration_change", args=[registration.pk]))
    assert "Join the city tour?: Yes<br>Lunch: Vegetarian" in page.content.decode()
