"""Importing a workbook: every mistake is reported at its cell and nothing is written; real-world files work.

Messages are compared with the msgid rendered through gettext in the test, so
the comparison holds in German once the strings are translated.
"""

from __future__ import annotations

import datetime
import io
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import openpyxl
import pytest
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext as _

from lotse.cases.choices import CaseStatus, ClosingReason, ContactForm, InterpreterKind
from lotse.cases.models import Case, CaseClient, CaseStatusChange, Contact
from lotse.cases.tests.factories import events_of
from lotse.core.models import Municipality, Organisation
from lotse.imports import rows as row_parsers
from lotse.imports.engine import CLIENTS, HOUSEHOLDS, _Importer
from lotse.imports.export import EXAMPLE, template_workbook
from lotse.imports.tests.builders import (
    TODAY,
    Sheets,
    counts_of,
    csv_bytes,
    good_sheets,
    notices,
    patch_xlsx,
    problems,
    record_counts,
    run,
    sheet_part,
    sheet_xml,
    snapshot,
    with_cached_results,
    xlsx,
)
from lotse.imports.workbook import CASES, CONTACTS, PERSONS, RESIDENCE, SHEETS, WORK
from lotse.people.choices import (
    BirthDatePrecision,
    Gender,
    HousingSituation,
    LanguageLevel,
    ResidenceStatus,
    WorkSituation,
)
from lotse.people.models import (
    Household,
    HouseholdMembership,
    HousingRecord,
    LanguageRecord,
    Person,
    ResidenceRecord,
    WorkRecord,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _places(municipalities):
    return municipalities


def nothing_written() -> bool:
    return all(count == 0 for count in record_counts().values())


def good_csvs(*names: str) -> list[tuple[str, bytes]]:
    return [(f"{name}.csv", csv_bytes(rows)) for name, rows in good_sheets(*names).items()]


def person(ext: str, organisation: Organisation) -> Person:
    return Person.objects.get(organisation=organisation, external_id=ext)


def case(ext: str, organisation: Organisation) -> Case:
    return Case.objects.get(organisation=organisation, external_id=ext)


def unknown_code(codes: list[str]) -> str:
    return _("Unknown code. Allowed: %(codes)s.") % {"codes": ", ".join(codes)}


def unknown_codes(what: str, *codes: str) -> str:
    return _("Unknown %(what)s: %(codes)s.") % {"what": what, "codes": ", ".join(f"„{code}“" for code in codes)}


# 1. Files that are no workbook


DAMAGED = "The file is damaged or not an Excel workbook (.xlsx)."
NOISE = bytes((index * 37 + 11) % 256 for index in range(4096))
# An OLE compound file (the old .xls) that is cut off after its signature.
BROKEN_XLS = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("liste.xlsx", NOISE),
        ("liste.xlsx", b""),
        ("liste.xls", BROKEN_XLS),
        ("liste.xlsx", BROKEN_XLS),
        ("liste.ods", NOISE),
    ],
    ids=[
        "random bytes named xlsx",
        "empty file",
        "damaged old xls",
        "damaged xls named xlsx",
        "random bytes named ods",
    ],
)
def test_it_reports_a_damaged_workbook_and_writes_nothing(name: str, data: bytes, org_a, org_admin_a):
    report = run(org_a, org_admin_a, *good_csvs(), (name, data))

    assert problems(report) == [("", None, "", name, _(DAMAGED))]
    assert report.committed is False
    assert nothing_written()


