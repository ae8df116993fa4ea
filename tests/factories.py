"""Small make_* helpers that build valid rows with sensible defaults; override what a test cares about."""

import itertools

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
