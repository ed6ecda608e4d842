"""Key figures against a slow, obvious computation from the definitions, on random small data.

Hypothesis builds a few persons (with whole, partial or missing dates of
birth and dated language, work and housing records) and cases (of three
organisations in three municipalities, open or closed, with any clients).
All dates fall in a window of some weeks, so reference dates, case ends,
record dates and 18th birthdays often meet on the same day; one window holds
29 February 2024, the other 1 March 2026 (the coming of age of those born on
29 February 2008). The figures of ``compute``, ``key_figures`` and
``key_figures_by`` must equal those counted here in plain Python, person by
person, straight from the definitions in ``docs/kennzahlen.md``.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lotse.cases.choices import CaseStatus, ClosingReason
from lotse.cases.models import Case, CaseClient
from lotse.core.models import Municipality, Organisation
from lotse.core.tests.factories import MunicipalityFactory
from lotse.people.choices import BirthDatePrecision, HousingSituation, LanguageLevel, WorkSituation
from lotse.people.models import Household, HousingRecord, LanguageRecord, Person, WorkRecord
from lotse.reports.figures import (
    FIGURE_KEYS,
    Grouping,
    KeyFigures,
    Scope,
    compute,
    key_figures,
    key_figures_by,
    key_figures_by_both,
)

# Around 29 February 2024, and around 28 February / 1 March 2026.
BASES = (datetime.date(2024, 2, 10), datetime.date(2026, 2, 10))
NEAR = st.integers(-15, 25)
LONG_AGO = -800
B1_PLUS = {"B1", "B2", "C1", "C2"}
EMPLOYED = {"beschaeftigt_svp"}
IN_TRAINING = {"ausbildung", "praktikum", "studium"}
OWN_TENANCY = "privater_mietvertrag"
GROUPS = 3  # organisations and municipalities the cases are spread over


@dataclass(frozen=True)
class PersonSpec:
    born: datetime.date | None
    precision: str
    language: Mapping[datetime.date, str]
    work: Mapping[datetime.date, str]
    housing: Mapping[datetime.date, str]


@dataclass(frozen=True)
class CaseSpec:
    organisation: int
    municipality: int
    start: datetime.date
    end: datetime.date | None
    reason: str
    clients: frozenset[int]


@dataclass(frozen=True)
class World:
    persons: tuple[PersonSpec, ...]
    cases: tuple[CaseSpec, ...]
    days: tuple[datetime.date, ...]
    von: datetime.date | None
    organisation: int | None
    municipality: int | None
    grouping: Grouping


# --- generated data -----------------------------------------------------------------------------------------------

# Situations that count are drawn more often than the others.
LEVELS = st.sampled_from([*LanguageLevel.values, "B1", "A2"])
WORK = st.sampled_from([*WorkSituation.values, "beschaeftigt_svp", "beschaeftigt_svp", *IN_TRAINING])
HOUSING = st.sampled_from([*HousingSituation.values, OWN_TENANCY, OWN_TENANCY, OWN_TENANCY])


def on(day: datetime.date, offset: int) -> datetime.date:
    return day + datetime.timedelta(days=offset)


def years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


@dataclass(frozen=True)
class Dates:
    """The dates of one world: a handful of key dates that many things share, and others near them."""

    base: datetime.date
    keys: tuple[datetime.date, ...]

    def any(self) -> st.SearchStrategy[datetime.date]:
        return st.one_of(st.sampled_from(self.keys), NEAR.map(lambda offset: on(self.base, offset)))

    def record(self) -> st.SearchStrategy[datetime.date]:
        return st.one_of(self.any(), st.just(on(self.base, LONG_AGO)))

    def from_(self, start: datetime.date) -> st.SearchStrategy[datetime.date]:
        later = [day for day in self.keys if day >= start]
        lengths = st.integers(0, 40).map(lambda length: on(start, length))
        return st.one_of(st.sampled_from(later), lengths) if later else lengths

    def birth(self) -> st.SearchStrategy[datetime.date]:
        """Around an 18th birthday on a key date or in the window, 29 February and its neighbours, or clearly
        of age or a child."""
        coming_of_age = st.tuples(st.sampled_from(self.keys), st.integers(-1, 1)).map(
            lambda key: on(years_before(key[0], 18), key[1])
        )
        leap = st.sampled_from([datetime.date(2008, 2, 29), datetime.date(2006, 2, 28), datetime.date(2006, 3, 1)])
        grown_up = st.sampled_from([datetime.date(1980, 7, 15), datetime.date(1995, 12, 31), datetime.date(1970, 1, 1)])
        child = st.sampled_from([datetime.date(2015, 9, 9), datetime.date(2020, 2, 29)])
        near_18 = NEAR.map(lambda offset: on(years_before(self.base, 18), offset))
        return st.one_of(coming_of_age, near_18, leap, grown_up, grown_up, child)


@st.composite
def persons(draw: st.DrawFn, dates: Dates) -> PersonSpec:
    born = draw(st.one_of(dates.birth(), dates.birth(), dates.birth(), st.none()))
    precision = ""
    if born is not None:
        precision = draw(st.sampled_from(BirthDatePrecision.values))
        if precision == BirthDatePrecision.MONTH:
            born = born.replace(day=1)
        elif precision == BirthDatePrecision.YEAR:
            born = born.replace(month=1, day=1)
    return PersonSpec(
        born=born,
        precision=precision,
        language=draw(st.dictionaries(dates.record(), LEVELS, max_size=3)),
        work=draw(st.dictionaries(dates.record(), WORK, max_size=3)),
        housing=draw(st.dictionaries(dates.record(), HOUSING, max_size=3)),
    )


@st.composite
def cases(draw: st.DrawFn, dates: Dates, person_count: int) -> CaseSpec:
    start = draw(st.one_of(dates.any(), st.just(on(dates.base, -400))))
    end = draw(st.one_of(st.none(), dates.from_(start)))
    return CaseSpec(
        organisation=draw(st.integers(0, GROUPS - 1)),
        municipality=draw(st.integers(0, GROUPS - 1)),
        start=start,
        end=end,
        reason=draw(st.sampled_from(ClosingReason.values)),
        clients=frozenset(draw(st.sets(st.integers(0, person_count - 1), min_size=1, max_size=3))),
    )


@st.composite
def worlds(draw: st.DrawFn) -> World:
    base = draw(st.sampled_from(BASES))
    dates = Dates(base, tuple(draw(st.lists(NEAR.map(lambda offset: on(base, offset)), min_size=2, max_size=5))))
    people = tuple(draw(st.lists(persons(dates), min_size=2, max_size=8)))
    group = st.sampled_from([None, None, *range(GROUPS)])
    return World(
        persons=people,
        cases=tuple(draw(st.lists(cases(dates, len(people)), max_size=8))),
        days=tuple(draw(st.lists(dates.any(), min_size=1, max_size=4))),
        von=draw(st.one_of(st.none(), dates.any(), st.just(on(base, -1000)))),
        organisation=draw(group),
        municipality=draw(group),
        grouping=draw(st.sampled_from(["organisation", "municipality"])),
    )


# --- the obvious computation --------------------------------------------------------------------------------------


def age(born: datetime.date, day: datetime.date) -> int:
    """Completed years on ``day``: one more on each birthday (1 March for 29 February in common years)."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def holding(records: Mapping[datetime.date, str], day: datetime.date) -> str | None:
    """The latest record dated on or before ``day``."""
    dated = [valid_from for valid_from in records if valid_from <= day]
    return records[max(dated)] if dated else None


