from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from events.admin import language_fieldsets

from .models import Person, Registration, RegistrationStatusChange


class RegistrationInline(admin.TabularInline):
    model = Registration
    fields = ["edition", "status", "created_at", "confirmed_at", "checked_in_at"]
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Person)
class PersonAdmin(TranslationAdmin):
    list_display = [
        "full_name",
        "native_name",
        "side",
        "category",
        "organization",
        "listed_publicly",
        "is_public_figure",
    ]
    list_display_links = ["full_name"]
    list_filter = [
        "side",
        "category",
        "listed_publicly",
        "is_public_figure",
        "is_synthetic",
    ]
    search_fields = [
        "family_name",
        "given_name",
        "native_name",
        "organization_en",
        "organization_ja",
        "email",
    ]
    ordering = ["family_name", "given_name"]
    prepopulated_fields = {"slug": ["given_name", "family_name"]}
    inlines = [RegistrationInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "family_name",
                    "given_name",
                    "family_name_first",
                    "native_name",
                    "honorific",
                    "slug",
                    "side",
                    "category",
                ]
            },
        ),
        (_("Public listing"), {"fields": ["listed_publicly", "is_public_figure"]}),
        (
            _("Private contact data"),
            {"fields": ["email", "phone", "preferred_language"]},
        ),
        *language_fieldsets("position", "organization"),
        (
            _("Record"),
            {"fields": ["is_synthetic", "anonymized_at"], "classes": ["collapse"]},
        ),
    ]
    readonly_fields = ["is_synthetic", "anonymized_at"]

    @admin.display(description=_("name"), ordering="family_name")
    def full_name(self, person):
        return person.full_name


class StatusChangeInline(admin.TabularInline):
    model = RegistrationStatusChange
    fields = ["changed_at", "from_status", "to_status", "actor", "user", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = [
        "person",
        "edition",
        "status",
        "person_side",
        "person_category",
        "created_at",
        "confirmed_at",
        "checked_in_at",
    ]
    list_filter = ["edition", "status", "person__side", "person__category"]
    list_select_related = ["person", "edition"]
    search_fields = [
        "person__family_name",
        "person__given_name",
        "person__native_name",
        "person__organization_en",
        "email",
    ]
    autocomplete_fields = ["person", "edition"]
    date_hierarchy = "created_at"
    inlines = [StatusChangeInline]
    # The status moves only through delegates.services, which keeps capacity and history right.
    readonly_fields = [
        "status",
        "created_at",
        "confirmed_at",
        "status_changed_at",
        "checked_in_at",
    ]
    fields = [
        "edition",
        "person",
        "email",
        "status",
        "language",
        "interpretation_language",
        "dietary_needs",
        "accessibility_needs",
        "answers",
        "created_at",
        "confirmed_at",
        "status_changed_at",
        "checked_in_at",
    ]

    @admin.display(description=_("side"), ordering="person__side")
    def person_side(self, registration):
        return registration.person.get_side_display()

    @admin.display(description=_("category"), ordering="person__category")
    def person_category(self, registration):
        return registration.person.get_category_display()


@admin.register(RegistrationStatusChange)
class RegistrationStatusChangeAdmin(admin.ModelAdmin):
    list_display = [
        "changed_at",
        "registration",
        "from_status",
        "to_status",
        "actor",
        "user",
    ]
    list_filter = ["actor", "to_status", "registration__edition"]
    list_select_related = ["registration__person", "registration__edition", "user"]
    search_fields = [
        "registration__person__family_name",
        "registration__person__native_name",
    ]
    date_hierarchy = "changed_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
