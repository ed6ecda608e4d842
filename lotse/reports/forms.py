"""The choices of the key figures page: reference date, period, filters, chart range, suppression."""

from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from lotse.core.forms import DateField
from lotse.core.models import Municipality, Organisation
from lotse.reports.figures import Scope
from lotse.reports.presentation import MAX_SERIES_MONTHS

# Key figures are asked for within these years (the chart reaches two years back from the reference date).
_IN_RANGE = [
    MinValueValidator(datetime.date(1900, 1, 1), message=_("Choose a date from 1900 on.")),
    MaxValueValidator(datetime.date(2100, 12, 31), message=_("Choose a date up to the end of 2100.")),
]


class ReportForm(forms.Form):
    stichtag = DateField(label=_("Reference date"), validators=_IN_RANGE)
    von = DateField(
        validators=_IN_RANGE,
        label=_("Period from"),
        required=False,
        help_text=_("Start of the period for ended counselling; empty: the earliest case start."),
    )
    traeger = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("all organisations"),
        to_field_name="short_name",
    )
    gemeinde = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.none(),
        required=False,
        empty_label=_("all municipalities"),
        to_field_name="ags",
    )
    verlauf_von = DateField(
        validators=_IN_RANGE,
        label=_("Month by month from"),
        required=False,
        help_text=_("Empty: the last 24 months up to the reference date."),
    )
    unterdrueckt = forms.BooleanField(
        label=_("Suppress small numbers (under 3 shown as “< 3”)"),
        required=False,
        help_text=_("For public and council reports; applies to the page, the charts and every export."),
    )

    def __init__(self, *args: Any, own_organisation: Organisation | None = None, **kwargs: Any) -> None:
        """``own_organisation``: the only organisation the user may see figures of (None: all of them)."""
        super().__init__(*args, **kwargs)
        self.own_organisation = own_organisation
        traeger = cast("forms.ModelChoiceField[Organisation]", self.fields["traeger"])
        if own_organisation is None:
            traeger.queryset = Organisation.objects.order_by("name")
        else:
            traeger.queryset = Organisation.objects.filter(pk=own_organisation.pk)
            traeger.empty_label = None
            traeger.help_text = _("Team leads see the figures of their own organisation.")
        cast("forms.ModelChoiceField[Municipality]", self.fields["gemeinde"]).queryset = (
            Municipality.objects.filter(cases__isnull=False).distinct().order_by("name")
        )
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs["class"] = "form-check-input"
            elif isinstance(field.widget, forms.Select):
                field.widget.attrs["class"] = "form-select"
            else:
                field.widget.attrs["class"] = "form-control"

    def clean(self) -> dict[str, Any]:
        data = cast(dict[str, Any], super().clean())
        day = data.get("stichtag")
        if day is None:
            return data
        data["stichtag"] = day
        if self.own_organisation is not None:
            data["traeger"] = self.own_organisation
        von = data.get("von")
        if von is not None and von > day:
            self.add_error("von", _("The period start lies after the reference date."))
        series_from = data.get("verlauf_von")
        if series_from is not None:
            if series_from > day:
                self.add_error("verlauf_von", _("The chart range must start on or before the reference date."))
            elif (day.year - series_from.year) * 12 + day.month - series_from.month >= MAX_SERIES_MONTHS:
                self.add_error(
                    "verlauf_von",
                    _("The chart range may cover at most %(months)s months.") % {"months": MAX_SERIES_MONTHS},
                )
        return data

    def scope(self) -> Scope:
        return Scope(organisation=self.cleaned_data.get("traeger"), municipality=self.cleaned_data.get("gemeinde"))
