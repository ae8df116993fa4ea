"""One e-mail pipeline: the workflow's messages and the organizers' composed ones are rendered
by delegates.emails in the reader's language and sent through one task."""

import re

import pytest
from django.urls import reverse

from delegates.messaging import message_send
from delegates.models import DelegateMessage, MessageDelivery, Registration, Side
from delegates.tasks import send_email
from tests.factories import make_edition, make_person, make_registration, make_series

pytestmark = pytest.mark.django_db
COMPOSE = reverse("admin:delegates_registration_compose")
KANA = re.compile(r"[\u3040-\u30ff]")


@pytest.fixture
def nagoya():
    series = make_series(
        name_en="Japan–Taiwan Exchange Summit", name_ja="日台交流サミット", name_zh_hant="台日交流高峰會"
    )
    return make_edition(
        series=series,
        ordinal=12,
        year=2026,
        host_city_en="Nagoya",
        host_city_ja="名古屋",
        host_city_zh_hant="名古屋",
        status="registration_open",
    )


def _registration(edition, language, email, **person):
    person = make_person(email=email, side=Side.TAIWAN, **person)
    return make_registration(edition, person, status="accepted", language=language)


@pytest.mark.parametrize(
    ("language", "subject", "greeting"),
    [
        ("en", "Your place at 12th Japan–Taiwan Exchange Summit (Nagoya 2026) is confirmed", "Dear Mei-ling Chen,"),
        ("ja", "第12回日台交流サミット（名古屋 2026）へのご参加が確定しました", "陳美玲様"),
        ("zh-hant", "您已確定可參加第12屆台日交流高峰會（名古屋 2026）", "陳美玲 您好："),
    ],
)
def test_a_workflow_message_is_wholly_in_the_readers_language(nagoya, mailoutbox, language, subject, greeting):
    registration = _registration(
        nagoya, language, "chen@example.tw", given_name="Mei-ling", family_name="Chen", native_name="陳美玲"
    )
    send_email.enqueue(kind="accepted", registration_id=registration.pk)
    (mail,) = mailoutbox
    assert mail.subject == subject
    assert mail.body.startswith(greeting)
    html = mail.alternatives[0][0]
    assert f'<html lang="{language}">' in html
    if language == "zh-hant":
        # No Japanese body or edition name around a Chinese one.
        assert not KANA.search(mail.subject + mail.body + html)


def test_a_composed_message_goes_out_in_each_readers_version_or_english(
    nagoya, organizer, mailoutbox, django_capture_on_commit_callbacks
):
    japanese = _registration(nagoya, "ja", "ja@example.jp", native_name="田中一郎")
    chinese = _registration(nagoya, "zh-hant", "zh@example.tw")
    english = _registration(nagoya, "en", "en@example.org", honorific="Dr", given_name="Ann", family_name="Lee")
    with django_capture_on_commit_callbacks(execute=True):
        message_send(
            subject="Hotel for {edition}",
            body="Dear {name},\n\nYour page: {link}",
            translations={"ja": ("{edition}のホテル", "{name}様\n\nあなたのページ：{link}")},
            registrations=nagoya.registrations.all(),
            user=organizer,
        )
    by_address = {mail.to[0]: mail for mail in mailoutbox}
    assert by_address["ja@example.jp"].subject == "第12回日台交流サミット（名古屋 2026）のホテル"
    assert by_address["ja@example.jp"].body.startswith("田中一郎様")
    # No Chinese version was written: the English one, with the edition's name in Chinese.
    assert by_address["zh@example.tw"].subject == "Hotel for 第12屆台日交流高峰會（名古屋 2026）"
    assert by_address["en@example.org"].body.startswith("Dear Dr Ann Lee,")
    languages = dict(MessageDelivery.objects.values_list("registration__email", "language"))
    assert languages == {"ja@example.jp": "ja", "zh@example.tw": "en", "en@example.org": "en"}
    assert {japanese.pk, chinese.pk, english.pk} == set(
        MessageDelivery.objects.filter(status="sent").values_list("registration_id", flat=True)
    )


def test_placeholders_are_links_in_html_and_the_organizers_text_is_escaped(
    nagoya, organizer, mailoutbox, django_capture_on_commit_callbacks
):
    _registration(nagoya, "en", "a@example.org", given_name="<b>Bold</b>", family_name="O'Brien & Co")
    with django_capture_on_commit_callbacks(execute=True):
        message_send(
            subject="Note",
            body="Hello {name}.\n\n<script>alert(1)</script> Open {link} now.\nSecond line",
            registrations=nagoya.registrations.all(),
            user=organizer,
        )
    (mail,) = mailoutbox
    html = mail.alternatives[0][0]
    link = re.search(r"http://\S+/registration/\S+/", mail.body).group(0)
    assert f'<a href="{link}" style="color:#0b5cad;word-break:break-all">{link}</a> now.<br>Second line' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>" not in html
    assert "&lt;b&gt;Bold&lt;/b&gt; O&#x27;Brien &amp; Co" in html
    # The plain text keeps the text as written.
    assert "<script>alert(1)</script> Open http://" in mail.body


