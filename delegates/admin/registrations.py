"""Registrations in the admin. Every write goes through delegates.services: organizers cannot
add or delete a registration here, nor move it to another edition, person or address; they
change its status with the buttons on its page (or the actions on the list), which keep the
capacity, the waiting list and the history right."""

from functools import partial

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Min, Q
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from events.admin import language_fieldsets
from events.models import Edition

from .. import services
from ..audit import AuditLogAdminMixin
from ..dashboard import edition_dashboard
from ..emails import subject_as_sent
from ..exports import registrations_csv_response
from ..models import (
    DelegateMessage,
    Delegation,
    MessageDelivery,
    Question,
    Registration,
    RegistrationStatusChange,
)
from . import views
from .actions import REGISTRATION_ACTIONS


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
        "delegation",
        "participation",
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
    change_list_template = "admin/delegates/registration/change_list.html"
    actions = REGISTRATION_ACTIONS
    inlines = [StatusChangeInline, RegistrationMessagesInline]
    change_form_template = "admin/delegates/registration/change_form.html"
    # The status moves only through delegates.services, which keeps capacity and history right;
    # edition, person and address are fixed at creation (moving edition would skip the capacity lock).
    readonly_fields = [
        "edition",
        "person",
        "email",
        "status",
        "answers_display",
        "texts_language",
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
        "delegation",
        "participation",
        "by_invitation",
        "language",
        "interpretation_language",
        "dietary_needs",
        "accessibility_needs",
        # Answers are shown next to their questions; the raw JSON would only invite typos.
        "answers_display",
        "texts_language",
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

    # Registrations are created by the public form and the import, both through
    # services.registration_create; they are never deleted (cancel, or erase the person).
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def may_import(self, request):
        return self.has_change_permission(request) and request.user.has_perm("delegates.add_registration")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        registration = self.get_object(request, object_id)
        extra_context = {**(extra_context or {})}
        if registration is not None and self.has_change_permission(request, registration):
            extra_context["transitions"] = views.TransitionForm.buttons_for(registration)
            extra_context["transition_form"] = views.TransitionForm()
        return super().change_view(request, object_id, form_url, extra_context)

    ASSIGNMENT_FIELDS = ("delegation", "participation", "by_invitation")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "delegation":
            kwargs["queryset"] = Delegation.objects.select_related("edition")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        # Delegation, participation and invitation decide which quotas a place counts against:
        # they change through the service, under the edition's lock, or not at all.
        assignment = {field: form.cleaned_data[field] for field in self.ASSIGNMENT_FIELDS if field in form.cleaned_data}
        if not (change and set(assignment) & set(form.changed_data)):
            return super().save_model(request, obj, form, change)
        stored = Registration.objects.filter(pk=obj.pk).values("delegation_id", "participation", "by_invitation").get()
        for name, value in stored.items():
            setattr(obj, name, value)
        super().save_model(request, obj, form, change)
        try:
            services.registration_assign(registration=obj, user=request.user, **assignment)
        except services.RegistrationError as refusal:
            self.message_user(request, refusal.message, messages.ERROR)

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
            path("compose/", view(partial(views.compose_view, self)), name="delegates_registration_compose"),
            path("import/", view(partial(views.import_view, self)), name="delegates_registration_import"),
            path(
                "import/confirm/",
                view(partial(views.import_confirm_view, self)),
                name="delegates_registration_import_confirm",
            ),
            path(
                "<int:object_id>/transition/",
                view(partial(views.transition_view, self)),
                name="delegates_registration_transition",
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
        if self.may_import(request):
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
        changelist = views.filtered_changelist(self, request)
        if changelist is None:
            return views.back_to_list_with_error()
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
    fields = ["registration", "status", "language", "sent_at", "error"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("message", "registration__person", "registration__edition")


class MessageChangeList(ChangeList):
    def get_results(self, request):
        super().get_results(request)
        ids = {message.only_edition_id for message in self.result_list if message.edition_total == 1}
        editions = Edition.objects.select_related("series").in_bulk(ids)
        for message in self.result_list:
            message.only_edition = editions.get(message.only_edition_id) if message.edition_total == 1 else None


@admin.register(DelegateMessage)
class DelegateMessageAdmin(admin.ModelAdmin):
    """Messages are written in the composer (the registration list's "Write to these"); here they are read."""

    list_display = ["sent_subject", "created_at", "sent_by", "recipients_filter", "sent_count", "delivery_count"]
    list_select_related = ["sent_by"]
    search_fields = ["subject", "body", "subject_ja", "body_ja", "subject_zh_hant", "body_zh_hant"]
    # The subjects as delegates read them, each version's body as the organizer wrote it
    # (its placeholders differ per delegate).
    fields = [
        "subjects_as_sent",
        "body",
        "body_ja",
        "body_zh_hant",
        "recipients_filter",
        "sent_by",
        "created_at",
    ]
    readonly_fields = fields
    inlines = [DeliveryInline]

    def get_changelist(self, request, **kwargs):
        return MessageChangeList

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                delivery_total=Count("deliveries"),
                sent_total=Count("deliveries", filter=Q(deliveries__status=MessageDelivery.Status.SENT)),
                edition_total=Count("deliveries__registration__edition", distinct=True),
                only_edition_id=Min("deliveries__registration__edition"),
            )
        )

    @admin.display(description=_("subject as sent"), ordering="subject")
    def sent_subject(self, message):
        """What a reader of the organizer's language got: their version, or the English one."""
        return subject_as_sent(message, edition=self._only_edition(message), language=get_language())

    @admin.display(description=_("subjects as sent"))
    def subjects_as_sent(self, message):
        """Each version's subject, as its readers got it."""
        edition = self._only_edition(message)
        names = dict(settings.LANGUAGES)
        return format_html_join(
            mark_safe("<br>"),
            "{}",
            (
                (
                    _("%(language)s: %(subject)s")
                    % {
                        "language": names[language],
                        "subject": subject_as_sent(message, edition=edition, language=language),
                    },
                )
                for language in message.written_languages()
            ),
        )

    @staticmethod
    def _only_edition(message):
        """The edition every recipient was of, or None; the list loads them in bulk."""
        if not hasattr(message, "only_edition"):  # the change form: one message, one look-up
            message.only_edition = (
                Edition.objects.select_related("series").get(pk=message.only_edition_id)
                if message.edition_total == 1
                else None
            )
        return message.only_edition

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
