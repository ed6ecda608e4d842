"""The county's rent limits as a list (XLSX or CSV, German headers) into Lotse, and back out.

The fourth kind of the staged-import lifecycle of core (``lotse.core.staged_import``): the district office uploads
its table of limits, reads the report (every row that would create or correct an entry, every problem with its
row, column, value and an exact German message), then imports it (all rows or none) or discards it.

One row is the limit of one municipality (its AGS or its name), one household size and one day it is valid from:
a row whose municipality, size and day are already set corrects that entry where its amounts differ and changes
nothing where they are the same, so importing the same list twice changes nothing. The export writes every entry
in the same columns (docs/import-format.md, "Mietobergrenzen").
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lotse.core.choices import ImportKind, OrganisationKind
from lotse.core.export import BOLD, add_sheet, append_row, save_workbook, streaming_workbook
from lotse.core.jobs import NO_PROGRESS, Phase, Progress
from lotse.core.models import Municipality, Organisation, User
from lotse.core.services import ConcurrentEditError, audit_context
from lotse.core.staged_import import Files, Importer, Report, register
from lotse.housing import rent_limit_services as services
from lotse.housing.models import RentLimit
from lotse.housing.rent_limit_services import HOUSEHOLD_SIZES, LimitValues
from lotse.imports.cells import CellError, display, fold_code, integer, text
from lotse.imports.cells import ags as parse_ags
from lotse.imports.cells import date as parse_date
from lotse.imports.engine import ImportReport
from lotse.imports.workbook import (
    HEADER_SEARCH_ROWS,
    Problem,
    TableRows,
    is_empty_row,
    normalise_header,
    read_one_table,
)

SHEET_NAME = "Mietobergrenzen"
MAX_ROWS = 20000
MAX_MEGABYTES = 10
CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


@dataclass(frozen=True)
class LimitColumn:
    header: str
    field: str
    synonyms: tuple[str, ...] = ()
    required: bool = False


COLUMNS: tuple[LimitColumn, ...] = (
    LimitColumn("Gemeinde", "municipality", ("Gemeinde (AGS oder Name)", "AGS", "Gemeindeschlüssel"), required=True),
    LimitColumn("Haushaltsgröße", "household_size", ("Personen", "Haushaltsgroesse", "Personenzahl"), required=True),
    LimitColumn("gültig ab", "valid_from", ("gueltig ab", "ab", "Gültigkeit ab"), required=True),
    LimitColumn(
        "Bruttokaltmiete höchstens",
        "max_gross_cold_rent",
        ("Bruttokaltmiete", "Mietobergrenze", "Bruttokaltmiete höchstens (EUR)"),
        required=True,
    ),
    LimitColumn("Wohnfläche höchstens", "max_living_space", ("Wohnfläche", "Wohnfläche höchstens (m²)")),
)
BY_FIELD = {column.field: column for column in COLUMNS}
HEADERS = [column.header for column in COLUMNS]


def _header_key(value: Any) -> str:
    return normalise_header(value).rstrip(":* ").strip()


_HEADERS: dict[str, LimitColumn] = {
    _header_key(name): column for column in COLUMNS for name in (column.header, column.field, *column.synonyms)
}
_REQUIRED_KEYS = {_header_key(column.header) for column in COLUMNS if column.required}
_AMOUNT = re.compile(r"^\d{1,3}(?:\.\d{3})*(?:,\d{1,2})?$|^\d+(?:[.,]\d{1,2})?$")
_SPACE = re.compile(r"^\d{1,4}(?:[.,]\d)?$")


# --- Cells ------------------------------------------------------------------------------------------------------


@dataclass
class Municipalities:
    by_ags: dict[str, Municipality]
    by_name: dict[str, list[Municipality]]

    @classmethod
    def load(cls) -> Municipalities:
        by_ags: dict[str, Municipality] = {}
        by_name: dict[str, list[Municipality]] = {}
        for municipality in Municipality.objects.only("ags", "name"):
            by_ags[municipality.ags] = municipality
            by_name.setdefault(fold_code(municipality.name), []).append(municipality)
        return cls(by_ags, by_name)

    def find(self, value: Any) -> Municipality:
        raw = text(value)
        if not raw:
            raise CellError(_("Give the municipality: its official key (AGS) or its name."))
        if raw.replace(" ", "").isdigit() or isinstance(value, int | float):
            key = parse_ags(value)
            if key not in self.by_ags:
                raise CellError(_("No municipality with this official key (AGS) is known in Lotse."))
            return self.by_ags[key]
        found = self.by_name.get(fold_code(raw), [])
        if not found:
            raise CellError(_("Unknown municipality. Give its official key (AGS) or its name as Lotse knows it."))
        if len(found) > 1:
            raise CellError(_("Several municipalities have this name; give the official key (AGS)."))
        return found[0]


def amount(value: Any) -> Decimal | None:
    """Euros with at most two decimals: 512,50 or 512.50 or 1.234,50 or a number cell; more than 0."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise CellError(_("Enter an amount in euros such as 512,50."))
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
    else:
        raw = text(value).removesuffix("€").removesuffix("EUR").strip()
        if not raw:
            return None
        if not _AMOUNT.match(raw):
            raise CellError(_("Enter an amount in euros such as 512,50."))
        if "," in raw:
            raw = raw.replace(".", "").replace(",", ".")
        number = Decimal(raw)
    if number <= 0:
        raise CellError(_("The amount must be more than 0 euros."))
    if number > services.MAX_RENT or number != number.quantize(Decimal("0.01")):
        raise CellError(_("Enter an amount in euros such as 512,50."))
    return number.quantize(Decimal("0.01"))


