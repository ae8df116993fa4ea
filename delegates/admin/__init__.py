"""The organizer's admin for delegates, one module per concern.

people          Person: contact data, public listing, erasure
registrations   Registration and its history, questions, messages; every change through delegates.services
actions         the actions on selected registrations
views           the pages beside the registration list: import, composer, transition buttons
forms           the forms those pages validate with
"""

from . import people, registrations  # noqa: F401  (registering the models is the import's purpose)
