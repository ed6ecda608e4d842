"""Forms of the volunteer coordination: raw input in, domain values out (the services save)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lotse.core.forms import BootstrapMixin, DateField, FilterForm, VersionedForm, today
from lotse.core.models import Municipality, User
from lotse.core.submissions import OnceForm
from lotse.core.widgets import MULTICHOICE_HELP, LongSelect, LongSelectMultiple
from lotse.people.choices import Gender
from lotse.people.vocabulary import language_choices, language_name
from lotse.volunteers.choices import (
    DayTime,
    MeetingKind,
    Proficiency,
    RequirementKind,
    Skill,
    VolunteerStatus,
    Weekday,
)
from lotse.volunteers.models import Meeting, Programme, Volunteer
from lotse.volunteers.volunteer_services import newcomers_of

# One multiple choice of languages per proficiency (a language in two of them is refused by the service).
LANGUAGE_FIELDS: tuple[tuple[str, str], ...] = (
    ("languages_native", Proficiency.NATIVE),
    ("languages_fluent", Proficiency.FLUENT),
    ("languages_good", Proficiency.GOOD),
    ("languages_basic", Proficiency.BASIC),
)
DETAIL_FIELDS = (
    "external_id",
    "family_name",
    "given_names",
    "gender",
    "email",
    "phone",
    "street",
    "postal_code",
    "municipality",
    "district",
    "skills",
    "weekdays",
    "day_times",
    "availability_note",
    "migration_experience",
    "max_sponsorships",
    "started_on",
    "notes",
)


class VolunteerForm(VersionedForm):
    family_name = forms.CharField(label=_("Family name"), max_length=200)
    given_names = forms.CharField(label=_("Given names"), max_length=200, required=False)
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices, initial=Gender.UNKNOWN)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=50, required=False)
    street = forms.CharField(label=_("Street and number"), max_length=200, required=False)
    postal_code = forms.RegexField(
        label=_("Postal code"),
        regex=r"^[0-9]{5}$",
        required=False,
        error_messages={"invalid": _("A postal code has five digits.")},
    )
    municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.order_by("name"), required=False, widget=LongSelect
    )
    district = forms.CharField(label=_("District"), max_length=100, required=False)
    languages_native = forms.MultipleChoiceField(
        label=_("Native languages"),
        required=False,
        widget=LongSelectMultiple(attrs={"size": 4}),
        help_text=MULTICHOICE_HELP,
    )
    languages_fluent = forms.MultipleChoiceField(
        label=_("Fluent in"), required=False, widget=LongSelectMultiple(attrs={"size": 4})
    )
    languages_good = forms.MultipleChoiceField(
        label=_("Good knowledge of"), required=False, widget=LongSelectMultiple(attrs={"size": 4})
    )
    languages_basic = forms.MultipleChoiceField(
        label=_("Basic knowledge of"), required=False, widget=LongSelectMultiple(attrs={"size": 4})
    )
    skills = forms.MultipleChoiceField(
        label=_("Skills and interests"), choices=Skill.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    weekdays = forms.MultipleChoiceField(
        label=_("Available on"), choices=Weekday.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    day_times = forms.MultipleChoiceField(
        label=_("At these times"), choices=DayTime.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    availability_note = forms.CharField(label=_("Availability (note)"), max_length=300, required=False)
    migration_experience = forms.NullBooleanField(
        label=_("Own migration experience"),
        required=False,
        widget=forms.NullBooleanSelect,
        help_text=_("Optional; only counted in the programme's figures."),
    )
    max_sponsorships = forms.IntegerField(
        label=_("Sponsorships at most at a time"), min_value=0, max_value=10, initial=1
    )
    started_on = DateField(label=_("Volunteering since"), required=False)
    external_id = forms.CharField(label=_("Volunteer ID"), max_length=64, required=False)
    notes = forms.CharField(label=_("Notes"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = language_choices()
        for name, _proficiency in LANGUAGE_FIELDS:
            self.fields[name].choices = choices  # type: ignore[attr-defined]

    @staticmethod
    def initial_for(volunteer: Volunteer) -> dict[str, Any]:
        initial: dict[str, Any] = {name: getattr(volunteer, name) for name in DETAIL_FIELDS}
        initial["version"] = volunteer.version
        initial["municipality"] = volunteer.municipality_id
        languages = list(volunteer.languages.all())
        for name, proficiency in LANGUAGE_FIELDS:
            initial[name] = [row.language for row in languages if row.proficiency == proficiency]
        return initial

    def languages(self) -> list[tuple[str, str]]:
        return [(code, proficiency) for name, proficiency in LANGUAGE_FIELDS for code in self.cleaned_data[name]]

    def volunteer_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in DETAIL_FIELDS}


class VolunteerCreateForm(OnceForm, VolunteerForm):
    consent_on = DateField(
        label=_("Consented to being recorded on"),
        initial=today,
        help_text=_("Record a volunteer only with their consent; the date and you as the recording user are kept."),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (VolunteerStatus.INTERESTED, VolunteerStatus.INTERESTED.label),
            (VolunteerStatus.ACTIVE, VolunteerStatus.ACTIVE.label),
        ],
    )


class StatusForm(VersionedForm):
    status = forms.ChoiceField(label=_("New status"), choices=VolunteerStatus.choices)
    on = DateField(label=_("Since"), initial=today)
    reason = forms.CharField(
        label=_("Reason for leaving"),
        max_length=300,
        required=False,
        help_text=_("Required when the volunteer leaves."),
    )


class RequirementForm(OnceForm, BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Requirement"), choices=RequirementKind.choices)
    met_on = DateField(
        label=_("Date"),
        initial=today,
        help_text=_(
            "For the certificate of good conduct only the date it was seen is recorded (and you as the one who saw "
            "it), never a copy; it is due for renewal after five years."
        ),
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class RequirementCorrectForm(VersionedForm):
    met_on = DateField(label=_("Date"))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class MeetingForm(VersionedForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=MeetingKind.choices)
    on = DateField(label=_("Date"), initial=today)
    topic = forms.CharField(label=_("Topic"), max_length=200)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=Programme.objects.none(), required=False)
    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = Programme.objects.visible_to(user)  # type: ignore[attr-defined]

    @staticmethod
    def initial_for(meeting: Meeting) -> dict[str, Any]:
        return {
            "version": meeting.version,
            "kind": meeting.kind,
            "on": meeting.on,
            "topic": meeting.topic,
            "place": meeting.place,
            "programme": meeting.programme_id,
            "note": meeting.note,
        }

    def meeting_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in ("kind", "on", "topic", "place", "programme", "note")}


class MeetingCreateForm(OnceForm, MeetingForm):
    pass


class AttendanceForm(VersionedForm):
    volunteers = forms.ModelMultipleChoiceField(
        label=_("Volunteers present"),
        queryset=Volunteer.objects.none(),
        required=False,
        widget=LongSelectMultiple(attrs={"size": 8}),
        help_text=MULTICHOICE_HELP,
    )
    newcomers = forms.ModelMultipleChoiceField(
        label=_("Newcomers present"),
        queryset=Volunteer.objects.none(),
        required=False,
        widget=LongSelectMultiple(attrs={"size": 8}),
        help_text=_("Members of the households in the organisation's programmes."),
    )

    def __init__(self, *args: Any, meeting: Meeting, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["volunteers"].queryset = (  # type: ignore[attr-defined]
            Volunteer.objects.visible_to(user).present().order_by("family_name", "given_names", "pk")
        )
        self.fields["newcomers"].queryset = newcomers_of(meeting.organisation_id).order_by(  # type: ignore[attr-defined]
            "family_name", "given_names", "pk"
        )
        self.fields["newcomers"].label_from_instance = lambda person: (  # type: ignore[attr-defined]
            f"{person.family_name}, {person.given_names}" if person.given_names else person.family_name
        )


class VolunteerFilterForm(FilterForm):
    q = forms.CharField(label=_("Name, e-mail or ID"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    skill = forms.ChoiceField(label=_("Skill"), required=False)
    language = forms.ChoiceField(label=_("Language"), required=False, widget=LongSelect)
    municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.order_by("name"), required=False, widget=LongSelect
    )
    missing = forms.ChoiceField(label=_("Requirement missing"), required=False)

    def __init__(self, *args: Any, languages: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everyone = [("", _("all"))]
        self.fields["status"].choices = [("", _("all")), *VolunteerStatus.choices]  # type: ignore[attr-defined]
        self.fields["skill"].choices = everyone + list(Skill.choices)  # type: ignore[attr-defined]
        self.fields["language"].choices = everyone + sorted(  # type: ignore[attr-defined]
            ((code, language_name(code)) for code in languages), key=lambda item: item[1]
        )
        self.fields["missing"].choices = [("", "—"), *RequirementKind.choices]  # type: ignore[attr-defined]
        self.style_small()


class MeetingFilterForm(FilterForm):
    kind = forms.ChoiceField(label=_("Kind"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("all")), *MeetingKind.choices]  # type: ignore[attr-defined]
        self.style_small()
