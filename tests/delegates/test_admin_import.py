import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from delegates.imports import ImportFileError, decode, delegates_import
from delegates.models import Person, Registration
from tests.factories import make_edition, make_person, make_registration

pytestmark = pytest.mark.django_db
UPLOAD = reverse("admin:delegates_registration_import")
CONFIRM = reverse("admin:delegates_registration_import_confirm")

HEADER = (
    "email,family_name,given_name,native_name,family_name_first,side,category,organization,language,dietary_needs\n"
)
GOOD = (
    HEADER
    + "lee@example.tw,Lee,Yi-yang,李逸洋,yes,taiwan,national_legislator,立法院,zh-hant,\n"
    + "sanae@example.jp,Takaichi,Sanae,高市早苗,はい,日本,Local councilor,鎌倉市議会,ja,vegetarian\n"
)


@pytest.fixture
def edition():
    return make_edition(
        host_city_en="Nagoya", ordinal=12, year=2026, requires_approval=True, status="registration_open"
    )


def _upload(client, edition, content: bytes, name="invited.csv"):
    return client.post(UPLOAD, {"edition": edition.pk, "file": SimpleUploadedFile(name, content, "text/csv")})


def _rows(response):
    return [(row.line, row.outcome, row.details) for row in response.context["results"]]


def test_preview_shows_each_row_and_writes_nothing(organizer_client, edition, mailoutbox):
    response = _upload(organizer_client, edition, GOOD.encode())
    assert response.status_code == 200
    assert _rows(response) == [
        (2, "create", ["Status: Awaiting approval"]),
        (3, "create", ["Status: Awaiting approval"]),
    ]
    assert response.context["counts"] == {"create": 2, "update": 0, "unchanged": 0, "refuse": 0}
    assert Registration.objects.count() == 0
    assert Person.objects.count() == 0
    assert mailoutbox == []
    assert "Import now" in response.content.decode()


def test_confirm_imports_in_one_go_and_a_second_import_creates_nothing(organizer_client, edition, organizer):
    _upload(organizer_client, edition, ("\ufeff" + GOOD).encode())
    token = organizer_client.session["delegates_import"]["token"]
    response = organizer_client.post(CONFIRM, {"token": token})
    assert response.context["counts"] == {"create": 2, "update": 0, "unchanged": 0, "refuse": 0}
    lee = Registration.objects.get(email="lee@example.tw")
    assert (lee.person.native_name, lee.person.family_name_first, lee.person.side) == ("李逸洋", True, "taiwan")
    assert lee.person.organization_zh_hant == "立法院"
    assert (lee.status, lee.language, lee.confirmed_at is not None) == ("pending", "zh-hant", True)
    sanae = Registration.objects.get(email="sanae@example.jp")
    assert (sanae.person.side, sanae.person.category, sanae.dietary_needs) == ("japan", "local_councilor", "vegetarian")
    assert lee.status_changes.first().user == organizer

    # The same file again: nothing new, nothing changed.
    again = _upload(organizer_client, edition, GOOD.encode())
    assert [outcome for _line, outcome, _details in _rows(again)] == ["unchanged", "unchanged"]
    organizer_client.post(CONFIRM, {"token": organizer_client.session["delegates_import"]["token"]})
    assert Registration.objects.count() == 2
    assert Person.objects.count() == 2


def test_existing_registration_is_updated_and_the_preview_names_the_changes(organizer_client, edition):
    person = make_person(family_name="Lee", given_name="Yi-yang", email="lee@example.tw", native_name="")
    make_registration(edition, person, status="accepted")
    content = "email,family_name,native_name,dietary_needs\nLEE@example.tw,Lee,李逸洋,halal\n"
    response = _upload(organizer_client, edition, content.encode())
    assert _rows(response) == [(2, "update", ["Changes: name in native script, dietary needs"])]
    organizer_client.post(CONFIRM, {"token": organizer_client.session["delegates_import"]["token"]})
    person.refresh_from_db()
    assert person.native_name == "李逸洋"
    assert Registration.objects.get(person=person).dietary_needs == "halal"


