"""Forms behind the organizer's pages in the admin: the message composer and the CSV import."""

from django import forms
from django.utils.translation import gettext_lazy as _

from events.models import Edition

from .. import services
from ..emails import PLACEHOLDERS, unknown_placeholders
from ..imports import MAX_FILE_BYTES, ImportTarget
from ..models import Delegation, Participation, Registration, RegistrationStatusChange

Status = Registration.Status


def _message_field(label, **kwargs):
    return forms.CharField(
        label=label,
        widget=forms.Textarea(attrs={"rows": 10, "cols": 80}),
        help_text=_("Separate paragraphs with an empty line."),
        **kwargs,
    )


class ComposeMessageForm(forms.Form):
    """One message in up to three versions: English (required, and what every reader gets
    whose language has no version) and optional Japanese and Traditional Chinese ones."""

    subject = forms.CharField(label=_("Subject (English)"), max_length=200)
    body = _message_field(_("Message (English)"))
    subject_ja = forms.CharField(label=_("Subject (Japanese)"), max_length=200, required=False)
    body_ja = _message_field(_("Message (Japanese)"), required=False)
    subject_zh_hant = forms.CharField(label=_("Subject (Traditional Chinese)"), max_length=200, required=False)
    body_zh_hant = _message_field(_("Message (Traditional Chinese)"), required=False)
    # The number of recipients the organizer saw in the preview; sending checks it again.
    expected_recipients = forms.IntegerField(widget=forms.HiddenInput, required=False)

    TRANSLATIONS = {"ja": ("subject_ja", "body_ja"), "zh-hant": ("subject_zh_hant", "body_zh_hant")}

    def clean(self):
        cleaned = super().clean()
        for field in ("subject", "body", "subject_ja", "body_ja", "subject_zh_hant", "body_zh_hant"):
            unknown = unknown_placeholders(cleaned.get(field) or "")
            if unknown:
                self.add_error(
                    field,
                    _("Unknown placeholder: %(unknown)s. You can use %(known)s.")
                    % {
                        "unknown": ", ".join(f"{{{name}}}" for name in unknown),
                        "known": ", ".join(f"{{{name}}}" for name in PLACEHOLDERS),
                    },
                )
        for subject_field, body_field in self.TRANSLATIONS.values():
            subject, body = cleaned.get(subject_field), cleaned.get(body_field)
            if bool(subject) != bool(body) and subject_field not in self.errors and body_field not in self.errors:
                self.add_error(
                    body_field if subject else subject_field,
                    _("Write both the subject and the message of this language, or neither."),
                )
        return cleaned

    def translations(self) -> dict[str, tuple[str, str]]:
        """The versions written besides English, by language."""
        return {
            language: (self.cleaned_data[subject], self.cleaned_data[body])
            for language, (subject, body) in self.TRANSLATIONS.items()
            if self.cleaned_data.get(subject) and self.cleaned_data.get(body)
        }


class ImportUploadForm(forms.Form):
    edition = forms.ModelChoiceField(
        label=_("Edition"), queryset=Edition.objects.order_by("-ordinal"), empty_label=None
    )
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8, with or without a byte order mark (Excel: “CSV UTF-8”), comma-separated."),
    )
    action = forms.ChoiceField(
        label=_("Each row"),
        choices=[
            (ImportTarget.REGISTER, _("is registered (the organizers vouch for the address; no e-mail is sent)")),
            (ImportTarget.INVITE, _("is invited: an invitation with a personal link is e-mailed to the address")),
        ],
        initial=ImportTarget.REGISTER,
        required=False,
        widget=forms.RadioSelect,
    )
    delegation = forms.ModelChoiceField(
        label=_("Into the delegation"),
        queryset=Delegation.objects.select_related("edition").order_by("-edition__ordinal", "name_en"),
        required=False,
        help_text=_("Optional; it must belong to the edition."),
    )
    participation = forms.ChoiceField(
        label=_("Coming as"),
        choices=Participation.choices,
        initial=Participation.MEMBER,
        required=False,
        help_text=_("For rows without a comes_as column."),
    )
    skips_approval = forms.BooleanField(
        label=_("Invitees need no approval"),
        required=False,
        help_text=_("An invitee's registration takes a place at once (or the waiting list)."),
    )

    def clean(self):
        cleaned = super().clean()
        edition, delegation = cleaned.get("edition"), cleaned.get("delegation")
        if edition is not None and delegation is not None and delegation.edition_id != edition.pk:
            self.add_error("delegation", services.WrongEditionDelegation().message)
        if edition is not None and cleaned.get("action") == ImportTarget.INVITE:
            if edition.registration_mode == Edition.RegistrationMode.OPEN:
                self.add_error("action", services.InvitationsNotUsed().message)
            elif edition.is_past:
                self.add_error("action", services.EditionOver().message)
        return cleaned

    def target(self) -> ImportTarget:
        return ImportTarget(
            kind=self.cleaned_data.get("action") or ImportTarget.REGISTER,
            delegation=self.cleaned_data.get("delegation"),
            participation=self.cleaned_data.get("participation") or Participation.MEMBER,
            skips_approval=self.cleaned_data.get("skips_approval", False),
        )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB; split it into smaller files.")
                % {"size": MAX_FILE_BYTES // (1024 * 1024)}
            )
        return upload


class TransitionForm(forms.Form):
    """One of the buttons on a registration's page, with the organizer's optional reason."""

    UNDO_CHECK_IN = "undo_check_in"
    SERVICES = {
        Status.ACCEPTED: services.registration_accept,
        Status.WAITLISTED: services.registration_waitlist,
        Status.REJECTED: services.registration_reject,
        Status.CANCELLED: services.registration_cancel,
    }
    BUTTONS = {
        Status.ACCEPTED: _("Accept"),
        Status.WAITLISTED: _("Move to the waiting list"),
        Status.REJECTED: _("Reject"),
        Status.CANCELLED: _("Cancel the registration"),
        UNDO_CHECK_IN: _("Undo the check-in"),
    }

    to = forms.ChoiceField(label=_("New status"))
    note = forms.CharField(
        label=_("Reason (optional)"),
        max_length=RegistrationStatusChange._meta.get_field("note").max_length,
        required=False,
        widget=forms.TextInput(attrs={"class": "vTextField", "size": 60}),
        help_text=_("Kept in the status history; a rejection's reason is also written in the e-mail to the delegate."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Every button is a valid choice: a change the rules refuse gets the service's own reason.
        self.fields["to"].choices = list(self.BUTTONS.items())

    @classmethod
    def buttons_for(cls, registration) -> list[tuple[str, str]]:
        """(value, label) of the buttons to show: the changes the rules allow this registration now."""
        allowed = [status for status in services.allowed_transitions(registration) if status in cls.SERVICES]
        if registration.checked_in_at is not None:
            allowed.append(cls.UNDO_CHECK_IN)
        return [(value, cls.BUTTONS[value]) for value in allowed]
