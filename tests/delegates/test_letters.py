"""Invitation letters: the PDF's text read back in each language, numbering, and the signed
verification link (genuine, forged, withdrawn)."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from delegates import tokens
from delegates.letters import letter_for_delegate, letter_issue, letter_pdf, letter_revoke, verify_token, verify_url
from delegates.logistics import LogisticsError
from delegates.models import EditionLogistics, InvitationLetter, Registration, Side
from tests.factories import make_open_edition, make_person, make_registration

pytestmark = pytest.mark.django_db


def pdf_text(data):
    reader = PdfReader(io.BytesIO(data))
    text = "".join(page.extract_text() for page in reader.pages)
    return "".join(c for c in text if c.isprintable() and not c.isspace())


@pytest.fixture
def edition():
    edition = make_open_edition(
        slug="nagoya-2026", host_city_en="Nagoya", host_city_ja="名古屋", host_city_zh_hant="名古屋"
    )
    EditionLogistics.objects.create(
        edition=edition,
        letter_issuer_en="Japan–Taiwan Exchange Summit Organizing Committee",
        letter_issuer_ja="日台交流サミット実行委員会",
        letter_issuer_zh_hant="日台交流高峰會執行委員會",
        letter_body_en="We would be grateful for any help with the delegate's travel.",
        letter_body_ja="渡航に際しご高配を賜りますようお願い申し上げます。",
        letter_body_zh_hant="敬請惠予協助其出行事宜。",
        letter_signatory_en="Chair of the Organizing Committee",
    )
    return edition


def accepted(edition, language, **person_fields):
    values = {
        "family_name": "Lin",
        "given_name": "Yi-ting",
        "family_name_first": True,
        "native_name": "林怡婷",
        "side": Side.TAIWAN,
        "position_en": "Councilor",
        "position_ja": "議員",
        "position_zh_hant": "議員",
        "organization_en": "Taichung City Council",
        "organization_ja": "台中市議会",
        "organization_zh_hant": "臺中市議會",
    }
    return make_registration(edition, make_person(**{**values, **person_fields}), status="accepted", language=language)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            [
                "Letterofinvitation",
                "LinYi-ting",
                "林怡婷",
                "Councilor",
                "TaichungCityCouncil",
                "NAGOYA-2026-0001",
                "ondatestobeannounced",
                "avenuetobeannounced",
                "Wewouldbegrateful",
                "ChairoftheOrganizingCommittee",
            ],
        ),
        (
            "ja",
            [
                "招へい状",
                "LinYi-ting",
                "林怡婷",
                "議員",
                "台中市議会",
                "NAGOYA-2026-0001",
                "日程は追って発表",
                "日台交流サミット実行委員会",
                "渡航に際しご高配",
            ],
        ),
        (
            "zh-hant",
            [
                "邀請函",
                "LinYi-ting",
                "林怡婷",
                "臺中市議會",
                "NAGOYA-2026-0001",
                "於日後公布之日期",
                "日台交流高峰會執行委員會",
                "敬請惠予協助",
            ],
        ),
    ],
)
def test_the_letter_is_written_in_the_delegates_language_with_both_names(edition, language, expected):
    registration = accepted(edition, language)
    letter = letter_issue(registration=registration)
    text = pdf_text(letter_pdf(letter))
    for phrase in expected:
        assert phrase in text
    assert verify_url(letter).replace(" ", "") in text


def test_known_dates_and_venue_are_printed_never_invented(edition):
    edition.start_date = datetime.date(edition.year, 9, 5)
    edition.end_date = datetime.date(edition.year, 9, 6)
    edition.venue_en = "Nagoya Congress Center"
    edition.save()
    text = pdf_text(letter_pdf(letter_issue(registration=accepted(edition, "en"))))
    assert f"fromSept.5,{edition.year}toSept.6,{edition.year}" in text
    assert "atNagoyaCongressCenter" in text
    assert "announced" not in text


def test_letters_are_numbered_in_sequence_per_edition(edition):
    first = letter_issue(registration=accepted(edition, "en"))
    second = letter_issue(registration=accepted(edition, "ja", family_name="Sato", native_name="佐藤"))
    other = letter_issue(registration=accepted(make_open_edition(slug="taipei-2027"), "en"))
    assert [first.number, second.number, other.number] == ["NAGOYA-2026-0001", "NAGOYA-2026-0002", "TAIPEI-2027-0001"]


@pytest.mark.parametrize("status", ["pending", "waitlisted", "cancelled", "rejected", "unconfirmed"])
def test_only_accepted_delegates_get_a_letter(edition, status):
    registration = make_registration(edition, status=status)
    with pytest.raises(LogisticsError):
        letter_issue(registration=registration)
    assert InvitationLetter.objects.count() == 0


def test_the_delegate_downloads_the_letter_from_the_registration_page(client, edition):
    registration = accepted(edition, "ja")
    with translation.override("ja"):
        url = reverse("delegates:letter", kwargs={"token": tokens.manage_token(registration)})
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    assert "林怡婷" in pdf_text(response.content)
    client.get(url)
    assert InvitationLetter.objects.count() == 1  # the same letter again, not a new number
    pending = make_registration(edition, status="pending")
    assert client.get(reverse("delegates:letter", kwargs={"token": tokens.manage_token(pending)})).status_code == 404


# --- Verification -------------------------------------------------------------------------


def test_a_genuine_letter_shows_the_name_and_edition_only(client, edition):
    registration = accepted(edition, "en", email="lin@example.org", phone="+886 4 1234 5678")
    letter = letter_issue(registration=registration)
    response = client.get(reverse("delegates:letter_verify", kwargs={"token": verify_token(letter)}))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-verdict="genuine"' in page
    assert "Lin Yi-ting (林怡婷)" in page
    assert "Nagoya" in page
    for private in ("lin@example.org", "1234", "Taichung", "Councilor"):
        assert private not in page
    assert '<meta name="robots" content="noindex">' in page


@pytest.mark.parametrize(
    "token",
    ["", "abc", "00000000000000000000000000000000:forged", "{key}:{signature}x", "{key}"],
)
def test_a_forged_code_is_refused(client, edition, token):
    letter = letter_issue(registration=accepted(edition, "en"))
    key, signature = verify_token(letter).split(":")
    token = token.format(key=key, signature=signature) or "%20"
    response = client.get(reverse("delegates:letter_verify", kwargs={"token": token}))
    assert response.status_code == 404
    assert 'data-verdict="forged"' in response.content.decode()
    assert "Lin" not in response.content.decode()


def test_a_badge_or_self_service_code_is_not_a_letter_code(client, edition):
    registration = accepted(edition, "en")
    letter_issue(registration=registration)
    for token in (tokens.badge_code(registration), tokens.manage_token(registration)):
        assert client.get(reverse("delegates:letter_verify", kwargs={"token": token})).status_code == 404


def test_a_withdrawn_letter_is_refused(client, edition):
    letter = letter_issue(registration=accepted(edition, "en"))
    letter_revoke(letter=letter)
    response = client.get(reverse("delegates:letter_verify", kwargs={"token": verify_token(letter)}))
    assert response.status_code == 410
    assert 'data-verdict="withdrawn"' in response.content.decode()
    assert "Lin Yi-ting" not in response.content.decode()


def test_a_cancelled_registrations_letter_is_refused(client, edition):
    registration = accepted(edition, "en")
    letter = letter_issue(registration=registration)
    Registration.objects.filter(pk=registration.pk).update(status="cancelled")
    assert client.get(reverse("delegates:letter_verify", kwargs={"token": verify_token(letter)})).status_code == 410


def test_organizers_issue_and_withdraw_letters_in_the_admin(organizer_client, edition):
    registration = accepted(edition, "zh-hant")
    pending = make_registration(edition, status="pending")
    response = organizer_client.post(
        reverse("admin:delegates_registration_changelist"),
        {"action": "issue_letters", "_selected_action": [registration.pk, pending.pk]},
        follow=True,
    )
    page = response.content.decode()
    assert "1 letter issued." in page
    assert "Invitation letters are issued to accepted delegates only." in page
    letter = InvitationLetter.objects.get()
    assert (letter.registration, letter.language) == (registration, "zh-hant")
    pdf = organizer_client.get(reverse("admin:delegates_invitationletter_pdf", args=[letter.pk]))
    assert "邀請函" in pdf_text(pdf.content)
    organizer_client.post(
        reverse("admin:delegates_invitationletter_changelist"),
        {"action": "withdraw_letters", "_selected_action": [letter.pk]},
    )
    letter.refresh_from_db()
    assert letter.revoked_at is not None
    assert letter_for_delegate(registration) != letter  # the delegate gets a new one


def test_hostile_wording_still_gives_a_letter(edition):
    EditionLogistics.objects.filter(edition=edition).update(
        letter_body_en="First paragraph 🎉\r\n\r\nSecond\x07 paragraph " + "x" * 3000 + "\r\n\r\n" + "Long. " * 800,
        letter_signatory_en="🙂",
    )
    letter = letter_issue(
        registration=accepted(edition, "en", native_name="林怡婷🌸", position_en="=cmd|' /C calc'!A0")
    )
    reader = PdfReader(io.BytesIO(letter_pdf(letter)))
    text = "".join(c for page in reader.pages for c in page.extract_text() if c.isprintable() and not c.isspace())
    assert len(reader.pages) >= 2
    assert "Firstparagraph" in text and "Secondparagraph" in text and "林怡婷" in text
    assert verify_url(letter).replace(" ", "") in text
