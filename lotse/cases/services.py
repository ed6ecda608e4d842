"""Every change to a case and what is recorded in it: one transaction, one audit trail.

Views call these functions; each requires the acting user to do casework in the
organisation that owns the case, runs in one transaction, and names the acting
user in the change history.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from lotse.cases.choices import (
    CaseStatus,
    ClosingReason,
    ConsentPurpose,
    FieldOfAction,
    GoalStatus,
    HandoverStatus,
    InterpreterKind,
    ReferralOutcome,
    Responsible,
)
from lotse.cases.models import (
    Case,
    CaseClient,
    CaseStatusChange,
    Consent,
    Contact,
    ContactParticipant,
    FollowUp,
    Goal,
    GoalMember,
    Handover,
    IntegrationPlan,
    Referral,
    Step,
    Substitution,
)
from lotse.cases.plan_print import PLAN_LANGUAGES
from lotse.core.access import Capability, holds, require
from lotse.core.models import Municipality, Organisation, User
from lotse.core.services import ConcurrentEditError, audit_context, save_versioned
from lotse.core.transactions import atomic
from lotse.documents.models import Document
from lotse.network.models import Actor
from lotse.people import services as people_services
from lotse.people.choices import HousingSituation, Relationship
from lotse.people.dates import not_in_future
from lotse.people.models import Household, HouseholdMembership, HousingRecord, Person
from lotse.people.vocabulary import LANGUAGE_CODES

# The status machine: which status may follow which.
TRANSITIONS: dict[str, frozenset[str]] = {
    CaseStatus.ACTIVE: frozenset({CaseStatus.DORMANT, CaseStatus.CLOSED}),
    CaseStatus.DORMANT: frozenset({CaseStatus.ACTIVE, CaseStatus.CLOSED}),
    CaseStatus.CLOSED: frozenset({CaseStatus.ACTIVE}),
}


def _d(value: datetime.date) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


def _check_open(case: Case) -> None:
    if case.status == CaseStatus.CLOSED:
        raise ValidationError(_("The case is closed. Reopen it to record something new."), code="case_closed")


def _check_caseworker(responsible: User | None, organisation_id: int) -> None:
    if responsible is None:
        return
    if responsible.organisation_id != organisation_id or not holds(responsible.roles, Capability.CASEWORK):
        raise ValidationError(
            _("The responsible caseworker must work in integration management at the case's organisation."),
            code="responsible_foreign",
        )
    if not responsible.is_active:
        raise ValidationError(_("The responsible caseworker's account is deactivated."), code="responsible_inactive")


# Cases and their clients


def open_case(
    *,
    acting_user: User | None,
    organisation: Organisation,
    municipality: Municipality,
    start_date: datetime.date,
    responsible: User | None,
    head: dict[str, Any] | None = None,
    external_id: str = "",
    head_person: Person | None = None,
) -> Case:
    """Intake: a new household with its head as the first client, and an active case.

    The head is a new person (``head``, their fields) or one already registered by the organisation
    (``head_person``, who moves from their current household into the new one on the start date).
    """
    require(acting_user, Capability.CASEWORK, organisation_id=organisation.pk, code="not_owner")
    _check_caseworker(responsible, organisation.pk)
    not_in_future(start_date, _("The start of counselling"))
    if (head is None) == (head_person is None):
        raise TypeError("open_case needs either the fields of a new head or an existing person")
    if head_person is not None and head_person.organisation_id != organisation.pk:
        raise ValidationError(_("The person and the household belong to different organisations."), code="foreign")
    with atomic(), audit_context(acting_user):
        household = people_services.create_household(acting_user=acting_user, organisation=organisation)
        if head_person is None:
            assert head is not None
            person = people_services.create_person(acting_user=acting_user, organisation=organisation, **head)
            HouseholdMembership.objects.create(
                household=household, person=person, relationship=Relationship.HEAD, valid_from=start_date
            )
        else:
            person = head_person
            people_services.join_household(
                acting_user=acting_user,
                person=person,
                household=household,
                relationship=Relationship.HEAD,
                since=start_date,
            )
        case = Case.objects.create(
            organisation=organisation,
            municipality=municipality,
            household=household,
            responsible=responsible,
            start_date=start_date,
            external_id=external_id,
        )
        CaseClient.objects.create(case=case, person=person)
        CaseStatusChange.objects.create(case=case, to_status=CaseStatus.ACTIVE, on=start_date, by=acting_user)
        return case


def add_household_member(
    *,
    acting_user: User | None,
    case: Case,
    relationship: str,
    since: datetime.date,
    is_client: bool,
    person_fields: dict[str, Any] | None = None,
    person: Person | None = None,
) -> Person:
    """A new person (``person_fields``) or one already registered by the organisation (``person``) joins the
    case's household (and, usually, becomes a client of the case)."""
    require(acting_user, Capability.CASEWORK, organisation_id=case.organisation_id, code="not_owner")
    _check_open(case)
    if (person_fields is None) == (person is None):
        raise TypeError("add_household_member needs either the fields of a new person or an existing person")
    with atomic(), audit_context(acting_user):
        if person is None:
            assert person_fields is not None
            person = people_services.create_person(
                acting_user=acting_user, organisation=case.organisation, **person_fields
            )
        people_services.join_household(
            acting_user=acting_user, person=person, household=case.household, relationship=relationship, since=since
        )
        if is_client:
            CaseClient.objects.create(case=case, person=person)
        return person


def set_client(*, acting_user: User | None, case: Case, person: Person, is_client: bool) -> None:
    """Make a member of the case's household a client of the case, or no longer one."""
    require(acting_user, Capability.CASEWORK, organisation_id=case.organisation_id, code="not_owner")
    _check_open(case)
    in_household = HouseholdMembership.objects.filter(
        household=case.household, person=person, valid_to__isnull=True
    ).exists()
    if not in_household:
        raise ValidationError(_("Only members of the case's household can be its clients."), code="not_member")
    with atomic(), audit_context(acting_user):
        link = CaseClient.objects.select_for_update().filter(case=case, person=person).first()
        if is_client and link is None:
            CaseClient.objects.create(case=case, person=person)
        elif not is_client and link is not None:
            if CaseClient.objects.filter(case=case).count() == 1:
                raise ValidationError(_("A case needs at least one client."), code="last_client")
            if Consent.objects.filter(case=case, person=person).exists():
                raise ValidationError(
                    _("This client gave consents recorded in the case, so they stay a client of it."),
                    code="client_has_consent",
                )
            link.delete()


