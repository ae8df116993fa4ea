"""Who is public: nothing a stranger types reaches the public site before it is vetted."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from delegates import services, tokens
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
    # The consent and the mark are kept, and count for nothing while withdrawn.
    assert (person.listed_publicly, person.is_public_figure, person.is_public) == (True, True, False)
    assert person.withdrawn_from_public_at is not None
    assert list(Person.objects.public()) == []
    assert list(Person.objects.listed_for(edition)) == []
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


# --- After acceptance, what the public site shows is no longer the delegate's to change ---------

PUBLIC_CHANGES = {
    "family_name": "Zaphod",
    "given_name": "Beeblebrox",
    "native_name": "万物総理",
    "honorific": "H.E.",
    "position": "Emperor of the Galaxy",
    "organization": "Galactic Cabinet",
    "side": "taiwan",
    "category": "national_legislator",
}


def _manage_url(registration, language="en"):
    with translation.override(language):
        return reverse("delegates:manage", kwargs={"token": tokens.manage_token(registration)})


def _self_service_data(registration, **changes):
    data = registration_form_data(**changes)
    data.pop("email")
    return data


def _accepted_stranger(client, django_capture_on_commit_callbacks):
    edition = make_open_edition()
    with django_capture_on_commit_callbacks(execute=True):
        person = _register_stranger(client, edition)
        services.registration_confirm(registration=person.registrations.get())
    registration = person.registrations.get()
    assert (registration.status, Person.objects.get(pk=person.pk).is_public) == ("accepted", True)
    return edition, registration


def _stored(person_pk):
    person = Person.objects.get(pk=person_pk)
    return {field.attname: getattr(person, field.attname) for field in Person._meta.concrete_fields}


def _public_text(client, person, edition):
    pages = [person.get_absolute_url(), reverse("events:edition_participants", kwargs={"slug": edition.slug})]
    return " ".join(client.get(url).content.decode() for url in pages)


def test_after_acceptance_the_self_service_form_cannot_change_what_the_public_site_shows(
    client, django_capture_on_commit_callbacks
):
    edition, registration = _accepted_stranger(client, django_capture_on_commit_callbacks)
    person = registration.person
    data = _self_service_data(registration, **PUBLIC_CHANGES, phone="+81 3 1234 5678", listed_publicly="on")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_manage_url(registration), {**data, "dietary_needs": "Halal"})
    assert response.status_code == 302
    stored = Person.objects.get(pk=person.pk)
    assert [getattr(stored, field) for field in PUBLIC_CHANGES] == [
        person.family_name,
        person.given_name,
        person.native_name,
        person.honorific,
        IMPOSTOR,  # what the stranger typed before acceptance, vetted with it
        IMPOSTOR,
        person.side,
        person.category,
    ]
    assert stored.position_en == IMPOSTOR
    # What is not shown publicly stays the delegate's to correct.
    registration.refresh_from_db()
    assert (stored.phone, registration.dietary_needs) == ("+81 3-1234-5678", "Halal")
    shown = _public_text(client, stored, edition)
    assert IMPOSTOR in shown
    for value in ["Zaphod", "Beeblebrox", "万物総理", "H.E.", "Emperor of the Galaxy", "Galactic Cabinet"]:
        assert value not in shown


def test_the_service_refuses_a_change_to_public_details_after_acceptance(client, django_capture_on_commit_callbacks):
    _edition, registration = _accepted_stranger(client, django_capture_on_commit_callbacks)
    before = _stored(registration.person_id)
    for field, value in PUBLIC_CHANGES.items():
        with pytest.raises(services.PublicDetailsLocked):
            services.registration_update_details(
                registration=registration, data={field: value, "dietary_needs": "Halal"}, language="ja"
            )
    assert _stored(registration.person_id) == before
    registration.refresh_from_db()
    assert registration.dietary_needs == ""
    # Sending the details unchanged is no change.
    unchanged = {field: before[field] for field in ("family_name", "given_name", "native_name", "side", "category")}
    services.registration_update_details(
        registration=registration, data={**unchanged, "position": before["position_en"]}, language="en"
    )


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("en", "The organizers accepted these details for the public site, so they can no longer be changed here."),
        ("ja", "主催者が公開サイト用にこの情報を承認したため、ここでは変更できません。"),
        ("zh-hant", "主辦單位已核准這些資料在公開網站上顯示，因此無法在此修改。"),
    ],
)
def test_the_self_service_page_shows_public_details_read_only_and_says_whom_to_write_to(
    client, django_capture_on_commit_callbacks, language, sentence
):
    _edition, registration = _accepted_stranger(client, django_capture_on_commit_callbacks)
    response = client.get(_manage_url(registration, language))
    form = response.context["form"]
    assert [name for name in form.fields if name in PUBLIC_CHANGES] == []
    assert "phone" in form.fields
    content = response.content.decode()
    assert sentence in content
    assert 'href="mailto:summit@localhost"' in content
    assert "<dd>Ivan Impostor</dd>" in content
    assert f"<dd>{IMPOSTOR}</dd>" in content
    assert 'name="position"' not in content


def test_before_acceptance_the_delegate_still_corrects_everything(client, django_capture_on_commit_callbacks):
    edition = make_open_edition(requires_approval=True)
    person = _register_stranger(client, edition)
    registration = person.registrations.get()
    services.registration_confirm(registration=registration)
    assert services.person_locked_fields(person) == frozenset()
    response = client.get(_manage_url(registration))
    assert "position" in response.context["form"].fields
    client.post(_manage_url(registration), _self_service_data(registration, position="Councilor"))
    assert Person.objects.get(pk=person.pk).position_en == "Councilor"


def test_a_registration_for_another_edition_opens_no_side_door(client, django_capture_on_commit_callbacks):
    """Accepted for one edition: a pending registration for the next changes nothing public either,
    neither from the self-service page nor with the new details typed into the registration form."""
    edition, registration = _accepted_stranger(client, django_capture_on_commit_callbacks)
    next_edition = make_open_edition(series=edition.series, requires_approval=True)
    data = registration_form_data(
        email=registration.email, family_name="Impostor", given_name="Ivan", position="Emperor", phone="+81 3 1234 5678"
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/en/editions/{next_edition.slug}/register/", data)
    again = Registration.objects.get(edition=next_edition)
    assert again.pending_person_details["position_en"] == "Emperor"
    services.registration_confirm(registration=again)
    person = Person.objects.get(pk=registration.person_id)
    assert (person.position_en, person.phone) == (IMPOSTOR, "+81 3-1234-5678")
    with pytest.raises(services.PublicDetailsLocked):
        services.registration_update_details(registration=again, data={"position": "Emperor"}, language="en")
    assert "Emperor" not in _public_text(client, person, edition)


def test_a_public_figure_cannot_rewrite_their_page_from_a_registration(client):
    edition = make_open_edition(requires_approval=True)
    figure = make_person(is_public_figure=True, position_en="Mayor", email="mayor@example.org")
    registration = make_registration(edition, figure, status=Registration.Status.PENDING)
    with pytest.raises(services.PublicDetailsLocked):
        services.registration_update_details(registration=registration, data={"position": IMPOSTOR}, language="en")
    assert Person.objects.get(pk=figure.pk).position_en == "Mayor"


# --- A withdrawal is the organizers' to undo ---------------------------------------------------


def _withdraw(organizer_client, person, action="withdraw_from_public"):
    response = organizer_client.post(
        reverse("admin:delegates_person_changelist"), {"action": action, "_selected_action": [person.pk]}
    )
    assert response.status_code == 302


def test_the_delegate_cannot_undo_a_withdrawal(client, organizer_client, django_capture_on_commit_callbacks):
    visitor = Client()
    _edition, registration = _accepted_stranger(client, django_capture_on_commit_callbacks)
    person = registration.person
    _withdraw(organizer_client, person)
    # The delegate unticks and ticks "list me publicly" again.
    for consent in ["", "on"]:
        data = _self_service_data(registration, listed_publicly=consent)
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(_manage_url(registration), data).status_code == 302
    person.refresh_from_db()
    assert (person.listed_publicly, person.is_public, Person.objects.public().count()) == (True, False, 0)
    assert visitor.get(person.get_absolute_url()).status_code == 404
    # Nor through the service: consent may be taken back, never given while withdrawn.
    services.registration_update_details(registration=registration, data={"listed_publicly": False}, language="en")
    with pytest.raises(services.WithdrawnFromPublic):
        services.registration_update_details(registration=registration, data={"listed_publicly": True}, language="en")
    assert Person.objects.get(pk=person.pk).listed_publicly is False


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("en", "The organizers have taken you off the public site, so you cannot list yourself publicly here."),
        ("ja", "主催者があなたを公開サイトから外したため、ここで公開掲載を希望することはできません。"),
        ("zh-hant", "主辦單位已將您從公開網站移除，因此您無法在此選擇公開列名。"),
    ],
)
def test_the_self_service_page_hides_the_consent_box_while_withdrawn(
    client, organizer_client, django_capture_on_commit_callbacks, language, sentence
):
    _edition, registration = _accepted_stranger(client, django_capture_on_commit_callbacks)
    assert "listed_publicly" in client.get(_manage_url(registration, language)).context["form"].fields
    _withdraw(organizer_client, registration.person)
    response = client.get(_manage_url(registration, language))
    assert "listed_publicly" not in response.context["form"].fields
    assert sentence in response.content.decode()


def test_organizers_reinstate_and_cached_pages_follow_at_once(
    client, organizer_client, django_capture_on_commit_callbacks
):
    visitor = Client()
    edition = make_edition()
    person = make_person(family_name="Reinstated", listed_publicly=True)
    make_vetted(edition, person)
    participants = reverse("events:edition_participants", kwargs={"slug": edition.slug})
    assert visitor.get(person.get_absolute_url()).status_code == 200
    assert "Reinstated" in visitor.get(participants).content.decode()  # now in the page cache

    with django_capture_on_commit_callbacks(execute=True):
        _withdraw(organizer_client, person)
    assert visitor.get(person.get_absolute_url()).status_code == 404
    assert "Reinstated" not in visitor.get(participants).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        _withdraw(organizer_client, person, action="reinstate_to_public")
    person.refresh_from_db()
    assert (person.withdrawn_from_public_at, person.is_public) == (None, True)
    assert visitor.get(person.get_absolute_url()).status_code == 200
    assert "Reinstated" in visitor.get(participants).content.decode()


@pytest.mark.parametrize(
    ("language", "locked", "withdrawn"),
    [
        ("en", "Your name, position, organization, side and category appear", "The organizers have taken you off"),
        ("ja", "氏名、役職、所属組織、国・所属側、区分は", "主催者があなたを公開サイトから外したため"),
        ("zh-hant", "您的姓名、職銜、所屬機構、國家或所屬方與類別", "主辦單位已將您從公開網站移除"),
    ],
)
def test_the_refusals_speak_the_delegates_language(language, locked, withdrawn):
    with translation.override(language):
        assert services.PublicDetailsLocked().message.startswith(locked)
        assert services.WithdrawnFromPublic().message.startswith(withdrawn)
