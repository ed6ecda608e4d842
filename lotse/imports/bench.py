"""A large, realistic Lotse workbook for the import benchmark (``make bench``).

100,000 persons in households of one to six, a case per household (some
households with an earlier closed case), about six status rows per person
and a few contacts per case. Generated deterministically and streamed with
openpyxl's write-only mode.

Beside it, the county's accommodation history as a second workbook (the
sheets Unterkünfte, Plätze, Belegungen, Zuweisungen): every person has two
stays, first in a communal shelter of the preliminary accommodation, then
in follow-up accommodation of the municipality the household was assigned
to (200,000 stays for 100,000 persons), some moved on into their own flat;
households are assigned in one to several assignments (60,000 for 100,000
persons). Places are numbered as the stays need them, in rooms of four.
"""

from __future__ import annotations

import datetime
import heapq
import random
from collections import defaultdict
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from lotse.cases.choices import ClosingReason, ContactForm, FieldOfAction
from lotse.imports.workbook import (
    ASSIGNMENTS,
    CASES,
    CONTACTS,
    EVIDENCE_NAMES,
    HOUSING,
    LANGUAGE,
    PERSONS,
    PLACES,
    RESIDENCE,
    SHEETS,
    SHELTERS,
    STAYS,
    WORK,
    SheetSpec,
)

GENERATOR_VERSION = 2
ACCOMMODATION_GENERATOR_VERSION = 1
ACCOMMODATION_SHEETS = (SHELTERS, PLACES, STAYS, ASSIGNMENTS)
CASEWORK_SHEETS = tuple(spec for spec in SHEETS if spec not in ACCOMMODATION_SHEETS)
# Per person: stays, and assignments (an assignment names one or several persons of a household).
STAYS_PER_PERSON = 2
ASSIGNMENTS_PER_PERSON = 0.6
PRELIMINARY_SHELTERS = 30
FOLLOW_UP_SHELTERS_PER_MUNICIPALITY = 25
PLACES_PER_ROOM = 4
PLACES_FROM = datetime.date(2015, 1, 1)
FAMILY_NAMES = ["Haddad", "Nazari", "Kovalenko", "Ahmadi", "Demir", "Yilmaz", "Hussein", "Shevchenko", "Rahimi"]
GIVEN_NAMES = ["Amina", "Rami", "Olena", "Farid", "Lina", "Omar", "Yusuf", "Mariam", "Taras", "Zahra", "Ali"]
NATIONALITIES = ["SY", "AF", "UA", "IQ", "TR", "ER", "staatenlos", "ungeklärt"]
LANGUAGES = ["ar", "fa", "uk", "ru", "ku", "tr", "ti"]
AGS = ["08118048", "08118046", "08118079", "08118001", "08118003", "08118011"]
RESIDENCE_CODES = ["gestattung", "aufenthaltserlaubnis", "duldung", "niederlassungserlaubnis"]
LEVEL_CODES = ["keine", "A1", "A2", "B1", "B2"]
WORK_CODES = ["sprachkurs", "arbeitsuchend", "beschaeftigt_svp", "ausbildung", "schule"]
HOUSING_CODES = ["vorlaeufige_unterbringung", "anschlussunterbringung", "privater_mietvertrag"]


