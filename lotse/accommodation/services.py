"""Every change to shelters, places, stays and assignments: one transaction, one audit trail.

Bookings lock the shelter row (``select_for_update``) before looking for a
free place, so two bookings of the last place are serialised: the second
sees the first one's stay and is refused with a message. The exclusion
constraints on ``Occupancy`` are the backstop should any code path forget.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db.models import Exists, Max, OuterRef, Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from lotse.accommodation.choices import (
    HOUSING_SITUATION_AFTER,
    HOUSING_SITUATION_OF_KIND,
    Accessibility,
    MoveOutReason,
    ResidenceBasis,
    ShelterKind,
)
from lotse.accommodation.models import (
    AssignedPerson,
    Assignment,
    ExpectedIntake,
    IntakeObligation,
    Occupancy,
    Place,
    Shelter,
    Unit,
    assigns_for_county,
    residents_visible_to,
)
from lotse.accommodation.signals import stay_changed
from lotse.arrivals.intake import create_arrivals
from lotse.core.access import CAPABILITIES, Capability, require
from lotse.core.models import Municipality, Organisation, User
from lotse.core.services import audit_context, save_versioned
from lotse.core.transactions import atomic
from lotse.people.choices import Relationship
from lotse.people.dates import not_in_future
from lotse.people.models import Household, HouseholdMembership, HousingRecord, Person
from lotse.people.services import clean_person_fields

MAX_PLACES = 2000

SHELTER_FIELDS = (
    "name",
    "kind",
    "municipality",
    "street",
    "postal_code",
    "accessibility",
    "in_operation_from",
    "in_operation_to",
    "notes",
)


def _day(value: datetime.date) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


def check_manages(acting_user: User | None, organisation_id: int) -> None:
    """Only the accommodation staff of the operating organisation change its shelters (None: a command)."""
    require(acting_user, Capability.MANAGE_SHELTERS, organisation_id=organisation_id, code="not_operator")


def check_assigns(acting_user: User | None) -> None:
    """Assignments and intake obligations are the county's (accommodation staff of a Landratsamt)."""
    require(acting_user, Capability.ASSIGN, code="not_county")
    if acting_user is not None and not assigns_for_county(acting_user):
        raise ValidationError(str(CAPABILITIES[Capability.ASSIGN].refusal), code="not_county")


def _check_places(places: int) -> None:
    if places < 0 or places > MAX_PLACES:
        raise ValidationError(
            _("The number of places must be between 0 and %(max)s.") % {"max": MAX_PLACES}, code="places_range"
        )


def _check_shelter(shelter: Shelter) -> None:
    if shelter.kind not in ShelterKind.values:
        raise ValidationError(_("Unknown kind of accommodation “%(code)s”.") % {"code": shelter.kind}, code="kind")
    if shelter.accessibility not in Accessibility.values:
        raise ValidationError(_("Unknown accessibility “%(code)s”.") % {"code": shelter.accessibility}, code="access")
    if shelter.in_operation_from and shelter.in_operation_to and shelter.in_operation_to < shelter.in_operation_from:
        raise ValidationError(_("The shelter cannot close before it opened."), code="operation_dates_ordered")
    duplicate = Shelter.objects.filter(organisation_id=shelter.organisation_id, name=shelter.name).exclude(
        pk=shelter.pk
    )
    if duplicate.exists():
        raise ValidationError(
            _("Your organisation already has a shelter named “%(name)s”.") % {"name": shelter.name},
            code="duplicate_name",
        )
    shelter.full_clean(validate_unique=False, validate_constraints=False)


def _add_places(shelter: Shelter, count: int, available_from: datetime.date, unit: Unit | None) -> list[Place]:
    first = (Place.objects.filter(shelter=shelter).aggregate(last=Max("number"))["last"] or 0) + 1
    return Place.objects.bulk_create(
        Place(shelter=shelter, unit=unit, number=first + i, available_from=available_from) for i in range(count)
    )


