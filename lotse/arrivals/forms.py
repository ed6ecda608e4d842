"""The forms of the responsibilities: raw input in, the values the services take out."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lotse.arrivals.models import INTEGRATION_MANAGEMENT_KINDS, Responsibility
from lotse.core.forms import BootstrapMixin, DateField, VersionedForm, today
from lotse.core.models import Municipality, Organisation
from lotse.core.submissions import OnceForm
from lotse.people.choices import ResidenceStatus


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
