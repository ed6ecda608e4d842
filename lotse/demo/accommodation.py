"""Accommodation of the fictional demo county (Landkreis Ludwigsburg), modelled on the city page.

The city page of Ludwigsburg is the yardstick: the county (Landratsamt) runs a
communal shelter of preliminary accommodation (VU) in the Schlösslesfeld, the
city runs follow-up accommodation (AU) in the Oststadt, in Pflugfelden and in
the Weststadt, an emergency shelter, rented and municipal flats and flats of
the Wohnungsbau Ludwigsburg (WBL). Refugees live some months in VU, are
assigned by the county to a municipality, move into its AU and on into an own
tenancy, move away or return; some residents are not counted as assigned
(children born during the accommodation, family reunification, persons housed
to prevent homelessness). The figures are scaled to the demo's casework of
some 320 households: the city's AU is about 85 % occupied, so the capacity
forecast runs out of places within the year.

``load_demo_accommodation`` first gives the casework clients whose dated
housing says VU (in a town with a county shelter) or AU in Ludwigsburg the
matching stays, on the same dates, so caseworkers see their clients' housing.
It then simulates further residents registered by the county or the city over
the last four years, deterministically from one ``random.Random``, with every
date relative to ``today``. Places are booked in memory on per-place interval
lists, so no place is double-booked and no person has two stays at a time;
the drafted years are then replayed date by date through the accommodation
services (create_shelter, add_unit, change_capacity, register_resident,
move_in, move_out, record_assignment, set_intake_obligation,
set_expected_intake); the services choose each place within the drafted
unit. The shelters are in data/accommodation.json. Every person,
name and story is fictional.
"""

from __future__ import annotations

import datetime
import functools
import logging
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Min

from lotse.accommodation.choices import (
    FOLLOW_UP_KINDS,
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
)
from lotse.accommodation.services import (
    SHELTER_FIELDS,
    add_unit,
    change_capacity,
    create_shelter,
    move_in,
    move_out,
    record_assignment,
    record_housing,
    register_resident,
    set_expected_intake,
    set_intake_obligation,
)
from lotse.cases.models import CaseClient
from lotse.core.models import Municipality, Organisation, User
from lotse.core.transactions import one_savepoint_per_step
from lotse.demo.casework import ORIGINS, POPULATION
from lotse.demo.data import Drafting, analyze_written_tables, read_json, recorded
from lotse.demo.journey import RecordLinks
from lotse.people.choices import BirthDatePrecision, Gender, HousingSituation, Relationship
from lotse.people.models import Household, HouseholdMembership, HousingRecord, Person
from lotse.people.services import PERSON_FIELDS, create_household, join_household

# The shelters of the demo county and the weights of the simulation (see data/).
_DATA = read_json("accommodation.json")
logger = logging.getLogger(__name__)
DAY = datetime.timedelta(days=1)
FAR = datetime.date.max  # the end of an open stay in the interval lists

CITY = "stadt-lb"
COUNTY = "lra-lb"
CITY_USER = "unterbringung"
COUNTY_USER = "unterbringung-lra"
LUDWIGSBURG_AGS = "08118048"
YEARS = 4  # the simulated history
# The replayed days' steps taken under one savepoint (see _Builder._replay).
STEPS_PER_SAVEPOINT = 100

COUNT_KEYS = (
    "shelters",
    "units",
    "places",
    "persons",
    "households",
    "occupancies",
    "casework_occupancies",
    "casework_unplaced",
    "own_records",
    "assignments",
    "assigned_persons",
    "housing_records",
    "intake_obligations",
    "expected_intakes",
)


@dataclass(frozen=True)
class _UnitSpec:
    name: str
    places: int
    accessible: bool = False
    # Days after today (negative: in the past) from which the unit's places exist; None: the shelter's opening.
    added: int | None = None


@dataclass(frozen=True)
class _ShelterSpec:
    organisation: str
    name: str
    kind: str
    town: str
    street: str
    postal_code: str
    opened: datetime.date
    units: tuple[_UnitSpec, ...] = ()
    places: int = 0  # places without a unit (small flats)
    accessibility: str = Accessibility.UNBEKANNT
    closed: int | None = None  # days after today on which the places were given up (in the past)
    notes: str = ""


# The county's preliminary accommodation and the city's follow-up accommodation. The Bietigheim
# shelter and Pflugfelden grew (places added later); the container site in Grünbühl was given up.
SHELTERS: tuple[_ShelterSpec, ...] = tuple(
    _ShelterSpec(
        **{
            **spec,
            "opened": datetime.date.fromisoformat(spec["opened"]),
            "units": tuple(_UnitSpec(**unit) for unit in spec["units"]),
        }
    )
    for spec in _DATA["shelters"]
)
MARKER = (COUNTY, "GU Schlösslesfeld")

# How much of each kind's capacity is taken, from four years ago (first) to today (second).
VU_OCCUPANCY = (0.25, 0.76)
AU_OCCUPANCY = (0.55, 0.86)
EMERGENCY_OCCUPANCY = (0.45, 0.65)
# Share of the county's assignments out of each VU shelter that go to Ludwigsburg.
TO_LUDWIGSBURG = _DATA["TO_LUDWIGSBURG"]
# The reasons of leaving the city's follow-up accommodation (a move within the city's shelters: "umzug").
AU_OUTCOMES = _DATA["AU_OUTCOMES"]
EMERGENCY_OUTCOMES = _DATA["EMERGENCY_OUTCOMES"]
COMPOSITIONS = _DATA["COMPOSITIONS"]


@dataclass
class _Slot:
    """One place with its bookings ([move_in, move_out) intervals, FAR for an open stay)."""

    place: Place
    shelter: _ShelterDraft
    unit: Unit | None
    start: datetime.date
    end: datetime.date | None
    booked: list[tuple[datetime.date, datetime.date]] = field(default_factory=list)

    def free(self, a: datetime.date, b: datetime.date) -> bool:
        if a < self.start or (self.end is not None and b > self.end):
            return False
        return all(b <= x or y <= a for x, y in self.booked)

    def held_on(self, day: datetime.date) -> bool:
        return any(x <= day < y for x, y in self.booked)

    def available_on(self, day: datetime.date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)


