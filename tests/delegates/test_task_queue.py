"""With the database task backend, e-mail waits in the queue until a worker sends it."""

import pytest
from django.core import mail
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from tests.factories import make_open_edition, register_delegate

# The worker closes its database connection between tasks, as a long-running process
# should; only outside a test transaction can the test's connection reopen after it.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def database_queue(settings):
    # django-tasks rebuilds its backends when the TASKS setting changes.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_confirmation_mail_is_queued_then_sent_by_the_worker(database_queue):
    register_delegate(edition=make_open_edition(), email="queued@example.org")
    assert mail.outbox == []
    assert DBTaskResult.objects.count() == 1

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    assert [message.to for message in mail.outbox] == [["queued@example.org"]]
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
