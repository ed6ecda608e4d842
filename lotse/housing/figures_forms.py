"""The figures page's choice of reference date, period, municipality and (for statistics) organisation."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lotse.core.access import Capability, can
from lotse.core.forms import BootstrapMixin, DateField
from lotse.core.models import Municipality, Organisation, User


def sees_every_organisation(user: User) -> bool:
    """The housing staff (and team leads) count their own organisation; statistics and administration choose any."""
    return not can(user, Capability.HOUSING)


class FiguresForm(BootstrapMixin, forms.Form):
    stichtag = DateField(label=_("Reference date"))
    von = DateField(
        label=_("Period from"),
        required=False,
        help_text=_("Start of the period for offers acquired and leases signed; empty: 1 January of that year."),
    )
    gemeinde = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.order_by("name"),
        to_field_name="ags",
        required=False,
        empty_label=_("every municipality"),
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        to_field_name="short_name",
        required=False,
        empty_label=_("every organisation"),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if sees_every_organisation(user):
            field = cast("forms.ModelChoiceField[Organisation]", self.fields["organisation"])
            field.queryset = Organisation.objects.order_by("name")
        else:
            del self.fields["organisation"]

    def clean(self) -> dict[str, Any]:
        data = cast(dict[str, Any], super().clean())
        day, von = data.get("stichtag"), data.get("von")
        if day is not None and von is not None and von > day:
            self.add_error("von", _("The period start lies after the reference date."))
        return data

    def counted_organisation(self) -> Organisation | None:
        """The user's own organisation, or the one chosen (None: every organisation)."""
        if not sees_every_organisation(self.user):
            return self.user.organisation
        chosen: Organisation | None = self.cleaned_data.get("organisation")
        return chosen

    def counted_municipality(self) -> Municipality | None:
        chosen: Municipality | None = self.cleaned_data.get("gemeinde")
        return chosen


def figures_form(user: User, data: QueryDict) -> FiguresForm:
    """The form bound to the query, the reference date today when none is given."""
    values = data.copy()
    if not values.get("stichtag"):
        values["stichtag"] = timezone.localdate().isoformat()
    return FiguresForm(values, user=user)
