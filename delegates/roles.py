"""The three roles organizers hand out, as groups, kept complete after every migrate.

A data migration would fix the groups' permissions once, and every model added later (a new
app, a new table of ours) would be missing from the Organizer group. Instead the groups are
brought up to date on post_migrate, after Django has created the permissions of every app.
"""

from django.contrib.auth.models import Group, Permission

ORGANIZER = "Organizer"
EDITOR = "Editor"
CHECK_IN_STAFF = "Check-in staff"
# The public record: no model that holds delegates' personal data.
EDITOR_MODELS = ["series", "edition", "session", "speech", "resolution", "topic", "followup"]


def roles_sync(*, using: str = "default") -> None:
    """Organizer: every permission of every model; Editor: the public record; Check-in staff:
    the check-in desk. Idempotent; runs after each migrate."""
    permissions = Permission.objects.using(using)
    organizer, _ = Group.objects.using(using).get_or_create(name=ORGANIZER)
    organizer.permissions.set(permissions.all())
    editor, _ = Group.objects.using(using).get_or_create(name=EDITOR)
    editor.permissions.set(permissions.filter(content_type__app_label="events", content_type__model__in=EDITOR_MODELS))
    check_in_staff, _ = Group.objects.using(using).get_or_create(name=CHECK_IN_STAFF)
    check_in_staff.permissions.set(permissions.filter(content_type__app_label="delegates", codename="check_in"))


def sync_after_migrate(sender, using="default", **kwargs):
    # post_migrate is sent once per app, each time after that app's permissions were created
    # (django.contrib.auth connects first); the last call sees every permission.
    roles_sync(using=using)
