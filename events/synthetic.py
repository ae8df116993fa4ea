"""Synthetic bulk data for load tests and benchmarks.

Every row made here is marked `is_synthetic` and named "Synthetic delegate N" with an
address under the reserved .invalid domain, so it can never pass for a real person.
"""

import itertools

from django.db import transaction

from delegates.models import Category, Person, Registration, Side

SYNTHETIC_EMAIL_DOMAIN = "synthetic.example.invalid"


@transaction.atomic
def create_synthetic_delegates(edition, count, batch_size=2000):
    """Add `count` synthetic people registered for `edition`; returns how many were created.

    Registrations are written in bulk with a spread of statuses: this is test data, not
    the registration workflow, which delegates.services runs for real sign-ups.
    """
    start = Person.objects.filter(is_synthetic=True).count() + 1
    sides = itertools.cycle(Side.values)
    categories = itertools.cycle(Category.values)
    statuses = itertools.cycle(
        [Registration.Status.ACCEPTED] * 5
        + [Registration.Status.PENDING, Registration.Status.UNCONFIRMED, Registration.Status.WAITLISTED]
        + [Registration.Status.CANCELLED]
    )
    people = [
        Person(
            family_name="Delegate",
            given_name=f"Synthetic {number:06d}",
            slug=f"synthetic-delegate-{number:06d}",
            email=f"delegate-{number:06d}@{SYNTHETIC_EMAIL_DOMAIN}",
            side=next(sides),
            category=next(categories),
            position_en="Synthetic test record",
            is_synthetic=True,
        )
        for number in range(start, start + count)
    ]
    Person.objects.bulk_create(people, batch_size=batch_size)
    people = Person.objects.filter(slug__in=[person.slug for person in people]).only("pk", "email")
    Registration.objects.bulk_create(
        [Registration(edition=edition, person=person, email=person.email, status=next(statuses)) for person in people],
        batch_size=batch_size,
    )
    return count