def create_shelter(
    *,
    acting_user: User | None,
    organisation: Organisation,
    places: int,
    places_from: datetime.date,
    **fields: Any,
) -> Shelter:
    """A shelter with ``places`` places (without a unit), available from ``places_from``."""
    check_manages(acting_user, organisation.pk)
    _check_places(places)
    unknown = set(fields) - set(SHELTER_FIELDS)
    if unknown:
        raise TypeError(f"unknown shelter fields {sorted(unknown)}")
    with atomic(), audit_context(acting_user):
        shelter = Shelter(organisation=organisation, **fields)
        _check_shelter(shelter)
        shelter.save()
        _add_places(shelter, places, places_from, None)
        return shelter


def update_shelter(*, acting_user: User | None, shelter: Shelter, expected_version: int, **fields: Any) -> Shelter:
    check_manages(acting_user, shelter.organisation_id)
    unknown = set(fields) - set(SHELTER_FIELDS)
    if unknown:
        raise TypeError(f"unknown shelter fields {sorted(unknown)}")
    with atomic(), audit_context(acting_user):
        for name, value in fields.items():
            setattr(shelter, name, value)
        _check_shelter(shelter)
        return save_versioned(shelter, expected_version, list(fields))


def add_unit(
    *,
    acting_user: User | None,
    shelter: Shelter,
    name: str,
    places: int,
    places_from: datetime.date,
    accessible: bool = False,
    notes: str = "",
) -> Unit:
    """A flat or room of the shelter with ``places`` new places of its own."""
    check_manages(acting_user, shelter.organisation_id)
    _check_places(places)
    name = name.strip()
    if not name:
        raise ValidationError(_("The unit needs a name."), code="unit_name")
    with atomic(), audit_context(acting_user):
        Shelter.objects.select_for_update().get(pk=shelter.pk)
        if Unit.objects.filter(shelter=shelter, name=name).exists():
            raise ValidationError(
                _("This shelter already has a unit named “%(name)s”.") % {"name": name}, code="duplicate_unit"
            )
        unit = Unit.objects.create(shelter=shelter, name=name, accessible=accessible, notes=notes)
        _add_places(shelter, places, places_from, unit)
        return unit


def change_capacity(
    *, acting_user: User | None, shelter: Shelter, places: int, on: datetime.date, unit: Unit | None = None
) -> int:
    """Set the number of places (of ``unit``, or those without a unit) from ``on``; returns the change.

    Growing adds places available from ``on``; shrinking gives up free places
    (the highest numbers first) on ``on``. Occupied places are never given up.
    """
    check_manages(acting_user, shelter.organisation_id)
    _check_places(places)
    if unit is not None and unit.shelter_id != shelter.pk:
        raise ValidationError(_("The unit belongs to another shelter."), code="foreign_unit")
    with atomic(), audit_context(acting_user):
        Shelter.objects.select_for_update().get(pk=shelter.pk)
        current = Place.objects.filter(shelter=shelter, unit=unit, available_to__isnull=True)
        count = current.count()
        if places > count:
            _add_places(shelter, places - count, on, unit)
            return places - count
        if places == count:
            return 0
        free = list(current.free_from(on).filter(available_from__lt=on).order_by("-number")[: count - places])
        if len(free) < count - places:
            raise ValidationError(
                _(
                    "Only %(free)s of these places are free from %(date)s on, so the capacity cannot be reduced "
                    "to %(places)s. Move residents out or to another place first."
                )
                % {"free": len(free), "date": _day(on), "places": places},
                code="places_occupied",
            )
        Place.objects.filter(pk__in=[p.pk for p in free]).update(available_to=on)
        return places - count


def register_resident(*, acting_user: User | None, organisation: Organisation, **fields: Any) -> Person:
    """A person housed by the organisation who is not (yet) a client of a case: kept by that organisation."""
    require(
        acting_user,
        Capability.MANAGE_SHELTERS,
        organisation_id=organisation.pk,
        message=_("Only accommodation staff register residents of their own organisation."),
        code="not_operator",
    )
    cleaned = clean_person_fields(fields)
    with atomic(), audit_context(acting_user):
        person = Person(organisation=organisation, **cleaned)
        person.full_clean()
        person.save()
        return person