def test_composer_previews_each_recipients_version_and_says_when_english_stands_in(organizer_client, nagoya):
    _registration(nagoya, "ja", "ja@example.jp")
    _registration(nagoya, "zh-hant", "zh@example.tw")
    url = f"{COMPOSE}?edition__id__exact={nagoya.pk}"
    data = {
        "subject": "Hotel",
        "body": "Your hotel",
        "subject_ja": "ホテル",
        "body_ja": "ホテルのご案内",
        "preview": "1",
    }
    response = organizer_client.post(url, data)
    previews = {preview["registration"].email: preview for preview in response.context["previews"]}
    assert (previews["ja@example.jp"]["subject"], previews["ja@example.jp"]["fallback"]) == ("ホテル", False)
    assert (previews["zh@example.tw"]["subject"], previews["zh@example.tw"]["fallback"]) == ("Hotel", True)
    assert response.content.decode().count("language: they get the English one.") == 1


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        (
            {"subject_ja": "件名だけ"},
            {"body_ja": ["Write both the subject and the message of this language, or neither."]},
        ),
        (
            {"body_zh_hant": "只有內文"},
            {"subject_zh_hant": ["Write both the subject and the message of this language, or neither."]},
        ),
        (
            {"subject_ja": "{namae}", "body_ja": "x"},
            {"subject_ja": ["Unknown placeholder: {namae}. You can use {name}, {link}, {edition}."]},
        ),
    ],
)
def test_a_half_written_or_misspelt_version_is_refused(organizer_client, nagoya, data, errors):
    response = organizer_client.post(COMPOSE, {"subject": "S", "body": "B", "send": "1", **data})
    assert response.status_code == 200
    assert response.context["form"].errors == errors
    assert DelegateMessage.objects.count() == 0


def test_a_half_written_version_is_refused_by_the_service_too(nagoya, organizer):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        message_send(
            subject="S",
            body="B",
            translations={"ja": ("件名", "")},
            registrations=nagoya.registrations.all(),
            user=organizer,
        )
    assert DelegateMessage.objects.count() == 0


def test_messages_sent_lists_the_subject_as_delegates_read_it(organizer_client, organizer, nagoya):
    _registration(nagoya, "en", "a@example.org")
    message_send(
        subject="Hotel for {edition}, {name}", body="B", registrations=nagoya.registrations.all(), user=organizer
    )
    other = make_edition(series=nagoya.series, ordinal=11)
    _registration(other, "en", "b@example.org")
    message_send(subject="Thanks from {edition}", body="B", registrations=Registration.objects.all(), user=organizer)
    page = organizer_client.get(reverse("admin:delegates_delegatemessage_changelist")).content.decode()
    assert "Hotel for 12th Japan–Taiwan Exchange Summit (Nagoya 2026), (each delegate&#x27;s name)" in page
    assert "Thanks from (their edition)" in page
    subjects = re.findall(r'<th class="field-sent_subject"><a [^>]+>([^<]+)</a>', page)
    assert not any("{" in subject for subject in subjects)
    message = DelegateMessage.objects.get(subject__startswith="Hotel")
    detail = organizer_client.get(reverse("admin:delegates_delegatemessage_change", args=[message.pk])).content.decode()
    assert "Hotel for 12th Japan–Taiwan Exchange Summit (Nagoya 2026)" in detail


ACCEPTED_BODIES = {
    "en": (
        "Your registration has been accepted. We look forward to welcoming you.",
        "Your badge is on your registration page. Please bring it, printed or on your phone: "
        "its code is scanned at check-in.",
        "See your registration",
    ),
    "ja": (
        "お申し込みが承認されました。お会いできるのを楽しみにしています。",
        "名札は申込ページにあります。印刷するか、スマートフォンに表示してお持ちください。受付でコードを読み取ります。",
        "申込内容を見る",
    ),
    "zh-hant": (
        "您的報名已獲接受，我們期待您的蒞臨。",
        "名牌在您的報名頁面上。請列印或存在手機中攜帶，報到時會掃描上面的條碼。",
        "查看報名資料",
    ),
}