def move_to_new_household(*, acting_user: User | None, case: Case, person: Person, since: datetime.date) -> Household:
    """The person leaves the case's household and founds their own (e.g. an adult child moving out).

    They stop being a client of this case; the earlier membership stays in the history.
    """
    require(acting_user, Capability.CASEWORK, organisation_id=case.organisation_id, code="not_owner")
    if not HouseholdMembership.objects.filter(household=case.household, person=person, valid_to__isnull=True).exists():
        raise ValidationError(_("The person does not live in the case's household."), code="not_member")
    with atomic(), audit_context(acting_user):
        household = people_services.create_household(acting_user=acting_user, organisation=case.organisation)
        people_services.join_household(
            acting_user=acting_user, person=person, household=household, relationship=Relationship.HEAD, since=since
        )
        link = CaseClient.objects.filter(case=case, person=person).first()
        if link is not None:
            if CaseClient.objects.filter(case=case).count() == 1:
                raise ValidationError(
                    _("The case's only client cannot move out of its household; close the case instead."),
                    code="last_client",
                )
            link.delete()
        return household


def update_case(
    *,
    acting_user: User | None,
    case: Case,
    expected_version: int,
    responsible: User | None,
    municipality: Municipality,
    start_date: datetime.date,
) -> Case:
    require(acting_user, Capability.CASEWORK, organisation_id=case.organisation_id, code="not_owner")
    _check_caseworker(responsible, case.organisation_id)
    not_in_future(start_date, _("The start of counselling"))
    if case.end_date is not None and start_date > case.end_date:
        raise ValidationError(_("The start of counselling cannot be after its end."), code="start_after_end")
    first_contact = case.contacts.order_by("date").values_list("date", flat=True).first()
    if first_contact is not None and start_date > first_contact:
        raise ValidationError(
            _("The start of counselling cannot be after the first contact (%(date)s).") % {"date": _d(first_contact)},
            code="start_after_contact",
        )
    with atomic(), audit_context(acting_user):
        case.responsible, case.municipality, case.start_date = responsible, municipality, start_date
        return save_versioned(case, expected_version, ["responsible", "municipality", "start_date"])


def change_status(
    *,
    acting_user: User | None,
    case: Case,
    expected_version: int,
    to_status: str,
    on: datetime.date,
    closing_reason: str = "",
    note: str = "",
    tenancy_for: Sequence[Person] = (),
    tenancy_municipality: Municipality | None = None,
) -> Case:
    """Move the case along its status machine: pause, resume, close with a reason, reopen.

    Closing with the reason ``eigener_wohnraum`` records, in the same transaction, the housing situation
    ``privater_mietvertrag`` from the closing date for each of ``tenancy_for`` (clients of the case) in
    ``tenancy_municipality`` (default: the case's municipality); an entry of that day is corrected, not doubled.
    """
    require(acting_user, Capability.CASEWORK, organisation_id=case.organisation_id, code="not_owner")
    if to_status not in TRANSITIONS.get(case.status, frozenset()):
        raise ValidationError(
            _("A case that is “%(from)s” cannot become “%(to)s”.")
            % {
                "from": case.get_status_display(),
                "to": CaseStatus(to_status).label if to_status in CaseStatus.values else to_status,
            },
            code="transition",
        )
    not_in_future(on, _("The date of the status change"))
    if on < case.start_date:
        raise ValidationError(
            _("The date cannot be before the start of counselling (%(date)s).") % {"date": _d(case.start_date)},
            code="before_start",
        )
    last_change = case.status_changes.order_by("-on", "-pk").first()
    if last_change is not None and on < last_change.on:
        raise ValidationError(
            _("The date cannot be before the last status change (%(date)s).") % {"date": _d(last_change.on)},
            code="before_last_change",
        )
    if to_status == CaseStatus.CLOSED:
        if closing_reason not in ClosingReason.values:
            raise ValidationError(_("Choose the reason for closing the case."), code="closing_reason")
        if case.handovers.filter(status=HandoverStatus.REQUESTED).exists():
            raise ValidationError(
                _("A handover of this case is waiting for an answer. Withdraw it before closing the case."),
                code="pending_handover",
            )
    elif closing_reason:
        raise ValidationError(_("Only closing a case takes a closing reason."), code="closing_reason")
    if tenancy_for:
        _check_tenancy(case, to_status, closing_reason, tenancy_for)
    with atomic(), audit_context(acting_user):
        from_status = case.status
        case.status = to_status
        if to_status == CaseStatus.CLOSED:
            case.end_date, case.closing_reason = on, closing_reason
        else:
            case.end_date, case.closing_reason = None, ""
        save_versioned(case, expected_version, ["status", "end_date", "closing_reason"])
        CaseStatusChange.objects.create(
            case=case,
            from_status=from_status,
            to_status=to_status,
            on=on,
            closing_reason=closing_reason,
            note=note,
            by=acting_user,
        )
        for person in tenancy_for:
            record_own_tenancy(
                acting_user=acting_user, person=person, on=on, municipality=tenancy_municipality or case.municipality
            )
        return case


def _check_tenancy(case: Case, to_status: str, closing_reason: str, persons: Sequence[Person]) -> None:
    if to_status != CaseStatus.CLOSED or closing_reason != ClosingReason.EIGENER_WOHNRAUM:
        raise ValidationError(
            _("An own tenancy is recorded only when the case is closed with the reason “%(reason)s”.")
            % {"reason": ClosingReason.EIGENER_WOHNRAUM.label},
            code="tenancy_without_reason",
        )
    clients = set(case.case_clients.values_list("person_id", flat=True))
    for person in persons:
        if person.pk not in clients:
            raise ValidationError(
                _("%(name)s is not a client of this case.") % {"name": person.full_name}, code="not_a_client"
            )


def record_own_tenancy(
    *, acting_user: User | None, person: Person, on: datetime.date, municipality: Municipality
) -> None:
    """The housing situation ``privater_mietvertrag`` in ``municipality`` from ``on``: the entry of that day is
    corrected when there is one (left alone when it says so already), otherwise added."""
    with atomic():
        existing = HousingRecord.objects.select_for_update().filter(person=person, valid_from=on).first()
        if existing is None:
            people_services.add_status_record(
                acting_user=acting_user,
                person=person,
                kind="housing",
                valid_from=on,
                situation=HousingSituation.PRIVATER_MIETVERTRAG,
                municipality=municipality,
            )
        elif existing.situation != HousingSituation.PRIVATER_MIETVERTRAG or existing.municipality_id != municipality.pk:
            people_services.update_status_record(
                acting_user=acting_user,
                record=existing,
                expected_version=existing.version,
                situation=HousingSituation.PRIVATER_MIETVERTRAG,
                municipality=municipality,
            )


