"""The travel details form (after acceptance): the delegate's page and the admin use it alike."""

import datetime

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from .forms import _question_field
from .logistics import follow_up_questions, social_events
from .models import Hotel, TravelPlan

TRAVEL_FIELDSETS = [
    (_("Arrival"), ["arrival_date", "arrival_time", "arrival_carrier", "arrival_place"]),
    (_("Departure"), ["departure_date", "departure_time", "departure_carrier", "departure_place"]),
    (_("Accommodation"), ["accommodation", "hotel", "check_in", "check_out"]),
    (_("Transport and programme"), ["needs_shuttle", "social_events"]),
]


def _model_field(name, **overrides):
    return TravelPlan._meta.get_field(name).formfield(**overrides)


# How far from the edition's days travel and hotel nights may lie, and the longest stay: a
# date years away is a typing error, and would make the rooming list thousands of nights long.
TRAVEL_MARGIN = datetime.timedelta(days=31)
MAX_NIGHTS = 31


def travel_window(edition):
    """The first and last day travel details may name: a month around the edition's days,
    or around its year while they are not announced."""
    if edition.start_date:
        return edition.start_date - TRAVEL_MARGIN, (edition.end_date or edition.start_date) + TRAVEL_MARGIN
    return datetime.date(edition.year, 1, 1) - TRAVEL_MARGIN, datetime.date(edition.year, 12, 31) + TRAVEL_MARGIN


def check_travel_dates(form, cleaned, edition=None):
    """The friendly messages for what TravelPlan's constraints guarantee; this form and the
    admin's share them. Choosing one's own accommodation clears the hotel and its nights."""
    if edition is not None:
        first, last = travel_window(edition)
        for name in ("arrival_date", "departure_date", "check_in", "check_out"):
            day = cleaned.get(name)
            if day and not first <= day <= last:
                form.add_error(
                    name,
                    _("Please give a day between %(first)s and %(last)s.")
                    % {
                        "first": date_format(first, "SHORT_DATE_FORMAT"),
                        "last": date_format(last, "SHORT_DATE_FORMAT"),
                    },
                )
                cleaned[name] = None
    if cleaned.get("accommodation") == TravelPlan.Accommodation.HOTEL:
        for name in ("hotel", "check_in", "check_out"):
            if not cleaned.get(name) and name not in form.errors:
                form.add_error(name, _("Please fill this in, or choose to arrange your own accommodation."))
    elif cleaned.get("accommodation"):
        cleaned.update(hotel=None, check_in=None, check_out=None)
    check_in, check_out = cleaned.get("check_in"), cleaned.get("check_out")
    if check_in and check_out and check_out <= check_in:
        form.add_error("check_out", _("The check-out day must come after the check-in night."))
    elif check_in and check_out and (check_out - check_in).days > MAX_NIGHTS:
        form.add_error("check_out", _("A hotel stay can be %(nights)d nights at the most.") % {"nights": MAX_NIGHTS})
    arrival, departure = cleaned.get("arrival_date"), cleaned.get("departure_date")
    if arrival and departure and departure < arrival:
        form.add_error("departure_date", _("The departure cannot be before the arrival."))
    return cleaned


class TravelPlanForm(forms.Form):
    arrival_date = _model_field("arrival_date", widget=forms.DateInput(attrs={"type": "date"}))
    arrival_time = _model_field("arrival_time", widget=forms.TimeInput(attrs={"type": "time"}))
    arrival_carrier = _model_field("arrival_carrier", help_text=_("For example JL 809 or Nozomi 23."))
    arrival_place = _model_field("arrival_place", help_text=_("For example Chubu Centrair Airport or Nagoya Station."))
    departure_date = _model_field("departure_date", widget=forms.DateInput(attrs={"type": "date"}))
    departure_time = _model_field("departure_time", widget=forms.TimeInput(attrs={"type": "time"}))
    departure_carrier = _model_field("departure_carrier")
    departure_place = _model_field("departure_place")
    accommodation = forms.ChoiceField(
        label=_("Accommodation"), choices=TravelPlan.Accommodation.choices, widget=forms.RadioSelect
    )
    hotel = forms.ModelChoiceField(label=_("Hotel"), queryset=Hotel.objects.none(), required=False)
    check_in = _model_field(
        "check_in", widget=forms.DateInput(attrs={"type": "date"}), help_text=_("The first night at the hotel.")
    )
    check_out = _model_field(
        "check_out", widget=forms.DateInput(attrs={"type": "date"}), help_text=_("The day you leave the hotel.")
    )
    needs_shuttle = forms.BooleanField(
        label=_("I need the shuttle between the airport or station and the hotel"), required=False
    )
    social_events = forms.ModelMultipleChoiceField(
        label=_("I will attend"),
        queryset=social_events(None).none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, edition, **kwargs):
        super().__init__(*args, **kwargs)
        self.edition = edition
        self.fields["hotel"].queryset = Hotel.objects.filter(logistics__edition=edition)
        self.fields["social_events"].queryset = social_events(edition)
        if not self.fields["hotel"].queryset.exists():
            # No hotel list yet: everyone arranges their own.
            self.fields["accommodation"].choices = [TravelPlan.Accommodation.choices[1]]
            for name in ("hotel", "check_in", "check_out"):
                del self.fields[name]
        if not self.fields["social_events"].queryset.exists():
            del self.fields["social_events"]
        self.questions = follow_up_questions(edition)
        for question in self.questions:
            self.fields[question.answer_key] = _question_field(question)

    @classmethod
    def initial_for(cls, plan):
        if plan is None:
            return {}
        initial = {field: getattr(plan, field) for field in TRAVEL_FIELDSETS_FLAT if field != "social_events"}
        initial["social_events"] = list(plan.social_events.values_list("pk", flat=True))
        initial.update(plan.answers)
        return initial

    def fieldsets(self):
        for legend, names in TRAVEL_FIELDSETS:
            yield legend, [self[name] for name in names if name in self.fields]
        if self.questions:
            yield _("Questions from the organizers"), [self[question.answer_key] for question in self.questions]

    def clean(self):
        return check_travel_dates(self, super().clean(), self.edition)

    def plan_data(self):
        data = {field: self.cleaned_data.get(field) for field in TRAVEL_FIELDSETS_FLAT if field != "social_events"}
        for name in ("arrival_carrier", "arrival_place", "departure_carrier", "departure_place"):
            data[name] = data[name] or ""
        data["needs_shuttle"] = bool(data["needs_shuttle"])
        data["answers"] = {
            question.answer_key: self.cleaned_data.get(question.answer_key, "") for question in self.questions
        }
        return data

    def social_event_ids(self):
        return [session.pk for session in self.cleaned_data.get("social_events") or []]


TRAVEL_FIELDSETS_FLAT = [name for _legend, names in TRAVEL_FIELDSETS for name in names]
