"""Every input a delegate or the check-in desk sends passes through one of these forms."""

import phonenumbers
from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname

from . import tokens
from .emails import edition_title
from .imports import MAX_FILE_BYTES, ImportFileError, decode
from .models import Category, Person, Question, Registration, Side
from .services import PUBLIC_PERSON_FIELDS, TRANSLATED_PERSON_FIELDS

BLANK_CHOICE = [("", _("Please choose"))]
YES_NO = [("yes", _("Yes")), ("no", _("No"))]
FIELDSETS = [
    (_("Your name"), ["family_name", "given_name", "family_name_first", "native_name", "honorific"]),
    (_("How to reach you"), ["email", "phone"]),
    (_("Your role"), ["texts_language", "position", "organization", "side", "category"]),
    (_("At the summit"), ["interpretation_language", "dietary_needs", "accessibility_needs"]),
    (_("Consent"), ["listed_publicly", "privacy_consent", "website"]),
]


def _model_field(model, name, **overrides):
    """The model's own form field, so lengths and labels are defined once."""
    return model._meta.get_field(name).formfield(**overrides)


def _question_field(question: Question):
    common = {"label": question.label, "help_text": question.help_text, "required": question.required}
    if question.kind == Question.Kind.CHOICE:
        return forms.ChoiceField(choices=BLANK_CHOICE + question.choice_pairs(), **common)
    if question.kind == Question.Kind.YES_NO:
        return forms.ChoiceField(choices=YES_NO, widget=forms.RadioSelect, **common)
    return forms.CharField(max_length=1000, widget=forms.Textarea(attrs={"rows": 2}), **common)


