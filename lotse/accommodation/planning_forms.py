"""Forms of the figures page, the capacity forecast, assignments and intake obligations."""

from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from lotse.accommodation.models import AssignedPerson, Assignment, IntakeObligation, Shelter
from lotse.accommodation.services import MAX_OBLIGATION
from lotse.core.forms import BootstrapMixin, DateField, FilterForm
from lotse.core.models import Municipality
from lotse.core.submissions import OnceForm
from lotse.people.models import Household, HouseholdMembership, Person
from lotse.people.search import fold, plain

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


class AssignmentFilterForm(FilterForm):
    """The assignment list's filters (GET); an invalid filter is dropped and the others still apply."""

    q = forms.CharField(
        label=_("Name or household ID"),
        required=False,
        max_length=100,
        help_text=_("Finds the assignments of a person, also in another spelling, or of a household."),
    )
    gemeinde = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.order_by("name"),
        to_field_name="ags",
        required=False,
        empty_label=_("all municipalities"),
    )
    von = DateField(label=_("Assigned from"), required=False)
    bis = DateField(label=_("Assigned until"), required=False)
    jahr = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["type"] = "search"
        self.style_small()

    def clean(self) -> dict[str, Any]:
        data = cast(dict[str, Any], super().clean())
        start, end = data.get("von"), data.get("bis")
        if start is not None and end is not None and start > end:
            self.add_error("bis", _("The end of the period lies before its start."))
            data.pop("von", None)  # the period as a whole is dropped
        return data

    def values(self) -> dict[str, Any]:
        return super().values() if self.is_bound else {}

    def apply(self, assignments: QuerySet[Assignment]) -> QuerySet[Assignment]:
        """The assignments matching every valid filter."""
        filters = self.values()
        if municipality := filters.get("gemeinde"):
            assignments = assignments.filter(municipality=municipality)
        if start := filters.get("von"):
            assignments = assignments.filter(date__gte=start)
        if end := filters.get("bis"):
            assignments = assignments.filter(date__lte=end)
        if year := filters.get("jahr"):
            assignments = assignments.filter(date__year=year)
        if text := filters.get("q", "").strip():
            assignments = assignments.filter(assigned_to_match(text))
        return assignments

    def description(self) -> str:
        """The valid filters as one line (the heading of the export)."""
        filters = self.values()
        parts = []
        if municipality := filters.get("gemeinde"):
            parts.append(municipality.name)
        if (start := filters.get("von")) or filters.get("bis"):
            end = filters.get("bis")
            parts.append(
                _("%(start)s to %(end)s")
                % {
                    "start": date_format(start, "SHORT_DATE_FORMAT") if start else "…",
                    "end": date_format(end, "SHORT_DATE_FORMAT") if end else "…",
                }
            )
        if year := filters.get("jahr"):
            parts.append(str(year))
        if text := filters.get("q", "").strip():
            parts.append(f"„{text}“")
        return ", ".join(parts)


def assigned_to_match(text: str) -> Q:
    """Assignments of a person whose name matches ``text`` (also folded), or of a household with that ID."""
    query, folded = plain(text), fold(text)
    names = Q(search_text__contains=query) if query else Q(pk__in=[])
    if len(folded) >= 3:  # a shorter folded key ("hh-7" folds to "h") would find nearly everyone
        names |= Q(search_key__contains=folded)
    persons = Person.objects.filter(names | Q(household_memberships__household__external_id__iexact=text.strip()))
    return Q(Exists(AssignedPerson.objects.filter(assignment_id=OuterRef("pk"), person__in=persons)))


def _ids(data: Any, name: str) -> set[int]:
    values = data.getlist(name) if hasattr(data, "getlist") else []
    return {int(value) for value in values if str(value).isascii() and str(value).isdigit()}


class ShelterChoiceField(forms.ModelChoiceField[Shelter]):
    """A shelter named with its municipality ("Tamm: AU Bahnhofstraße")."""

    def label_from_instance(self, obj: Shelter) -> str:
        return f"{obj.municipality.name}: {obj.name}"


