from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import (
    TranslationAdmin,
    TranslationStackedInline,
    TranslationTabularInline,
)
from modeltranslation.utils import build_localized_fieldname

from delegates import services
from delegates.audit import AuditLogAdminMixin
from delegates.models import Question

from . import translation_status
from .models import Edition, FollowUp, Resolution, Series, Session, Speech, Topic


def language_fieldsets(*field_names):
    """One group of fields per language, English first and open, the others folded.

    modeltranslation's tabs need jQuery UI from a CDN, which the admin must not load.
    """
    return [
        (
            name,
            {
                "fields": [build_localized_fieldname(field, code) for field in field_names],
                "classes": [] if code == settings.LANGUAGE_CODE else ["collapse"],
            },
        )
        for code, name in settings.LANGUAGES
    ]


STALE_HELP = _(
    "Stale: the English text changed after this translation was made. Update it, or mark it "
    "current after review (the list's action, or the translations page)."
)


class TrackedTranslationAdmin(TranslationAdmin):
    """Marks stale translations on the change form; an action marks them current after review."""

    actions = ["mark_translations_current"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is not None:
            for field, language in translation_status.stale_fields(obj):
                name = build_localized_fieldname(field, language)
                if name in form.base_fields:
                    form_field = form.base_fields[name]
                    form_field.help_text = STALE_HELP
                    form_field.widget.attrs["class"] = f"{form_field.widget.attrs.get('class', '')} translation-stale"
        return form

    @admin.action(description=_("Mark translations current (reviewed against the English)"), permissions=["change"])
    def mark_translations_current(self, request, queryset):
        for obj in queryset:
            translation_status.translations_mark_current(obj=obj)
        count = len(queryset)
        self.message_user(
            request,
            ngettext(
                "The translations of %(count)d item are marked current.",
                "The translations of %(count)d items are marked current.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(Series)
class SeriesAdmin(TrackedTranslationAdmin):
    list_display = ["name", "founded_year", "slug"]
    search_fields = ["name_en", "name_ja", "name_zh_hant"]
    prepopulated_fields = {"slug": ["name_en"]}
    fieldsets = [
        (None, {"fields": ["slug", "founded_year"]}),
        *language_fieldsets("name", "description"),
    ]


class SessionInline(TranslationTabularInline):
    model = Session
    fields = ["order", "kind", "title", "starts_at", "ends_at"]
    extra = 0
    show_change_link = True


class SpeechInline(TranslationTabularInline):
    model = Speech
    fields = ["order", "title", "slug", "speaker", "delivery_mode", "session"]
    autocomplete_fields = ["speaker"]
    prepopulated_fields = {"slug": ["title_en"]}
    extra = 0
    show_change_link = True


class ResolutionInline(TranslationTabularInline):
    model = Resolution
    fields = ["number", "kind", "title", "status", "status_changed_on"]
    extra = 0
    show_change_link = True


class QuestionInline(TranslationStackedInline):
    """The edition's extra registration questions, set up where the edition is."""

    model = Question
    fields = ["order", "asked_on", "kind", "required", "label", "help_text", "choices"]
    extra = 0


@admin.register(Edition)
class EditionAdmin(TrackedTranslationAdmin):
    list_display = [
        "ordinal",
        "host_city",
        "year",
        "country",
        "status",
        "start_date",
        "capacity",
        "registration_count",
    ]
    list_display_links = ["ordinal", "host_city"]
    list_filter = ["status", "country", "series"]
    search_fields = [
        "host_city_en",
        "host_city_ja",
        "host_city_zh_hant",
        "theme_en",
        "region_en",
    ]
    ordering = ["-ordinal"]
    prepopulated_fields = {"slug": ["host_city_en", "year"]}
    date_hierarchy = "start_date"
    inlines = [SessionInline, SpeechInline, ResolutionInline, QuestionInline]
    fieldsets = [
        (None, {"fields": ["series", "ordinal", "year", "slug", "country", "status"]}),
        (
            _("Dates and attendance"),
            {
                "fields": [
                    "start_date",
                    "end_date",
                    "reported_attendance",
                    "attendance_is_minimum",
                ]
            },
        ),
        (
            _("Registration"),
            {
                "fields": [
                    "capacity",
                    "quota_japan",
                    "quota_taiwan",
                    "quota_other",
                    "places_reserved_for_invitations",
                    "count_accompanying",
                    "registration_mode",
                    "invitation_reminder_days",
                    "invitation_reminders_max",
                    "registration_opens_at",
                    "registration_closes_at",
                    "requires_approval",
                    "personal_data_retention_days",
                ]
            },
        ),
        *language_fieldsets("host_city", "region", "venue", "theme", "summary"),
    ]

    # What decides who may register, who is accepted and when personal data is erased belongs
    # to those who handle registrations; an Editor keeps the public record only.
    REGISTRATION_FIELDS = [
        "status",
        "capacity",
        "quota_japan",
        "quota_taiwan",
        "quota_other",
        "places_reserved_for_invitations",
        "count_accompanying",
        "registration_mode",
        "invitation_reminder_days",
        "invitation_reminders_max",
        "registration_opens_at",
        "registration_closes_at",
        "requires_approval",
        "personal_data_retention_days",
    ]

    # Lowered, they hold back no one already accepted; raised, they give places to the waiting list.
    QUOTA_FIELDS = [
        "quota_japan",
        "quota_taiwan",
        "quota_other",
        "places_reserved_for_invitations",
        "count_accompanying",
    ]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.has_perm("delegates.change_registration"):
            readonly += self.REGISTRATION_FIELDS
        return readonly

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(registration_total=Count("registrations"))

    def get_urls(self):
        view = self.admin_site.admin_view(self.translations_view)
        return [path("translations/", view, name="events_translations"), *super().get_urls()]

    def translations_view(self, request):
        """Per edition and language: every translation that is missing or stale, with a link
        to edit it, and a button to mark a reviewed one current."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            return self._mark_current_from_page(request)
        editions = Edition.objects.select_related("series").order_by("-ordinal")
        edition_id = request.GET.get("edition", "")
        edition = (editions.filter(pk=edition_id).first() if edition_id.isdigit() else None) or editions.first()
        language = request.GET.get("language")
        if language not in translation_status.TRANSLATED_LANGUAGES:
            language = None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Translations"),
            "editions": editions,
            "edition": edition,
            "language": language,
            "languages": [
                (code, name) for code, name in settings.LANGUAGES if code in translation_status.TRANSLATED_LANGUAGES
            ],
            "may_change": self.has_change_permission(request),
        }
        if edition is not None:
            context["reports"] = [
                (edition, translation_status.translation_report(translation_status.edition_content(edition), language)),
                (
                    _("Across the series: its name and the topics"),
                    translation_status.translation_report(translation_status.series_content(edition.series), language),
                ),
            ]
        return TemplateResponse(request, "admin/events/translations.html", context)

    def _mark_current_from_page(self, request):
        obj = translation_status.tracked_object(request.POST.get("object", ""))
        language = request.POST.get("mark_language")
        if obj is None or language not in translation_status.TRANSLATED_LANGUAGES:
            self.message_user(request, _("That item no longer exists; nothing was changed."), messages.ERROR)
        elif not self.admin_site._registry[type(obj)].has_change_permission(request, obj):
            raise PermissionDenied
        else:
            translation_status.translations_mark_current(obj=obj, language=language)
            self.message_user(
                request, _("“%(item)s” is marked current in this language.") % {"item": obj}, messages.SUCCESS
            )
        return HttpResponseRedirect(request.get_full_path())

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)

        class CapacityCheckedForm(form):
            def clean(self):
                # The capacity and the places reserved for invitees, as they would be saved.
                cleaned = super().clean()
                if self.instance.pk and "capacity" in self.fields and "capacity" not in self.errors:
                    reserved = cleaned.get("places_reserved_for_invitations")
                    try:
                        services.edition_capacity_check(
                            edition=self.instance,
                            capacity=cleaned.get("capacity"),
                            reserved=self.instance.places_reserved_for_invitations if reserved is None else reserved,
                        )
                    except services.RegistrationError as refusal:
                        self.add_error("capacity", refusal.message)
                return cleaned

        return CapacityCheckedForm

    def save_model(self, request, obj, form, change):
        # The capacity changes through the service: under the edition's lock, and with
        # automatic acceptance (also when it is just switched on) free places go to the
        # waiting list at once.
        if change and set(self.QUOTA_FIELDS) & set(form.changed_data) and "capacity" not in form.changed_data:
            super().save_model(request, obj, form, change)
            services.edition_change_quotas(edition=obj, user=request.user)
            return None
        if not (change and {"capacity", "requires_approval"} & set(form.changed_data)):
            return super().save_model(request, obj, form, change)
        capacity = obj.capacity
        obj.capacity = form.initial.get("capacity")
        super().save_model(request, obj, form, change)
        try:
            services.edition_change_capacity(edition=obj, capacity=capacity, user=request.user)
        except services.RegistrationError as refusal:
            self.message_user(request, refusal.message, messages.ERROR)

    @admin.display(description=_("registrations"), ordering="registration_total")
    def registration_count(self, edition):
        return edition.registration_total

    def get_list_display(self, request):
        # The dashboard shows registrations: only for those who may see them.
        if request.user.has_perm("delegates.view_registration"):
            return [*self.list_display, "registration_dashboard"]
        return self.list_display

    @admin.display(description=_("dashboard"))
    def registration_dashboard(self, edition):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:delegates_registration_dashboard", args=[edition.pk]),
            _("Dashboard"),
        )


@admin.register(Session)
class SessionAdmin(TrackedTranslationAdmin):
    list_display = ["title", "edition", "kind", "order", "starts_at", "room"]
    list_filter = ["edition", "kind"]
    list_select_related = ["edition"]
    search_fields = ["title_en", "title_ja", "title_zh_hant"]
    ordering = ["-edition__ordinal", "order"]
    fieldsets = [
        (None, {"fields": ["edition", "kind", "order", "starts_at", "ends_at"]}),
        *language_fieldsets("title", "description", "room"),
    ]


@admin.register(Topic)
class TopicAdmin(TrackedTranslationAdmin):
    list_display = ["name", "slug", "speech_count", "resolution_count"]
    search_fields = ["name_en", "name_ja", "name_zh_hant", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}
    fieldsets = [
        (None, {"fields": ["slug"]}),
        *language_fieldsets("name", "description"),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                speech_total=Count("speeches", distinct=True),
                resolution_total=Count("resolutions", distinct=True),
            )
        )

    @admin.display(description=_("speeches"), ordering="speech_total")
    def speech_count(self, topic):
        return topic.speech_total

    @admin.display(description=_("resolutions"), ordering="resolution_total")
    def resolution_count(self, topic):
        return topic.resolution_total


@admin.register(Speech)
class SpeechAdmin(TrackedTranslationAdmin):
    list_display = [
        "title",
        "speaker",
        "edition",
        "session",
        "delivery_mode",
        "language",
        "order",
    ]
    list_filter = ["edition", "delivery_mode", "language", "topics"]
    list_select_related = ["speaker", "edition", "session"]
    search_fields = [
        "title_en",
        "title_ja",
        "title_zh_hant",
        "speaker__family_name",
        "speaker__native_name",
    ]
    autocomplete_fields = ["speaker", "topics"]
    prepopulated_fields = {"slug": ["title_en"]}
    ordering = ["-edition__ordinal", "order"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "edition",
                    "session",
                    "speaker",
                    "slug",
                    "delivery_mode",
                    "video_url",
                    "language",
                    "order",
                    "topics",
                ]
            },
        ),
        *language_fieldsets("title", "speaker_role", "summary", "transcript"),
    ]


class FollowUpInline(TranslationStackedInline):
    model = FollowUp
    fk_name = "resolution"
    fields = ["edition", "reported_on", "report"]
    extra = 0


@admin.register(Resolution)
class ResolutionAdmin(AuditLogAdminMixin, TrackedTranslationAdmin):
    list_display = ["number", "title", "edition", "kind", "status", "status_changed_on"]
    list_display_links = ["number", "title"]
    list_filter = ["status", "kind", "edition", "topics"]
    list_select_related = ["edition"]
    search_fields = ["title_en", "title_ja", "title_zh_hant", "text_en"]
    autocomplete_fields = ["sponsors", "topics"]
    ordering = ["-edition__ordinal", "number"]
    inlines = [FollowUpInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "edition",
                    "number",
                    "kind",
                    "status",
                    "status_changed_on",
                    "sponsors",
                    "topics",
                ]
            },
        ),
        *language_fieldsets("title", "text"),
    ]


@admin.register(FollowUp)
class FollowUpAdmin(TrackedTranslationAdmin):
    list_display = ["resolution", "edition", "reported_on"]
    list_filter = ["edition"]
    list_select_related = ["resolution__edition", "edition"]
    search_fields = ["resolution__title_en", "report_en"]
    autocomplete_fields = ["resolution"]
    fieldsets = [
        (None, {"fields": ["resolution", "edition", "reported_on"]}),
        *language_fieldsets("report"),
    ]
