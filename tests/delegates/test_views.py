"""The public registration pages: register, confirm, self-service, cancel, lookup, privacy."""

import re

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.urls import resolve, reverse
from django.utils import timezone

from delegates import services, tokens
from delegates.models import Person, Registration, RegistrationStatusChange
from events.models import Edition
from tests.factories import (
    make_edition,
    make_open_edition,
    make_person,
    make_question,
    make_registration,
    registration_form_data,
)

pytestmark = pytest.mark.django_db

Status = Registration.Status


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    """POST as a browser does, running the after-commit e-mails."""

    def send(url, data=None, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data or {}, **extra)

    return send


def register_url(edition, language="en"):
    return f"/{language}/editions/{edition.slug}/register/"


def link_in(message):
    return re.search(r"^http://127\.0\.0\.1:8000(/\S+)$", message.body, re.MULTILINE).group(1)


def text(response):
    """The page's visible text, whitespace collapsed."""
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", response.content.decode(), flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", body).split())


def test_urls_other_engineers_link_to():
    assert reverse("delegates:register", kwargs={"edition_slug": "nagoya-2026"}) == (
        "/en/editions/nagoya-2026/register/"
    )
    assert reverse("delegates:privacy") == "/en/privacy/"


def test_register_page_shows_every_field_and_the_privacy_link(client):
    edition = make_open_edition()
    make_question(edition, label_en="Join the city tour?")
    response = client.get(register_url(edition))
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.fields) == [
        "family_name",
        "given_name",
        "family_name_first",
        "native_name",
        "honorific",
        "texts_language",
        "position",
        "organization",
        "side",
        "category",
        "phone",
        "interpretation_language",
        "dietary_needs",
        "accessibility_needs",
        "listed_publicly",
        "email",
        "privacy_consent",
        "website",
        f"q{edition.questions.get().pk}",
    ]
    assert '<a href="/en/privacy/" target="_blank">privacy notice</a>' in response.content.decode()
    assert "Join the city tour?" in text(response)
    assert 'name="csrfmiddlewaretoken"' in response.content.decode()


@pytest.mark.parametrize("questions", [1, 8])
def test_register_page_query_count(client, django_assert_max_num_queries, questions):
    edition = make_open_edition()
    for _ in range(questions):
        make_question(edition)
    # Not stored yet: the edition, its questions, its availability, and the figures the
    # stored copy is keyed by, read before and after rendering.
    with django_assert_max_num_queries(5):
        assert client.get(register_url(edition)).status_code == 200


def test_registering_sends_the_confirmation_and_shows_what_to_do_next(post):
    edition = make_open_edition(capacity=10)
    response = post(register_url(edition, "ja"), registration_form_data(email="mei@example.org"))
    assert response.status_code == 302
    assert response["Location"] == f"/ja/editions/{edition.slug}/register/thanks/"
    registration = Registration.objects.get()
    assert (registration.status, registration.language, registration.email) == ("unconfirmed", "ja", "mei@example.org")
    (message,) = mail.outbox
    assert message.subject == f"第1回{edition.series.name}（City 1 2015）への申込を確認してください"
    assert link_in(message).startswith("/ja/registration/confirm/")


