"""Users, groups and the audit log, in the reader's language.

Django stores a permission's name in English when the app is migrated ("Can add edition");
the lists show it translated: the model's verbose name and the action from our catalogue.
django-auditlog labels one column with a literal English string; it is relabelled here.
"""

from auditlog.admin import LogEntryAdmin
from auditlog.filters import CIDFilter, ResourceTypeFilter
from auditlog.models import LogEntry
from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext, gettext_noop, ngettext
from django.utils.translation import gettext_lazy as _

DEFAULT_ACTIONS = {
    "add": gettext_noop("Can add %(model)s"),
    "change": gettext_noop("Can change %(model)s"),
    "delete": gettext_noop("Can delete %(model)s"),
    "view": gettext_noop("Can view %(model)s"),
}


def permission_label(permission: Permission) -> str:
    model_class = permission.content_type.model_class()
    if model_class is None:  # a model since removed
        return str(permission)
    meta = model_class._meta
    action, _sep, model_name = permission.codename.partition("_")
    if action in DEFAULT_ACTIONS and model_name == meta.model_name:
        name = gettext(DEFAULT_ACTIONS[action]) % {"model": meta.verbose_name}
    else:
        name = gettext(permission.name)
    return f"{meta.app_config.verbose_name} | {name}"


class PermissionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return permission_label(obj)


class TranslatedPermissionsMixin:
    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in ("permissions", "user_permissions"):
            kwargs["form_class"] = PermissionChoiceField
            kwargs.setdefault("queryset", Permission.objects.select_related("content_type"))
        return super().formfield_for_manytomany(db_field, request, **kwargs)


admin.site.unregister(Group)
admin.site.unregister(User)


@admin.register(Group)
class TranslatedGroupAdmin(TranslatedPermissionsMixin, GroupAdmin):
    pass


@admin.register(User)
class TranslatedUserAdmin(TranslatedPermissionsMixin, UserAdmin):
    pass


def _kind(content_type):
    model = content_type.model_class()
    return str(model._meta.verbose_name) if model else content_type.model


class TranslatedResourceTypeFilter(ResourceTypeFilter):
    """The kinds of record, by their names in the reader's language (auditlog lists the
    models' internal names)."""

    def lookups(self, request, model_admin):
        ids = model_admin.get_queryset(request).values_list("content_type_id", flat=True).distinct().order_by()
        labels = [
            (
                content_type.pk,
                str(model._meta.verbose_name) if (model := content_type.model_class()) else content_type.model,
            )
            for content_type in ContentType.objects.filter(pk__in=ids)
        ]
        return sorted(labels, key=lambda pair: pair[1])


admin.site.unregister(LogEntry)


@admin.register(LogEntry)
class TranslatedLogEntryAdmin(LogEntryAdmin):
    list_filter = ["action", TranslatedResourceTypeFilter, CIDFilter]

    @admin.display(description=_("User"))
    def user_url(self, obj):
        # auditlog names a change made by no signed-in user "system", in English.
        return super().user_url(obj) if obj.actor else _("the system")

    @admin.display(description=_("Correlation ID"))
    def cid_url(self, obj):
        return super().cid_url(obj)

    @admin.display(description=_("Changes"))
    def msg_short(self, obj):
        """ "2 changes: status, e-mail confirmed at", with the fields' names in the reader's language."""
        if obj.action in (LogEntry.Action.DELETE, LogEntry.Action.ACCESS):
            return ""
        model = obj.content_type.model_class()
        names = []
        for name in obj.changes_dict:
            try:
                names.append(str(model._meta.get_field(name).verbose_name))
            except (AttributeError, LookupError, FieldDoesNotExist):
                names.append(name)
        return ngettext("%(count)d change: %(fields)s", "%(count)d changes: %(fields)s", len(names)) % {
            "count": len(names),
            "fields": ", ".join(names),
        }
