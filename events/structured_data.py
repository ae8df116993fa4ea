"""schema.org JSON-LD for edition pages: only facts the edition records, nothing guessed.

An edition whose start date is not announced publishes no Event at all. startDate is the
one property every consumer requires (Google rejects an Event without it), and the year
alone would be read as 1 January: a date we would be inventing. The Event appears as soon
as an organizer enters the date.
"""

from django.urls import reverse
from django.utils.translation import get_language

from .links import absolute_url


def _place(edition):
    address = {"@type": "PostalAddress", "addressLocality": edition.host_city}
    # `region` holds a wider area such as "Kanto", not the prefecture or county that
    # schema.org's addressRegion means, so it is not presented as one.
    if edition.country != edition.Country.OTHER:
        address["addressCountry"] = edition.country
    place = {"@type": "Place", "address": address}
    # A Place is named after its venue; while the venue is unknown it has no name rather
    # than the city's name twice.
    if edition.venue:
        place["name"] = edition.venue
    return place


def edition_json_ld(edition, speakers=()):
    """The Event for a dated edition, or None while its dates are not announced.

    `speakers` are the people who spoke at it; only public people are named as performers.
    """
    if not edition.start_date:
        return None
    cancelled = edition.status == edition.Status.CANCELLED
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": f"{edition.ordinal_label} {edition.series.name}",
        "url": absolute_url(edition.get_absolute_url()),
        "inLanguage": get_language(),
        "startDate": edition.start_date.isoformat(),
        "endDate": (edition.end_date or edition.start_date).isoformat(),
        "eventStatus": f"https://schema.org/{'EventCancelled' if cancelled else 'EventScheduled'}",
        # Delegates meet in the host city; a video message from afar does not make the
        # summit an online event for those who attend it.
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "location": _place(edition),
        "organizer": {
            "@type": "Organization",
            "name": edition.series.name,
            "url": absolute_url(reverse("events:home")),
        },
    }
    if edition.summary or edition.theme:
        data["description"] = edition.summary or edition.theme
    performers = []
    for person in speakers:
        if not person.is_public:
            continue
        entry = {"@type": "Person", "name": person.full_name, "url": absolute_url(person.get_absolute_url())}
        if entry not in performers:
            performers.append(entry)
    if performers:
        data["performer"] = performers
    return data