def first_own_tenancy(records: Mapping[datetime.date, str], day: datetime.date) -> bool:
    """The record holding on ``day`` is an own tenancy and no earlier record is one."""
    dated = sorted(valid_from for valid_from in records if valid_from <= day)
    return (
        bool(dated)
        and records[dated[-1]] == OWN_TENANCY
        and all(records[valid_from] != OWN_TENANCY for valid_from in dated[:-1])
    )


def percent(part: int, whole: int) -> Decimal | None:
    """Percent with one decimal, 0.05 rounded up, counted in fractions."""
    if whole == 0:
        return None
    tenths = math.floor(Fraction(1000 * part, whole) + Fraction(1, 2))
    return Decimal(tenths) / 10


def expected_figures(
    people: Sequence[PersonSpec], in_scope: Iterable[CaseSpec], day: datetime.date, von: datetime.date
) -> dict[str, Any]:
    in_scope = list(in_scope)
    active = [c for c in in_scope if c.start <= day and (c.end is None or c.end > day)]
    clients = {index for c in active for index in c.clients}
    ages = {i: age(born, day) for i in clients if (born := people[i].born) is not None}
    minors = {i for i, years in ages.items() if years < 18}
    adults = {i for i, years in ages.items() if years >= 18}
    unknown = clients - set(ages)
    b1_plus = {i for i in adults if (holding(people[i].language, day) or "keine") in B1_PLUS}
    employed = {i for i in adults if holding(people[i].work, day) in EMPLOYED}
    in_training = {i for i in adults if holding(people[i].work, day) in IN_TRAINING}
    ended = [(c, c.end) for c in in_scope if c.end is not None and von <= c.end <= day]
    ended_persons = {i for c, _end in ended for i in c.clients}
    with_tenancy = {i for c, end in ended for i in c.clients if holding(people[i].housing, end) == OWN_TENANCY}
    first_tenancy = {i for c, end in ended for i in c.clients if first_own_tenancy(people[i].housing, end)}
    return {
        "stichtag": day,
        "von": von,
        "klienten": len(clients),
        "minderjaehrige": len(minors),
        "erwachsene": len(adults),
        "alter_unbekannt": len(unknown),
        "erwachsene_b1_plus": len(b1_plus),
        "erwachsene_beschaeftigt": len(employed),
        "erwachsene_ausbildung": len(in_training),
        "anteil_b1_plus": percent(len(b1_plus), len(adults)),
        "anteil_beschaeftigt": percent(len(employed), len(adults)),
        "anteil_ausbildung": percent(len(in_training), len(adults)),
        "faelle_aktiv": len(active),
        "beendet_personen": len(ended_persons),
        "beendet_mit_mietvertrag": len(with_tenancy),
        "beendet_erstmals_privat": len(first_tenancy),
        "abschlussgruende": {code: sum(1 for c, _end in ended if c.reason == code) for code in ClosingReason.values},
    }


