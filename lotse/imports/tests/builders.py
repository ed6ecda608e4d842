"""Workbooks built in memory, imports run on a fixed day, and snapshots of what is in the database.

A workbook is given as {sheet name: rows}, the first row being the header
row, so the n-th row of the list is row n of the spreadsheet (unless a test
puts something above the header).
"""

from __future__ import annotations

import copy
import csv
import datetime
import io
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import openpyxl
from django.db.models import Model

from lotse.accommodation.models import AssignedPerson, Assignment, Occupancy, Place, Shelter, Unit
from lotse.cases.models import Case, CaseClient, CaseStatusChange, Contact
from lotse.core.models import Organisation, User
from lotse.imports.engine import ImportReport, import_workbook
from lotse.imports.workbook import CASES, CONTACTS, HOUSING, LANGUAGE, PERSONS, RESIDENCE, WORK, Problem, Source
from lotse.people.models import (
    Household,
    HouseholdMembership,
    HousingRecord,
    LanguageRecord,
    Person,
    ResidenceRecord,
    WorkRecord,
)

# The imports run on a fixed day, so "in the future" is exact.
TODAY = datetime.date(2025, 6, 16)

Rows = list[list[Any]]
Sheets = dict[str, Rows]

# Everything an import may write; "nothing written" means none of these counts moved.
WRITTEN_MODELS: tuple[type[Model], ...] = (
    Person,
    Household,
    HouseholdMembership,
    ResidenceRecord,
    LanguageRecord,
    WorkRecord,
    HousingRecord,
    Case,
    CaseClient,
    CaseStatusChange,
    Contact,
    Shelter,
    Unit,
    Place,
    Occupancy,
    Assignment,
    AssignedPerson,
)

_GOOD: Sheets = {
    PERSONS.name: [
        PERSONS.headers,
        ["P-1", "H-1", "Haddad", "Rami", "12.03.1984", "m", "SY", "ar, ku", "08118048"],
        ["P-2", "H-1", "Haddad", "Lina", "1987", "w", "SY", "ar", "08118048"],
        ["P-3", "", "Kovalenko", "Olha", "05.1979", "w", "UA", "uk, ru", "08118046"],
    ],
    CASES.name: [
        CASES.headers,
        ["F-1", "H-1", "org-a", "08118048", "15.01.2024", "", "", ""],
        ["F-2", "P-3", "org-a", "08118046", "01.06.2023", "30.09.2024", "eigener_wohnraum", ""],
    ],
    RESIDENCE.name: [
        RESIDENCE.headers,
        ["P-1", "10.11.2023", "aufenthaltserlaubnis", "§ 25 Abs. 2 AufenthG", "09.11.2026"],
        ["P-3", "01.04.2022", "aufenthaltserlaubnis", "§ 24 AufenthG", ""],
    ],
    LANGUAGE.name: [
        LANGUAGE.headers,
        ["P-1", "15.01.2024", "A1", "Einschätzung"],
        ["P-1", "30.05.2025", "B1", "Zertifikat"],
    ],
    WORK.name: [
        WORK.headers,
        ["P-1", "15.01.2024", "sprachkurs"],
        ["P-3", "01.02.2024", "ausbildung"],
    ],
    HOUSING.name: [
        HOUSING.headers,
        ["P-1", "15.01.2024", "anschlussunterbringung", "08118048"],
        ["P-3", "01.06.2023", "privater_mietvertrag", ""],
    ],
    CONTACTS.name: [
        CONTACTS.headers,
        ["F-1", "15.01.2024", 60, "buero", "sprache, aufenthalt", "ar", "Erstgespräch"],
        ["F-1", "12.03.2024", 30, "telefonisch", "arbeit_ausbildung", "", ""],
        ["F-2", "01.06.2023", 45, "hausbesuch", "wohnen", "uk", "Wohnungssuche besprochen"],
    ],
}


def good_sheets(*names: str) -> Sheets:
    """A correct workbook of organisation "org-a" (all sheets, or the ones named), to be spoilt by a test."""
    return {name: copy.deepcopy(rows) for name, rows in _GOOD.items() if not names or name in names}