def test_it_reports_a_truncated_xlsx_and_writes_nothing(org_a, org_admin_a):
    data = xlsx(good_sheets())

    report = run(org_a, org_admin_a, *good_csvs(PERSONS.name), ("liste.xlsx", data[: len(data) // 2]))

    assert problems(report) == [("", None, "", "liste.xlsx", _(DAMAGED))]
    assert nothing_written()


def test_it_reports_an_xlsx_whose_sheet_breaks_off_and_writes_nothing(org_a, org_admin_a):
    data = xlsx(good_sheets(PERSONS.name, CASES.name))
    xml = sheet_xml(data, CASES.name)
    broken = patch_xlsx(data, sheet_part(data, CASES.name), {xml: xml[: xml.index('<row r="3"')]})

    report = run(org_a, org_admin_a, ("liste.xlsx", broken))

    assert problems(report) == [("Fälle", None, "", "liste.xlsx", _("The sheet is damaged and cannot be read."))]
    assert nothing_written()


def test_it_reports_a_file_that_is_neither_xlsx_nor_csv(org_a, org_admin_a):
    report = run(org_a, org_admin_a, *good_csvs(), ("liste.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"))

    assert problems(report) == [
        ("", None, "", "liste.pdf", _("The file is neither an Excel workbook (.xlsx) nor a CSV file."))
    ]
    assert nothing_written()


def test_it_reports_a_csv_not_named_after_a_sheet(org_a, org_admin_a):
    report = run(org_a, org_admin_a, *good_csvs(CASES.name), ("Klienten.csv", csv_bytes(good_sheets()["Personen"])))

    assert problems(report)[0] == (
        "Klienten",
        None,
        "",
        "Klienten.csv",
        _("A CSV file is named after its sheet, e.g. “Personen.csv”. Known sheets: %(names)s.")
        % {"names": ", ".join(spec.name for spec in SHEETS)},
    )
    assert nothing_written()


def test_it_reports_a_sheet_given_twice(org_a, org_admin_a):
    report = run(org_a, org_admin_a, ("liste.xlsx", xlsx(good_sheets())), *good_csvs(PERSONS.name))

    assert problems(report) == [
        (
            "Personen",
            None,
            "",
            "Personen.csv",
            _("The sheet “%(sheet)s” is given twice (%(first)s and %(second)s).")
            % {"sheet": "Personen", "first": "liste.xlsx: Personen", "second": "Personen.csv"},
        )
    ]
    assert nothing_written()


def test_it_reports_a_workbook_without_any_known_sheet(org_a, org_admin_a):
    report = run(org_a, org_admin_a, ("leer.xlsx", xlsx({}, default_sheet="Tabelle1")))

    assert problems(report) == [
        (
            "",
            None,
            "",
            "",
            _("The file contains none of the sheets %(names)s.") % {"names": ", ".join(spec.name for spec in SHEETS)},
        )
    ]


# 2. Sheets


def test_it_reports_a_wrongly_named_sheet_with_content_and_writes_nothing(org_a, org_admin_a):
    sheets = good_sheets()
    renamed = {("Person" if name == PERSONS.name else name): rows for name, rows in sheets.items()}

    report = run(org_a, org_admin_a, ("liste.xlsx", xlsx(renamed)))

    assert problems(report)[0] == (
        "Person",
        None,
        "",
        "liste.xlsx",
        _("Unknown sheet “%(name)s”. The sheets are named: %(names)s.")
        % {"name": "Person", "names": ", ".join(spec.name for spec in SHEETS)},
    )
    assert nothing_written()


def test_it_ignores_an_empty_default_sheet_next_to_good_sheets(org_a, org_admin_a):
    report = run(org_a, org_admin_a, ("liste.xlsx", xlsx(good_sheets(), default_sheet="Tabelle1")))

    assert problems(report) == []
    assert notices(report) == []
    assert report.committed is True
    assert Person.objects.filter(organisation=org_a).count() == 3


@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
def test_it_skips_a_hidden_sheet_of_drop_down_lists_with_a_notice(state: str, org_a, org_admin_a):
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx(good_sheets())))
    lists = workbook.create_sheet("Listen")
    for code in ("m", "w", "d"):
        lists.append([code])
    lists.sheet_state = state

    report = run(org_a, org_admin_a, ("liste.xlsx", _workbook_bytes(workbook)))

    assert problems(report) == []
    assert notices(report) == [("Listen", None, "", "liste.xlsx", _("Hidden sheet; it is not imported."))]
    assert report.committed is True
    assert Person.objects.filter(organisation=org_a).count() == 3
    # Shown again, the same sheet names none of the workbook's columns: skipped with a notice too.
    lists.sheet_state = "visible"
    report = run(org_a, org_admin_a, ("liste.xlsx", _workbook_bytes(workbook)))
    assert problems(report) == []
    assert notices(report) == [("Listen", None, "", "liste.xlsx", OTHER_SHEET)]


OTHER_SHEET = _("This sheet has none of the workbook's columns; it is not imported.")


def test_it_skips_sheets_of_notes_and_evaluations_of_other_names_with_a_notice(org_a, org_admin_a):
    sheets: dict[str, Any] = {
        **good_sheets(),
        "Hinweise zum Ausfüllen": [["Liste der Integrationsberatung"], ["Datum bitte als TT.MM.JJJJ eintragen"]],
        "Auswertung 2025": [["Gemeinde", "Fälle"], ["Ludwigsburg", 12], ["Kornwestheim", 4]],
    }

    report = run(org_a, org_admin_a, ("liste.xlsx", xlsx(sheets)))

    assert problems(report) == []
    assert notices(report) == [
        ("Hinweise zum Ausfüllen", None, "", "liste.xlsx", OTHER_SHEET),
        ("Auswertung 2025", None, "", "liste.xlsx", OTHER_SHEET),
    ]
    assert report.committed is True
    assert Person.objects.filter(organisation=org_a).count() == 3


def test_it_refuses_a_sheet_of_another_name_that_names_a_column_of_the_workbook(org_a, org_admin_a):
    """A copy of the persons' sheet ("Personen (2)", with a title above its header) is not left behind unnoticed."""
    sheets: dict[str, Any] = {
        **good_sheets(),
        "Personen (2)": [["Stand Mai"], *good_sheets(PERSONS.name)[PERSONS.name]],
    }

    report = run(org_a, org_admin_a, ("liste.xlsx", xlsx(sheets)))

    assert problems(report)[0] == (
        "Personen (2)",
        None,
        "",
        "liste.xlsx",
        _("Unknown sheet “%(name)s”. The sheets are named: %(names)s.")
        % {"name": "Personen (2)", "names": ", ".join(spec.name for spec in SHEETS)},
    )
    assert nothing_written()


def test_it_skips_the_sheet_of_notes(org_a, org_admin_a):
    sheets: dict[str, Any] = {**good_sheets(), "Hinweise": [["Bitte Datum als TT.MM.JJJJ"], ["Sheet", "Spalten"]]}

    report = run(org_a, org_admin_a, ("liste.xlsx", xlsx(sheets)))

    assert problems(report) == []
    assert report.committed is True


# 3. Columns


def drop_column(sheets: Sheets, sheet: str, header: str) -> None:
    index = sheets[sheet][0].index(header)
    for row in sheets[sheet]:
        del row[index]


def test_it_reports_a_missing_column_and_writes_nothing(org_a, org_admin_a):
    sheets = good_sheets()
    drop_column(sheets, CONTACTS.name, "Dolmetschung")

    report = run(org_a, org_admin_a, ("liste.xlsx", xlsx(sheets)))

    assert problems(report) == [
        ("Kontakte", 1, "Dolmetschung", "", _("The column “%(column)s” is missing.") % {"column": "Dolmetschung"})
    ]
    assert nothing_written()


def test_it_reports_a_missing_key_column_as_a_missing_header_row(org_a, org_admin_a):
    sheets = good_sheets()
    drop_column(sheets, PERSONS.name, "Personen-ID")

    report = run(org_a, org_admin_a, ("liste.xlsx", xlsx(sheets)))

    # That one problem only: the rows of the other sheets that refer to a person are not flagged one by one.
    assert problems(report) == [
        (
            "Personen",
            None,
            "Personen-ID",
            "",
            _("The header row was not found: no row names the column “%(column)s”.") % {"column": "Personen-ID"},
        )
    ]
    assert (
        "",
        None,
        "",
        "",
        _(
            "The rows were not yet checked against each other (IDs that refer to other sheets, duplicates): "
            "first correct the sheets with problems."
        ),
    ) in notices(report)
    assert nothing_written()


def test_it_reports_a_column_given_twice(org_a, org_admin_a):
    sheets = good_sheets()
    for row in sheets[WORK.name]:
        row.append(row[2])

    report = run(org_a, org_admin_a, ("liste.xlsx", xlsx(sheets)))

    assert problems(report) == [("Erwerb", 1, "Situation", "Situation", _("This column appears twice."))]
    assert nothing_written()


def test_it_notes_an_unknown_column_and_imports_the_rest(org_a, org_admin_a):
    sheets = good_sheets()
    sheets[PERSONS.name][0].append("Bemerkung")
    sheets[PERSONS.name][1].append("kommt montags")

    report = run(org_a, org_admin_a, ("liste.xlsx", xlsx(sheets)))

    assert problems(report) == []
    assert notices(report) == [("Personen", 1, "Bemerkung", "Bemerkung", _("Unknown column; it is ignored."))]
    assert report.committed is True
    assert counts_of(report, PERSONS.name) == (3, 0, 0)
    assert person("P-1", org_a).notes == ""


def test_it_skips_rows_that_hold_something_only_in_an_ignored_column(org_a, org_admin_a):
    # A running number filled down past the data, as lists often have it.
    sheets = good_sheets()
    persons = sheets[PERSONS.name]
    persons[0].append("Lfd. Nr.")
    for number, row in enumerate(persons[1:], start=1):
        row.append(number)
    blank = [""] * len(PERSONS.headers)
    persons += [[*blank, number] for number in range(len(persons), 200)]

    report = run(org_a, org_admin_a, ("liste.xlsx", xlsx(sheets)))

    assert problems(report) == []
    assert notices(report) == [("Personen", 1, "Lfd. Nr.", "Lfd. Nr.", _("Unknown column; it is ignored."))]
    assert report.rows[PERSONS.name] == 3
    assert counts_of(report, PERSONS.name) == (3, 0, 0)


def test_it_accepts_a_workbook_without_the_optional_column_of_the_caseworker(org_a, org_admin_a):
    sheets = good_sheets()
    drop_column(sheets, CASES.name, "Fallverantwortung")

    report = run(org_a, org_admin_a, ("liste.xlsx", xlsx(sheets)))

    assert problems(report) == []
    assert case("F-1", org_a).responsible is None


def test_it_accepts_the_columns_in_any_order(org_a, org_admin_a):
    sheets = good_sheets()
    sheets[PERSONS.name] = [list(reversed(row)) for row in sheets[PERSONS.name]]

    report = run(org_a, org_admin_a, ("liste.xlsx", xlsx(sheets)))

    assert problems(report) == []
    assert person("P-1", org_a).family_name == "Haddad"
    assert person("P-1", org_a).municipality_id == Municipality.objects.get(ags="08118048").pk


# 4.-7. Rows with a mistake: the row and cell are named, nothing is written


def set_cell(sheet: str, row: int, column: str, value: Any) -> Callable[[Sheets], None]:
    """Put ``value`` into the cell (row as the spreadsheet numbers it, the header being row 1)."""

    def edit(sheets: Sheets) -> None:
        rows = sheets[sheet]
        rows[row - 1][rows[0].index(column)] = value

    return edit


def add_row(sheet: str, *values: Any) -> Callable[[Sheets], None]:
    def edit(sheets: Sheets) -> None:
        sheets[sheet].append(list(values))

    return edit


@dataclass(frozen=True)
class Spoilt:
    edit: Callable[[Sheets], None]
    sheet: str
    row: int
    column: str
    value: str
    message: Callable[[], str]


FUTURE = _("The date cannot be in the future.")
SPOILT = {
    # 4. duplicate IDs
    "duplicate person ID": Spoilt(
        add_row("Personen", "P-2", "H-1", "Haddad", "Lina", "", "", "", "", ""),
        "Personen",
        5,
        "Personen-ID",
        "P-2",
        lambda: _("This person ID appears more than once (first in row %(first)s).") % {"first": 3},
    ),
    "duplicate case ID": Spoilt(
        add_row("Fälle", "F-1", "H-1", "org-a", "08118048", "01.02.2024", "", "", ""),
        "Fälle",
        4,
        "Fall-ID",
        "F-1",
        lambda: _("This case ID appears more than once (first in row %(first)s).") % {"first": 2},
    ),
    "two records of one day": Spoilt(
        add_row("Sprachstand", "P-1", "15.01.2024", "A2", ""),
        "Sprachstand",
        4,
        "Datum",
        "15.01.2024",
        lambda: _("This person already has a record of this date (row %(first)s); one record per day.") % {"first": 2},
    ),
    # 5. unknown codes
    "unknown gender": Spoilt(
        set_cell("Personen", 2, "Geschlecht", "x"),
        "Personen",
        2,
        "Geschlecht",
        "x",
        lambda: unknown_code(Gender.values),
    ),
    "unknown residence status": Spoilt(
        set_cell("Aufenthalt", 3, "Status", "asyl"),
        "Aufenthalt",
        3,
        "Status",
        "asyl",
        lambda: unknown_code(ResidenceStatus.values),
    ),
    "unknown language level": Spoilt(
        set_cell("Sprachstand", 3, "Niveau", "B3"),
        "Sprachstand",
        3,
        "Niveau",
        "B3",
        lambda: unknown_code(LanguageLevel.values),
    ),
    "unknown evidence": Spoilt(
        set_cell("Sprachstand", 3, "Nachweis", "Bauchgefühl"),
        "Sprachstand",
        3,
        "Nachweis",
        "Bauchgefühl",
        lambda: unknown_code(["Zertifikat", "Einschätzung"]),
    ),
    "unknown work situation": Spoilt(
        set_cell("Erwerb", 2, "Situation", "minijobber"),
        "Erwerb",
        2,
        "Situation",
        "minijobber",
        lambda: unknown_code(WorkSituation.values),
    ),
    "unknown housing situation": Spoilt(
        set_cell("Wohnen", 3, "Situation", "zelt"),
        "Wohnen",
        3,
        "Situation",
        "zelt",
        lambda: unknown_code(HousingSituation.values),
    ),
    "unknown contact form": Spoilt(
        set_cell("Kontakte", 3, "Form", "brief"),
        "Kontakte",
        3,
        "Form",
        "brief",
        lambda: unknown_code(ContactForm.values),
    ),
    "one unknown field of action": Spoilt(
        set_cell("Kontakte", 2, "Themen", "sprache, urlaub, aufenthalt"),
        "Kontakte",
        2,
        "Themen",
        "sprache, urlaub, aufenthalt",
        lambda: unknown_codes(_("fields of action"), "urlaub"),
    ),
    "unknown nationality": Spoilt(
        set_cell("Personen", 3, "Staatsangehörigkeit", "SY, XX"),
        "Personen",
        3,
        "Staatsangehörigkeit",
        "SY, XX",
        lambda: unknown_codes(_("nationality codes"), "XX"),
    ),
    "unknown language": Spoilt(
        set_cell("Personen", 2, "Sprachen", "ar, zz"),
        "Personen",
        2,
        "Sprachen",
        "ar, zz",
        lambda: unknown_codes(_("language codes"), "zz"),
    ),
    "unknown interpreted language": Spoilt(
        set_cell("Kontakte", 4, "Dolmetschung", "zz"),
        "Kontakte",
        4,
        "Dolmetschung",
        "zz",
        lambda: unknown_codes(_("language codes"), "zz"),
    ),
    "two interpreted languages": Spoilt(
        set_cell("Kontakte", 4, "Dolmetschung", "uk, ru"),
        "Kontakte",
        4,
        "Dolmetschung",
        "uk, ru",
        lambda: _("Name one language."),
    ),
    "unknown closing reason": Spoilt(
        set_cell("Fälle", 3, "Abschlussgrund", "fertig"),
        "Fälle",
        3,
        "Abschlussgrund",
        "fertig",
        lambda: unknown_code(ClosingReason.values),
    ),
    # 6. dates in the future where there cannot be one
    "birth in the future": Spoilt(
        set_cell("Personen", 2, "Geburtsdatum", "17.06.2025"),
        "Personen",
        2,
        "Geburtsdatum",
        "17.06.2025",
        lambda: FUTURE,
    ),
    "birth month in the future": Spoilt(
        set_cell("Personen", 2, "Geburtsdatum", "07.2025"), "Personen", 2, "Geburtsdatum", "07.2025", lambda: FUTURE
    ),
    "birth year in the future": Spoilt(
        set_cell("Personen", 2, "Geburtsdatum", "2026"), "Personen", 2, "Geburtsdatum", "2026", lambda: FUTURE
    ),
    "start in the future": Spoilt(
        set_cell("Fälle", 2, "Beginn", "17.06.2025"), "Fälle", 2, "Beginn", "17.06.2025", lambda: FUTURE
    ),
    "end in the future": Spoilt(
        set_cell("Fälle", 3, "Ende", "30.09.2025"), "Fälle", 3, "Ende", "30.09.2025", lambda: FUTURE
    ),
    "residence from the future": Spoilt(
        set_cell("Aufenthalt", 2, "gültig ab", "01.07.2025"), "Aufenthalt", 2, "gültig ab", "01.07.2025", lambda: FUTURE
    ),
    "language level of the future": Spoilt(
        set_cell("Sprachstand", 3, "Datum", "01.07.2025"), "Sprachstand", 3, "Datum", "01.07.2025", lambda: FUTURE
    ),
    "work from the future": Spoilt(
        set_cell("Erwerb", 2, "gültig ab", "01.07.2025"), "Erwerb", 2, "gültig ab", "01.07.2025", lambda: FUTURE
    ),
    "housing from the future": Spoilt(
        set_cell("Wohnen", 2, "gültig ab", "01.07.2025"), "Wohnen", 2, "gültig ab", "01.07.2025", lambda: FUTURE
    ),
    "contact in the future": Spoilt(
        set_cell("Kontakte", 3, "Datum", "17.06.2025"), "Kontakte", 3, "Datum", "17.06.2025", lambda: FUTURE
    ),
    # 7. references and rules between cells
    "case of a household without persons": Spoilt(
        add_row("Fälle", "F-3", "H-9", "org-a", "08118048", "01.01.2024", "", "", ""),
        "Fälle",
        4,
        "Haushalts-ID",
        "H-9",
        lambda: _("No person belongs to this household."),
    ),
    "residence of an unknown person": Spoilt(
        add_row("Aufenthalt", "P-9", "01.01.2024", "duldung", "", ""),
        "Aufenthalt",
        4,
        "Personen-ID",
        "P-9",
        lambda: _("No person has this ID, neither in the sheet Personen nor in Lotse."),
    ),
    "language level of an unknown person": Spoilt(
        add_row("Sprachstand", "P-9", "01.01.2024", "A1", ""),
        "Sprachstand",
        4,
        "Personen-ID",
        "P-9",
        lambda: _("No person has this ID, neither in the sheet Personen nor in Lotse."),
    ),
    "work of an unknown person": Spoilt(
        add_row("Erwerb", "P-9", "01.01.2024", "schule"),
        "Erwerb",
        4,
        "Personen-ID",
        "P-9",
        lambda: _("No person has this ID, neither in the sheet Personen nor in Lotse."),
    ),
    "housing of an unknown person": Spoilt(
        add_row("Wohnen", "P-9", "01.01.2024", "notunterkunft", ""),
        "Wohnen",
        4,
        "Personen-ID",
        "P-9",
        lambda: _("No person has this ID, neither in the sheet Personen nor in Lotse."),
    ),
    "contact of an unknown case": Spoilt(
        add_row("Kontakte", "F-9", "01.01.2024", 30, "buero", "", "", ""),
        "Kontakte",
        5,
        "Fall-ID",
        "F-9",
        lambda: _("No case has this ID, neither in the sheet Fälle nor in Lotse."),
    ),
    "end before start": Spoilt(
        set_cell("Fälle", 3, "Ende", "31.05.2023"),
        "Fälle",
        3,
        "Ende",
        "31.05.2023",
        lambda: _("The end cannot be before the start."),
    ),
    "end without closing reason": Spoilt(
        set_cell("Fälle", 3, "Abschlussgrund", ""),
        "Fälle",
        3,
        "Abschlussgrund",
        "",
        lambda: _("A case with an end needs a closing reason."),
    ),
    "closing reason without end": Spoilt(
        set_cell("Fälle", 2, "Abschlussgrund", "wegzug"),
        "Fälle",
        2,
        "Ende",
        "",
        lambda: _("A closing reason is given, but no end."),
    ),
    "unknown caseworker": Spoilt(
        set_cell("Fälle", 2, "Fallverantwortung", "niemand"),
        "Fälle",
        2,
        "Fallverantwortung",
        "niemand",
        lambda: _("No active caseworker of %(short_name)s has this user name.") % {"short_name": "org-a"},
    ),
    "caseworker of another organisation": Spoilt(
        set_cell("Fälle", 2, "Fallverantwortung", "caseworker-b"),
        "Fälle",
        2,
        "Fallverantwortung",
        "caseworker-b",
        lambda: _("No active caseworker of %(short_name)s has this user name.") % {"short_name": "org-a"},
    ),
    "another organisation as carrier": Spoilt(
        set_cell("Fälle", 2, "Träger", "org-b"),
        "Fälle",
        2,
        "Träger",
        "org-b",
        lambda: (
            _("Cases can only be imported for the importing organisation “%(short_name)s”.") % {"short_name": "org-a"}
        ),
    ),
    "case without municipality": Spoilt(
        set_cell("Fälle", 2, "Gemeinde", ""),
        "Fälle",
        2,
        "Gemeinde",
        "",
        lambda: _("This cell must not be empty."),
    ),
    "unknown municipality": Spoilt(
        set_cell("Personen", 2, "Gemeinde", "08118999"),
        "Personen",
        2,
        "Gemeinde",
        "08118999",
        lambda: _("No municipality with this key (AGS) is known in Lotse."),
    ),
    "malformed AGS": Spoilt(
        set_cell("Wohnen", 2, "Gemeinde", "8118"),
        "Wohnen",
        2,
        "Gemeinde",
        "8118",
        lambda: _("An official municipality key (AGS) has 8 digits."),
    ),
    "person without ID": Spoilt(
        add_row("Personen", "", "H-1", "Haddad", "Omar", "", "", "", "", ""),
        "Personen",
        5,
        "Personen-ID",
        "",
        lambda: _("The ID is missing."),
    ),
    "person without family name": Spoilt(
        set_cell("Personen", 3, "Familienname", "  "),
        "Personen",
        3,
        "Familienname",
        "",
        lambda: _("This cell must not be empty."),
    ),
    "not a date": Spoilt(
        set_cell("Fälle", 2, "Beginn", "Januar 2024"),
        "Fälle",
        2,
        "Beginn",
        "Januar 2024",
        lambda: _("This is not a date. Write DD.MM.YYYY."),
    ),
    "a day that does not exist": Spoilt(
        set_cell("Aufenthalt", 2, "gültig ab", "31.02.2024"),
        "Aufenthalt",
        2,
        "gültig ab",
        "31.02.2024",
        lambda: _("This date does not exist."),
    ),
    "a two-digit year": Spoilt(
        set_cell("Kontakte", 2, "Datum", "15.01.24"),
        "Kontakte",
        2,
        "Datum",
        "15.01.24",
        lambda: _("Write the year with four digits (DD.MM.YYYY)."),
    ),
    "expiry before start": Spoilt(
        set_cell("Aufenthalt", 2, "gültig bis", "09.11.2022"),
        "Aufenthalt",
        2,
        "gültig bis",
        "09.11.2022",
        lambda: _("The expiry cannot be before the start."),
    ),
    "a contact of no minutes": Spoilt(
        set_cell("Kontakte", 2, "Dauer (Minuten)", 0),
        "Kontakte",
        2,
        "Dauer (Minuten)",
        "0",
        lambda: _("Enter a number from %(low)s to %(high)s.") % {"low": 1, "high": 720},
    ),
    "a duration that is no number": Spoilt(
        set_cell("Kontakte", 2, "Dauer (Minuten)", "eine Stunde"),
        "Kontakte",
        2,
        "Dauer (Minuten)",
        "eine Stunde",
        lambda: _("Enter a whole number."),
    ),
    "an ID that is too long": Spoilt(
        set_cell("Personen", 3, "Haushalts-ID", "H" * 65),
        "Personen",
        3,
        "Haushalts-ID",
        "H" * 65,
        lambda: _("An ID may have at most 64 characters."),
    ),
    "a family name that is too long": Spoilt(
        set_cell("Personen", 3, "Familienname", "Ä" * 201),
        "Personen",
        3,
        "Familienname",
        "Ä" * 201,
        lambda: _("At most %(count)s characters are allowed.") % {"count": 200},
    ),
}


@pytest.mark.parametrize("spoilt", SPOILT.values(), ids=SPOILT.keys())
def test_it_names_the_bad_cell_and_writes_nothing_at_all(spoilt: Spoilt, org_a, org_admin_a, caseworker_b):
    sheets = good_sheets()
    spoilt.edit(sheets)

    report = run(org_a, org_admin_a, ("liste.xlsx", xlsx(sheets)))

    assert problems(report) == [(spoilt.sheet, spoilt.row, spoilt.column, spoilt.value, spoilt.message())]
    assert report.problem_count == 1
    assert report.committed is False
    assert nothing_written()


@pytest.mark.parametrize(
    "spoilt", [SPOILT["unknown gender"], SPOILT["contact of an unknown case"]], ids=["row", "reference"]
)
def test_it_names_the_bad_cell_of_a_csv_file_and_writes_nothing(spoilt: Spoilt, org_a, org_admin_a):
    sheets = good_sheets()
    spoilt.edit(sheets)

    report = run(org_a, org_admin_a, *((f"{name}.csv", csv_bytes(rows)) for name, rows in sheets.items()))

    assert problems(report) == [(spoilt.sheet, spoilt.row, spoilt.column, spoilt.value, spoilt.message())]
    assert nothing_written()


def test_it_does_not_report_a_second_time_what_refers_to_a_bad_row(org_a, org_admin_a):
    """P-3 lives alone (household P-3, case F-2); only their own bad cell is a problem."""
    sheets = good_sheets()
    set_cell("Personen", 4, "Geburtsdatum", "31.02.1979")(sheets)

    report = run(org_a, org_admin_a, ("liste.xlsx", xlsx(sheets)))

    assert problems(report) == [("Personen", 4, "Geburtsdatum", "31.02.1979", _("This date does not exist."))]
    assert nothing_written()


def test_it_reports_every_bad_cell_of_a_row(org_a, org_admin_a):
    sheets = good_sheets()
    set_cell("Personen", 2, "Geschlecht", "x")(sheets)
    set_cell("Personen", 2, "Geburtsdatum", "morgen")(sheets)

    report = run(org_a, org_admin_a, ("liste.xlsx", xlsx(sheets)))

    assert sorted(problems(report)) == sorted(
        [
            ("Personen", 2, "Geschlecht", "x", unknown_code(Gender.values)),
            (
                "Personen",
                2,
                "Geburtsdatum",
                "morgen",
                _("This is not a date of birth. Write DD.MM.YYYY, MM.YYYY or YYYY."),
            ),
        ]
    )
    assert nothing_written()


def test_it_accepts_an_expiry_and_a_date_of_today(org_a, org_admin_a):
    sheets = good_sheets()
    set_cell("Aufenthalt", 3, "gültig bis", "31.12.2030")(sheets)
    set_cell("Kontakte", 3, "Datum", TODAY.strftime("%d.%m.%Y"))(sheets)

    report = run(org_a, org_admin_a, ("liste.xlsx", xlsx(sheets)))

    assert problems(report) == []
    assert ResidenceRecord.objects.get(person=person("P-1", org_a)).valid_until == datetime.date(2026, 11, 9)
    assert ResidenceRecord.objects.get(person=person("P-3", org_a)).valid_until == datetime.date(2030, 12, 31)
    assert Contact.objects.filter(case=case("F-1", org_a), date=TODAY).exists()


def test_it_refuses_to_move_a_case_already_in_lotse_to_another_household(org_a, org_admin_a):
    run(org_a, org_admin_a, ("liste.xlsx", xlsx(good_sheets())))
    before = snapshot(org_a)
    sheets = good_sheets()
    set_cell("Fälle", 2, "Haushalts-ID", "P-3")(sheets)

    report = run(org_a, org_admin_a, ("liste.xlsx", xlsx(sheets)))

    assert problems(report) == [
        (
            "Fälle",
            2,
            "Haushalts-ID",
            "P-3",
            _("In Lotse this case belongs to household %(first)s; a case cannot change its household.")
            % {"first": "H-1"},
        )
    ]
    assert snapshot(org_a) == before


# 8. Real-world files that must work


def test_it_imports_the_good_workbook_as_it_reads(org_a, org_admin_a, caseworker_a):
    sheets = good_sheets()
    set_cell("Fälle", 2, "Fallverantwortung", "Caseworker-A")(sheets)

    report = run(org_a, org_admin_a, ("liste.xlsx", xlsx(sheets)))

    assert problems(report) == []
    assert report.committed is True
    rami = person("P-1", org_a)
    assert (rami.family_name, rami.given_names, rami.gender) == ("Haddad", "Rami", Gender.MALE)
    assert (rami.birth_date, rami.birth_date_precision) == (datetime.date(1984, 3, 12), BirthDatePrecision.DAY)
    assert (rami.nationalities, rami.languages) == (["SY"], ["ara", "kur"])
    lina = person("P-2", org_a)
    assert (lina.birth_date, lina.birth_date_precision) == (datetime.date(1987, 1, 1), BirthDatePrecision.YEAR)
    olha = person("P-3", org_a)
    assert (olha.birth_date, olha.birth_date_precision) == (datetime.date(1979, 5, 1), BirthDatePrecision.MONTH)
    # Households: H-1 of two, and P-3 alone in a household keyed by her ID.
    assert sorted(Household.objects.filter(organisation=org_a).values_list("external_id", flat=True)) == ["H-1", "P-3"]
    memberships = HouseholdMembership.objects.filter(person__organisation=org_a, valid_to__isnull=True)
    assert sorted(memberships.values_list("person__external_id", "household__external_id", "relationship")) == [
        ("P-1", "H-1", "haushaltsvorstand"),
        ("P-2", "H-1", "unbekannt"),
        ("P-3", "P-3", "haushaltsvorstand"),
    ]
    open_case = case("F-1", org_a)
    assert (open_case.status, open_case.start_date, open_case.responsible) == (
        CaseStatus.ACTIVE,
        datetime.date(2024, 1, 15),
        caseworker_a,
    )
    assert sorted(CaseClient.objects.filter(case=open_case).values_list("person__external_id", flat=True)) == [
        "P-1",
        "P-2",
    ]
    closed = case("F-2", org_a)
    assert (closed.status, closed.end_date, closed.closing_reason) == (
        CaseStatus.CLOSED,
        datetime.date(2024, 9, 30),
        ClosingReason.EIGENER_WOHNRAUM,
    )
    assert sorted(CaseStatusChange.objects.filter(case=closed).values_list("from_status", "to_status", "on")) == [
        ("", "aktiv", datetime.date(2023, 6, 1)),
        ("aktiv", "abgeschlossen", datetime.date(2024, 9, 30)),
    ]
    assert LanguageRecord.objects.get(person=rami, valid_from=datetime.date(2025, 5, 30)).evidence == "zertifikat"
    first = Contact.objects.get(case=open_case, date=datetime.date(2024, 1, 15))
    assert (first.duration_minutes, first.form, first.fields_of_action) == (60, "buero", ["sprache", "aufenthalt"])
    assert (first.interpreter_kind, first.interpreter_language) == (InterpreterKind.UNSPECIFIED, "ara")
    counts = {sheet: counts_of(report, sheet) for sheet in report.counts}
    assert counts == {
        "Personen": (3, 0, 0),
        "Fälle": (2, 0, 0),
        "Aufenthalt": (2, 0, 0),
        "Sprachstand": (2, 0, 0),
        "Erwerb": (2, 0, 0),
        "Wohnen": (2, 0, 0),
        "Kontakte": (3, 0, 0),
        HOUSEHOLDS: (2, 0, 0),
        CLIENTS: (3, 0, 0),
    }


UMLAUTS = {
    ("Personen", 2, "Familienname"): "Müller",
    ("Personen", 2, "Vorname"): "Jürgen",
    ("Kontakte", 2, "Notiz"): "Treffen in der Schloßstraße, „Anmeldung“ erledigt",
    ("Aufenthalt", 2, "Rechtsgrundlage"): "§ 25 Abs. 2 AufenthG",
}


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "cp1252"], ids=["utf8-bom", "utf8", "windows-1252"])
@pytest.mark.parametrize("delimiter", [";", ","], ids=["semicolon", "comma"])
def test_it_reads_csv_files_as_excel_writes_them(encoding: str, delimiter: str, org_a, org_admin_a):
    sheets = good_sheets()
    for (sheet, row, column), value in UMLAUTS.items():
        set_cell(sheet, row, column, value)(sheets)
    files = [(f"{name}.csv", csv_bytes(rows, delimiter=delimiter, encoding=encoding)) for name, rows in sheets.items()]

    report = run(org_a, org_admin_a, *files)

    assert problems(report) == []
    assert report.committed is True
    assert (person("P-1", org_a).family_name, person("P-1", org_a).given_names) == ("Müller", "Jürgen")
    assert Person.objects.filter(organisation=org_a, search_text__contains="muller").exists()
    contact = Contact.objects.get(case=case("F-1", org_a), date=datetime.date(2024, 1, 15))
    assert contact.note == "Treffen in der Schloßstraße, „Anmeldung“ erledigt"
    assert contact.fields_of_action == ["sprache", "aufenthalt"]
    assert ResidenceRecord.objects.get(person=person("P-1", org_a)).legal_basis == "§ 25 Abs. 2 AufenthG"
    assert counts_of(report, CONTACTS.name) == (3, 0, 0)


