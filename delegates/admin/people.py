"""The people admin: contact data, public listing, and erasure on request."""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname

from events import translation_status
from events.admin import TrackedTranslationAdmin, language_fieldsets

from .. import services
from ..audit import AuditLogAdminMixin
from ..models import Person, Registration


class RegistrationInline(admin.TabularInline):
    model = Registration
    fields = ["edition", "status", "created_at", "confirmed_at", "checked_in_at"]
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("edition", "person")


@admin.action(description=_("Erase selected people (anonymize, keep counts)"), permissions=["change"])
def anonymize_people(modeladmin, request, queryset):
    """Erasure on request; asks for confirmation first, as deleting does."""
    people = queryset.filter(anonymized_at__isnull=True).prefetch_related("registrations")
    if request.POST.get("confirmed") == "yes":
        count = 0
        for person in people:
            services.person_anonymize(person=person, user=request.user)
            count += 1
        modeladmin.message_user(
            request,
            ngettext("%(count)d person erased.", "%(count)d people erased.", count) % {"count": count},
            messages.SUCCESS,
        )
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": _("Erase people?"),
        "opts": modeladmin.model._meta,
        "people": people,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/delegates/person/anonymize_confirmation.html", context)


@admin.action(description=_("Withdraw selected people from the public site"), permissions=["change"])
def withdraw_from_public(modeladmin, request, queryset):
    count = 0
    for person in queryset:
        services.person_withdraw_from_public(person=person)
        count += 1
    modeladmin.message_user(
        request,
        ngettext(
            "%(count)d person withdrawn from the public site.",
            "%(count)d people withdrawn from the public site.",
            count,
        )
        % {"count": count},
        messages.SUCCESS,
    )


@admin.action(description=_("Reinstate selected people on the public site"), permissions=["change"])
def reinstate_to_public(modeladmin, request, queryset):
    count = 0
    for person in queryset.filter(withdrawn_from_public_at__isnull=False):
        services.person_reinstate_to_public(person=person)
        count += 1
    modeladmin.message_user(
        request,
        ngettext(
            "%(count)d person reinstated: shown again if they are a public figure or consented and were accepted.",
            "%(count)d people reinstated: shown again if they are public figures or consented and were accepted.",
            count,
        )
        % {"count": count},
        messages.SUCCESS,
    )


@admin.register(Person)
class PersonAdmin(AuditLogAdminMixin, TrackedTranslationAdmin):
    list_display = [
        "full_name",
        "native_name",
        "side",
        "category",
        "organization_as_typed",
        "listed_publicly",
        "is_public_figure",
        "withdrawn_from_public_at",
    ]
    list_display_links = ["full_name"]
    list_filter = [
        "side",
        "category",
        "listed_publicly",
        "is_public_figure",
        "is_synthetic",
        "own_texts_language",
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
    actions = [anonymize_people, withdraw_from_public, reinstate_to_public, "mark_translations_current"]
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
        (_("Public listing"), {"fields": ["listed_publicly", "is_public_figure", "withdrawn_from_public_at"]}),
        (
            _("Private contact data"),
            {"fields": ["email", "phone", "preferred_language"]},
        ),
        (
            _("Position and organization"),
            {
                "fields": ["own_texts_language"],
                "description": _(
                    "Kept as the delegate typed them, in that language; the other languages are "
                    "your translations, marked stale when the delegate changes their text."
                ),
            },
        ),
        *language_fieldsets("position", "organization"),
        (
            _("Record"),
            {"fields": ["is_synthetic", "anonymized_at"], "classes": ["collapse"]},
        ),
    ]
    # Withdrawal and reinstatement go through the list's actions (delegates.services).
    readonly_fields = ["is_synthetic", "anonymized_at", "withdrawn_from_public_at"]

    def get_form(self, request, obj=None, **kwargs):
        """The delegate's own text says so, and a stale translation names the text it fell
        behind: the delegate's, in its language, not the English the public record starts from."""
        form = super().get_form(request, obj, **kwargs)
        if obj is None:
            return form
        source = obj.translation_source_language
        language_name = dict(settings.LANGUAGES)[source]
        for field in services.TRANSLATED_PERSON_FIELDS:
            name = build_localized_fieldname(field, source)
            if name in form.base_fields and obj.own_texts_language:
                form.base_fields[name].help_text = _(
                    "As the delegate typed it, in %(language)s: the other languages are translations of it."
                ) % {"language": language_name}
        for field, language in translation_status.stale_fields(obj):
            name = build_localized_fieldname(field, language)
            if name in form.base_fields and obj.own_texts_language:
                form.base_fields[name].help_text = _(
                    "Stale: the delegate changed their text (in %(language)s) after this translation was made. "
                    "Update it, or mark it current after review (the list's action)."
                ) % {"language": language_name}
        return form

    @admin.display(description=_("name"), ordering="family_name")
    def full_name(self, person):
        return person.full_name

    @admin.display(description=_("organization (as typed)"))
    def organization_as_typed(self, person):
        """The delegate's own text and the language they wrote it in, never a translation."""
        language = person.translation_source_language
        text = getattr(person, build_localized_fieldname("organization", language)) or ""
        if not text:
            return ""
        # The language's name in the reader's language (the admin's), in its brackets.
        name = gettext("(%(language)s)") % {"language": dict(settings.LANGUAGES)[language]}
        return format_html('<span lang="{}">{}</span> <small>{}</small>', language, text, name)

    def has_delete_permission(self, request, obj=None):
        # A deletion would keep the name in the admin's history and the audit log; the
        # "Erase" action removes the person's data everywhere instead.
        return False

    # Editors choose speakers and sponsors for the public record without seeing anyone's
    # personal data: the name search answers them, and only with people the public may see.
    PUBLIC_RECORD_PERMISSIONS = ("events.change_speech", "events.change_resolution")

    def _is_public_record_lookup(self, request):
        match = request.resolver_match
        return (
            match is not None
            and match.url_name == "autocomplete"
            and any(request.user.has_perm(permission) for permission in self.PUBLIC_RECORD_PERMISSIONS)
        )

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or self._is_public_record_lookup(request)

    # What an Editor's speaker or sponsor lookup may match: never e-mail, phone or an
    # organization the person did not make public.
    PUBLIC_SEARCH_FIELDS = ["family_name", "given_name", "native_name"]

    def get_search_fields(self, request):
        if not super().has_view_permission(request):
            return self.PUBLIC_SEARCH_FIELDS
        return super().get_search_fields(request)

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if not super().has_view_permission(request):
            queryset = queryset.public()
        return queryset, may_have_duplicates
