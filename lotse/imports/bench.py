"""A large, realistic Lotse workbook for the import benchmark (``make bench``).

100,000 persons in households of one to six, a case per household (some
households with an earlier closed case), about six status rows per person
and a few contacts per case. Generated deterministically and streamed with
openpyxl's write-only mode.
"""

from __future__ import annotations

import datetime
import random
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from lotse.cases.choices import ClosingReason, ContactForm, FieldOfAction
from lotse.imports.workbook import (
    CASES,
    CONTACTS,
    EVIDENCE_NAMES,
    HOUSING,
    LANGUAGE,
    PERSONS,
    RESIDENCE,
    SHEETS,
    WORK,
    SheetSpec,
)

GENERATOR_VERSION = 2
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


def generate(path: Path, *, persons: int = 100_000, organisation: str = "bench", seed: int = 4) -> dict[str, int]:
    """Write the workbook; returns the number of rows per sheet."""
    rng = random.Random(seed)  # noqa: S311 (test data)
    today = datetime.date(2026, 6, 30)
    counts = {spec.name: 0 for spec in SHEETS}
    workbook = Workbook(write_only=True)
    sheets = {spec.name: workbook.create_sheet(spec.name) for spec in SHEETS}
    for name, sheet in sheets.items():
        sheet.append(next(spec for spec in SHEETS if spec.name == name).headers)

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
        for member in range(size):
            person_number += 1
            person = f"P{person_number}"
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
    return counts