def test_errors_keep_everything_typed_and_are_shown_next_to_the_field(client):
    edition = make_open_edition()
    data = registration_form_data(family_name="高市", native_name="高市早苗", phone="12", privacy_consent="")
    response = client.post(register_url(edition, "zh-hant"), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert Registration.objects.count() == 0
    assert 'value="高市早苗"' in page and 'value="高市"' in page
    assert re.search(r'id="id_phone_error"><li>請輸入含國碼的有效電話號碼，例如 \+886 2 2345 6789。</li>', page), (
        "the phone error sits right under the phone field"
    )
    assert "請修正下方標示的欄位。您輸入的內容都已保留。" in text(response)


def test_a_known_address_is_answered_exactly_as_a_new_one_and_the_owner_gets_their_link(post):
    edition = make_open_edition()
    post(register_url(edition), registration_form_data(email="twice@example.org"))
    new = post(register_url(edition), registration_form_data(email="new@example.org"))
    mail.outbox.clear()
    known = post(register_url(edition), registration_form_data(email="TWICE@example.org", family_name="Again"))
    assert (known.status_code, known["Location"]) == (new.status_code, new["Location"])
    assert (known.status_code, known["Location"]) == (302, f"/en/editions/{edition.slug}/register/thanks/")
    assert Registration.objects.count() == 2
    # The new registration's writes were rehearsed (so the answer takes as long) and rolled back.
    assert Person.objects.count() == 2
    assert RegistrationStatusChange.objects.count() == 2
    assert LogEntry.objects.count() == 4
    (message,) = mail.outbox
    assert message.to == ["twice@example.org"]
    assert link_in(message).startswith("/en/registration/")
    again = post(register_url(edition), registration_form_data(email="twice@example.org"))
    assert "already registered" not in text(again)


def test_repeated_attempts_e_mail_the_owner_at_most_once_an_hour(post, settings):
    edition = make_open_edition()
    post(register_url(edition), registration_form_data(email="twice@example.org"))
    mail.outbox.clear()
    for _ in range(3):
        post(register_url(edition), registration_form_data(email="twice@example.org"))
    assert [message.to for message in mail.outbox] == [["twice@example.org"]]


def test_a_cancelled_delegate_registers_again_at_the_back_of_the_waiting_list(post):
    edition = make_open_edition(capacity=1)
    person = make_person(email="back@example.org")
    cancelled = make_registration(edition, person, status=Status.CANCELLED, email="back@example.org")
    make_registration(edition, status=Status.ACCEPTED)
    waiting = make_registration(edition, status=Status.WAITLISTED)
    response = post(register_url(edition), registration_form_data(email="back@example.org"))
    assert response.status_code == 302
    again = Registration.objects.exclude(pk=cancelled.pk).get(person=person)
    assert again.status == Status.UNCONFIRMED
    post(f"/en/registration/confirm/{tokens.confirm_token(again)}/")
    again.refresh_from_db()
    cancelled.refresh_from_db()
    assert (again.status, cancelled.status) == (Status.WAITLISTED, Status.CANCELLED)
    assert list(Registration.objects.for_edition(edition).waitlisted()) == [waiting, again]
    assert Registration.objects.waitlist_position(again) == 2


def test_a_returning_delegate_keeps_their_person_record(post):
    person = make_person(email="back@example.org")
    make_registration(make_edition(), person, status=Status.ACCEPTED)
    edition = make_open_edition()
    post(register_url(edition), registration_form_data(email="Back@Example.org"))
    assert Registration.objects.get(edition=edition).person == person
    assert Person.objects.count() == 1


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"status": Edition.Status.PLANNED}, "Registration has not opened yet. The date is to be announced."),
        ({"status": Edition.Status.HELD}, "This summit has already taken place."),
        ({"status": Edition.Status.CANCELLED}, "This summit has been cancelled."),
        ({"status": Edition.Status.REGISTRATION_CLOSED}, "Registration is closed."),
    ],
)
def test_closed_registration_says_why(client, fields, expected):
    edition = make_open_edition(**fields)
    response = client.get(register_url(edition))
    assert response.status_code == 200
    assert "Registration is not open" in text(response)
    assert expected in text(response)
    assert response.context.get("form") is None