def living_space(value: Any) -> Decimal | None:
    """Square metres with at most one decimal (45 or 45,5); empty where the county sets none."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise CellError(_("Enter the living space in square metres such as 45 or 45,5."))
    try:
        if isinstance(value, int | float | Decimal):
            number = Decimal(str(value))
        else:
            raw = text(value).removesuffix("m²").removesuffix("qm").strip()
            if not raw:
                return None
            if not _SPACE.match(raw):
                raise CellError(_("Enter the living space in square metres such as 45 or 45,5."))
            number = Decimal(raw.replace(",", "."))
    except InvalidOperation:
        raise CellError(_("Enter the living space in square metres such as 45 or 45,5.")) from None
    if number <= 0 or number > services.MAX_SPACE or number != number.quantize(Decimal("0.1")):
        raise CellError(_("Enter the living space in square metres such as 45 or 45,5."))
    return number.quantize(Decimal("0.1"))


def cell_to_value(name: str, value: Any, municipalities: Municipalities, today: datetime.date) -> Any:
    """The domain value of one cell; CellError with a German message when it cannot be read."""
    if name == "municipality":
        return municipalities.find(value)
    if name == "household_size":
        size = integer(value, low=HOUSEHOLD_SIZES[0], high=HOUSEHOLD_SIZES[-1])
        if size is None:
            raise CellError(_("Give the household size (number of persons)."))
        return size
    if name == "valid_from":
        day = parse_date(value, today=today, future_allowed=True)
        if day is None:
            raise CellError(_("Give the date the limit is valid from."))
        return day
    if name == "max_gross_cold_rent":
        rent = amount(value)
        if rent is None:
            raise CellError(_("Give the gross cold rent at most."))
        return rent
    if name == "max_living_space":
        return living_space(value)
    raise KeyError(name)


# --- The report -------------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    row: int
    municipality: str
    household_size: int
    valid_from: str
    action: str

    def as_list(self) -> list[Any]:
        return [self.row, self.municipality, self.household_size, self.valid_from, self.action]


@dataclass
class RentLimitReport(ImportReport):
    outcomes: list[Outcome] = field(default_factory=list)

    def outcomes_of(self, action: str) -> list[Outcome]:
        return [outcome for outcome in self.outcomes if outcome.action == action]

    def as_json(self) -> dict[str, Any]:
        return {**super().as_json(), "outcomes": [outcome.as_list() for outcome in self.outcomes]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RentLimitReport:
        report = super().from_json(data)
        assert isinstance(report, RentLimitReport)
        report.outcomes = [Outcome(*item) for item in data.get("outcomes", [])]
        return report

    def problem(self, row: int | None, column: str, value: Any, message: str) -> None:
        self.add_problems([Problem(SHEET_NAME, row, column, display(value), message)])


# --- Reading the file -------------------------------------------------------------------------------------------


def read_limit_list(name: str, content: bytes, report: RentLimitReport) -> TableRows | None:
    return read_one_table(
        name,
        content,
        SHEET_NAME,
        lambda message: report.problem(None, "", name, message),
        lambda numbered: _read_rows(name, numbered, report),
    )


def _read_rows(name: str, numbered: Iterator[tuple[int, list[Any]]], report: RentLimitReport) -> TableRows | None:
    report.counts = {SHEET_NAME: {CREATED: 0, UPDATED: 0, UNCHANGED: 0}}
    header: list[Any] | None = None
    header_number = 0
    seen_content = False
    for number, row in numbered:
        seen_content = seen_content or not is_empty_row(row)
        keys = {_HEADERS[key].field for key in (_header_key(cell) for cell in row) if key in _HEADERS}
        if "municipality" in keys and "household_size" in keys:
            header, header_number = list(row), number
            break
        if number >= HEADER_SEARCH_ROWS:
            break
    if header is None:
        if seen_content:
            report.problem(
                None,
                "Gemeinde",
                "",
                _("The header row was not found: no row names the columns “%(columns)s”.")
                % {"columns": "Gemeinde, Haushaltsgröße"},
            )
        else:
            report.problem(None, "", name, _("The file is empty."))
        return None
    result = TableRows()
    positions: dict[str, int] = {}
    for index, cell in enumerate(header):
        key = _header_key(cell)
        if not key:
            continue
        label = str(cell).strip()
        column = _HEADERS.get(key)
        if column is None:
            report.notices.append(Problem(SHEET_NAME, header_number, label, label, _("Unknown column; it is ignored.")))
        elif column.field in positions:
            report.problem(header_number, label, label, _("This column appears twice."))
        else:
            positions[column.field] = index
            result.headers[column.field] = label
    for column in COLUMNS:
        if column.required and column.field not in positions:
            report.problem(
                header_number, column.header, "", _("The column “%(column)s” is missing.") % {"column": column.header}
            )
    if not report.ok:
        return None
    for number, row in numbered:
        if is_empty_row(row):
            continue
        width = len(row)
        result.rows.append((number, {f: (row[i] if i < width else None) for f, i in positions.items()}))
        if len(result.rows) > MAX_ROWS:
            report.problem(
                None,
                "",
                "",
                _("The list has more than %(count)s rows; split it into smaller lists.") % {"count": MAX_ROWS},
            )
            return None
    if not result.rows:
        report.problem(None, "", "", _("The list has no rows below its header row."))
        return None
    return result


# --- Checking and planning --------------------------------------------------------------------------------------


@dataclass
class Planned:
    row: int
    municipality: Municipality
    household_size: int
    valid_from: datetime.date
    values: LimitValues
    record: RentLimit | None

    @property
    def changed(self) -> bool:
        return self.record is not None and (
            self.record.max_gross_cold_rent != self.values.max_gross_cold_rent
            or self.record.max_living_space != self.values.max_living_space
        )


def check_limit_list(name: str, content: bytes, today: datetime.date) -> tuple[RentLimitReport, list[Planned]]:
    """Read and check the list against the limits as they are now; nothing is written."""
    report = RentLimitReport()
    found = read_limit_list(name, content, report)
    if found is None:
        return report, []
    report.rows = {SHEET_NAME: len(found.rows)}
    municipalities = Municipalities.load()
    existing = {
        (limit.municipality_id, limit.household_size, limit.valid_from): limit for limit in RentLimit.objects.all()
    }
    first_row: dict[tuple[int, int, datetime.date], int] = {}
    planned: list[Planned] = []
    order = {field_name: index for index, field_name in enumerate(found.headers)}
    for number, cells in found.rows:
        problems: list[tuple[str, Any, str]] = []
        values: dict[str, Any] = {}
        for field_name, raw in cells.items():
            try:
                values[field_name] = cell_to_value(field_name, raw, municipalities, today)
            except CellError as error:
                problems.append((field_name, raw, error.message))
        if not problems:
            key = (values["municipality"].pk, values["household_size"], values["valid_from"])
            if key in first_row:
                problems.append(
                    (
                        "municipality",
                        cells.get("municipality"),
                        _("The list names this municipality, household size and date twice (also in row %(row)s).")
                        % {"row": first_row[key]},
                    )
                )
            else:
                first_row[key] = number
        if problems:
            for field_name, raw, message in sorted(problems, key=lambda p: order.get(p[0], len(order))):
                report.problem(number, found.headers.get(field_name, BY_FIELD[field_name].header), raw, message)
            continue
        planned.append(
            Planned(
                number,
                values["municipality"],
                values["household_size"],
                values["valid_from"],
                LimitValues(values["max_gross_cold_rent"], values.get("max_living_space")),
                existing.get(key),
            )
        )
    if not report.ok:
        return report, []
    counts = report.counts[SHEET_NAME]
    for item in planned:
        action = CREATED if item.record is None else UPDATED if item.changed else UNCHANGED
        counts[action] += 1
        report.outcomes.append(
            Outcome(item.row, item.municipality.name, item.household_size, f"{item.valid_from:%d.%m.%Y}", action)
        )
    return report, planned


def _apply(planned: list[Planned], acting_user: User | None) -> None:
    new: dict[tuple[int, datetime.date], tuple[Municipality, dict[int, LimitValues]]] = {}
    for item in planned:
        if item.record is None:
            group = new.setdefault((item.municipality.pk, item.valid_from), (item.municipality, {}))
            group[1][item.household_size] = item.values
        elif item.changed:
            services.correct_limit(
                acting_user=acting_user,
                limit=item.record,
                expected_version=item.record.version,
                max_gross_cold_rent=item.values.max_gross_cold_rent,
                max_living_space=item.values.max_living_space,
            )
    for (_municipality_id, valid_from), (municipality, limits) in new.items():
        services.set_limits(
            acting_user=acting_user, municipalities=[municipality], valid_from=valid_from, limits=limits
        )


def import_limit_list(name: str, content: bytes, *, acting_user: User | None, commit: bool) -> RentLimitReport:
    """Check the list and, with ``commit`` and no problem, take it in: all rows or none."""
    if acting_user is not None and not services.keeps_rent_limits(acting_user):
        raise ValidationError(_("Only the district office keeps the rent limits."))
    today = timezone.localdate()
    with transaction.atomic(), audit_context(acting_user, import_file=name):
        report, planned = check_limit_list(name, content, today)
        if not commit or not report.ok:
            return report
        try:
            with transaction.atomic():
                _apply(planned, acting_user)
        except (ValidationError, ConcurrentEditError, IntegrityError) as error:
            messages = error.messages if isinstance(error, ValidationError) else [str(error)]
            for message in messages:
                report.problem(
                    None,
                    "",
                    "",
                    _("The data changed while importing: %(message)s Nothing was imported.") % {"message": message},
                )
            return report
        report.committed = True
    return report


# --- The list as a kind of staged import -----------------------------------------------------------------------


class RentLimitImporter(Importer):
    """The district office's list of rent limits into the county's limits (one for the installation)."""

    kind = ImportKind.RENT_LIMITS
    per_organisation = False
    upload_url = "housing:rent_limit_import"
    detail_url = "housing:rent_limit_import_detail"
    commit_url = "housing:rent_limit_import_commit"
    discard_url = "housing:rent_limit_import_discard"
    progress_url = "housing:rent_limit_import_progress"
    restart_url = "housing:rent_limit_import_restart"
    extra_template = "housing/_rent_limit_import_outcomes.html"
    shows_person_data = False
    upload_megabytes = MAX_MEGABYTES

    def may_import_into(self, acting_user: User, organisation: Organisation) -> bool:
        """Only the keepers of the rent limits, into their Landratsamt."""
        return (
            super().may_import_into(acting_user, organisation)
            and services.keeps_rent_limits(acting_user)
            and organisation.kind == OrganisationKind.LANDRATSAMT
        )

    def _run(self, files: Files, acting_user: User | None, progress: Progress, *, commit: bool) -> RentLimitReport:
        if len(files) != 1:
            raise ValidationError(_("Choose a file."))
        name, content = files[0]
        progress.phase(Phase.WRITING if commit else Phase.READING)
        return import_limit_list(name, content, acting_user=acting_user, commit=commit)

    def check(
        self,
        files: Files,
        *,
        organisation: Organisation | None,
        acting_user: User | None,
        progress: Progress = NO_PROGRESS,
    ) -> RentLimitReport:
        return self._run(files, acting_user, progress, commit=False)

    def commit(
        self,
        files: Files,
        *,
        organisation: Organisation | None,
        acting_user: User | None,
        progress: Progress = NO_PROGRESS,
    ) -> RentLimitReport:
        return self._run(files, acting_user, progress, commit=True)

    def report_from_json(self, data: Mapping[str, Any]) -> RentLimitReport:
        return RentLimitReport.from_json(dict(data))

    def report_context(self, report: Report) -> dict[str, Any]:
        assert isinstance(report, RentLimitReport)
        return {"created": report.outcomes_of(CREATED), "updated": report.outcomes_of(UPDATED)}

    def problems_text(self, count: int) -> str:
        return ngettext(
            "The list has %(count)s problem. Nothing can be imported until it is corrected; "
            "upload the corrected file again.",
            "The list has %(count)s problems. Nothing can be imported until they are corrected; "
            "upload the corrected file again.",
            count,
        ) % {"count": count}

    def ready_text(self) -> str:
        return _(
            "The check found no problems. Nothing has been written yet: import the list to take over the limits below."
        )

    def committed_message(self) -> str:
        return _("The rent limits were imported.")

    def stale_message(self) -> str:
        return _("The rent limits changed since the check: the list now has problems. Nothing was imported.")

    def crumbs(self) -> list[tuple[str, str]]:
        return [
            (_("Rent limits"), reverse("housing:rent_limits")),
            (_("Import and export"), reverse(self.upload_url)),
        ]


RENT_LIMIT_LIST = register(RentLimitImporter())


# --- The export -------------------------------------------------------------------------------------------------


def export_rows(limits: list[RentLimit]) -> Iterator[list[Any]]:
    for limit in limits:
        yield [
            limit.municipality.ags,
            limit.household_size,
            limit.valid_from,
            limit.max_gross_cold_rent,
            limit.max_living_space,
        ]


def write_workbook(rows: Iterator[list[Any]] | list[list[Any]], stream: IO[bytes]) -> None:
    """The limits in the columns of the list (through core's export): importing the file changes nothing."""
    workbook = streaming_workbook()
    sheet = add_sheet(workbook, SHEET_NAME)
    append_row(sheet, HEADERS, font=BOLD)
    for row in rows:
        append_row(sheet, row)
    save_workbook(workbook, stream)


def export_name() -> str:
    return f"mietobergrenzen-{timezone.localdate():%Y-%m-%d}.xlsx"


def template_workbook(stream: IO[bytes]) -> None:
    """The list's header row with example rows (a fictional municipality's key, sizes 1 and 2)."""
    write_workbook(
        [
            ["08118048", 1, datetime.date(2026, 1, 1), Decimal("552.00"), Decimal("45.0")],
            ["08118048", 2, datetime.date(2026, 1, 1), Decimal("668.00"), Decimal("60.0")],
        ],
        stream,
    )