def xlsx(sheets: Mapping[str, Sequence[Sequence[Any]]], *, default_sheet: str | None = None) -> bytes:
    """An XLSX workbook; ``default_sheet`` keeps the empty first sheet a new workbook has, under that name."""
    workbook = openpyxl.Workbook()
    first = workbook.active
    assert first is not None
    if default_sheet is None:
        workbook.remove(first)
    else:
        first.title = default_sheet
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: Iterable[Sequence[Any]], *, delimiter: str = ";", encoding: str = "utf-8") -> bytes:
    """A CSV file as Excel writes it ("utf-8-sig" writes the byte order mark, "cp1252" is Windows' ANSI)."""
    text = io.StringIO()
    writer = csv.writer(text, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if value is None else value for value in row])
    return text.getvalue().encode(encoding)


def patch_xlsx(data: bytes, member: str, replace: Mapping[str, str]) -> bytes:
    """The workbook with texts in one of its XML parts replaced (each must occur)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == member:
                xml = content.decode()
                for old, new in replace.items():
                    assert old in xml, f"{old!r} not in {member}"
                    xml = xml.replace(old, new)
                content = xml.encode()
            target.writestr(item, content)
    return buffer.getvalue()


def sheet_part(data: bytes, title: str) -> str:
    """The zip member that holds the sheet called ``title``."""
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    index = workbook.sheetnames.index(title)
    return f"xl/worksheets/sheet{index + 1}.xml"


def run(
    organisation: Organisation,
    acting_user: User | None,
    *files: tuple[str, bytes],
    commit: bool = True,
    today: datetime.date = TODAY,
) -> ImportReport:
    sources = [Source(name, io.BytesIO(data)) for name, data in files]
    return import_workbook(sources, organisation=organisation, acting_user=acting_user, commit=commit, today=today)


def problems(report: ImportReport) -> list[tuple[str, int | None, str, str, str]]:
    return [_as_tuple(problem) for problem in report.problems]


def notices(report: ImportReport) -> list[tuple[str, int | None, str, str, str]]:
    return [_as_tuple(notice) for notice in report.notices]


def _as_tuple(problem: Problem) -> tuple[str, int | None, str, str, str]:
    return (problem.sheet, problem.row, problem.column, problem.value, problem.message)


def record_counts() -> dict[str, int]:
    """How many rows each table an import writes holds, over all organisations."""
    return {model.__name__: model._default_manager.count() for model in WRITTEN_MODELS}


def snapshot(organisation: Organisation) -> dict[str, list[tuple[Any, ...]]]:
    """Every value an import writes for the organisation (and the versions), in a stable order."""
    org = organisation
    return {
        "households": list(
            Household.objects.filter(organisation=org).order_by("pk").values_list("pk", "external_id", "version")
        ),
        "persons": list(
            Person.objects.filter(organisation=org)
            .order_by("pk")
            .values_list(
                "pk",
                "external_id",
                "family_name",
                "given_names",
                "birth_date",
                "birth_date_precision",
                "gender",
                "nationalities",
                "languages",
                "municipality_id",
                "search_text",
                "search_key",
                "version",
            )
        ),
        "memberships": list(
            HouseholdMembership.objects.filter(person__organisation=org)
            .order_by("pk")
            .values_list("pk", "household_id", "person_id", "relationship", "valid_from", "valid_to")
        ),
        "cases": list(
            Case.objects.filter(organisation=org)
            .order_by("pk")
            .values_list(
                "pk",
                "external_id",
                "household_id",
                "municipality_id",
                "responsible_id",
                "status",
                "start_date",
                "end_date",
                "closing_reason",
                "version",
            )
        ),
        "clients": list(
            CaseClient.objects.filter(case__organisation=org).order_by("pk").values_list("pk", "case_id", "person_id")
        ),
        "status_changes": list(
            CaseStatusChange.objects.filter(case__organisation=org)
            .order_by("pk")
            .values_list("pk", "case_id", "from_status", "to_status", "on", "closing_reason")
        ),
        "residence": list(
            ResidenceRecord.objects.filter(person__organisation=org)
            .order_by("pk")
            .values_list("pk", "person_id", "valid_from", "status", "legal_basis", "valid_until")
        ),
        "language": list(
            LanguageRecord.objects.filter(person__organisation=org)
            .order_by("pk")
            .values_list("pk", "person_id", "valid_from", "level", "evidence", "course")
        ),
        "work": list(
            WorkRecord.objects.filter(person__organisation=org)
            .order_by("pk")
            .values_list("pk", "person_id", "valid_from", "situation")
        ),
        "housing": list(
            HousingRecord.objects.filter(person__organisation=org)
            .order_by("pk")
            .values_list("pk", "person_id", "valid_from", "situation", "municipality_id")
        ),
        "contacts": list(
            Contact.objects.filter(case__organisation=org)
            .order_by("pk")
            .values_list(
                "pk",
                "case_id",
                "date",
                "duration_minutes",
                "form",
                "fields_of_action",
                "interpreter_kind",
                "interpreter_language",
                "note",
            )
        ),
        "shelters": list(
            Shelter.objects.filter(organisation=org)
            .order_by("pk")
            .values_list(
                "pk",
                "external_id",
                "name",
                "kind",
                "municipality_id",
                "street",
                "postal_code",
                "accessibility",
                "in_operation_from",
                "in_operation_to",
                "version",
            )
        ),
        "units": list(
            Unit.objects.filter(shelter__organisation=org).order_by("pk").values_list("pk", "shelter_id", "name")
        ),
        "places": list(
            Place.objects.filter(shelter__organisation=org)
            .order_by("pk")
            .values_list("pk", "shelter_id", "unit_id", "number", "available_from", "available_to")
        ),
        "stays": list(
            Occupancy.objects.filter(place__shelter__organisation=org)
            .order_by("pk")
            .values_list("pk", "person_id", "place_id", "move_in", "move_out", "move_out_reason", "basis", "version")
        ),
        "assignments": list(
            Assignment.objects.filter(organisation=org)
            .order_by("pk")
            .values_list(
                "pk",
                "external_id",
                "date",
                "municipality_id",
                "reference",
                "planned_arrival",
                "future_shelter_id",
                "future_address",
                "version",
            )
        ),
        "assigned": list(
            AssignedPerson.objects.filter(assignment__organisation=org)
            .order_by("pk")
            .values_list("pk", "assignment_id", "person_id")
        ),
    }


def normalised(value: Any) -> Any:
    """A cell as read back: empty is "", a date cell is a date."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date() if value.time() == datetime.time(0) else value
    return value