# The integration plan


def current_plan(case: Case) -> IntegrationPlan | None:
    return case.plans.order_by("-number").first()


def printed_refusal() -> ValidationError:
    return ValidationError(
        _("This version was printed for signature. Changes start a new version."), code="plan_printed"
    )


def _check_plan_editable(acting_user: User | None, plan: IntegrationPlan) -> None:
    """Call inside the change's transaction: the plan's row stays locked until it ends.

    Printing for signature locks the same row (``print_plan_for_signature``), so a
    change either lands before the print or is refused after it.
    """
    require(acting_user, Capability.CASEWORK, organisation_id=plan.case.organisation_id, code="not_owner")
    _check_open(plan.case)
    # One query: lock the plan's row, and ask whether it is still the newest version and not printed.
    newer = IntegrationPlan.objects.filter(case_id=OuterRef("case_id"), number__gt=OuterRef("number"))
    row = (
        IntegrationPlan.objects.select_for_update(of=("self",))
        .filter(pk=plan.pk)
        .values_list(Exists(newer), "printed_at")
        .first()
    )
    if row is None or row[0]:
        raise ValidationError(
            _("Only the newest version of the plan can be changed; earlier versions are kept as agreed."),
            code="old_plan",
        )
    if row[1] is not None:
        raise printed_refusal()


def _copy_goals(previous: IntegrationPlan, plan: IntegrationPlan) -> None:
    """The goals and steps of ``previous`` into ``plan``, with the clients they concern who are clients still."""
    goals = list(previous.goals.prefetch_related("steps", "goal_members"))
    steps = [list(goal.steps.all()) for goal in goals]
    members = [[m.person_id for m in goal.goal_members.all()] for goal in goals]
    for goal in goals:
        goal.pk, goal.plan, goal.version = None, plan, 1
        goal._state.adding = True
    Goal.objects.bulk_create(goals)  # the copies, with their new keys (the history triggers fire per row)
    for goal, goal_steps in zip(goals, steps, strict=True):
        for step in goal_steps:
            step.pk, step.goal = None, goal
            step._state.adding = True
    Step.objects.bulk_create([step for goal_steps in steps for step in goal_steps])
    if not any(members):
        return  # goals of the whole household only: no clients to ask about
    clients = set(CaseClient.objects.filter(case_id=plan.case_id).values_list("person_id", flat=True))
    GoalMember.objects.bulk_create(
        [
            GoalMember(goal=goal, person_id=person_id)
            for goal, person_ids in zip(goals, members, strict=True)
            for person_id in person_ids
            if person_id in clients
        ]
    )


def create_plan_version(
    *,
    acting_user: User | None,
    case: Case,
    agreed_on: datetime.date,
    review_on: datetime.date | None = None,
    notes: str = "",
    after: IntegrationPlan | None = None,
) -> IntegrationPlan:
    """A new dated version of the plan; it starts with the goals, steps and goal members of the previous one.

    ``after``: the version the user saw as the newest; if another was started since, nothing is created.
    """
    require(acting_user, Capability.CASEWORK, organisation_id=case.organisation_id, code="not_owner")
    _check_open(case)
    not_in_future(agreed_on, _("The date of the agreement"))
    with atomic(), audit_context(acting_user):
        Case.objects.select_for_update().filter(pk=case.pk).first()  # serialise version numbering
        previous = current_plan(case)
        if after is not None and previous is not None and previous.pk != after.pk:
            raise ValidationError(
                _("Version %(number)s was started in the meantime.") % {"number": previous.number},
                code="plan_started_meanwhile",
            )
        if previous is not None and agreed_on < previous.agreed_on:
            raise ValidationError(
                _("The new version cannot be dated before the previous one (%(date)s).")
                % {"date": _d(previous.agreed_on)},
                code="plan_before_previous",
            )
        plan = IntegrationPlan.objects.create(
            case=case,
            number=previous.number + 1 if previous else 1,
            agreed_on=agreed_on,
            review_on=review_on,
            notes=notes if notes or previous is None else previous.notes,
            created_by=acting_user,
        )
        if previous is not None:
            _copy_goals(previous, plan)
        return plan


def continue_printed_plan(*, acting_user: User | None, plan: IntegrationPlan) -> IntegrationPlan:
    """After a print for signature: the next version, a copy of the printed one, dated today, to change."""
    if not IntegrationPlan.objects.filter(pk=plan.pk, printed_at__isnull=False).exists():
        raise ValidationError(
            _("This version was not printed for signature; it can still be changed."), code="plan_not_printed"
        )
    return create_plan_version(
        acting_user=acting_user,
        case=plan.case,
        agreed_on=max(timezone.localdate(), plan.agreed_on),
        review_on=plan.review_on,
        notes=plan.notes,
        after=plan,
    )


def print_plan_for_signature(
    *, acting_user: User | None, plan: IntegrationPlan, expected_version: int, language: str
) -> IntegrationPlan:
    """Mark the newest version as printed for signature, by whom and when; from then on it is not changed.

    Printing a version again keeps the first print's record. ``language`` is printed beside German
    (blank: German only).
    """
    require(acting_user, Capability.CASEWORK, organisation_id=plan.case.organisation_id, code="not_owner")
    _check_open(plan.case)
    if language and language not in PLAN_LANGUAGES:
        raise ValidationError(_("Choose a language of the list."), code="plan_language")
    with atomic(), audit_context(acting_user):
        locked = IntegrationPlan.objects.select_for_update().get(pk=plan.pk)
        latest = current_plan(plan.case)
        if latest is None or latest.pk != plan.pk:
            raise ValidationError(
                _("Only the newest version of the plan is printed for signature."), code="old_plan_print"
            )
        if locked.is_printed:
            return locked
        locked.printed_at, locked.printed_by, locked.printed_language = timezone.now(), acting_user, language
        return save_versioned(locked, expected_version, ["printed_at", "printed_by", "printed_language"])


