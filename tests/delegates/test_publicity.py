"""Who is public: nothing a stranger types reaches the public site before it is vetted."""

import pytest
from django.urls import reverse
from django.utils import translation

from delegates import services
from delegates.models import Category, Person, Registration, Side
from tests.factories import (
    make_edition,
    make_open_edition,
    make_person,
    make_registration,
    make_vetted,
    registration_form_data,
)

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "ja", "zh-hant"]
IMPOSTOR = "Prime Minister of Everything"


def _register_stranger(client, edition):
    data = registration_form_data(
        family_name="Impostor", given_name="Ivan", position=IMPOSTOR, organization=IMPOSTOR, listed_publicly="on"
    )
    response = client.post(f"/en/editions/{edition.slug}/register/", data)
    assert response.status_code == 302
    return Person.objects.get(family_name="Impostor")


def _public_pages(person, edition):
    pages = []
    for language in LANGUAGES:
        with translation.override(language):
            pages += [
                person.get_absolute_url(),
                reverse("events:edition_participants", kwargs={"slug": edition.slug}),
                reverse("events:edition_detail", kwargs={"slug": edition.slug}),
                reverse("events:search") + "?q=Impostor",
            ]
    return pages + ["/sitemap.xml", reverse("events:api_speech_list"), reverse("events:api_resolution_list")]


def _shown_anywhere(client, person, edition):
    for url in _public_pages(person, edition):
        response = client.get(url)
        if response.status_code == 200 and (
            IMPOSTOR in response.content.decode() or person.slug in response.content.decode()
        ):
            return True
    return False


def test_an_unconfirmed_stranger_appears_nowhere(client):
    edition = make_open_edition()
    person = _register_stranger(client, edition)
    assert person.listed_publicly is True
    for language in LANGUAGES:
        with translation.override(language):
            assert client.get(person.get_absolute_url()).status_code == 404
    assert _shown_anywhere(client, person, edition) is False


def test_on_manual_approval_only_acceptance_makes_a_consenting_person_public(client):
    edition = make_open_edition(requires_approval=True)
    person = _register_stranger(client, edition)
    registration = person.registrations.get()
    services.registration_confirm(registration=registration)
    assert Registration.objects.get().status == Registration.Status.PENDING
    assert _shown_anywhere(client, person, edition) is False
    services.registration_accept(registration=registration, actor="organizer")
    assert client.get(person.get_absolute_url()).status_code == 200
    assert _shown_anywhere(client, person, edition) is True
    participants = client.get(reverse("events:edition_participants", kwargs={"slug": edition.slug}))
    assert "Ivan Impostor" in participants.content.decode()


def test_automatic_acceptance_after_confirmation_makes_a_consenting_person_public(client):
    edition = make_open_edition()
    person = _register_stranger(client, edition)
    services.registration_confirm(registration=person.registrations.get())
    assert client.get(person.get_absolute_url()).status_code == 200


def test_an_organizer_withdraws_a_person_from_the_public_site(client, organizer_client):
    edition = make_edition()
    person = make_person(listed_publicly=True, is_public_figure=True)
    make_vetted(edition, person)
    assert client.get(person.get_absolute_url()).status_code == 200
    response = organizer_client.post(
        reverse("admin:delegates_person_changelist"),
        {"action": "withdraw_from_public", "_selected_action": [person.pk]},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.listed_publicly, person.is_public_figure, person.is_public) == (False, False, False)
    assert client.get(person.get_absolute_url()).status_code == 404


def test_participants_list_names_exactly_the_consenting_accepted_by_side_and_category(client):
    edition = make_edition()
    other = make_edition(edition.series)
    listed = [
        make_person(family_name="Aoki", side=Side.JAPAN, category=Category.NATIONAL_LEGISLATOR, listed_publicly=True),
        make_person(family_name="Chen", side=Side.TAIWAN, category=Category.LOCAL_COUNCILOR, listed_publicly=True),
        make_person(family_name="Baba", side=Side.JAPAN, category=Category.NATIONAL_LEGISLATOR, listed_publicly=True),
    ]
    for person in listed:
        make_vetted(edition, person)
    # Not listed: no consent, a public figure without consent, pending, accepted elsewhere only.
    make_vetted(edition, make_person(family_name="Silent"))
    make_vetted(edition, make_person(family_name="Figure", is_public_figure=True))
    make_registration(
        edition, make_person(family_name="Waiting", listed_publicly=True, email="w@example.org"), status="pending"
    )
    make_vetted(other, make_person(family_name="Elsewhere", listed_publicly=True))
    assert list(Person.objects.listed_for(edition).order_by("family_name").values_list("family_name", flat=True)) == [
        "Aoki",
        "Baba",
        "Chen",
    ]
    content = client.get(reverse("events:edition_participants", kwargs={"slug": edition.slug})).content.decode()
    headings = [line.strip() for line in content.splitlines() if line.strip().startswith(("<h2", "<h3"))]
    assert headings == [
        '<h2 id="side-1">Japan</h2>',
        "<h3>National legislator</h3>",
        '<h2 id="side-2">Taiwan</h2>',
        "<h3>Local councilor</h3>",
    ]
    for name in ["Silent", "Figure", "Waiting", "Elsewhere"]:
        assert name not in content
    assert content.index("Aoki") < content.index("Baba") < content.index("Chen")


@pytest.mark.parametrize("size", [1, 30])
def test_participants_list_runs_the_same_queries_at_any_size(client, django_assert_num_queries, size):
    edition = make_edition()
    for index in range(size):
        make_vetted(edition, make_person(listed_publicly=True, side=Side.values[index % 3]))
    url = reverse("events:edition_participants", kwargs={"slug": edition.slug})
    client.get("/en/")  # the content version is read once and cached
    with django_assert_num_queries(2):
        response = client.get(url)
    assert response.content.decode().count('href="/en/people/') == size