def test_closed_registration_says_when_it_opens(client):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    opens = datetime(2099, 4, 1, 10, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
    edition = make_open_edition(registration_opens_at=opens)
    assert "Registration opens on April 1, 2099, 10 a.m. (Japan time)." in text(client.get(register_url(edition)))
    with_closing = make_open_edition(registration_closes_at=datetime(2020, 1, 31, 18, 0, tzinfo=ZoneInfo("Asia/Tokyo")))
    assert "Registration closed on Jan. 31, 2020, 6 p.m. (Japan time)." in text(client.get(register_url(with_closing)))


def test_confirm_link_shows_a_button_and_posting_it_confirms(client, post):
    edition = make_open_edition(capacity=5)
    registration = make_registration(edition, language="en")
    url = reverse("delegates:confirm", kwargs={"token": tokens.confirm_token(registration)})
    response = client.get(url)
    assert response.status_code == 200
    registration.refresh_from_db()
    assert registration.status == Status.UNCONFIRMED, "opening the link alone (a mail scanner) confirms nothing"
    response = post(url)
    registration.refresh_from_db()
    assert registration.status == Status.ACCEPTED
    # Compare what the link opens: the token itself carries the second it was signed in.
    match = resolve(response["Location"])
    assert match.view_name == "delegates:manage"
    assert tokens.registration_from_manage_token(match.kwargs["token"]) == registration
    assert [m.subject.split(" ")[:2] for m in mail.outbox] == [["Your", "place"]]


def test_confirming_is_cheap_on_registration_day(client, post, django_assert_max_num_queries):
    """The busiest link of registration day: read the registration, lock the edition, count
    the places, record the step, send the e-mail (at once in tests), ask after the commit
    whether the person is public."""
    edition = make_open_edition(capacity=5)
    registration = make_registration(edition, language="en")
    url = reverse("delegates:confirm", kwargs={"token": tokens.confirm_token(registration)})
    with django_assert_max_num_queries(13):
        response = post(url)
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == Status.ACCEPTED
    # The POST's read joins nothing: the lock reloads what confirming needs.
    read = tokens.registration_to_confirm(tokens.confirm_token(registration))
    assert not Registration.edition.is_cached(read) and not Registration.person.is_cached(read)


def test_forged_link_gets_a_clear_page(client):
    registration = make_registration(make_open_edition())
    forged = tokens.confirm_token(registration)[:-4] + "abcd"
    for url in (reverse("delegates:confirm", kwargs={"token": forged}), f"/en/registration/{forged}/"):
        response = client.get(url)
        assert response.status_code == 400
        assert "This link is not valid. Please use the link from your most recent e-mail." in text(response)


def test_a_badge_code_does_not_open_the_self_service_page(client):
    registration = make_registration(make_open_edition(), status=Status.ACCEPTED)
    response = client.get(f"/en/registration/{tokens.badge_code(registration)}/")
    assert response.status_code == 400


def test_expired_link_offers_a_new_one(client, settings):
    settings.REGISTRATION_CONFIRM_MAX_AGE = -1
    edition = make_open_edition()
    registration = make_registration(edition)
    response = client.get(reverse("delegates:confirm", kwargs={"token": tokens.confirm_token(registration)}))
    assert response.status_code == 400
    assert "This link has expired. You can ask for a new one below." in text(response)
    assert f'href="/en/editions/{edition.slug}/register/find/"' in response.content.decode()


def test_self_service_page_shows_status_and_saves_corrections(client, post):
    edition = make_open_edition()
    registration = make_registration(edition, status=Status.PENDING, language="ja")
    url = tokens.manage_url(registration).removeprefix("http://127.0.0.1:8000")
    assert url.startswith("/ja/registration/")
    response = client.get(url)
    assert "状態： 承認待ち" in text(response)
    data = registration_form_data(family_name="Takaichi", given_name="Sanae", native_name="高市早苗")
    data.pop("email")
    response = post(url, {**data, "dietary_needs": "Vegetarian"})
    assert response.status_code == 302
    registration.refresh_from_db()
    registration.person.refresh_from_db()
    assert (registration.person.native_name, registration.dietary_needs) == ("高市早苗", "Vegetarian")
    assert "入力内容を保存しました。" in text(client.get(url))


@pytest.mark.parametrize("others", [1, 10])
def test_self_service_page_query_count(client, django_assert_max_num_queries, others):
    edition = make_open_edition(capacity=1)
    for _ in range(others):
        make_registration(edition, status=Status.WAITLISTED)
    registration = make_registration(edition, status=Status.WAITLISTED)
    for _ in range(3):
        make_question(edition)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("delegates:manage", kwargs={"token": tokens.manage_token(registration)}))
    assert f"You are number {others + 1} on the waiting list." in text(response)