@pytest.mark.parametrize(
    ("language", "native_name", "greeting"),
    [
        ("en", "賴清德", "Dear Ching-te Lai,"),
        # The native name in the reader's forms, however it was typed.
        ("ja", "賴清德", "頼清徳様"),
        ("zh-hant", "頼清徳", "賴清德 您好："),
    ],
)
def test_a_workflow_messages_whole_body_is_in_the_readers_language(nagoya, mailoutbox, language, native_name, greeting):
    registration = _registration(
        nagoya, language, "lai@example.tw", given_name="Ching-te", family_name="Lai", native_name=native_name
    )
    send_email.enqueue(kind="accepted", registration_id=registration.pk)
    (mail,) = mailoutbox
    first, second, action = ACCEPTED_BODIES[language]
    link = re.search(r"http://\S+/registration/\S+/", mail.body).group(0)
    assert link.startswith(f"http://127.0.0.1:8000/{language}/registration/")
    footer = {"en": "Japan–Taiwan Exchange Summit", "ja": "日台交流サミット", "zh-hant": "台日交流高峰會"}[language]
    assert mail.body == (
        f"{greeting}\n\n{first}\n\n{second}\n\n{action}\n{link}\n\n--\n{footer}\nhttp://127.0.0.1:8000\n\n"
    )
    html = mail.alternatives[0][0]
    assert f"<p>{greeting}</p>" in html
    assert f'<a href="{link}" style="display:inline-block;' in html


THREE_VERSIONS = {
    "subject": "Your hotel for {edition}",
    "body": "Dear {name},\n\nYour room is booked. Details: {link}",
    "translations": {
        "ja": ("{edition}のホテル", "{name}様\n\nお部屋を予約しました。詳細：{link}"),
        "zh-hant": ("{edition}的住宿", "{name} 您好：\n\n已為您預訂房間。詳情：{link}"),
    },
}


@pytest.mark.parametrize(
    ("language", "subject", "greeting", "line"),
    [
        (
            "en",
            "Your hotel for 12th Japan–Taiwan Exchange Summit (Nagoya 2026)",
            "Dear Ching-te Lai,",
            "Your room is booked. Details: ",
        ),
        ("ja", "第12回日台交流サミット（名古屋 2026）のホテル", "頼清徳様", "お部屋を予約しました。詳細："),
        ("zh-hant", "第12屆台日交流高峰會（名古屋 2026）的住宿", "賴清德 您好：", "已為您預訂房間。詳情："),
    ],
)
def test_a_composed_message_in_three_versions_reaches_each_reader_in_theirs(
    nagoya, organizer, mailoutbox, django_capture_on_commit_callbacks, language, subject, greeting, line
):
    _registration(nagoya, language, "lai@example.tw", given_name="Ching-te", family_name="Lai", native_name="賴清德")
    with django_capture_on_commit_callbacks(execute=True):
        message_send(registrations=nagoya.registrations.all(), user=organizer, **THREE_VERSIONS)
    (mail,) = mailoutbox
    link = re.search(r"http://\S+/registration/\S+/", mail.body).group(0)
    assert link.startswith(f"http://127.0.0.1:8000/{language}/registration/")
    footer = {"en": "Japan–Taiwan Exchange Summit", "ja": "日台交流サミット", "zh-hant": "台日交流高峰會"}[language]
    assert mail.subject == subject
    assert mail.body == f"{greeting}\n\n{line}{link}\n\n--\n{footer}\nhttp://127.0.0.1:8000\n\n"
    html = mail.alternatives[0][0]
    assert f'{line}<a href="{link}" style="color:#0b5cad;word-break:break-all">{link}</a>' in html
    assert MessageDelivery.objects.get().language == language


def test_hostile_names_and_placeholders_are_neither_expanded_nor_headers(
    nagoya, organizer, mailoutbox, django_capture_on_commit_callbacks
):
    # A name that looks like a placeholder or carries a header is text, filled in once.
    _registration(nagoya, "en", "a@example.org", given_name="{link}", family_name="X\r\nBcc: evil@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        message_send(
            subject="Hi {name}",
            body='<a href="{link}">{{edition}}</a> {name}',
            registrations=nagoya.registrations.all(),
            user=organizer,
        )
    (mail,) = mailoutbox
    assert mail.subject == "Hi {link} X Bcc: evil@example.org"
    assert mail.to == ["a@example.org"] and mail.bcc == []
    html = mail.alternatives[0][0]
    link = re.search(r'href="(http://[^"]+)"', html).group(1)
    assert (
        f'&lt;a href=&quot;<a href="{link}" style="color:#0b5cad;word-break:break-all">{link}</a>&quot;&gt;'
        "{12th Japan–Taiwan Exchange Summit (Nagoya 2026)}&lt;/a&gt; {link} X"
    ) in html
    assert MessageDelivery.objects.get().status == "sent"


