"""The handover sheet (Übergabebogen): a shelter's social service hands a household over to the integration
management responsible for it, and the integration management accepts it into a new or an existing case.

The sending organisation (the operator of the shelter) starts a sheet from a resident, fills it in as a draft
and hands it over once the client consented; it keeps its own records, nothing moves. The receiving
organisation reads only what the sheet says. Accepting creates (or completes) the household and persons of a
case from the sheet's persons, links each with its accommodation record, turns the open tasks into follow-ups
and the needs into follow-ups to talk them through; it may record the client's consent to the exchange of
housing facts with the shelter's operator in the same step. Every step is one transaction; a decision checks
the version of the sheet it was made on, so of two concurrent decisions only the first counts.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from lotse.accommodation.models import Assignment, Occupancy, Shelter
from lotse.arrivals.choices import OPEN_STATUSES, HandoverSheetStatus
from lotse.arrivals.exchange import send_current_housing
from lotse.arrivals.models import (
    INTEGRATION_MANAGEMENT_KINDS,
    PERSON_SNAPSHOT_FIELDS,
    HandoverSheet,
    HandoverSheetContact,
    HandoverSheetItem,
    HandoverSheetNeed,
    HandoverSheetPerson,
    HandoverSheetTask,
)
from lotse.arrivals.queries import responsible_organisations, shelter_district
from lotse.arrivals.services import link_records
from lotse.cases import services as case_services
from lotse.cases.choices import CaseStatus, ConsentPurpose, FieldOfAction
from lotse.cases.models import Case, CaseClient
from lotse.core.access import Capability, require
from lotse.core.models import Organisation, User
from lotse.core.services import ConcurrentEditError, audit_context, save_versioned
from lotse.core.transactions import atomic
from lotse.people.choices import Relationship
from lotse.people.dates import not_in_future
from lotse.people.models import HouseholdMembership, Person

# A need becomes a follow-up "talk it through" this many days after the start of counselling.
NEED_FOLLOW_UP_DAYS = 14

# The rows of a sheet: their model and the fields a form writes.
ROW_FIELDS: dict[str, tuple[type[models.Model], tuple[str, ...]]] = {
    "needs": (HandoverSheetNeed, ("field_of_action", "description")),
    "tasks": (HandoverSheetTask, ("description", "due_date")),
    "contacts": (HandoverSheetContact, ("name", "service", "phone", "email", "role")),
    "items": (HandoverSheetItem, ("kind", "description")),
}


def _d(value: datetime.date) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


def consent_refusal() -> ValidationError:
    return ValidationError(
        _(
            "The handover needs the client's consent: record on which day and by whom it was given, "
            "then hand the sheet over."
        ),
        code="no_consent",
    )


# Starting a sheet


def current_own_stay(person: Person, organisation_id: int | None) -> Occupancy | None:
    """The person's current stay in a shelter of the organisation (any operator's, for ``None``)."""
    stays = Occupancy.objects.filter(person=person, move_out__isnull=True).select_related("place__shelter")
    if organisation_id is not None:
        stays = stays.filter(place__shelter__organisation_id=organisation_id)
    return stays.first()


def household_of(person: Person) -> list[tuple[Person, str]]:
    """The person and the current members of their household, each with their relationship (the person first)."""
    membership = HouseholdMembership.objects.current().filter(person=person).first()
    if membership is None:
        return [(person, Relationship.HEAD)]
    members = list(
        HouseholdMembership.objects.current()
        .filter(household_id=membership.household_id)
        .select_related("person")
        .order_by("valid_from", "pk")
    )
    others = [(m.person, m.relationship) for m in members if m.person_id != person.pk]
    # The head first, so that the receiving case is named by the head of the household.
    ordered = [(person, membership.relationship), *others]
    ordered.sort(key=lambda pair: pair[1] != Relationship.HEAD)
    return ordered


def municipality_of(person: Person, shelter: Shelter) -> Any:
    """Where the household's integration management is: the municipality of its newest assignment, else the
    municipality of its shelter."""
    assignment = (
        Assignment.objects.filter(assigned_persons__person=person)
        .select_related("municipality")
        .order_by("-date", "-pk")
        .first()
    )
    return assignment.municipality if assignment is not None else shelter.municipality


def default_receiver(
    municipality: Any, sending_organisation_id: int, on: datetime.date, district: str = ""
) -> Organisation | None:
    """The first organisation responsible for the municipality (its district, where one has a responsibility of
    its own) on the day, not the sender itself."""
    candidates = [
        o for o in responsible_organisations(municipality, on, district=district) if o.pk != sending_organisation_id
    ]
    return candidates[0] if candidates else None


def _check_not_on_open_sheet(persons: Iterable[Person], sheet: HandoverSheet | None = None) -> None:
    rows = HandoverSheetPerson.objects.filter(
        accommodation_person__in=list(persons), sheet__status__in=OPEN_STATUSES
    ).select_related("sheet")
    if sheet is not None:
        rows = rows.exclude(sheet=sheet)
    row = rows.first()
    if row is not None:
        raise ValidationError(
            _("%(person)s is already on the open handover sheet %(number)s.")
            % {"person": row.full_name, "number": row.sheet.number},
            code="already_on_sheet",
        )


def _snapshot(row: HandoverSheetPerson, person: Person) -> None:
    for name in PERSON_SNAPSHOT_FIELDS:
        setattr(row, name, getattr(person, name))


def start_sheet(*, acting_user: User | None, person: Person, leave_out: Iterable[Person] = ()) -> HandoverSheet:
    """A new draft for the household of ``person``, who lives in a shelter of the acting user's organisation.

    The household's current members are on it (but those in ``leave_out``); the receiving organisation is the
    one responsible for the municipality the household was assigned to (else the shelter's), if any.
    """
    organisation_id = acting_user.organisation_id if acting_user is not None else None
    stay = current_own_stay(person, organisation_id)
    if stay is None:
        raise ValidationError(
            _("Only a resident who lives in one of your shelters now can be handed over."), code="not_resident"
        )
    shelter = stay.place.shelter
    require(acting_user, Capability.HAND_OVER_FROM_SHELTER, organisation_id=shelter.organisation_id)
    skipped = {p.pk for p in leave_out} - {person.pk}
    members = [(p, relationship) for p, relationship in household_of(person) if p.pk not in skipped]
    with atomic(), audit_context(acting_user):
        _check_not_on_open_sheet([p for p, _relationship in members])
        municipality = municipality_of(person, shelter)
        today = timezone.localdate()
        # The household lives in the shelter: where the shelter lies in a district with a responsibility of its own
        # (its name or street names it), that district's organisation receives the sheet.
        district = shelter_district(shelter, today) if municipality.pk == shelter.municipality_id else ""
        sheet = HandoverSheet.objects.create(
            sending_organisation_id=shelter.organisation_id,
            shelter=shelter,
            municipality=municipality,
            receiving_organisation=default_receiver(municipality, shelter.organisation_id, today, district),
            created_by=acting_user,
        )
        for position, (member, relationship) in enumerate(members):
            row = HandoverSheetPerson(
                sheet=sheet, accommodation_person=member, relationship=relationship, position=position
            )
            _snapshot(row, member)
            row.save()
        return sheet


# Editing the draft


def receiving_candidates(sending_organisation_id: int) -> models.QuerySet[Organisation]:
    """The organisations a sheet may go to: those doing integration management, but the sender."""
    return (
        Organisation.objects.filter(kind__in=INTEGRATION_MANAGEMENT_KINDS)
        .exclude(pk=sending_organisation_id)
        .order_by("name")
    )


def _check_draft(sheet: HandoverSheet) -> None:
    if sheet.status != HandoverSheetStatus.DRAFT:
        raise ValidationError(
            _("The sheet was handed over already (%(status)s); it can no longer be changed.")
            % {"status": sheet.get_status_display()},
            code="not_draft",
        )


def _lock(sheet: HandoverSheet, expected_version: int) -> HandoverSheet:
    locked = HandoverSheet.objects.select_for_update().get(pk=sheet.pk)
    if locked.version != expected_version:
        raise ConcurrentEditError
    return locked


def _sync_rows(
    sheet: HandoverSheet, model: type[Any], fields: tuple[str, ...], rows: Sequence[Mapping[str, Any]]
) -> None:
    """Make the sheet's rows of ``model`` the given ones, in their order: a row with the ``id`` of an existing
    row changes it (only if something differs), one without is new, an existing row not given is removed."""
    existing = {row.pk: row for row in model.objects.filter(sheet=sheet)}
    kept: set[int] = set()
    for position, values in enumerate(rows):
        row = existing.get(values.get("id")) if values.get("id") is not None else None
        if row is None:
            row = model(sheet=sheet, position=position, **{name: values[name] for name in fields})
            row.full_clean()
            row.save()
            continue
        kept.add(row.pk)
        changed = [name for name in fields if getattr(row, name) != values[name]]
        if row.position != position:
            changed.append("position")
        if changed:
            for name in fields:
                setattr(row, name, values[name])
            row.position = position
            row.full_clean()
            row.save(update_fields=changed)
    model.objects.filter(pk__in=set(existing) - kept).delete()


def update_sheet(
    *,
    acting_user: User | None,
    sheet: HandoverSheet,
    expected_version: int,
    receiving_organisation: Organisation | None,
    consent_given_on: datetime.date | None,
    consent_given_by: HandoverSheetPerson | None,
    message: str,
    persons: Iterable[HandoverSheetPerson] | None = None,
    needs: Sequence[Mapping[str, Any]] = (),
    tasks: Sequence[Mapping[str, Any]] = (),
    contacts: Sequence[Mapping[str, Any]] = (),
    items: Sequence[Mapping[str, Any]] = (),
) -> HandoverSheet:
    """Save the draft as the form shows it: its fields and all of its rows (``persons``: the persons kept on it;
    None keeps them all). A row is a mapping of its fields, with the ``id`` of the row it changes."""
    require(acting_user, Capability.HAND_OVER_FROM_SHELTER, organisation_id=sheet.sending_organisation_id)
    if receiving_organisation is not None and (
        receiving_organisation.pk == sheet.sending_organisation_id
        or receiving_organisation.kind not in INTEGRATION_MANAGEMENT_KINDS
    ):
        raise ValidationError(
            _("Choose an organisation of the integration management other than your own."), code="receiver"
        )
    if consent_given_on is not None:
        not_in_future(consent_given_on, _("The date of the consent"))
    if (consent_given_on is None) != (consent_given_by is None):
        raise ValidationError(
            _("Record both the day of the consent and the person who gave it, or neither."), code="consent_half"
        )
    for task in tasks:
        if not task.get("description", "").strip():
            raise ValidationError(_("Describe every open task."), code="task_description")
    with atomic(), audit_context(acting_user):
        locked = _lock(sheet, expected_version)
        _check_draft(locked)
        own_rows = {row.pk: row for row in HandoverSheetPerson.objects.filter(sheet=locked)}
        kept_ids = set(own_rows) if persons is None else {row.pk for row in persons if row.pk in own_rows}
        if not kept_ids:
            raise ValidationError(_("A handover sheet names at least one person."), code="no_person")
        if consent_given_by is not None and consent_given_by.pk not in kept_ids:
            raise ValidationError(
                _("The consent is given by a person named on the sheet."), code="consent_not_on_sheet"
            )
        removed = set(own_rows) - kept_ids
        if removed:
            HandoverSheetPerson.objects.filter(pk__in=removed).delete()
        for name, rows in (("needs", needs), ("tasks", tasks), ("contacts", contacts), ("items", items)):
            model, fields = ROW_FIELDS[name]
            _sync_rows(locked, model, fields, rows)
        if (consent_given_on, consent_given_by.pk if consent_given_by else None) != (
            locked.consent_given_on,
            locked.consent_given_by_id,
        ):
            locked.consent_recorded_by = acting_user if consent_given_on is not None else None
        locked.receiving_organisation = receiving_organisation
        locked.consent_given_on = consent_given_on
        locked.consent_given_by = consent_given_by
        locked.message = message.strip()
        locked.full_clean()
        return save_versioned(
            locked,
            expected_version,
            ["receiving_organisation", "consent_given_on", "consent_given_by", "consent_recorded_by", "message"],
        )


def send_sheet(*, acting_user: User | None, sheet: HandoverSheet, expected_version: int) -> HandoverSheet:
    """Hand the sheet over: only with the client's consent and a receiving organisation. The persons are copied
    again from the accommodation records, so the receiving organisation reads them as they are today."""
    require(acting_user, Capability.HAND_OVER_FROM_SHELTER, organisation_id=sheet.sending_organisation_id)
    with atomic(), audit_context(acting_user):
        locked = _lock(sheet, expected_version)
        _check_draft(locked)
        if locked.consent_given_on is None or locked.consent_given_by_id is None:
            raise consent_refusal()
        if locked.receiving_organisation_id is None:
            raise ValidationError(
                _("Choose the integration management the household is handed over to."), code="no_receiver"
            )
        rows = list(HandoverSheetPerson.objects.filter(sheet=locked).select_related("accommodation_person"))
        _check_not_on_open_sheet([row.accommodation_person for row in rows], locked)
        for row in rows:
            before = [getattr(row, name) for name in PERSON_SNAPSHOT_FIELDS]
            _snapshot(row, row.accommodation_person)
            if before != [getattr(row, name) for name in PERSON_SNAPSHOT_FIELDS]:
                row.save(update_fields=list(PERSON_SNAPSHOT_FIELDS))
        locked.status, locked.sent_by, locked.sent_at = HandoverSheetStatus.SENT, acting_user, timezone.now()
        locked.full_clean()
        return save_versioned(locked, expected_version, ["status", "sent_by", "sent_at"])


def withdraw_sheet(*, acting_user: User | None, sheet: HandoverSheet, expected_version: int) -> HandoverSheet:
    """The sender takes a handed-over sheet back before it was answered; the receiver no longer sees it."""
    require(acting_user, Capability.HAND_OVER_FROM_SHELTER, organisation_id=sheet.sending_organisation_id)
    with atomic(), audit_context(acting_user):
        locked = _lock_waiting(sheet, expected_version)
        locked.status, locked.decided_by, locked.decided_at = HandoverSheetStatus.WITHDRAWN, acting_user, timezone.now()
        return save_versioned(locked, expected_version, ["status", "decided_by", "decided_at"])


def delete_draft(*, acting_user: User | None, sheet: HandoverSheet, expected_version: int) -> None:
    """Remove a draft that will not be handed over (its history stays)."""
    require(acting_user, Capability.HAND_OVER_FROM_SHELTER, organisation_id=sheet.sending_organisation_id)
    with atomic(), audit_context(acting_user):
        locked = _lock(sheet, expected_version)
        _check_draft(locked)
        locked.delete()


# The receiving side


def _lock_waiting(sheet: HandoverSheet, expected_version: int) -> HandoverSheet:
    """The sheet, locked, if it still waits for an answer in the version the user saw."""
    locked = HandoverSheet.objects.select_for_update().get(pk=sheet.pk)
    if locked.status != HandoverSheetStatus.SENT:
        raise ValidationError(
            _("This handover sheet was already answered or withdrawn (%(status)s).")
            % {"status": locked.get_status_display()},
            code="decided",
        )
    if locked.version != expected_version:
        raise ConcurrentEditError
    return locked


def _check_receiver(acting_user: User | None, sheet: HandoverSheet) -> None:
    require(acting_user, Capability.CASEWORK, organisation_id=sheet.receiving_organisation_id, code="not_owner")


@dataclass(frozen=True)
class Acceptance:
    """What accepting made: the case, and for each person of the sheet the casework record it became."""

    case: Case
    records: dict[int, Person]


def _carry_over(
    acting_user: User | None,
    sheet: HandoverSheet,
    case: Case,
    records: dict[int, Person],
    start: datetime.date,
    exchange_consent_on: datetime.date | None,
) -> None:
    """Links, follow-ups from tasks and needs, and the exchange consent, into ``case``; then the sheet is accepted."""
    rows = {
        row.pk: row for row in HandoverSheetPerson.objects.filter(sheet=sheet).select_related("accommodation_person")
    }
    # The sending organisation's records paired with the receiver's (none where both are the same organisation's).
    linked = [
        (rows[row_id].accommodation_person, person)
        for row_id, person in records.items()
        if rows[row_id].accommodation_person.organisation_id != person.organisation_id
    ]
    for accommodation, person in linked:
        link_records(acting_user=acting_user, accommodation_person=accommodation, casework_person=person)
    for task in HandoverSheetTask.objects.filter(sheet=sheet):
        case_services.add_follow_up(
            acting_user=acting_user, case=case, description=task.description, due_date=task.due_date
        )
    labels = dict(FieldOfAction.choices)
    for need in HandoverSheetNeed.objects.filter(sheet=sheet):
        text = _("Talk through the need from the handover (%(field)s): %(need)s") % {
            "field": labels.get(need.field_of_action, need.field_of_action),
            "need": need.description,
        }
        case_services.add_follow_up(
            acting_user=acting_user,
            case=case,
            description=text[:300],
            due_date=start + datetime.timedelta(days=NEED_FOLLOW_UP_DAYS),
        )
    if exchange_consent_on is not None:
        for person in records.values():
            case_services.record_consent(
                acting_user=acting_user,
                case=case,
                person=person,
                purpose=ConsentPurpose.HOUSING_EXCHANGE,
                given_on=exchange_consent_on,
                recipient_organisation=sheet.sending_organisation,
                note=_("Recorded on accepting the handover sheet %(number)s.") % {"number": sheet.number},
            )
        # Where the household lives today reaches the casework records at once (the consent names the sender).
        for accommodation, _person in linked:
            send_current_housing(acting_user=acting_user, accommodation_person=accommodation)
    sheet.status, sheet.case, sheet.decided_by, sheet.decided_at = (
        HandoverSheetStatus.ACCEPTED,
        case,
        acting_user,
        timezone.now(),
    )
    save_versioned(sheet, sheet.version, ["status", "case", "decided_by", "decided_at"])


def accept_into_new_case(
    *,
    acting_user: User | None,
    sheet: HandoverSheet,
    expected_version: int,
    responsible: User | None,
    start_date: datetime.date,
    exchange_consent_on: datetime.date | None = None,
) -> Acceptance:
    """A new case of the receiving organisation with the sheet's persons as its household and clients (the head
    first), each linked with its accommodation record; open tasks and needs become follow-ups."""
    _check_receiver(acting_user, sheet)
    if exchange_consent_on is not None:
        not_in_future(exchange_consent_on, _("The date of the consent"))
    with atomic(), audit_context(acting_user, handover_sheet=sheet.pk):
        locked = _lock_waiting(sheet, expected_version)
        rows = list(HandoverSheetPerson.objects.filter(sheet=locked).order_by("position", "pk"))
        head = next((row for row in rows if row.relationship == Relationship.HEAD), rows[0])
        receiving = locked.receiving_organisation
        assert receiving is not None  # a handed-over sheet names its receiver (a database constraint)
        case = case_services.open_case(
            acting_user=acting_user,
            organisation=receiving,
            municipality=locked.municipality,
            start_date=start_date,
            responsible=responsible,
            head=head.person_fields(),
        )
        records = {head.pk: CaseClient.objects.get(case=case).person}
        for row in rows:
            if row.pk == head.pk:
                continue
            records[row.pk] = case_services.add_household_member(
                acting_user=acting_user,
                case=case,
                relationship=row.relationship if row.relationship != Relationship.HEAD else Relationship.UNKNOWN,
                since=start_date,
                is_client=True,
                person_fields=row.person_fields(),
            )
        _carry_over(acting_user, locked, case, records, start_date, exchange_consent_on)
        return Acceptance(case, records)


def matching_members(sheet: HandoverSheet, case: Case) -> dict[int, Person | None]:
    """For each person of the sheet the current member of the case's household with the same names and date of
    birth (case and spaces aside), if exactly one such member is there."""
    members = [
        m.person
        for m in HouseholdMembership.objects.current().filter(household_id=case.household_id).select_related("person")
    ]

    def key(values: Any) -> tuple[str, str, Any]:
        return (values.family_name.strip().casefold(), values.given_names.strip().casefold(), values.birth_date)

    result: dict[int, Person | None] = {}
    for row in HandoverSheetPerson.objects.filter(sheet=sheet).order_by("position", "pk"):
        same = [person for person in members if key(person) == key(row)]
        result[row.pk] = same[0] if len(same) == 1 else None
    return result


def accept_into_case(
    *,
    acting_user: User | None,
    sheet: HandoverSheet,
    expected_version: int,
    case: Case,
    matches: Mapping[int, Person | None],
    exchange_consent_on: datetime.date | None = None,
) -> Acceptance:
    """Into an open case of the receiving organisation: a person of the sheet matched with a member of the case's
    household (``matches``: the sheet's person row → the member, None to add a new member) becomes a client if
    not yet one; the others join the household as new clients. Each is linked with its accommodation record."""
    _check_receiver(acting_user, sheet)
    if case.organisation_id != sheet.receiving_organisation_id:
        raise ValidationError(_("Choose a case of your organisation."), code="foreign_case")
    if case.status == CaseStatus.CLOSED:
        raise ValidationError(_("The case is closed. Reopen it to record something new."), code="case_closed")
    if exchange_consent_on is not None:
        not_in_future(exchange_consent_on, _("The date of the consent"))
    today = timezone.localdate()
    with atomic(), audit_context(acting_user, handover_sheet=sheet.pk):
        locked = _lock_waiting(sheet, expected_version)
        Case.objects.select_for_update().filter(pk=case.pk).first()
        member_ids = set(
            HouseholdMembership.objects.current()
            .filter(household_id=case.household_id)
            .values_list("person_id", flat=True)
        )
        client_ids = set(CaseClient.objects.filter(case=case).values_list("person_id", flat=True))
        chosen = [person.pk for person in matches.values() if person is not None]
        if len(chosen) != len(set(chosen)):
            raise ValidationError(
                _("Each member of the household can stand for one person of the sheet only."), code="matched_twice"
            )
        records: dict[int, Person] = {}
        for row in HandoverSheetPerson.objects.filter(sheet=locked).order_by("position", "pk"):
            member = matches.get(row.pk)
            if member is not None:
                if member.pk not in member_ids:
                    raise ValidationError(
                        _("%(person)s is no member of the case's household.") % {"person": member.full_name},
                        code="not_member",
                    )
                if member.pk not in client_ids:
                    case_services.set_client(acting_user=acting_user, case=case, person=member, is_client=True)
                records[row.pk] = member
                continue
            relationship = row.relationship if row.relationship != Relationship.HEAD else Relationship.UNKNOWN
            records[row.pk] = case_services.add_household_member(
                acting_user=acting_user,
                case=case,
                relationship=relationship,
                since=today,
                is_client=True,
                person_fields=row.person_fields(),
            )
        _carry_over(acting_user, locked, case, records, today, exchange_consent_on)
        return Acceptance(case, records)


def decline_sheet(
    *, acting_user: User | None, sheet: HandoverSheet, expected_version: int, reason: str
) -> HandoverSheet:
    """The receiving organisation declines, with a reason the sender reads."""
    _check_receiver(acting_user, sheet)
    if not reason.strip():
        raise ValidationError(_("Give a reason so the shelter's social service knows how to go on."), code="reason")
    with atomic(), audit_context(acting_user, handover_sheet=sheet.pk):
        locked = _lock_waiting(sheet, expected_version)
        locked.status, locked.decided_by, locked.decided_at = HandoverSheetStatus.DECLINED, acting_user, timezone.now()
        locked.decline_reason = reason.strip()
        return save_versioned(locked, expected_version, ["status", "decided_by", "decided_at", "decline_reason"])


def open_sheet_of(person: Person, organisation_id: int | None) -> HandoverSheet | None:
    """The draft or handed-over sheet of the organisation the person is on, if any."""
    return (
        HandoverSheet.objects.filter(
            persons__accommodation_person=person, status__in=OPEN_STATUSES, sending_organisation_id=organisation_id
        )
        .order_by("-created_at")
        .first()
    )