def test_rows_are_refused_with_reasons_and_the_others_still_import(organizer_client, edition):
    make_registration(
        edition, make_person(email="gone@example.org", family_name="Gone"), status="rejected", email="gone@example.org"
    )
    content = (
        "email,family_name,side\n"
        "ok@example.org,Okay,japan\n"
        "not-an-address,Bad,japan\n"
        ",Empty,japan\n"
        "ok@example.org,Again,japan\n"
        "mars@example.org,Martian,mars\n"
        "noname@example.org,,japan\n"
        "gone@example.org,Gone,taiwan\n"
    )
    response = _upload(organizer_client, edition, content.encode())
    assert _rows(response) == [
        (2, "create", ["Status: Awaiting approval"]),
        (3, "refuse", ["“not-an-address” is not an e-mail address."]),
        (4, "refuse", ["The e-mail address is empty."]),
        (5, "refuse", ["Same e-mail address as line 2."]),
        (6, "refuse", ["“mars” is not a valid side."]),
        (7, "refuse", ["The family name is empty."]),
        (8, "refuse", ["This registration is cancelled or rejected and can no longer be changed."]),
    ]
    organizer_client.post(CONFIRM, {"token": organizer_client.session["delegates_import"]["token"]})
    assert sorted(Registration.objects.values_list("email", flat=True)) == ["gone@example.org", "ok@example.org"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "email,family_name\nlee@example.tw,李\n".encode("big5"),
            "The file is not UTF-8 (it looks like Big5; the first problem is on line 2). "
            "In Excel choose “Save as” → “CSV UTF-8”, then upload it again.",
        ),
        (
            # Also valid Shift_JIS byte for byte (read so, it has no kana): still Big5.
            "email,family_name,organization\nchen@example.tw,陳,高雄市議會\n".encode("big5"),
            "The file is not UTF-8 (it looks like Big5; the first problem is on line 2). "
            "In Excel choose “Save as” → “CSV UTF-8”, then upload it again.",
        ),
        (
            "email,family_name,given_name\nyamada@example.jp,山田,たろう\n".encode("cp932"),
            "The file is not UTF-8 (it looks like Shift_JIS; the first problem is on line 2). "
            "In Excel choose “Save as” → “CSV UTF-8”, then upload it again.",
        ),
        (
            "email,family_name\nsanae@example.jp,高市\n".encode("cp932"),
            "The file is not UTF-8 (it looks like Shift_JIS; the first problem is on line 2). "
            "In Excel choose “Save as” → “CSV UTF-8”, then upload it again.",
        ),
        (b"email,given_name\nx@example.org,X\n", "The first row must name the columns; missing: family_name."),
        (
            b"name;email\nX;x@example.org\n",
            "The columns are separated by semicolons; save the file with commas instead.",
        ),
        (b"", "The submitted file is empty."),
        (b"\n\n", "The file is empty."),
        (b"email,family_name,email\n", "These columns appear twice: email."),
        (
            b"email,family_name\nx@example.org,X\x00Y\n",
            "The file contains a NUL character (the first on line 2), so it is not a CSV text file. "
            "Save it as \u201cCSV UTF-8\u201d and upload it again.",
        ),
        (
            # A picture renamed .csv: its bytes may happen to read as Shift_JIS, but it is no table.
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256)),
            "The file contains a NUL character (the first on line 3), so it is not a CSV text file. "
            "Save it as \u201cCSV UTF-8\u201d and upload it again.",
        ),
        (
            "email,family_name\nx@example.org,X\n".encode("utf-16"),
            "The file is UTF-16 text (Excel: \u201cUnicode text\u201d). "
            "Save it as \u201cCSV UTF-8\u201d and upload it again.",
        ),
        (
            b"email,family_name\nx@example.org," + b"A" * 200_000 + b"\n",
            "Line 2 has a cell longer than 10000 characters; is a quotation mark missing?",
        ),
        (
            b"email,family_name\nx@example.org," + b"A" * 20_000 + b"\n",
            "Line 2 has a cell longer than 10000 characters; is a quotation mark missing?",
        ),
        (
            b'email,family_name\nx@example.org,"Never closed\n' + b"y@example.org,Y\n" * 20_000,
            "Line 2 has a cell longer than 10000 characters; is a quotation mark missing?",
        ),
        (b"email,family_name\n" + b"x@example.org,X\n" * 5001, "The file has more than 5000 rows; split it."),
    ],
)
def test_malformed_files_get_a_clear_message_and_nothing_is_written(organizer_client, edition, content, message):
    response = _upload(organizer_client, edition, content)
    assert response.status_code == 200
    assert response.context["form"].errors == {"file": [message]}
    assert "delegates_import" not in organizer_client.session
    assert Registration.objects.count() == 0


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(organizer_client, edition):
    response = _upload(organizer_client, edition, b"email,family_name\n" + b"x" * (2 * 1024 * 1024))
    assert response.context["form"].errors == {"file": ["The file is larger than 2 MB; split it into smaller files."]}
    assert Registration.objects.count() == 0


