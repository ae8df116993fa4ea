import os
from pathlib import Path

import pytest
from django.core.cache import cache
from django.utils import translation


def pytest_configure(config):
    from django.conf import settings

    # Real hashers are slow on purpose (hundreds of ms per password); tests need no such cost.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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


CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "screenshots"
VIEWPORTS = {"phone": {"width": 360, "height": 740}, "desktop": {"width": 1440, "height": 900}}


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium driven by Playwright; tests that need it skip, saying how to get it."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Browser tests need Debian's chromium: apt-get install -y chromium fonts-noto-cjk")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # around it are still plain synchronous calls.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture(params=list(VIEWPORTS))
def viewport(request):
    return request.param


@pytest.fixture
def page(chromium, live_server, viewport):
    """A fresh browser page at phone or desktop width; `page.base_url` is the live server."""
    context = chromium.new_context(viewport=VIEWPORTS[viewport], base_url=live_server.url)
    browser_page = context.new_page()
    browser_page.set_default_timeout(10_000)
    yield browser_page
    context.close()


@pytest.fixture
def screenshot(page, viewport, request):
    """Call screenshot("step-name") to save a PNG under test-artifacts/screenshots/."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    test_name = request.node.name.split("[")[0]

    def take(step):
        path = ARTIFACTS / f"{test_name}-{viewport}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
