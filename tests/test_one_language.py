"""Every screen in one language: each public page (crawled from the home page) and each admin
page, rendered in Japanese and in Traditional Chinese, holds no run of Latin-letter UI text.

What may be Latin is content (marked with its own lang attribute, or an organizer's value in
a form field), a person's name, or a code; ALLOWED lists the rest, each with its reason.
"""

import re
from collections import deque
from urllib.parse import urldefrag, urlsplit

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import translation
from lxml import html as lxml_html

from delegates import tokens
from delegates.models import Delegation, Invitation, Person, Registration
from tests.factories import make_invitation, make_registration

pytestmark = pytest.mark.django_db

# Two or more Latin words in a row: "Access attempts", "Task Results", "a.m.".
LATIN_RUN = re.compile(r"[A-Za-z]*[a-z][A-Za-z.]+(?:[ \-'’][A-Za-z][A-Za-z.]*)*")
ALLOWED = {
    # Codes, product and format names written in Latin letters in every language.
    "Atom",
    "Cookie",
    "Excel",
    "Command",  # keys, in Django's own help for multiple choices
    "Control",
    "Mac",
    "Dr.",  # honorifics, as a CSV file may hold them
    "Hon.",
    "legislator",  # codes a CSV file's columns take (national_legislator, other, yes)
    "other",
    "yes",
    "language",
    "written",  # of written_in, the import's column for the language of a row's texts
    "comes",  # of comes_as, the import's column for what a row's person comes as
    "unknown",  # what django-axes stores for a request without a path
    "None",
    # The alt text of Django's own admin icons (a boolean column, the search field), which
    # Django does not translate; the cell or field says the same in words.
    "True",
    "False",
    "Search",
    "CSV UTF-8",
    "UTF-8",
    "Open Graph",
    "Indo-Pacific",
    "Japan Taiwan Exchange Summit",
    "JSON-LD",
    "HTTP Accept",  # a request header's name
    # Language codes, as a CSV file's column takes them.
    "zh-hant",
}
# Elements whose text is not UI: code, organizers' and delegates' values being edited.
SKIPPED_TAGS = ("script", "style", "textarea", "code", "pre", "kbd", "samp", "bdi")
# The audit log's change list and page show field names and values as they were recorded.
SKIPPED_CLASSES = ("field-msg", "field-msg_short")
E_MAIL = re.compile(r"\S+@\S+")
LANGUAGES = ["ja", "zh-hant"]
MAX_PUBLIC_PAGES = 80


def latin_runs(page: str, language: str, allowed: set[str]) -> set[str]:
    tree = lxml_html.fromstring(page)
    # A list first: dropping elements while iterating the tree would skip their neighbours.
    for element in list(tree.iter()):
        if not isinstance(element.tag, str):
            continue
        marked = element.get("lang")
        # Text marked as another language is content shown as written, and says so.
        skipped_class = set((element.get("class") or "").split()) & set(SKIPPED_CLASSES)
        if element.tag in SKIPPED_TAGS or skipped_class or (marked and marked != language and element.tag != "html"):
            element.drop_tree() if element.getparent() is not None else None
    texts = [text for text in tree.itertext()]
    for element in tree.iter():
        if isinstance(element.tag, str):
            texts += [element.get(name) or "" for name in ("title", "aria-label", "placeholder", "alt")]
            if element.tag == "input" and element.get("type") in ("submit", "button"):
                texts.append(element.get("value") or "")
    found = set()
    for text in texts:
        for run in LATIN_RUN.findall(E_MAIL.sub(" ", text)):
            if not any(run in ok or ok in run for ok in allowed):
                found.add(run)
    return found


def _names():
    names = set()
    for person in Person.objects.all():
        names |= {person.full_name, person.family_name, person.given_name, f"{person.given_name} {person.family_name}"}
    return {name for name in names if name}


def _content():
    """What organizers wrote, as stored: the English of every translated field (the admin's
    forms and history show it beside the translations), slugs and group names."""
    from django.apps import apps
    from django.contrib.auth.models import Group
    from modeltranslation.translator import translator

    values = set(Group.objects.values_list("name", flat=True))
    for model in apps.get_models():
        fields = [field.name for field in model._meta.fields]
        if model in translator.get_registered_models():
            fields = [f"{name}_en" for name in translator.get_options_for_model(model).fields]
            values |= {value for row in model._default_manager.values_list(*fields) for value in row if value}
        if "slug" in fields or any(field.name == "slug" for field in model._meta.fields):
            values |= set(model._default_manager.values_list("slug", flat=True))
    return values


def _public_pages(client, language):
    start = f"/{language}/"
    seen, queue, pages = {start}, deque([start]), []
    while queue and len(pages) < MAX_PUBLIC_PAGES:
        url = queue.popleft()
        response = client.get(url)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        page = response.content.decode()
        pages.append((url, page))
        for href in re.findall(r'href="([^"]+)"', page):
            href = urldefrag(href.replace("&amp;", "&"))[0]
            if urlsplit(href).netloc or not href.startswith(start) or href in seen:
                continue
            seen.add(href)
            queue.append(href)
    return pages


