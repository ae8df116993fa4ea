"""Content-Security-Policy on every response, and no page that breaks it in a real browser."""

import pytest
from django.urls import reverse

from delegates import tokens
from delegates.models import Person, Registration
from events.models import Edition, Resolution, Speech, Topic
from tests.factories import make_open_edition, make_person, make_question, make_vetted

REQUIRED = ["object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "default-src 'self'"]


def _policy(response):
    return [part.strip() for part in response["Content-Security-Policy"].split(";")]


@pytest.mark.django_db
def test_every_kind_of_response_carries_the_policy(client, organizer_client):
    edition = make_open_edition()
    person = make_person(is_public_figure=True)
    urls = [
        "/en/",
        "/en/",  # the second time from the page cache
        f"/en/editions/{edition.slug}/",
        f"/en/editions/{edition.slug}/participants/",
        f"/en/editions/{edition.slug}/register/",
        person.get_absolute_url(),
        "/en/api/editions/",
        "/sitemap.xml",
        "/robots.txt",
        "/en/no-such-page/",
        "/static/css/site.css",
        "/admin/login/",
    ]
    for url in urls:
        response = client.get(url)
        for directive in REQUIRED:
            assert directive in _policy(response), url
    for url in ["/admin/", "/admin/delegates/registration/", "/admin/delegates/person/"]:
        response = organizer_client.get(url)
        assert response.status_code == 200
        for directive in REQUIRED:
            assert directive in _policy(response), url
    # No policy that waves inline code through.
    assert "'unsafe-inline'" not in client.get("/en/")["Content-Security-Policy"]


# Every CSP violation the page reports, as the browser sees it.
VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""


def _public_urls(edition_with_content, person, registration):
    speech = Speech.objects.filter(edition=edition_with_content).first()
    resolution = Resolution.objects.filter(edition=edition_with_content).first()
    topic = Topic.objects.first()
    urls = ["/", "/en/", "/ja/", "/zh-hant/", "/en/resolutions/", "/en/topics/", "/en/search/?q=Taiwan", "/en/privacy/"]
    for edition in Edition.objects.all():
        urls += [edition.get_absolute_url(), reverse("events:edition_participants", kwargs={"slug": edition.slug})]
        if edition.is_registration_open():
            urls += [
                reverse("delegates:register", kwargs={"edition_slug": edition.slug}),
                reverse("delegates:lookup", kwargs={"edition_slug": edition.slug}),
            ]
    if speech:
        urls.append(speech.get_absolute_url())
    if resolution:
        urls.append(resolution.get_absolute_url())
    if topic:
        urls.append(topic.get_absolute_url())
    urls += [
        person.get_absolute_url(),
        reverse("delegates:confirm", kwargs={"token": tokens.confirm_token(registration)}),
        reverse("delegates:manage", kwargs={"token": tokens.manage_token(registration)}),
        "/en/no-such-page/",
        "/admin/login/",
    ]
    return urls


def _admin_urls(person, registration, edition):
    speech = Speech.objects.first()
    resolution = Resolution.objects.first()
    return [
        "/admin/",
        "/admin/delegates/person/",
        f"/admin/delegates/person/{person.pk}/change/",
        "/admin/delegates/registration/",
        f"/admin/delegates/registration/{registration.pk}/change/",
        "/admin/delegates/registration/dashboard/",
        "/admin/delegates/registration/import/",
        "/admin/delegates/registration/compose/",
        "/admin/delegates/delegatemessage/",
        "/admin/delegates/question/add/",
        "/admin/events/edition/",
        f"/admin/events/edition/{edition.pk}/change/",
        f"/admin/events/speech/{speech.pk}/change/",
        f"/admin/events/resolution/{resolution.pk}/change/",
        "/admin/events/topic/add/",
        "/admin/auditlog/logentry/",
        "/admin/django_tasks_database/dbtaskresult/",
        "/admin/auth/user/",
        "/admin/axes/accessattempt/",
    ]


@pytest.mark.browser
@pytest.mark.parametrize("viewport", ["desktop"])
def test_no_page_breaks_the_policy_in_a_real_browser(page, live_server, transactional_db, django_user_model, client):
    from events.demo import load_demo

    load_demo()
    held = Edition.objects.filter(speeches__isnull=False).first()
    nagoya = make_open_edition(slug="csp-open")
    make_question(nagoya, label_en="Anything else?")
    person = make_person(listed_publicly=True, email="csp@example.org")
    registration = make_vetted(held, person)
    pending = Registration.objects.create(edition=nagoya, person=make_person(email="p@example.org"), email="p@e.org")
    organizer = django_user_model.objects.create_superuser(username="csp", email="csp@example.org", password="x")
    client.force_login(organizer)
    page.context.add_init_script(VIOLATIONS)
    console = []
    page.on("console", lambda message: console.append(message.text) if message.type in ("error", "warning") else None)

    visited = []
    for url in _public_urls(held, person, pending):
        page.goto(url)
        visited.append(url)
        assert page.evaluate("window.__cspViolations") == [], url
    # The forms in use: a registration posted with an error, then the admin signed in.
    page.goto(reverse("delegates:register", kwargs={"edition_slug": nagoya.slug}))
    page.locator('form button[type="submit"]').last.click()
    assert page.evaluate("window.__cspViolations") == []

    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    for url in [*_admin_urls(person, registration, held), f"/en/editions/{nagoya.slug}/check-in/"]:
        response = page.goto(url)
        assert response.status == 200, url
        visited.append(url)
        assert page.evaluate("window.__cspViolations") == [], url
    # The speaker autocomplete (select2) opens and lists people.
    page.goto(f"/admin/events/speech/{Speech.objects.first().pk}/change/")
    page.locator(".field-speaker .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill("a")
    page.wait_for_timeout(500)
    assert page.evaluate("window.__cspViolations") == []
    assert [text for text in console if "Content Security Policy" in text or "Refused" in text] == []
    # Control: the listener does see a violation, an inline style the policy forbids.
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<div style=\"color: red\">x</div>')")
    page.wait_for_timeout(200)
    assert len(page.evaluate("window.__cspViolations")) == 1
    assert len(visited) > 30
    assert Person.objects.count() > 2