def _day(rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    return first + datetime.timedelta(days=rng.randrange(max((last - first).days, 1)))


TODAY = datetime.date(2026, 6, 30)


def generate(
    path: Path,
    *,
    persons: int = 100_000,
    organisation: str = "bench",
    seed: int = 4,
    accommodation: Path | None = None,
) -> dict[str, int]:
    """Write the workbook (and with ``accommodation`` the accommodation workbook); returns rows per sheet."""
    rng = random.Random(seed)  # noqa: S311 (test data)
    today = TODAY
    counts = {spec.name: 0 for spec in CASEWORK_SHEETS}
    households: list[tuple[list[str], datetime.date]] = []
    workbook = Workbook(write_only=True)
    sheets = {spec.name: workbook.create_sheet(spec.name) for spec in CASEWORK_SHEETS}
    for name, sheet in sheets.items():
        sheet.append(next(spec for spec in CASEWORK_SHEETS if spec.name == name).headers)

    def emit(spec: SheetSpec, row: list[Any]) -> None:
        sheets[spec.name].append(row)
        counts[spec.name] += 1

    person_number = 0
    household_number = 0
    case_number = 0
    while person_number < persons:
        household_number += 1
        household = f"H{household_number}"
        size = min(rng.choice([1, 1, 2, 3, 4, 4, 5, 6]), persons - person_number)
        arrived = _day(rng, datetime.date(2016, 1, 1), datetime.date(2025, 12, 31))
        family = rng.choice(FAMILY_NAMES)
        members: list[str] = []
        households.append((members, arrived))
        for member in range(size):
            person_number += 1
            person = f"P{person_number}"
            members.append(person)
            adult = member < 2
            born = (
                _day(rng, datetime.date(1960, 1, 1), datetime.date(2004, 1, 1))
                if adult
                else _day(rng, datetime.date(2008, 1, 1), arrived)
            )
            birth = born.strftime("%d.%m.%Y") if rng.random() < 0.8 else (str(born.year) if rng.random() < 0.5 else "")
            emit(
                PERSONS,
                [
                    person,
                    household,
                    family,
                    rng.choice(GIVEN_NAMES),
                    birth,
                    rng.choice("mwu") if adult else rng.choice("mw"),
                    rng.choice(NATIONALITIES),
                    ", ".join(rng.sample(LANGUAGES, rng.randint(1, 2))),
                    rng.choice(AGS),
                ],
            )
            # About six dated facts per person.
            residence_from = arrived
            for _index in range(rng.choice([1, 2])):
                emit(RESIDENCE, [person, residence_from, rng.choice(RESIDENCE_CODES), "", ""])
                residence_from = _day(rng, residence_from + datetime.timedelta(days=1), today)
            for spec, values in ((LANGUAGE, LEVEL_CODES), (WORK, WORK_CODES), (HOUSING, HOUSING_CODES)):
                day = arrived
                for _index in range(rng.choice([1, 1, 2, 2])):
                    value = rng.choice(values)
                    if spec is LANGUAGE:
                        emit(spec, [person, day, value, rng.choice(list(EVIDENCE_NAMES.values()))])
                    elif spec is HOUSING:
                        emit(spec, [person, day, value, rng.choice(AGS)])
                    else:
                        emit(spec, [person, day, value])
                    day = _day(rng, day + datetime.timedelta(days=1), today)
        for earlier in range(rng.choice([1, 1, 1, 2])):
            case_number += 1
            case = f"F{case_number}"
            start = _day(rng, arrived, today)
            closed = earlier == 1 or rng.random() < 0.4
            end = _day(rng, start, today) if closed else None
            reason = rng.choice(ClosingReason.values) if closed else ""
            emit(CASES, [case, household, organisation, rng.choice(AGS), start, end, reason, ""])
            for _index in range(rng.randint(1, 5)):
                emit(
                    CONTACTS,
                    [
                        case,
                        _day(rng, start, end or today),
                        rng.choice([15, 30, 45, 60]),
                        rng.choice(ContactForm.values),
                        ", ".join(rng.sample(FieldOfAction.values, rng.randint(1, 2))),
                        rng.choice(["", "", "ar", "uk"]),
                        "",
                    ],
                )
    workbook.save(path)
    if accommodation is not None:
        counts.update(_accommodation(accommodation, households, persons, organisation, seed))
    return counts


def _accommodation(
    path: Path, households: list[tuple[list[str], datetime.date]], persons: int, organisation: str, seed: int
) -> dict[str, int]:
    """The accommodation workbook of the households: shelters, places, stays and assignments."""
    rng = random.Random(seed + 1)  # noqa: S311 (test data)
    shelters: list[list[Any]] = []
    preliminary: list[str] = []
    follow_up: dict[str, list[str]] = defaultdict(list)
    for number in range(1, PRELIMINARY_SHELTERS + 1):
        ext = f"U{len(shelters) + 1}"
        ags = AGS[number % len(AGS)]
        preliminary.append(ext)
        shelters.append([ext, f"GU {number}", "gu_vorlaeufig", ags, f"Lagerstraße {number}", "", organisation])
    for ags in AGS:
        for number in range(1, FOLLOW_UP_SHELTERS_PER_MUNICIPALITY + 1):
            ext = f"U{len(shelters) + 1}"
            follow_up[ags].append(ext)
            kind = rng.choice(["anschlussunterbringung", "angemietete_wohnung", "staedtische_wohnung"])
            shelters.append([ext, f"AU {ags} {number}", kind, ags, f"Gartenweg {number}", "", organisation])
    for row in shelters:
        row += [rng.choice(["unbekannt", "barrierefrei", "teilweise"]), PLACES_FROM, None]

    # Assignments: each person once; a household in one or more assignments, ASSIGNMENTS_PER_PERSON overall.
    wanted = round(persons * ASSIGNMENTS_PER_PERSON)
    parts = [
        min(len(members), max(1, round(len(members) * ASSIGNMENTS_PER_PERSON))) for members, _arrived in households
    ]
    index = 0
    while sum(parts) != wanted and index < 4 * len(parts):
        position = index % len(parts)
        size = len(households[position][0])
        if sum(parts) < wanted and parts[position] < size:
            parts[position] += 1
        elif sum(parts) > wanted and parts[position] > 1:
            parts[position] -= 1
        index += 1
    assignments: list[list[Any]] = []
    stays: list[tuple[str, str, datetime.date, datetime.date | None, str]] = []
    for (members, arrived), split in zip(households, parts, strict=True):
        left_vu = min(arrived + datetime.timedelta(days=rng.randint(30, 700)), TODAY - datetime.timedelta(days=1))
        ags = rng.choice(AGS)
        assigned_on = max(arrived, left_vu - datetime.timedelta(days=14))
        for part in range(split):
            number = len(assignments) + 1
            for person in members[part::split]:
                assignments.append([f"Z{number}", assigned_on, ags, f"LRA {assigned_on.year}/{number}", person])
        vu = rng.choice(preliminary)
        au = rng.choice(follow_up[ags])
        moved_out = None
        if rng.random() < 0.4 and (TODAY - left_vu).days > 31:
            moved_out = left_vu + datetime.timedelta(days=rng.randint(30, (TODAY - left_vu).days - 1))
        for person in members:
            stays.append((person, vu, arrived, left_vu, "umzug_andere_unterkunft"))
            stays.append((person, au, left_vu, moved_out, "privater_mietvertrag" if moved_out else ""))

    # Places as the stays need them: a stay takes the place of its shelter free longest, else a new one.
    free: dict[str, list[tuple[datetime.date, int]]] = defaultdict(list)
    places: dict[str, int] = defaultdict(int)
    rows: list[list[Any]] = []
    for person, shelter, move_in, move_out, reason in sorted(stays, key=lambda stay: (stay[2], stay[0])):
        heap = free[shelter]
        if heap and heap[0][0] <= move_in:
            _free_from, number = heapq.heappop(heap)
        else:
            places[shelter] += 1
            number = places[shelter]
        heapq.heappush(heap, (move_out or datetime.date.max, number))
        rows.append([person, shelter, _room(number), number, move_in, move_out, reason, "zuweisung"])

    workbook = Workbook(write_only=True)
    counts: dict[str, int] = {}

    def sheet(spec: SheetSpec, content: list[list[Any]]) -> None:
        target = workbook.create_sheet(spec.name)
        target.append(spec.headers)
        for row in content:
            target.append(row)
        counts[spec.name] = len(content)

    sheet(SHELTERS, shelters)
    sheet(
        PLACES,
        [
            [shelter, _room(number), number, PLACES_FROM, None]
            for shelter, count in places.items()
            for number in range(1, count + 1)
        ],
    )
    sheet(STAYS, rows)
    sheet(ASSIGNMENTS, assignments)
    workbook.save(path)
    counts["assignments (records)"] = sum(parts)
    return counts


def _room(number: int) -> str:
    return f"Zimmer {(number - 1) // PLACES_PER_ROOM + 1}"