def test_it_reads_a_csv_whose_byte_order_mark_precedes_the_header(org_a, org_admin_a):
    data = csv_bytes(good_sheets()["Personen"], encoding="utf-8-sig")
    assert data.startswith(b"\xef\xbb\xbfPersonen-ID")

    report = run(org_a, org_admin_a, ("Personen.csv", data))

    assert problems(report) == []
    assert Person.objects.filter(organisation=org_a).count() == 3


def test_it_reads_dates_in_every_form_excel_stores_them(org_a, org_admin_a):
    sheets = good_sheets()
    set_cell("Personen", 2, "Geburtsdatum", datetime.datetime(1984, 3, 12))(sheets)  # a date cell
    set_cell("Personen", 3, "Geburtsdatum", 1987)(sheets)  # a year typed as a number
    set_cell("Personen", 4, "Geburtsdatum", 28976)(sheets)  # a serial number: 01.05.1979
    set_cell("Fälle", 2, "Beginn", 45292)(sheets)  # serial number: 01.01.2024
    set_cell("Fälle", 3, "Beginn", "2023-06-01")(sheets)
    set_cell("Fälle", 3, "Ende", datetime.date(2024, 9, 30))(sheets)
    set_cell("Aufenthalt", 2, "gültig bis", 46335.0)(sheets)  # a serial number as float: 09.11.2026
    set_cell("Kontakte", 2, "Datum", datetime.datetime(2024, 1, 15, 0, 0))(sheets)
    set_cell("Kontakte", 3, "Datum", "12.3.2024")(sheets)

    report = run(org_a, org_admin_a, ("liste.xlsx", xlsx(sheets)))

    assert problems(report) == []
    assert person("P-1", org_a).birth_date == datetime.date(1984, 3, 12)
    assert (person("P-2", org_a).birth_date, person("P-2", org_a).birth_date_precision) == (
        datetime.date(1987, 1, 1),
        BirthDatePrecision.YEAR,
    )
    assert (person("P-3", org_a).birth_date, person("P-3", org_a).birth_date_precision) == (
        datetime.date(1979, 5, 1),
        BirthDatePrecision.DAY,
    )
    assert case("F-1", org_a).start_date == datetime.date(2024, 1, 1)
    assert (case("F-2", org_a).start_date, case("F-2", org_a).end_date) == (
        datetime.date(2023, 6, 1),
        datetime.date(2024, 9, 30),
    )
    assert ResidenceRecord.objects.get(person=person("P-1", org_a)).valid_until == datetime.date(2026, 11, 9)
    assert sorted(Contact.objects.filter(case=case("F-1", org_a)).values_list("date", flat=True)) == [
        datetime.date(2024, 1, 15),
        datetime.date(2024, 3, 12),
    ]