class AssignmentForm(OnceForm, BootstrapMixin, forms.Form):
    """Whom (single persons and whole households), to which municipality, when.

    Choosing a household assigns its current members not yet assigned (the service resolves them), so
    the form works without JavaScript; the page's script only ticks the members' boxes to show it.
    """

    gemeinde = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.order_by("name"), to_field_name="ags"
    )
    date = DateField(label=_("Date of assignment"))
    reference = forms.CharField(label=_("File reference"), max_length=100, required=False)
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    planned_arrival = DateField(
        label=_("Planned arrival"),
        required=False,
        help_text=_("Only if the household arrives later than on the date of assignment."),
    )
    future_shelter = ShelterChoiceField(
        label=_("Future shelter"),
        queryset=Shelter.objects.none(),
        required=False,
        help_text=_("A shelter of the municipality the household moves into, if known."),
        error_messages={"invalid_choice": _("Choose a shelter from the list.")},
    )
    future_address = forms.CharField(
        label=_("Future address"),
        max_length=200,
        required=False,
        help_text=_(
            "A flat, or the room in the shelter, if known. Name the district (e.g. “Ludwigsburg-Grünbühl”) where a "
            "district has an integration management of its own: the new arrival goes there."
        ),
    )
    persons = forms.ModelMultipleChoiceField(
        label=_("Persons"),
        queryset=Person.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": _("A chosen person cannot be assigned by you.")},
    )
    households = forms.ModelMultipleChoiceField(
        label=_("Households"),
        queryset=Household.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": _("A chosen household cannot be assigned by you.")},
    )

    def __init__(
        self, *args: Any, candidates: QuerySet[Person], shelters: QuerySet[Shelter] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelMultipleChoiceField[Person]", self.fields["persons"]).queryset = candidates
        shelter_field = cast("forms.ModelChoiceField[Shelter]", self.fields["future_shelter"])
        if shelters is not None:
            shelter_field.queryset = shelters.select_related("municipality").order_by("municipality__name", "name")
        # The households of persons the user may assign.
        households = Household.objects.filter(
            Exists(HouseholdMembership.objects.current().filter(household_id=OuterRef("pk"), person__in=candidates))
        )
        cast("forms.ModelMultipleChoiceField[Household]", self.fields["households"]).queryset = households

    def clean(self) -> dict[str, Any]:
        data = cast(dict[str, Any], super().clean())
        if "persons" in self.errors or "households" in self.errors:
            return data
        if not data.get("persons") and not data.get("households"):
            self.add_error("persons", _("Choose at least one person to assign."))
        return data

    def chosen_ids(self) -> set[int]:
        return _ids(self.data, "persons")

    def chosen_household_ids(self) -> set[int]:
        return _ids(self.data, "households")


class IntakeObligationsForm(forms.Form):
    """The obligations of every municipality for one year: a number field per municipality (empty: none).

    Each row carries the version and the number it was loaded with, so only rows the user changed are
    saved, each checked against a concurrent change.
    """

    year = forms.IntegerField(widget=forms.HiddenInput, min_value=2000, max_value=2100)

    def __init__(
        self,
        *args: Any,
        municipalities: list[Municipality],
        stored: dict[int, IntakeObligation],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.municipalities = municipalities
        for municipality in municipalities:
            obligation = stored.get(municipality.pk)
            ags = municipality.ags
            self.fields[f"p_{ags}"] = forms.IntegerField(
                label=municipality.name,
                min_value=0,
                max_value=MAX_OBLIGATION,
                required=False,
                initial=obligation.persons if obligation else None,
                widget=forms.NumberInput(attrs={"class": "form-control form-control-sm text-end intake-input"}),
            )
            self.fields[f"v_{ags}"] = forms.IntegerField(
                widget=forms.HiddenInput, min_value=0, required=False, initial=obligation.version if obligation else 0
            )
            self.fields[f"o_{ags}"] = forms.IntegerField(
                widget=forms.HiddenInput,
                min_value=0,
                required=False,
                initial=obligation.persons if obligation else None,
            )

    def rows(self) -> list[tuple[Municipality, forms.BoundField, forms.BoundField, forms.BoundField]]:
        return [(m, self[f"p_{m.ags}"], self[f"v_{m.ags}"], self[f"o_{m.ags}"]) for m in self.municipalities]

    def changed_rows(self) -> dict[Municipality, tuple[int | None, int]]:
        """The rows whose number the user changed: the new number and the version it was loaded at."""
        data = self.cleaned_data
        return {
            m: (data.get(f"p_{m.ags}"), data.get(f"v_{m.ags}") or 0)
            for m in self.municipalities
            if data.get(f"p_{m.ags}") != data.get(f"o_{m.ags}")
        }


def name_filter(query: str) -> Q:
    words = plain(query).split()
    condition = Q()
    for word in words:
        condition &= Q(search_text__icontains=word)
    return condition
