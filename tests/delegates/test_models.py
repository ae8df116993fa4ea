import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from delegates.models import Person, Registration
from tests.factories import make_edition, make_person, make_registration

pytestmark = pytest.mark.django_db


def _violates(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_person_email_is_unique_ignoring_case():
    make_person(email="Mei@Example.org")
    _violates(lambda: make_person(email="mei@example.org"))


def test_many_people_may_have_no_email():
    make_person(email="")
    make_person(email="")
    assert Person.objects.filter(email="").count() == 2


def test_one_registration_per_person_per_edition():
    edition, person = make_edition(), make_person(email="a@example.org")
    make_registration(edition, person)
    _violates(lambda: make_registration(edition, person, email="other@example.org"))
    assert make_registration(make_edition(), person).person == person


def test_one_registration_per_email_per_edition():
    edition = make_edition()
    make_registration(edition, make_person(email="same@example.org"))
    _violates(lambda: make_registration(edition, make_person(), email="same@example.org"))


def test_only_accepted_registrations_can_be_checked_in():
    edition = make_edition()
    _violates(lambda: make_registration(edition, status=Registration.Status.PENDING, checked_in_at=timezone.now()))
    registration = make_registration(edition, status=Registration.Status.ACCEPTED, checked_in_at=timezone.now())
    assert registration.checked_in_at is not None


def test_registration_status_must_be_a_known_one():
    _violates(lambda: make_registration(make_edition(), status="maybe"))


def test_public_people_are_public_figures_and_the_consenting_vetted():
    edition = make_edition()
    figure = make_person(is_public_figure=True)
    vetted = make_person(listed_publicly=True)
    make_registration(edition, vetted, status=Registration.Status.ACCEPTED, confirmed_at=timezone.now())
    # Consent alone, or consent with a registration nobody vetted, is not enough.
    make_person(listed_publicly=True)
    for status in ["unconfirmed", "pending", "waitlisted", "rejected", "cancelled"]:
        confirmed_at = None if status == "unconfirmed" else timezone.now()
        make_registration(edition, make_person(listed_publicly=True), status=status, confirmed_at=confirmed_at)
    # Accepted by an organizer without the address ever being confirmed.
    make_registration(edition, make_person(listed_publicly=True), status=Registration.Status.ACCEPTED)
    # Vetted but never consented.
    make_registration(edition, make_person(), status=Registration.Status.ACCEPTED, confirmed_at=timezone.now())
    make_person(is_public_figure=True, anonymized_at=timezone.now())
    public = set(Person.objects.public())
    assert public == {figure, vetted}
    assert [person.is_public for person in Person.objects.order_by("pk")] == [
        person in public for person in Person.objects.order_by("pk")
    ]


def test_full_name_follows_the_name_order():
    assert make_person(family_name="Lee", given_name="Yi-yang", family_name_first=True).full_name == "Lee Yi-yang"
    assert make_person(family_name="Lai", given_name="William").full_name == "William Lai"


def test_waiting_list_is_in_order_of_arrival():
    edition = make_edition()
    first = make_registration(edition, status=Registration.Status.WAITLISTED)
    second = make_registration(edition, status=Registration.Status.WAITLISTED)
    make_registration(edition, status=Registration.Status.ACCEPTED)
    assert list(Registration.objects.for_edition(edition).waitlisted()) == [first, second]