def record_housing(
    *, acting_user: User | None, person: Person, on: datetime.date, situation: str, municipality: Municipality | None
) -> HousingRecord:
    """The person's housing situation from ``on`` (an entry of that day is corrected, not doubled)."""
    record = HousingRecord(
        person=person, valid_from=on, situation=situation, municipality=municipality, recorded_by=acting_user
    )
    # One INSERT ... ON CONFLICT DO UPDATE: race-free, and no savepoints as update_or_create needs.
    HousingRecord.objects.bulk_create(
        [record],
        update_conflicts=True,
        unique_fields=["person", "valid_from"],
        update_fields=["situation", "municipality", "recorded_by"],
    )
    return record


def _current_stay(person: Person) -> Occupancy | None:
    # Locks the stay's row only: locking its place and shelter as well would take the other shelter's lock
    # after this booking's own, and two moves in opposite directions at the same moment would deadlock.
    return (
        Occupancy.objects.select_for_update(of=("self",))
        .select_related("place__shelter")
        .filter(person=person, move_out__isnull=True)
        .first()
    )


def _overlap(person: Person, on: datetime.date) -> ValidationError:
    return ValidationError(
        _("%(person)s already has a stay that overlaps %(date)s.") % {"person": person, "date": _day(on)},
        code="stay_overlaps",
    )


def move_in(
    *,
    acting_user: User | None,
    shelter: Shelter,
    person: Person,
    on: datetime.date,
    unit: Unit | None = None,
    basis: str = ResidenceBasis.ZUWEISUNG,
    notes: str = "",
) -> Occupancy:
    """Give the person a free place in ``shelter`` (in ``unit`` if given) from ``on``.

    A current stay elsewhere that began before ``on`` ends that day as a move
    to another shelter; the person's housing situation is recorded from ``on``.
    """
    check_manages(acting_user, shelter.organisation_id)
    not_in_future(on, _("The date of moving in"))
    if basis not in ResidenceBasis.values:
        raise ValidationError(_("Unknown basis “%(code)s”.") % {"code": basis}, code="basis")
    if unit is not None and unit.shelter_id != shelter.pk:
        raise ValidationError(_("The unit belongs to another shelter."), code="foreign_unit")
    with atomic(), audit_context(acting_user):
        # The lock that serialises bookings of this shelter: whoever comes second sees the first one's stay.
        locked = Shelter.objects.select_for_update(of=("self",)).select_related("municipality").get(pk=shelter.pk)
        if (locked.in_operation_from and on < locked.in_operation_from) or (
            locked.in_operation_to and on > locked.in_operation_to
        ):
            raise ValidationError(
                _("The shelter is not in operation on %(date)s.") % {"date": _day(on)}, code="not_in_operation"
            )
        current = _current_stay(person)
        if current is not None:
            if current.move_in >= on:
                raise ValidationError(
                    _("%(person)s lives in %(shelter)s since %(date)s; a move-in cannot be dated on or before that.")
                    % {"person": person, "shelter": current.place.shelter, "date": _day(current.move_in)},
                    code="stay_overlaps",
                )
            current.move_out = on
            current.move_out_reason = MoveOutReason.UMZUG_ANDERE_UNTERKUNFT
            current.version += 1
            current.save(update_fields=["move_out", "move_out_reason", "version"])
        # An open stay here was committed by a move-in of the same person at the same moment (its row was not
        # there when the current stay was looked up); a later one was recorded before.
        overlapping = Occupancy.objects.filter(person=person).filter(Q(move_out__isnull=True) | Q(move_out__gt=on))
        if current is not None:
            overlapping = overlapping.exclude(pk=current.pk)
        if overlapping.exists():
            raise _overlap(person, on)
        free = Place.objects.filter(shelter=locked).free_from(on)
        if unit is not None:
            free = free.filter(unit=unit)
        place = free.order_by("unit__name", "number").first()
        if place is None:
            where = unit.name if unit is not None else locked.name
            raise ValidationError(
                _("No place is free in %(where)s from %(date)s on.") % {"where": where, "date": _day(on)},
                code="no_free_place",
            )
        try:
            with atomic():
                occupancy = Occupancy.objects.create(
                    person=person, place=place, move_in=on, basis=basis, notes=notes, recorded_by=acting_user
                )
        except IntegrityError as error:
            if "occupancy_one_stay_per_person_at_a_time" in str(error):
                raise _overlap(person, on) from None
            raise ValidationError(
                _("The place was booked by someone else at the same moment. Please try again."),
                code="booking_conflict",
            ) from None
        record = record_housing(
            acting_user=acting_user,
            person=person,
            on=on,
            situation=HOUSING_SITUATION_OF_KIND[locked.kind],
            municipality=locked.municipality,
        )
        # Linked casework records receive the housing situation in this transaction (lotse.arrivals.exchange).
        stay_changed.send(Occupancy, acting_user=acting_user, occupancy=occupancy, shelter=locked, record=record)
        return occupancy


