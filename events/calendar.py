"""An edition and its timed sessions as an iCalendar file, for people's calendar apps."""

import datetime

from django.http import Http404
from django.utils.translation import gettext as _
from icalendar import Calendar, Event


def _edition_event(edition, request):
    event = Event()
    event.add("uid", f"edition-{edition.slug}@{request.get_host()}")
    event.add("dtstamp", edition.updated_at)
    event.add("summary", f"{edition.ordinal_label} {edition.series.name}")
    event.add("dtstart", edition.start_date)
    # All-day events end on the day after the last day (RFC 5545, DTEND is exclusive).
    event.add("dtend", (edition.end_date or edition.start_date) + datetime.timedelta(days=1))
    event.add("location", ", ".join(part for part in (edition.venue, edition.host_city, edition.region) if part))
    event.add("url", request.build_absolute_uri(edition.get_absolute_url()))
    if edition.summary:
        event.add("description", edition.summary)
    event.add("status", "CANCELLED" if edition.status == edition.Status.CANCELLED else "CONFIRMED")
    return event


def _session_event(session, edition, request):
    event = Event()
    event.add("uid", f"session-{session.pk}@{request.get_host()}")
    event.add("dtstamp", edition.updated_at)
    event.add("summary", f"{session.title} · {edition.host_city} {edition.year}")
    event.add("dtstart", session.starts_at)
    if session.ends_at:
        event.add("dtend", session.ends_at)
    if session.room or edition.venue:
        event.add("location", ", ".join(part for part in (session.room, edition.venue) if part))
    if session.description:
        event.add("description", session.description)
    return event


def edition_calendar_ics(edition, sessions, request):
    """The .ics bytes; 404 while neither the edition's dates nor any session time is known."""
    calendar = Calendar()
    calendar.add("prodid", "-//Summit Site//Public programme//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"{edition.ordinal_label} {edition.series.name}")
    if edition.start_date:
        calendar.add_component(_edition_event(edition, request))
    for session in sessions:
        if session.starts_at:
            calendar.add_component(_session_event(session, edition, request))
    if not calendar.subcomponents:
        raise Http404(_("The dates of this edition have not been announced yet."))
    return calendar.to_ical()
