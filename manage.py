#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys

# Commands that read the code, never a signature: they work on a fresh checkout before any
# .env exists (a placeholder key, never used to sign anything).
OFFLINE_COMMANDS = {"makemigrations", "makemessages", "compilemessages", "help"}


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "summit_site.settings")
    if len(sys.argv) > 1 and sys.argv[1] in OFFLINE_COMMANDS and not os.environ.get("SECRET_KEY"):
        os.environ["SECRET_KEY"] = "offline-command-placeholder-key-never-signs-anything"
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.INSTALLED_APPS  # noqa: B018 (loads the settings)
    except ImproperlyConfigured as error:
        # Django would go on without settings and fail later with an unrelated message.
        sys.exit(f"Settings: {error}")
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
