"""schema.org JSON-LD for edition pages: only facts the edition records, nothing guessed."""

from django.utils.translation import get_language


def edition_json_ld(edition, request):
    cancelled = edition.status == edition.Status.CANCELLED
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": f"{edition.ordinal_label} {edition.series.name}",
        "url": request.build_absolute_uri(edition.get_absolute_url()),
        "inLanguage": get_language(),
        "eventStatus": f"https://schema.org/{'EventCancelled' if cancelled else 'EventScheduled'}",
        "location": {
            "@type": "Place",
            "name": edition.venue or edition.host_city,
            "address": {
                "@type": "PostalAddress",
                "addressLocality": edition.host_city,
                **({"addressRegion": edition.region} if edition.region else {}),
                **({"addressCountry": edition.country} if edition.country != edition.Country.OTHER else {}),
            },
        },
    }
    # An unknown date is left out rather than guessed.
    if edition.start_date:
        data["startDate"] = edition.start_date.isoformat()
        data["endDate"] = (edition.end_date or edition.start_date).isoformat()
    if edition.summary:
        data["description"] = edition.summary
    return data
