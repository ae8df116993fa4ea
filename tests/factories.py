"""Small make_* helpers that build valid rows with sensible defaults; override what a test cares about."""

import itertools

from django.utils import timezone

from delegates.models import Category, Person, Registration, Side
from events.models import Edition, FollowUp, Resolution, Series, Session, Speech, Topic

_sequence = itertools.count(1)


def _next():
    return next(_sequence)


def make_series(**fields):
    number = _next()
    values = {"name_en": f"Test Summit {number}", "slug": f"test-summit-{number}", "founded_year": 2015}
    return Series.objects.create(**{**values, **fields})


def make_edition(series=None, **fields):
    series = series or make_series()
    ordinal = fields.pop("ordinal", None)
    if ordinal is None:
        ordinal = series.editions.count() + 1
    values = {
        "series": series,
        "ordinal": ordinal,
        "year": 2014 + ordinal,
        "slug": f"{series.slug}-edition-{ordinal}",
        "host_city_en": f"City {ordinal}",
        "country": Edition.Country.JAPAN,
        "status": Edition.Status.HELD,
    }
    return Edition.objects.create(**{**values, **fields})


def make_session(edition, **fields):
    values = {"edition": edition, "title_en": f"Session {_next()}"}
    return Session.objects.create(**{**values, **fields})


def make_topic(**fields):
    number = _next()
    values = {"name_en": f"Topic {number}", "slug": f"topic-{number}"}
    return Topic.objects.create(**{**values, **fields})


def make_person(**fields):
    number = _next()
    values = {
        "family_name": f"Family{number}",
        "given_name": f"Given{number}",
        "slug": f"person-{number}",
        "side": Side.JAPAN,
        "category": Category.LOCAL_COUNCILOR,
    }
    return Person.objects.create(**{**values, **fields})


def make_speech(edition, speaker=None, **fields):
    number = _next()
    values = {
        "edition": edition,
        "speaker": speaker or make_person(),
        "slug": f"speech-{number}",
        "title_en": f"Speech {number}",
        "order": number,
    }
    return Speech.objects.create(**{**values, **fields})


def make_resolution(edition, **fields):
    number = fields.pop("number", None)
    if number is None:
        number = edition.resolutions.count() + 1
    values = {"edition": edition, "number": number, "title_en": f"Resolution {number}"}
    return Resolution.objects.create(**{**values, **fields})


def make_follow_up(resolution, edition, **fields):
    return FollowUp.objects.create(resolution=resolution, edition=edition, **fields)


def make_registration(edition, person=None, **fields):
    person = person or make_person(email=f"delegate{_next()}@example.org")
    values = {"edition": edition, "person": person, "email": person.email}
    return Registration.objects.create(**{**values, **fields})


def make_vetted(edition, person):
    """A confirmed, accepted registration: what makes a consenting person public."""
    return make_registration(
        edition, person, email=person.email, status=Registration.Status.ACCEPTED, confirmed_at=timezone.now()
    )


def make_open_edition(**fields):
    """An edition taking registrations now, accepting automatically unless told otherwise."""
    values = {"status": Edition.Status.REGISTRATION_OPEN, "requires_approval": False}
    return make_edition(**{**values, **fields})


def make_question(edition, **fields):
    from delegates.models import Question

    number = _next()
    values = {"edition": edition, "label_en": f"Question {number}", "order": number}
    return Question.objects.create(**{**values, **fields})


def registration_form_data(**fields):
    """What a delegate types into the registration form, valid unless overridden."""
    number = _next()
    values = {
        "family_name": f"Family{number}",
        "given_name": f"Given{number}",
        "native_name": "",
        "honorific": "",
        "position": "City councilor",
        "organization": "Nagoya City Council",
        "side": "japan",
        "category": "local_councilor",
        "email": f"delegate{number}@example.org",
        "phone": "",
        "interpretation_language": "",
        "dietary_needs": "",
        "accessibility_needs": "",
        "privacy_consent": "on",
        "website": "",
    }
    return {**values, **fields}


def register_delegate(edition, language="en", **fields):
    """Register through the real form and service, as a delegate would; returns the registration."""
    from delegates.forms import RegistrationForm
    from delegates.services import registration_create

    form = RegistrationForm(data=registration_form_data(**fields), edition=edition)
    assert form.is_valid(), form.errors
    return registration_create(edition=edition, data=form.registration_data(), language=language)