def test_it_reads_serial_dates_from_a_csv_file(org_a, org_admin_a):
    sheets = good_sheets()
    set_cell("Fälle", 2, "Beginn", "45292")(sheets)
    set_cell("Kontakte", 2, "Datum", "45306")(sheets)  # 15.01.2024
    set_cell("Kontakte", 3, "Datum", "2024-03-12")(sheets)

    report = run(org_a, org_admin_a, *((f"{name}.csv", csv_bytes(rows)) for name, rows in sheets.items()))

    assert problems(report) == []
    assert case("F-1", org_a).start_date == datetime.date(2024, 1, 1)
    assert sorted(Contact.objects.filter(case=case("F-1", org_a)).values_list("date", flat=True)) == [
        datetime.date(2024, 1, 15),
        datetime.date(2024, 3, 12),
    ]


def with_empty_rows(rows: list[list[Any]]) -> list[list[Any]]:
    """The rows with empty ones after the header and after every data row: row n becomes row 2n - 1."""
    result = [rows[0], []]
    for row in rows[1:]:
        result += [row, ["", "  ", None]]
    return result


def test_it_skips_empty_rows_and_keeps_the_spreadsheets_row_numbers(org_a, org_admin_a):
    sheets = good_sheets()
    set_cell("Personen", 3, "Geschlecht", "x")(sheets)  # row 3, row 5 once empty rows are in between
    spaced = {name: with_empty_rows(rows) for name, rows in sheets.items()}

    report = run(org_a, org_admin_a, ("liste.xlsx", xlsx(spaced)))

    assert problems(report) == [("Personen", 5, "Geschlecht", "x", unknown_code(Gender.values))]
    assert nothing_written()
    assert report.rows[PERSONS.name] == 3