class DelegateDetailsForm(forms.Form):
    """What a delegate tells us about themselves; shared by registration and self-service."""

    family_name = _model_field(Person, "family_name", widget=forms.TextInput(attrs={"autocomplete": "family-name"}))
    given_name = _model_field(Person, "given_name", widget=forms.TextInput(attrs={"autocomplete": "given-name"}))
    family_name_first = _model_field(Person, "family_name_first", help_text=_('For example "Lee Yi-yang".'))
    native_name = _model_field(Person, "native_name")
    honorific = _model_field(
        Person, "honorific", help_text=_("For example Hon., Dr., Councilor; as it should appear on your badge.")
    )
    # What the delegate writes is kept as written; they say in which language (the page's by
    # default), so an English correction made on a Japanese page is not filed as Japanese.
    texts_language = forms.ChoiceField(
        label=_("You write in"),
        choices=settings.LANGUAGES,
        required=False,
        help_text=_(
            "Your position, organization, needs and answers are kept as you write them, in this "
            "language; the organizers may add translations."
        ),
    )
    position = _model_field(Person, "position", widget=forms.TextInput(attrs={"autocomplete": "organization-title"}))
    organization = _model_field(Person, "organization", widget=forms.TextInput(attrs={"autocomplete": "organization"}))
    side = forms.ChoiceField(
        label=_("Country or side"),
        choices=BLANK_CHOICE + Side.choices,
        help_text=_("The delegation you come with."),
    )
    category = forms.ChoiceField(label=_("Category"), choices=BLANK_CHOICE + Category.choices)
    phone = forms.CharField(
        label=_("Phone"),
        required=False,
        max_length=32,
        help_text=_("Optional. In international format with the country code, for example +81 3 1234 5678."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    interpretation_language = _model_field(Registration, "interpretation_language")
    dietary_needs = _model_field(
        Registration, "dietary_needs", widget=forms.Textarea(attrs={"rows": 2}), help_text=_("Optional.")
    )
    accessibility_needs = _model_field(
        Registration, "accessibility_needs", widget=forms.Textarea(attrs={"rows": 2}), help_text=_("Optional.")
    )
    listed_publicly = forms.BooleanField(
        label=_("List me publicly as a participant"),
        required=False,
        help_text=_("Optional. Your name, position and organization may then appear on this website."),
    )

    def __init__(self, *args, edition, **kwargs):
        super().__init__(*args, **kwargs)
        self.edition = edition
        self.fields["texts_language"].initial = get_language()
        # Follow-up questions are asked after acceptance, on the travel details form.
        self.questions = [question for question in edition.questions.all() if question.asked_on == "registration"]
        for question in self.questions:
            self.fields[question.answer_key] = _question_field(question)

    def fieldsets(self):
        """(legend, bound fields) in the order the form is read; extra questions get their own."""
        for legend, names in FIELDSETS:
            fields = [self[name] for name in names if name in self.fields]
            if fields:
                yield legend, fields
            if names is FIELDSETS[3][1] and self.questions:
                yield _("Questions from the organizers"), [self[question.answer_key] for question in self.questions]

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if not phone:
            return ""
        invalid = forms.ValidationError(
            _("Enter a valid phone number with the country code, for example +81 3 1234 5678."), code="invalid"
        )
        try:
            number = phonenumbers.parse(phone, None)
        except phonenumbers.NumberParseException as error:
            raise invalid from error
        if not phonenumbers.is_valid_number(number):
            raise invalid
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)

    def registration_data(self) -> dict:
        """The cleaned input in the shape delegates.services expects."""
        data = {name: value for name, value in self.cleaned_data.items() if name in self.base_fields}
        data["answers"] = {
            question.answer_key: self.cleaned_data.get(question.answer_key, "") for question in self.questions
        }
        return data


class RegistrationForm(DelegateDetailsForm):
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        help_text=_("We send the confirmation link here. It is never shown publicly."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    privacy_consent = forms.BooleanField(
        required=True,
        error_messages={"required": _("Please agree to the privacy notice to register.")},
    )
    # A honeypot: hidden from people by CSS, filled in by naive bots.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["privacy_consent"].label = format_html(
            gettext('I have read the <a href="{url}" target="_blank">privacy notice</a> and agree to it.'),
            url=reverse("delegates:privacy"),
        )

    def clean_website(self):
        if self.cleaned_data["website"]:
            raise forms.ValidationError(_("Please leave this field empty."), code="honeypot")
        return ""

    def registration_data(self) -> dict:
        data = super().registration_data()
        data["email"] = self.cleaned_data["email"]
        return data


class InvitationRegistrationForm(RegistrationForm):
    """The registration form behind an invitation's link: pre-filled with what the organizers
    know, and bound to the invited address (shown, not editable: the invitation is personal)."""

    def __init__(self, *args, invitation, **kwargs):
        initial = {
            "family_name": invitation.family_name,
            "given_name": invitation.given_name,
            **invitation.prefill,
            **kwargs.pop("initial", {}),
            "email": invitation.email,
        }
        super().__init__(*args, initial=initial, **kwargs)
        email = self.fields["email"]
        email.disabled = True
        email.help_text = _("Your invitation is for this address; we write to you here.")
        # The side comes with the delegation (also one the organizers chose after inviting).
        if invitation.delegation_id:
            self.fields["side"].disabled = True
            self.initial["side"] = invitation.delegation.side


class SelfServiceForm(DelegateDetailsForm):
    """Corrections from the self-service page; the e-mail address stays as confirmed.

    `locked` (delegates.services.person_locked_fields) names the fields the delegate may no
    longer change: they are left out, and the page shows them read-only instead.
    """

    def __init__(self, *args, locked=frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        for name in locked:
            self.fields.pop(name, None)
        self.public_details_locked = "family_name" in locked
        self.consent_locked = "listed_publicly" in locked

    def locked_details(self, person: Person) -> list[tuple[str, str]]:
        """(label, value) of what the public site shows of them, as the page shows it read-only."""
        if not self.public_details_locked:
            return []
        names = {"side": person.get_side_display(), "category": person.get_category_display()}
        rows = [(gettext("Name"), " ".join(part for part in (person.honorific, person.full_name) if part))]
        for name in PUBLIC_PERSON_FIELDS:
            if name in ("family_name", "given_name", "family_name_first", "honorific"):
                continue  # in the name above
            value = names.get(name, getattr(person, name))
            if value:
                rows.append((self.base_fields[name].label, value))
        return rows

    @classmethod
    def initial_for(cls, registration: Registration, language: str) -> dict:
        """What is stored, in `language` for translated fields; a returning delegate's details
        still waiting for confirmation are shown instead of the old ones."""
        person, pending = registration.person, registration.pending_person_details
        # The delegate's own texts, in the language they typed them in (see services).
        texts_language = pending.get("own_texts_language") or person.own_texts_language or language
        initial = {"texts_language": texts_language}
        for name in cls.base_fields:
            stored_as = build_localized_fieldname(name, texts_language) if name in TRANSLATED_PERSON_FIELDS else name
            if stored_as in pending:
                initial[name] = pending[stored_as]
            elif name == "texts_language":
                continue
            elif hasattr(person, name):
                initial[name] = getattr(person, name)
            elif hasattr(registration, name):
                initial[name] = getattr(registration, name)
        return {**initial, **registration.answers}


class LookupForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    website = RegistrationForm.base_fields["website"]

    clean_website = RegistrationForm.clean_website


class CheckInForm(forms.Form):
    code = forms.CharField(
        label=_("Badge code"),
        max_length=200,
        help_text=_("Scan the QR code on the badge; the scanner types the code and presses Enter."),
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "off", "autocapitalize": "off", "spellcheck": "false"}
        ),
    )

    def __init__(self, *args, edition, **kwargs):
        super().__init__(*args, **kwargs)
        self.edition = edition

    def clean_code(self):
        try:
            registration = tokens.registration_from_badge_code(self.cleaned_data["code"])
        except tokens.InvalidToken as error:
            raise forms.ValidationError(
                _("This code is not a valid badge code. Check the badge, or look the person up in the admin."),
                code="forged",
            ) from error
        if registration.edition_id != self.edition.pk:
            raise forms.ValidationError(
                _("This badge is for another edition: %(edition)s."),
                code="other_edition",
                params={"edition": edition_title(registration.edition)},
            )
        self.registration = registration
        return self.cleaned_data["code"]