def update_plan(
    *,
    acting_user: User | None,
    plan: IntegrationPlan,
    expected_version: int,
    agreed_on: datetime.date,
    review_on: datetime.date | None,
    notes: str,
) -> IntegrationPlan:
    not_in_future(agreed_on, _("The date of the agreement"))
    previous = plan.case.plans.filter(number__lt=plan.number).order_by("-number").first()
    if previous is not None and agreed_on < previous.agreed_on:
        raise ValidationError(
            _("The new version cannot be dated before the previous one (%(date)s).") % {"date": _d(previous.agreed_on)},
            code="plan_before_previous",
        )
    with atomic(), audit_context(acting_user):
        _check_plan_editable(acting_user, plan)
        plan.agreed_on, plan.review_on, plan.notes = agreed_on, review_on, notes
        return save_versioned(plan, expected_version, ["agreed_on", "review_on", "notes"])


def _check_goal_values(field_of_action: str, status: str) -> None:
    if field_of_action not in FieldOfAction.values:
        raise ValidationError(_("Choose a field of action."), code="field_of_action")
    if status not in GoalStatus.values:
        raise ValidationError(_("Choose the goal's status."), code="goal_status")


def _check_members(plan: IntegrationPlan, members: Iterable[Person]) -> set[int]:
    """The keys of the persons a goal concerns: clients of the plan's case only."""
    person_ids = {person.pk for person in members}
    clients = set(
        CaseClient.objects.filter(case_id=plan.case_id, person_id__in=person_ids).values_list("person_id", flat=True)
    )
    if person_ids - clients:
        raise ValidationError(_("A goal can only concern clients of this case."), code="goal_member_not_client")
    return person_ids


def _set_members(goal: Goal, person_ids: set[int]) -> None:
    """Write the change only: the history shows who was added to or removed from the goal."""
    current = set(GoalMember.objects.filter(goal=goal).values_list("person_id", flat=True))
    GoalMember.objects.filter(goal=goal, person_id__in=current - person_ids).delete()
    GoalMember.objects.bulk_create([GoalMember(goal=goal, person_id=pk) for pk in sorted(person_ids - current)])


@dataclass(frozen=True)
class NewStep:
    """A step to add: what, who (an actor by name), by when, and whether it is done already."""

    description: str
    responsible: str
    responsible_name: str = ""
    due_date: datetime.date | None = None
    done: bool = False


def _step(goal: Goal, position: int, new: NewStep) -> Step:
    """The unsaved step after checking its values."""
    if new.responsible not in Responsible.values:
        raise ValidationError(_("Choose who is responsible for the step."), code="responsible")
    if new.responsible == Responsible.ACTOR and not new.responsible_name.strip():
        raise ValidationError(_("Name the actor who is responsible for the step."), code="responsible_name")
    return Step(
        goal=goal,
        description=new.description,
        responsible=new.responsible,
        responsible_name=new.responsible_name.strip() if new.responsible == Responsible.ACTOR else "",
        due_date=new.due_date,
        done=new.done,
        position=position,
    )


@dataclass(frozen=True)
class NewGoal:
    """A goal to add with the steps agreed for it; ``members``: the clients it concerns (none: the household)."""

    field_of_action: str
    title: str
    due_date: datetime.date | None = None
    review_date: datetime.date | None = None
    status: str = GoalStatus.OPEN
    members: Sequence[Person] = ()
    steps: Sequence[NewStep] = ()


def add_goal(
    *,
    acting_user: User | None,
    plan: IntegrationPlan,
    field_of_action: str,
    title: str,
    due_date: datetime.date | None = None,
    review_date: datetime.date | None = None,
    status: str = GoalStatus.OPEN,
    members: Iterable[Person] = (),
    steps: Sequence[NewStep] = (),
) -> Goal:
    """A goal of the newest plan version, with the steps agreed for it (all of them or nothing).

    ``members``: the clients of the case the goal concerns (none: the whole household).
    """
    new = NewGoal(field_of_action, title, due_date, review_date, status, tuple(members), tuple(steps))
    return add_goals(acting_user=acting_user, plan=plan, goals=[new])[0]


def add_goals(*, acting_user: User | None, plan: IntegrationPlan, goals: Sequence[NewGoal]) -> list[Goal]:
    """The goals agreed in one meeting, after the plan's existing ones, each with its steps: all or nothing.

    The plan and the clients are checked once, and each kind of row is written in one statement.
    """
    for new in goals:
        _check_goal_values(new.field_of_action, new.status)
    with atomic(), audit_context(acting_user):
        _check_plan_editable(acting_user, plan)
        _check_members(plan, [person for new in goals for person in new.members])
        first = plan.goals.count()
        created = Goal.objects.bulk_create(
            [
                Goal(
                    plan=plan,
                    field_of_action=new.field_of_action,
                    title=new.title,
                    due_date=new.due_date,
                    review_date=new.review_date,
                    status=new.status,
                    position=first + index,
                )
                for index, new in enumerate(goals)
            ]
        )
        # A new goal concerns nobody yet: only additions to write.
        GoalMember.objects.bulk_create(
            [
                GoalMember(goal=goal, person_id=pk)
                for goal, new in zip(created, goals, strict=True)
                for pk in sorted({person.pk for person in new.members})
            ]
        )
        Step.objects.bulk_create(
            [
                _step(goal, position, step)
                for goal, new in zip(created, goals, strict=True)
                for position, step in enumerate(new.steps)
            ]
        )
        return created


def update_goal(
    *,
    acting_user: User | None,
    goal: Goal,
    expected_version: int,
    field_of_action: str,
    title: str,
    due_date: datetime.date | None,
    review_date: datetime.date | None,
    status: str,
    members: Iterable[Person] | None = None,
) -> Goal:
    """Change the goal; ``members`` None leaves the persons it concerns as they are."""
    _check_goal_values(field_of_action, status)
    with atomic(), audit_context(acting_user):
        _check_plan_editable(acting_user, goal.plan)
        person_ids = _check_members(goal.plan, members) if members is not None else None
        goal.field_of_action, goal.title, goal.due_date = field_of_action, title, due_date
        goal.review_date, goal.status = review_date, status
        save_versioned(goal, expected_version, ["field_of_action", "title", "due_date", "review_date", "status"])
        if person_ids is not None:
            _set_members(goal, person_ids)
        return goal


def add_step(
    *,
    acting_user: User | None,
    goal: Goal,
    description: str,
    responsible: str,
    responsible_name: str = "",
    due_date: datetime.date | None = None,
    done: bool = False,
) -> Step:
    step = _step(goal, 0, NewStep(description, responsible, responsible_name, due_date, done))
    with atomic(), audit_context(acting_user):
        _check_plan_editable(acting_user, goal.plan)
        step.position = goal.steps.count()
        step.save()
        return step


