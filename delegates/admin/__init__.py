"""The organizer's admin for delegates, one module per concern.

people          Person: contact data, public listing, erasure
registrations   Registration and its history, questions, messages; every change through delegates.services
actions         the actions on selected registrations
views           the pages beside the registration list: import, composer, transition buttons
forms           the forms those pages validate with
logistics       hotels, travel details, letters, badge sheets and the reports built on them
delegations     delegations, their members and quotas
invitations     invitations and their history (the CSV of them goes through the import page)
accounts        users and groups, their permissions named in the reader's language
"""

# Registering the models is the import's purpose; logistics comes last, as it adds actions to
# the registration list.
from . import people, registrations  # noqa: F401  isort: skip
from . import delegations, invitations  # noqa: F401  isort: skip
from . import logistics  # noqa: F401  isort: skip
from . import accounts  # noqa: F401  isort: skip
