"""The organizers' side of logistics: each edition's hotels, deadline and letter wording; the
delegates' travel details; reports; invitation letters; badge sheets.

Every write goes through delegates.logistics, delegates.letters or delegates.badge_sheets,
as the delegates' own pages do.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from events.admin import language_fieldsets
from events.models import Edition

from ..badge_sheets import badge_sheet_delete, badge_sheet_request, sheet_path
from ..exports import csv_lines, neutralize_formula
from ..forms import _question_field
from ..letters import letter_issue, letter_pdf, letter_revoke
from ..logistics import LogisticsError, follow_up_questions, social_events, travel_plan_save, travel_reminders_send
from ..logistics_forms import TRAVEL_FIELDSETS_FLAT, check_travel_dates
from ..logistics_reports import REPORTS
from ..models import BadgeSheet, EditionLogistics, Hotel, InvitationLetter, Registration, TravelPlan


class HotelInline(TranslationTabularInline):
    model = Hotel
    fields = ["order", "name", "address"]
    extra = 0


@admin.action(description=_("Remind accepted delegates to give their travel details"), permissions=["change"])
def send_travel_reminders(modeladmin, request, queryset):
    for logistics in queryset.select_related("edition"):
        try:
            count = travel_reminders_send(edition=logistics.edition)
        except LogisticsError as error:
            modeladmin.message_user(request, f"{logistics.edition}: {error.message}", messages.ERROR)
        else:
            modeladmin.message_user(
                request,
                ngettext(
                    "%(edition)s: a reminder is on its way to %(count)d delegate.",
                    "%(edition)s: reminders are on their way to %(count)d delegates.",
                    count,
                )
                % {"edition": logistics.edition, "count": count},
                messages.SUCCESS,
            )


@admin.register(EditionLogistics)
class EditionLogisticsAdmin(TranslationAdmin):
    list_display = ["edition", "follow_up_deadline", "reports"]
    autocomplete_fields = ["edition"]
    inlines = [HotelInline]
    actions = [send_travel_reminders]
    fieldsets = [
        (None, {"fields": ["edition", "follow_up_deadline"]}),
        *language_fieldsets("letter_issuer", "letter_body", "letter_signatory"),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("edition__series")

    @admin.display(description=_("reports"))
    def reports(self, logistics):
        links = [
            format_html(
                '<a href="{}">{}</a> (<a href="{}">CSV</a>)',
                reverse("admin:delegates_editionlogistics_report", args=[logistics.edition_id, slug]),
                report.title,
                reverse("admin:delegates_editionlogistics_report_csv", args=[logistics.edition_id, slug]),
            )
            for slug, report in REPORTS.items()
        ]
        links.append(
            format_html(
                '<a href="{}">{}</a>',
                reverse("admin:delegates_editionlogistics_badges", args=[logistics.edition_id]),
                _("Print every badge"),
            )
        )
        return format_html("{}", format_html("<br>".join(["{}"] * len(links)), *links))

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:edition_id>/report/<slug:slug>/", view(self.report_view), name="delegates_editionlogistics_report"
            ),
            path(
                "<int:edition_id>/report/<slug:slug>.csv",
                view(self.report_csv_view),
                name="delegates_editionlogistics_report_csv",
            ),
            path("<int:edition_id>/badges/", view(self.badges_view), name="delegates_editionlogistics_badges"),
            *super().get_urls(),
        ]

    def _report(self, request, edition_id, slug):
        if not request.user.has_perm("delegates.view_travelplan"):
            raise PermissionDenied
        report = REPORTS.get(slug)
        if report is None:
            raise Http404
        return get_object_or_404(Edition.objects.select_related("series"), pk=edition_id), report

    def report_csv_view(self, request, edition_id, slug):
        edition, report = self._report(request, edition_id, slug)
        headings = report.headings()

        def rows():
            yield headings
            for row in report.rows(edition):
                yield [neutralize_formula(value) for value in row]

        response = StreamingHttpResponse(csv_lines(rows()), content_type="text/csv; charset=utf-8")
        filename = f"{slug}-{edition.slug}-{timezone.localtime():%Y%m%d-%H%M}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def report_view(self, request, edition_id, slug):
        edition, report = self._report(request, edition_id, slug)
        # Leading columns shared by consecutive rows become a heading, as on a printed list.
        groups = []
        for row in report.rows(edition):
            key, rest = row[: report.group_by], row[report.group_by :]
            if not groups or groups[-1]["key"] != key:
                groups.append({"key": key, "rows": []})
            groups[-1]["rows"].append(rest)
        headings = report.headings()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"{report.title}: {edition}",
            "edition": edition,
            "report": report,
            "group_headings": headings[: report.group_by],
            "headings": headings[report.group_by :],
            "groups": groups,
            "csv_url": reverse("admin:delegates_editionlogistics_report_csv", args=[edition.pk, slug]),
        }
        return TemplateResponse(request, "admin/delegates/logistics/report.html", context)

    def badges_view(self, request, edition_id):
        if not request.user.has_perm("delegates.add_badgesheet"):
            raise PermissionDenied
        edition = get_object_or_404(Edition.objects.select_related("series"), pk=edition_id)
        if request.method != "POST":
            context = {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": _("Print every badge of %(edition)s") % {"edition": edition},
                "edition": edition,
                "count": Registration.objects.for_edition(edition).accepted().count(),
            }
            return TemplateResponse(request, "admin/delegates/logistics/badges_confirm.html", context)
        sheet = badge_sheet_request(
            registrations=Registration.objects.for_edition(edition),
            edition=edition,
            description=str(_("Every accepted delegate of %(edition)s") % {"edition": edition}),
            user=request.user,
        )
        return redirect("admin:delegates_badgesheet_change", sheet.pk)


class TravelPlanAdminForm(forms.ModelForm):
    class Meta:
        model = TravelPlan
        fields = ["registration", *[name for name in TRAVEL_FIELDSETS_FLAT]]

    def clean(self):
        cleaned = super().clean()
        registration = cleaned.get("registration") or getattr(self.instance, "registration", None)
        cleaned = check_travel_dates(self, cleaned, registration.edition if registration else None)
        if registration is None:
            return cleaned
        if registration.status != Registration.Status.ACCEPTED:
            raise forms.ValidationError(_("Travel details can be given once the registration is accepted."))
        hotel = cleaned.get("hotel")
        if hotel is not None and hotel.logistics.edition_id != registration.edition_id:
            self.add_error("hotel", _("Please choose one of this edition's hotels."))
        allowed = set(social_events(registration.edition).values_list("pk", flat=True))
        if any(session.pk not in allowed for session in cleaned.get("social_events") or []):
            self.add_error("social_events", _("Please choose among this edition's social events."))
        return cleaned


@admin.register(TravelPlan)
class TravelPlanAdmin(admin.ModelAdmin):
    """Organizers fill in or correct travel details, after the deadline too."""

    form = TravelPlanAdminForm
    list_display = ["registration", "arrival_date", "arrival_time", "arrival_place", "hotel", "needs_shuttle"]
    list_filter = ["registration__edition", "accommodation", "hotel", "needs_shuttle", "arrival_date"]
    list_select_related = ["registration__person", "registration__edition", "hotel"]
    search_fields = [
        "registration__person__family_name",
        "registration__person__given_name",
        "registration__person__native_name",
    ]
    autocomplete_fields = ["registration"]
    filter_horizontal = ["social_events"]
    readonly_fields = ["updated_at", "updated_by_organizer"]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "registration"] if obj else self.readonly_fields

    def get_form(self, request, obj=None, **kwargs):
        """On a change page, the edition's follow-up questions too, with the delegate's answers:
        organizers correct those as well (optional here, whatever the delegate's form asks)."""
        if obj is None:
            return super().get_form(request, obj, **kwargs)
        questions = follow_up_questions(obj.registration.edition)
        extra = {}
        for question in questions:
            field = _question_field(question)
            field.required = False
            field.initial = obj.answers.get(question.answer_key, "")
            extra[question.answer_key] = field
        form = type("TravelPlanWithAnswersForm", (TravelPlanAdminForm,), extra)
        return super().get_form(request, obj, **{**kwargs, "form": form})

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data.get(name) for name in TRAVEL_FIELDSETS_FLAT if name != "social_events"}
        data["answers"] = {
            **obj.answers,
            **{
                question.answer_key: form.cleaned_data.get(question.answer_key, "")
                for question in follow_up_questions(obj.registration.edition)
                if question.answer_key in form.cleaned_data
            },
        }
        try:
            saved = travel_plan_save(
                registration=obj.registration,
                data=data,
                social_event_ids=[session.pk for session in form.cleaned_data.get("social_events") or []],
                by_organizer=True,
            )
        except LogisticsError as error:
            # The form checked the same rules; this only happens when the row changed meanwhile.
            raise PermissionDenied(error.message) from error
        obj.pk = saved.pk

    def save_related(self, request, form, formsets, change):
        """The service has stored the social events already."""


