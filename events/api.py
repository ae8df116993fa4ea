"""A read-only JSON view of the public record: editions, speeches and resolutions.

Content comes in the URL's language (/ja/api/... answers in Japanese, falling back to
English like the pages). Nothing private ever leaves: no e-mail or phone, no delegate
names; speakers and sponsors appear only when they are public people.
"""

from django.db.models import Prefetch
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language

from .forms import ResolutionFilterForm
from .links import absolute_url
from .models import Edition, FollowUp, Resolution, Speech
from .page_cache import cached_public_page, paginate, refuse_query

API_PAGE_SIZE = 50
# Prefetched into plain lists (to_attr): a prefetch into `.topics.all()` builds a manager and
# a queryset per row, which cost more than the rest of the API's work together.
_TOPIC_LIST = Prefetch("topics", to_attr="topic_list")


def _json(data, status=200):
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    # Public data without credentials: any site may read it from the browser.
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _url(request, obj):
    return absolute_url(obj.get_absolute_url())


def _person(request, person):
    if not person.is_public:
        return None
    return {
        "name": person.full_name,
        "native_name": person.native_name,
        "position": person.position,
        "organization": person.organization,
        "url": _url(request, person),
    }


def _edition(request, edition):
    return {
        "slug": edition.slug,
        "ordinal": edition.ordinal,
        "year": edition.year,
        "status": edition.status,
        "host_city": edition.host_city,
        "region": edition.region,
        "country": edition.country,
        "venue": edition.venue or None,
        "start_date": edition.start_date,
        "end_date": edition.end_date,
        "theme": edition.theme,
        "summary": edition.summary,
        "reported_attendance": edition.reported_attendance,
        "attendance_is_minimum": edition.attendance_is_minimum,
        "url": _url(request, edition),
    }


def _speech(request, speech):
    return {
        "edition": speech.edition.slug,
        "slug": speech.slug,
        "title": speech.title,
        "speaker": _person(request, speech.speaker),
        "speaker_role": speech.speaker_role,
        "delivery_mode": speech.delivery_mode,
        "video_url": speech.video_url or None,
        "session": speech.session.title if speech.session else None,
        "summary": speech.summary,
        "transcript": speech.transcript,
        "topics": [topic.slug for topic in speech.topic_list],
        "url": _url(request, speech),
    }


def _resolution(request, resolution):
    return {
        "edition": resolution.edition.slug,
        "number": resolution.number,
        "kind": resolution.kind,
        "title": resolution.title,
        "text": resolution.text,
        "status": resolution.status,
        "status_changed_on": resolution.status_changed_on,
        "sponsors": [_person(request, sponsor) for sponsor in resolution.public_sponsors],
        "topics": [topic.slug for topic in resolution.topic_list],
        "follow_ups": [
            {"edition": follow_up.edition.slug, "report": follow_up.report, "reported_on": follow_up.reported_on}
            for follow_up in resolution.follow_up_list
        ],
        "url": _url(request, resolution),
    }


def _page(request, rows, serialize):
    page = paginate(request, rows, API_PAGE_SIZE)
    base = absolute_url(request.path)
    query = request.GET.copy()

    def link(number):
        query["page"] = number
        return f"{base}?{query.urlencode()}"

    return _json(
        {
            "language": get_language(),
            "count": page.paginator.count,
            "page": page.number,
            "pages": page.paginator.num_pages,
            "next": link(page.next_page_number()) if page.has_next() else None,
            "previous": link(page.previous_page_number()) if page.has_previous() else None,
            "results": [serialize(request, row) for row in page.object_list],
        }
    )


@cached_public_page
def edition_list(request):
    return _page(request, Edition.objects.public(), _edition)


@cached_public_page
def edition_detail(request, slug):
    edition = get_object_or_404(Edition, slug=slug)
    return _json({"language": get_language(), **_edition(request, edition)})


@cached_public_page
def speech_list(request):
    speeches = (
        Speech.objects.select_related("edition", "session", "speaker").prefetch_related(_TOPIC_LIST).newest_first()
    )
    if request.GET.get("edition"):
        speeches = speeches.filter(edition__slug=request.GET["edition"])
        if not Edition.objects.filter(slug=request.GET["edition"]).exists():
            refuse_query(request)  # a made-up slug: an empty page, not one to keep
    return _page(request, speeches, _speech)


@cached_public_page
def resolution_list(request):
    resolutions = (
        Resolution.objects.select_related("edition")
        .prefetch_related(
            _TOPIC_LIST,
            Prefetch("follow_ups", queryset=FollowUp.objects.select_related("edition"), to_attr="follow_up_list"),
        )
        .with_public_sponsors()
        .newest_first()
    )
    form = ResolutionFilterForm(request.GET)
    if not form.is_valid():
        return _json({"errors": form.errors.get_json_data()}, status=400)
    return _page(request, form.filter(resolutions), _resolution)
