"""The page cache invalidates only the pages a change can alter, and tells shared caches
what they may keep."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from delegates.models import Registration
from delegates.services import registration_check_in, registration_confirm, registration_resend_confirmation
from events.page_cache import CONTENT_VERSION_KEY, edition_version_key
from tests.factories import make_open_edition, make_person, make_speech, make_vetted, register_delegate

pytestmark = pytest.mark.django_db


def _url(name, **kwargs):
    with translation.override("en"):
        return reverse(name, kwargs=kwargs)


def _served_from_cache(client, url, django_assert_num_queries):
    """True when the page comes from the page cache: a cached page runs no SQL at all."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries) == 0


@pytest.fixture
def open_edition(db):
    edition = make_open_edition()
    make_speech(edition)
    return edition


def test_registration_day_leaves_every_page_cached_until_the_delegate_figures_change(
    client, open_edition, django_assert_num_queries, django_capture_on_commit_callbacks
):
    pages = [_url("events:home"), _url("events:edition_detail", slug=open_edition.slug), _url("events:topic_list")]
    # The first registration stores the edition's figures (an empty cache knows none of them).
    with django_capture_on_commit_callbacks(execute=True):
        register_delegate(open_edition)
    for url in pages:
        client.get(url)
    content_version = cache.get(CONTENT_VERSION_KEY)

    with django_capture_on_commit_callbacks(execute=True):
        registration = register_delegate(open_edition)  # a new, private person; unconfirmed
    with django_capture_on_commit_callbacks(execute=True):
        registration_resend_confirmation(registration=registration)
    assert [_served_from_cache(client, url, django_assert_num_queries) for url in pages] == [True, True, True]

    with django_capture_on_commit_callbacks(execute=True):
        registration_confirm(registration=registration)  # accepted: the edition's figures change
    registration.refresh_from_db()
    assert registration.status == Registration.Status.ACCEPTED
    assert [_served_from_cache(client, url, django_assert_num_queries) for url in pages] == [True, False, True]
    assert b"Local councilor" in client.get(pages[1]).content

    with django_capture_on_commit_callbacks(execute=True):
        registration_check_in(registration=registration)  # the figures stay the same
    assert [_served_from_cache(client, url, django_assert_num_queries) for url in pages] == [True, True, True]
    assert cache.get(CONTENT_VERSION_KEY) == content_version


def test_a_registration_moves_only_its_own_editions_version(open_edition, django_capture_on_commit_callbacks):
    other = make_open_edition()
    cache.set(edition_version_key(other.slug), 1, timeout=None)
    with django_capture_on_commit_callbacks(execute=True):
        registration_confirm(registration=register_delegate(open_edition))
    assert cache.get(edition_version_key(other.slug)) == 1
    assert cache.get(edition_version_key(open_edition.slug)) > 1