def test_it_skips_empty_lines_of_a_csv_file_and_keeps_its_line_numbers(org_a, org_admin_a):
    sheets = good_sheets()
    set_cell("Kontakte", 4, "Form", "brief")(sheets)
    spaced = {name: with_empty_rows(rows) for name, rows in sheets.items()}

    report = run(org_a, org_admin_a, *((f"{name}.csv", csv_bytes(rows)) for name, rows in spaced.items()))

    assert problems(report) == [("Kontakte", 7, "Form", "brief", unknown_code(ContactForm.values))]
    assert nothing_written()


def test_it_counts_a_csv_record_with_a_line_break_as_one_row(org_a, org_admin_a):
    """Excel shows a quoted cell with a line break in one row; the rows below keep their numbers."""
    sheets = good_sheets()
    set_cell("Kontakte", 2, "Notiz", "Erstgespräch\nIntegrationsplan vereinbart")(sheets)
    set_cell("Kontakte", 3, "Form", "brief")(sheets)

    report = run(org_a, org_admin_a, *((f"{name}.csv", csv_bytes(rows)) for name, rows in sheets.items()))

    assert problems(report) == [("Kontakte", 3, "Form", "brief", unknown_code(ContactForm.values))]
    assert nothing_written()


def test_it_trims_spaces_around_values_and_headers(org_a, org_admin_a):
    sheets = good_sheets()
    sheets[PERSONS.name][0] = [f" {header}  " for header in PERSONS.headers]
    sheets[PERSONS.name][0][PERSONS.headers.index("Staatsangehörigkeit")] = "staatsangehörigkeit"
    sheets[CONTACTS.name][0][CONTACTS.headers.index("Dauer (Minuten)")] = "Dauer\n(Minuten)"
    sheets[PERSONS.name][1] = [
        "P-1 ",
        " H-1",
        "Haddad ",
        " Rami",
        " 12.03.1984 ",
        "m ",
        " sy",
        "AR , ku ",
        " 08118048 ",
    ]
    set_cell("Fälle", 2, "Fall-ID", "F-1  ")(sheets)
    set_cell("Fälle", 2, "Beginn", "15.01.2024 ")(sheets)
    set_cell("Aufenthalt", 2, "Status", " Aufenthaltserlaubnis ")(sheets)
    set_cell("Kontakte", 2, "Fall-ID", " F-1")(sheets)

    report = run(org_a, org_admin_a, ("liste.xlsx", xlsx(sheets)))

    assert problems(report) == []
    assert notices(report) == []
    rami = person("P-1", org_a)
    assert (rami.family_name, rami.given_names, rami.gender) == ("Haddad", "Rami", "m")
    assert (rami.nationalities, rami.languages) == (["SY"], ["ara", "kur"])
    assert rami.municipality_id == Municipality.objects.get(ags="08118048").pk
    assert case("F-1", org_a).contacts.count() == 2
    # The same workbook without the spaces is the same workbook.
    again = run(org_a, org_admin_a, ("liste.xlsx", xlsx(good_sheets())))
    assert problems(again) == []
    assert unchanged_everywhere(again)