@dataclass
class _ShelterDraft:
    spec: _ShelterSpec
    shelter: Shelter
    slots: list[_Slot] = field(default_factory=list)
    groups: dict[str, list[_Slot]] = field(default_factory=dict)  # unit name ("" without unit) -> its places

    @property
    def kind(self) -> str:
        return self.spec.kind

    def capacity(self, day: datetime.date) -> int:
        return sum(1 for s in self.slots if s.available_on(day))

    def occupied(self, day: datetime.date) -> int:
        return sum(1 for s in self.slots if s.held_on(day))


@dataclass
class _Stay:
    person: Person
    slot: _Slot
    move_in: datetime.date
    move_out: datetime.date | None
    reason: str = ""
    basis: str = ResidenceBasis.ZUWEISUNG
    casework: bool = False

    def shorten(self, on: datetime.date, reason: str) -> None:
        """End the (open) stay earlier: frees the place from ``on``; never creates an overlap."""
        old = (self.move_in, self.move_out or FAR)
        index = self.slot.booked.index(old)
        self.slot.booked[index] = (self.move_in, on)
        self.move_out, self.reason = on, reason


class _Builder(Drafting):
    def __init__(
        self,
        *,
        today: datetime.date,
        seed: int,
        organisations: dict[str, Organisation],
        municipalities: dict[str, Municipality],
        users: dict[str, User],
    ) -> None:
        super().__init__(seed)
        self.today = today
        self.organisations = organisations
        self.municipalities = municipalities
        self.users = users
        self.ludwigsburg = municipalities["Ludwigsburg"]
        self.window = today - datetime.timedelta(days=YEARS * 365)
        self.shelters: list[_ShelterDraft] = []
        self.units: list[Unit] = []
        self.places: list[Place] = []
        self.stays: list[_Stay] = []
        self.persons: list[Person] = []
        self.households: list[Household] = []
        self.memberships: list[HouseholdMembership] = []
        self.housing: dict[tuple[int, datetime.date], tuple[Person, str, Municipality | None]] = {}
        self.assignments: list[tuple[Assignment, list[Person]]] = []
        self.obligations: list[IntakeObligation] = []
        self.expected: list[ExpectedIntake] = []
        self.casework_unplaced = 0
        self.refused: Counter[str] = Counter()
        # The resident records accommodation staff keep of persons another organisation keeps (a caseworker's
        # client): what the staff register themselves, as they would through the app, by the original's pk.
        self.own_records: dict[int, list[Person]] = {}
        self.own_records_created = 0
        self.visible: set[tuple[int | None, int]] = set()
        self.registered_in_step: list[tuple[int, Person]] = []  # undone with the step when it is refused
        # lotse.demo.journey: caseworkers link the records registered for their clients (and some consent).
        self.record_links = RecordLinks()

    # Helpers

    def share(self, bounds: tuple[float, float], day: datetime.date) -> float:
        """The occupancy aimed at on ``day``: rising from the first bound (four years ago) to the second."""
        elapsed = (day - self.window).days / (self.today - self.window).days
        return bounds[0] + (bounds[1] - bounds[0]) * min(1.0, max(0.0, elapsed))

    def of(self, kind: str | None = None, organisation: str = CITY) -> list[_ShelterDraft]:
        return [
            s
            for s in self.shelters
            if s.spec.organisation == organisation
            and (kind is None or s.kind == kind or (kind == "au" and s.kind in FOLLOW_UP_KINDS))
        ]

    def city_au(self) -> list[_ShelterDraft]:
        """The city's follow-up accommodation except the emergency shelter."""
        return [s for s in self.of("au") if s.kind != ShelterKind.NOTUNTERKUNFT]

    # Step 1: shelters, units and places

    def build_shelters(self) -> None:
        for spec in SHELTERS:
            closed = self.today + datetime.timedelta(days=spec.closed) if spec.closed is not None else None
            shelter = Shelter(
                organisation=self.organisations[spec.organisation],
                municipality=self.municipalities[spec.town],
                name=spec.name,
                kind=spec.kind,
                street=spec.street,
                postal_code=spec.postal_code,
                accessibility=spec.accessibility,
                in_operation_from=spec.opened,
                in_operation_to=closed - DAY if closed is not None else None,
                notes=spec.notes,
            )
            draft = _ShelterDraft(spec, shelter)
            self.shelters.append(draft)
            number = 0
            groups: list[tuple[Unit | None, int, datetime.date]] = []
            if spec.places:
                groups.append((None, spec.places, spec.opened))
            for unit_spec in spec.units:
                unit: Unit | None = Unit(shelter=shelter, name=unit_spec.name, accessible=unit_spec.accessible)
                assert unit is not None
                self.units.append(unit)
                added = spec.opened
                if unit_spec.added is not None:
                    added = self.today + datetime.timedelta(days=unit_spec.added)
                groups.append((unit, unit_spec.places, added))
            for unit, count, available_from in groups:
                for _ in range(count):
                    number += 1
                    place = Place(
                        shelter=shelter, unit=unit, number=number, available_from=available_from, available_to=closed
                    )
                    self.places.append(place)
                    slot = _Slot(place, draft, unit, available_from, closed)
                    draft.slots.append(slot)
                    draft.groups.setdefault(unit.name if unit else "", []).append(slot)

    # Booking

    def book(
        self,
        candidates: Sequence[_ShelterDraft],
        persons: Sequence[Person],
        start: datetime.date,
        end: datetime.date | None,
        *,
        basis: str = ResidenceBasis.ZUWEISUNG,
        casework: bool = False,
    ) -> list[_Stay] | None:
        """Places for all ``persons`` from ``start`` to ``end`` in one of the shelters (a unit of their own
        if one is free), or None when none has room."""
        b = end or FAR
        for draft in candidates:
            groups = [g for g in draft.groups.values() if g]
            self.rng.shuffle(groups)
            # Prefer the smallest unit that takes the whole household, then any free places of the shelter.
            fitting = []
            for group in groups:
                free = [s for s in group if s.free(start, b)]
                if len(free) >= len(persons):
                    fitting.append((len(group), free))
            if fitting:
                fitting.sort(key=lambda entry: entry[0])
                chosen = fitting[0][1][: len(persons)]
            else:
                free = [s for group in groups for s in group if s.free(start, b)]
                if len(free) < len(persons):
                    continue
                chosen = free[: len(persons)]
            stays = []
            for person, slot in zip(persons, chosen, strict=True):
                slot.booked.append((start, b))
                stays.append(_Stay(person, slot, start, end, basis=basis, casework=casework))
            self.stays.extend(stays)
            return stays
        return None

    def record(self, person: Person, on: datetime.date, situation: str, town: Municipality | None) -> None:
        self.housing[(id(person), on)] = (person, situation, town)

    # Step 2: the casework clients' stays, from their dated housing

    def place_casework(self) -> None:
        towns = {s.spec.town: s for s in self.of(ShelterKind.GU_VORLAEUFIG, COUNTY)}
        records: dict[int, list[tuple[datetime.date, str, int | None]]] = {}
        for person_id, valid_from, situation, town_id in HousingRecord.objects.order_by(
            "person_id", "valid_from"
        ).values_list("person_id", "valid_from", "situation", "municipality_id"):
            records.setdefault(person_id, []).append((valid_from, situation, town_id))
        by_id = {m.pk: m for m in self.municipalities.values()}
        wanted: dict[tuple[str, datetime.date, datetime.date | None, str], list[int]] = {}
        for person_id, rows in records.items():
            for index, (start, situation, town_id) in enumerate(rows):
                town = by_id.get(town_id) if town_id is not None else None
                if town is None:
                    continue
                target: str | None = None
                if situation == HousingSituation.VORLAEUFIGE_UNTERBRINGUNG and town.name in towns:
                    target = "vu:" + town.name
                elif situation == HousingSituation.ANSCHLUSSUNTERBRINGUNG and town == self.ludwigsburg:
                    target = "au"
                if target is None:
                    continue
                following = rows[index + 1] if index + 1 < len(rows) else None
                end = following[0] if following is not None else None
                if following is None:
                    reason = ""
                elif following[1] == HousingSituation.PRIVATER_MIETVERTRAG:
                    reason = MoveOutReason.PRIVATER_MIETVERTRAG
                elif following[1] == HousingSituation.SONSTIGES:
                    reason = MoveOutReason.WEGZUG
                elif following[1] == HousingSituation.JUGENDHILFE:
                    reason = MoveOutReason.SONSTIGES
                else:
                    reason = MoveOutReason.UMZUG_ANDERE_UNTERKUNFT
                wanted.setdefault((target, start, end, reason), []).append(person_id)
        ids = {pk for pks in wanted.values() for pk in pks}
        ids |= self.casework_assignments(records, by_id)
        if not ids:
            return
        persons = {p.pk: p for p in Person.objects.filter(pk__in=ids)}
        households: dict[int, list[tuple[int, datetime.date, datetime.date | None]]] = {}
        for person_id, household_id, valid_from, valid_to in HouseholdMembership.objects.filter(
            person_id__in=ids
        ).values_list("person_id", "household_id", "valid_from", "valid_to"):
            households.setdefault(person_id, []).append((household_id, valid_from, valid_to))
        household_start: dict[int, datetime.date] = dict(
            HouseholdMembership.objects.filter(household__memberships__person_id__in=ids)
            .values("household_id")
            .annotate(first=Min("valid_from"))
            .values_list("household_id", "first")
        )

        def household_of(person_id: int, day: datetime.date) -> int:
            for household_id, valid_from, valid_to in households.get(person_id, []):
                if valid_from <= day and (valid_to is None or valid_to > day):
                    return household_id
            return -person_id

        # Households together, in the order they moved in.
        groups: list[tuple[datetime.date, str, datetime.date | None, str, list[Person], list[str]]] = []
        for (target, start, end, reason), pks in wanted.items():
            by_household: dict[int, list[int]] = {}
            for pk in pks:
                by_household.setdefault(household_of(pk, start), []).append(pk)
            for household_id, members in sorted(by_household.items()):
                bases = [
                    self.casework_basis(
                        persons[pk], start, records[pk][0][0] == start, household_start.get(household_id, start)
                    )
                    if target == "au"
                    else ResidenceBasis.ZUWEISUNG
                    for pk in members
                ]
                groups.append((start, target, end, reason, [persons[pk] for pk in members], bases))
        groups.sort(key=lambda g: (g[0], g[1], g[4][0].pk))
        self.assign_casework(persons, household_of, household_start)
        for start, target, end, reason, residents, bases in groups:
            if target == "au":
                candidates = self.city_au()
                self.rng.shuffle(candidates)
            else:
                candidates = [towns[target[3:]]]
            # The whole household in one shelter, else one by one.
            placed = self.book(candidates, residents, start, end, casework=True)
            if placed is None:
                placed = []
                for resident in residents:
                    placed.extend(self.book(candidates, [resident], start, end, casework=True) or [])
            placed_persons = {id(s.person) for s in placed}
            self.casework_unplaced += sum(1 for r in residents if id(r) not in placed_persons)
            for stay in placed:
                stay.reason = reason
                stay.basis = bases[residents.index(stay.person)]

    @staticmethod
    def casework_basis(person: Person, start: datetime.date, first: bool, household_since: datetime.date) -> str:
        """Born during the follow-up accommodation, or joined the family there later: not assigned."""
        if person.birth_date is not None and person.birth_date >= start:
            return ResidenceBasis.GEBURT
        if first and household_since < start - datetime.timedelta(days=60):
            return ResidenceBasis.FAMILIENNACHZUG
        return ResidenceBasis.ZUWEISUNG

    def casework_assignments(
        self, records: dict[int, list[tuple[datetime.date, str, int | None]]], by_id: dict[int, Municipality]
    ) -> set[int]:
        """Clients who came into a municipality's follow-up accommodation were assigned to it shortly before."""
        self._to_assign: list[tuple[int, Municipality, datetime.date, datetime.date, bool]] = []
        for person_id, rows in records.items():
            seen: set[int] = set()
            for index, (start, situation, town_id) in enumerate(rows):
                if situation != HousingSituation.ANSCHLUSSUNTERBRINGUNG or town_id is None or town_id in seen:
                    continue
                seen.add(town_id)
                earliest = rows[index - 1][0] + DAY if index else start - datetime.timedelta(days=28)
                self._to_assign.append((person_id, by_id[town_id], start, earliest, index == 0))
        return {entry[0] for entry in self._to_assign}

    def assign_casework(
        self,
        persons: dict[int, Person],
        household_of: Callable[[int, datetime.date], int],
        household_start: dict[int, datetime.date],
    ) -> None:
        groups: dict[tuple[int, int, datetime.date], list[Person]] = {}
        earliest_of: dict[tuple[int, int, datetime.date], datetime.date] = {}
        for person_id, town, start, earliest, first in self._to_assign:
            person = persons[person_id]
            household_id = household_of(person_id, start)
            if self.casework_basis(person, start, first, household_start.get(household_id, start)) != "zuweisung":
                continue
            key = (household_id, town.pk, start)
            groups.setdefault(key, []).append(person)
            earliest_of[key] = max(earliest_of.get(key, earliest), earliest)
        by_pk = {m.pk: m for m in self.municipalities.values()}
        for (_household, town_pk, start), members in sorted(groups.items(), key=lambda item: (item[0][2], item[0][0])):
            earliest = min(earliest_of[(_household, town_pk, start)], start)
            on = max(earliest, start - datetime.timedelta(days=self.rng.randint(7, 28)))
            self.assign(members, by_pk[town_pk], min(on, self.today))

    # Step 3: residents registered by the county and the city

    def new_household(self, organisation: str, day: datetime.date, town: Municipality) -> list[Person]:
        after = day >= datetime.date(2022, 3, 1)
        origin = self.weighted({o: (o.weight_after if after else o.weight_before) for o in ORIGINS})
        composition = self.weighted(COMPOSITIONS)
        organisation_obj = self.organisations[organisation]
        household = Household(organisation=organisation_obj)
        self.households.append(household)
        family = self.rng.choice(origin.family) if origin.family else None
        members: list[Person] = []

        def person(female: bool, age: int, relationship: str) -> Person:
            pool = origin.female if female else origin.male
            given = self.rng.choice(pool)
            if family is not None:
                family_name = family.form(female)
                name, original = family_name.latin, f"{given.original} {family_name.original}".strip()
            else:
                father = self.rng.choice(origin.male)
                name, original = father.latin, f"{given.original} {father.original}".strip()
            born = day - datetime.timedelta(days=age * 365 + self.rng.randint(0, 364))
            individual = Person(
                organisation=organisation_obj,
                family_name=name,
                given_names=given.latin,
                original_script_name=original if given.original else "",
                aliases=list(given.variants[:1]),
                birth_date=born,
                birth_date_precision=BirthDatePrecision.DAY,
                gender=Gender.FEMALE if female else Gender.MALE,
                nationalities=[origin.country],
                languages=[origin.languages[0][0]],
                municipality=town,
            )
            self.persons.append(individual)
            self.memberships.append(
                HouseholdMembership(household=household, person=individual, relationship=relationship, valid_from=day)
            )
            members.append(individual)
            return individual

        rng = self.rng
        if composition == "single":
            person(not rng.random() < origin.single_male, rng.randint(19, 45), Relationship.HEAD)
        elif composition == "couple":
            person(False, rng.randint(22, 60), Relationship.HEAD)
            person(True, rng.randint(20, 58), Relationship.PARTNER)
        elif composition == "siblings":
            person(rng.random() < 0.3, rng.randint(18, 24), Relationship.HEAD)
            person(rng.random() < 0.5, rng.randint(16, 22), Relationship.SIBLING)
        else:
            single_parent = composition == "single_parent"
            parent_age = rng.randint(25, 46)
            if single_parent:
                person(True, parent_age, Relationship.HEAD)
            else:
                person(False, parent_age + rng.randint(0, 6), Relationship.HEAD)
                person(True, parent_age, Relationship.PARTNER)
            for _ in range(rng.choice((1, 1, 2, 2, 2, 3, 3, 4))):
                person(rng.random() < 0.5, rng.randint(0, min(17, parent_age - 18)), Relationship.CHILD)
        return members

    def assign(self, persons: Sequence[Person], town: Municipality, on: datetime.date) -> None:
        assignment = Assignment(
            organisation=self.organisations[COUNTY],
            municipality=town,
            date=on,
            reference=f"Zuw-{on:%Y}-{len(self.assignments) + 1:04d}",
            created_by=self.users.get(COUNTY_USER),
        )
        self.assignments.append((assignment, list(persons)))

    def other_town(self) -> Municipality:
        weights = {name: p for name, p in POPULATION.items() if name != "Ludwigsburg" and name in self.municipalities}
        return self.municipalities[self.weighted(weights)]

    def simulate_vu(self) -> None:
        """Households arrive in the county's shelters, stay months, and are assigned to a municipality."""
        for draft in self.of(ShelterKind.GU_VORLAEUFIG, COUNTY):
            day = max(self.window, draft.spec.opened)
            first = True
            while day <= self.today:
                target = round(draft.capacity(day) * self.share(VU_OCCUPANCY, day))
                gap = target - draft.occupied(day)
                attempts = 0
                while gap > 0 and attempts < 12:
                    attempts += 1
                    if first:  # the residents of four years ago, who arrived before
                        back = self.rng.randint(0, 400)
                        arrival = day - datetime.timedelta(days=back)
                        length = self.rng.randint(max(300, back + 14), max(730, back + 60))
                    else:
                        arrival = min(self.today, day + datetime.timedelta(days=self.rng.randint(0, 13)))
                        length = self.rng.randint(300, 730)
                    leave: datetime.date | None = arrival + datetime.timedelta(days=length)
                    if leave is not None and leave > self.today:
                        leave = None
                    members = self.new_household(COUNTY, arrival, draft.shelter.municipality)
                    stays = self.book([draft], members, arrival, leave)
                    if stays is None:
                        self.drop(members)
                        continue
                    gap -= len(members)
                    for m in members:
                        self.record(m, arrival, HousingSituation.VORLAEUFIGE_UNTERBRINGUNG, draft.shelter.municipality)
                    if leave is not None:
                        self.leave_vu(draft, stays, leave)
                first = False
                day += datetime.timedelta(days=14)

    def drop(self, members: Sequence[Person]) -> None:
        """Forget a drafted household that found no place."""
        ids = {id(m) for m in members}
        self.persons = [p for p in self.persons if id(p) not in ids]
        dropped = [ms for ms in self.memberships if id(ms.person) in ids]
        self.memberships = [ms for ms in self.memberships if id(ms.person) not in ids]
        households = {id(ms.household) for ms in dropped}
        self.households = [h for h in self.households if id(h) not in households]

    def leave_vu(self, draft: _ShelterDraft, stays: list[_Stay], leave: datetime.date) -> None:
        members = [s.person for s in stays]
        assigned_on = max(stays[0].move_in + DAY, leave - datetime.timedelta(days=self.rng.randint(7, 35)))
        to_city = self.chance(TO_LUDWIGSBURG.get(draft.spec.town, 0.1))
        if to_city:
            candidates = self.city_au()
            self.rng.shuffle(candidates)
            end = self.au_end(leave)
            follow = self.book(candidates, members, leave, end)
            if follow is not None:
                self.assign(members, self.ludwigsburg, assigned_on)
                for stay in stays:
                    stay.reason = MoveOutReason.UMZUG_ANDERE_UNTERKUNFT
                self.arrive_au(follow, leave)
                return
        town = self.other_town()
        self.assign(members, town, assigned_on)
        for stay in stays:
            stay.reason = MoveOutReason.UMZUG_ANDERE_UNTERKUNFT
            self.record(stay.person, leave, HousingSituation.ANSCHLUSSUNTERBRINGUNG, town)
            stay.person.municipality = town

    def au_end(self, start: datetime.date, emergency: bool = False, at_least: int = 0) -> datetime.date | None:
        low, high = (150, 540) if emergency else (240, 1400)
        days = self.rng.randint(max(low, at_least), max(high, at_least + 60))
        end = start + datetime.timedelta(days=days)
        return end if end <= self.today else None

    def arrive_au(self, stays: list[_Stay], on: datetime.date) -> None:
        """The household lives in the city's shelter from ``on``: housing, a child born, and how it ends."""
        draft = stays[0].slot.shelter
        for stay in stays:
            self.record(stay.person, on, HOUSING_SITUATION_OF_KIND[draft.kind], draft.shelter.municipality)
            stay.person.municipality = draft.shelter.municipality
        self.births(stays)
        end = stays[0].move_out
        if end is None:
            return
        emergency = draft.kind == ShelterKind.NOTUNTERKUNFT
        outcome = self.weighted(EMERGENCY_OUTCOMES if emergency else AU_OUTCOMES)
        household = stays  # with a child born meanwhile
        if outcome == "umzug":
            candidates = [s for s in self.city_au() if s is not draft]
            self.rng.shuffle(candidates)
            follow = self.book(candidates, [s.person for s in household], end, self.au_end(end))
            if follow is not None:
                for stay in household:
                    stay.reason = MoveOutReason.UMZUG_ANDERE_UNTERKUNFT
                for stay, new in zip(household, follow, strict=True):
                    new.basis = stay.basis
                self.arrive_au(follow, end)
                return
            outcome = MoveOutReason.PRIVATER_MIETVERTRAG
        for stay in household:
            stay.reason = outcome
            self.moved_out(stay.person, end, outcome)

    def moved_out(self, person: Person, on: datetime.date, reason: str) -> None:
        situation = HOUSING_SITUATION_AFTER.get(reason)
        if situation is None:
            return
        town: Municipality | None = None
        if reason == MoveOutReason.PRIVATER_MIETVERTRAG:
            town = self.ludwigsburg if self.chance(0.85) else self.other_town()
        self.record(person, on, situation, town)
        person.municipality = town

    def births(self, stays: list[_Stay]) -> None:
        """A child born during the accommodation lives there without counting as assigned."""
        start, end = stays[0].move_in, stays[0].move_out
        mothers = [
            s.person
            for s in stays
            if s.person.gender == Gender.FEMALE
            and s.person.birth_date is not None
            and 20 <= (start - s.person.birth_date).days // 365 <= 40
        ]
        last = min(end or self.today, self.today) - datetime.timedelta(days=30)
        if not mothers or last <= start + datetime.timedelta(days=120) or not self.chance(0.22):
            return
        born = start + datetime.timedelta(days=self.rng.randint(120, (last - start).days))
        mother = mothers[0]
        membership = next(ms for ms in self.memberships if ms.person is mother)
        child = Person(
            organisation=mother.organisation,
            family_name=mother.family_name,
            given_names=self.rng.choice(("Amir", "Lina", "Adam", "Mila", "Yusuf", "Sara", "Elias", "Maria", "Noah")),
            birth_date=born,
            birth_date_precision=BirthDatePrecision.DAY,
            gender=self.rng.choice((Gender.FEMALE, Gender.MALE)),
            nationalities=list(mother.nationalities),
            languages=list(mother.languages),
            municipality=mother.municipality,
        )
        draft = stays[0].slot.shelter
        # The child sleeps in the family's unit where a place is free, else elsewhere in the shelter.
        same_unit = [s for s in draft.slots if s.unit is stays[0].slot.unit and s.free(born, end or FAR)]
        others = [s for s in draft.slots if s.free(born, end or FAR)]
        if not (same_unit or others):
            return
        slot = (same_unit or others)[0]
        slot.booked.append((born, end or FAR))
        stay = _Stay(child, slot, born, end, basis=ResidenceBasis.GEBURT)
        self.stays.append(stay)
        stays.append(stay)
        self.persons.append(child)
        self.memberships.append(
            HouseholdMembership(
                household=membership.household, person=child, relationship=Relationship.CHILD, valid_from=born
            )
        )
        self.record(child, born, HOUSING_SITUATION_OF_KIND[draft.kind], draft.shelter.municipality)

    def simulate_city(self) -> None:
        """The city's own arrivals: assigned households directly, family reunification, the emergency shelter."""
        day = self.window
        while day <= self.today:
            self.top_up(self.city_au(), AU_OCCUPANCY, day, emergency=False)
            self.top_up(self.of(ShelterKind.NOTUNTERKUNFT), EMERGENCY_OCCUPANCY, day, emergency=True)
            day += datetime.timedelta(days=14)

    def top_up(
        self, drafts: list[_ShelterDraft], bounds: tuple[float, float], day: datetime.date, *, emergency: bool
    ) -> None:
        capacity = sum(d.capacity(day) for d in drafts)
        gap = round(capacity * self.share(bounds, day)) - sum(d.occupied(day) for d in drafts)
        first = day == self.window
        attempts = 0
        while gap > 0 and attempts < (60 if first else 8):
            attempts += 1
            end: datetime.date | None
            if first:  # the residents of four years ago, who moved in before
                back = self.rng.randint(0, 500 if emergency else 900)
                arrival = day - datetime.timedelta(days=back)
                end = self.au_end(arrival, emergency, at_least=back + 14)
            else:
                arrival = min(self.today, day + datetime.timedelta(days=self.rng.randint(0, 13)))
                end = self.au_end(arrival, emergency)
            members = self.new_household(CITY, arrival, self.ludwigsburg)
            if emergency and len(members) > 4:
                self.drop(members)
                continue
            basis: str = ResidenceBasis.OBDACHLOSIGKEIT if emergency else ResidenceBasis.ZUWEISUNG
            if not emergency and len(members) == 1 and self.chance(0.25):
                basis = ResidenceBasis.FAMILIENNACHZUG  # joins a relative: housed, not assigned
            candidates = [d for d in drafts if d.capacity(arrival)]
            self.rng.shuffle(candidates)
            stays = self.book(candidates, members, arrival, end, basis=basis)
            if stays is None:
                self.drop(members)
                continue
            gap -= len(members)
            if basis == ResidenceBasis.ZUWEISUNG:
                # The county registers whom it assigns (its staff can only assign residents they may read);
                # the city then sees them through the assignment and moves them in.
                county = self.organisations[COUNTY]
                registered = self.memberships[-len(members) :]
                assert [m.person for m in registered] == members
                for membership in registered:
                    membership.person.organisation = membership.household.organisation = county
                self.assign(members, self.ludwigsburg, arrival - datetime.timedelta(days=self.rng.randint(3, 20)))
            self.arrive_au(stays, arrival)

    # Step 4: the planning figures

    def plan(self) -> None:
        county = self.organisations[COUNTY]
        city = self.organisations[CITY]
        per_year: dict[int, int] = {}
        for assignment, persons in self.assignments:
            if assignment.municipality is self.ludwigsburg:
                per_year[assignment.date.year] = per_year.get(assignment.date.year, 0) + len(persons)
        previous = per_year.get(self.today.year - 1, 0)
        for year, obliged in (
            (self.today.year - 1, round(previous * 1.08) + 4),
            (self.today.year, round(previous * 1.2)),
        ):
            self.obligations.append(
                IntakeObligation(municipality=self.ludwigsburg, year=year, persons=obliged, set_by=county)
            )
        # The forecast's input: somewhat more than the move-outs of the last 12 months make room for.
        drafts = self.of("au")
        year_ago = self.today - datetime.timedelta(days=365)
        moved_out = sum(
            1
            for s in self.stays
            if s.slot.shelter in drafts and s.move_out is not None and year_ago < s.move_out <= self.today
        )
        free = sum(d.capacity(self.today) - d.occupied(self.today) for d in drafts)
        base = moved_out / 12 + free / 7
        month = self.today.replace(day=1)
        for _ in range(13):
            self.expected.append(
                ExpectedIntake(organisation=city, month=month, persons=max(0, round(base + self.rng.uniform(-3, 3))))
            )
            month = (month + datetime.timedelta(days=32)).replace(day=1)

    def build(self) -> None:
        self.build_shelters()
        self.place_casework()
        self.simulate_vu()
        self.simulate_city()
        self.plan()

    # Writing

    def write(self) -> dict[str, int]:
        """Replay the drafted years day by day through the accommodation services, as the staff would record them.

        Shelters, units and places come first; then, date by date, move-outs, places given up, new residents,
        move-ins and assignments. The services choose the place themselves (within the drafted unit).
        """
        operators = {CITY: self.users.get(CITY_USER), COUNTY: self.users.get(COUNTY_USER)}
        shelters: dict[int, Shelter] = {}
        units: dict[int, Unit] = {}
        events: list[tuple[datetime.date, int, int, Callable[[], None]]] = []
        sequence = iter(range(1 << 30))
        for draft in self.shelters:
            operator = operators[draft.spec.organisation]
            with one_savepoint_per_step(), recorded():
                self._create_shelter(draft, operator, shelters, units)
            closed = draft.slots[0].end if draft.slots else None
            if closed is not None:
                events.append((closed, 1, next(sequence), functools.partial(self._close, draft, shelters, units)))
        persons: dict[int, Person] = {}
        households = {id(m.person): m for m in self.memberships}
        household_of: dict[int, Household] = {}
        # Residents are registered first (with their dates of moving into their household). A refusal would end
        # the demo, so one savepoint holds them all.
        with one_savepoint_per_step():
            for person in self.persons:
                with recorded():
                    self._register(person, households[id(person)], operators, persons, household_of)
        occupancies: dict[int, Occupancy] = {}
        # A move to another shelter frees the place it leaves: it comes before the other move-ins of that day.
        movers = {(id(s.person), s.move_out) for s in self.stays if s.reason == MoveOutReason.UMZUG_ANDERE_UNTERKUNFT}
        for stay in sorted(self.stays, key=lambda s: (s.move_in, s.slot.shelter.spec.name, s.slot.place.number)):
            events.append(
                (
                    stay.move_in,
                    2 if (id(stay.person), stay.move_in) in movers else 3,
                    next(sequence),
                    functools.partial(self._move_in, stay, shelters, units, persons, occupancies),
                )
            )
            if stay.move_out is not None:
                # A move to another shelter ends the stay with the move-in there (the services record no such
                # move-out); should that move-in not happen, the stay ends after the day's move-ins as "other".
                order = 5 if stay.reason == MoveOutReason.UMZUG_ANDERE_UNTERKUNFT else 0
                events.append(
                    (stay.move_out, order, next(sequence), functools.partial(self._move_out, stay, occupancies))
                )
        for assignment, assigned in self.assignments:
            events.append(
                (assignment.date, 4, next(sequence), functools.partial(self._assign, assignment, assigned, persons))
            )
        ordered = [(day, event) for day, _order, _n, event in sorted(events, key=lambda e: e[:3])]
        for start in range(0, len(ordered), STEPS_PER_SAVEPOINT):
            self._replay(ordered[start : start + STEPS_PER_SAVEPOINT], occupancies)
        with recorded():  # the housing situations the stays do not give (before and after them)
            for (_key, on), (person, situation, town) in sorted(
                self.housing.items(), key=lambda item: (item[0][1], item[1][0].family_name)
            ):
                target = persons.get(id(person), person if person.pk else None)
                if target is not None:
                    record_housing(
                        acting_user=operators.get(target.organisation.short_name),
                        person=target,
                        on=on,
                        situation=situation,
                        municipality=town,
                    )
        county_user = operators[COUNTY]
        for obligation in self.obligations:
            with recorded():
                set_intake_obligation(
                    acting_user=county_user,
                    organisation=obligation.set_by,
                    municipality=obligation.municipality,
                    year=obligation.year,
                    persons=obligation.persons,
                )
        by_organisation: dict[int, dict[datetime.date, int]] = defaultdict(dict)
        for expected in self.expected:
            by_organisation[expected.organisation_id][expected.month] = expected.persons
        for organisation in self.organisations.values():
            if months := by_organisation.get(organisation.pk):
                with recorded():
                    set_expected_intake(
                        acting_user=operators.get(organisation.short_name), organisation=organisation, months=months
                    )
        return {}

    def _replay(self, steps: list[tuple[datetime.date, Callable[[], None]]], occupancies: dict[int, Occupancy]) -> None:
        """Take the steps under one savepoint; should the services refuse one, take them again one by one.

        The services refuse hardly any step of the demo; when they do, the savepoint undoes all of ``steps`` and
        the notes in memory are put back as they were, and then each step gets a savepoint of its own (the
        refused ones are left out): the same records either way.
        """
        noted = (
            dict(occupancies),
            {pk: list(records) for pk, records in self.own_records.items()},
            set(self.visible),
            self.own_records_created,
        )
        try:
            with one_savepoint_per_step():
                for day, step in steps:
                    self.record_links.day = day  # lotse.demo.journey
                    with recorded():
                        step()
            return
        except ValidationError:
            occupancies.clear()
            occupancies.update(noted[0])
            self.own_records, self.visible, self.own_records_created = noted[1], noted[2], noted[3]
        for day, step in steps:
            self.registered_in_step.clear()
            self.record_links.day = day  # lotse.demo.journey
            try:
                with one_savepoint_per_step(), recorded():
                    step()
            except ValidationError as error:
                # The services refuse it, so the demo leaves it out (and counts what it left out).
                self.refused[getattr(error, "code", None) or "invalid"] += 1
                # The step's savepoint undid the residents it registered: so must the notes about them.
                for person_pk, record in self.registered_in_step:
                    self.own_records[person_pk].remove(record)
                    self.visible = {seen for seen in self.visible if seen[1] != record.pk}
                    self.own_records_created -= 1

    def _create_shelter(
        self, draft: _ShelterDraft, operator: User | None, shelters: dict[int, Shelter], units: dict[int, Unit]
    ) -> None:
        planned = draft.shelter
        loose = [s for s in draft.slots if s.unit is None]
        shelter = create_shelter(
            acting_user=operator,
            organisation=planned.organisation,
            places=len(loose),
            places_from=loose[0].start if loose else draft.spec.opened,
            **{name: getattr(planned, name) for name in SHELTER_FIELDS},
        )
        shelters[id(planned)] = shelter
        for name, group in draft.groups.items():
            if not name or not group:
                continue
            unit_draft = group[0].unit
            assert unit_draft is not None
            units[id(unit_draft)] = add_unit(
                acting_user=operator,
                shelter=shelter,
                name=unit_draft.name,
                places=len(group),
                places_from=group[0].start,
                accessible=unit_draft.accessible,
            )

    def _close(self, draft: _ShelterDraft, shelters: dict[int, Shelter], units: dict[int, Unit]) -> None:
        operator = self.users.get(CITY_USER if draft.spec.organisation == CITY else COUNTY_USER)
        shelter = shelters[id(draft.shelter)]
        closed = draft.slots[0].end
        assert closed is not None
        for name, group in draft.groups.items():
            if group:
                unit = units[id(group[0].unit)] if name else None
                change_capacity(acting_user=operator, shelter=shelter, places=0, on=closed, unit=unit)

    def _register(
        self,
        planned: Person,
        membership: HouseholdMembership,
        operators: dict[str, User | None],
        persons: dict[int, Person],
        household_of: dict[int, Household],
    ) -> None:
        organisation = planned.organisation
        person = register_resident(
            acting_user=operators.get(organisation.short_name),
            organisation=organisation,
            **{name: getattr(planned, name) for name in PERSON_FIELDS},
        )
        persons[id(planned)] = person
        self.visible.add((organisation.pk, person.pk))  # registered by the staff's own organisation
        household = household_of.get(id(membership.household))
        if household is None:
            # Households are kept through the people services, which only caseworkers (or the command) use.
            household = create_household(acting_user=None, organisation=organisation)
            household_of[id(membership.household)] = household
        join_household(
            acting_user=None,
            person=person,
            household=household,
            relationship=membership.relationship,
            since=membership.valid_from,
        )

    def _move_in(
        self,
        stay: _Stay,
        shelters: dict[int, Shelter],
        units: dict[int, Unit],
        persons: dict[int, Person],
        occupancies: dict[int, Occupancy],
    ) -> None:
        operator = self.users.get(CITY_USER if stay.slot.shelter.spec.organisation == CITY else COUNTY_USER)
        person = persons.get(id(stay.person), stay.person)
        if person.pk is None:
            raise ValidationError("not registered", code="not_registered")
        person = self._record_for(operator, person)
        occupancies[id(stay)] = move_in(
            acting_user=operator,
            shelter=shelters[id(stay.slot.shelter.shelter)],
            person=person,
            on=stay.move_in,
            unit=units[id(stay.slot.unit)] if stay.slot.unit is not None else None,
            basis=stay.basis,
        )

    def _move_out(self, stay: _Stay, occupancies: dict[int, Occupancy]) -> None:
        occupancy = occupancies.get(id(stay))
        if occupancy is None:
            raise ValidationError("no stay", code="no_stay")
        # As the page of the stay loads it: with the shelter and person the move-out needs (one query, not four).
        occupancy = Occupancy.objects.select_related("place__shelter__municipality", "person").get(pk=occupancy.pk)
        occupancies[id(stay)] = occupancy
        if occupancy.move_out is not None:
            return  # ended by a move-in elsewhere
        operator = self.users.get(CITY_USER if stay.slot.shelter.spec.organisation == CITY else COUNTY_USER)
        assert stay.move_out is not None
        move_out(
            acting_user=operator,
            occupancy=occupancy,
            on=stay.move_out,
            reason=MoveOutReason.SONSTIGES if stay.reason == MoveOutReason.UMZUG_ANDERE_UNTERKUNFT else stay.reason,
            expected_version=occupancy.version,
        )

    def _assign(self, assignment: Assignment, assigned: list[Person], persons: dict[int, Person]) -> None:
        county_user = self.users.get(COUNTY_USER)
        registered = (persons.get(id(p), p) for p in assigned)
        people = self._records_for(county_user, [p for p in registered if p.pk is not None])
        record_assignment(
            acting_user=county_user,
            organisation=assignment.organisation,
            municipality=assignment.municipality,
            date=assignment.date,
            persons=people,
            reference=assignment.reference,
        )
        # The staff of the municipality the persons are assigned to see them from now on (residents_visible_to).
        for operator in (self.users.get(CITY_USER), county_user):
            if operator is not None and operator.organisation.municipality_id == assignment.municipality_id:
                self.visible.update((operator.organisation_id, person.pk) for person in people)

    def _record_for(self, operator: User | None, person: Person) -> Person:
        return self._records_for(operator, [person])[0]

    def _records_for(self, operator: User | None, people: list[Person]) -> list[Person]:
        """The records of ``people`` the accommodation staff can choose in the app (residents_visible_to).

        A caseworker's client of another organisation is not among them: the
        staff register the person as a resident of their own, as they would
        through the app, and keep using that record (which the other
        organisations whose staff it is assigned to then see too).  One query
        asks for all of them.
        """
        if operator is None:
            return people
        organisation_id = operator.organisation_id
        candidates = {p.pk: [p, *self.own_records.get(p.pk, [])] for p in people}
        # What residents_visible_to gives, kept in memory: the records of the staff's organisation, and those
        # noted in self.visible (stays in its shelters, assignments by it or to its municipality; once visible,
        # always visible, as past stays and assignments count too).
        chosen = {
            pk: next(
                (c for c in cands if c.organisation_id == organisation_id or (organisation_id, c.pk) in self.visible),
                None,
            )
            for pk, cands in candidates.items()
        }
        records = []
        for person in people:
            record = chosen[person.pk]
            if record is None:
                record = register_resident(
                    acting_user=operator,
                    organisation=operator.organisation,
                    **{
                        name: getattr(person, name) for name in PERSON_FIELDS if name not in ("phone", "email", "notes")
                    },
                )
                self.own_records.setdefault(person.pk, []).append(record)
                self.registered_in_step.append((person.pk, record))
                # lotse.demo.journey: the caseworker links it (before the client moves in with it).
                self.record_links.registered(person.pk, record)
                self.own_records_created += 1
                chosen[person.pk] = record
            self.visible.add((organisation_id, record.pk))
            records.append(record)
        return records


