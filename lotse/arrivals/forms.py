"""The forms of the responsibilities: raw input in, the values the services take out."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from lotse.arrivals.choices import ArrivalState
from lotse.arrivals.models import INTEGRATION_MANAGEMENT_KINDS, Responsibility
from lotse.cases.choices import ContactForm
from lotse.core.access import Capability, roles_holding
from lotse.core.forms import DateField, FilterForm, VersionedForm, today
from lotse.core.models import Municipality, Organisation, User
from lotse.core.submissions import OnceForm
from lotse.people.choices import ResidenceStatus
from lotse.people.duplicates import LikelyDuplicate
from lotse.people.models import Person


class ResponsibilityForm(VersionedForm):
    municipality = forms.ModelChoiceField(
        queryset=Municipality.objects.order_by("name", "ags"),
        label=_("Municipality"),
        error_messages={"required": _("Choose the municipality."), "invalid_choice": _("Choose the municipality.")},
    )
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.filter(kind__in=INTEGRATION_MANAGEMENT_KINDS).order_by("name"),
        label=_("Responsible organisation"),
        error_messages={
            "required": _("Choose the responsible organisation."),
            "invalid_choice": _("Choose the responsible organisation."),
        },
    )
    district = forms.CharField(
        label=_("District"),
        max_length=100,
        required=False,
        help_text=_("Only for a district (Ortsteil, Stadtteil) of the municipality; empty: the whole municipality."),
    )
    residence_status = forms.ChoiceField(
        label=_("Residence status"),
        choices=[("", _("every residence status")), *ResidenceStatus.choices],
        required=False,
        help_text=_("Only for persons of this residence status; empty: everybody."),
    )
    valid_from = DateField(label=_("Valid from"), initial=today)
    valid_until = DateField(label=_("Valid until (last day)"), required=False, help_text=_("Empty: open-ended."))
    note = forms.CharField(label=_("Note"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    @staticmethod
    def initial_for(responsibility: Responsibility) -> dict[str, Any]:
        return {
            "version": responsibility.version,
            "municipality": responsibility.municipality_id,
            "organisation": responsibility.organisation_id,
            "district": responsibility.district,
            "residence_status": responsibility.residence_status,
            "valid_from": responsibility.valid_from,
            "valid_until": responsibility.valid_until,
            "note": responsibility.note,
        }

    def responsibility_fields(self) -> dict[str, Any]:
        fields = self.changed_fields()
        fields["district"] = fields["district"].strip()
        fields["note"] = fields["note"].strip()
        return fields


class NewResponsibilityForm(OnceForm, ResponsibilityForm):
    pass


class EndResponsibilityForm(VersionedForm):
    valid_until = DateField(
        label=_("Last day of the responsibility"),
        initial=today,
        error_messages={
            "required": _("Enter the last day of the responsibility."),
            "invalid": _("Enter a date such as 24.12.2026."),
        },
    )


# New arrivals


class ArrivalFilterForm(FilterForm):
    state = forms.ChoiceField(label=_("State"), choices=[("", _("every state")), *ArrivalState.choices], required=False)
    municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.none(), required=False, empty_label=_("every one")
    )

    def __init__(self, *args: Any, municipalities: QuerySet[Municipality], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Municipality]", self.fields["municipality"]).queryset = municipalities
        self.style_small()


class FirstContactForm(VersionedForm):
    """The first contact in one step: a day to come plans it, today or earlier records it as made."""

    on = DateField(
        label=_("Date of the first contact"),
        initial=today,
        help_text=_("A date in the future plans the first contact."),
        error_messages={
            "required": _("Enter the date of the first contact."),
            "invalid": _("Enter a date such as 24.12.2026."),
        },
    )
    form = forms.ChoiceField(
        label=_("How"),
        choices=ContactForm.choices,
        initial=ContactForm.OFFICE,
        error_messages={
            "required": _("Choose how the first contact takes place."),
            "invalid_choice": _("Choose how the first contact takes place."),
        },
    )


class DeclineForm(VersionedForm):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: counselled elsewhere, moved away, declined counselling."),
        error_messages={"required": _("Give the reason why the household needs no counselling or declined it.")},
    )


class ForwardForm(VersionedForm):
    to_organisation = forms.ModelChoiceField(
        label=_("Forward to"),
        queryset=Organisation.objects.none(),
        error_messages={
            "required": _("Choose the organisation to forward to."),
            "invalid_choice": _("Choose the organisation to forward to."),
        },
    )
    reason = forms.CharField(label=_("Note"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, organisation_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Organisation]", self.fields["to_organisation"]).queryset = (
            Organisation.objects.filter(kind__in=INTEGRATION_MANAGEMENT_KINDS)
            .exclude(pk=organisation_id)
            .order_by("name")
        )


def _caseworker_field(organisation_id: int, *, required: bool, label: Any) -> forms.ModelChoiceField[User]:
    return forms.ModelChoiceField(
        label=label,
        queryset=User.objects.filter(
            organisation_id=organisation_id, is_active=True, roles__overlap=list(roles_holding(Capability.CASEWORK))
        ).order_by("last_name", "first_name", "username"),
        required=required,
        widget=forms.Select(attrs={"class": "form-select"}),
        empty_label=_("nobody yet (the whole team)") if not required else "---------",
        error_messages={
            "required": _("Choose the responsible caseworker from the list."),
            "invalid_choice": _("Choose the responsible caseworker from the list."),
        },
    )


class CaseworkerForm(VersionedForm):
    def __init__(self, *args: Any, organisation_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible"] = _caseworker_field(
            organisation_id, required=False, label=_("Responsible caseworker")
        )


class BeginCounsellingForm(OnceForm, VersionedForm):
    """Open the case from the entry: responsible caseworker, start, the consent to the data exchange, and for a
    member with likely duplicates whether to take the existing person instead of a new one."""

    start_date = DateField(label=_("Start of counselling"), initial=today)
    consent = forms.BooleanField(
        label=_("The clients consent to the data exchange between accommodation and integration management"),
        required=False,
    )
    consent_recipient = forms.ModelChoiceField(
        label=_("Organisation that houses the household"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=None,
        error_messages={"invalid_choice": _("Choose the organisation that houses the household.")},
    )
    consent_given_on = DateField(label=_("Consent given on"), initial=today, required=False)

    def __init__(
        self,
        *args: Any,
        organisation_id: int,
        recipients: list[tuple[Organisation, str]],
        duplicates: dict[int, tuple[str, list[LikelyDuplicate]]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible"] = _caseworker_field(
            organisation_id, required=True, label=_("Responsible caseworker")
        )
        field = cast("forms.ModelChoiceField[Organisation]", self.fields["consent_recipient"])
        field.queryset = Organisation.objects.filter(pk__in=[org.pk for org, _reason in recipients])
        field.choices = [(org.pk, f"{org.name} ({reason})") for org, reason in recipients]
        self.duplicates = duplicates
        for person_id, (name, hits) in duplicates.items():
            self.fields[f"take_{person_id}"] = forms.ChoiceField(
                label=_("%(name)s is likely known already") % {"name": name},
                choices=[
                    ("", _("register as a new person")),
                    *[(str(hit.person.pk), _take_label(hit)) for hit in hits],
                ],
                required=False,
                widget=forms.Select(attrs={"class": "form-select"}),
                help_text=_("Take the existing person (into their open case, if there is one) instead of a new one."),
            )
        self.order_fields(["start_date", "responsible", *[f"take_{pid}" for pid in duplicates]])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("consent"):
            if not cleaned.get("consent_recipient"):
                self.add_error("consent_recipient", _("Choose the organisation that houses the household."))
            if not cleaned.get("consent_given_on"):
                self.add_error("consent_given_on", _("Enter the date the consent was given."))
        return cleaned

    def existing(self) -> dict[int, Person]:
        """The existing persons chosen instead of new ones, by the assigned person's id."""
        chosen: dict[int, Person] = {}
        for person_id, (_name, hits) in self.duplicates.items():
            value = self.cleaned_data.get(f"take_{person_id}")
            if value:
                chosen[person_id] = next(hit.person for hit in hits if str(hit.person.pk) == value)
        return chosen


def _take_label(hit: LikelyDuplicate) -> str:
    label = hit.person.full_name
    if hit.person.birth_date_display:
        label += ", " + _("born %(date)s") % {"date": hit.person.birth_date_display}
    if hit.case_numbers:
        label += " (" + ", ".join(hit.case_numbers) + ")"
    return label