def move_in_new_resident(
    *,
    acting_user: User | None,
    shelter: Shelter,
    on: datetime.date,
    unit: Unit | None = None,
    basis: str = ResidenceBasis.ZUWEISUNG,
    notes: str = "",
    **person_fields: Any,
) -> Occupancy:
    """Register a new resident of the shelter's operator and move them in, in one step: both or neither."""
    with atomic():
        person = register_resident(acting_user=acting_user, organisation=shelter.organisation, **person_fields)
        return move_in(
            acting_user=acting_user, shelter=shelter, person=person, on=on, unit=unit, basis=basis, notes=notes
        )


def move_out(
    *,
    acting_user: User | None,
    occupancy: Occupancy,
    on: datetime.date,
    reason: str,
    expected_version: int,
    new_municipality: Municipality | None = None,
) -> Occupancy:
    """End the stay on ``on``; the person's housing situation follows from the reason.

    Moving into an own tenancy records ``privater_mietvertrag`` in
    ``new_municipality`` (by default the shelter's municipality).
    """
    shelter = occupancy.place.shelter
    check_manages(acting_user, shelter.organisation_id)
    not_in_future(on, _("The date of moving out"))
    if reason not in MoveOutReason.values:
        raise ValidationError(_("Unknown reason for moving out “%(code)s”.") % {"code": reason}, code="reason")
    if reason == MoveOutReason.UMZUG_ANDERE_UNTERKUNFT:
        raise ValidationError(
            _("A move to another shelter is recorded as a move-in there; the stay here then ends by itself."),
            code="use_move_in",
        )
    if occupancy.move_out is not None:
        raise ValidationError(
            _("This stay already ended on %(date)s.") % {"date": _day(occupancy.move_out)}, code="already_moved_out"
        )
    if on <= occupancy.move_in:
        raise ValidationError(
            _("The move-out must be after the move-in (%(date)s).") % {"date": _day(occupancy.move_in)},
            code="move_out_before_move_in",
        )
    with atomic(), audit_context(acting_user):
        occupancy.move_out = on
        occupancy.move_out_reason = reason
        save_versioned(occupancy, expected_version, ["move_out", "move_out_reason"])
        situation = HOUSING_SITUATION_AFTER.get(reason)
        record = None
        if situation is not None:
            municipality = None
            if reason == MoveOutReason.PRIVATER_MIETVERTRAG:
                municipality = new_municipality or shelter.municipality
            record = record_housing(
                acting_user=acting_user, person=occupancy.person, on=on, situation=situation, municipality=municipality
            )
        stay_changed.send(Occupancy, acting_user=acting_user, occupancy=occupancy, shelter=shelter, record=record)
        return occupancy


def household_members_to_assign(
    acting_user: User | None, households: Iterable[Household]
) -> list[tuple[Household, list[Person]]]:
    """The current members of each household not assigned to any municipality yet (those the user may read)."""
    chosen = list(dict.fromkeys(households))
    if not chosen:
        return []
    # Two assignments of the same household at the same moment: the second waits and sees the first.
    list(Household.objects.select_for_update().filter(pk__in=[h.pk for h in chosen]).values_list("pk"))
    memberships = (
        HouseholdMembership.objects.current()
        .filter(household__in=chosen)
        .select_related("person")
        .order_by("person__family_name", "person__given_names", "person_id")
    )
    if acting_user is not None:
        memberships = memberships.filter(person__in=residents_visible_to(acting_user))
    all_members: dict[int, list[HouseholdMembership]] = {h.pk: [] for h in chosen}
    for membership in memberships.annotate(
        assigned=Exists(AssignedPerson.objects.filter(person_id=OuterRef("person_id")))
    ):
        all_members[membership.household_id].append(membership)
    result = []
    for household in chosen:
        members = all_members[household.pk]
        open_members = [m.person for m in members if not m.assigned]  # type: ignore[attr-defined]
        if not open_members:
            if not members:
                raise ValidationError(
                    _("The chosen household has no members you may assign."), code="household_without_members"
                )
            head = next((m.person for m in members if m.relationship == Relationship.HEAD), members[0].person)
            raise ValidationError(
                _("Everyone in the household of %(person)s was already assigned; choose persons one by one instead.")
                % {"person": head},
                code="household_assigned",
            )
        result.append((household, open_members))
    return result


