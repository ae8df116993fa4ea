import pytest
from django.contrib import admin
from django.urls import reverse

from delegates.letters import letter_issue
from delegates.messaging import message_send
from delegates.models import BadgeSheet, Delegation, Question, Registration, RegistrationStatusChange
from events.models import Edition
from tests.factories import (
    make_edition,
    make_hotel,
    make_invitation,
    make_question,
    make_registration,
    make_session,
    make_travel_plan,
)

pytestmark = pytest.mark.django_db

REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)
APP_MODELS = [model for model in REGISTERED if model._meta.app_label in ("events", "delegates")]


def _url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_every_domain_model_is_in_the_admin():
    labels = {model._meta.label for model in APP_MODELS}
    assert labels == {
        "events.Series",
        "events.Edition",
        "events.Session",
        "events.Topic",
        "events.Speech",
        "events.Resolution",
        "events.FollowUp",
        "delegates.Person",
        "delegates.Registration",
        "delegates.RegistrationStatusChange",
        "delegates.Question",
        "delegates.DelegateMessage",
        "delegates.EditionLogistics",
        "delegates.TravelPlan",
        "delegates.InvitationLetter",
        "delegates.BadgeSheet",
        "delegates.Delegation",
        "delegates.Invitation",
    }


# The status history is written by the workflow only, never typed in by hand.
# Messages are written in the composer, never added as a bare record; registrations only
# through delegates.services (the public form, the import).
# Letters are issued from the registration list (numbers in sequence), sheets are requested there.
READ_ONLY = {
    "delegates.RegistrationStatusChange",
    "delegates.DelegateMessage",
    "delegates.Registration",
    "delegates.InvitationLetter",
    "delegates.BadgeSheet",
}


@pytest.mark.parametrize("model", APP_MODELS, ids=lambda model: model._meta.label)
def test_changelist_add_and_change_pages_answer(organizer_client, demo, model):
    nagoya = Edition.objects.get(slug="nagoya-2026")
    make_session(nagoya)
    registration = make_registration(nagoya)
    RegistrationStatusChange.objects.create(
        registration=registration, to_status=registration.status, actor=RegistrationStatusChange.Actor.DELEGATE
    )
    Question.objects.create(edition=nagoya, label_en="Will you join the excursion?")
    message_send(subject="Welcome", body="Dear {name}", registrations=Registration.objects.all(), user=None)
    accepted = make_registration(nagoya, status=Registration.Status.ACCEPTED)
    make_travel_plan(
        accepted, accommodation="hotel", hotel=make_hotel(nagoya), check_in="2026-06-01", check_out="2026-06-03"
    )
    letter_issue(registration=accepted)
    BadgeSheet.objects.create(edition=nagoya)
    Delegation.objects.create(edition=nagoya, name_en="Taipei City Council", side="taiwan", quota=5)
    nagoya.registration_mode = Edition.RegistrationMode.BOTH
    nagoya.save()
    make_invitation(nagoya)
    assert organizer_client.get(_url(model, "changelist")).status_code == 200
    assert organizer_client.get(_url(model, "changelist"), {"q": "Kamakura"}).status_code == 200
    assert organizer_client.get(_url(model, "add")).status_code == (403 if model._meta.label in READ_ONLY else 200)
    obj = model.objects.first()
    assert organizer_client.get(_url(model, "change", obj.pk)).status_code == 200


def test_admin_is_titled_for_the_series(organizer_client):
    response = organizer_client.get(reverse("admin:index"))
    assert "Japan–Taiwan Exchange Summit" in response.content.decode()


def test_edition_change_page_shows_its_inlines(organizer_client, demo):
    kamakura = Edition.objects.get(slug="kamakura-2025")
    page = organizer_client.get(_url(Edition, "change", kamakura.pk)).content.decode()
    assert "Video message from President William Lai" in page
    assert "Japan&#x27;s support for Taiwan&#x27;s entry into the CPTPP" in page


def test_edition_change_page_holds_its_registration_questions(organizer_client, demo):
    nagoya = Edition.objects.get(slug="nagoya-2026")
    make_question(nagoya, label_en="Will you join the reception?", kind="yes_no")
    page = organizer_client.get(_url(Edition, "change", nagoya.pk)).content.decode()
    assert 'name="questions-TOTAL_FORMS" value="1"' in page
    assert 'value="Will you join the reception?"' in page


def test_registration_status_is_not_editable_in_the_form(organizer_client, demo):
    registration = make_registration(Edition.objects.get(slug="nagoya-2026"), status=Registration.Status.PENDING)
    page = organizer_client.get(_url(Registration, "change", registration.pk)).content.decode()
    assert 'name="status"' not in page


def test_the_edition_form_refuses_a_capacity_below_the_accepted(organizer_client):
    from tests.delegates.test_delegations import _posted_back

    edition = make_edition(capacity=3, status="registration_open")
    make_registration(edition, status=Registration.Status.ACCEPTED)
    make_registration(edition, status=Registration.Status.ACCEPTED)
    url = _url(Edition, "change", edition.pk)
    data = _posted_back(organizer_client.get(url).content.decode(), capacity="1")
    refused = organizer_client.post(url, data)
    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors["capacity"] == [
        "2 delegates are accepted; the capacity cannot be lower. Cancel or reject first."
    ]
    assert organizer_client.post(url, {**data, "capacity": "2"}).status_code == 302
    edition.refresh_from_db()
    assert edition.capacity == 2
