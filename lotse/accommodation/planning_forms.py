"""Forms of the figures page, the capacity forecast, assignments and intake obligations."""

from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from lotse.accommodation.models import Assignment, Shelter
from lotse.core.forms import BootstrapMixin, DateField
from lotse.core.models import Municipality
from lotse.core.submissions import OnceForm
from lotse.people.models import Person
from lotse.people.search import plain

HORIZONS = ((12, _("12 months")), (24, _("24 months")))


def figure_municipalities() -> QuerySet[Municipality]:
    """Municipalities with shelters or assignments (those the overview lists)."""
    return Municipality.objects.filter(
        Exists(Shelter.objects.filter(municipality_id=OuterRef("pk")))
        | Exists(Assignment.objects.filter(municipality_id=OuterRef("pk")))
    ).order_by("name")


class FiguresForm(BootstrapMixin, forms.Form):
    gemeinde = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.none(), to_field_name="ags", required=False
    )
    stichtag = DateField(label=_("Reference date"))
    von = DateField(
        label=_("Assigned from"),
        required=False,
        help_text=_("Start of the period for assignments; empty: the earliest assignment to the municipality."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.ModelChoiceField[Municipality]", self.fields["gemeinde"])
        field.queryset = Municipality.objects.order_by("name")
        field.empty_label = None

    def clean(self) -> dict[str, Any]:
        data = cast(dict[str, Any], super().clean())
        day, von = data.get("stichtag"), data.get("von")
        if day is not None and von is not None and von > day:
            self.add_error("von", _("The period start lies after the reference date."))
        return data


class ExpectedIntakeForm(BootstrapMixin, forms.Form):
    """One number field per month of the horizon: the persons expected to move in."""

    def __init__(self, *args: Any, months: list[datetime.date], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.months = months
        for month in months:
            self.fields[self.field_name(month)] = forms.IntegerField(
                label=date_format(month, "YEAR_MONTH_FORMAT"),
                min_value=0,
                max_value=10000,
                required=False,
            )

    @staticmethod
    def field_name(month: datetime.date) -> str:
        return f"monat_{month:%Y_%m}"

    def expected(self) -> dict[datetime.date, int]:
        return {month: self.cleaned_data.get(self.field_name(month)) or 0 for month in self.months}


class AssignmentFilterForm(BootstrapMixin, forms.Form):
    gemeinde = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.order_by("name"),
        to_field_name="ags",
        required=False,
        empty_label=_("all municipalities"),
    )
    jahr = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)

    def apply(self, assignments: QuerySet[Assignment]) -> QuerySet[Assignment]:
        if not self.is_valid():
            return assignments
        if self.cleaned_data.get("gemeinde"):
            assignments = assignments.filter(municipality=self.cleaned_data["gemeinde"])
        if self.cleaned_data.get("jahr"):
            assignments = assignments.filter(date__year=self.cleaned_data["jahr"])
        return assignments


class AssignmentForm(OnceForm, BootstrapMixin, forms.Form):
    gemeinde = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.order_by("name"), to_field_name="ags"
    )
    date = DateField(label=_("Date of assignment"))
    reference = forms.CharField(label=_("File reference"), max_length=100, required=False)
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    persons = forms.ModelMultipleChoiceField(
        label=_("Persons"),
        queryset=Person.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one person to assign.")},
    )

    def __init__(self, *args: Any, candidates: QuerySet[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelMultipleChoiceField[Person]", self.fields["persons"]).queryset = candidates

    def chosen_ids(self) -> set[int]:
        values = self.data.getlist("persons") if hasattr(self.data, "getlist") else []
        return {int(value) for value in values if str(value).isascii() and str(value).isdigit()}


class IntakeObligationForm(BootstrapMixin, forms.Form):
    gemeinde = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.order_by("name"), to_field_name="ags"
    )
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    persons = forms.IntegerField(label=_("Persons to take in"), min_value=0, max_value=100000)


def name_filter(query: str) -> Q:
    words = plain(query).split()
    condition = Q()
    for word in words:
        condition &= Q(search_text__icontains=word)
    return condition
