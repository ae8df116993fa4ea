import pytest
from django.core.cache import cache
from django.utils import translation


@pytest.fixture(autouse=True)
def _isolate(settings):
    """Each test starts with an empty cache and English, whatever the last test left."""
    cache.clear()
    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture
def demo(db):
    from events.demo import load_demo

    load_demo()


@pytest.fixture
def organizer(db, django_user_model):
    return django_user_model.objects.create_superuser(
        username="boss", email="boss@example.org", password="pw-Summit-2026"
    )


@pytest.fixture
def organizer_client(client, organizer):
    client.force_login(organizer)
    return client