def set_step_done(*, acting_user: User | None, step: Step, done: bool) -> Step:
    with atomic(), audit_context(acting_user):
        _check_plan_editable(acting_user, step.goal.plan)
        step.done = done
        step.save(update_fields=["done"])
        return step


def delete_step(*, acting_user: User | None, step: Step) -> None:
    with atomic(), audit_context(acting_user):
        _check_plan_editable(acting_user, step.goal.plan)
        step.delete()


# Contacts and follow-ups


def _check_contact(
    case: Case,
    *,
    date: datetime.date,
    fields_of_action: Iterable[str],
    interpreter_kind: str,
    interpreter_language: str,
) -> tuple[list[str], str]:
    """The rules every contact keeps, recorded or corrected: its fields of action and interpreted language."""
    not_in_future(date, _("The date of the contact"))
    if date < case.start_date:
        raise ValidationError(
            _("The contact cannot be dated before the start of counselling (%(date)s).")
            % {"date": _d(case.start_date)},
            code="before_start",
        )
    fields = list(dict.fromkeys(fields_of_action))
    if unknown := set(fields) - set(FieldOfAction.values):
        raise ValidationError(_("Unknown field of action “%(code)s”.") % {"code": sorted(unknown)[0]}, code="field")
    if interpreter_kind == InterpreterKind.NONE:
        interpreter_language = ""
    elif not interpreter_language:
        raise ValidationError(_("Name the language the interpreter interpreted."), code="interpreter_language")
    elif interpreter_language not in LANGUAGE_CODES:
        raise ValidationError(_("Unknown language “%(code)s”.") % {"code": interpreter_language}, code="language")
    return fields, interpreter_language


def _participants(case: Case, participants: Iterable[Person] | None, contact: Contact | None = None) -> list[Person]:
    """Who took part: clients of the case only; None is the case's first client (the one who names the case).

    A corrected contact keeps whoever took part in it, though they may no longer be a client (moved out, say).
    """
    clients = [link.person for link in CaseClient.objects.filter(case=case).select_related("person").order_by("pk")]
    if contact is not None:
        known = {client.pk for client in clients}
        clients += [person for person in contact.participants.order_by("pk") if person.pk not in known]
    if participants is None:
        return clients[:1]
    chosen = {person.pk for person in participants}
    if not chosen:
        raise ValidationError(_("Choose who took part in the contact."), code="no_participant")
    if chosen - {client.pk for client in clients}:
        raise ValidationError(_("Only clients of the case can take part in its contacts."), code="not_client")
    return [client for client in clients if client.pk in chosen]


def _set_participants(contact: Contact, participants: list[Person]) -> None:
    wanted = {person.pk for person in participants}
    ContactParticipant.objects.filter(contact=contact).exclude(person_id__in=wanted).delete()
    present = set(ContactParticipant.objects.filter(contact=contact).values_list("person_id", flat=True))
    ContactParticipant.objects.bulk_create(
        [ContactParticipant(contact=contact, person=person) for person in participants if person.pk not in present]
    )


def record_contact(
    *,
    acting_user: User | None,
    case: Case,
    date: datetime.date,
    duration_minutes: int,
    form: str,
    fields_of_action: Iterable[str] = (),
    interpreter_kind: str = InterpreterKind.NONE,
    interpreter_language: str = "",
    note: str = "",
    follow_ups: Sequence[tuple[str, datetime.date]] = (),
    participants: Iterable[Person] | None = None,
) -> Contact:
    """Record a counselling contact; ``participants`` are the clients who took part (None: the first client)."""
    require(acting_user, Capability.CASEWORK, organisation_id=case.organisation_id, code="not_owner")
    _check_open(case)
    fields, interpreter_language = _check_contact(
        case,
        date=date,
        fields_of_action=fields_of_action,
        interpreter_kind=interpreter_kind,
        interpreter_language=interpreter_language,
    )
    took_part = _participants(case, participants)
    with atomic(), audit_context(acting_user):
        contact = Contact(
            case=case,
            date=date,
            duration_minutes=duration_minutes,
            form=form,
            fields_of_action=fields,
            interpreter_kind=interpreter_kind,
            interpreter_language=interpreter_language,
            note=note,
            created_by=acting_user,
        )
        contact.full_clean()
        contact.save()
        _set_participants(contact, took_part)
        for description, due_date in follow_ups:
            FollowUp.objects.create(case=case, contact=contact, description=description, due_date=due_date)
        return contact


CONTACT_FIELDS = (
    "date",
    "duration_minutes",
    "form",
    "fields_of_action",
    "interpreter_kind",
    "interpreter_language",
    "note",
)


def update_contact(
    *,
    acting_user: User | None,
    contact: Contact,
    expected_version: int,
    date: datetime.date,
    duration_minutes: int,
    form: str,
    fields_of_action: Iterable[str],
    interpreter_kind: str,
    interpreter_language: str,
    note: str,
    participants: Iterable[Person],
) -> Contact:
    """Correct a recorded contact; the change history keeps the values it had."""
    case = contact.case
    require(acting_user, Capability.CASEWORK, organisation_id=case.organisation_id, code="not_owner")
    fields, interpreter_language = _check_contact(
        case,
        date=date,
        fields_of_action=fields_of_action,
        interpreter_kind=interpreter_kind,
        interpreter_language=interpreter_language,
    )
    took_part = _participants(case, participants, contact)
    with atomic(), audit_context(acting_user):
        contact.date, contact.duration_minutes, contact.form = date, duration_minutes, form
        contact.fields_of_action, contact.interpreter_kind = fields, interpreter_kind
        contact.interpreter_language, contact.note = interpreter_language, note
        contact.full_clean()
        save_versioned(contact, expected_version, CONTACT_FIELDS)
        _set_participants(contact, took_part)
        return contact


def delete_contact(*, acting_user: User | None, contact: Contact, expected_version: int, reason: str) -> None:
    """Delete a contact recorded by mistake, with the reason; the change history keeps it, who deleted it and why.

    Its follow-up tasks stay with the case.
    """
    require(acting_user, Capability.CASEWORK, organisation_id=contact.case.organisation_id, code="not_owner")
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Give the reason why the contact is deleted."), code="reason")
    with atomic(), audit_context(acting_user, reason=reason):
        locked = Contact.objects.select_for_update().filter(pk=contact.pk, version=expected_version).first()
        if locked is None:
            raise ConcurrentEditError
        FollowUp.objects.filter(contact=locked).update(contact=None, version=F("version") + 1)
        locked.delete()