def make_public_record(size):
    """A series with `size` of everything the public pages list, written in bulk.

    Two editions carry the content: `held` (its speeches, resolutions, sessions and accepted
    delegates) and `upcoming` (open for registration, where every resolution is followed up);
    `size` more held editions fill the timeline. `star` gives every speech and sponsors every
    resolution; all people are public. Query-count tests run the same page at two sizes.
    """
    series = make_series()
    held = make_edition(series, ordinal=1, year=2015, host_city_ja="都市1", region_en="Region")
    upcoming = make_edition(series, ordinal=2, year=2016, status=Edition.Status.REGISTRATION_OPEN)
    Edition.objects.bulk_create(
        Edition(
            series=series,
            ordinal=ordinal,
            year=2014 + ordinal,
            slug=f"{series.slug}-bulk-{ordinal}",
            host_city_en=f"City {ordinal}",
            country=Edition.Country.TAIWAN,
            status=Edition.Status.HELD,
        )
        for ordinal in range(3, size + 3)
    )
    topic = make_topic()
    # A public figure: showing a speaker named by an Editor costs no query per speech.
    star = make_person(is_public_figure=True, position_en="Mayor", organization_en="City Hall")
    number = _next()
    people = Person.objects.bulk_create(
        Person(
            family_name=f"Bulk{number}-{index}",
            slug=f"bulk-{number}-{index}",
            listed_publicly=True,
            side=Side.values[index % 3],
            category=Category.values[index % 8],
            email=f"bulk{number}-{index}@example.org",
        )
        for index in range(size)
    )
    Registration.objects.bulk_create(
        Registration(
            edition=held,
            person=person,
            email=person.email,
            status=Registration.Status.ACCEPTED,
            confirmed_at=timezone.now(),
        )
        for person in people
    )
    sessions = Session.objects.bulk_create(
        Session(edition=held, title_en=f"Session {index}", order=index) for index in range(size // 10 + 1)
    )
    speeches = Speech.objects.bulk_create(
        Speech(
            edition=held,
            speaker=star,
            session=sessions[index % len(sessions)],
            slug=f"bulk-speech-{index}",
            title_en=f"Bulk speech {index}",
            summary_en="On supply chains.",
            order=index,
        )
        for index in range(size)
    )
    Speech.topics.through.objects.bulk_create(Speech.topics.through(speech=speech, topic=topic) for speech in speeches)
    resolutions = Resolution.objects.bulk_create(
        Resolution(
            edition=held,
            number=index + 1,
            title_en=f"Bulk resolution {index}",
            text_en="On supply chains.",
            status=Resolution.Status.ADOPTED,
        )
        for index in range(size)
    )
    Resolution.topics.through.objects.bulk_create(
        Resolution.topics.through(resolution=resolution, topic=topic) for resolution in resolutions
    )
    Resolution.sponsors.through.objects.bulk_create(
        Resolution.sponsors.through(resolution=resolution, person=sponsor)
        for resolution, other in zip(resolutions, people, strict=True)
        for sponsor in (star, other)
    )
    FollowUp.objects.bulk_create(FollowUp(resolution=resolution, edition=upcoming) for resolution in resolutions)
    return {"series": series, "held": held, "upcoming": upcoming, "topic": topic, "star": star}


def make_hotel(edition, **fields):
    from delegates.models import EditionLogistics, Hotel

    logistics, _created = EditionLogistics.objects.get_or_create(edition=edition)
    values = {"logistics": logistics, "name_en": f"Hotel {_next()}"}
    return Hotel.objects.create(**{**values, **fields})


def make_travel_plan(registration, social_events=(), **fields):
    from delegates.models import TravelPlan

    values = {"registration": registration, "accommodation": TravelPlan.Accommodation.OWN}
    plan = TravelPlan.objects.create(**{**values, **fields})
    plan.social_events.set(social_events)
    return plan


def make_invitation(edition, **fields):
    """An invitation made and e-mailed through the service, as an organizer would."""
    from delegates.services import invitation_create

    number = _next()
    data = {"email": f"invitee{number}@example.org", "family_name": f"Invitee{number}", "given_name": "Ken"}
    options = {
        key: fields.pop(key) for key in ("delegation", "participation", "skips_approval", "language") if key in fields
    }
    return invitation_create(edition=edition, data={**data, **fields}, **options)