@admin.action(description=_("Issue invitation letters"), permissions=["change"])
def issue_letters(modeladmin, request, queryset):
    issued = 0
    for registration in queryset.select_related("person", "edition").order_by("pk"):
        try:
            letter_issue(registration=registration, user=request.user)
        except LogisticsError as error:
            modeladmin.message_user(request, f"{registration}: {error.message}", messages.ERROR)
        else:
            issued += 1
    if issued:
        modeladmin.message_user(
            request,
            ngettext("%(count)d letter issued.", "%(count)d letters issued.", issued) % {"count": issued},
            messages.SUCCESS,
        )


@admin.action(description=_("Print badges of the selected (accepted) delegates"), permissions=["view"])
def print_badge_sheet(modeladmin, request, queryset):
    if not request.user.has_perm("delegates.add_badgesheet"):
        raise PermissionDenied
    editions = list(queryset.values_list("edition", flat=True).distinct()[:2])
    sheet = badge_sheet_request(
        registrations=Registration.objects.filter(pk__in=queryset.values("pk")),
        edition=Edition.objects.get(pk=editions[0]) if len(editions) == 1 else None,
        description=str(
            _("Selected from the registration list (%(filters)s)") % {"filters": request.GET.urlencode() or "—"}
        ),
        user=request.user,
    )
    return redirect("admin:delegates_badgesheet_change", sheet.pk)


