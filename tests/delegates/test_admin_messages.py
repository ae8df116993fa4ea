import pytest
from django.urls import reverse

from delegates.emails import fill_placeholders, placeholder_values
from delegates.messaging import message_send
from delegates.models import DelegateMessage, MessageDelivery, Side
from delegates.tokens import manage_url, registration_from_manage_token
from tests.factories import make_edition, make_person, make_registration

pytestmark = pytest.mark.django_db
COMPOSE = reverse("admin:delegates_registration_compose")


@pytest.fixture
def nagoya():
    edition = make_edition(host_city_en="Nagoya", ordinal=12, year=2026, status="registration_open")
    lee = make_person(given_name="Yi-yang", family_name="Lee", native_name="李逸洋", side=Side.TAIWAN, email="lee@x.tw")
    make_registration(edition, lee, status="accepted", language="zh-hant")
    chen = make_person(given_name="Chen", family_name="Wu", side=Side.TAIWAN, email="chen@x.tw")
    make_registration(edition, chen, status="accepted", language="en")
    make_registration(edition, make_person(side=Side.TAIWAN, email="wait@x.tw"), status="waitlisted")
    make_registration(edition, make_person(side=Side.JAPAN, email="jp@x.jp"), status="accepted")
    make_registration(make_edition(series=edition.series), make_person(side=Side.TAIWAN), status="accepted")
    return edition


def _filters(edition):
    return f"edition__id__exact={edition.pk}&person__side__exact=taiwan&status__exact=accepted"


def test_placeholders_are_filled_per_delegate(nagoya):
    lee = nagoya.registrations.get(email="lee@x.tw")
    values = placeholder_values(lee, lee.language)
    name, link, edition = fill_placeholders("{name}|{link}|{edition}", values).split("|")
    assert (name, edition) == ("李逸洋", f"第12屆{nagoya.series.name}（Nagoya 2026）")
    # The link is the delegate's own signed self-service link (signed now, so compared by what it opens).
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert link.startswith("http://127.0.0.1:8000/zh-hant/")
    assert registration_from_manage_token(token) == lee
    chen = nagoya.registrations.get(email="chen@x.tw")
    assert fill_placeholders("Dear {name}", placeholder_values(chen, "en")) == "Dear Chen Wu"


def test_compose_preview_then_send_to_the_filtered_registrations(
    organizer_client, organizer, nagoya, mailoutbox, django_capture_on_commit_callbacks
):
    url = f"{COMPOSE}?{_filters(nagoya)}"
    page = organizer_client.get(url)
    assert page.context["recipient_count"] == 2
    assert page.context["filters"] == ["Edition: 12. Nagoya 2026", "Status: Accepted", "Side: Taiwan"]
    data = {"subject": "Hotel for {edition}", "body": "Dear {name},\n\nYour page: {link}\n\nSee you!"}
    preview = organizer_client.post(url, {**data, "preview": "1"})
    assert [p["registration"].email for p in preview.context["previews"]] == ["chen@x.tw", "lee@x.tw"]
    assert "Dear Chen Wu," in preview.context["previews"][0]["text"]
    assert "Send to 2 delegates" in preview.content.decode()
    assert DelegateMessage.objects.count() == 0
    assert mailoutbox == []

    with django_capture_on_commit_callbacks(execute=True):
        with_sent = organizer_client.post(url, {**data, "send": "1", "expected_recipients": "2"})
    assert with_sent.status_code == 302
    message = DelegateMessage.objects.get()
    assert (message.subject, message.sent_by) == ("Hotel for {edition}", organizer)
    assert message.recipients_filter == "Edition: 12. Nagoya 2026; Status: Accepted; Side: Taiwan"
    deliveries = list(message.deliveries.order_by("registration__email").values_list("registration__email", "status"))
    assert deliveries == [("chen@x.tw", "sent"), ("lee@x.tw", "sent")]
    assert sorted(mail.to[0] for mail in mailoutbox) == ["chen@x.tw", "lee@x.tw"]
    lee_mail = next(mail for mail in mailoutbox if mail.to == ["lee@x.tw"])
    lee = nagoya.registrations.get(email="lee@x.tw")
    assert lee_mail.subject == f"Hotel for 第12屆{nagoya.series.name}（Nagoya 2026）"
    assert "李逸洋" in lee_mail.body
    # The link was signed when the task ran; everything up to the signature's timestamp matches.
    link_prefix = manage_url(lee).rsplit(":", 2)[0]
    assert link_prefix in lee_mail.body
    assert link_prefix in lee_mail.alternatives[0][0]


def test_unknown_placeholders_are_refused(organizer_client, nagoya):
    response = organizer_client.post(COMPOSE, {"subject": "Hi {nmae}", "body": "x", "preview": "1"})
    assert response.context["form"].errors == {
        "subject": ["Unknown placeholder: {nmae}. You can use {name}, {link}, {edition}."]
    }


def test_send_refused_when_the_list_changed_since_the_preview(organizer_client, nagoya):
    url = f"{COMPOSE}?{_filters(nagoya)}"
    response = organizer_client.post(url, {"subject": "S", "body": "B", "send": "1", "expected_recipients": "5"})
    assert response.context["form"].non_field_errors() == [
        "The list changed since the preview: it now has 2 recipients. Check the preview again."
    ]
    assert DelegateMessage.objects.count() == 0


def test_an_erased_delegate_is_skipped(nagoya, organizer, django_capture_on_commit_callbacks, mailoutbox):
    registrations = nagoya.registrations.filter(email="chen@x.tw")
    with django_capture_on_commit_callbacks(execute=True):
        message = message_send(subject="S", body="B", registrations=registrations, user=organizer)
        registrations.update(email="")
    assert list(message.deliveries.values_list("status", flat=True)) == [MessageDelivery.Status.SKIPPED]
    assert mailoutbox == []


@pytest.mark.parametrize("count", [1, 6])
def test_messages_are_listed_with_their_deliveries(
    organizer_client, organizer, nagoya, count, django_assert_num_queries, django_assert_max_num_queries
):
    for number in range(count):
        message_send(subject=f"Message {number}", body="B", registrations=nagoya.registrations.all(), user=organizer)
    with django_assert_num_queries(6):
        page = organizer_client.get(reverse("admin:delegates_delegatemessage_changelist"))
    assert [message.delivery_total for message in page.context["cl"].result_list] == [4] * count
    registration = nagoya.registrations.get(email="lee@x.tw")
    with django_assert_max_num_queries(24):
        detail = organizer_client.get(reverse("admin:delegates_registration_change", args=[registration.pk]))
    assert detail.content.decode().count('<td class="field-message">') == count
    message = DelegateMessage.objects.first()
    # At most: the content types are cached once per process, whichever test reads them first.
    with django_assert_max_num_queries(7):
        detail = organizer_client.get(reverse("admin:delegates_delegatemessage_change", args=[message.pk]))
    assert detail.content.decode().count('<td class="field-registration">') == 4
