"""New arrivals (Neuzugänge): from an assignment to the first contact and the beginning of counselling.

``lotse.accommodation.services.record_assignment`` calls ``create_arrivals`` in its transaction: every
organisation responsible for the municipality on the day of the assignment gets one entry. The receiving
organisation's integration management then records the first contact (planned or made), that the household
needs no counselling or declined it, forwards the entry to another organisation, or begins counselling,
which opens the case from the entry's data and links each new casework record with its accommodation record.
Every change of state is a dated ``ArrivalStep`` and is guarded by ``TRANSITIONS``.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from lotse.accommodation.models import Assignment
from lotse.arrivals.choices import TRANSITIONS, ArrivalState
from lotse.arrivals.exchange import send_current_housing
from lotse.arrivals.models import INTEGRATION_MANAGEMENT_KINDS, Arrival, ArrivalPrint, ArrivalStep
from lotse.arrivals.queries import (
    ArrivalMember,
    arrival_members,
    assignment_district,
    housing_organisations,
    responsibilities_on,
    responsible_organisations,
)
from lotse.arrivals.services import link_records
from lotse.cases import services as case_services
from lotse.cases.choices import CaseStatus, ConsentPurpose, ContactForm
from lotse.cases.models import Case, CaseClient
from lotse.core.access import Capability, holds, require
from lotse.core.models import Organisation, User
from lotse.core.services import audit_context, save_versioned
from lotse.core.transactions import atomic
from lotse.network.choices import SheetLanguage
from lotse.people.choices import Relationship
from lotse.people.dates import not_in_future
from lotse.people.models import HouseholdMembership, Person, ResidenceRecord


def _d(value: datetime.date) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


def _residence_status(assignment: Assignment, members: list[ArrivalMember]) -> str:
    """The residence status on the day of the assignment of the head of household, else of any member."""
    latest: dict[int, str] = {}
    for person_id, status in (
        ResidenceRecord.objects.filter(person_id__in=[m.person_id for m in members], valid_from__lte=assignment.date)
        .order_by("person_id", "-valid_from", "-pk")
        .values_list("person_id", "status")
    ):
        latest.setdefault(person_id, status)
    return next((latest[m.person_id] for m in members if m.person_id in latest), "")


def create_arrivals(*, acting_user: User | None, assignment: Assignment) -> list[Arrival]:
    """An entry for every organisation responsible for the assigned municipality on the day the household arrives
    (the planned arrival, else the day of the assignment): for the district the future shelter or address names,
    if that district has a responsibility of its own that day, else for the whole municipality; for the residence
    status of the head of household, else of any member. None if nobody is responsible."""
    day = assignment.arrival_date
    entries = responsibilities_on(assignment.municipality_id, day)
    if not entries:
        return []  # nobody is responsible there that day, whatever the district and status
    # The household's residence status only matters where an entry names one.
    status = (
        _residence_status(assignment, arrival_members([assignment.pk])[assignment.pk])
        if any(entry.residence_status for entry in entries)
        else ""
    )
    organisations = responsible_organisations(
        assignment.municipality_id,
        day,
        district=assignment_district(assignment, day, entries=entries),
        residence_status=status,
        entries=entries,
    )
    with atomic(), audit_context(acting_user):
        arrivals = [Arrival.objects.create(assignment=assignment, organisation=org) for org in organisations]
        ArrivalStep.objects.bulk_create(
            ArrivalStep(arrival=arrival, to_state=ArrivalState.NEW, on=assignment.date, by=acting_user)
            for arrival in arrivals
        )
        return arrivals


def _guard(acting_user: User | None, arrival: Arrival) -> None:
    require(acting_user, Capability.RECEIVE_ARRIVALS, organisation_id=arrival.organisation_id, code="not_receiver")


def _check_transition(arrival: Arrival, to_state: str) -> None:
    if to_state not in TRANSITIONS[arrival.state]:
        labels = dict(ArrivalState.choices)
        raise ValidationError(
            _("A new arrival in the state “%(state)s” cannot change to “%(to)s”.")
            % {"state": labels[arrival.state], "to": labels[to_state]},
            code="transition",
        )


def _change_state(
    acting_user: User | None,
    arrival: Arrival,
    expected_version: int,
    to_state: str,
    on: datetime.date,
    fields: Mapping[str, Any],
    **step: Any,
) -> Arrival:
    """Set the state and ``fields`` (guarded by the version) and write the dated step."""
    from_state = arrival.state
    arrival.state = to_state
    for name, value in fields.items():
        setattr(arrival, name, value)
    save_versioned(arrival, expected_version, ["state", *fields])
    ArrivalStep.objects.create(arrival=arrival, from_state=from_state, to_state=to_state, on=on, by=acting_user, **step)
    return arrival


def record_first_contact(
    *, acting_user: User | None, arrival: Arrival, expected_version: int, on: datetime.date, form: str
) -> Arrival:
    """The first contact with the household: on a day to come it is planned, on today or earlier it was made."""
    _guard(acting_user, arrival)
    if form not in ContactForm.values:
        raise ValidationError(_("Choose how the first contact takes place."), code="contact_form")
    if on < arrival.assignment.date:
        raise ValidationError(
            _("The first contact cannot be before the assignment (%(date)s).") % {"date": _d(arrival.assignment.date)},
            code="before_assignment",
        )
    planned = on > timezone.localdate()
    to_state = ArrivalState.CONTACT_PLANNED if planned else ArrivalState.CONTACT_MADE
    _check_transition(arrival, to_state)
    with atomic(), audit_context(acting_user):
        return _change_state(
            acting_user,
            arrival,
            expected_version,
            to_state,
            on,
            {"first_contact_on": on, "first_contact_form": form},
            contact_form=form,
        )


def decline_arrival(
    *, acting_user: User | None, arrival: Arrival, expected_version: int, reason: str, on: datetime.date | None = None
) -> Arrival:
    """The household needs no counselling, or declined it: the reason is required."""
    _guard(acting_user, arrival)
    on = on or timezone.localdate()
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            _("Give the reason why the household needs no counselling or declined it."), code="reason"
        )
    not_in_future(on, _("The date"))
    _check_transition(arrival, ArrivalState.DECLINED)
    with atomic(), audit_context(acting_user):
        return _change_state(
            acting_user, arrival, expected_version, ArrivalState.DECLINED, on, {"reason": reason}, note=reason
        )


def forward_arrival(
    *,
    acting_user: User | None,
    arrival: Arrival,
    expected_version: int,
    to_organisation: Organisation,
    reason: str = "",
) -> Arrival:
    """Forward the entry to another organisation of integration management, which gets its own entry (returned)."""
    _guard(acting_user, arrival)
    if to_organisation.pk == arrival.organisation_id:
        raise ValidationError(_("Forward the new arrival to another organisation than your own."), code="own_org")
    if to_organisation.kind not in INTEGRATION_MANAGEMENT_KINDS:
        raise ValidationError(
            _("%(organisation)s does no integration management and cannot receive new arrivals.")
            % {"organisation": to_organisation.name},
            code="not_integration_management",
        )
    _check_transition(arrival, ArrivalState.FORWARDED)
    if Arrival.objects.filter(assignment_id=arrival.assignment_id, organisation=to_organisation).exists():
        raise ValidationError(
            _("%(organisation)s already has this new arrival in its list.") % {"organisation": to_organisation.name},
            code="already_there",
        )
    today = timezone.localdate()
    reason = reason.strip()
    with atomic(), audit_context(acting_user):
        _change_state(
            acting_user,
            arrival,
            expected_version,
            ArrivalState.FORWARDED,
            today,
            {"forwarded_to": to_organisation, "reason": reason},
            organisation=to_organisation,
            note=reason,
        )
        forwarded = Arrival.objects.create(
            assignment_id=arrival.assignment_id, organisation=to_organisation, forwarded_from=arrival
        )
        ArrivalStep.objects.create(
            arrival=forwarded,
            to_state=ArrivalState.NEW,
            on=today,
            by=acting_user,
            organisation=arrival.organisation,
            note=reason,
        )
        return forwarded


def assign_caseworker(
    *, acting_user: User | None, arrival: Arrival, expected_version: int, responsible: User | None
) -> Arrival:
    """The team lead names the caseworker who makes the first contact (None: nobody yet, the whole team)."""
    require(acting_user, Capability.LEAD_TEAM, organisation_id=arrival.organisation_id, code="not_team_lead")
    if responsible is not None:
        if responsible.organisation_id != arrival.organisation_id or not holds(
            responsible.roles, Capability.RECEIVE_ARRIVALS
        ):
            raise ValidationError(
                _("The responsible caseworker must work in integration management at your organisation."),
                code="responsible_foreign",
            )
        if not responsible.is_active:
            raise ValidationError(
                _("The responsible caseworker's account is deactivated."), code="responsible_inactive"
            )
    with atomic(), audit_context(acting_user):
        arrival.responsible = responsible
        return save_versioned(arrival, expected_version, ["responsible"])


def record_print(*, acting_user: User | None, arrival: Arrival, language: str) -> ArrivalPrint:
    """The municipality's info sheet was printed for the household in ``language``."""
    _guard(acting_user, arrival)
    if language not in SheetLanguage.values:
        raise ValidationError(_("There is no info sheet in the language “%(code)s”.") % {"code": language})
    with atomic(), audit_context(acting_user):
        return ArrivalPrint.objects.create(arrival=arrival, language=language, printed_by=acting_user)