def test_it_takes_the_values_excel_computed_for_formulas(org_a, org_admin_a):
    sheets = good_sheets()
    set_cell("Personen", 2, "Familienname", '=PROPER("haddad")')(sheets)
    set_cell("Kontakte", 2, "Dauer (Minuten)", "=30*2")(sheets)
    set_cell("Fälle", 2, "Beginn", "=DATE(2024,1,15)")(sheets)
    data = xlsx(sheets)
    data = with_cached_results(data, PERSONS.name, {"C2": "Haddad"})
    data = with_cached_results(data, CONTACTS.name, {"C2": 60})
    data = with_cached_results(data, CASES.name, {"E2": 45306})

    report = run(org_a, org_admin_a, ("liste.xlsx", data))

    assert problems(report) == []
    assert person("P-1", org_a).family_name == "Haddad"
    assert case("F-1", org_a).start_date == datetime.date(2024, 1, 15)
    assert Contact.objects.get(case=case("F-1", org_a), date=datetime.date(2024, 1, 15)).duration_minutes == 60


def test_it_finds_the_header_below_a_merged_title_row(org_a, org_admin_a):
    sheets = good_sheets()
    set_cell("Personen", 3, "Geschlecht", "x")(sheets)  # row 4 below the title
    workbook = openpyxl.Workbook()
    first = workbook.active
    assert first is not None
    workbook.remove(first)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        sheet.append([f"Klientenliste 2024: {name}"])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(rows[0]))
        header = [*rows[0], None]
        header.insert(2, None)  # an empty column between the headers
        sheet.append(header)
        for row in rows[1:]:
            sheet.append([*row[:2], "", *row[2:]])
    # A header cell merged over two columns: its tail is empty.
    contacts = workbook[CONTACTS.name]
    contacts.merge_cells("H2:I2")
    buffer = io.BytesIO()
    workbook.save(buffer)

    report = run(org_a, org_admin_a, ("liste.xlsx", buffer.getvalue()))

    assert problems(report) == [("Personen", 4, "Geschlecht", "x", unknown_code(Gender.values))]
    assert notices(report) == []
    assert nothing_written()

    workbook[PERSONS.name]["G4"] = "w"
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = run(org_a, org_admin_a, ("liste.xlsx", buffer.getvalue()))
    assert problems(report) == []
    assert Person.objects.filter(organisation=org_a).count() == 3
    assert Contact.objects.filter(case__organisation=org_a).count() == 3


def _workbook_bytes(workbook: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_it_numbers_the_rows_as_the_spreadsheet_does_below_empty_rows_at_the_top(org_a, org_admin_a):
    sheets = good_sheets()
    set_cell("Personen", 3, "Geschlecht", "x")(sheets)  # row 5 below the two empty rows
    workbook = openpyxl.Workbook()
    first = workbook.active
    assert first is not None
    workbook.remove(first)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for number, row in enumerate(rows, start=3):  # rows 1 and 2 stay empty
            for column, value in enumerate(row, start=1):
                sheet.cell(row=number, column=column, value=value)

    report = run(org_a, org_admin_a, ("liste.xlsx", _workbook_bytes(workbook)))

    assert problems(report) == [("Personen", 5, "Geschlecht", "x", unknown_code(Gender.values))]
    assert nothing_written()


def test_it_gives_a_value_merged_down_over_several_rows_to_each_of_them(org_a, org_admin_a):
    # The household ID of Rami and Lina Haddad (rows 2 and 3) written once, merged down over both rows.
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx(good_sheets())))
    persons = workbook[PERSONS.name]
    persons["B3"] = None
    persons.merge_cells("B2:B3")
    assert persons["B2"].value == "H-1"

    report = run(org_a, org_admin_a, ("liste.xlsx", _workbook_bytes(workbook)))

    assert problems(report) == []
    haddad = Household.objects.get(organisation=org_a, external_id="H-1")
    members = HouseholdMembership.objects.filter(household=haddad).values_list("person__external_id", flat=True)
    assert sorted(members) == ["P-1", "P-2"]
    assert Household.objects.filter(organisation=org_a).count() == 2  # H-1 and P-3's own


def test_it_gives_an_ags_written_as_a_number_its_leading_zero(org_a, org_admin_a, municipalities):
    sheets = good_sheets()
    set_cell("Personen", 2, "Gemeinde", 8118048)(sheets)
    set_cell("Fälle", 2, "Gemeinde", 8118048.0)(sheets)
    set_cell("Wohnen", 2, "Gemeinde", "8118048")(sheets)

    report = run(org_a, org_admin_a, ("liste.xlsx", xlsx(sheets)))

    assert problems(report) == []
    assert person("P-1", org_a).municipality_id == Municipality.objects.get(ags="08118048").pk
    assert case("F-1", org_a).municipality.ags == "08118048"
    assert HousingRecord.objects.get(person=person("P-1", org_a)).municipality == municipalities["08118048"]


def test_it_reads_ids_typed_as_numbers_as_text(org_a, org_admin_a):
    sheets = good_sheets(PERSONS.name)
    set_cell("Personen", 2, "Personen-ID", 1001)(sheets)
    set_cell("Personen", 3, "Personen-ID", 1002.0)(sheets)

    report = run(org_a, org_admin_a, ("liste.xlsx", xlsx(sheets)))

    assert problems(report) == []
    assert sorted(Person.objects.filter(organisation=org_a).values_list("external_id", flat=True)) == [
        "1001",
        "1002",
        "P-3",
    ]


def test_it_accepts_codes_in_any_case_and_with_umlauts(org_a, org_admin_a):
    sheets = good_sheets()
    set_cell("Personen", 2, "Geschlecht", "M")(sheets)
    set_cell("Personen", 2, "Staatsangehörigkeit", "Ungeklärt")(sheets)
    set_cell("Personen", 3, "Staatsangehörigkeit", "sy, STAATENLOS")(sheets)
    set_cell("Sprachstand", 2, "Nachweis", "einschaetzung")(sheets)
    set_cell("Erwerb", 2, "Situation", "Selbstständig")(sheets)
    set_cell("Fälle", 3, "Abschlussgrund", "Eigener_Wohnraum")(sheets)
    set_cell("Kontakte", 2, "Themen", "Sprache; AUFENTHALT")(sheets)

    report = run(org_a, org_admin_a, ("liste.xlsx", xlsx(sheets)))

    assert problems(report) == []
    assert (person("P-1", org_a).gender, person("P-1", org_a).nationalities) == ("m", ["ungeklaert"])
    assert person("P-2", org_a).nationalities == ["SY", "staatenlos"]
    assert WorkRecord.objects.get(person=person("P-1", org_a)).situation == "selbststaendig"
    assert case("F-2", org_a).closing_reason == "eigener_wohnraum"
    assert Contact.objects.get(case=case("F-1", org_a), date=datetime.date(2024, 1, 15)).fields_of_action == [
        "sprache",
        "aufenthalt",
    ]


def test_it_imports_the_documented_example(db, org_admin_a):
    carrier = Organisation.objects.create(short_name="caritas-lb", name="Caritas Ludwigsburg", kind="wohlfahrtsverband")
    buffer = io.BytesIO()
    template_workbook(buffer, EXAMPLE)

    report = run(carrier, org_admin_a, ("vorlage.xlsx", buffer.getvalue()), today=datetime.date(2026, 1, 1))

    assert problems(report) == []
    assert report.committed is True
    assert counts_of(report, PERSONS.name) == (5, 0, 0)
    assert counts_of(report, CONTACTS.name) == (3, 0, 0)


def test_it_imports_nothing_from_the_blank_template(org_a, org_admin_a):
    buffer = io.BytesIO()
    template_workbook(buffer)

    report = run(org_a, org_admin_a, ("vorlage.xlsx", buffer.getvalue()))

    assert problems(report) == []
    assert nothing_written()


# 9. The same workbook twice: nothing changes; one edited cell: one record changes


def unchanged_everywhere(report) -> bool:
    return all(counts["created"] == 0 and counts["updated"] == 0 for counts in report.counts.values())


def test_it_changes_nothing_when_the_same_workbook_is_imported_again(org_a, org_admin_a, caseworker_a):
    sheets = good_sheets()
    set_cell("Fälle", 2, "Fallverantwortung", "caseworker-a")(sheets)
    data = xlsx(sheets)
    first = run(org_a, org_admin_a, ("liste.xlsx", data))
    assert first.committed is True
    before = snapshot(org_a)

    again = run(org_a, org_admin_a, ("liste.xlsx", data))

    assert problems(again) == []
    assert again.committed is True
    assert unchanged_everywhere(again)
    assert counts_of(again, PERSONS.name) == (0, 0, 3)
    assert counts_of(again, CONTACTS.name) == (0, 0, 3)
    assert snapshot(org_a) == before


def test_it_changes_nothing_when_the_same_rows_come_as_csv(org_a, org_admin_a):
    run(org_a, org_admin_a, ("liste.xlsx", xlsx(good_sheets())))
    before = snapshot(org_a)

    again = run(org_a, org_admin_a, *good_csvs())

    assert unchanged_everywhere(again)
    assert snapshot(org_a) == before


