"""The blank registration form is stored once and served to every visitor with their own
CSRF token; whatever it shows stays true (places, waiting list, questions, the window)."""

import datetime
import re
from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from delegates import services
from delegates.models import Registration
from events.page_cache import CSRF_TOKEN_PLACEHOLDER
from tests.factories import make_open_edition, make_question, register_delegate, registration_form_data

pytestmark = pytest.mark.django_db


def register_url(edition, language="en"):
    return f"/{language}/editions/{edition.slug}/register/"


def form_token(response):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode()).group(1)


def checking_client():
    return Client(enforce_csrf_checks=True)


def test_each_visitor_gets_their_own_token_and_can_register_with_it():
    edition = make_open_edition(capacity=10)
    visitors = [checking_client() for _ in range(3)]
    pages = [visitor.get(register_url(edition)) for visitor in visitors]
    tokens = [form_token(page) for page in pages]
    assert len(set(tokens)) == 3
    for page in pages:
        assert CSRF_TOKEN_PLACEHOLDER not in page.content.decode()
        assert "no-cache" in page["Cache-Control"] and "private" in page["Cache-Control"]
    for visitor, token in zip(visitors, tokens, strict=True):
        response = visitor.post(register_url(edition), {**registration_form_data(), "csrfmiddlewaretoken": token})
        assert response.status_code == 302
    assert Registration.objects.filter(edition=edition).count() == 3


def test_a_token_from_another_visitor_is_refused():
    edition = make_open_edition()
    token = form_token(checking_client().get(register_url(edition)))
    stranger = checking_client()
    stranger.get(register_url(edition))
    response = stranger.post(register_url(edition), {**registration_form_data(), "csrfmiddlewaretoken": token})
    assert response.status_code == 403
    assert not Registration.objects.exists()


def test_a_stored_page_costs_one_query(client):
    edition = make_open_edition(capacity=10)
    client.get(register_url(edition))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(register_url(edition))
    assert response.status_code == 200
    assert len(queries) == 1


def test_places_left_and_the_waiting_list_stay_true(client, django_capture_on_commit_callbacks):
    edition = make_open_edition(capacity=1)
    assert "1 place left." in client.get(register_url(edition)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_confirm(registration=register_delegate(edition))
    page = client.get(register_url(edition)).content.decode()
    assert "All places are taken" in page and "0 people are on the waiting list now." in page
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_confirm(registration=register_delegate(edition))
    assert "1 person is on the waiting list now." in client.get(register_url(edition)).content.decode()


def test_each_language_is_stored_apart(client):
    edition = make_open_edition()
    assert 'lang="en"' in client.get(register_url(edition)).content.decode()
    assert "申し込む" in client.get(register_url(edition, "ja")).content.decode()
    assert "報名" in client.get(register_url(edition, "zh-hant")).content.decode()


def test_a_new_question_and_an_edition_change_show_at_once(client):
    edition = make_open_edition()
    client.get(register_url(edition))
    make_question(edition, label_en="Which city council do you serve on?")
    assert "Which city council do you serve on?" in client.get(register_url(edition)).content.decode()
    edition.status = edition.Status.HELD
    edition.save()
    assert "This summit has already taken place." in client.get(register_url(edition)).content.decode()


def test_a_stored_page_is_not_served_once_registration_closes(client):
    closes_at = timezone.now() + datetime.timedelta(hours=1)
    edition = make_open_edition(registration_closes_at=closes_at)
    assert 'name="csrfmiddlewaretoken"' in client.get(register_url(edition)).content.decode()
    later = closes_at + datetime.timedelta(seconds=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        response = client.get(register_url(edition))
    assert 'name="csrfmiddlewaretoken"' not in response.content.decode()
    assert "Registration is not open" in response.content.decode()


def test_a_form_with_errors_and_a_query_string_are_never_stored(client):
    edition = make_open_edition()
    response = client.post(register_url(edition), registration_form_data(email="not an address"))
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    page = client.get(register_url(edition)).content.decode()
    assert "errorlist" not in page and "not an address" not in page
    assert client.get(register_url(edition) + "?utm=x").status_code == 200


def test_a_page_rendered_while_the_figures_moved_is_not_stored(client):
    edition = make_open_edition(capacity=10)
    with mock.patch.object(Registration.objects, "place_figures", side_effect=[(0, 0), (1, 0)]):
        client.get(register_url(edition))
    with CaptureQueriesContext(connection) as queries:
        client.get(register_url(edition))
    assert len(queries) > 1  # rendered again: nothing was stored under figures it did not show


def test_a_visitor_with_a_session_gets_the_form_itself(client, django_user_model):
    edition = make_open_edition()
    client.force_login(django_user_model.objects.create_user("organizer"))
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(register_url(edition))
        assert response.status_code == 200 and 'name="csrfmiddlewaretoken"' in response.content.decode()
        assert len(queries) > 1
