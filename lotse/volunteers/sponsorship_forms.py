"""Forms of programmes, newcomers, sponsorships and check-ins: raw input to domain values, never saving."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from lotse.core.forms import BootstrapMixin, DateField, FilterForm, VersionedForm, today
from lotse.core.models import Organisation
from lotse.core.submissions import OnceForm
from lotse.people.choices import Relationship
from lotse.people.forms import DuplicateChoiceMixin, PersonForm
from lotse.people.models import Person
from lotse.volunteers.choices import (
    SPONSORSHIP_TRANSITIONS,
    EndReason,
    GenderPreference,
    SponsorshipState,
    Topic,
)
from lotse.volunteers.models import Participation, Programme, Sponsorship, Volunteer

# Members entered with a new household; more join on the household's page.
MEMBER_SLOTS = 4


class ProgrammeForm(VersionedForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    started_on = DateField(label=_("Since"), initial=today)
    ended_on = DateField(label=_("Until"), required=False)

    @staticmethod
    def initial_for(programme: Programme) -> dict[str, Any]:
        return {
            "name": programme.name,
            "description": programme.description,
            "started_on": programme.started_on,
            "ended_on": programme.ended_on,
            "version": programme.version,
        }


class ProgrammeCreateForm(OnceForm, ProgrammeForm):
    pass


class ParticipationForm(VersionedForm):
    joined_on = DateField(label=_("In the programme since"), initial=today)
    district = forms.CharField(label=_("District"), max_length=100, required=False)
    wanted_topics = forms.MultipleChoiceField(
        label=_("Topics"), choices=Topic.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    preferred_sponsor_gender = forms.ChoiceField(
        label=_("Sponsor preferably"), choices=GenderPreference.choices, required=False
    )
    needs = forms.CharField(
        label=_("Wishes and needs"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    informs_organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label=_("Integration management to be informed"),
        required=False,
        help_text=_(
            "Only with the household's consent: that organisation then sees on its case that a sponsorship "
            "exists (first names of the sponsors, state, programme)."
        ),
    )
    informs_consent_on = DateField(label=_("Consent given on"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["informs_organisation"].queryset = Organisation.objects.order_by("name")  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if bool(cleaned.get("informs_organisation")) != bool(cleaned.get("informs_consent_on")):
            self.add_error(
                "informs_consent_on",
                _("Give both the organisation to be informed and the date of the household's consent."),
            )
        return cleaned

    def participation_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "joined_on": data["joined_on"],
            "district": data["district"].strip(),
            "wanted_topics": list(data["wanted_topics"]),
            "preferred_sponsor_gender": data["preferred_sponsor_gender"] or "",
            "needs": data["needs"].strip(),
            "informs_organisation": data["informs_organisation"],
            "informs_consent_on": data["informs_consent_on"],
        }

    @staticmethod
    def initial_for(participation: Participation) -> dict[str, Any]:
        return {
            "joined_on": participation.joined_on,
            "district": participation.district,
            "wanted_topics": participation.wanted_topics,
            "preferred_sponsor_gender": participation.preferred_sponsor_gender,
            "needs": participation.needs,
            "informs_organisation": participation.informs_organisation_id,
            "informs_consent_on": participation.informs_consent_on,
            "version": participation.version,
        }


class ParticipationCreateForm(OnceForm, DuplicateChoiceMixin, ParticipationForm):
    """A new household of newcomers; "register anyway" (``confirm_new``) answers the likely duplicates shown."""


class NewcomerForm(PersonForm):
    """One member of a household of newcomers; a slot left without a family name is no member."""

    relationship = forms.ChoiceField(label=_("Relationship"), choices=Relationship.choices, required=False)

    def __init__(self, *args: Any, optional: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("original_script_name", "aliases", "phone", "email", "notes"):
            del self.fields[name]
        self.optional = optional
        if optional:
            self.fields["family_name"].required = False

    def is_empty(self) -> bool:
        return self.optional and self.is_valid() and not self.cleaned_data.get("family_name", "").strip()

    def clean_aliases(self) -> list[str]:
        return []

    def member_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        birth_date, precision = data["birth_date"]
        fields: dict[str, Any] = {
            "family_name": data["family_name"].strip(),
            "given_names": data["given_names"].strip(),
            "birth_date": birth_date,
            "birth_date_precision": precision,
            "gender": data["gender"],
            "nationalities": data["nationalities"],
            "languages": data["languages"],
            "municipality": data["residence_municipality"],
        }
        if data.get("relationship"):
            fields["relationship"] = data["relationship"]
        return fields


class NewcomerAddForm(OnceForm, NewcomerForm):
    since = DateField(label=_("Member since"), initial=today)


def member_forms(data: Any) -> list[NewcomerForm]:
    """The member slots of a new household: the first is required (the head of household)."""
    return [
        NewcomerForm(
            data, prefix=f"m{slot}", optional=slot > 0, initial={"relationship": "" if slot else "haushaltsvorstand"}
        )
        for slot in range(MEMBER_SLOTS)
    ]


class SponsorsChoiceField(forms.ModelMultipleChoiceField[Volunteer]):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name)


class SponsorshipRequestForm(OnceForm, BootstrapMixin, forms.Form):
    sponsors = SponsorsChoiceField(
        queryset=Volunteer.objects.none(),
        label=_("Sponsors"),
        help_text=_("One or two volunteers."),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    members = forms.ModelMultipleChoiceField(
        queryset=Person.objects.none(),
        label=_("For"),
        required=False,
        help_text=_("None chosen: the whole household."),
        widget=forms.CheckboxSelectMultiple,
    )
    topics = forms.MultipleChoiceField(
        label=_("Topics"), choices=Topic.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    requested_on = DateField(label=_("Requested on"), initial=today)
    planned_end = DateField(label=_("Planned end"), required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args: Any, volunteers: QuerySet[Volunteer], persons: list[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sponsors"].queryset = volunteers  # type: ignore[attr-defined]
        self.fields["members"].queryset = Person.objects.filter(pk__in=[p.pk for p in persons])  # type: ignore[attr-defined]

    def clean_sponsors(self) -> list[Volunteer]:
        sponsors = list(self.cleaned_data["sponsors"])
        if not 1 <= len(sponsors) <= 2:
            raise forms.ValidationError(_("A sponsorship has one or two sponsors."))
        return sponsors


class ProposalConfirmForm(BootstrapMixin, forms.Form):
    """One proposed pair, confirmed by the coordinator: the household's sponsorship is requested of the volunteer."""

    volunteer = forms.ModelChoiceField(queryset=Volunteer.objects.none())
    next = forms.CharField(required=False, max_length=300)

    def __init__(self, *args: Any, volunteers: QuerySet[Volunteer], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["volunteer"].queryset = volunteers  # type: ignore[attr-defined]


class TransitionForm(VersionedForm):
    to_state = forms.ChoiceField(label=_("New state"), choices=())
    on = DateField(label=_("Date"), initial=today)
    end_reason = forms.ChoiceField(
        label=_("Reason for ending"), choices=[("", "–"), *EndReason.choices], required=False
    )
    planned_end = DateField(label=_("Planned end"), required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args: Any, sponsorship: Sponsorship, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        following = SPONSORSHIP_TRANSITIONS.get(sponsorship.state, frozenset())
        self.fields["to_state"].choices = [  # type: ignore[attr-defined]
            (value, label) for value, label in SponsorshipState.choices if value in following
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        ending = cleaned.get("to_state") == SponsorshipState.ENDED
        if ending and not cleaned.get("end_reason"):
            self.add_error("end_reason", _("An ended sponsorship needs a reason."))
        if not ending and cleaned.get("end_reason"):
            self.add_error("end_reason", _("Only an ended sponsorship has a reason for ending."))
        return cleaned


class CheckInForm(OnceForm, BootstrapMixin, forms.Form):
    on = DateField(label=_("Date"), initial=today)
    note = forms.CharField(label=_("Note"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
    next_due = DateField(label=_("Next check-in due"), required=False)


class SponsorshipFilterForm(FilterForm):
    programme = forms.ModelChoiceField(queryset=Programme.objects.none(), label=_("Programme"), required=False)
    state = forms.ChoiceField(label=_("State"), choices=[("", _("all")), *SponsorshipState.choices], required=False)
    due = forms.BooleanField(label=_("check-in due"), required=False)

    def __init__(self, *args: Any, programmes: QuerySet[Programme], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes  # type: ignore[attr-defined]
        self.style_small()
        self.fields["due"].widget.attrs["class"] = "form-check-input"


def default_next_check_in(on: datetime.date) -> datetime.date:
    """Six weeks after a check-in, the next (the coordinator may change it)."""
    return on + datetime.timedelta(weeks=6)