def replaced(rows: list[tuple[Any, ...]], pk: int, new: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    return [new if row[0] == pk else row for row in rows]


def test_it_updates_exactly_the_person_whose_family_name_was_edited(org_a, org_admin_a):
    run(org_a, org_admin_a, ("liste.xlsx", xlsx(good_sheets())))
    before = snapshot(org_a)
    sheets = good_sheets()
    set_cell("Personen", 3, "Familienname", "Haddad-Said")(sheets)

    report = run(org_a, org_admin_a, ("liste.xlsx", xlsx(sheets)))

    assert problems(report) == []
    assert counts_of(report, PERSONS.name) == (0, 1, 2)
    assert all(counts_of(report, sheet)[:2] == (0, 0) for sheet in report.counts if sheet != PERSONS.name)
    lina = person("P-2", org_a)
    assert (lina.family_name, lina.version) == ("Haddad-Said", 2)
    assert lina.search_text == "haddad said lina"
    after = snapshot(org_a)
    assert [row for row in after["persons"] if row[0] != lina.pk] == [
        row for row in before["persons"] if row[0] != lina.pk
    ]
    assert {key: value for key, value in after.items() if key != "persons"} == {
        key: value for key, value in before.items() if key != "persons"
    }


def test_the_change_history_of_an_import_names_it_and_records_only_what_changed(org_a, org_admin_a):
    """Written set-based (statement-level triggers), the history is what a per-row trigger wrote."""
    run(org_a, org_admin_a, ("liste.xlsx", xlsx(good_sheets())))
    context = {"user": org_admin_a.pk, "import_into": "org-a"}
    for record in [*Person.objects.filter(organisation=org_a), *Case.objects.filter(organisation=org_a)]:
        (event,) = events_of(record)
        assert (event.pgh_label, event.pgh_context.metadata) == ("insert", context)
        assert event.pgh_obj_id == record.pk
    contact = Contact.objects.filter(case__organisation=org_a).earliest("pk")
    assert [(e.pgh_label, e.note) for e in events_of(contact)] == [("insert", contact.note)]

    sheets = good_sheets()
    set_cell("Personen", 3, "Familienname", "Haddad-Said")(sheets)
    run(org_a, org_admin_a, ("liste.xlsx", xlsx(sheets)))

    lina = person("P-2", org_a)
    assert [(e.pgh_label, e.family_name) for e in events_of(lina)] == [
        ("insert", "Haddad"),
        ("update", "Haddad-Said"),
    ]
    assert [len(events_of(p)) for p in Person.objects.filter(organisation=org_a).exclude(pk=lina.pk)] == [1, 1]


def test_it_updates_exactly_the_residence_status_that_was_edited(org_a, org_admin_a):
    run(org_a, org_admin_a, ("liste.xlsx", xlsx(good_sheets())))
    before = snapshot(org_a)
    sheets = good_sheets()
    set_cell("Aufenthalt", 3, "Status", "niederlassungserlaubnis")(sheets)

    report = run(org_a, org_admin_a, ("liste.xlsx", xlsx(sheets)))

    assert problems(report) == []
    assert counts_of(report, RESIDENCE.name) == (0, 1, 1)
    assert all(counts_of(report, sheet)[:2] == (0, 0) for sheet in report.counts if sheet != RESIDENCE.name)
    record = ResidenceRecord.objects.get(person=person("P-3", org_a))
    assert record.status == ResidenceStatus.NIEDERLASSUNGSERLAUBNIS
    after = snapshot(org_a)
    assert after["residence"] == replaced(
        before["residence"],
        record.pk,
        (record.pk, record.person_id, record.valid_from, "niederlassungserlaubnis", "§ 24 AufenthG", None),
    )
    assert {key: value for key, value in after.items() if key != "residence"} == {
        key: value for key, value in before.items() if key != "residence"
    }


def test_it_closes_the_case_whose_end_and_reason_were_filled_in(org_a, org_admin_a):
    run(org_a, org_admin_a, ("liste.xlsx", xlsx(good_sheets())))
    before = snapshot(org_a)
    open_case = case("F-1", org_a)
    sheets = good_sheets()
    set_cell("Fälle", 2, "Ende", "31.05.2025")(sheets)
    set_cell("Fälle", 2, "Abschlussgrund", "ziele_erreicht")(sheets)

    report = run(org_a, org_admin_a, ("liste.xlsx", xlsx(sheets)))

    assert problems(report) == []
    assert counts_of(report, CASES.name) == (0, 1, 1)
    assert all(counts_of(report, sheet)[:2] == (0, 0) for sheet in report.counts if sheet != CASES.name)
    closed = case("F-1", org_a)
    assert (closed.status, closed.end_date, closed.closing_reason, closed.version) == (
        CaseStatus.CLOSED,
        datetime.date(2025, 5, 31),
        ClosingReason.ZIELE_ERREICHT,
        open_case.version + 1,
    )
    change = CaseStatusChange.objects.filter(case=closed).order_by("-pk").first()
    assert change is not None
    assert (change.from_status, change.to_status, change.on, change.closing_reason, change.by) == (
        CaseStatus.ACTIVE,
        CaseStatus.CLOSED,
        datetime.date(2025, 5, 31),
        ClosingReason.ZIELE_ERREICHT,
        org_admin_a,
    )
    after = snapshot(org_a)
    assert len(after["status_changes"]) == len(before["status_changes"]) + 1
    assert [row for row in after["cases"] if row[0] != closed.pk] == [
        row for row in before["cases"] if row[0] != closed.pk
    ]
    assert {key: value for key, value in after.items() if key not in {"cases", "status_changes"}} == {
        key: value for key, value in before.items() if key not in {"cases", "status_changes"}
    }


def test_it_reopens_the_case_whose_end_was_removed(org_a, org_admin_a):
    run(org_a, org_admin_a, ("liste.xlsx", xlsx(good_sheets())))
    sheets = good_sheets()
    set_cell("Fälle", 3, "Ende", "")(sheets)
    set_cell("Fälle", 3, "Abschlussgrund", "")(sheets)

    report = run(org_a, org_admin_a, ("liste.xlsx", xlsx(sheets)))

    assert problems(report) == []
    reopened = case("F-2", org_a)
    assert (reopened.status, reopened.end_date, reopened.closing_reason, reopened.version) == (
        CaseStatus.ACTIVE,
        None,
        "",
        2,
    )
    change = CaseStatusChange.objects.filter(case=reopened).order_by("-pk").first()
    assert change is not None
    assert (change.from_status, change.to_status, change.on) == (CaseStatus.CLOSED, CaseStatus.ACTIVE, TODAY)


def test_it_moves_a_person_to_the_household_the_workbook_names(org_a, org_admin_a):
    run(org_a, org_admin_a, ("liste.xlsx", xlsx(good_sheets())))
    sheets = good_sheets()
    set_cell("Personen", 3, "Haushalts-ID", "P-3")(sheets)

    report = run(org_a, org_admin_a, ("liste.xlsx", xlsx(sheets)))

    assert problems(report) == []
    assert counts_of(report, PERSONS.name) == (0, 1, 2)
    lina = person("P-2", org_a)
    assert HouseholdMembership.objects.get(person=lina, valid_to__isnull=True).household.external_id == "P-3"
    assert HouseholdMembership.objects.get(person=lina, valid_to__isnull=False).household.external_id == "H-1"
    # She joined the household of case F-2 and becomes its client.
    assert CaseClient.objects.filter(case=case("F-2", org_a), person=lina).exists()


def test_it_adds_new_rows_beside_those_already_in_lotse(org_a, org_admin_a):
    run(org_a, org_admin_a, ("liste.xlsx", xlsx(good_sheets())))
    sheets = good_sheets()
    add_row("Personen", "P-4", "H-1", "Haddad", "Omar", "05.2016", "m", "SY", "ar, de", "08118048")(sheets)
    add_row("Kontakte", "F-1", "12.03.2024", 15, "digital", "", "", "zweiter Kontakt am Tag")(sheets)

    report = run(org_a, org_admin_a, ("liste.xlsx", xlsx(sheets)))

    assert problems(report) == []
    assert counts_of(report, PERSONS.name) == (1, 0, 3)
    assert counts_of(report, CONTACTS.name) == (1, 0, 3)
    assert counts_of(report, CLIENTS) == (1, 0, 0)
    assert CaseClient.objects.filter(case=case("F-1", org_a), person=person("P-4", org_a)).exists()


# Dry run and all or nothing


def test_it_writes_nothing_in_a_dry_run_and_counts_what_a_commit_writes(org_a, org_admin_a):
    data = xlsx(good_sheets())

    dry = run(org_a, org_admin_a, ("liste.xlsx", data), commit=False)

    assert problems(dry) == []
    assert dry.committed is False
    assert nothing_written()
    committed = run(org_a, org_admin_a, ("liste.xlsx", data))
    assert committed.committed is True
    assert committed.counts == dry.counts


def test_it_leaves_nothing_behind_when_a_late_merge_step_fails(org_a, org_admin_a, monkeypatch):
    merged_before_failing: dict[str, int] = {}

    def fail(self: _Importer) -> None:
        merged_before_failing["persons"] = Person.objects.filter(organisation=org_a).count()
        merged_before_failing["cases"] = Case.objects.filter(organisation=org_a).count()
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(_Importer, "_merge_contacts", fail)

    with pytest.raises(RuntimeError, match="the disk is full"):
        run(org_a, org_admin_a, ("liste.xlsx", xlsx(good_sheets())))

    assert merged_before_failing == {"persons": 3, "cases": 2}
    assert nothing_written()


def test_it_reports_a_refusal_of_the_database_and_leaves_nothing_behind(org_a, org_admin_a, monkeypatch):
    error = DatabaseError("could not extend file")

    def fail(self: _Importer) -> None:
        assert Case.objects.filter(organisation=org_a).count() == 2
        raise error

    monkeypatch.setattr(_Importer, "_merge_contacts", fail)

    report = run(org_a, org_admin_a, ("liste.xlsx", xlsx(good_sheets())))

    assert problems(report) == [("", None, "", "", _("The database refused the import: %(error)s") % {"error": error})]
    assert report.committed is False
    assert report.counts == {}
    assert nothing_written()


def test_a_refusal_while_staging_ends_in_the_report(org_a, org_admin_a, monkeypatch):
    """The rows are copied into the staging table with psycopg's COPY, whose errors are psycopg's own."""
    parse = row_parsers.PARSERS[PERSONS.name]

    def spoilt(row: Any, lookups: Any) -> Any:
        staged = parse(row, lookups)
        return None if staged is None else tuple("kein Wert" for _value in staged)

    monkeypatch.setitem(row_parsers.PARSERS, PERSONS.name, spoilt)

    report = run(org_a, org_admin_a, ("liste.xlsx", xlsx(good_sheets())))

    ((sheet, row, column, value, message),) = problems(report)
    assert (sheet, row, column, value) == ("", None, "", "")
    assert message.startswith("Die Datenbank hat den Import abgelehnt: ")
    assert report.committed is False
    assert nothing_written()


def test_no_insert_of_the_merge_reads_the_table_it_fills(org_a, org_admin_a):
    """An insert that reads its own target is planned from that table's statistics; after a dry run
    they call the table empty, and the planner rescans it for every row inserted (a first import of a
    county took ten minutes instead of two). Every insert reads only the staged tables."""
    with CaptureQueriesContext(connection) as queries:
        report = run(org_a, org_admin_a, ("liste.xlsx", xlsx(good_sheets())))
    assert report.committed
    inserts = 0
    for query in queries.captured_queries:
        sql = query["sql"]
        for target in re.findall(r"INSERT INTO (\w+)", sql):
            inserts += 1
            assert not re.search(rf"\b(FROM|JOIN)\s+{target}\b", sql), sql
    assert inserts >= 10


# 11. IDs are keys within the importing organisation


def for_org_b(sheets: Sheets) -> Sheets:
    for row in sheets[CASES.name][1:]:
        row[CASES.headers.index("Träger")] = "org-b"
    return sheets


def test_it_keeps_the_same_ids_of_two_organisations_apart(org_a, org_b, org_admin_a, org_admin_b):
    assert run(org_a, org_admin_a, ("liste.xlsx", xlsx(good_sheets()))).committed is True

    report = run(org_b, org_admin_b, ("liste.xlsx", xlsx(for_org_b(good_sheets()))))

    assert problems(report) == []
    assert counts_of(report, PERSONS.name) == (3, 0, 0)
    assert sorted(Person.objects.filter(external_id="P-1").values_list("organisation__short_name", flat=True)) == [
        "org-a",
        "org-b",
    ]
    assert sorted(Case.objects.filter(external_id="F-1").values_list("organisation__short_name", flat=True)) == [
        "org-a",
        "org-b",
    ]
    for client in CaseClient.objects.filter(case__organisation=org_b):
        assert client.person.organisation_id == org_b.pk


def test_it_never_touches_another_organisations_records(org_a, org_b, org_admin_a, org_admin_b):
    run(org_a, org_admin_a, ("liste.xlsx", xlsx(good_sheets())))
    before = snapshot(org_a)
    sheets = for_org_b(good_sheets())
    set_cell("Personen", 2, "Familienname", "Anders")(sheets)
    set_cell("Fälle", 2, "Ende", "01.06.2025")(sheets)
    set_cell("Fälle", 2, "Abschlussgrund", "wegzug")(sheets)
    set_cell("Aufenthalt", 2, "Status", "duldung")(sheets)

    report = run(org_b, org_admin_b, ("liste.xlsx", xlsx(sheets)))

    assert problems(report) == []
    assert snapshot(org_a) == before
    assert person("P-1", org_b).family_name == "Anders"
    assert person("P-1", org_a).family_name == "Haddad"


@pytest.mark.parametrize(
    ("sheet", "row", "column", "value", "message"),
    [
        (
            "Aufenthalt",
            ["P-1", "01.01.2025", "duldung", "", ""],
            "Personen-ID",
            "P-1",
            "No person has this ID, neither in the sheet Personen nor in Lotse.",
        ),
        (
            "Kontakte",
            ["F-1", "01.01.2025", 30, "buero", "", "", ""],
            "Fall-ID",
            "F-1",
            "No case has this ID, neither in the sheet Fälle nor in Lotse.",
        ),
        (
            "Fälle",
            ["F-7", "H-1", "org-b", "08118048", "01.01.2025", "", "", ""],
            "Haushalts-ID",
            "H-1",
            "No person belongs to this household.",
        ),
    ],
    ids=["person", "case", "household"],
)
def test_it_does_not_find_the_ids_of_another_organisation(
    sheet, row, column, value, message, org_a, org_b, org_admin_a, org_admin_b
):
    run(org_a, org_admin_a, ("liste.xlsx", xlsx(good_sheets())))
    before = record_counts()
    spec = next(spec for spec in SHEETS if spec.name == sheet)

    report = run(org_b, org_admin_b, ("liste.xlsx", xlsx({sheet: [spec.headers, row]})))

    assert problems(report) == [(sheet, 2, column, value, _(message))]
    assert record_counts() == before


def test_it_recognises_sheets_named_without_umlauts_or_in_small_letters(org_a, org_admin_a):
    sheets = good_sheets()
    renamed = {
        {"Personen": "personen", "Fälle": "Faelle", "Aufenthalt": "AUFENTHALT"}.get(k, k): v for k, v in sheets.items()
    }

    report = run(org_a, org_admin_a, ("liste.xlsx", xlsx(renamed)))

    assert problems(report) == []
    assert Case.objects.filter(organisation=org_a).count() == 2


def test_it_recognises_a_csv_file_whose_name_macos_wrote_decomposed(org_a, org_admin_a):
    """macOS file systems hand out "Fälle.csv" as F, a, combining diaeresis, lle (NFD)."""
    files = [(unicodedata.normalize("NFD", name), data) for name, data in good_csvs()]
    assert "Fa\u0308lle.csv" in [name for name, _data in files]

    report = run(org_a, org_admin_a, *files)

    assert problems(report) == []
    assert Case.objects.filter(organisation=org_a).count() == 2


def test_it_reports_a_csv_file_saved_as_utf16_and_writes_nothing(org_a, org_admin_a):
    """Excel's "Unicode text" is UTF-16 with tabs: not readable, but reported, not a crash."""
    data = "\r\n".join("\t".join(str(value) for value in row) for row in good_sheets()["Personen"])

    report = run(org_a, org_admin_a, *good_csvs(CASES.name), ("Personen.csv", data.encode("utf-16")))

    assert [(problem[0], problem[1]) for problem in problems(report)][:1] == [("Personen", None)]
    assert report.committed is False
    assert nothing_written()


def test_it_reads_codes_put_on_separate_lines_of_one_cell(org_a, org_admin_a):
    """Alt+Enter in Excel: one code per line within the cell."""
    sheets = good_sheets()
    set_cell("Personen", 2, "Sprachen", "ar\nku")(sheets)
    set_cell("Personen", 3, "Staatsangehörigkeit", "SY\nstaatenlos")(sheets)

    report = run(org_a, org_admin_a, ("liste.xlsx", xlsx(sheets)))

    assert problems(report) == []
    assert person("P-1", org_a).languages == ["ara", "kur"]
    assert person("P-2", org_a).nationalities == ["SY", "staatenlos"]


def test_it_reads_languages_by_german_name_and_by_both_iso_codes(org_a, org_admin_a):
    sheets = good_sheets()
    set_cell("Personen", 2, "Sprachen", "Dari, Sorani, Kurmandschi, ara, fa, Tigrinya")(sheets)

    report = run(org_a, org_admin_a, ("liste.xlsx", xlsx(sheets)))

    assert problems(report) == []
    assert person("P-1", org_a).languages == ["prs", "ckb", "kmr", "ara", "fas", "tir"]


@pytest.mark.xfail(
    strict=True,
    reason="python-calamine 0.9.1 hands error cells (#N/A) over as empty strings and exposes no error type",
)
def test_it_reports_a_cell_that_shows_a_formula_error_instead_of_reading_it_as_empty(org_a, org_admin_a):
    """A VLOOKUP that found nothing shows #NV; taking it for an empty cell would overwrite what Lotse knows."""
    run(org_a, org_admin_a, ("liste.xlsx", xlsx(good_sheets())))
    sheets = good_sheets()
    set_cell("Personen", 3, "Geschlecht", "=VLOOKUP(A3,Stammdaten!A:B,2,FALSE)")(sheets)
    data = xlsx(sheets)
    data = with_cached_results(data, PERSONS.name, {"F3": "#N/A"})
    data = patch_xlsx(data, sheet_part(data, PERSONS.name), {'<c r="F3" t="str">': '<c r="F3" t="e">'})

    report = run(org_a, org_admin_a, ("liste.xlsx", data))

    assert [problem[:3] for problem in problems(report)] == [("Personen", 3, "Geschlecht")]
    assert person("P-2", org_a).gender == Gender.FEMALE
