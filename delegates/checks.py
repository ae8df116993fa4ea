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