@pytest.mark.parametrize("newline", ["\r", "\r\n", "\n"])
def test_every_line_ending_imports_the_same_rows(organizer_client, edition, newline):
    content = newline.join(["email,family_name,given_name", "a@example.org,Ono,Aki", 'b@example.org,"Sato",Ben', ""])
    response = _upload(organizer_client, edition, content.encode())
    created = ["Status: Awaiting approval"]
    assert _rows(response) == [(2, "create", created), (3, "create", created)]
    organizer_client.post(CONFIRM, {"token": organizer_client.session["delegates_import"]["token"]})
    assert sorted(Registration.objects.values_list("email", "person__given_name")) == [
        ("a@example.org", "Aki"),
        ("b@example.org", "Ben"),
    ]


def test_cells_too_long_for_their_field_refuse_the_row_and_nothing_else(organizer_client, edition):
    content = "email,family_name,dietary_needs\na@example.org,Ono," + "x" * 301 + "\nb@example.org,Sato,\n"
    response = _upload(organizer_client, edition, content.encode())
    assert [(line, outcome) for line, outcome, _details in _rows(response)] == [(2, "refuse"), (3, "create")]


def test_a_cancelled_delegate_in_the_file_gets_a_new_registration(organizer_client, edition):
    person = make_person(email="back@example.org", family_name="Back")
    cancelled = make_registration(edition, person, status="cancelled", email="back@example.org")
    _upload(organizer_client, edition, b"email,family_name\nback@example.org,Back\n")
    organizer_client.post(CONFIRM, {"token": organizer_client.session["delegates_import"]["token"]})
    again = Registration.objects.exclude(pk=cancelled.pk).get()
    assert (again.person, again.status) == (person, "pending")


def test_wrong_encoding_message_in_japanese(organizer_client, edition):
    response = organizer_client.post(
        UPLOAD,
        {
            "edition": edition.pk,
            "file": SimpleUploadedFile("x.csv", "email,family_name\na@b.jp,高市\n".encode("cp932")),
        },
        headers={"accept-language": "ja"},
    )
    assert "UTF-8" in response.context["form"].errors["file"][0]
    assert "Excel" in response.context["form"].errors["file"][0]
    assert response.context["form"].errors["file"][0].startswith("ファイルが UTF-8 ではありません")


def test_confirm_without_a_pending_import_writes_nothing(organizer_client, edition):
    response = organizer_client.post(CONFIRM, {"token": "stale"}, follow=True)
    assert response.redirect_chain == [(UPLOAD, 302)]
    assert Registration.objects.count() == 0


def test_confirm_works_from_the_session_alone(organizer_client, edition):
    """Another process finishes the import: only the (database) session carries the file."""
    _upload(organizer_client, edition, GOOD.encode())
    session = organizer_client.session
    assert session["delegates_import"]["text"] == GOOD
    stored = SessionStore(session_key=session.session_key).load()
    assert stored["delegates_import"]["edition"] == edition.pk


def test_blank_lines_and_a_trailing_newline_are_ignored():
    edition = make_edition()
    results = delegates_import(edition=edition, text=GOOD + "\n,,,\n\n", user=None, dry_run=True)
    assert len(results) == 2


def test_decode_accepts_utf8_with_and_without_bom():
    assert decode("a,李".encode()) == "a,李"
    assert decode("\ufeffa,李".encode()) == "a,李"
    with pytest.raises(ImportFileError):
        decode(b"\xff\xfe\x00a")


def test_upload_page_lists_the_columns(organizer_client, edition):
    page = organizer_client.get(UPLOAD).content.decode()
    assert "<code>native_name</code>" in page
    assert "Preview the import" in page


def test_confirm_after_the_edition_was_deleted_writes_nothing(organizer_client, edition):
    _upload(organizer_client, edition, GOOD.encode())
    token = organizer_client.session["delegates_import"]["token"]
    edition.delete()
    response = organizer_client.post(CONFIRM, {"token": token}, follow=True)
    assert response.redirect_chain == [(UPLOAD, 302)]
    assert [str(m) for m in response.context["messages"]] == ["The edition of this import no longer exists."]
    assert Registration.objects.count() == 0
