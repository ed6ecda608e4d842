"""Forms of the searches for a flat, the matching and the placement pipeline: raw input in, domain values out."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from lotse.core.forms import BootstrapMixin, DateField, DecimalField, FilterForm, VersionedForm, today
from lotse.core.models import Municipality
from lotse.core.submissions import OnceForm
from lotse.core.widgets import MULTICHOICE_HELP, LongSelectMultiple
from lotse.housing.choices import (
    Accompaniment,
    Benefits,
    Need,
    RefusalReason,
    RefusedBy,
    SearchStatus,
    Urgency,
)
from lotse.housing.models import FlatOffer, SearchProfile


class SearchProfileForm(VersionedForm):
    adults = forms.IntegerField(label=_("Adults"), min_value=1, max_value=20)
    children = forms.IntegerField(label=_("Children (under 18)"), min_value=0, max_value=20)
    needs = forms.MultipleChoiceField(
        label=_("Needs"), choices=Need.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    preferred_municipalities = forms.ModelMultipleChoiceField(
        label=_("Preferred municipalities"),
        queryset=Municipality.objects.none(),
        required=False,
        widget=LongSelectMultiple,
        help_text=MULTICHOICE_HELP,
    )
    earliest_move_in = DateField(label=_("Earliest move-in"), initial=today)
    benefits = forms.ChoiceField(
        label=_("Rent paid by"),
        choices=Benefits.choices,
        help_text=_("Where benefits pay the rent, the county's rent limit applies."),
    )
    wbs_until = DateField(label=_("Housing entitlement certificate (WBS) valid until"), required=False)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices)
    search_started_on = DateField(label=_("Search began on"), initial=today)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["preferred_municipalities"]
        field.queryset = Municipality.objects.order_by("name")  # type: ignore[attr-defined]


class SearchOpenForm(OnceForm, SearchProfileForm):
    """Opening a search: sent once, however often the browser sends it."""


def profile_initial(profile: SearchProfile) -> dict[str, Any]:
    return {
        "version": profile.version,
        "adults": profile.adults,
        "children": profile.children,
        "needs": profile.needs,
        "preferred_municipalities": [m.pk for m in profile.preferred_municipalities.all()],
        "earliest_move_in": profile.earliest_move_in,
        "benefits": profile.benefits,
        "wbs_until": profile.wbs_until,
        "urgency": profile.urgency,
        "search_started_on": profile.search_started_on,
        "notes": profile.notes,
    }


class SearchStatusForm(VersionedForm):
    to_status = forms.ChoiceField(
        label=_("New status"),
        choices=[
            (SearchStatus.SEARCHING, _("searching again")),
            (SearchStatus.PAUSED, _("paused")),
            (SearchStatus.ENDED, _("ended")),
        ],
    )
    on = DateField(label=_("Date"), initial=today)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)


class SearchFilterForm(FilterForm):
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("all")), *SearchStatus.choices], required=False)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=[("", _("all")), *Urgency.choices], required=False)
    size = forms.IntegerField(label=_("Persons"), min_value=1, max_value=20, required=False)
    municipality = forms.ModelChoiceField(
        label=_("Preferred municipality"), queryset=Municipality.objects.none(), required=False
    )
    passed_on = forms.BooleanField(label=_("passed on to us"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = Municipality.objects.order_by("name")  # type: ignore[attr-defined]
        self.style_small()
        self.fields["passed_on"].widget.attrs["class"] = "form-check-input"


class ProposalConfirmForm(BootstrapMixin, forms.Form):
    """One pair of the proposal or of a ranking, confirmed: the offer proposed to the household."""

    offer = forms.ModelChoiceField(queryset=FlatOffer.objects.none())
    profile = forms.ModelChoiceField(queryset=SearchProfile.objects.none())

    def __init__(
        self, *args: Any, offers: QuerySet[FlatOffer], profiles: QuerySet[SearchProfile], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["offer"].queryset = offers  # type: ignore[attr-defined]
        self.fields["profile"].queryset = profiles  # type: ignore[attr-defined]


class ViewingForm(VersionedForm):
    viewing_at = forms.DateTimeField(
        label=_("Viewing on"),
        input_formats=["%Y-%m-%dT%H:%M", "%d.%m.%Y %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={"invalid": _("Enter a date and time such as 24.12.2026 14:30.")},
    )
    accompanied_by = forms.ChoiceField(label=_("Accompanied by"), choices=Accompaniment.choices)
    accompanying_person = forms.CharField(label=_("Name of the accompanying person"), required=False, max_length=200)


class AcceptForm(VersionedForm):
    on = DateField(label=_("Accepted on"), initial=today)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class RefuseForm(VersionedForm):
    refused_by = forms.ChoiceField(label=_("Refused by"), choices=RefusedBy.choices)
    reason = forms.ChoiceField(label=_("Reason"), choices=RefusalReason.choices)
    on = DateField(label=_("Refused on"), initial=today)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class ApprovalForm(VersionedForm):
    on = DateField(label=_("Rent approved (Zusicherung) on"), initial=today)


class LeaseForm(VersionedForm):
    signed_on = DateField(label=_("Lease signed on"), initial=today)
    starts_on = DateField(label=_("Tenancy begins on"))
    agreed_rent = DecimalField(label=_("Agreed gross cold rent (EUR)"), min_value=0, max_digits=8, decimal_places=2)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)
