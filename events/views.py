"""The public site: editions, programme, speeches, resolutions, topics and people.

Each view reads through QuerySet methods and renders; every page is cached per language
and content version (see page_cache) and runs a fixed number of queries whatever the data.
"""

from django.conf import settings
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse

from delegates.models import Category, Person, Registration, Side

from .calendar import edition_calendar_ics
from .forms import ResolutionFilterForm, SearchForm
from .links import absolute_url
from .models import Edition, Resolution, Speech, Topic, archive_gaps
from .page_cache import cached_public_page, paginate, refuse_query
from .search import search_hits, search_results
from .structured_data import edition_json_ld

PAGE_SIZE = 20


def registration_url(edition):
    """Where to register while registration is open to the public; None otherwise (by
    invitation only, closed, or before that page exists)."""
    if not edition.is_registration_open() or edition.is_by_invitation_only:
        return None
    try:
        return reverse("delegates:register", kwargs={"edition_slug": edition.slug})
    except NoReverseMatch:
        return None


def robots_txt(request):
    """Crawlers may read everything public; the sitemap lists it in every language."""
    sitemap_url = absolute_url(reverse("django.contrib.sitemaps.views.sitemap"))
    lines = ["User-agent: *", f"Disallow: {reverse('admin:index')}", f"Sitemap: {sitemap_url}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


FAVICON = settings.BASE_DIR / "static" / "favicon.ico"


def favicon(request):
    """/favicon.ico, which browsers and feed readers ask for whatever the page's <link rel="icon"> says."""
    response = FileResponse(FAVICON.open("rb"), content_type="image/vnd.microsoft.icon")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@cached_public_page
def home(request):
    next_edition = Edition.objects.select_related("series").with_headline_figures().next_upcoming()
    editions = Edition.objects.public().with_headline_figures()
    if next_edition:
        editions = editions.exclude(pk=next_edition.pk)
    editions = list(editions)
    ordinals = [edition.ordinal for edition in editions] + ([next_edition.ordinal] if next_edition else [])
    return render(
        request,
        "events/home.html",
        {
            "next_edition": next_edition,
            "register_url": registration_url(next_edition) if next_edition else None,
            "editions": editions,
            "archive_gaps": archive_gaps(ordinals),
        },
    )


def _delegation_table(edition):
    """Accepted delegates as a table: one row per category, one column per side, with totals."""
    counts = {(row["person__side"], row["person__category"]): row["count"] for row in edition.delegation_counts()}
    if not counts:
        return None
    sides = [side for side in Side if any(key[0] == side for key in counts)]
    rows = [
        {"category": category.label, "counts": [counts.get((side, category), 0) for side in sides]}
        for category in Category
        if any(key[1] == category for key in counts)
    ]
    return {
        "sides": [side.label for side in sides],
        "rows": rows,
        "totals": [sum(count for key, count in counts.items() if key[0] == side) for side in sides],
        "total": sum(counts.values()),
    }


@cached_public_page(edition_kwarg="slug")
def edition_detail(request, slug):
    edition = get_object_or_404(Edition.objects.select_related("series"), slug=slug)
    sessions = list(edition.sessions.all())
    speeches = list(edition.speeches.select_related("speaker").order_by("order", "pk"))
    for session in sessions:
        session.programme = [speech for speech in speeches if speech.session_id == session.pk]
    register_url = registration_url(edition)
    return render(
        request,
        "events/edition_detail.html",
        {
            "edition": edition,
            "sessions": sessions,
            "speeches_outside_sessions": [speech for speech in speeches if speech.session_id is None],
            "speech_count": len(speeches),
            "resolutions": edition.resolutions.all(),
            "topics": Topic.objects.for_edition(edition),
            "delegations": _delegation_table(edition),
            "follow_ups_reported": edition.follow_ups.select_related("resolution__edition").order_by(
                "resolution__edition__ordinal", "resolution__number"
            ),
            "previous_edition": edition.previous,
            "next_edition": edition.next,
            "register_url": register_url,
            # Full or not is shown before anyone types (only while registration is open).
            "availability": Registration.objects.availability(edition) if register_url else None,
            "json_ld": edition_json_ld(edition, speakers=[speech.speaker for speech in speeches]),
        },
    )


def _participant_groups(people):
    """[(side label, [(category label, [people])])] in the choices' order."""
    groups = []
    for side in Side:
        by_category = [
            (category.label, [p for p in people if p.side == side and p.category == category]) for category in Category
        ]
        by_category = [(label, members) for label, members in by_category if members]
        if by_category:
            groups.append((side.label, by_category))
    return groups


@cached_public_page
def edition_participants(request, slug):
    """The delegates of an edition who asked to be listed publicly and were accepted."""
    edition = get_object_or_404(Edition.objects.select_related("series"), slug=slug)
    people = list(Person.objects.listed_for(edition).order_by("family_name", "given_name", "pk"))
    return render(
        request,
        "events/participants.html",
        {"edition": edition, "groups": _participant_groups(people), "participant_count": len(people)},
    )


@cached_public_page
def edition_calendar(request, slug):
    edition = get_object_or_404(Edition.objects.select_related("series"), slug=slug)
    response = HttpResponse(
        edition_calendar_ics(edition, edition.sessions.all()), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{edition.slug}.ics"'
    return response


@cached_public_page
def speech_detail(request, edition_slug, slug):
    speech = get_object_or_404(Speech.objects.with_related(), edition__slug=edition_slug, slug=slug)
    return render(request, "events/speech_detail.html", {"speech": speech, "edition": speech.edition})


@cached_public_page
def resolution_detail(request, edition_slug, number):
    resolution = get_object_or_404(
        Resolution.objects.select_related("edition").prefetch_related("topics").with_public_sponsors(),
        edition__slug=edition_slug,
        number=number,
    )
    return render(
        request,
        "events/resolution_detail.html",
        {
            "resolution": resolution,
            "edition": resolution.edition,
            "follow_ups": resolution.follow_ups.select_related("edition").order_by("edition__ordinal"),
        },
    )


@cached_public_page
def resolution_list(request):
    form = ResolutionFilterForm(request.GET or None)
    # The list shows no topics: nothing to prefetch.
    resolutions = Resolution.objects.select_related("edition").newest_first()
    if form.is_valid():
        resolutions = form.filter(resolutions)
    elif form.is_bound:
        refuse_query(request)
    page = paginate(request, resolutions, PAGE_SIZE)
    return render(request, "events/resolution_list.html", {"form": form, "page": page})


@cached_public_page
def topic_list(request):
    return render(request, "events/topic_list.html", {"topics": Topic.objects.with_counts()})


def _speeches_and_resolutions(request, speeches, resolutions):
    """Both lists newest first, each paged on its own (?speeches=2&resolutions=3)."""
    return {
        "speeches": paginate(
            request, speeches.select_related("edition", "speaker").newest_first(), PAGE_SIZE, "speeches"
        ),
        "resolutions": paginate(
            request, resolutions.select_related("edition").newest_first(), PAGE_SIZE, "resolutions"
        ),
    }


@cached_public_page
def topic_detail(request, slug):
    topic = get_object_or_404(Topic, slug=slug)
    return render(
        request,
        "events/topic_detail.html",
        {"topic": topic, **_speeches_and_resolutions(request, topic.speeches.all(), topic.resolutions.all())},
    )


@cached_public_page
def person_detail(request, slug):
    person = get_object_or_404(Person.objects.public(), slug=slug)
    return render(
        request,
        "events/person_detail.html",
        {
            "person": person,
            **_speeches_and_resolutions(request, person.speeches.all(), person.sponsored_resolutions.all()),
            "editions": Edition.objects.taken_part_in_by(person),
        },
    )


@cached_public_page
def search(request):
    form = SearchForm(request.GET or None)
    page = None
    if form.is_bound:
        refuse_query(request)  # free text: every search would be a page of its own
    if form.is_valid():
        hits = search_hits(form.cleaned_data["q"], kind=form.cleaned_data["kind"])
        page = paginate(request, hits, PAGE_SIZE)
        page.results = search_results(page.object_list)
    return render(request, "events/search.html", {"form": form, "page": page})