def read_xlsx(data: bytes) -> dict[str, list[tuple[Any, ...]]]:
    """Every sheet of a workbook as a list of rows (header row included), trailing empty cells dropped."""
    workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    result: dict[str, list[tuple[Any, ...]]] = {}
    for sheet in workbook.worksheets:
        rows = []
        for row in sheet.iter_rows(values_only=True):
            values = [normalised(value) for value in row]
            while values and values[-1] == "":
                values.pop()
            rows.append(tuple(values))
        result[sheet.title] = rows
    return result


def counts_of(report: ImportReport, sheet: str) -> tuple[int, int, int]:
    found = report.counts[sheet]
    return found["created"], found["updated"], found["unchanged"]


def with_cached_results(data: bytes, title: str, results: Mapping[str, str | int]) -> bytes:
    """The workbook as Excel saves it: each formula cell named in ``results`` carries its computed value.

    openpyxl writes formulas without a result (it cannot compute them); Excel
    stores the last result next to the formula, and that is what is read.
    """
    replace = {}
    for ref, value in results.items():
        xml = sheet_xml(data, title)
        start = xml.index(f'<c r="{ref}">')
        end = xml.index("</c>", start) + len("</c>")
        cell = xml[start:end]
        assert "<f>" in cell and "<v></v>" in cell, cell
        kind = ' t="str"' if isinstance(value, str) else ""
        replace[cell] = cell.replace(f'<c r="{ref}">', f'<c r="{ref}"{kind}>').replace("<v></v>", f"<v>{value}</v>")
    return patch_xlsx(data, sheet_part(data, title), replace)


def sheet_xml(data: bytes, title: str) -> str:
    return zipfile.ZipFile(io.BytesIO(data)).read(sheet_part(data, title)).decode()