def add_follow_up(
    *,
    acting_user: User | None,
    case: Case,
    description: str,
    due_date: datetime.date,
    assignee: User | None = None,
) -> FollowUp:
    require(acting_user, Capability.CASEWORK, organisation_id=case.organisation_id, code="not_owner")
    _check_open(case)
    _check_assignee(assignee, case.organisation_id)
    with atomic(), audit_context(acting_user):
        return FollowUp.objects.create(case=case, description=description, due_date=due_date, assignee=assignee)


def complete_follow_up(*, acting_user: User | None, follow_up: FollowUp, on: datetime.date | None = None) -> FollowUp:
    """Tick a task off; a form still open on it (a postponement, say) then meets a new version."""
    require(acting_user, Capability.CASEWORK, organisation_id=follow_up.case.organisation_id, code="not_owner")
    with atomic(), audit_context(acting_user):
        follow_up.done_on = on or timezone.localdate()
        FollowUp.objects.filter(pk=follow_up.pk).update(done_on=follow_up.done_on, version=F("version") + 1)
        follow_up.version += 1
        return follow_up


def _check_follow_up_open(acting_user: User | None, follow_up: FollowUp) -> None:
    require(acting_user, Capability.CASEWORK, organisation_id=follow_up.case.organisation_id, code="not_owner")
    if follow_up.done_on is not None:
        raise ValidationError(_("This follow-up task is already done."), code="done")


def _check_assignee(assignee: User | None, organisation_id: int) -> None:
    if assignee is None:
        return
    if (
        assignee.organisation_id != organisation_id
        or not holds(assignee.roles, Capability.CASEWORK)
        or not assignee.is_active
    ):
        raise ValidationError(
            _(
                "A follow-up task can only be passed to an active colleague of the case's organisation "
                "who does casework."
            ),
            code="assignee_foreign",
        )


def update_follow_up(
    *,
    acting_user: User | None,
    follow_up: FollowUp,
    expected_version: int,
    description: str,
    due_date: datetime.date,
) -> FollowUp:
    """Correct what a task says and when it is due."""
    _check_follow_up_open(acting_user, follow_up)
    description = description.strip()
    if not description:
        raise ValidationError(_("Describe the follow-up task."), code="description")
    with atomic(), audit_context(acting_user):
        follow_up.description, follow_up.due_date = description, due_date
        follow_up.full_clean()
        return save_versioned(follow_up, expected_version, ["description", "due_date"])


def postpone_follow_up(
    *, acting_user: User | None, follow_up: FollowUp, expected_version: int, due_date: datetime.date
) -> FollowUp:
    """Put a task off to a later day (not into the past)."""
    _check_follow_up_open(acting_user, follow_up)
    if due_date <= follow_up.due_date:
        raise ValidationError(
            _("A follow-up task is postponed to a day after %(date)s.") % {"date": _d(follow_up.due_date)},
            code="not_later",
        )
    if due_date < timezone.localdate():
        raise ValidationError(_("A follow-up task cannot be postponed into the past."), code="past")
    with atomic(), audit_context(acting_user):
        follow_up.due_date = due_date
        return save_versioned(follow_up, expected_version, ["due_date"])


def reassign_follow_up(
    *, acting_user: User | None, follow_up: FollowUp, expected_version: int, assignee: User | None
) -> FollowUp:
    """Pass a task to a colleague of the case's organisation; None gives it back to the responsible caseworker."""
    _check_follow_up_open(acting_user, follow_up)
    _check_assignee(assignee, follow_up.case.organisation_id)
    with atomic(), audit_context(acting_user):
        follow_up.assignee = assignee
        return save_versioned(follow_up, expected_version, ["assignee"])


# Referrals


def add_referral(
    *,
    acting_user: User | None,
    case: Case,
    date: datetime.date,
    to_whom: str,
    field_of_action: str,
    topic: str,
    network_actor: Actor | None = None,
) -> Referral:
    """Record a referral; ``network_actor`` names the service in the network directory (``to_whom`` keeps its name)."""
    require(acting_user, Capability.CASEWORK, organisation_id=case.organisation_id, code="not_owner")
    _check_open(case)
    not_in_future(date, _("The date of the referral"))
    to_whom = to_whom.strip() or (network_actor.name if network_actor is not None else "")
    with atomic(), audit_context(acting_user):
        referral = Referral(
            case=case,
            date=date,
            to_whom=to_whom,
            network_actor=network_actor,
            field_of_action=field_of_action,
            topic=topic,
            created_by=acting_user,
        )
        referral.full_clean()
        referral.save()
        return referral


def set_referral_outcome(
    *, acting_user: User | None, referral: Referral, expected_version: int, outcome: str, outcome_note: str = ""
) -> Referral:
    require(acting_user, Capability.CASEWORK, organisation_id=referral.case.organisation_id, code="not_owner")
    if outcome not in ReferralOutcome.values:
        raise ValidationError(_("Choose the outcome of the referral."), code="outcome")
    with atomic(), audit_context(acting_user):
        referral.outcome, referral.outcome_note = outcome, outcome_note
        return save_versioned(referral, expected_version, ["outcome", "outcome_note"])


# Consent


def record_consent(
    *,
    acting_user: User | None,
    case: Case,
    person: Person,
    purpose: str,
    given_on: datetime.date,
    recipient_organisation: Organisation | None = None,
    recipient_name: str = "",
    note: str = "",
) -> Consent:
    require(acting_user, Capability.CASEWORK, organisation_id=case.organisation_id, code="not_owner")
    if not CaseClient.objects.filter(case=case, person=person).exists():
        raise ValidationError(_("Consent is given by a client of the case."), code="not_client")
    not_in_future(given_on, _("The date of the consent"))
    if purpose not in ConsentPurpose.values:
        raise ValidationError(_("Choose what the consent is for."), code="purpose")
    if purpose == ConsentPurpose.PROCESSING:
        recipient_organisation, recipient_name = None, ""
    elif recipient_organisation is None and not recipient_name.strip():
        raise ValidationError(
            _("Name the organisation the data may be shared with, or the office released from confidentiality."),
            code="recipient",
        )
    if purpose == ConsentPurpose.HOUSING_EXCHANGE and recipient_organisation is None:
        raise ValidationError(
            _("Name the organisation that houses the client: the exchange is with an organisation of Lotse."),
            code="recipient_organisation",
        )
    if recipient_organisation is not None and recipient_organisation.pk == case.organisation_id:
        raise ValidationError(_("Consent to share is given for another organisation than your own."), code="own_org")
    with atomic(), audit_context(acting_user):
        return Consent.objects.create(
            case=case,
            person=person,
            purpose=purpose,
            recipient_organisation=recipient_organisation,
            recipient_name=recipient_name.strip(),
            given_on=given_on,
            note=note,
            recorded_by=acting_user,
        )


