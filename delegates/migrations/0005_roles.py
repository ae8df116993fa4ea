"""The three roles organizers hand out, as groups.

Permissions are normally created after migrate (post_migrate), so they are created here
first. Since then delegates/roles.py syncs the groups after every migrate (post_migrate),
so later migrations need not call this again.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ORGANIZER = "Organizer"
EDITOR = "Editor"
CHECK_IN_STAFF = "Check-in staff"
# The public record: no model that holds delegates' personal data.
EDITOR_MODELS = ["series", "edition", "session", "speech", "resolution", "topic", "followup"]


def set_up_roles(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    organizer, _ = Group.objects.get_or_create(name=ORGANIZER)
    organizer.permissions.set(Permission.objects.all())

    editor, _ = Group.objects.get_or_create(name=EDITOR)
    editor.permissions.set(
        Permission.objects.filter(content_type__app_label="events", content_type__model__in=EDITOR_MODELS)
    )

    check_in_staff, _ = Group.objects.get_or_create(name=CHECK_IN_STAFF)
    check_in_staff.permissions.set(Permission.objects.filter(content_type__app_label="delegates", codename="check_in"))


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[ORGANIZER, EDITOR, CHECK_IN_STAFF]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("delegates", "0004_admin_indexes_and_messages"),
        ("events", "0001_initial"),
        ("auth", "__latest__"),
        ("contenttypes", "__latest__"),
        ("axes", "__latest__"),
        ("auditlog", "__latest__"),
        ("sessions", "__latest__"),
        ("admin", "__latest__"),
    ]

    operations = [migrations.RunPython(set_up_roles, remove_roles)]