def test_cancel_from_the_self_service_page_promotes_the_next_in_line(client, post):
    edition = make_open_edition(capacity=1)
    registration = make_registration(edition, status=Status.ACCEPTED)
    waiting = make_registration(edition, status=Status.WAITLISTED)
    token = tokens.manage_token(registration)
    assert "Yes, cancel my registration" in text(client.get(reverse("delegates:cancel", kwargs={"token": token})))
    response = post(reverse("delegates:cancel", kwargs={"token": token}))
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == Status.ACCEPTED
    page = text(client.get(response["Location"]))
    assert "Your registration has been cancelled." in page
    assert "Save my details" not in page
    assert [m.to[0] for m in mail.outbox] == [registration.email, waiting.email]


def test_badge_only_once_accepted(client):
    edition = make_open_edition()
    pending = make_registration(edition, status=Status.PENDING)
    assert client.get(reverse("delegates:badge", kwargs={"token": tokens.manage_token(pending)})).status_code == 404
    accepted = make_registration(edition, status=Status.ACCEPTED)
    response = client.get(reverse("delegates:badge", kwargs={"token": tokens.manage_token(accepted)}))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_lookup_sends_the_link_only_to_a_registered_address_and_says_the_same_either_way(post):
    edition = make_open_edition()
    registration = make_registration(edition)
    url = reverse("delegates:lookup", kwargs={"edition_slug": edition.slug})
    unknown = post(url, {"email": "nobody@example.org"})
    known = post(url, {"email": registration.email.upper()})
    assert text(unknown) == text(known)
    assert [m.to for m in mail.outbox] == [[registration.email]]


def test_lookup_sends_the_link_at_most_once_an_hour_whatever_the_door(post):
    edition = make_open_edition()
    registration = make_registration(edition)
    url = reverse("delegates:lookup", kwargs={"edition_slug": edition.slug})
    for _ in range(5):
        post(url, {"email": registration.email})
    assert [m.to for m in mail.outbox] == [[registration.email]]


def test_privacy_page_in_three_languages(client):
    assert "What we store" in text(client.get("/en/privacy/"))
    assert "保存する情報" in text(client.get("/ja/privacy/"))
    assert "我們儲存的資料" in text(client.get("/zh-hant/privacy/"))


