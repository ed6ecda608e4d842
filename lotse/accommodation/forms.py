"""Forms of accommodation: raw input in, domain values out (the services check the rest)."""

from __future__ import annotations

import copy
import datetime
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lotse.accommodation.choices import Accessibility, MoveOutReason, ResidenceBasis, ShelterKind
from lotse.accommodation.models import Shelter, Unit
from lotse.accommodation.services import MAX_PLACES, SHELTER_FIELDS
from lotse.core.forms import BootstrapMixin, DateField, FilterForm, VersionedForm
from lotse.core.models import Municipality
from lotse.core.submissions import OnceForm
from lotse.people.forms import DuplicateChoiceMixin, PersonForm
from lotse.people.models import Person
from lotse.people.vocabulary import nationality_choices

# The kind filter of the overview: the two groups first, then each kind.
KIND_GROUP_VU = "vu"
KIND_GROUP_AU = "au"


def _today() -> datetime.date:
    return timezone.localdate()


def _person_field(name: str, **changes: Any) -> forms.Field:
    """A copy of a field of the person form, with ``changes`` (e.g. ``required=False``)."""
    field = copy.deepcopy(PersonForm.base_fields[name])
    for attribute, value in changes.items():
        setattr(field, attribute, value)
    field.widget.is_required = field.required
    return field


def _places_field(label: Any, help_text: Any = "") -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=0, max_value=MAX_PLACES, help_text=help_text)


