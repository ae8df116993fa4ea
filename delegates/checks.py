"""Start-up checks: say at once what would otherwise fail only when a delegate asks for a badge."""

from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks


@checks.register()
def badge_font_installed(app_configs, **kwargs):
    if Path(settings.BADGE_FONT_PATH).is_file():
        return []
    return [
        checks.Warning(
            f"The badge font {settings.BADGE_FONT_PATH} is missing, so badge PDFs cannot be made.",
            hint="Install Debian's fonts-noto-cjk (apt-get install fonts-noto-cjk) or set BADGE_FONT_PATH.",
            id="delegates.W001",
        )
    ]


LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}


@checks.register(checks.Tags.security, deploy=True)
def plain_http_loopback_off(app_configs, **kwargs):
    """A site-wide setting, checked here because the project's checks live with its apps."""
    if not settings.PLAIN_HTTP_LOOPBACK:
        return []
    return [
        checks.Error(
            "PLAIN_HTTP_LOOPBACK is on: cookies are sent without Secure, and neither https nor HSTS is enforced.",
            hint="It is for trying a production-like instance over http on this machine only. "
            "Unset PLAIN_HTTP_LOOPBACK for a deployment.",
            id="summit.E001",
        )
    ]


@checks.register(checks.Tags.security)
def plain_http_only_on_loopback(app_configs, **kwargs):
    hosts = set(settings.ALLOWED_HOSTS) - LOOPBACK_HOSTS
    if not settings.PLAIN_HTTP_LOOPBACK or not hosts:
        return []
    return [
        checks.Error(
            "PLAIN_HTTP_LOOPBACK is on, but ALLOWED_HOSTS names other hosts: " + ", ".join(sorted(hosts)) + ".",
            hint="Plain http is only for 127.0.0.1 and localhost.",
            id="summit.E002",
        )
    ]


# Backends whose entries live in one process only: page-cache versions, erasure's purge of
# cached pages and the rate limits would hold in one app process and not the others.
PROCESS_LOCAL_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


@checks.register(checks.Tags.caches, deploy=True)
def shared_cache_in_production(app_configs, **kwargs):
    backend = settings.CACHES["default"]["BACKEND"]
    if backend not in PROCESS_LOCAL_CACHES:
        return []
    return [
        checks.Error(
            f"The cache ({backend}) lives inside each app process.",
            hint="Several app processes must share one cache, or an erased person stays on the pages another "
            "process cached and each process counts rate limits apart. Set CACHE_URL=redis://host:6379/0.",
            id="summit.E003",
        )
    ]


@checks.register(checks.Tags.security, deploy=True)
def site_url_is_public_https(app_configs, **kwargs):
    """Every canonical link, sitemap entry, feed id and e-mailed link starts with SITE_URL."""
    url = urlsplit(settings.SITE_URL)
    if url.scheme == "https" and url.hostname and url.hostname not in LOOPBACK_HOSTS:
        return []
    return [
        checks.Error(
            f"SITE_URL is {settings.SITE_URL!r}: links in pages, the sitemap, feeds and e-mails would point there.",
            hint="Set SITE_URL to the site's public https address, e.g. https://summit.example.org.",
            id="summit.E004",
        )
    ]
