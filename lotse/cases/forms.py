"""Forms of casework: raw input in, domain values out (the services do the rest)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from lotse.cases.choices import (
    CaseStatus,
    ClosingReason,
    ConsentPurpose,
    ContactForm,
    FieldOfAction,
    GoalStatus,
    InterpreterKind,
    ReferralOutcome,
    Responsible,
)
from lotse.cases.models import Case
from lotse.cases.plan_print import language_choices as language_choices_for_print
from lotse.cases.queries import TEAM_ITEM_KINDS, caseworkers_of
from lotse.cases.services import TRANSITIONS
from lotse.core.forms import BootstrapMixin, DateField, FilterForm, VersionedForm, today
from lotse.core.models import Municipality, Organisation, User
from lotse.core.submissions import OnceForm
from lotse.core.widgets import LongSelect
from lotse.network.models import Actor
from lotse.people.choices import (
    AsylumOutcome,
    AsylumStage,
    HousingSituation,
    LanguageCourse,
    LanguageEvidence,
    LanguageLevel,
    Relationship,
    ResidenceStatus,
    WorkSituation,
)
from lotse.people.forms import DuplicateChoiceMixin, PersonForm
from lotse.people.models import Person
from lotse.people.vocabulary import language_choices


class CaseFieldsMixin(forms.Form):
    municipality = forms.ModelChoiceField(queryset=Municipality.objects.all(), label=_("Municipality"))
    start_date = DateField(label=_("Start of counselling"))
    responsible = forms.ModelChoiceField(
        queryset=User.objects.none(), label=_("Responsible caseworker"), required=False
    )

    def setup_case_fields(self, organisation_id: int) -> None:
        self.fields["responsible"].queryset = caseworkers_of(organisation_id)  # type: ignore[attr-defined]


class CaseCreateForm(OnceForm, DuplicateChoiceMixin, CaseFieldsMixin, PersonForm):
    field_order = ["municipality", "start_date", "responsible"]

    def __init__(self, *args: Any, organisation_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.setup_case_fields(organisation_id)


class CaseEditForm(CaseFieldsMixin, VersionedForm):
    def __init__(self, *args: Any, organisation_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.setup_case_fields(organisation_id)


class StatusChangeForm(VersionedForm):
    to_status = forms.ChoiceField(label=_("New status"))
    on = DateField(label=_("As of"), initial=today)
    closing_reason = forms.ChoiceField(
        label=_("Closing reason"),
        required=False,
        choices=[("", "—"), *ClosingReason.choices],
        help_text=_("Only when closing the case."),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(
        self,
        *args: Any,
        current: str,
        clients: Sequence[Person] = (),
        municipality: Municipality | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(CaseStatus.choices)
        self.fields["to_status"].choices = [  # type: ignore[attr-defined]
            (code, labels[code]) for code in CaseStatus.values if code in TRANSITIONS[current]
        ]
        # Closing into own housing records the tenancy of each client ticked, in the same step.
        self.clients = {str(person.pk): person for person in clients}
        if not self.clients or CaseStatus.CLOSED not in TRANSITIONS[current]:
            self.clients = {}
            return
        self.fields["tenancy_for"] = forms.MultipleChoiceField(
            label=_("Record the own tenancy from the date above for"),
            choices=[(pk, person.full_name) for pk, person in self.clients.items()],
            initial=list(self.clients),
            required=False,
            widget=forms.CheckboxSelectMultiple,
            help_text=_(
                "Only when closing with the reason “moved into own housing”: the ticked clients get the housing "
                "situation “own tenancy” from the date of the change; an entry of that day is corrected."
            ),
        )
        self.fields["tenancy_municipality"] = forms.ModelChoiceField(
            queryset=Municipality.objects.all(),
            label=_("Municipality of the own tenancy"),
            required=False,
            initial=municipality,
            widget=forms.Select(attrs={"class": "form-select"}),
        )
        self.order_fields(["to_status", "on", "closing_reason", "tenancy_for", "tenancy_municipality", "note"])

    def closes_into_own_housing(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return (
            data.get("to_status") == CaseStatus.CLOSED and data.get("closing_reason") == ClosingReason.EIGENER_WOHNRAUM
        )

    def tenancy_for(self) -> list[Person]:
        """The clients whose own tenancy is to be recorded (none unless closing into own housing)."""
        if not self.closes_into_own_housing():
            return []
        return [self.clients[pk] for pk in self.cleaned_data.get("tenancy_for") or []]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("to_status") == CaseStatus.CLOSED and not cleaned.get("closing_reason"):
            self.add_error("closing_reason", _("Choose the reason for closing the case."))
        if self.tenancy_for() and cleaned.get("tenancy_municipality") is None:
            self.add_error("tenancy_municipality", _("Choose the municipality of the own tenancy."))
        return cleaned


class MemberForm(OnceForm, DuplicateChoiceMixin, PersonForm):
    relationship = forms.ChoiceField(
        label=_("Relationship to the head of household"),
        choices=[(c, label) for c, label in Relationship.choices if c != Relationship.HEAD],
    )
    since = DateField(label=_("Member of the household since"), initial=today)
    is_client = forms.BooleanField(label=_("Client of this case"), required=False, initial=True)
    field_order = ["relationship", "since", "is_client"]


class MoveOutForm(BootstrapMixin, forms.Form):
    since = DateField(label=_("Moved out on"), initial=today)


class ResidenceFields(forms.Form):
    valid_from = DateField(label=_("Valid from"), initial=today)
    status = forms.ChoiceField(label=_("Residence status"), choices=ResidenceStatus.choices)
    legal_basis = forms.CharField(
        label=_("Legal basis"), max_length=100, required=False, help_text=_("For example “§ 25 Abs. 2 AufenthG”.")
    )
    valid_until = DateField(label=_("Expires on"), required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, until = cleaned.get("valid_from"), cleaned.get("valid_until")
        if start and until and until < start:
            self.add_error("valid_until", _("The expiry date cannot be before the start."))
        return cleaned


class AsylumFields(forms.Form):
    valid_from = DateField(label=_("Date"), initial=today)
    stage = forms.ChoiceField(label=_("Stage of the asylum procedure"), choices=AsylumStage.choices)
    outcome = forms.ChoiceField(
        label=_("Outcome of the decision"),
        choices=AsylumOutcome.choices,
        required=False,
        help_text=_("Only with the stage “decision (Bescheid)”."),
    )
    bamf_file_number = forms.CharField(
        label=_("BAMF file number"), max_length=20, required=False, help_text=_("For example “1234567-438”.")
    )
    immigration_office_file_number = forms.CharField(
        label=_("Immigration office file number"), max_length=50, required=False
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class UnaccompaniedMinorFields(forms.Form):
    valid_from = DateField(label=_("Unaccompanied minor since"), initial=today)
    youth_office = forms.CharField(label=_("Responsible youth welfare office (Jugendamt)"), max_length=200)
    valid_until = DateField(
        label=_("Until"), required=False, help_text=_("For example coming of age or reunion with the family.")
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, until = cleaned.get("valid_from"), cleaned.get("valid_until")
        if start and until and until < start:
            self.add_error("valid_until", _("The end cannot be before the start."))
        return cleaned


class LanguageFields(forms.Form):
    valid_from = DateField(label=_("Date"), initial=today)
    level = forms.ChoiceField(label=_("German language level"), choices=LanguageLevel.choices)
    evidence = forms.ChoiceField(label=_("Evidence"), choices=LanguageEvidence.choices)
    course = forms.ChoiceField(label=_("Course"), choices=LanguageCourse.choices, required=False)


class WorkFields(forms.Form):
    valid_from = DateField(label=_("Valid from"), initial=today)
    situation = forms.ChoiceField(label=_("Work situation"), choices=WorkSituation.choices)


class HousingFields(forms.Form):
    valid_from = DateField(label=_("Valid from"), initial=today)
    situation = forms.ChoiceField(label=_("Housing situation"), choices=HousingSituation.choices)
    municipality = forms.ModelChoiceField(queryset=Municipality.objects.all(), label=_("Municipality"), required=False)


class ResidenceForm(OnceForm, BootstrapMixin, ResidenceFields):
    pass


class AsylumForm(OnceForm, BootstrapMixin, AsylumFields):
    pass


class UnaccompaniedMinorForm(OnceForm, BootstrapMixin, UnaccompaniedMinorFields):
    pass


class LanguageForm(OnceForm, BootstrapMixin, LanguageFields):
    pass


class WorkForm(OnceForm, BootstrapMixin, WorkFields):
    pass


class HousingForm(OnceForm, BootstrapMixin, HousingFields):
    pass


class ResidenceEditForm(ResidenceFields, VersionedForm):
    pass


class AsylumEditForm(AsylumFields, VersionedForm):
    pass


class UnaccompaniedMinorEditForm(UnaccompaniedMinorFields, VersionedForm):
    pass


class LanguageEditForm(LanguageFields, VersionedForm):
    pass


class WorkEditForm(WorkFields, VersionedForm):
    pass


class HousingEditForm(HousingFields, VersionedForm):
    pass


FACT_FORMS: dict[str, type[forms.Form]] = {
    "residence": ResidenceForm,
    "asylum": AsylumForm,
    "minor": UnaccompaniedMinorForm,
    "language": LanguageForm,
    "work": WorkForm,
    "housing": HousingForm,
}
# The same fields, to correct an entry in place (with the version it was loaded at).
FACT_EDIT_FORMS: dict[str, type[VersionedForm]] = {
    "residence": ResidenceEditForm,
    "asylum": AsylumEditForm,
    "minor": UnaccompaniedMinorEditForm,
    "language": LanguageEditForm,
    "work": WorkEditForm,
    "housing": HousingEditForm,
}


class ParticipantsField(forms.ModelMultipleChoiceField["Person"]):
    """The clients of the case who took part in a contact, as check boxes."""

    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name)


class ContactFields(forms.Form):
    """What a counselling contact records; ``clients`` are the case's clients, who may have taken part."""

    date = DateField(label=_("Date"), initial=today)
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"),
        min_value=1,
        max_value=720,
        initial=45,
        error_messages={
            "min_value": _("A contact lasts at least one minute."),
            "max_value": _("A contact lasts at most 720 minutes."),
        },
    )
    form = forms.ChoiceField(label=_("Form"), choices=ContactForm.choices)
    participants = ParticipantsField(
        queryset=Person.objects.none(),
        label=_("Took part"),
        error_messages={
            "required": _("Choose who took part in the contact."),
            "invalid_choice": _("Only clients of the case can take part in its contacts."),
        },
    )
    fields_of_action = forms.MultipleChoiceField(
        label=_("Fields of action"), choices=FieldOfAction.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    interpreter_kind = forms.ChoiceField(label=_("Interpreter"), choices=InterpreterKind.choices)
    interpreter_language = forms.ChoiceField(label=_("Interpreted language"), required=False, widget=LongSelect)
    note = forms.CharField(
        label=_("Short factual note"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )

    def __init__(self, *args: Any, clients: QuerySet[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["interpreter_language"].choices = [("", "—"), *language_choices()]  # type: ignore[attr-defined]
        self.fields["participants"].queryset = clients  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        kind = cleaned.get("interpreter_kind")
        if kind and kind != InterpreterKind.NONE and not cleaned.get("interpreter_language"):
            self.add_error("interpreter_language", _("Name the language the interpreter interpreted."))
        return cleaned


class ContactEntryForm(OnceForm, BootstrapMixin, ContactFields):
    follow_up = forms.CharField(label=_("Follow-up task"), required=False, max_length=300)
    follow_up_due = DateField(label=_("Follow-up due on"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A contact always has a client; none ticked is the first client, as the form proposes.
        participants = self.fields["participants"]
        participants.required = False
        participants.help_text = _("Without a choice, the first client of the case is recorded.")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("follow_up") and not cleaned.get("follow_up_due"):
            self.add_error("follow_up_due", _("When is the follow-up task due?"))
        if cleaned.get("follow_up_due") and not cleaned.get("follow_up"):
            self.add_error("follow_up", _("Describe the follow-up task."))
        return cleaned


class ContactEditForm(ContactFields, VersionedForm):
    pass


class ContactDeleteForm(VersionedForm):
    reason = forms.CharField(
        label=_("Reason for deleting"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example “recorded in the wrong case” or “recorded twice”. The change history keeps it."),
        error_messages={"required": _("Give the reason why the contact is deleted.")},
    )


class FollowUpEditForm(VersionedForm):
    description = forms.CharField(
        label=_("Task"), max_length=300, error_messages={"required": _("Describe the follow-up task.")}
    )
    due_date = DateField(label=_("Due on"))


class FollowUpPostponeForm(VersionedForm):
    due_date = DateField(label=_("Postpone to"))


class FollowUpAssignForm(VersionedForm):
    assignee = forms.ModelChoiceField(
        queryset=User.objects.none(),
        label=_("Pass to"),
        required=False,
        empty_label=_("– the responsible caseworker –"),
        error_messages={
            "invalid_choice": _(
                "A follow-up task can only be passed to an active colleague of the case's organisation "
                "who does casework."
            )
        },
    )

    def __init__(self, *args: Any, organisation_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = caseworkers_of(organisation_id)  # type: ignore[attr-defined]


class NetworkActorField(forms.ModelChoiceField["Actor"]):
    """An actor of the network directory, grouped by category, named with its municipality."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.municipality.name})"


class ReferralForm(OnceForm, BootstrapMixin, forms.Form):
    date = DateField(label=_("Date"), initial=today)
    network_actor = NetworkActorField(
        queryset=Actor.objects.none(),
        label=_("Actor of the network"),
        required=False,
        empty_label=_("– not in the directory –"),
        help_text=_("Choose the service from the network directory, or name it below."),
    )
    to_whom = forms.CharField(
        label=_("Referred to"),
        max_length=300,
        required=False,
        help_text=_("Service, office or person; filled in from the directory when an actor is chosen."),
    )
    field_of_action = forms.ChoiceField(label=_("Field of action"), choices=FieldOfAction.choices)
    topic = forms.CharField(label=_("Topic"), max_length=300)

    def __init__(self, *args: Any, actors: QuerySet[Actor], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["network_actor"]
        assert isinstance(field, NetworkActorField)
        field.queryset = actors.select_related("category", "municipality").order_by("category__position", "name")
        # One group per category, as in the directory.
        groups: dict[str, list[tuple[Any, str]]] = {}
        for actor in field.queryset:
            groups.setdefault(actor.category.name, []).append((actor.pk, field.label_from_instance(actor)))
        field.choices = [("", field.empty_label or ""), *groups.items()]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        actor = cleaned.get("network_actor")
        if actor is not None and not cleaned.get("to_whom", "").strip():
            cleaned["to_whom"] = actor.name
        if actor is None and not cleaned.get("to_whom", "").strip() and not self.has_error("network_actor"):
            self.add_error("to_whom", _("Choose an actor of the network or name whom the client was referred to."))
        return cleaned


class ReferralOutcomeForm(VersionedForm):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=ReferralOutcome.choices)
    outcome_note = forms.CharField(label=_("Note on the outcome"), max_length=300, required=False)


class ConsentForm(OnceForm, BootstrapMixin, forms.Form):
    person = forms.ModelChoiceField(queryset=Person.objects.none(), label=_("Given by"))
    purpose = forms.ChoiceField(label=_("Purpose"), choices=ConsentPurpose.choices)
    recipient_organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label=_("Organisation in Lotse"),
        required=False,
        help_text=_(
            "For sharing with an organisation that works in Lotse, e.g. before a handover; for the data exchange "
            "with the accommodation, the organisation that houses the client."
        ),
    )
    recipient_name = forms.CharField(
        label=_("Other recipient"),
        max_length=300,
        required=False,
        help_text=_("An office or service outside Lotse, e.g. the Jobcenter."),
    )
    given_on = DateField(label=_("Given on"), initial=today)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, clients: QuerySet[Person], organisation_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = clients  # type: ignore[attr-defined]
        self.fields["recipient_organisation"].queryset = Organisation.objects.exclude(  # type: ignore[attr-defined]
            pk=organisation_id
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        purpose = cleaned.get("purpose")
        if purpose == ConsentPurpose.HOUSING_EXCHANGE and not cleaned.get("recipient_organisation"):
            self.add_error(
                "recipient_organisation",
                _("Name the organisation that houses the client: the exchange is with an organisation of Lotse."),
            )
        elif (
            purpose
            and purpose != ConsentPurpose.PROCESSING
            and not cleaned.get("recipient_organisation")
            and not cleaned.get("recipient_name")
        ):
            self.add_error(
                "recipient_organisation",
                _("Name the organisation the data may be shared with, or the office released from confidentiality."),
            )
        return cleaned


class WithdrawForm(BootstrapMixin, forms.Form):
    on = DateField(label=_("Withdrawn on"), initial=today)


class PlanForm(OnceForm, VersionedForm):
    agreed_on = DateField(label=_("Agreed on"), initial=today)
    review_on = DateField(label=_("Next joint review"), required=False)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        agreed, review = cleaned.get("agreed_on"), cleaned.get("review_on")
        if agreed and review and review < agreed:
            self.add_error("review_on", _("The review cannot be before the agreement."))
        return cleaned


class ClientChoiceField(forms.ModelMultipleChoiceField[Person]):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.given_names} {obj.family_name}".strip()


class GoalForm(OnceForm, VersionedForm):
    field_of_action = forms.ChoiceField(label=_("Field of action"), choices=FieldOfAction.choices)
    title = forms.CharField(label=_("Goal"), max_length=300, help_text=_("In plain words, as agreed with the client."))
    members = ClientChoiceField(
        queryset=Person.objects.none(),
        label=_("Concerns"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: the whole household."),
        error_messages={
            "invalid_choice": _("A goal can only concern clients of this case."),
            "invalid_pk_value": _("A goal can only concern clients of this case."),
        },
    )
    due_date = DateField(label=_("To be achieved by"), required=False)
    review_date = DateField(label=_("Review on"), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=GoalStatus.choices, initial=GoalStatus.OPEN)

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        clients = Person.objects.filter(client_of__case=case).order_by("given_names", "family_name", "pk")
        self.fields["members"].queryset = clients  # type: ignore[attr-defined]


class PlanPrintForm(VersionedForm):
    language = forms.ChoiceField(
        label=_("Language beside German"),
        required=False,
        help_text=_("The fixed texts are printed in German and in this language; goals and steps as written."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = language_choices_for_print()  # type: ignore[attr-defined]


class StepForm(OnceForm, BootstrapMixin, forms.Form):
    description = forms.CharField(label=_("Step"), max_length=300)
    responsible = forms.ChoiceField(label=_("Responsible"), choices=Responsible.choices)
    responsible_name = forms.CharField(
        label=_("Name of the actor"),
        max_length=200,
        required=False,
        help_text=_("Who, when another actor is responsible."),
    )
    due_date = DateField(label=_("Due on"), required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("responsible") == Responsible.ACTOR and not cleaned.get("responsible_name"):
            self.add_error("responsible_name", _("Name the actor who is responsible for the step."))
        return cleaned


class HandoverRequestForm(OnceForm, BootstrapMixin, forms.Form):
    to_organisation = forms.ModelChoiceField(queryset=Organisation.objects.none(), label=_("Hand over to"))
    note = forms.CharField(
        label=_("Message to the receiving organisation"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, organisation_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_organisation"].queryset = Organisation.objects.exclude(  # type: ignore[attr-defined]
            pk=organisation_id
        )


class HandoverAcceptForm(BootstrapMixin, forms.Form):
    responsible = forms.ModelChoiceField(queryset=User.objects.none(), label=_("Responsible caseworker"))

    def __init__(self, *args: Any, organisation_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = caseworkers_of(organisation_id)  # type: ignore[attr-defined]


class HandoverDeclineForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class CaseFilterForm(FilterForm):
    """The case list's search and filters (GET); invalid values are ignored, never an error page."""

    q = forms.CharField(label=_("Name or case number"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("open cases")), ("all", _("all")), *CaseStatus.choices]
    )
    municipality = forms.ModelChoiceField(queryset=Municipality.objects.all(), label=_("Municipality"), required=False)
    responsible = forms.ChoiceField(label=_("Caseworker"), required=False)
    residence = forms.ChoiceField(
        label=_("Residence status"), required=False, choices=[("", "—"), *ResidenceStatus.choices]
    )
    field_of_action = forms.ChoiceField(
        label=_("Field of action in the plan"), required=False, choices=[("", "—"), *FieldOfAction.choices]
    )
    duration = forms.ChoiceField(
        label=_("Duration"), required=False, choices=[("", "—"), ("near_max", _("nearing the maximum duration"))]
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("", _("newest first")),
            ("name", _("name")),
            ("start", _("start of counselling")),
            ("contact", _("last contact")),
            ("municipality", _("municipality")),
        ],
    )

    def __init__(self, *args: Any, organisation_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        caseworkers = [(str(u.pk), u.get_full_name() or u.username) for u in caseworkers_of(organisation_id)]
        self.fields["responsible"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            ("me", _("my cases")),
            ("none", _("without caseworker")),
            *caseworkers,
        ]
        self.style_small()


# The team page


class TeamFilterForm(FilterForm):
    """Which of the team's due items the team page lists: of one caseworker (or of none), of one kind."""

    caseworker = forms.ChoiceField(label=_("Caseworker"), required=False)
    kind = forms.ChoiceField(label=_("Show"), required=False, choices=list(TEAM_ITEM_KINDS.items()))

    def __init__(self, *args: Any, caseworkers: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["caseworker"].choices = [  # type: ignore[attr-defined]
            ("", _("the whole team")),
            *[(str(u.pk), u.get_full_name() or u.username) for u in caseworkers],
            ("none", _("without caseworker")),
        ]
        self.style_small()


class ReassignForm(forms.Form):
    """The cases chosen on the case list (``case``: "key:version" each) and the caseworker who takes them."""

    responsible = forms.ModelChoiceField(
        queryset=User.objects.none(),
        label=_("Assign the chosen cases to"),
        error_messages={
            "required": _("Choose the caseworker who takes the cases."),
            "invalid_choice": _("Choose a caseworker of your organisation."),
        },
    )
    case = forms.MultipleChoiceField(required=False)

    def __init__(self, *args: Any, organisation_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = caseworkers_of(organisation_id)  # type: ignore[attr-defined]
        # Any "key:version" pair is accepted here; the service decides whether the cases may be reassigned.
        self.fields["case"].valid_value = lambda value: True  # type: ignore[attr-defined]

    def clean_case(self) -> dict[int, int]:
        versions: dict[int, int] = {}
        for value in self.cleaned_data.get("case", []):
            key, _sep, version = str(value).partition(":")
            if not (key.isdigit() and version.isdigit()) or len(key) > 15 or len(version) > 9:
                raise forms.ValidationError(_("The chosen cases could not be read. Reload the list and choose again."))
            versions[int(key)] = int(version)
        return versions

    def versions(self) -> dict[int, int]:
        versions: dict[int, int] = self.cleaned_data["case"]
        return versions


class SubstitutionForm(OnceForm, BootstrapMixin, forms.Form):
    absent = forms.ModelChoiceField(queryset=User.objects.none(), label=_("Absent caseworker"))
    substitute = forms.ModelChoiceField(queryset=User.objects.none(), label=_("Substitute"))
    starts_on = DateField(label=_("From"), initial=today)
    ends_on = DateField(label=_("Until"))

    def __init__(self, *args: Any, organisation_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("absent", "substitute"):
            self.fields[name].queryset = caseworkers_of(organisation_id)  # type: ignore[attr-defined]