def test_the_figures_are_compared_with_what_was_committed(open_edition, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        registration_confirm(registration=register_delegate(open_edition))
    after_commit = cache.get(edition_version_key(open_edition.slug))
    with django_capture_on_commit_callbacks(execute=True):
        register_delegate(open_edition)  # unconfirmed: no new accepted delegate
    assert cache.get(edition_version_key(open_edition.slug)) == after_commit


def test_a_private_person_changing_leaves_the_site_cached():
    person = make_person(listed_publicly=False, is_public_figure=False)
    version = cache.get(CONTENT_VERSION_KEY)
    person.organization_en = "Another council"
    person.save()
    assert cache.get(CONTENT_VERSION_KEY) == version


@pytest.mark.parametrize(
    "before, after",
    [({"listed_publicly": True}, {"family_name": "Renamed"}), ({"listed_publicly": True}, {"listed_publicly": False})],
)
def test_a_public_person_changing_or_leaving_the_public_invalidates_the_site(before, after, open_edition):
    person = make_person(**before)
    make_vetted(open_edition, person)
    cache.set(CONTENT_VERSION_KEY, 1, timeout=None)
    for field, value in after.items():
        setattr(person, field, value)
    person.save()
    assert cache.get(CONTENT_VERSION_KEY) > 1


def test_a_speaker_is_public_even_when_not_listed(open_edition):
    speaker = open_edition.speeches.get().speaker
    cache.set(CONTENT_VERSION_KEY, 1, timeout=None)
    speaker.family_name = "Renamed"
    speaker.save()
    assert cache.get(CONTENT_VERSION_KEY) > 1


def test_public_pages_may_be_held_briefly_by_shared_caches(client, open_edition, settings):
    settings.PUBLIC_PAGE_SHARED_MAX_AGE = 45
    for url in (_url("events:home"), _url("events:edition_detail", slug=open_edition.slug), "/sitemap.xml"):
        for _ in range(2):  # rendered, then from the page cache
            assert client.get(url)["Cache-Control"] == "public, max-age=0, must-revalidate, s-maxage=45", url


def test_personal_pages_are_never_stored(client, open_edition):
    client.cookies["sessionid"] = "anything"
    response = client.get(_url("events:home"))
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
    client.cookies.clear()
    form = client.get(_url("delegates:register", edition_slug=open_edition.slug))
    assert b"csrfmiddlewaretoken" in form.content
    assert form["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"


def test_an_accepted_delegate_changing_side_changes_the_figures(open_edition, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        registration = register_delegate(open_edition)
        registration_confirm(registration=registration)
    before = cache.get(edition_version_key(open_edition.slug))
    person = registration.person
    person.side = "taiwan"
    with django_capture_on_commit_callbacks(execute=True):
        person.save()
    assert cache.get(edition_version_key(open_edition.slug)) > before


def test_a_check_in_runs_no_figure_query_after_commit(open_edition, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        registration = register_delegate(open_edition)
        registration_confirm(registration=registration)
    registration.refresh_from_db()
    with django_capture_on_commit_callbacks() as callbacks:
        registration_check_in(registration=registration)
    assert callbacks == []


def test_a_consenting_delegate_accepted_and_confirmed_invalidates_the_site(open_edition):
    registration = register_delegate(open_edition)
    registration.person.listed_publicly = True
    registration.person.save()
    cache.set(CONTENT_VERSION_KEY, 1, timeout=None)
    registration_confirm(registration=registration)  # accepted automatically: now public
    assert cache.get(CONTENT_VERSION_KEY) > 1


def test_a_private_delegate_confirming_leaves_the_site_cached(open_edition):
    registration = register_delegate(open_edition)
    cache.set(CONTENT_VERSION_KEY, 1, timeout=None)
    registration_confirm(registration=registration)
    assert cache.get(CONTENT_VERSION_KEY) == 1


def test_awaiting_approval_moves_no_version_and_counts_nothing(open_edition, django_capture_on_commit_callbacks):
    open_edition.requires_approval = True
    open_edition.save()
    version = cache.get(edition_version_key(open_edition.slug))
    registration = register_delegate(open_edition)
    with django_capture_on_commit_callbacks() as callbacks:
        registration_confirm(registration=registration)
    registration.refresh_from_db()
    assert registration.status == Registration.Status.PENDING
    # Only the "received" e-mail waits for the commit: no figures are counted.
    assert len(callbacks) == 1
    for callback in callbacks:
        callback()
    assert cache.get(edition_version_key(open_edition.slug)) == version


def test_joining_the_waiting_list_shows_on_the_edition_page_at_once(
    client, open_edition, django_capture_on_commit_callbacks
):
    open_edition.capacity = 1
    open_edition.save()
    page = _url("events:edition_detail", slug=open_edition.slug)
    with django_capture_on_commit_callbacks(execute=True):
        registration_confirm(registration=register_delegate(open_edition))  # takes the place
    assert "0 people are on the waiting list now." in client.get(page).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        registration_confirm(registration=register_delegate(open_edition))
    assert "1 person is on the waiting list now." in client.get(page).content.decode()


def test_a_new_registrant_who_agrees_to_be_listed_leaves_the_site_cached(open_edition):
    cache.set(CONTENT_VERSION_KEY, 1, timeout=None)
    register_delegate(open_edition, listed_publicly="on")
    assert Registration.objects.get(edition=open_edition).person.listed_publicly
    assert cache.get(CONTENT_VERSION_KEY) == 1


def test_an_accepted_delegate_cancelling_moves_the_editions_version(open_edition, django_capture_on_commit_callbacks):
    from delegates.services import registration_cancel

    with django_capture_on_commit_callbacks(execute=True):
        registration = register_delegate(open_edition)
        registration_confirm(registration=registration)
    version = cache.get(edition_version_key(open_edition.slug))
    registration.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        registration_cancel(registration=registration, actor="delegate")
    assert cache.get(edition_version_key(open_edition.slug)) > version
