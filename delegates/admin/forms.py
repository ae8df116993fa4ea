"""Forms behind the organizer's pages in the admin: the message composer and the CSV import."""

from django import forms
from django.utils.translation import gettext_lazy as _

from events.models import Edition

from .. import services
from ..imports import MAX_FILE_BYTES
from ..messaging import PLACEHOLDERS, unknown_placeholders
from ..models import Registration, RegistrationStatusChange

Status = Registration.Status


class ComposeMessageForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 12, "cols": 80}),
        help_text=_("Separate paragraphs with an empty line."),
    )
    # The number of recipients the organizer saw in the preview; sending checks it again.
    expected_recipients = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean(self):
        cleaned = super().clean()
        for field in ("subject", "body"):
            unknown = unknown_placeholders(cleaned.get(field, ""))
            if unknown:
                self.add_error(
                    field,
                    _("Unknown placeholder: %(unknown)s. You can use %(known)s.")
                    % {
                        "unknown": ", ".join(f"{{{name}}}" for name in unknown),
                        "known": ", ".join(f"{{{name}}}" for name in PLACEHOLDERS),
                    },
                )
        return cleaned


class ImportUploadForm(forms.Form):
    edition = forms.ModelChoiceField(
        label=_("Edition"), queryset=Edition.objects.order_by("-ordinal"), empty_label=None
    )
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8, with or without a byte order mark (Excel: “CSV UTF-8”), comma-separated."),
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