@pytest.fixture
def everything(demo, organizer):
    """The demo, with a registration so that every registration page has something to show."""
    from events.models import Edition

    edition = Edition.objects.get(slug="nagoya-2026")
    make_registration(edition, status=Registration.Status.ACCEPTED, language="ja")
    edition.registration_mode = Edition.RegistrationMode.BOTH
    edition.save()
    delegation = Delegation.objects.create(
        edition=edition, name_en="Taipei City Council", name_ja="台北市議会", name_zh_hant="臺北市議會", side="taiwan"
    )
    make_invitation(edition, delegation=delegation, email="invited@example.tw")
    return edition


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_invitees_and_focal_points_pages_are_in_one_language(client, everything, language):
    """The private pages no crawl reaches: an invitation, its decline, a focal point's page."""
    allowed = ALLOWED | _names() | {"email", "family", "given", "native", "honorific", "position", "organization"}
    allowed |= {"category", "comes", "name", "Taipei City Council", "Invitee", "Ken"}  # column codes, names
    invitation = Invitation.objects.get()
    token = tokens.invitation_token(invitation)
    delegation_token = tokens.delegation_token(invitation.delegation)
    urls = [
        f"/{language}/invitation/{token}/",
        f"/{language}/invitation/{token}/decline/",
        f"/{language}/delegation/{delegation_token}/",
    ]
    problems = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        for run in latin_runs(response.content.decode(), language, allowed):
            problems.setdefault(run, url)
    declined = client.post(f"/{language}/invitation/{token}/decline/")
    for run in latin_runs(declined.content.decode(), language, allowed):
        problems.setdefault(run, "declined")
    assert problems == {}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_public_page_is_in_one_language(client, everything, language):
    allowed = ALLOWED | _names()
    pages = _public_pages(client, language)
    assert len(pages) > 20
    problems = {}
    for url, page in pages:
        for run in latin_runs(page, language, allowed):
            problems.setdefault(run, url)
    assert problems == {}


def _admin_urls():
    urls = [reverse("admin:index"), reverse("admin:events_translations")]
    urls += [
        reverse("admin:delegates_registration_dashboard"),
        reverse("admin:delegates_registration_compose"),
        reverse("admin:delegates_registration_import"),
    ]
    for model in admin.site._registry:
        meta = model._meta
        urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_add"))
        first = model._default_manager.first()
        if first is not None:
            urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[first.pk]))
    return urls


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_admin_page_is_in_one_language(organizer_client, everything, language):
    # The invitee's name is content, as a person's is.
    allowed = ALLOWED | _names() | _content() | {"boss", "Ken Invitee"}
    problems = {}
    with translation.override(language):
        urls = _admin_urls()
    for url in urls:
        response = organizer_client.get(url, HTTP_ACCEPT_LANGUAGE=language, follow=True)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        for run in latin_runs(response.content.decode(), language, allowed):
            problems.setdefault(run, url)
    assert problems == {}


# --- Details a reader notices -----------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "note"),
    [
        ("en", "The 1st to 9th editions are not yet in this archive."),
        ("ja", "第1回から第9回までは、まだこのアーカイブに収録されていません。"),
        ("zh-hant", "第1屆至第9屆尚未收錄於本資料庫。"),
    ],
)
def test_the_archive_says_which_editions_it_does_not_hold_yet(client, demo, language, note):
    assert note in client.get(f"/{language}/").content.decode()


@pytest.mark.parametrize(("language", "name"), [("ja", "頼清徳"), ("zh-hant", "賴清德"), ("en", "William Lai")])
def test_a_person_is_named_in_the_readers_script_in_title_breadcrumb_and_speeches(client, demo, language, name):
    page = client.get(f"/{language}/people/william-lai/").content.decode()
    assert f"<title>{name} · " in page
    assert f'<span aria-current="page">{name}</span>' in page
    speech = client.get(f"/{language}/editions/kamakura-2025/speeches/william-lai-video-message/").content.decode()
    assert name in speech


@pytest.mark.parametrize(
    ("slug", "expected", "unexpected"),
    [
        ("tainan-2024", "The programme was not recorded.", "has not been published yet"),
        ("kamakura-2025", "2025, dates not recorded", "to be announced"),
        ("nagoya-2026", "2026, dates to be announced", "not recorded"),
    ],
)
def test_missing_facts_are_told_in_the_editions_tense(client, demo, slug, expected, unexpected):
    page = client.get(f"/en/editions/{slug}/").content.decode()
    assert expected in page
    assert unexpected not in page


def test_the_dashboard_dates_follow_the_organizers_language(organizer_client, everything):
    page = organizer_client.get(
        reverse("admin:delegates_registration_dashboard", args=[everything.pk]), HTTP_ACCEPT_LANGUAGE="ja"
    ).content.decode()
    assert re.search(r"\d{4}/\d{2}/\d{2}", page)
    assert not re.search(r"\b\d{1,2}/\d{1,2}/\d{4}\b", page)


@pytest.mark.parametrize("catalogue", ["ja", "zh_Hant"])
def test_cjk_translations_use_cjk_punctuation(catalogue):
    from pathlib import Path

    text = (Path(__file__).resolve().parent.parent / "locale" / catalogue / "LC_MESSAGES" / "django.po").read_text()
    problems = []
    for block in text.split("\n\n"):
        for raw in re.findall(r'^msgstr(?:\[\d\])? ((?:".*"\n?)+)', block, re.M):
            value = "".join(re.findall(r'"(.*)"', raw))
            bare = re.sub(r"%\([a-z_]+\)[sd]|\{[a-z_:]+\}|%[sd]", "", value)
            has_cjk = re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", bare)
            if has_cjk and re.search(r": |[()]", bare):
                problems.append(value)
    assert problems == []
