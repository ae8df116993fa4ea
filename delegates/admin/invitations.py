"""Invitations: one person, or a CSV file of them (through the import page), invited by
e-mail to an edition, with the history of each (sent, reminded, opened, answered).

Every invitation is made, sent again and answered through delegates.services."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .. import services
from ..models import Delegation, Invitation, InvitationEvent
from .registrations import ReadOnlyInline


class InvitationEventInline(ReadOnlyInline):
    model = InvitationEvent
    fields = ["kind", "at", "user"]
    readonly_fields = fields
    verbose_name_plural = _("history")


class InvitationAddForm(forms.ModelForm):
    """Says before saving why an invitation would be refused (already invited or registered,
    the edition takes no invitations, a delegation of another edition)."""

    class Meta:
        model = Invitation
        fields = [
            "edition",
            "delegation",
            "email",
            "family_name",
            "given_name",
            "language",
            "participation",
            "skips_approval",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True

    def clean(self):
        cleaned = super().clean()
        edition, email = cleaned.get("edition"), cleaned.get("email")
        if edition is not None and email:
            try:
                services.invitation_check(edition=edition, email=email, delegation=cleaned.get("delegation"))
            except services.RegistrationError as refusal:
                raise ValidationError(refusal.message) from refusal
        return cleaned


@admin.action(description=_("Send the selected invitations again (fresh link)"))
def send_again(modeladmin, request, queryset):
    sent, refusals = 0, []
    for invitation in queryset:
        try:
            services.invitation_resend(invitation=invitation, user=request.user)
        except services.RegistrationError as refusal:
            refusals.append(f"{invitation.email}: {refusal.message}")
        else:
            sent += 1
    if sent:
        modeladmin.message_user(
            request,
            ngettext("%(count)s invitation sent again.", "%(count)s invitations sent again.", sent) % {"count": sent},
            messages.SUCCESS,
        )
    for refusal in refusals:
        modeladmin.message_user(request, refusal, messages.WARNING)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = [
        "invitee",
        "email",
        "edition",
        "delegation",
        "participation",
        "status",
        "sent_at",
        "reminders_sent",
        "registration_link",
    ]
    list_filter = ["edition", "status", "delegation__side", "delegation", "participation"]
    list_select_related = ["edition", "delegation", "registration"]
    search_fields = ["email", "family_name", "given_name"]
    autocomplete_fields = ["edition"]
    actions = [send_again]
    inlines = [InvitationEventInline]
    change_list_template = "admin/delegates/invitation/change_list.html"
    # What an organizer may still change once sent; the address and the answer are the invitee's.
    CHANGEABLE = ["delegation", "language", "participation", "skips_approval"]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = InvitationAddForm
        form = super().get_form(request, obj, **kwargs)
        if obj is not None and "delegation" in form.base_fields:
            # Only the invitation's own edition's delegations can be chosen.
            form.base_fields["delegation"].queryset = Delegation.objects.filter(edition=obj.edition_id)
        return form

    def get_fields(self, request, obj=None):
        if obj is None:
            return InvitationAddForm.Meta.fields
        return [
            "edition",
            "email",
            "family_name",
            "given_name",
            *self.CHANGEABLE,
            "status",
            "registration_link",
            "sent_at",
            "expires_at",
            "opened_at",
            "answered_at",
            "reminders_sent",
            "last_reminded_at",
            "invited_by",
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        changeable = [] if obj.status == Invitation.Status.REGISTERED else self.CHANGEABLE
        return [field for field in self.get_fields(request, obj) if field not in changeable]

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    @admin.display(description=_("invitee"), ordering="family_name")
    def invitee(self, invitation):
        return invitation.full_name

    @admin.display(description=_("registration"))
    def registration_link(self, invitation):
        if invitation.registration_id is None:
            return "—"
        url = reverse("admin:delegates_registration_change", args=[invitation.registration_id])
        return format_html('<a href="{}">{}</a>', url, invitation.registration.get_status_display())

    def save_model(self, request, obj, form, change):
        if change:
            obj.save()
            return
        try:
            created = services.invitation_create(
                edition=obj.edition,
                data={"email": obj.email, "family_name": obj.family_name, "given_name": obj.given_name},
                language=obj.language,
                delegation=obj.delegation,
                participation=obj.participation,
                skips_approval=obj.skips_approval,
                user=request.user,
            )
        except services.RegistrationError as refusal:
            self.message_user(request, refusal.message, messages.ERROR)
            return
        # The admin goes on with this object: its history entry and the page after saving.
        obj.pk = created.pk
        obj._state.adding = False

    def changelist_view(self, request, extra_context=None):
        import_url = reverse("admin:delegates_registration_import") + "?action=invite"
        return super().changelist_view(request, {**(extra_context or {}), "import_url": import_url})
