from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DelegatesConfig(AppConfig):
    name = "delegates"
    verbose_name = _("Delegates")

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import checks  # noqa: F401  (registers the start-up checks)
        from .roles import sync_after_migrate

        post_migrate.connect(sync_after_migrate, dispatch_uid="delegates-roles-sync")
