"""Forms for the public pages' query strings: the resolutions filter and search."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Edition, Resolution, Topic


class ResolutionFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *Resolution.Status.choices]
    )
    topic = forms.ModelChoiceField(
        label=_("Topic"),
        required=False,
        queryset=Topic.objects.all(),
        to_field_name="slug",
        empty_label=_("Any topic"),
    )
    edition = forms.ModelChoiceField(
        label=_("Edition"),
        required=False,
        queryset=Edition.objects.public(),
        to_field_name="slug",
        empty_label=_("Any edition"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["edition"].label_from_instance = lambda edition: f"{edition.ordinal_label} · {edition.host_city}"

    def filter(self, resolutions):
        data = self.cleaned_data
        if data["status"]:
            resolutions = resolutions.filter(status=data["status"])
        if data["topic"]:
            resolutions = resolutions.filter(topics=data["topic"])
        if data["edition"]:
            resolutions = resolutions.filter(edition=data["edition"])
        return resolutions


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search for"), max_length=200, strip=True)
    kind = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            ("", _("Everything")),
            ("edition", _("Editions")),
            ("speech", _("Speeches")),
            ("resolution", _("Resolutions")),
            ("topic", _("Topics")),
        ],
    )
