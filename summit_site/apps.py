"""Third-party apps under names in the reader's language.

The admin lists apps by their AppConfig.verbose_name; django-axes sets none (the admin shows
its label, "AXES") and django-tasks-db sets an untranslated one. Listed in INSTALLED_APPS in
their place; everything else of theirs is unchanged.
"""

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class AxesConfig(AxesAppConfig):
    verbose_name = _("Sign-in protection")


class TasksDatabaseConfig(TasksAppConfig):
    verbose_name = _("Background tasks")