def record_assignment(
    *,
    acting_user: User | None,
    organisation: Organisation,
    municipality: Municipality,
    date: datetime.date,
    persons: Iterable[Person] = (),
    households: Iterable[Household] = (),
    reference: str = "",
    notes: str = "",
    planned_arrival: datetime.date | None = None,
    future_shelter: Shelter | None = None,
    future_address: str = "",
) -> Assignment:
    """The county assigns ``persons`` and the members of ``households`` not yet assigned to ``municipality``.

    A household chosen as a whole brings its current members who were never assigned (to any
    municipality); a person chosen one by one is assigned even if assigned elsewhere before (a
    redistribution), but never twice to the same municipality. ``planned_arrival`` (not before the
    assignment) and the future home (a shelter of the municipality and/or an address) are what the
    receiving integration management reads in its new arrivals, created in the same transaction for
    every organisation responsible there (``lotse.arrivals.intake.create_arrivals``).
    """
    check_assigns(acting_user)
    if acting_user is not None and acting_user.organisation_id != organisation.pk:
        raise ValidationError(_("Assignments are recorded for your own organisation."), code="foreign")
    not_in_future(date, _("The date of assignment"))
    if planned_arrival is not None and planned_arrival < date:
        raise ValidationError(
            _("The planned arrival cannot be before the date of assignment."), code="arrival_before_assignment"
        )
    if future_shelter is not None and future_shelter.municipality_id != municipality.pk:
        raise ValidationError(
            _("The future shelter %(shelter)s is not in %(municipality)s.")
            % {"shelter": future_shelter.name, "municipality": municipality.name},
            code="shelter_elsewhere",
        )
    with atomic(), audit_context(acting_user):
        people = list(persons)
        for _household, members in household_members_to_assign(acting_user, households):
            people += members
        people = list(dict.fromkeys(people))
        if not people:
            raise ValidationError(_("Choose at least one person to assign."), code="no_persons")
        earlier = (
            AssignedPerson.objects.filter(person__in=people, assignment__municipality=municipality)
            .select_related("person", "assignment")
            .order_by("assignment__date", "pk")
            .first()
        )
        if earlier is not None:
            raise ValidationError(
                _("%(person)s was already assigned to %(municipality)s on %(date)s.")
                % {
                    "person": earlier.person,
                    "municipality": municipality.name,
                    "date": _day(earlier.assignment.date),
                },
                code="already_assigned",
            )
        assignment = Assignment.objects.create(
            organisation=organisation,
            municipality=municipality,
            date=date,
            reference=reference.strip(),
            notes=notes,
            planned_arrival=planned_arrival,
            future_shelter=future_shelter,
            future_address=future_address.strip(),
            created_by=acting_user,
        )
        AssignedPerson.objects.bulk_create(AssignedPerson(assignment=assignment, person=p) for p in people)
        create_arrivals(acting_user=acting_user, assignment=assignment)
        return assignment


def set_intake_obligation(
    *, acting_user: User | None, organisation: Organisation, municipality: Municipality, year: int, persons: int
) -> IntakeObligation:
    """The persons ``municipality`` is to take in during ``year`` (set or corrected)."""
    check_assigns(acting_user)
    if not 2000 <= year <= 2100:
        raise ValidationError(_("The year must be between 2000 and 2100."), code="year")
    if persons < 0:
        raise ValidationError(_("The number of persons cannot be negative."), code="persons")
    with atomic(), audit_context(acting_user):
        obligation, created = IntakeObligation.objects.select_for_update().get_or_create(
            municipality=municipality, year=year, defaults={"persons": persons, "set_by": organisation}
        )
        if not created and (obligation.persons != persons or obligation.set_by_id != organisation.pk):
            obligation.persons, obligation.set_by = persons, organisation
            obligation.version += 1
            obligation.save(update_fields=["persons", "set_by", "version"])
        return obligation


