from functools import partial

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin

from events.admin import language_fieldsets
from events.models import Edition

from . import admin_views, services
from .admin_actions import REGISTRATION_ACTIONS
from .audit import AuditLogAdminMixin
from .dashboard import edition_dashboard
from .exports import registrations_csv_response
from .models import (
    DelegateMessage,
    MessageDelivery,
    Person,
    Question,
    Registration,
    RegistrationStatusChange,
)


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


@admin.register(Person)
class PersonAdmin(AuditLogAdminMixin, TranslationAdmin):
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
    actions = [anonymize_people, withdraw_from_public]
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


class StatusChangeInline(admin.TabularInline):
    model = RegistrationStatusChange
    fields = ["changed_at", "from_status", "to_status", "actor", "user", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        # Each row names its organizer, and is labelled with its registration.
        return super().get_queryset(request).select_related("user", "registration__person", "registration__edition")


class _DoneFilter(admin.SimpleListFilter):
    """Yes / no on whether a timestamp field is set."""

    field = ""

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(**{f"{self.field}__isnull": self.value() == "no"})
        return queryset


class ConfirmedFilter(_DoneFilter):
    title = _("e-mail confirmed")
    parameter_name = "confirmed"
    field = "confirmed_at"


class CheckedInFilter(_DoneFilter):
    title = _("checked in")
    parameter_name = "checked_in"
    field = "checked_in_at"


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class RegistrationMessagesInline(ReadOnlyInline):
    """The messages this delegate was sent from the composer."""

    model = MessageDelivery
    fields = ["message", "status", "sent_at", "error"]
    readonly_fields = fields
    verbose_name_plural = _("messages sent")

    def get_queryset(self, request):
        # Each row is labelled "message → registration" (the person and edition too).
        return super().get_queryset(request).select_related("message", "registration__person", "registration__edition")


@admin.register(Registration)
class RegistrationAdmin(AuditLogAdminMixin, admin.ModelAdmin):
    list_display = [
        "person_name",
        "person_native_name",
        "person_organization",
        "edition",
        "status",
        "person_side",
        "person_category",
        "is_confirmed",
        "is_checked_in",
        "created_at",
    ]
    list_display_links = ["person_name"]
    list_filter = [
        "edition",
        "status",
        "person__side",
        "person__category",
        ConfirmedFilter,
        CheckedInFilter,
    ]
    list_select_related = ["person", "edition"]
    list_per_page = 100
    # With 100,000 rows a second COUNT(*) over the whole table costs more than it tells.
    show_full_result_count = False
    search_fields = [
        "person__family_name",
        "person__given_name",
        "person__native_name",
        "person__organization_en",
        "person__organization_ja",
        "person__organization_zh_hant",
        "email",
        "person__email",
    ]
    autocomplete_fields = ["person", "edition"]
    change_list_template = "admin/delegates/registration/change_list.html"
    actions = REGISTRATION_ACTIONS
    inlines = [StatusChangeInline, RegistrationMessagesInline]
    # The status moves only through delegates.services, which keeps capacity and history right.
    readonly_fields = [
        "status",
        "answers_display",
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
        # Answers are shown next to their questions; the raw JSON would only invite typos.
        "answers_display",
        "created_at",
        "confirmed_at",
        "status_changed_at",
        "checked_in_at",
    ]

    @admin.display(description=_("answers to extra questions"))
    def answers_display(self, registration):
        return format_html_join(mark_safe("<br>"), "{}: {}", registration.answer_pairs()) or "—"

    @admin.display(description=_("name"), ordering="person__family_name")
    def person_name(self, registration):
        return registration.person.full_name

    @admin.display(description=_("name in native script"), ordering="person__native_name")
    def person_native_name(self, registration):
        return registration.person.native_name

    @admin.display(description=_("organization"))
    def person_organization(self, registration):
        return registration.person.organization

    @admin.display(description=_("side"), ordering="person__side")
    def person_side(self, registration):
        return registration.person.get_side_display()

    @admin.display(description=_("category"), ordering="person__category")
    def person_category(self, registration):
        return registration.person.get_category_display()

    @admin.display(description=_("confirmed"), boolean=True, ordering="confirmed_at")
    def is_confirmed(self, registration):
        return registration.confirmed_at is not None

    @admin.display(description=_("checked in"), boolean=True, ordering="checked_in_at")
    def is_checked_in(self, registration):
        return registration.checked_in_at is not None

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("dashboard/", view(self.dashboard_view), name="delegates_registration_dashboard"),
            path(
                "dashboard/<int:edition_id>/",
                view(self.dashboard_view),
                name="delegates_registration_dashboard",
            ),
            path("export/", view(self.export_view), name="delegates_registration_export"),
            path("compose/", view(partial(admin_views.compose_view, self)), name="delegates_registration_compose"),
            path("import/", view(partial(admin_views.import_view, self)), name="delegates_registration_import"),
            path(
                "import/confirm/",
                view(partial(admin_views.import_confirm_view, self)),
                name="delegates_registration_import_confirm",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        query = request.GET.urlencode()
        suffix = f"?{query}" if query else ""
        tools = []
        if self.has_change_permission(request):
            tools.append(
                {"url": reverse("admin:delegates_registration_compose") + suffix, "label": _("Write to these")}
            )
        if self.has_add_permission(request):
            tools.append({"url": reverse("admin:delegates_registration_import"), "label": _("Import CSV")})
        context = {"export_url": reverse("admin:delegates_registration_export") + suffix, "extra_tools": tools}
        return super().changelist_view(request, {**context, **(extra_context or {})})

    def dashboard_view(self, request, edition_id=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        editions = Edition.objects.order_by("-ordinal")
        if edition_id is None:
            # The edition taking registrations now, else the newest one.
            edition = editions.filter(status=Edition.Status.REGISTRATION_OPEN).first() or editions.first()
        else:
            edition = get_object_or_404(editions, pk=edition_id)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Registration dashboard"),
            "editions": editions,
            "edition": edition,
            "dashboard": None,
        }
        if edition:
            dashboard = edition_dashboard(edition)
            context["dashboard"] = dashboard
            # (heading, figures, the changelist filter each row links to)
            context["breakdowns"] = [
                (_("By side"), dashboard.by_side, "person__side__exact"),
                (_("By category"), dashboard.by_category, "person__category__exact"),
                (_("By status"), dashboard.by_status, "status__exact"),
            ]
        return TemplateResponse(request, "admin/delegates/registration/dashboard.html", context)

    def export_view(self, request):
        """The changelist as it is filtered and searched now, as CSV."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        changelist = admin_views.filtered_changelist(self, request)
        if changelist is None:
            return admin_views.back_to_list_with_error()
        queryset = changelist.get_queryset(request)
        filename = f"registrations-{timezone.localtime():%Y%m%d-%H%M}.csv"
        return registrations_csv_response(queryset, filename)


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


@admin.register(Question)
class QuestionAdmin(TranslationAdmin):
    """Extra questions on an edition's registration form; answers are stored with each registration."""

    list_display = ["label", "edition", "asked_on", "kind", "required", "order"]
    list_editable = ["order"]
    list_filter = ["edition", "asked_on", "kind", "required"]
    search_fields = ["label_en", "label_ja", "label_zh_hant"]
    autocomplete_fields = ["edition"]
    fieldsets = [
        (None, {"fields": ["edition", "asked_on", "kind", "required", "order"]}),
        *language_fieldsets("label", "help_text", "choices"),
    ]


class DeliveryInline(ReadOnlyInline):
    model = MessageDelivery
    fields = ["registration", "status", "sent_at", "error"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("message", "registration__person", "registration__edition")


@admin.register(DelegateMessage)
class DelegateMessageAdmin(admin.ModelAdmin):
    """Messages are written in the composer (the registration list's "Write to these"); here they are read."""

    list_display = ["subject", "created_at", "sent_by", "recipients_filter", "sent_count", "delivery_count"]
    list_select_related = ["sent_by"]
    search_fields = ["subject", "body"]
    fields = ["subject", "body", "recipients_filter", "sent_by", "created_at"]
    readonly_fields = fields
    inlines = [DeliveryInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                delivery_total=Count("deliveries"),
                sent_total=Count("deliveries", filter=Q(deliveries__status=MessageDelivery.Status.SENT)),
            )
        )

    @admin.display(description=_("recipients"), ordering="delivery_total")
    def delivery_count(self, message):
        return message.delivery_total

    @admin.display(description=_("sent"), ordering="sent_total")
    def sent_count(self, message):
        return message.sent_total

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


from . import admin_logistics  # noqa: E402, F401  (hotels, travel details, letters, badge sheets)