def test_the_preview_counts_who_gets_which_version(organizer_client, nagoya):
    _registration(nagoya, "ja", "ja1@example.jp")
    _registration(nagoya, "ja", "ja2@example.jp")
    _registration(nagoya, "zh-hant", "zh@example.tw")
    data = {"subject": "Hotel", "body": "Your hotel", "subject_ja": "ホテル", "body_ja": "ご案内", "preview": "1"}
    response = organizer_client.post(f"{COMPOSE}?edition__id__exact={nagoya.pk}", data)
    versions = re.findall(r"<li>([^<]+)</li>", response.content.decode().split('class="message-versions">')[1])
    assert versions == [
        "2 delegates reading Japanese get the Japanese version.",
        "1 delegate reading Traditional Chinese gets the English version: none was written in theirs.",
    ]
    japanese = organizer_client.post(f"{COMPOSE}?edition__id__exact={nagoya.pk}", data, HTTP_ACCEPT_LANGUAGE="ja")
    versions = re.findall(r"<li>([^<]+)</li>", japanese.content.decode().split('class="message-versions">')[1])
    assert versions == [
        "日本語を読む参加者 2 人には日本語版が届きます。",
        "繁体字中国語を読む参加者 1 人には、その言語の版がないため英語版が届きます。",
    ]


def test_messages_sent_show_the_subjects_as_each_language_read_them(organizer_client, organizer, nagoya):
    _registration(nagoya, "ja", "ja@example.jp")
    message_send(
        subject="<b>Hotel</b> for {edition}",
        body="B",
        translations={"ja": ("{edition}のホテル", "本文")},
        registrations=nagoya.registrations.all(),
        user=organizer,
    )
    message = DelegateMessage.objects.get()
    changelist = reverse("admin:delegates_delegatemessage_changelist")
    english = organizer_client.get(changelist).content.decode()
    assert re.findall(r'<th class="field-sent_subject"><a [^>]+>([^<]+)</a>', english) == [
        "&lt;b&gt;Hotel&lt;/b&gt; for 12th Japan–Taiwan Exchange Summit (Nagoya 2026)"
    ]
    detail = organizer_client.get(reverse("admin:delegates_delegatemessage_change", args=[message.pk]))
    subjects = re.search(r'<div class="readonly">(.*?)</div>', detail.content.decode()).group(1)
    assert subjects == (
        "English: &lt;b&gt;Hotel&lt;/b&gt; for 12th Japan–Taiwan Exchange Summit (Nagoya 2026)<br>"
        "Japanese: 第12回日台交流サミット（名古屋 2026）のホテル"
    )
    assert "{edition}" not in detail.content.decode()


def test_messages_sent_in_the_japanese_admin_show_the_japanese_version(organizer_client, organizer, nagoya):
    _registration(nagoya, "ja", "ja@example.jp")
    message_send(
        subject="Hotel for {edition}",
        body="B",
        translations={"ja": ("{edition}のホテル", "本文")},
        registrations=nagoya.registrations.all(),
        user=organizer,
    )
    message = DelegateMessage.objects.get()
    changelist = reverse("admin:delegates_delegatemessage_changelist")
    page = organizer_client.get(changelist, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert re.findall(r'<th class="field-sent_subject"><a [^>]+>([^<]+)</a>', page) == [
        "第12回日台交流サミット（名古屋 2026）のホテル"
    ]
    detail = organizer_client.get(
        reverse("admin:delegates_delegatemessage_change", args=[message.pk]), HTTP_ACCEPT_LANGUAGE="ja"
    ).content.decode()
    assert re.search(r'<div class="readonly">(.*?)</div>', detail).group(1) == (
        "英語：Hotel for 12th Japan–Taiwan Exchange Summit (Nagoya 2026)<br>"
        "日本語：第12回日台交流サミット（名古屋 2026）のホテル"
    )
    # The breadcrumbs and heading name it as a Japanese reader got it, never "{edition}".
    assert "<h2>（各参加者の開催回）のホテル</h2>" in detail


def test_the_preview_counts_only_the_searched_recipients(organizer_client, nagoya):
    _registration(nagoya, "ja", "ja1@example.jp")
    _registration(nagoya, "zh-hant", "zh@example.tw")
    data = {"subject": "Hotel", "body": "Your hotel", "preview": "1"}
    response = organizer_client.post(f"{COMPOSE}?q=example.jp", data)
    versions = re.findall(r"<li>([^<]+)</li>", response.content.decode().split('class="message-versions">')[1])
    assert versions == ["1 delegate reading Japanese gets the English version: none was written in theirs."]