def actual_figures(figures: KeyFigures) -> dict[str, Any]:
    return {"stichtag": figures.stichtag, "von": figures.von, **{key: figures.value(key) for key in FIGURE_KEYS}}


# --- the property -------------------------------------------------------------------------------------------------


@pytest.fixture
def organisations(org_a: Organisation, org_b: Organisation, county: Organisation) -> list[Organisation]:
    return [org_a, org_b, county]


@pytest.fixture
def municipalities(db: None) -> list[Municipality]:
    return [
        MunicipalityFactory.create(ags="08118048", name="Ludwigsburg"),
        MunicipalityFactory.create(ags="08118003", name="Asperg"),
        MunicipalityFactory.create(ags="08118079", name="Freiberg am Neckar"),
    ]


def build(world: World, organisations: Sequence[Organisation], municipalities: Sequence[Municipality]) -> None:
    people = []
    for index, person_spec in enumerate(world.persons):
        person = Person.objects.create(
            organisation=organisations[index % GROUPS],
            family_name=f"Person {index}",
            birth_date=person_spec.born,
            birth_date_precision=person_spec.precision,
        )
        LanguageRecord.objects.bulk_create(
            LanguageRecord(person=person, valid_from=valid_from, level=level)
            for valid_from, level in person_spec.language.items()
        )
        WorkRecord.objects.bulk_create(
            WorkRecord(person=person, valid_from=valid_from, situation=situation)
            for valid_from, situation in person_spec.work.items()
        )
        HousingRecord.objects.bulk_create(
            HousingRecord(person=person, valid_from=valid_from, situation=situation)
            for valid_from, situation in person_spec.housing.items()
        )
        people.append(person)
    for spec in world.cases:
        organisation = organisations[spec.organisation]
        case = Case.objects.create(
            organisation=organisation,
            municipality=municipalities[spec.municipality],
            household=Household.objects.create(organisation=organisation),
            start_date=spec.start,
            end_date=spec.end,
            status=CaseStatus.CLOSED if spec.end else CaseStatus.ACTIVE,
            closing_reason=spec.reason if spec.end else "",
        )
        CaseClient.objects.bulk_create(CaseClient(case=case, person=people[index]) for index in sorted(spec.clients))


@settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(world=worlds())
def test_it_counts_as_the_definitions_say_on_random_data(
    world: World, organisations: list[Organisation], municipalities: list[Municipality]
) -> None:
    scope = Scope(
        organisation=organisations[world.organisation] if world.organisation is not None else None,
        municipality=municipalities[world.municipality] if world.municipality is not None else None,
    )
    in_scope = [
        c
        for c in world.cases
        if world.organisation in (None, c.organisation) and world.municipality in (None, c.municipality)
    ]
    first_day = world.days[0]
    von = world.von or first_day
    default_von = min((c.start for c in in_scope), default=first_day)
    group_pks = [o.pk for o in organisations] if world.grouping == "organisation" else [m.pk for m in municipalities]

    def group_of(c: CaseSpec) -> int:
        return c.organisation if world.grouping == "organisation" else c.municipality

    with transaction.atomic():
        build(world, organisations, municipalities)

        # One reference date at a time, with the given V and with the default one.
        for day in world.days:
            expected = expected_figures(world.persons, in_scope, day, von)
            assert actual_figures(key_figures(day, von, scope)) == expected
        expected = expected_figures(world.persons, in_scope, first_day, default_von)
        assert actual_figures(key_figures(first_day, None, scope)) == expected

        # All reference dates in one go.
        result = compute(world.days, von, scope)
        assert set(result) == {(day, None) for day in world.days}
        for day in world.days:
            assert actual_figures(result[(day, None)]) == expected_figures(world.persons, in_scope, day, von)

        # Every day around them in one go: a series cuts no corner that one date would not.
        every_day = [on(min(world.days), n) for n in range(-2, (max(world.days) - min(world.days)).days + 3)]
        result = compute(every_day, von, scope)
        for day in every_day:
            assert actual_figures(result[(day, None)]) == expected_figures(world.persons, in_scope, day, von), day

        # Grouped: each group counts its own cases; a group without a case in the scope is left out.
        with_cases = {group_of(c) for c in in_scope}
        by_group = key_figures_by(world.grouping, first_day, von, scope)
        assert set(by_group) <= {group_pks[index] for index in with_cases}
        assert key_figures_by_both(first_day, von, scope)[world.grouping] == by_group
        grouped = compute(every_day, von, scope, world.grouping)
        assert {group for _day, group in grouped} <= {group_pks[index] for index in with_cases}
        for index in with_cases:
            own = [c for c in in_scope if group_of(c) == index]
            pk = group_pks[index]
            expected = expected_figures(world.persons, own, first_day, von)
            assert actual_figures(by_group.get(pk) or KeyFigures(stichtag=first_day, von=von)) == expected
            for day in every_day:
                figures = grouped.get((day, pk)) or KeyFigures(stichtag=day, von=von)
                assert actual_figures(figures) == expected_figures(world.persons, own, day, von), (day, index)

        transaction.set_rollback(True)
