"""The travel details form after acceptance: every path through the delegate's page, the
deadline, the admin, the extra questions it reuses, and the reminder e-mail."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from delegates import tokens
from delegates.logistics import LogisticsError, travel_plan_save, travel_reminder_recipients, travel_reminders_send
from delegates.logistics_forms import TravelPlanForm
from delegates.models import EditionLogistics, Registration, TravelPlan
from events.models import Session
from tests.factories import (
    make_hotel,
    make_open_edition,
    make_person,
    make_question,
    make_registration,
    make_session,
    make_travel_plan,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition():
    # The year of the travel dates below: travel details must lie near the edition.
    return make_open_edition(year=2026)


@pytest.fixture
def hotel(edition):
    return make_hotel(edition, name_en="Hotel A", name_ja="ホテルA")


@pytest.fixture
def banquet(edition):
    return make_session(edition, title_en="Banquet", kind=Session.Kind.BANQUET)


@pytest.fixture
def accepted(edition):
    person = make_person(family_name="Takaichi", given_name="Sanae", native_name="高市早苗", email="sanae@example.org")
    return make_registration(edition, person, status=Registration.Status.ACCEPTED, language="ja")


def form_data(**fields):
    data = {
        "arrival_date": "2026-06-01",
        "arrival_time": "14:35",
        "arrival_carrier": "JL 809",
        "arrival_place": "Chubu Centrair",
        "departure_date": "2026-06-03",
        "departure_time": "10:00",
        "departure_carrier": "JL 810",
        "departure_place": "Chubu Centrair",
        "accommodation": "own",
    }
    return {**data, **fields}


def travel_url(registration, language="ja"):
    from django.utils import translation

    with translation.override(language):
        return reverse("delegates:travel", kwargs={"token": tokens.manage_token(registration)})


# --- The form on its own ------------------------------------------------------------------


def test_hotel_choice_needs_a_hotel_and_nights(edition, hotel):
    form = TravelPlanForm(form_data(accommodation="hotel"), edition=edition)
    assert not form.is_valid()
    assert set(form.errors) == {"hotel", "check_in", "check_out"}


def test_check_out_must_follow_check_in_and_departure_the_arrival(edition, hotel):
    form = TravelPlanForm(
        form_data(
            accommodation="hotel",
            hotel=hotel.pk,
            check_in="2026-06-02",
            check_out="2026-06-02",
            departure_date="2026-05-30",
        ),
        edition=edition,
    )
    assert not form.is_valid()
    assert form.errors["check_out"] == ["The check-out day must come after the check-in night."]
    assert form.errors["departure_date"] == ["The departure cannot be before the arrival."]


def test_days_far_from_the_edition_and_endless_stays_are_refused(edition, hotel):
    edition.year, edition.start_date, edition.end_date = 2026, datetime.date(2026, 6, 2), datetime.date(2026, 6, 3)
    form = TravelPlanForm(
        form_data(
            accommodation="hotel",
            hotel=hotel.pk,
            check_in="1000-01-01",
            check_out="2999-12-31",
            arrival_date="0001-01-01",
            departure_date="9999-12-31",
        ),
        edition=edition,
    )
    assert not form.is_valid()
    message = ["Please give a day between 05/02/2026 and 07/04/2026."]
    assert {name: form.errors[name] for name in ("arrival_date", "departure_date", "check_in", "check_out")} == {
        "arrival_date": message,
        "departure_date": message,
        "check_in": message,
        "check_out": message,
    }
    long_stay = TravelPlanForm(
        form_data(accommodation="hotel", hotel=hotel.pk, check_in="2026-05-02", check_out="2026-07-01"),
        edition=edition,
    )
    assert long_stay.errors["check_out"] == ["A hotel stay can be 31 nights at the most."]


def test_while_the_days_are_not_announced_the_editions_year_bounds_travel(edition):
    edition.year, edition.start_date, edition.end_date = 2026, None, None
    assert TravelPlanForm(form_data(arrival_date="2026-11-30", departure_date="2027-01-31"), edition=edition).is_valid()
    late = TravelPlanForm(form_data(arrival_date="2026-11-30", departure_date="2027-02-01"), edition=edition)
    assert list(late.errors) == ["departure_date"]


def test_only_this_editions_hotels_and_social_events_are_offered(edition, hotel, banquet):
    other = make_open_edition()
    other_hotel = make_hotel(other)
    plenary = make_session(edition, kind=Session.Kind.PLENARY)
    form = TravelPlanForm(
        form_data(accommodation="hotel", hotel=other_hotel.pk, social_events=[plenary.pk]), edition=edition
    )
    assert not form.is_valid()
    assert set(form.errors) >= {"hotel", "social_events"}
    assert list(form.fields["social_events"].queryset) == [banquet]


def test_without_a_hotel_list_only_own_arrangement_is_offered(edition):
    form = TravelPlanForm(edition=edition)
    assert [value for value, _label in form.fields["accommodation"].choices] == ["own"]


def test_follow_up_questions_are_asked_here_and_not_on_the_registration_form(edition):
    from delegates.forms import RegistrationForm

    later = make_question(edition, label_en="Seat preference on the bus?", asked_on="follow_up", required=True)
    earlier = make_question(edition, label_en="Anything else?")
    assert [question.pk for question in TravelPlanForm(edition=edition).questions] == [later.pk]
    assert [question.pk for question in RegistrationForm(edition=edition).questions] == [earlier.pk]
    form = TravelPlanForm(form_data(), edition=edition)
    assert form.errors == {later.answer_key: ["This field is required."]}


# --- The service: every door goes through it ----------------------------------------------


def test_saving_stores_every_field_and_only_the_social_events_chosen(accepted, hotel, banquet):
    form = TravelPlanForm(
        form_data(
            accommodation="hotel",
            hotel=hotel.pk,
            check_in="2026-06-01",
            check_out="2026-06-03",
            needs_shuttle="on",
            social_events=[banquet.pk],
        ),
        edition=accepted.edition,
    )
    assert form.is_valid(), form.errors
    plan = travel_plan_save(registration=accepted, data=form.plan_data(), social_event_ids=form.social_event_ids())
    plan.refresh_from_db()
    assert (plan.arrival_date, plan.arrival_time, plan.arrival_carrier, plan.arrival_place) == (
        datetime.date(2026, 6, 1),
        datetime.time(14, 35),
        "JL 809",
        "Chubu Centrair",
    )
    assert (plan.hotel, plan.nights, plan.needs_shuttle, plan.updated_by_organizer) == (hotel, 2, True, False)
    assert list(plan.social_events.all()) == [banquet]


def test_switching_to_own_arrangement_clears_the_hotel(accepted, hotel):
    make_travel_plan(accepted, accommodation="hotel", hotel=hotel, check_in="2026-06-01", check_out="2026-06-02")
    travel_plan_save(registration=accepted, data={"accommodation": "own", "hotel": hotel})
    plan = TravelPlan.objects.get()
    assert (plan.accommodation, plan.hotel, plan.check_in, plan.check_out) == ("own", None, None, None)


@pytest.mark.parametrize("status", ["pending", "waitlisted", "cancelled", "rejected", "unconfirmed"])
def test_only_accepted_delegates_give_travel_details(edition, status):
    registration = make_registration(edition, status=status)
    with pytest.raises(LogisticsError):
        travel_plan_save(registration=registration, data={"accommodation": "own"})
    assert TravelPlan.objects.count() == 0


def test_a_hotel_of_another_edition_is_refused_by_the_service_too(accepted):
    with pytest.raises(LogisticsError):
        travel_plan_save(
            registration=accepted,
            data={
                "accommodation": "hotel",
                "hotel": make_hotel(make_open_edition()),
                "check_in": datetime.date(2026, 6, 1),
                "check_out": datetime.date(2026, 6, 2),
            },
        )
    assert TravelPlan.objects.count() == 0


def test_after_the_deadline_delegates_are_refused_and_organizers_are_not(accepted):
    EditionLogistics.objects.create(
        edition=accepted.edition, follow_up_deadline=timezone.now() - datetime.timedelta(minutes=1)
    )
    with pytest.raises(LogisticsError):
        travel_plan_save(registration=accepted, data={"accommodation": "own"})
    plan = travel_plan_save(registration=accepted, data={"accommodation": "own"}, by_organizer=True)
    assert plan.updated_by_organizer is True


# --- The delegate's page ------------------------------------------------------------------


def test_the_delegate_fills_the_form_in_japanese(client, accepted, hotel, banquet):
    page = client.get(travel_url(accepted)).content.decode()
    assert "<h1>旅程情報</h1>" in page
    assert "<legend>到着</legend>" in page
    assert "ホテルA" in page
    response = client.post(
        travel_url(accepted),
        form_data(
            accommodation="hotel",
            hotel=hotel.pk,
            check_in="2026-06-01",
            check_out="2026-06-03",
            social_events=[banquet.pk],
        ),
    )
    assert response.status_code == 302
    plan = TravelPlan.objects.get()
    assert (plan.hotel, plan.check_out, list(plan.social_events.all())) == (hotel, datetime.date(2026, 6, 3), [banquet])


def test_bad_input_gets_a_message_and_writes_nothing(client, accepted, hotel):
    response = client.post(travel_url(accepted, "en"), form_data(accommodation="hotel", arrival_date="not a date"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter a valid date." in page
    assert TravelPlan.objects.count() == 0


def test_after_the_deadline_the_page_is_read_only_with_a_message(client, accepted):
    deadline = timezone.now() - datetime.timedelta(hours=1)
    EditionLogistics.objects.create(edition=accepted.edition, follow_up_deadline=deadline)
    make_travel_plan(accepted, arrival_carrier="JL 809")
    page = client.get(travel_url(accepted, "en")).content.decode()
    assert "The deadline for changes passed on" in page
    assert 'name="arrival_carrier" value="JL 809"' in page and "disabled" in page
    assert "Save my travel details" not in page
    response = client.post(travel_url(accepted, "en"), form_data(arrival_carrier="NH 1"), follow=True)
    assert "The deadline for travel details has passed" in response.content.decode()
    assert TravelPlan.objects.get().arrival_carrier == "JL 809"


def test_the_page_is_for_accepted_delegates_only(client, edition):
    pending = make_registration(edition, status="pending")
    assert client.get(travel_url(pending)).status_code == 404
    assert client.get(reverse("delegates:travel", kwargs={"token": "forged"})).status_code == 400


def test_the_registration_page_links_to_travel_details_once_accepted(client, accepted):
    page = client.get(reverse("delegates:manage", kwargs={"token": tokens.manage_token(accepted)})).content.decode()
    # The link is signed with the time of rendering, which may fall in another second than a
    # token made here: compare whose link it is, not the token's bytes.
    links = re.findall(r'href="/en/registration/([^/"]+)/travel/"', page)
    assert [tokens.registration_from_manage_token(token) for token in links] == [accepted]


# --- The admin ----------------------------------------------------------------------------


def test_organizers_correct_travel_details_after_the_deadline(organizer_client, accepted, hotel, banquet):
    EditionLogistics.objects.filter(edition=accepted.edition).update(
        follow_up_deadline=timezone.now() - datetime.timedelta(days=1)
    )
    plan = make_travel_plan(accepted)
    response = organizer_client.post(
        reverse("admin:delegates_travelplan_change", args=[plan.pk]),
        {
            **form_data(accommodation="hotel", hotel=hotel.pk, check_in="2026-06-01", check_out="2026-06-02"),
            "social_events": [banquet.pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    plan.refresh_from_db()
    assert (plan.hotel, plan.updated_by_organizer, list(plan.social_events.all())) == (hotel, True, [banquet])


def test_organizers_correct_the_answers_to_follow_up_questions(organizer_client, accepted):
    question = make_question(accepted.edition, asked_on="follow_up", label_en="Arriving with a guest?")
    other = make_question(accepted.edition, asked_on="follow_up", label_en="Preferred seat")
    plan = make_travel_plan(accepted, answers={question.answer_key: "no", other.answer_key: "window"})
    url = reverse("admin:delegates_travelplan_change", args=[plan.pk])
    page = organizer_client.get(url).content.decode()
    assert "Arriving with a guest?" in page and 'value="window"' not in page  # a textarea holds it
    assert "window</textarea>" in page
    response = organizer_client.post(url, {**form_data(), question.answer_key: "yes, one", other.answer_key: ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    plan.refresh_from_db()
    assert plan.answers == {question.answer_key: "yes, one", other.answer_key: ""}


def test_the_admin_refuses_a_hotel_of_another_edition(organizer_client, accepted):
    plan = make_travel_plan(accepted)
    foreign = make_hotel(make_open_edition())
    response = organizer_client.post(
        reverse("admin:delegates_travelplan_change", args=[plan.pk]),
        form_data(accommodation="hotel", hotel=foreign.pk, check_in="2026-06-01", check_out="2026-06-02"),
    )
    assert response.status_code == 200
    assert "Please choose one of this edition&#x27;s hotels." in response.content.decode()
    plan.refresh_from_db()
    assert plan.hotel is None


# --- The reminder -------------------------------------------------------------------------


def test_the_reminder_goes_to_accepted_delegates_without_travel_details(
    accepted, edition, mailoutbox, django_capture_on_commit_callbacks
):
    done = make_registration(edition, status="accepted")
    make_travel_plan(done)
    make_registration(edition, status="pending")
    make_registration(edition, make_person(email=""), status="accepted", email="")
    assert list(travel_reminder_recipients(edition)) == [accepted]
    with django_capture_on_commit_callbacks(execute=True):
        assert travel_reminders_send(edition=edition) == 1
    assert [message.to for message in mailoutbox] == [["sanae@example.org"]]
    assert mailoutbox[0].subject.endswith("の旅程情報について")
    assert tokens.manage_token(accepted) in mailoutbox[0].body


def test_no_reminder_after_the_deadline(accepted, mailoutbox, django_capture_on_commit_callbacks):
    EditionLogistics.objects.create(
        edition=accepted.edition, follow_up_deadline=timezone.now() - datetime.timedelta(days=1)
    )
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(LogisticsError):
        travel_reminders_send(edition=accepted.edition)
    assert mailoutbox == []


def test_the_admin_action_queues_the_reminders(
    organizer_client, accepted, mailoutbox, django_capture_on_commit_callbacks
):
    logistics = EditionLogistics.objects.create(edition=accepted.edition)
    with django_capture_on_commit_callbacks(execute=True):
        response = organizer_client.post(
            reverse("admin:delegates_editionlogistics_changelist"),
            {"action": "send_travel_reminders", "_selected_action": [logistics.pk]},
            follow=True,
        )
    assert "a reminder is on its way to 1 delegate" in response.content.decode()
    assert len(mailoutbox) == 1


def test_the_admin_gives_friendly_messages_for_missing_nights(organizer_client, accepted, hotel):
    plan = make_travel_plan(accepted)
    response = organizer_client.post(
        reverse("admin:delegates_travelplan_change", args=[plan.pk]), form_data(accommodation="hotel", hotel=hotel.pk)
    )
    assert response.status_code == 200
    assert response.content.decode().count("Please fill this in, or choose to arrange your own accommodation.") == 2
    assert TravelPlan.objects.get().hotel is None


def test_the_admin_clears_the_hotel_when_own_arrangement_is_chosen(organizer_client, accepted, hotel):
    plan = make_travel_plan(accepted, accommodation="hotel", hotel=hotel, check_in="2026-06-01", check_out="2026-06-02")
    response = organizer_client.post(
        reverse("admin:delegates_travelplan_change", args=[plan.pk]),
        form_data(accommodation="own", hotel=hotel.pk, check_in="2026-06-01", check_out="2026-06-02"),
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.accommodation, plan.hotel, plan.check_in) == ("own", None, None)


def test_erasure_removes_travel_details_letters_badges_and_sheets(accepted, hotel, settings, tmp_path):
    from django.core.cache import cache

    from delegates.badge_sheets import badge_sheet_build, badge_sheet_request
    from delegates.badges import badge_pdf
    from delegates.letters import letter_issue
    from delegates.models import BadgeSheet, InvitationLetter
    from delegates.services import person_anonymize

    settings.PRIVATE_FILES_ROOT = tmp_path
    make_travel_plan(accepted, accommodation="hotel", hotel=hotel, check_in="2026-06-01", check_out="2026-06-02")
    letter = letter_issue(registration=accepted)
    badge_pdf(accepted)
    other = make_registration(accepted.edition, status="accepted")
    kept = badge_sheet_request(registrations=Registration.objects.filter(pk=other.pk))
    gone = badge_sheet_request(registrations=Registration.objects.all())
    for sheet in (kept, gone):
        badge_sheet_build(sheet_id=sheet.pk)
    assert cache.get(f"badge:{accepted.pk}") is not None
    person_anonymize(person=accepted.person)
    assert TravelPlan.objects.count() == 0
    letter = InvitationLetter.objects.get(pk=letter.pk)
    assert letter.revoked_at is not None and not letter.is_valid
    assert cache.get(f"badge:{accepted.pk}") is None
    assert list(BadgeSheet.objects.values_list("pk", flat=True)) == [kept.pk]
    assert [path.name for path in (tmp_path / "badge-sheets").iterdir()] == [BadgeSheet.objects.get().file_name]


@pytest.mark.parametrize("size", [1, 3])
def test_travel_page_query_count_does_not_grow(client, accepted, size, django_assert_num_queries):
    for number in range(size):
        make_hotel(accepted.edition, name_en=f"Hotel {number}")
        make_session(accepted.edition, kind=Session.Kind.RECEPTION)
        make_question(accepted.edition, asked_on="follow_up")
    plan = make_travel_plan(accepted)
    plan.social_events.set(Session.objects.all())
    url = travel_url(accepted)
    with django_assert_num_queries(11):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("size", [1, 3])
def test_letter_check_page_query_count_does_not_grow(client, accepted, size, django_assert_num_queries):
    from delegates.letters import letter_issue, verify_token

    letters = [letter_issue(registration=accepted) for _ in range(size)]
    with django_assert_num_queries(1):
        assert (
            client.get(reverse("delegates:letter_verify", kwargs={"token": verify_token(letters[-1])})).status_code
            == 200
        )
