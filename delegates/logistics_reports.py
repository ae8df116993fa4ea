"""What organizers plan from the travel details: arrivals, rooms, social events, interpretation
and dietary needs. Each report is a title, a heading row and rows read from the database in
chunks; the admin streams it as CSV (like the registration export) or shows it as a page to print.

Only accepted registrations count: a delegate who cancels drops out of every list at once.
"""

import datetime
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from events.models import Session, Speech

from .exports import CHUNK_SIZE
from .logistics import social_events
from .models import Registration, Side, TravelPlan

MEAL_KINDS = (Session.Kind.BANQUET, Session.Kind.RECEPTION)
INTERPRETATION_TARGETS = [
    code for code, _label in Registration.InterpretationLanguage.choices if code
]  # ja, zh, en: the same codes as a speech's language


@dataclass
class Report:
    slug: str
    title: object
    headings: Callable[[], list[str]]
    rows: Callable[[object], Iterator[list]]
    # Rows sharing these leading columns are printed under one heading on the printable page.
    group_by: int = 0


def _plans(edition):
    return TravelPlan.objects.filter(
        registration__edition=edition, registration__status=Registration.Status.ACCEPTED
    ).select_related("registration__person", "hotel")


def _name(person):
    return person.full_name


def _side(person):
    return str(Side(person.side).label)


def _date(value):
    return value.isoformat() if value else _("not given")


def _time(value):
    return value.strftime("%H:%M") if value else ""


# --- Arrivals by day and hour -------------------------------------------------------------


def arrival_headings():
    return [
        _("Day"),
        _("Hour"),
        _("Time"),
        _("Airport or station"),
        _("Flight or train"),
        _("Name"),
        _("Name in native script"),
        _("Side"),
        _("Shuttle"),
        _("Hotel"),
    ]


def arrival_rows(edition):
    # Those who have not said when they arrive come last, on every database.
    plans = _plans(edition).order_by(
        F("arrival_date").asc(nulls_last=True),
        F("arrival_time").asc(nulls_last=True),
        "arrival_place",
        "registration__person__family_name",
        "pk",
    )
    for plan in plans.iterator(chunk_size=CHUNK_SIZE):
        person = plan.registration.person
        yield [
            _date(plan.arrival_date),
            f"{plan.arrival_time.hour:02d}:00" if plan.arrival_time else "",
            _time(plan.arrival_time),
            plan.arrival_place,
            plan.arrival_carrier,
            _name(person),
            person.native_name,
            _side(person),
            _("yes") if plan.needs_shuttle else _("no"),
            plan.hotel.name if plan.hotel else _("own arrangement"),
        ]


# --- Rooming list per hotel and night -----------------------------------------------------


def rooming_headings():
    return [_("Hotel"), _("Night"), _("Name"), _("Name in native script"), _("Side"), _("Check-in"), _("Check-out")]


def rooming_rows(edition):
    """One row per guest per night, by hotel, night and name. Nights are made in memory one
    hotel at a time, so the list stays small whatever the number of delegates."""
    plans = (
        _plans(edition)
        .filter(accommodation=TravelPlan.Accommodation.HOTEL)
        .order_by(
            "hotel__order", "hotel__pk", "registration__person__family_name", "registration__person__given_name", "pk"
        )
    )
    current_hotel, nights = None, []

    def flush():
        nights.sort(key=lambda row: (row[1], row[2]))
        yield from nights
        nights.clear()

    for plan in plans.iterator(chunk_size=CHUNK_SIZE):
        if plan.hotel_id != current_hotel:
            yield from flush()
            current_hotel = plan.hotel_id
        person = plan.registration.person
        for offset in range(plan.nights):
            night = plan.check_in + datetime.timedelta(days=offset)
            nights.append(
                [
                    plan.hotel.name,
                    night.isoformat(),
                    _name(person),
                    person.native_name,
                    _side(person),
                    plan.check_in.isoformat(),
                    plan.check_out.isoformat(),
                ]
            )
    yield from flush()


# --- Social events ------------------------------------------------------------------------


def social_headings():
    return [_("Social event"), _("Kind"), _("Starts"), _("Attending"), *[str(label) for _v, label in Side.choices]]