# Beginning counselling


def _existing_case(organisation_id: int, persons: list[Person]) -> Case | None:
    """The organisation's open case an existing person taken over is a client of (the oldest), if any."""
    if not persons:
        return None
    return (
        Case.objects.filter(organisation_id=organisation_id, case_clients__person__in=persons)
        .exclude(status=CaseStatus.CLOSED)
        .select_related("household", "organisation")
        .order_by("start_date", "pk")
        .first()
    )


def _relationship(members: list[ArrivalMember], member: ArrivalMember) -> str:
    """The relationship in the new household: the first member heads it; the others keep theirs to the head
    where the head of the accommodation household came along, else it is not recorded."""
    if member is members[0]:
        return Relationship.HEAD
    head_came = members[0].relationship == Relationship.HEAD
    if head_came and member.relationship and member.relationship != Relationship.HEAD:
        return member.relationship
    return Relationship.UNKNOWN


def begin_counselling(
    *,
    acting_user: User | None,
    arrival: Arrival,
    expected_version: int,
    start_date: datetime.date,
    responsible: User | None,
    existing: Mapping[int, Person] | None = None,
    consent_recipient: Organisation | None = None,
    consent_given_on: datetime.date | None = None,
) -> Case:
    """Open the case from the entry: the household and its persons are made from the entry's data (names, date
    of birth and its precision, gender, nationalities, languages), each new casework record is linked with its
    accommodation record, and, where the clients consented, their consent to the data exchange with the
    organisation that houses them (``consent_recipient``) is recorded; the entry moves to "counselling begun".

    ``existing`` maps an assigned person (the accommodation record's id) to a person the organisation already
    keeps (a likely duplicate): that person is taken instead of a new one, into the open case they are a
    client of, if there is one.
    """
    _guard(acting_user, arrival)
    require(acting_user, Capability.CASEWORK, organisation_id=arrival.organisation_id, code="not_owner")
    _check_transition(arrival, ArrivalState.COUNSELLING)
    not_in_future(start_date, _("The start of counselling"))
    assignment = Assignment.objects.select_related("municipality", "future_shelter").get(pk=arrival.assignment_id)
    members = arrival_members([assignment.pk])[assignment.pk]
    if not members:
        raise ValidationError(_("The assignment names nobody any longer."), code="no_members")
    chosen = dict(existing or {})
    member_ids = {m.person_id for m in members}
    if set(chosen) - member_ids:
        raise ValidationError(_("Take over a person only for a member of the household."), code="not_member")
    if any(person.organisation_id != arrival.organisation_id for person in chosen.values()):
        raise ValidationError(_("The chosen person cannot be taken over here."), code="foreign_person")
    if len({person.pk for person in chosen.values()}) != len(chosen):
        raise ValidationError(_("Take over each existing person for one member only."), code="taken_twice")
    if consent_recipient is not None:
        allowed = {org.pk for org, _reason in housing_organisations(assignment)}
        if consent_recipient.pk not in allowed:
            raise ValidationError(_("Choose the organisation that houses the household."), code="recipient")
    organisation = arrival.organisation
    # Where the counselling organisation keeps the accommodation record itself (the district office's own
    # integration management for the persons it registered), the record is the client: no copy, no link.
    own = [m.person_id for m in members if m.keeper_id == organisation.pk and m.person_id not in chosen]
    if own:
        chosen.update({person.pk: person for person in Person.objects.filter(pk__in=own)})
    if consent_recipient is not None and consent_recipient.pk == organisation.pk:
        consent_recipient = None  # one's own organisation needs no consent to exchange with itself
    with atomic(), audit_context(acting_user):
        case = _existing_case(organisation.pk, list(chosen.values()))
        casework: dict[int, Person] = {}
        if case is None:
            head = members[0]
            case = case_services.open_case(
                acting_user=acting_user,
                organisation=organisation,
                municipality=assignment.municipality,
                start_date=start_date,
                responsible=responsible,
                head=head.person_fields() if head.person_id not in chosen else None,
                head_person=chosen.get(head.person_id),
            )
            casework[head.person_id] = CaseClient.objects.get(case=case).person
            others = members[1:]
        else:
            others = members
        for member in others:
            casework[member.person_id] = _into_case(acting_user, case, members, member, chosen, start_date)
        linked = [member for member in members if member.keeper_id != organisation.pk]
        for member in linked:
            link_records(
                acting_user=acting_user,
                accommodation_person=Person(pk=member.person_id, organisation_id=member.keeper_id),
                casework_person=casework[member.person_id],
            )
        if consent_recipient is not None:
            for member in linked:
                case_services.record_consent(
                    acting_user=acting_user,
                    case=case,
                    person=casework[member.person_id],
                    purpose=ConsentPurpose.HOUSING_EXCHANGE,
                    given_on=consent_given_on or start_date,
                    recipient_organisation=consent_recipient,
                )
            # Where the client lives today reaches the casework record at once (if the consent names the operator).
            for member in linked:
                send_current_housing(
                    acting_user=acting_user,
                    accommodation_person=Person(pk=member.person_id, organisation_id=member.keeper_id),
                )
        fields: dict[str, Any] = {"case": case}
        if responsible is not None:
            fields["responsible"] = responsible
        _change_state(acting_user, arrival, expected_version, ArrivalState.COUNSELLING, start_date, fields)
        return case


def _into_case(
    acting_user: User | None,
    case: Case,
    members: list[ArrivalMember],
    member: ArrivalMember,
    chosen: Mapping[int, Person],
    since: datetime.date,
) -> Person:
    """The member as a client of ``case``: a new person, or the existing one taken over (joining the case's
    household unless already in it)."""
    person = chosen.get(member.person_id)
    if person is None:
        return case_services.add_household_member(
            acting_user=acting_user,
            case=case,
            relationship=_relationship(members, member),
            since=since,
            is_client=True,
            person_fields=member.person_fields(),
        )
    if HouseholdMembership.objects.current().filter(person=person, household_id=case.household_id).exists():
        if not CaseClient.objects.filter(case=case, person=person).exists():
            case_services.set_client(acting_user=acting_user, case=case, person=person, is_client=True)
        return person
    return case_services.add_household_member(
        acting_user=acting_user,
        case=case,
        relationship=_relationship(members, member),
        since=since,
        is_client=True,
        person=person,
    )