@admin.action(description=_("Withdraw the selected letters"), permissions=["change"])
def withdraw_letters(modeladmin, request, queryset):
    for letter in queryset:
        letter_revoke(letter=letter)
    modeladmin.message_user(request, _("The letters are withdrawn: their QR codes now say so."), messages.SUCCESS)


@admin.register(InvitationLetter)
class InvitationLetterAdmin(admin.ModelAdmin):
    list_display = ["number", "registration", "language", "issued_at", "revoked_at", "pdf_link"]
    list_filter = ["registration__edition", "language", ("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["registration__person", "registration__edition"]
    search_fields = ["number", "registration__person__family_name", "registration__person__native_name"]
    actions = [withdraw_letters]
    readonly_fields = ["number", "registration", "language", "issued_at", "issued_by", "revoked_at", "pdf_link"]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False  # issued from the registration list, so numbers stay in sequence

    def has_delete_permission(self, request, obj=None):
        return False  # a letter in someone's hands stays on record; withdraw it instead

    @admin.display(description=_("PDF"))
    def pdf_link(self, letter):
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:delegates_invitationletter_pdf", args=[letter.pk]), "PDF"
        )

    def get_urls(self):
        return [
            path(
                "<int:letter_id>/pdf/", self.admin_site.admin_view(self.pdf_view), name="delegates_invitationletter_pdf"
            ),
            *super().get_urls(),
        ]

    def pdf_view(self, request, letter_id):
        if not self.has_view_permission(request):
            raise PermissionDenied
        letter = get_object_or_404(
            InvitationLetter.objects.select_related("registration__person", "registration__edition__series"),
            pk=letter_id,
        )
        response = HttpResponse(letter_pdf(letter), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="invitation-{letter.number}.pdf"'
        return response


@admin.register(BadgeSheet)
class BadgeSheetAdmin(admin.ModelAdmin):
    list_display = ["created_at", "description", "status", "progress", "download"]
    list_filter = ["status", "edition"]
    list_select_related = ["edition"]
    readonly_fields = [
        "description",
        "edition",
        "status",
        "progress",
        "download",
        "requested_by",
        "created_at",
        "finished_at",
        "error",
    ]
    fields = readonly_fields
    change_form_template = "admin/delegates/badgesheet/change_form.html"

    def has_add_permission(self, request):
        return False  # requested from the registration list or an edition's logistics

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("progress"))
    def progress(self, sheet):
        return format_html(
            '<progress max="{}" value="{}">{}%</progress> {} / {}',
            sheet.total or 1,
            sheet.done,
            sheet.percent,
            sheet.done,
            sheet.total,
        )

    @admin.display(description=_("download"))
    def download(self, sheet):
        if sheet.status != BadgeSheet.Status.DONE:
            return "—"
        return format_html(
            '<a href="{}" class="badge-sheet-download">{}</a>',
            reverse("admin:delegates_badgesheet_download", args=[sheet.pk]),
            _("Download the PDF"),
        )

    def get_urls(self):
        return [
            path(
                "<int:sheet_id>/download/",
                self.admin_site.admin_view(self.download_view),
                name="delegates_badgesheet_download",
            ),
            *super().get_urls(),
        ]

    def download_view(self, request, sheet_id):
        if not self.has_view_permission(request):
            raise PermissionDenied
        sheet = get_object_or_404(BadgeSheet, pk=sheet_id, status=BadgeSheet.Status.DONE)
        try:
            handle = open(sheet_path(sheet), "rb")  # noqa: SIM115 - FileResponse closes it
        except FileNotFoundError as error:
            raise Http404 from error
        return FileResponse(
            handle, as_attachment=True, filename=f"badges-{sheet.pk}.pdf", content_type="application/pdf"
        )

    def delete_model(self, request, obj):
        badge_sheet_delete(sheet=obj)

    def delete_queryset(self, request, queryset):
        for sheet in queryset:
            badge_sheet_delete(sheet=sheet)


# The registration list (.registrations, registered before this module is imported) gets
# the actions for letters and badge sheets.
_registration_admin = admin.site.get_model_admin(Registration)
_registration_admin.actions = [*_registration_admin.actions, issue_letters, print_badge_sheet]