def load_demo_accommodation(*, today: datetime.date, seed: int = 2015) -> dict[str, int]:
    """Fill the demo county with shelters, stays and assignments; does nothing once they exist.

    Runs after the casework (its clients' housing records give their stays).
    The demo organisations, municipalities and users must exist. Returns how
    many rows of each kind were created.
    """
    organisations = {o.short_name: o for o in Organisation.objects.filter(short_name__in=[CITY, COUNTY])}
    if len(organisations) < 2:
        return dict.fromkeys(COUNT_KEYS, 0)
    if Shelter.objects.filter(organisation=organisations[MARKER[0]], name=MARKER[1]).exists():
        return dict.fromkeys(COUNT_KEYS, 0)
    municipalities = {m.name: m for m in Municipality.objects.all()}
    needed = {spec.town for spec in SHELTERS}
    if not needed <= set(municipalities):
        return dict.fromkeys(COUNT_KEYS, 0)
    users = {u.username: u for u in User.objects.filter(username__in=[CITY_USER, COUNTY_USER])}
    builder = _Builder(today=today, seed=seed, organisations=organisations, municipalities=municipalities, users=users)
    before = _counts()
    with transaction.atomic():
        builder.build()
        builder.write()
    analyze_written_tables(Shelter, Unit, Place, Occupancy, Assignment, AssignedPerson, Person, HousingRecord)
    after = _counts()
    counts = {key: after[key] - before[key] for key in after}
    counts["casework_occupancies"] = Occupancy.objects.filter(
        person__in=CaseClient.objects.values("person")
    ).count()  # stays of clients of a case (those the accommodation staff may read)
    counts["casework_unplaced"] = builder.casework_unplaced
    counts["own_records"] = builder.own_records_created
    counts["linked_records"], counts["exchange_consents"] = builder.record_links.counts()
    counts["refused"] = sum(builder.refused.values())
    logger.info("Demo accommodation: the services refused %s", dict(builder.refused))
    return counts


def _counts() -> dict[str, int]:
    return {
        "shelters": Shelter.objects.count(),
        "units": Unit.objects.count(),
        "places": Place.objects.count(),
        "households": Household.objects.count(),
        "persons": Person.objects.count(),
        "occupancies": Occupancy.objects.count(),
        "assignments": Assignment.objects.count(),
        "assigned_persons": AssignedPerson.objects.count(),
        "housing_records": HousingRecord.objects.count(),
        "intake_obligations": IntakeObligation.objects.count(),
        "expected_intakes": ExpectedIntake.objects.count(),
    }