class ShelterFilterForm(FilterForm):
    """The overview's reference date and filters (GET); invalid values are ignored, never an error page."""

    stichtag = DateField(label=_("Reference date"), required=False)
    municipality = forms.ModelChoiceField(queryset=Municipality.objects.none(), label=_("Municipality"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind of accommodation"),
        required=False,
        choices=[
            ("", _("all")),
            (KIND_GROUP_VU, _("preliminary accommodation (VU), all")),
            (KIND_GROUP_AU, _("follow-up accommodation (AU), all")),
            *ShelterKind.choices,
        ],
    )

    def __init__(self, *args: Any, municipalities: QuerySet[Municipality], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities  # type: ignore[attr-defined]
        self.style_small()


class ShelterForm(VersionedForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind of accommodation"), choices=ShelterKind.choices)
    municipality = forms.ModelChoiceField(queryset=Municipality.objects.all(), label=_("Municipality"))
    street = forms.CharField(label=_("Street and number"), max_length=200, required=False)
    postal_code = forms.RegexField(
        label=_("Postal code"),
        regex=r"^[0-9]{5}$",
        required=False,
        max_length=5,
        error_messages={"invalid": _("A postal code has five digits.")},
    )
    accessibility = forms.ChoiceField(
        label=_("Accessibility"), choices=Accessibility.choices, initial=Accessibility.UNBEKANNT
    )
    in_operation_from = DateField(label=_("In operation from"), required=False)
    in_operation_to = DateField(label=_("In operation until"), required=False)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("in_operation_from"), cleaned.get("in_operation_to")
        if start and end and end < start:
            self.add_error("in_operation_to", _("The shelter cannot close before it opened."))
        return cleaned

    def shelter_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"].strip(),
            "kind": data["kind"],
            "municipality": data["municipality"],
            "street": data["street"].strip(),
            "postal_code": data["postal_code"] or "",
            "accessibility": data["accessibility"],
            "in_operation_from": data["in_operation_from"],
            "in_operation_to": data["in_operation_to"],
            "notes": data["notes"].strip(),
        }

    @staticmethod
    def initial_for(shelter: Shelter) -> dict[str, Any]:
        return {
            "name": shelter.name,
            "kind": shelter.kind,
            "municipality": shelter.municipality_id,
            "street": shelter.street,
            "postal_code": shelter.postal_code,
            "accessibility": shelter.accessibility,
            "in_operation_from": shelter.in_operation_from,
            "in_operation_to": shelter.in_operation_to,
            "notes": shelter.notes,
            "version": shelter.version,
        }


class ShelterCreateForm(OnceForm, ShelterForm):
    places = _places_field(
        _("Places"),
        _(
            "Beds available from the start of operation (or from today). Flats and rooms with places of their own "
            "can be added on the shelter page."
        ),
    )
    field_order = [*(name for name in SHELTER_FIELDS if name != "notes"), "places"]


class UnitForm(OnceForm, BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("For example “Haus B, Zimmer 12”."))
    places = _places_field(_("Places"))
    places_from = DateField(label=_("Places available from"), initial=_today)
    accessible = forms.BooleanField(label=_("Step-free"), required=False)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CapacityForm(BootstrapMixin, forms.Form):
    unit = forms.ModelChoiceField(
        queryset=Unit.objects.none(),
        label=_("Unit"),
        required=False,
        empty_label=_("Places without a unit"),
    )
    places = _places_field(_("Number of places"), _("The new number of places of the unit (or of those without one)."))
    on = DateField(label=_("From"), initial=_today)

    def __init__(self, *args: Any, shelter: Shelter, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(shelter=shelter)  # type: ignore[attr-defined]


class MoveInForm(OnceForm, DuplicateChoiceMixin, BootstrapMixin, forms.Form):
    """Who moves in (a person already known, or a new resident registered in the same step), when and where."""

    person = forms.ModelChoiceField(
        queryset=Person.objects.none(),
        label=_("Person"),
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose a person from the search results.")},
    )
    # A new resident's fields are the person form's own (labels, help texts, partial dates).
    family_name = _person_field("family_name", required=False)
    given_names = _person_field("given_names")
    birth_date = _person_field("birth_date")
    gender = _person_field("gender")
    nationalities = _person_field("nationalities")
    on = DateField(label=_("Moved in on"), initial=_today)
    unit = forms.ModelChoiceField(
        queryset=Unit.objects.none(),
        label=_("Unit"),
        required=False,
        empty_label=_("any free place"),
    )
    basis = forms.ChoiceField(label=_("Counted as"), choices=ResidenceBasis.choices, initial=ResidenceBasis.ZUWEISUNG)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(
        self,
        *args: Any,
        shelter: Shelter,
        residents: QuerySet[Person],
        hits: list[tuple[Person, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        person = self.fields["person"]
        person.queryset = residents  # type: ignore[attr-defined]
        person.widget.attrs["class"] = "form-check-input"
        # Only the search hits are offered; any person in scope is accepted (e.g. one preselected by a link).
        person.widget.choices = [
            ("", _("A new resident (enter the details below)")),
            *((p.pk, label) for p, label in hits),
        ]
        self.fields["unit"].queryset = Unit.objects.filter(shelter=shelter)  # type: ignore[attr-defined]
        self.fields["nationalities"].choices = nationality_choices()  # type: ignore[attr-defined]

    clean_birth_date = PersonForm.clean_birth_date

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        new_resident = cleaned.get("person") is None and "person" not in self.errors
        if new_resident and not (cleaned.get("family_name") or "").strip():
            self.add_error(
                "family_name",
                _("Choose a person from the search results, or enter the family name of a new resident."),
            )
        return cleaned

    def new_person_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        birth_date, precision = data["birth_date"]
        return {
            "family_name": data["family_name"].strip(),
            "given_names": data["given_names"].strip(),
            "birth_date": birth_date,
            "birth_date_precision": precision,
            "gender": data["gender"],
            "nationalities": data["nationalities"],
        }


class MoveOutForm(VersionedForm):
    on = DateField(label=_("Moved out on"), initial=_today)
    reason = forms.ChoiceField(
        label=_("Reason for moving out"),
        choices=[
            (code, label) for code, label in MoveOutReason.choices if code != MoveOutReason.UMZUG_ANDERE_UNTERKUNFT
        ],
    )
    new_municipality = forms.ModelChoiceField(
        queryset=Municipality.objects.all(),
        label=_("Municipality of the new flat"),
        required=False,
        help_text=_("Only for an own tenancy; without a choice, the shelter's municipality."),
    )


class ResidentSearchForm(forms.Form):
    q = forms.CharField(label=_("Name"), required=False, max_length=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update({"class": "form-control", "type": "search", "autocomplete": "off"})

    def query(self) -> str:
        return self.cleaned_data.get("q", "").strip() if self.is_valid() else ""