class DelegationMemberForm(forms.Form):
    """One member, as a focal point registers them: the member confirms and completes the
    rest (needs, consent to be listed) from their own e-mail."""

    family_name = DelegateDetailsForm.base_fields["family_name"]
    given_name = DelegateDetailsForm.base_fields["given_name"]
    native_name = DelegateDetailsForm.base_fields["native_name"]
    honorific = DelegateDetailsForm.base_fields["honorific"]
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        help_text=_("The member's own address: they confirm their registration from it."),
    )
    position = DelegateDetailsForm.base_fields["position"]
    organization = DelegateDetailsForm.base_fields["organization"]
    category = DelegateDetailsForm.base_fields["category"]
    participation = forms.ChoiceField(
        label=_("Comes as"), choices=Registration._meta.get_field("participation").choices
    )

    def registration_data(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "participation"}


class DelegationTableForm(forms.Form):
    """Several members at once: a table pasted from a spreadsheet, or a CSV file."""

    # A delegation is tens of people; a longer table is a mistake, and would hold the page long.
    MAX_ROWS = 300

    table = forms.CharField(
        label=_("Paste a table"),
        required=False,
        # Kept as pasted: a spreadsheet's empty last cell is a trailing tab.
        strip=False,
        max_length=MAX_FILE_BYTES // 4,
        widget=forms.Textarea(attrs={"rows": 8, "cols": 80, "spellcheck": "false"}),
        help_text=_(
            "Copy the rows from your spreadsheet, with the column names in the first row "
            "(at least email and family_name)."
        ),
    )
    file = forms.FileField(label=_("or choose a CSV file"), required=False)

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload is not None:
            if upload.size > MAX_FILE_BYTES:
                raise forms.ValidationError(
                    _("The file is larger than %(size)s MB; split it into smaller files.")
                    % {"size": MAX_FILE_BYTES // (1024 * 1024)}
                )
            try:
                cleaned["text"] = decode(upload.read())
            except ImportFileError as error:
                self.add_error("file", error.message)
        elif cleaned.get("table", "").strip():
            cleaned["text"] = cleaned["table"]
        elif not self.errors:
            raise forms.ValidationError(_("Paste a table or choose a file."))
        rows = sum(1 for line in cleaned.get("text", "").splitlines()[1:] if line.strip())
        if "text" in cleaned and rows == 0:
            raise forms.ValidationError(_("The table has no rows below the column names."))
        if rows > self.MAX_ROWS:
            raise forms.ValidationError(
                _("At most %(max)s members at a time; split the table.") % {"max": self.MAX_ROWS}
            )
        return cleaned
