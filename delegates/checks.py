"""Start-up checks: say at once what would otherwise fail only when a delegate asks for a badge."""

from pathlib import Path

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