MAX_OBLIGATION = 100_000


def set_intake_obligations(
    *,
    acting_user: User | None,
    organisation: Organisation,
    year: int,
    rows: Mapping[Municipality, tuple[int | None, int]],
) -> dict[str, int]:
    """Set, correct or remove (``None``) the obligations of several municipalities for ``year`` at once.

    Each row is the new number of persons and the version the user loaded (0: there was none). All rows
    are saved in one transaction, or none: a row with a bad number, or one that someone else changed
    since it was loaded, refuses the whole change with a German message under that municipality's AGS.
    Returns how many obligations were created, changed and removed.
    """
    check_assigns(acting_user)
    if not 2000 <= year <= 2100:
        raise ValidationError(_("The year must be between 2000 and 2100."), code="year")
    errors: dict[str, list[ValidationError]] = {}
    for municipality, (persons, _version) in rows.items():
        if persons is not None and not 0 <= persons <= MAX_OBLIGATION:
            errors[municipality.ags] = [
                ValidationError(
                    _("The number of persons must be between 0 and %(max)s.") % {"max": MAX_OBLIGATION},
                    code="persons",
                )
            ]
    if errors:
        raise ValidationError(errors)
    counts = {"created": 0, "changed": 0, "removed": 0}
    with atomic(), audit_context(acting_user):
        current = {
            o.municipality_id: o
            for o in IntakeObligation.objects.select_for_update().filter(
                year=year, municipality__in=[m.pk for m in rows]
            )
        }
        create, change, remove = [], [], []
        for municipality, (persons, expected_version) in rows.items():
            obligation = current.get(municipality.pk)
            if (obligation.persons if obligation else None) == persons:
                continue  # as stored already (also when someone else stored the same number)
            if (obligation.version if obligation else 0) != expected_version:
                now = obligation.persons if obligation else _("none")
                errors[municipality.ags] = [
                    ValidationError(
                        _(
                            "Someone else changed this obligation in the meantime (now: %(now)s), so nothing was "
                            "saved. Check your number and save again."
                        )
                        % {"now": now},
                        code="conflict",
                    )
                ]
            elif persons is None:
                assert obligation is not None
                remove.append(obligation.pk)
            elif obligation is None:
                create.append(
                    IntakeObligation(municipality=municipality, year=year, persons=persons, set_by=organisation)
                )
            else:
                obligation.persons, obligation.set_by = persons, organisation
                change.append(obligation)
        if errors:
            raise ValidationError(errors)
        IntakeObligation.objects.filter(pk__in=remove).delete()
        for obligation in change:
            obligation.version += 1
            obligation.save(update_fields=["persons", "set_by", "version"])
        try:
            with atomic():
                IntakeObligation.objects.bulk_create(create)
        except IntegrityError:
            # Another user set one of these municipalities' first obligation at the same moment.
            raise ValidationError(
                _(
                    "Someone else set obligations for this year at the same moment, so nothing was saved. "
                    "Check the numbers and save again."
                ),
                code="conflict",
            ) from None
        counts.update(created=len(create), changed=len(change), removed=len(remove))
        return counts


def set_expected_intake(
    *, acting_user: User | None, organisation: Organisation, months: Mapping[datetime.date, int]
) -> list[ExpectedIntake]:
    """The persons the organisation expects to house per month (first of the month -> persons)."""
    require(
        acting_user,
        Capability.MANAGE_SHELTERS,
        organisation_id=organisation.pk,
        message=_("Only accommodation staff plan the intake of their own organisation."),
        code="not_operator",
    )
    for month, persons in months.items():
        if month.day != 1:
            raise ValueError(f"month must be the first of the month, got {month}")
        if persons < 0:
            raise ValidationError(_("The number of persons cannot be negative."), code="persons")
    with atomic(), audit_context(acting_user):
        ExpectedIntake.objects.filter(organisation=organisation, month__in=list(months)).delete()
        return ExpectedIntake.objects.bulk_create(
            ExpectedIntake(organisation=organisation, month=month, persons=persons)
            for month, persons in sorted(months.items())
        )
