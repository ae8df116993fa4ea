import pytest
from django.urls import reverse
from django.utils import timezone

from delegates.models import Category, Registration, RegistrationStatusChange, Side
from tests.factories import make_edition, make_person, make_registration

pytestmark = pytest.mark.django_db
URL = reverse("admin:delegates_registration_changelist")


def _names(response):
    return [registration.person.full_name for registration in response.context["cl"].result_list]


@pytest.fixture
def edition():
    return make_edition(host_city_en="Nagoya")


def test_filters_narrow_the_list(organizer_client, edition):
    taiwan = make_person(
        given_name="Yi-yang", family_name="Lee", side=Side.TAIWAN, category=Category.NATIONAL_LEGISLATOR
    )
    make_registration(edition, taiwan, status="accepted", confirmed_at=timezone.now(), checked_in_at=timezone.now())
    make_registration(edition, make_person(given_name="Sanae", family_name="Takaichi"), status="pending")
    make_registration(make_edition(series=edition.series), make_person(given_name="Other", family_name="Edition"))

    def names(**params):
        return _names(organizer_client.get(URL, params))

    assert names(edition__id__exact=edition.pk, person__side__exact="taiwan") == ["Yi-yang Lee"]
    assert names(edition__id__exact=edition.pk, status__exact="pending") == ["Sanae Takaichi"]
    assert names(person__category__exact="national_legislator") == ["Yi-yang Lee"]
    assert names(edition__id__exact=edition.pk, confirmed="no") == ["Sanae Takaichi"]
    assert names(checked_in="yes") == ["Yi-yang Lee"]
    assert names(edition__id__exact=edition.pk, checked_in="no") == ["Sanae Takaichi"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("李逸洋", ["Yi-yang Lee"]),
        ("yi-yang", ["Yi-yang Lee"]),
        ("立法院", ["Yi-yang Lee"]),
        ("sanae@", ["Sanae Takaichi"]),
    ],
)
def test_search_by_latin_or_native_name_organization_and_email(organizer_client, edition, query, expected):
    lee = make_person(given_name="Yi-yang", family_name="Lee", native_name="李逸洋", organization_zh_hant="立法院")
    make_registration(edition, lee)
    make_registration(edition, make_person(given_name="Sanae", family_name="Takaichi", email="sanae@example.jp"))
    assert _names(organizer_client.get(URL, {"q": query})) == expected


def test_list_shows_columns_at_a_glance(organizer_client, edition):
    person = make_person(
        given_name="Yi-yang", family_name="Lee", native_name="李逸洋", organization_en="Legislative Yuan"
    )
    make_registration(edition, person, status="accepted", confirmed_at=timezone.now())
    page = organizer_client.get(URL).content.decode()
    for text in ["Yi-yang Lee", "李逸洋", "Legislative Yuan", "Accepted", "Local councilor", "Japan"]:
        assert text in page
    # No full count of the table next to the filtered one.
    assert "total)" not in page


@pytest.mark.parametrize("rows", [3, 30])
def test_changelist_query_count_is_bounded(organizer_client, edition, rows, django_assert_max_num_queries):
    for _ in range(rows):
        make_registration(edition, status="pending")
    with django_assert_max_num_queries(12):
        response = organizer_client.get(URL, {"edition__id__exact": edition.pk})
    assert len(response.context["cl"].result_list) == rows


def test_filter_indexes_exist():
    indexed = {tuple(index.fields) for index in Registration._meta.indexes}
    assert ("edition", "status", "status_changed_at") in indexed
    assert ("edition", "created_at") in indexed
    assert ("edition", "confirmed_at") in indexed
    assert ("edition", "checked_in_at") in indexed


@pytest.mark.parametrize("history", [1, 8])
def test_change_pages_query_count_is_bounded(organizer_client, organizer, history, django_assert_max_num_queries):
    person = make_person(email="many@example.org")
    for number in range(history):
        registration = make_registration(make_edition(), person, email=f"many{number}@example.org")
        RegistrationStatusChange.objects.create(
            registration=registration, to_status="pending", actor="organizer", user=organizer
        )
        registration.dietary_needs = f"change {number}"
        registration.save()
    with django_assert_max_num_queries(26):
        page = organizer_client.get(reverse("admin:delegates_person_change", args=[person.pk]))
    assert page.content.decode().count('<td class="field-edition">') == history

    busy = make_registration(make_edition(), make_person(email="busy@example.org"))
    for number in range(history):
        RegistrationStatusChange.objects.create(
            registration=busy, to_status="pending", actor="organizer", user=organizer
        )
        busy.language = ["ja", "en"][number % 2]
        busy.save()
    with django_assert_max_num_queries(26):
        page = organizer_client.get(reverse("admin:delegates_registration_change", args=[busy.pk]))
    assert page.content.decode().count('<td class="field-user">') == history
