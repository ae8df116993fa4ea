"""An edition and its timed sessions as an iCalendar file, for people's calendar apps."""

import datetime

from django.http import Http404
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from .links import absolute_url, site_host


def _edition_event(edition):
    event = Event()
    # Identifiers come from the configured address: the same edition keeps one UID whatever
    # host name the file was downloaded under.
    event.add("uid", f"edition-{edition.slug}@{site_host()}")
    event.add("dtstamp", edition.updated_at)
    event.add("summary", f"{edition.ordinal_label} {edition.series.name}")
    event.add("dtstart", edition.start_date)
    # All-day events end on the day after the last day (RFC 5545, DTEND is exclusive).
    event.add("dtend", (edition.end_date or edition.start_date) + datetime.timedelta(days=1))
    event.add("location", ", ".join(part for part in (edition.venue, edition.host_city, edition.region) if part))
    event.add("url", absolute_url(edition.get_absolute_url()))
    if edition.summary:
        event.add("description", edition.summary)
    event.add("status", "CANCELLED" if edition.status == edition.Status.CANCELLED else "CONFIRMED")
    return event


def _session_event(session, edition):
    event = Event()
    event.add("uid", f"session-{session.pk}@{site_host()}")
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


def edition_calendar_ics(edition, sessions):
    """The .ics bytes; 404 while neither the edition's dates nor any session time is known."""
    calendar = Calendar()
    calendar.add("prodid", "-//Summit Site//Public programme//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"{edition.ordinal_label} {edition.series.name}")
    if edition.start_date:
        calendar.add_component(_edition_event(edition))
    for session in sessions:
        if session.starts_at:
            calendar.add_component(_session_event(session, edition))
    if not calendar.subcomponents:
        raise Http404(_("The dates of this edition have not been announced yet."))
    return calendar.to_ical()