def test_contact_data_appears_on_no_public_page(client, post):
    edition = make_open_edition()
    data = registration_form_data(email="private@example.org", phone="+886 2 2345 6789", listed_publicly="on")
    post(register_url(edition), data)
    person = Person.objects.get()
    # Confirmed and accepted: the person page exists, and shows no contact data.
    services.registration_confirm(registration=person.registrations.get())
    pages = [
        "/en/",
        f"/en/editions/{edition.slug}/",
        person.get_absolute_url(),
        register_url(edition),
        "/en/search/?q=Nagoya",
        reverse("events:api_edition_list"),
        reverse("events:api_edition_detail", kwargs={"slug": edition.slug}),
        reverse("events:api_speech_list"),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        content = response.content.decode()
        assert "private@example.org" not in content
        assert "2345" not in content


def test_rate_limit_answers_429_with_a_readable_page(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "register": (2, 600)}
    edition = make_open_edition()
    statuses = [client.post(register_url(edition), {}).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    response = client.post(register_url(edition, "ja"), {})
    assert "送信回数が多すぎます" in text(response)
    assert "10分待ってから" in text(response)
    assert "代表団全体を登録する場合" in text(response)
    assert client.get(register_url(edition)).status_code == 200, "reading the form is never limited"


def test_rate_limit_is_per_address(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "lookup": (1, 600)}
    edition = make_open_edition()
    url = reverse("delegates:lookup", kwargs={"edition_slug": edition.slug})
    assert client.post(url, {"email": "a@example.org"}, REMOTE_ADDR="10.0.0.1").status_code == 200
    limited = client.post(url, {"email": "a@example.org"}, REMOTE_ADDR="10.0.0.1")
    assert limited.status_code == 429
    # Asking for one's link again is not registering a delegation: the page does not say so.
    assert "Nothing you sent before has been lost." in text(limited) and "delegation" not in text(limited)
    assert client.post(url, {"email": "a@example.org"}, REMOTE_ADDR="10.0.0.2").status_code == 200


def test_the_demo_nagoya_edition_takes_registrations_for_approval(client, post, demo):
    response = client.get("/ja/editions/nagoya-2026/register/")
    assert response.status_code == 200
    assert "第12回 日台交流サミット · 名古屋 2026" in text(response)
    post("/ja/editions/nagoya-2026/register/", registration_form_data(email="guest@example.org"))
    post(link_in(mail.outbox[0]))
    registration = Registration.objects.get(email="guest@example.org")
    assert (registration.status, registration.edition.capacity) == (Status.PENDING, None)
    assert mail.outbox[1].subject == "第12回日台交流サミット（名古屋 2026）へのお申し込みを受け付けました"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            "You have checked in, so the registration can no longer be cancelled here. "
            "If something is wrong, please speak to the organizers.",
        ),
        ("ja", "受付済みのため、このページから申込をキャンセルすることはできません。"),
        ("zh-hant", "您已完成報到，因此無法在此取消報名。"),
    ],
)
def test_a_checked_in_delegate_sees_no_cancel_button_and_cancelling_is_refused(client, post, language, expected):
    edition = make_open_edition(capacity=1)
    registration = make_registration(edition, status=Status.ACCEPTED, checked_in_at=timezone.now())
    token = tokens.manage_token(registration)
    page = text(client.get(f"/{language}/registration/{token}/"))
    assert expected in page
    assert (
        f"/{language}/registration/{token}/cancel/"
        not in client.get(f"/{language}/registration/{token}/").content.decode()
    )
    assert client.get(f"/{language}/registration/{token}/cancel/").status_code == 302
    response = post(f"/{language}/registration/{token}/cancel/")
    assert response.status_code == 302
    registration.refresh_from_db()
    assert (registration.status, registration.checked_in_at is not None) == (Status.ACCEPTED, True)
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("language", "notice", "button"),
    [
        ("en", "All places are taken: a new registration joins the waiting list.", "Join the waiting list"),
        ("ja", "満席です。新しいお申込はキャンセル待ちになります。", "キャンセル待ちに申し込む"),
        ("zh-hant", "名額已滿：新的報名將列入候補名單。", "加入候補名單"),
    ],
)
def test_a_full_edition_says_so_before_anyone_types(client, language, notice, button):
    edition = make_open_edition(capacity=1)
    make_registration(edition, status=Status.ACCEPTED)
    make_registration(edition, status=Status.WAITLISTED)
    make_registration(edition, status=Status.WAITLISTED)
    for url in (f"/{language}/editions/{edition.slug}/", register_url(edition, language)):
        page = text(client.get(url))
        assert notice in page
        assert button in page
    waiting = {
        "en": "2 people are on the waiting list now.",
        "ja": "現在 2 人がキャンセル待ちです。",
        "zh-hant": "目前有 2 人在候補名單上。",
    }
    assert waiting[language] in text(client.get(register_url(edition, language)))


def test_an_edition_with_places_left_says_how_many_and_invites_to_register(client):
    edition = make_open_edition(capacity=3)
    make_registration(edition, status=Status.ACCEPTED)
    make_registration(edition, status=Status.PENDING)
    page = text(client.get(f"/en/editions/{edition.slug}/"))
    assert "2 places left." in page
    assert "Register now" in page
    assert "Join the waiting list" not in page
    form = text(client.get(register_url(edition)))
    assert "2 places left." in form
    assert "waiting list" not in form
