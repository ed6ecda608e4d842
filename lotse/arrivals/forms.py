"""The forms of the responsibilities: raw input in, the values the services take out."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from lotse.arrivals.choices import ArrivalState, PresentItemKind
from lotse.arrivals.models import INTEGRATION_MANAGEMENT_KINDS, HandoverSheet, HandoverSheetPerson, Responsibility
from lotse.cases.choices import ContactForm, FieldOfAction
from lotse.cases.models import Case
from lotse.core.access import Capability, roles_holding
from lotse.core.forms import BootstrapMixin, DateField, FilterForm, VersionedForm, today
from lotse.core.models import Municipality, Organisation, User
from lotse.core.submissions import OnceForm
from lotse.core.widgets import LongSelect
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


# The handover sheet (Übergabebogen)


class SheetForm(VersionedForm):
    """The head of the draft: to whom, the client's consent, the persons kept on the sheet, the message."""

    receiving_organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label=_("Integration management receiving the household"),
        required=False,
        help_text=_("Preselected: the organisation responsible for the municipality of the household."),
    )
    persons = forms.ModelMultipleChoiceField(
        queryset=HandoverSheetPerson.objects.none(),
        label=_("Persons on the sheet"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("A handover sheet names at least one person.")},
    )
    consent_given_on = DateField(label=_("The client consented to this handover on"), required=False)
    consent_given_by = forms.ModelChoiceField(
        queryset=HandoverSheetPerson.objects.none(), label=_("Consent given by"), required=False
    )
    message = forms.CharField(
        label=_("Message to the integration management"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        required=False,
    )

    def __init__(self, *args: Any, sheet: HandoverSheet, receivers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        persons = HandoverSheetPerson.objects.filter(sheet=sheet).order_by("position", "pk")
        self.fields["persons"].queryset = persons  # type: ignore[attr-defined]
        self.fields["consent_given_by"].queryset = persons  # type: ignore[attr-defined]
        self.fields["receiving_organisation"].queryset = receivers  # type: ignore[attr-defined]


class RowForm(BootstrapMixin, forms.Form):
    """One row of a list on the sheet; ``id`` names the row it changes (none: a new row)."""

    id = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def row(self) -> dict[str, Any] | None:
        """The row's values for the service; None for an empty new row or a row marked to be removed."""
        data = getattr(self, "cleaned_data", None)
        if not data or data.get("DELETE") or (data.get("id") is None and not self.has_changed()):
            return None
        return {name: value for name, value in data.items() if name != "DELETE"}


class NeedForm(RowForm):
    field_of_action = forms.ChoiceField(label=_("Field of action"), choices=[("", "—"), *FieldOfAction.choices])
    description = forms.CharField(label=_("Need"), max_length=1000)


class TaskForm(RowForm):
    description = forms.CharField(label=_("Task"), max_length=300)
    due_date = DateField(label=_("Deadline"))


class ServiceContactForm(RowForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    service = forms.CharField(label=_("Organisation or service"), max_length=200, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=50, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    role = forms.CharField(label=_("Role"), max_length=200, required=False)


class ItemForm(RowForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "—"), *PresentItemKind.choices])
    description = forms.CharField(label=_("Description"), max_length=300)


# Two empty rows under each list: more are added by saving ("Save and add rows"), no script needed.
ROW_FORMSETS: dict[str, Any] = {
    name: forms.formset_factory(form, extra=2, can_delete=True)
    for name, form in (("needs", NeedForm), ("tasks", TaskForm), ("contacts", ServiceContactForm), ("items", ItemForm))
}


class ExchangeConsentForm(VersionedForm):
    """Accepting a sheet may record, in the same step, the clients' consent to the exchange of housing facts."""

    exchange_consent = forms.BooleanField(
        label=_("The clients consent to the exchange of housing facts with the shelter's operator"),
        required=False,
    )
    exchange_consent_on = DateField(label=_("Consent to the exchange given on"), required=False, initial=today)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("exchange_consent") and not cleaned.get("exchange_consent_on"):
            self.add_error("exchange_consent_on", _("Enter the day the consent was given."))
        return cleaned

    def consent_on(self) -> Any:
        return self.cleaned_data["exchange_consent_on"] if self.cleaned_data.get("exchange_consent") else None


class AcceptNewCaseForm(ExchangeConsentForm):
    responsible = forms.ModelChoiceField(queryset=User.objects.none(), label=_("Responsible caseworker"))
    start_date = DateField(label=_("Start of counselling"), initial=today)

    field_order = ["responsible", "start_date", "exchange_consent", "exchange_consent_on"]

    def __init__(self, *args: Any, caseworkers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = caseworkers  # type: ignore[attr-defined]


class CaseChoiceForm(BootstrapMixin, forms.Form):
    """The first step of accepting into an existing case: which case (GET)."""

    case = forms.ModelChoiceField(
        queryset=Case.objects.none(),
        label=_("Case of your organisation"),
        widget=LongSelect,
        error_messages={"invalid_choice": _("Choose an open case of your organisation.")},
    )

    def __init__(self, *args: Any, cases: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = cases  # type: ignore[attr-defined]
        self.fields["case"].label_from_instance = lambda case: f"{case.number} · {case.client_name or '–'}"  # type: ignore[attr-defined]


class AcceptIntoCaseForm(ExchangeConsentForm):
    """The second step: for each person of the sheet, a member of the case's household or a new member."""

    def __init__(
        self,
        *args: Any,
        rows: list[HandoverSheetPerson],
        members: list[Person],
        proposed: dict[int, Any],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        choices = [("", _("add as a new member of the household")), *((str(m.pk), m.full_name) for m in members)]
        self.members = {str(m.pk): m for m in members}
        for row in rows:
            name = f"person_{row.pk}"
            label = row.full_name + (f" ({row.birth_date_display})" if row.birth_date_display else "")
            proposal = proposed.get(row.pk)
            field = forms.ChoiceField(
                label=label, choices=choices, required=False, initial=str(proposal.pk) if proposal else ""
            )
            field.widget.attrs["class"] = "form-select"
            self.fields[name] = field
        self.order_fields(["version", *(f"person_{row.pk}" for row in rows), "exchange_consent", "exchange_consent_on"])

    def matches(self) -> dict[int, Person | None]:
        return {row.pk: self.members.get(self.cleaned_data.get(f"person_{row.pk}") or "") for row in self.rows}


class DeclineSheetForm(VersionedForm):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


# Linking existing records (lotse.arrivals.exchange)


class RequestLinkForm(OnceForm, BootstrapMixin, forms.Form):
    """Asking the housing organisation to link: nothing to enter, the consent says with whom."""


class ConfirmLinkForm(OnceForm, BootstrapMixin, forms.Form):
    resident = forms.TypedChoiceField(
        label=_("The client is this resident of ours"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the resident record that belongs to the client.")},
    )

    def __init__(self, *args: Any, candidates: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["resident"].choices = candidates  # type: ignore[attr-defined]


class DeclineLinkForm(OnceForm, BootstrapMixin, forms.Form):
    note = forms.CharField(
        label=_("Note for the integration management"),
        max_length=500,
        required=False,
        help_text=_("For example: nobody of this name lives in our shelters."),
        widget=forms.Textarea(attrs={"rows": 3}),
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
