"""Delegations: who sends whom, each with its focal point and its quota of places.

Every change that can touch a quota goes through delegates.services (delegation_save,
registration_assign), under the edition's lock, like the capacity."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from events.admin import language_fieldsets

from .. import services, tokens
from ..models import Delegation, Registration
from .registrations import ReadOnlyInline


class MemberInline(ReadOnlyInline):
    model = Registration
    fields = ["person", "participation", "status", "by_invitation"]
    readonly_fields = fields
    verbose_name = _("member")
    verbose_name_plural = _("members")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person", "edition")


class DelegationForm(forms.ModelForm):
    """The admin builds the fields from the fieldsets; this adds the quota's check."""

    def clean_quota(self):
        quota = self.cleaned_data.get("quota")
        if self.instance.pk:
            try:
                services.delegation_quota_check(delegation=self.instance, quota=quota)
            except services.RegistrationError as refusal:
                raise ValidationError(refusal.message) from refusal
        return quota


@admin.action(description=_("E-mail the focal points their private link"))
def send_focal_point_link(modeladmin, request, queryset):
    sent = 0
    for delegation in queryset:
        try:
            services.delegation_send_focal_point_link(delegation=delegation)
        except services.RegistrationError as refusal:
            modeladmin.message_user(request, refusal.message, messages.WARNING)
        else:
            sent += 1
    if sent:
        modeladmin.message_user(
            request,
            ngettext(
                "The link is on its way to %(count)s focal point.",
                "The link is on its way to %(count)s focal points.",
                sent,
            )
            % {"count": sent},
            messages.SUCCESS,
        )


@admin.register(Delegation)
class DelegationAdmin(TranslationAdmin):
    form = DelegationForm
    list_display = ["name", "edition", "side", "kind", "quota_use", "head_name", "focal_point_name"]
    list_filter = ["edition", "side", "kind"]
    list_select_related = ["edition"]
    search_fields = ["name_en", "name_ja", "name_zh_hant", "head_name", "focal_point_name", "focal_point_email"]
    autocomplete_fields = ["edition"]
    inlines = [MemberInline]
    actions = [send_focal_point_link]
    fieldsets = [
        (None, {"fields": ["edition", "side", "kind", "quota"]}),
        *language_fieldsets("name"),
        (
            _("People"),
            {"fields": ["head_name", "focal_point_name", "focal_point_email", "focal_point_link", "invite_members"]},
        ),
        (_("Notes"), {"fields": ["notes"]}),
    ]

    readonly_fields = ["focal_point_link", "invite_members"]

    @admin.display(description=_("invitations"))
    def invite_members(self, delegation):
        if delegation.pk is None:
            return _("Save the delegation first.")
        query = urlencode({"action": "invite", "edition": delegation.edition_id, "delegation": delegation.pk})
        invited = reverse("admin:delegates_invitation_changelist") + f"?delegation__id__exact={delegation.pk}"
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("admin:delegates_registration_import") + "?" + query,
            _("Invite members from a CSV file"),
            invited,
            _("See the delegation's invitations"),
        )

    def get_queryset(self, request):
        return super().get_queryset(request).with_quota_use()

    @admin.display(description=_("focal point's private link"))
    def focal_point_link(self, delegation):
        if delegation.pk is None:
            return _("Save the delegation first.")
        language = get_language()
        url = tokens.delegation_url(delegation, language)
        return format_html(
            '<a href="{0}"><code>{0}</code></a><br>{1}',
            url,
            _(
                "Send it to the focal point: with it they register and manage the delegation's "
                "members, no account needed."
            ),
        )

    @admin.display(description=_("places taken / quota"), ordering="places_taken")
    def quota_use(self, delegation):
        quota = "—" if delegation.quota is None else delegation.quota
        return f"{delegation.places_taken} / {quota}"

    def save_model(self, request, obj, form, change):
        # Under the edition's lock; a raised quota gives waiting members their places.
        try:
            services.delegation_save(delegation=obj, user=request.user)
        except services.RegistrationError as refusal:
            self.message_user(request, refusal.message, messages.ERROR)