def withdraw_consent(*, acting_user: User | None, consent: Consent, on: datetime.date | None = None) -> Consent:
    """Withdrawal takes effect at once: sharing ends, and a handover waiting on this consent is withdrawn."""
    require(acting_user, Capability.CASEWORK, organisation_id=consent.case.organisation_id, code="not_owner")
    on = on or timezone.localdate()
    if consent.withdrawn_on is not None:
        raise ValidationError(_("This consent was already withdrawn."), code="already_withdrawn")
    not_in_future(on, _("The date of withdrawal"))
    if on < consent.given_on:
        raise ValidationError(_("A consent cannot be withdrawn before it was given."), code="before_given")
    with atomic(), audit_context(acting_user):
        consent.withdrawn_on = on
        consent.save(update_fields=["withdrawn_on"])
        Handover.objects.filter(consent=consent, status=HandoverStatus.REQUESTED).update(
            status=HandoverStatus.WITHDRAWN,
            decided_at=timezone.now(),
            decided_by=acting_user,
            decision_note=_("The consent was withdrawn."),
        )
        # A request to link the client's records made with this consent ends as well (lotse.arrivals).
        from lotse.arrivals.models import LinkRequest, LinkRequestStatus

        LinkRequest.objects.filter(consent=consent, status=LinkRequestStatus.OPEN).update(
            status=LinkRequestStatus.ENDED, decided_at=timezone.now()
        )
        return consent


# Handover between organisations


def sharing_consent_for(case: Case, organisation: Organisation) -> Consent | None:
    return case.consents.sharing_with(organisation.pk).order_by("-given_on").first()


def request_handover(
    *, acting_user: User | None, case: Case, to_organisation: Organisation, note: str = ""
) -> Handover:
    """Offer the case to another organisation; it needs the client's consent to share with that organisation."""
    require(acting_user, Capability.CASEWORK, organisation_id=case.organisation_id, code="not_owner")
    _check_open(case)
    if to_organisation.pk == case.organisation_id:
        raise ValidationError(_("Choose another organisation than your own."), code="own_org")
    with atomic(), audit_context(acting_user):
        Case.objects.select_for_update().filter(pk=case.pk).first()
        if case.handovers.filter(status=HandoverStatus.REQUESTED).exists():
            raise ValidationError(_("A handover of this case is already waiting for an answer."), code="pending")
        consent = sharing_consent_for(case, to_organisation)
        if consent is None:
            raise ValidationError(
                _(
                    "A handover to %(organisation)s needs the client's consent to share their data with it. "
                    "Record the consent first."
                )
                % {"organisation": to_organisation.name},
                code="no_consent",
            )
        return Handover.objects.create(
            case=case,
            from_organisation_id=case.organisation_id,
            to_organisation=to_organisation,
            consent=consent,
            note=note,
            requested_by=acting_user,
        )


def _lock_open_handover(handover: Handover) -> Handover:
    locked = Handover.objects.select_for_update().select_related("case", "consent").get(pk=handover.pk)
    if locked.status != HandoverStatus.REQUESTED:
        raise ValidationError(
            _("This handover was already answered or withdrawn (%(status)s).")
            % {"status": locked.get_status_display()},
            code="decided",
        )
    return locked


def withdraw_handover(*, acting_user: User | None, handover: Handover) -> Handover:
    require(acting_user, Capability.CASEWORK, organisation_id=handover.from_organisation_id, code="not_owner")
    with atomic(), audit_context(acting_user):
        handover = _lock_open_handover(handover)
        handover.status, handover.decided_by, handover.decided_at = (
            HandoverStatus.WITHDRAWN,
            acting_user,
            timezone.now(),
        )
        handover.save(update_fields=["status", "decided_by", "decided_at"])
        return handover


def _move_to_organisation(records: QuerySet[Any], organisation_id: int) -> None:
    """Give ``records`` (persons or households) to the organisation, with a new version.

    An import key (``external_id``) is unique within one organisation only, so
    the receiving organisation may already use a moved record's key for one of
    its own. Such a key is cleared rather than failing the handover: the
    receiving organisation's export assigns the record a fresh ID.
    """
    taken = (
        records.model._default_manager.filter(organisation_id=organisation_id)
        .exclude(external_id="")
        .values("external_id")
    )
    records.filter(external_id__in=taken).update(external_id="")
    records.update(organisation_id=organisation_id, version=F("version") + 1)


def accept_handover(*, acting_user: User | None, handover: Handover, responsible: User | None) -> Case:
    """The receiving organisation takes the case over with its full history; the sender loses access."""
    require(acting_user, Capability.CASEWORK, organisation_id=handover.to_organisation_id, code="not_owner")
    _check_caseworker(responsible, handover.to_organisation_id)
    with atomic(), audit_context(acting_user, handover=handover.pk):
        handover = _lock_open_handover(handover)
        if handover.consent.withdrawn_on is not None:
            raise ValidationError(_("The client withdrew the consent this handover relies on."), code="no_consent")
        case = Case.objects.select_for_update().get(pk=handover.case_id)
        if case.organisation_id != handover.from_organisation_id or case.status == CaseStatus.CLOSED:
            raise ValidationError(_("The case changed since the handover was requested."), code="case_changed")
        receiving = handover.to_organisation_id
        # The current members and the clients move; someone who moved out stays with their own household.
        member_ids = HouseholdMembership.objects.filter(household_id=case.household_id, valid_to__isnull=True).values(
            "person_id"
        )
        client_ids = CaseClient.objects.filter(case=case).values("person_id")
        moving = Person.objects.filter(Q(pk__in=member_ids) | Q(pk__in=client_ids))
        # The documents of the case and of its persons go along, in this transaction.
        Document.objects.filter(Q(case_id=case.pk) | Q(person_id__in=moving.values("pk"))).update(
            organisation_id=receiving
        )
        _move_to_organisation(moving, receiving)
        _move_to_organisation(Household.objects.filter(pk=case.household_id), receiving)
        if case.external_id and Case.objects.filter(organisation_id=receiving, external_id=case.external_id).exists():
            case.external_id = ""  # see _move_to_organisation
        case.organisation_id, case.responsible = receiving, responsible
        save_versioned(case, case.version, ["organisation", "responsible", "external_id"])
        # Tasks passed to a colleague of the sending organisation go to the new responsible caseworker.
        FollowUp.objects.filter(case=case, assignee__isnull=False).update(assignee=None, version=F("version") + 1)
        handover.status, handover.decided_by, handover.decided_at = HandoverStatus.ACCEPTED, acting_user, timezone.now()
        handover.save(update_fields=["status", "decided_by", "decided_at"])
        return case