def social_rows(edition):
    accepted = Q(travel_plans__registration__status=Registration.Status.ACCEPTED)
    sessions = social_events(edition).annotate(
        attending=Count("travel_plans", filter=accepted),
        **{
            f"side_{side}": Count("travel_plans", filter=accepted & Q(travel_plans__registration__person__side=side))
            for side in Side.values
        },
    )
    for session in sessions:
        yield [
            session.title,
            session.get_kind_display(),
            timezone.localtime(session.starts_at).strftime("%Y-%m-%d %H:%M")
            if session.starts_at
            else _("to be announced"),
            session.attending,
            *[getattr(session, f"side_{side}") for side in Side.values],
        ]


# --- Interpretation needs per session language --------------------------------------------


def interpretation_headings():
    labels = dict(Registration.InterpretationLanguage.choices)
    return [
        _("Session"),
        _("Starts"),
        _("Languages spoken"),
        *[_("Into %(language)s") % {"language": labels[code]} for code in INTERPRETATION_TARGETS],
    ]


def interpretation_rows(edition):
    """For each session, how many delegates need interpretation into each language, leaving out
    a language when every speech of the session is given in it. A social event counts only the
    delegates who said they attend; every other session counts every accepted delegate."""
    accepted = Registration.objects.for_edition(edition).accepted()
    needing = accepted.exclude(interpretation_language="").values_list("interpretation_language")
    everyone = Counter(dict(needing.annotate(n=Count("pk")).values_list("interpretation_language", "n")))
    spoken = {}
    for session_id, language in Speech.objects.filter(edition=edition).values_list("session", "language").distinct():
        spoken.setdefault(session_id, set()).add(language)
    languages = dict(Speech.Language.choices)
    for session in Session.objects.filter(edition=edition).order_by(F("starts_at").asc(nulls_last=True), "order", "pk"):
        if session.kind in Session.SOCIAL_KINDS:
            rows = (
                accepted.filter(travel_plan__social_events=session)
                .exclude(interpretation_language="")
                .values_list("interpretation_language")
                .annotate(n=Count("pk"))
                .values_list("interpretation_language", "n")
            )
            needs = Counter(dict(rows))
        else:
            needs = everyone
        session_languages = spoken.get(session.pk, set()) - {""}
        yield [
            session.title,
            timezone.localtime(session.starts_at).strftime("%Y-%m-%d %H:%M")
            if session.starts_at
            else _("to be announced"),
            ", ".join(str(languages[code]) for code in sorted(session_languages)) or _("not known yet"),
            *[0 if session_languages == {code} else needs.get(code, 0) for code in INTERPRETATION_TARGETS],
        ]


# --- Dietary needs per meal event ---------------------------------------------------------


def dietary_headings():
    return [_("Meal event"), _("Starts"), _("Name"), _("Name in native script"), _("Side"), _("Dietary needs")]


def dietary_rows(edition):
    for session in social_events(edition).filter(kind__in=MEAL_KINDS):
        starts = (
            timezone.localtime(session.starts_at).strftime("%Y-%m-%d %H:%M")
            if session.starts_at
            else _("to be announced")
        )
        guests = (
            Registration.objects.for_edition(edition)
            .accepted()
            .filter(travel_plan__social_events=session)
            .exclude(dietary_needs="")
            .select_related("person")
            .order_by("person__family_name", "person__given_name", "pk")
        )
        for registration in guests.iterator(chunk_size=CHUNK_SIZE):
            person = registration.person
            yield [session.title, starts, _name(person), person.native_name, _side(person), registration.dietary_needs]


REPORTS = {
    report.slug: report
    for report in [
        Report("arrivals", gettext_lazy("Arrivals by day and hour"), arrival_headings, arrival_rows, group_by=2),
        Report("rooming", gettext_lazy("Rooming list by hotel and night"), rooming_headings, rooming_rows, group_by=2),
        Report("social-events", gettext_lazy("Social events"), social_headings, social_rows),
        Report(
            "interpretation",
            gettext_lazy("Interpretation needs by session"),
            interpretation_headings,
            interpretation_rows,
        ),
        Report("dietary", gettext_lazy("Dietary needs by meal event"), dietary_headings, dietary_rows, group_by=1),
    ]
}
