"""The three groups the data migration creates, and what each may open."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.urls import reverse

from tests.factories import make_edition, make_person, make_registration, make_resolution, make_speech

pytestmark = pytest.mark.django_db
PASSWORD = "pw-Summit-2026"


def _user(django_user_model, group_name, username):
    user = django_user_model.objects.create_user(username=username, password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def records():
    edition = make_edition(status="registration_open")
    person = make_person(email="private@example.org", phone="+81 90 0000 0000")
    registration = make_registration(edition, person)
    return {"edition": edition, "person": person, "registration": registration, "resolution": make_resolution(edition)}


def _admin(name, *args):
    return reverse(f"admin:{name}", args=args)


def test_the_migration_created_three_groups():
    assert sorted(Group.objects.values_list("name", flat=True)) == ["Check-in staff", "Editor", "Organizer"]
    assert list(Group.objects.get(name="Check-in staff").permissions.values_list("codename", flat=True)) == ["check_in"]
    editor_apps = set(Group.objects.get(name="Editor").permissions.values_list("content_type__app_label", flat=True))
    assert editor_apps == {"events"}


def test_organizer_can_do_everything(client, django_user_model, records):
    client.force_login(_user(django_user_model, "Organizer", "org"))
    edition, registration = records["edition"], records["registration"]
    for url in [
        _admin("delegates_registration_changelist"),
        _admin("delegates_registration_change", registration.pk),
        _admin("delegates_person_change", records["person"].pk),
        _admin("delegates_registration_dashboard", edition.pk),
        _admin("delegates_registration_export"),
        _admin("delegates_registration_import"),
        _admin("delegates_registration_compose"),
        _admin("events_edition_change", edition.pk),
        _admin("auditlog_logentry_changelist"),
        _admin("axes_accessattempt_changelist"),
        reverse("delegates:check_in", kwargs={"edition_slug": edition.slug}),
    ]:
        assert client.get(url).status_code == 200, url


def test_editor_edits_the_public_record_and_gets_403_for_personal_data(client, django_user_model, records):
    client.force_login(_user(django_user_model, "Editor", "editor"))
    edition = records["edition"]
    for url in [
        _admin("events_edition_change", edition.pk),
        _admin("events_resolution_change", records["resolution"].pk),
        _admin("events_speech_add"),
        _admin("events_topic_changelist"),
    ]:
        assert client.get(url).status_code == 200, url
    for url in [
        _admin("delegates_registration_changelist"),
        _admin("delegates_registration_change", records["registration"].pk),
        _admin("delegates_person_changelist"),
        _admin("delegates_person_change", records["person"].pk),
        _admin("delegates_registration_dashboard", edition.pk),
        _admin("delegates_registration_export"),
        _admin("delegates_registration_import"),
        _admin("delegates_registration_compose"),
        _admin("delegates_delegatemessage_changelist"),
        _admin("auditlog_logentry_changelist"),
    ]:
        response = client.get(url)
        assert response.status_code == 403, url
        assert b"private@example.org" not in response.content


def test_editor_picks_speakers_from_public_people_only(client, django_user_model, records):
    client.force_login(_user(django_user_model, "Editor", "editor"))
    public = make_person(family_name="Public", is_public_figure=True)
    make_person(family_name="Publicity", listed_publicly=False)
    make_speech(records["edition"], speaker=public)
    response = client.get(
        reverse("admin:autocomplete"),
        {"term": "Public", "app_label": "events", "model_name": "speech", "field_name": "speaker"},
    )
    assert response.status_code == 200
    assert [result["text"] for result in response.json()["results"]] == [public.full_name]


def test_check_in_staff_open_the_check_in_page_and_nothing_else(client, django_user_model, records):
    client.force_login(_user(django_user_model, "Check-in staff", "desk"))
    edition = records["edition"]
    assert client.get(reverse("delegates:check_in", kwargs={"edition_slug": edition.slug})).status_code == 200
    for url in [
        _admin("delegates_registration_changelist"),
        _admin("delegates_person_changelist"),
        _admin("delegates_registration_change", records["registration"].pk),
        _admin("delegates_registration_dashboard", edition.pk),
        _admin("delegates_registration_export"),
        _admin("events_edition_changelist"),
    ]:
        assert client.get(url).status_code == 403, url


def test_staff_without_a_group_see_nothing(client, django_user_model, records):
    user = django_user_model.objects.create_user(username="nobody", password=PASSWORD, is_staff=True)
    client.force_login(user)
    assert client.get(_admin("delegates_registration_changelist")).status_code == 403
    check_in = client.get(reverse("delegates:check_in", kwargs={"edition_slug": records["edition"].slug}))
    assert check_in.status_code == 302  # to the login page
    assert b"private@example.org" not in check_in.content


def test_the_admin_front_page_leads_each_role_to_its_pages(client, django_user_model, records):
    edition = records["edition"]
    check_in = reverse("delegates:check_in", kwargs={"edition_slug": edition.slug})
    dashboard = _admin("delegates_registration_dashboard", edition.pk)

    client.force_login(_user(django_user_model, "Check-in staff", "desk"))
    page = client.get(_admin("index")).content.decode()
    assert (f'href="{check_in}"' in page, f'href="{dashboard}"' in page) == (True, False)

    client.force_login(_user(django_user_model, "Editor", "editor"))
    page = client.get(_admin("index")).content.decode()
    assert (f'href="{check_in}"' in page, f'href="{dashboard}"' in page) == (False, False)

    client.force_login(_user(django_user_model, "Organizer", "org"))
    page = client.get(_admin("index")).content.decode()
    assert (f'href="{check_in}"' in page, f'href="{dashboard}"' in page) == (True, True)


def test_edition_list_links_to_the_dashboard_only_for_those_who_see_registrations(client, django_user_model, records):
    dashboard = _admin("delegates_registration_dashboard", records["edition"].pk)
    client.force_login(_user(django_user_model, "Editor", "editor"))
    assert f'href="{dashboard}"' not in client.get(_admin("events_edition_changelist")).content.decode()
    client.force_login(_user(django_user_model, "Organizer", "org"))
    assert f'href="{dashboard}"' in client.get(_admin("events_edition_changelist")).content.decode()


@pytest.mark.parametrize("term", ["alpha@", "alpha@example.org", "+81 90", "Secret Ministry"])
def test_editor_autocomplete_never_matches_private_fields(client, django_user_model, records, term):
    client.force_login(_user(django_user_model, "Editor", "editor"))
    make_person(
        family_name="Figure",
        is_public_figure=True,
        email="alpha@example.org",
        phone="+81 90 1111 2222",
        organization_ja="Secret Ministry",
    )
    response = client.get(
        reverse("admin:autocomplete"),
        {"term": term, "app_label": "events", "model_name": "speech", "field_name": "speaker"},
    )
    assert response.status_code == 200
    assert response.json()["results"] == []


def test_organizers_still_search_people_by_e_mail(organizer_client):
    person = make_person(family_name="Figure", email="alpha@example.org")
    response = organizer_client.get(reverse("admin:delegates_person_changelist"), {"q": "alpha@example"})
    assert list(response.context["cl"].result_list) == [person]


def _model_permissions():
    """Every permission every installed model declares: the defaults and its own."""
    expected = set()
    for model in apps.get_models():
        content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
        codenames = [f"{action}_{model._meta.model_name}" for action in model._meta.default_permissions]
        codenames += [codename for codename, _name in model._meta.permissions]
        expected |= {(content_type.app_label, codename) for codename in codenames}
    return expected


def _group_permissions(name):
    return set(Group.objects.get(name=name).permissions.values_list("content_type__app_label", "codename"))


def test_each_group_holds_exactly_its_permissions_for_every_model():
    every = _model_permissions()
    assert ("django_tasks_database", "view_dbtaskresult") in every
    assert _group_permissions("Organizer") >= every
    assert _group_permissions("Editor") == {
        ("events", f"{action}_{model}")
        for action in ("add", "change", "delete", "view")
        for model in ["series", "edition", "session", "speech", "resolution", "topic", "followup"]
    }
    assert _group_permissions("Check-in staff") == {("delegates", "check_in")}


def test_a_model_added_later_reaches_the_organizer_group_on_the_next_migrate():
    content_type = ContentType.objects.create(app_label="delegates", model="addedlater")
    Permission.objects.create(content_type=content_type, codename="view_addedlater", name="Can view added later")
    assert ("delegates", "view_addedlater") not in _group_permissions("Organizer")
    call_command("migrate", verbosity=0)
    assert ("delegates", "view_addedlater") in _group_permissions("Organizer")
    assert ("delegates", "view_addedlater") not in _group_permissions("Editor")


def test_organizer_opens_failed_e_mail_tasks(client, django_user_model):
    client.force_login(_user(django_user_model, "Organizer", "org"))
    assert client.get(reverse("admin:django_tasks_database_dbtaskresult_changelist")).status_code == 200


def test_organizers_reach_logistics_and_editors_and_check_in_staff_do_not(client, django_user_model, records):
    edition = records["edition"]
    pages = [
        _admin("delegates_editionlogistics_report", edition.pk, "rooming"),
        _admin("delegates_editionlogistics_report_csv", edition.pk, "dietary"),
        _admin("delegates_editionlogistics_badges", edition.pk),
        _admin("delegates_travelplan_changelist"),
        _admin("delegates_invitationletter_changelist"),
        _admin("delegates_badgesheet_changelist"),
    ]
    client.force_login(_user(django_user_model, "Organizer", "org"))
    assert [client.get(url).status_code for url in pages] == [200] * len(pages)
    for group in ("Editor", "Check-in staff"):
        client.force_login(_user(django_user_model, group, group.replace(" ", "")))
        assert [client.get(url).status_code for url in pages] == [403] * len(pages)


REGISTRATION_SETTINGS = {
    "status",
    "capacity",
    "registration_opens_at",
    "registration_closes_at",
    "requires_approval",
    "personal_data_retention_days",
}


def test_only_those_who_handle_registrations_change_an_editions_registration_settings(
    client, django_user_model, records
):
    url = _admin("events_edition_change", records["edition"].pk)
    client.force_login(_user(django_user_model, "Editor", "editor"))
    editable = set(client.get(url).context["adminform"].form.fields)
    assert editable & REGISTRATION_SETTINGS == set()
    assert {"theme_en", "start_date", "reported_attendance"} <= editable
    client.force_login(_user(django_user_model, "Organizer", "org"))
    assert REGISTRATION_SETTINGS <= set(client.get(url).context["adminform"].form.fields)