def decline_handover(*, acting_user: User | None, handover: Handover, reason: str) -> Handover:
    require(acting_user, Capability.CASEWORK, organisation_id=handover.to_organisation_id, code="not_owner")
    if not reason.strip():
        raise ValidationError(_("Give a reason so the sending organisation knows how to go on."), code="reason")
    with atomic(), audit_context(acting_user, handover=handover.pk):
        handover = _lock_open_handover(handover)
        handover.status, handover.decided_by, handover.decided_at = HandoverStatus.DECLINED, acting_user, timezone.now()
        handover.decision_note = reason.strip()
        handover.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        return handover


# The team: reassigning cases, and substitutions during an absence


def _name(user: User) -> str:
    return user.get_full_name() or user.username


def reassign_cases(
    *, acting_user: User | None, organisation: Organisation, versions: Mapping[int, int], responsible: User
) -> int:
    """Give several cases of the organisation to another caseworker at once (all or none).

    ``versions`` maps each chosen case to the version it was shown at: a case changed since (by its
    caseworker, or by another reassignment) stops the whole change, so nothing is overwritten unseen.
    Each case's change history records the new caseworker. Returns how many cases were reassigned.
    """
    require(acting_user, Capability.LEAD_TEAM, organisation_id=organisation.pk)
    if not versions:
        raise ValidationError(_("Choose at least one case."), code="no_cases")
    _check_caseworker(responsible, organisation.pk)
    with atomic(), audit_context(acting_user):
        cases = list(
            Case.objects.select_for_update().filter(pk__in=list(versions), organisation=organisation).order_by("pk")
        )
        if len(cases) != len(versions):
            raise ValidationError(
                _("One of the chosen cases does not belong to your organisation (any more). Nothing was reassigned."),
                code="not_owner",
            )
        changed = [case for case in cases if case.version != versions[case.pk]]
        if changed:
            raise ValidationError(
                _(
                    "Someone changed %(cases)s in the meantime, so nothing was reassigned. "
                    "Check the list and choose again."
                )
                % {"cases": ", ".join(case.number for case in changed)},
                code="concurrent",
            )
        # One statement: the history triggers record every case's change of caseworker, named by the context.
        return Case.objects.filter(pk__in=[case.pk for case in cases]).update(
            responsible=responsible, version=F("version") + 1
        )


def _check_substitution(substitution: Substitution, organisation_id: int, absent: User, substitute: User) -> None:
    if absent.pk == substitute.pk:
        raise ValidationError(_("A caseworker cannot substitute for themselves."), code="same_person")
    if absent.organisation_id != organisation_id or not holds(absent.roles, Capability.CASEWORK):
        raise ValidationError(
            _("The absent colleague must be a caseworker of your organisation."), code="absent_foreign"
        )
    if substitute.organisation_id != organisation_id or not holds(substitute.roles, Capability.CASEWORK):
        raise ValidationError(_("The substitute must be a caseworker of your organisation."), code="substitute_foreign")
    if not substitute.is_active:
        raise ValidationError(_("The substitute's account is deactivated."), code="substitute_inactive")
    if substitution.ends_on < substitution.starts_on:
        raise ValidationError(_("The substitution cannot end before it begins."), code="ends_before_start")
    overlapping = (
        Substitution.objects.filter(
            absent=absent, starts_on__lte=substitution.ends_on, ends_on__gte=substitution.starts_on
        )
        .exclude(pk=substitution.pk)
        .order_by("starts_on")
        .first()
    )
    if overlapping is not None:
        raise ValidationError(
            _("%(name)s already has a substitution from %(from)s until %(until)s.")
            % {"name": _name(absent), "from": _d(overlapping.starts_on), "until": _d(overlapping.ends_on)},
            code="overlap",
        )


def create_substitution(
    *,
    acting_user: User | None,
    organisation: Organisation,
    absent: User,
    substitute: User,
    starts_on: datetime.date,
    ends_on: datetime.date,
) -> Substitution:
    """Vertretung: from ``starts_on`` until ``ends_on`` the substitute sees what is due in the absent colleague's
    cases in her own "Meine Arbeit"."""
    require(acting_user, Capability.LEAD_TEAM, organisation_id=organisation.pk)
    substitution = Substitution(
        organisation=organisation,
        absent=absent,
        substitute=substitute,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=acting_user,
    )
    with atomic(), audit_context(acting_user):
        # Serialise the substitutions of one absent colleague, so two that overlap cannot both be made.
        User.objects.select_for_update().filter(pk=absent.pk).first()
        _check_substitution(substitution, organisation.pk, absent, substitute)
        substitution.save()
        return substitution


def end_substitution(
    *, acting_user: User | None, substitution: Substitution, expected_version: int, today: datetime.date | None = None
) -> Substitution:
    """End a substitution early: yesterday was its last day."""
    require(acting_user, Capability.LEAD_TEAM, organisation_id=substitution.organisation_id)
    today = today or timezone.localdate()
    if substitution.ends_on < today:
        raise ValidationError(_("This substitution has already ended."), code="ended")
    if substitution.starts_on >= today:
        raise ValidationError(
            _("This substitution has not begun before today: delete it instead of ending it."), code="not_begun"
        )
    with atomic(), audit_context(acting_user):
        substitution.ends_on = today - datetime.timedelta(days=1)
        return save_versioned(substitution, expected_version, ["ends_on"])


def delete_substitution(*, acting_user: User | None, substitution: Substitution) -> None:
    require(acting_user, Capability.LEAD_TEAM, organisation_id=substitution.organisation_id)
    with atomic(), audit_context(acting_user):
        substitution.delete()
