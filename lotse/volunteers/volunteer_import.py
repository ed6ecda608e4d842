"""The volunteer list: a coordinator's list of volunteers (CSV or XLSX, German headers) into Lotse, and back out.

1. Read: the sheet "Ehrenamtliche" of a workbook (or its first), or a CSV file (UTF-8 with or without BOM, or
   Windows-1252; ``;`` or ``,``). The header row names the columns in German (docs/import-format.md).
2. Check: each cell becomes a domain value (a language with its level, a skill's German name, a date, ...); a cell
   that names nothing Lotse knows is a problem with its row, column and an exact German message.
3. Plan: a volunteer is known by the Ehrenamtlichen-ID, or without one by family name, given names and e-mail. A
   row creates a volunteer, updates one (only the columns the list has, only the cells that differ) or changes
   nothing, so importing the same list twice changes nothing.
4. Commit: every row in one transaction through the volunteer services, the importing user in the change history.

The export writes the same columns; importing an export changes nothing.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from lotse.core.access import Capability, require
from lotse.core.choices import ImportKind
from lotse.core.export import save_workbook, streaming_workbook
from lotse.core.jobs import NO_PROGRESS, Phase, Progress
from lotse.core.models import Municipality, Organisation, User
from lotse.core.services import ConcurrentEditError, audit_context
from lotse.core.staged_import import Files, Importer, Report, register
from lotse.imports.cells import CellError, display, fold_code, integer, multiline_text, text
from lotse.imports.cells import ags as parse_ags
from lotse.imports.cells import date as parse_date
from lotse.imports.engine import ImportReport
from lotse.imports.export import write_sheet
from lotse.imports.workbook import (
    HEADER_SEARCH_ROWS,
    Column,
    Problem,
    SheetSpec,
    TableRows,
    is_empty_row,
    normalise_header,
    read_one_table,
)
from lotse.people.choices import Gender
from lotse.people.vocabulary import language_name, language_spellings
from lotse.volunteers import volunteer_services as services
from lotse.volunteers.choices import DayTime, Proficiency, RequirementKind, Skill, VolunteerStatus, Weekday
from lotse.volunteers.models import Requirement, Volunteer

SHEET_NAME = "Ehrenamtliche"
MAX_ROWS = 5000
MAX_MEGABYTES = 10
YES, NO = "Ja", "Nein"
_YES_WORDS = frozenset({"ja", "j", "x", "yes", "y", "1", "wahr", "true"})
_NO_WORDS = frozenset({"nein", "n", "no", "0", "falsch", "false", "-"})
_SEPARATORS = re.compile(r"[,;|\n]+")
# "Arabisch (Muttersprache)": the level in the last brackets.
_LEVEL = re.compile(r"^(?P<language>.+?)\s*\((?P<level>[^()]*)\)\s*$")


@dataclass(frozen=True)
class VolunteerColumn:
    header: str
    field: str
    synonyms: tuple[str, ...] = ()
    required: bool = False


REQUIREMENT_COLUMNS: dict[str, str] = {
    "req_certificate": RequirementKind.CONDUCT_CERTIFICATE,
    "req_confidentiality": RequirementKind.CONFIDENTIALITY,
    "req_agreement": RequirementKind.AGREEMENT,
    "req_training": RequirementKind.TRAINING,
}

COLUMNS: tuple[VolunteerColumn, ...] = (
    VolunteerColumn("Ehrenamtlichen-ID", "external_id", ("ID", "Nr.", "Nummer", "Ehrenamtlichen-Nr.")),
    VolunteerColumn("Nachname", "family_name", ("Familienname", "Name"), required=True),
    VolunteerColumn("Vornamen", "given_names", ("Vorname",)),
    VolunteerColumn("Geschlecht", "gender"),
    VolunteerColumn("E-Mail", "email", ("Email", "Mail", "E-Mail-Adresse")),
    VolunteerColumn("Telefon", "phone", ("Tel", "Tel.", "Telefonnummer", "Handy", "Mobil")),
    VolunteerColumn("Straße", "street", ("Straße und Hausnummer", "Adresse", "Anschrift")),
    VolunteerColumn("PLZ", "postal_code", ("Postleitzahl",)),
    VolunteerColumn("Gemeinde", "municipality", ("Wohnort", "Ort", "AGS")),
    VolunteerColumn("Stadtteil", "district", ("Ortsteil",)),
    VolunteerColumn("Sprachen", "languages", ("Sprache", "Sprachkenntnisse")),
    VolunteerColumn("Fähigkeiten und Interessen", "skills", ("Fähigkeiten", "Interessen", "Einsatzbereiche")),
    VolunteerColumn("Wochentage", "weekdays", ("Tage",)),
    VolunteerColumn("Tageszeiten", "day_times", ("Zeiten",)),
    VolunteerColumn("Verfügbarkeit", "availability_note", ("Verfügbarkeit (Notiz)",)),
    VolunteerColumn("Eigene Migrationserfahrung", "migration_experience", ("Migrationserfahrung",)),
    VolunteerColumn("Patenschaften höchstens", "max_sponsorships", ("Kapazität", "max. Patenschaften")),
    VolunteerColumn("Aktiv seit", "started_on", ("Ehrenamtlich seit", "Beginn")),
    VolunteerColumn("Status", "status"),
    VolunteerColumn("Status seit", "status_since"),
    VolunteerColumn("Grund des Ausscheidens", "left_reason", ("Austrittsgrund",)),
    VolunteerColumn("Einwilligung am", "consent_on", ("Einwilligung", "Einwilligung Datenspeicherung")),
    VolunteerColumn("Führungszeugnis eingesehen am", "req_certificate", ("Führungszeugnis",)),
    VolunteerColumn("Verpflichtung Datengeheimnis am", "req_confidentiality", ("Datengeheimnis",)),
    VolunteerColumn("Vereinbarung am", "req_agreement", ("Ehrenamtsvereinbarung",)),
    VolunteerColumn("Schulung am", "req_training", ("Schulung",)),
    VolunteerColumn("Notizen", "notes", ("Bemerkungen", "Notiz")),
)
BY_FIELD = {column.field: column for column in COLUMNS}
VOLUNTEER_SHEET = SheetSpec(SHEET_NAME, tuple(Column(column.header, column.required) for column in COLUMNS))
# The details the update compares (the rest: languages, status, requirements, consent are handled on their own).
DETAIL_FIELDS = tuple(name for name in services.VOLUNTEER_FIELDS if name in BY_FIELD)


def _header_key(value: Any) -> str:
    return normalise_header(value).rstrip(":* ").strip()


_HEADERS: dict[str, VolunteerColumn] = {
    _header_key(name): column for column in COLUMNS for name in (column.header, column.field, *column.synonyms)
}


# --- Vocabularies as lists write them ---------------------------------------------------------------------------


def _german(label: Any) -> str:
    with translation.override("de"):
        return str(label)


def _table(choices: Any, **aliases: str) -> dict[str, str]:
    table = {fold_code(alias): value for alias, value in aliases.items()}
    for value, label in choices.choices:
        for language in ("en", "de"):
            with translation.override(language):
                table[fold_code(str(label))] = value
        table[fold_code(value)] = value
    return table


@lru_cache(maxsize=1)
def _vocabularies() -> dict[str, dict[str, str]]:
    languages: dict[str, str] = {}
    for spelling, code in language_spellings().items():
        languages.setdefault(fold_code(spelling), code)
    return {
        "languages": languages,
        "proficiency": _table(Proficiency, fliessend="fliessend", muttersprachlich=Proficiency.NATIVE),
        "skills": _table(Skill),
        "weekdays": _table(Weekday),
        "day_times": _table(DayTime),
        "gender": _table(Gender, weiblich=Gender.FEMALE, männlich=Gender.MALE, divers=Gender.DIVERSE),
        "status": _table(VolunteerStatus),
    }


def _labels(choices: Any) -> str:
    return ", ".join(_german(label) for _value, label in choices.choices)


def _code_list(value: Any, table: Mapping[str, str], message: str, **extra: str) -> list[str]:
    raw = value if isinstance(value, str) else text(value)
    found: list[str] = []
    unknown: list[str] = []
    for part in _SEPARATORS.split(raw or ""):
        if not part.strip():
            continue
        code = table.get(fold_code(part))
        if code is None:
            unknown.append(part.strip())
        elif code not in found:
            found.append(code)
    if unknown:
        raise CellError(message % {"values": ", ".join(f"„{part}“" for part in unknown), **extra})
    return found


def _languages(value: Any) -> list[tuple[str, str]]:
    vocabularies = _vocabularies()
    result: list[tuple[str, str]] = []
    for part in _SEPARATORS.split(text(value) if not isinstance(value, str) else value):
        part = part.strip()
        if not part:
            continue
        match = _LEVEL.match(part)
        if match is None:
            raise CellError(
                _("Give each language with its level in brackets, e.g. “Arabisch (Muttersprache)”: „%(value)s“.")
                % {"value": part}
            )
        code = vocabularies["languages"].get(fold_code(match.group("language")))
        if code is None:
            raise CellError(_("Unknown language „%(value)s“.") % {"value": match.group("language")})
        level = vocabularies["proficiency"].get(fold_code(match.group("level")))
        if level is None:
            raise CellError(
                _("Unknown level „%(value)s“. The levels are: %(levels)s.")
                % {"value": match.group("level"), "levels": _labels(Proficiency)}
            )
        if any(code == known for known, _level in result):
            raise CellError(_("The language „%(value)s“ is named twice.") % {"value": match.group("language")})
        result.append((code, level))
    return result


def _boolean(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    word = fold_code(text(value))
    if not word:
        return None
    if word in _YES_WORDS:
        return True
    if word in _NO_WORDS:
        return False
    raise CellError(_("Write “Ja” or “Nein” (or leave the cell empty when not stated)."))


def _postal_code(value: Any) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
        value = str(int(value)).zfill(5)
    raw = text(value)
    if raw and not re.fullmatch(r"[0-9]{5}", raw):
        raise CellError(_("A postal code has five digits."))
    return raw


def _bounded(value: Any, limit: int) -> str:
    raw = text(value)
    if len(raw) > limit:
        raise CellError(_("At most %(count)s characters are allowed.") % {"count": limit})
    return raw


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

    def find(self, value: Any) -> Municipality | None:
        raw = text(value)
        if not raw:
            return None
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


def cell_to_value(name: str, value: Any, municipalities: Municipalities, today: datetime.date) -> Any:
    """The domain value of one cell; CellError with a German message when it cannot be read."""
    vocabularies = _vocabularies()
    if name == "languages":
        return _languages(value)
    if name == "skills":
        return _code_list(
            value,
            vocabularies["skills"],
            _("Unknown skill %(values)s. The skills are: %(labels)s."),
            labels=_labels(Skill),
        )
    if name == "weekdays":
        return _code_list(
            value, vocabularies["weekdays"], _("Unknown weekday %(values)s. Write Mo, Di, Mi, Do, Fr, Sa, So.")
        )
    if name == "day_times":
        return _code_list(
            value,
            vocabularies["day_times"],
            _("Unknown time of day %(values)s. Write vormittags, nachmittags or abends."),
        )
    if name == "gender":
        raw = text(value)
        if not raw:
            return Gender.UNKNOWN
        found = vocabularies["gender"].get(fold_code(raw))
        if found is None:
            raise CellError(_("Unknown gender. Write w, m, d or u (weiblich, männlich, divers, unbekannt)."))
        return found
    if name == "status":
        raw = text(value)
        if not raw:
            return ""
        found = vocabularies["status"].get(fold_code(raw))
        if found is None:
            raise CellError(_("Unknown status. The statuses are: %(labels)s.") % {"labels": _labels(VolunteerStatus)})
        return found
    if name == "municipality":
        return municipalities.find(value)
    if name == "migration_experience":
        return _boolean(value)
    if name == "max_sponsorships":
        number = integer(value, low=0, high=10)
        return 1 if number is None else number
    if name in {"started_on", "status_since", "consent_on", *REQUIREMENT_COLUMNS}:
        return parse_date(value, today=today)
    if name == "postal_code":
        return _postal_code(value)
    if name == "notes":
        return multiline_text(value)[:4000]
    if name == "external_id":
        return _bounded(value, 64)
    if name in {"family_name", "given_names", "street"}:
        return _bounded(value, 200)
    if name == "district":
        return _bounded(value, 100)
    if name in {"availability_note", "left_reason"}:
        return _bounded(value, 300)
    if name == "phone":
        return _bounded(value, 50)
    if name == "email":
        raw = text(value)
        if raw and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", raw):
            raise CellError(_("This is not an e-mail address."))
        return raw.lower()
    return text(value)


# --- Values as the list writes them (the export) ----------------------------------------------------------------


def _language_cell(languages: list[tuple[str, str]]) -> str:
    parts = []
    for code, level in languages:
        name = language_name(code, "de")
        shown = code if ("(" in name or _SEPARATORS.search(name)) else name
        parts.append(f"{shown} ({_german(Proficiency(level).label)})")
    return ", ".join(parts)


def _date_cell(value: datetime.date | None) -> str:
    return "" if value is None else f"{value:%d.%m.%Y}"


def _list_cell(values: list[str], choices: Any) -> str:
    return ", ".join(_german(choices(value).label) for value in values)


def export_rows(volunteers: list[Volunteer]) -> Iterator[list[Any]]:
    newest: dict[tuple[int, str], datetime.date] = {}
    for volunteer_id, kind, met_on in Requirement.objects.filter(volunteer__in=volunteers).values_list(
        "volunteer_id", "kind", "met_on"
    ):
        key = (volunteer_id, kind)
        if key not in newest or met_on > newest[key]:
            newest[key] = met_on
    for volunteer in volunteers:
        languages = [(row.language, row.proficiency) for row in volunteer.languages.all()]
        values: dict[str, Any] = {
            "external_id": volunteer.external_id,
            "family_name": volunteer.family_name,
            "given_names": volunteer.given_names,
            "gender": volunteer.gender,
            "email": volunteer.email,
            "phone": volunteer.phone,
            "street": volunteer.street,
            "postal_code": volunteer.postal_code,
            "municipality": volunteer.municipality.ags if volunteer.municipality else "",
            "district": volunteer.district,
            "languages": _language_cell(languages),
            "skills": _list_cell(volunteer.skills, Skill),
            "weekdays": _list_cell(volunteer.weekdays, Weekday),
            "day_times": _list_cell(volunteer.day_times, DayTime),
            "availability_note": volunteer.availability_note,
            "migration_experience": ""
            if volunteer.migration_experience is None
            else (YES if volunteer.migration_experience else NO),
            "max_sponsorships": volunteer.max_sponsorships,
            "started_on": _date_cell(volunteer.started_on),
            "status": _german(VolunteerStatus(volunteer.status).label),
            "status_since": _date_cell(volunteer.status_since),
            "left_reason": volunteer.left_reason,
            "consent_on": _date_cell(volunteer.consent_on),
            "notes": volunteer.notes,
        }
        for name, kind in REQUIREMENT_COLUMNS.items():
            values[name] = _date_cell(newest.get((volunteer.pk, kind)))
        yield [values[column.field] for column in COLUMNS]


def exported_volunteers(organisation_id: int) -> list[Volunteer]:
    return list(
        Volunteer.objects.filter(organisation_id=organisation_id)
        .present()
        .select_related("municipality")
        .prefetch_related("languages")
        .order_by("family_name", "given_names", "pk")
    )


def export_workbook(volunteers: list[Volunteer], stream: IO[bytes]) -> None:
    """The volunteers in the columns of the list: importing the file changes nothing."""
    workbook = streaming_workbook()
    write_sheet(workbook, VOLUNTEER_SHEET, export_rows(volunteers))
    save_workbook(workbook, stream)


def export_name() -> str:
    return f"ehrenamtliche-{timezone.localdate():%Y-%m-%d}.xlsx"


# --- The report -------------------------------------------------------------------------------------------------

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


@dataclass
class Outcome:
    row: int
    name: str
    action: str
    changes: list[str] = field(default_factory=list)

    def as_list(self) -> list[Any]:
        return [self.row, self.name, self.action, list(self.changes)]


@dataclass
class VolunteerReport(ImportReport):
    outcomes: list[Outcome] = field(default_factory=list)

    def outcomes_of(self, action: str) -> list[Outcome]:
        return [outcome for outcome in self.outcomes if outcome.action == action]

    def count(self, action: str) -> int:
        return int(self.counts.get(SHEET_NAME, {}).get(action, 0))

    def as_json(self) -> dict[str, Any]:
        return {**super().as_json(), "outcomes": [outcome.as_list() for outcome in self.outcomes]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> VolunteerReport:
        report = super().from_json(data)
        assert isinstance(report, VolunteerReport)
        report.outcomes = [
            Outcome(row, name, action, [str(change) for change in changes])
            for row, name, action, changes in data.get("outcomes", [])
        ]
        return report

    def problem(self, row: int | None, column: str, value: Any, message: str) -> None:
        self.add_problems([Problem(SHEET_NAME, row, column, display(value), message)])


# --- Reading the file -------------------------------------------------------------------------------------------


def read_volunteer_list(name: str, content: bytes, report: VolunteerReport) -> TableRows | None:
    return read_one_table(
        name,
        content,
        SHEET_NAME,
        lambda message: report.problem(None, "", name, message),
        lambda numbered: _read_rows(name, numbered, report),
    )


def _read_rows(name: str, numbered: Iterator[tuple[int, list[Any]]], report: VolunteerReport) -> TableRows | None:
    report.counts = {SHEET_NAME: {CREATED: 0, UPDATED: 0, UNCHANGED: 0}}
    required = {_header_key(n) for c in COLUMNS if c.required for n in (c.header, c.field, *c.synonyms)}
    header: list[Any] | None = None
    header_number = 0
    seen_content = False
    for number, row in numbered:
        seen_content = seen_content or not is_empty_row(row)
        if any(_header_key(cell) in required for cell in row):
            header, header_number = list(row), number
            break
        if number >= HEADER_SEARCH_ROWS:
            break
    if header is None:
        if seen_content:
            report.problem(
                None,
                "Nachname",
                "",
                _("The header row was not found: no row names the column “%(column)s”.") % {"column": "Nachname"},
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
    values: dict[str, Any]
    record: Volunteer | None
    changed: list[str]
    languages_changed: bool
    status_changed: bool
    new_requirements: list[tuple[str, datetime.date]]


def _key(values: Mapping[str, Any]) -> tuple[str, str, str]:
    return (
        fold_code(values.get("family_name", "")),
        fold_code(values.get("given_names", "")),
        (values.get("email") or "").lower(),
    )


def _same(name: str, old: Any, new: Any) -> bool:
    if name in {"skills", "weekdays", "day_times"}:
        return set(old) == set(new)
    if name == "municipality":
        return getattr(old, "pk", old) == getattr(new, "pk", new)
    return bool(old == new)


def check_volunteer_list(
    name: str, content: bytes, organisation: Organisation, today: datetime.date
) -> tuple[VolunteerReport, list[Planned]]:
    """Read and check the list against the organisation's volunteers as they are now; nothing is written."""
    report = VolunteerReport()
    found = read_volunteer_list(name, content, report)
    if found is None:
        return report, []
    report.rows = {SHEET_NAME: len(found.rows)}
    municipalities = Municipalities.load()
    existing = list(
        Volunteer.objects.filter(organisation=organisation)
        .present()
        .select_related("municipality")
        .prefetch_related("languages")
    )
    by_id = {v.external_id: v for v in existing if v.external_id}
    by_key = {_key(v.__dict__): v for v in existing}
    met: set[tuple[int, str, datetime.date]] = set(
        Requirement.objects.filter(volunteer__organisation=organisation).values_list("volunteer_id", "kind", "met_on")
    )
    first_row: dict[Any, int] = {}
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
        if "family_name" in cells and not values.get("family_name") and "family_name" not in {p[0] for p in problems}:
            problems.append(("family_name", cells["family_name"], _("A volunteer needs a family name.")))
        external_id = values.get("external_id", "")
        key: Any = ("id", external_id) if external_id else ("name", _key(values))
        record = by_id.get(external_id) if external_id else by_key.get(_key(values))
        if record is None and external_id:
            # A volunteer imported before without an ID gets the list's ID.
            unnamed = by_key.get(_key(values))
            record = unnamed if unnamed is not None and not unnamed.external_id else None
        if key in first_row:
            problems.append(
                (
                    "external_id" if external_id else "family_name",
                    cells.get("external_id") if external_id else cells.get("family_name"),
                    _("The list names this volunteer twice (also in row %(row)s).") % {"row": first_row[key]},
                )
            )
        else:
            first_row[key] = number
        if record is None and not problems:
            problems.extend(_check_new(values, cells))
        if problems:
            for field_name, raw, message in sorted(problems, key=lambda p: order.get(p[0], len(order))):
                report.problem(number, found.headers.get(field_name, BY_FIELD[field_name].header), raw, message)
            continue
        planned.append(_plan(number, values, record, met))
    if not report.ok:
        return report, []
    counts = report.counts[SHEET_NAME]
    for item in planned:
        action = CREATED if item.record is None else UPDATED if _changes(item) else UNCHANGED
        counts[action] += 1
        name_shown = ", ".join(
            part for part in (item.values.get("family_name", ""), item.values.get("given_names", "")) if part
        )
        report.outcomes.append(
            Outcome(item.row, name_shown or (item.record.full_name if item.record else ""), action, _changes(item))
        )
    return report, planned


def _check_new(values: dict[str, Any], cells: Mapping[str, Any]) -> list[tuple[str, Any, str]]:
    problems: list[tuple[str, Any, str]] = []
    if values.get("consent_on") is None:
        problems.append(
            (
                "consent_on",
                cells.get("consent_on"),
                _("A volunteer is recorded only with their consent: enter the date they consented."),
            )
        )
    status = values.get("status") or VolunteerStatus.INTERESTED
    if status in (VolunteerStatus.PAUSED, VolunteerStatus.LEFT) and values.get("status_since") is None:
        problems.append(
            (
                "status",
                cells.get("status"),
                _("Give the date since when the volunteer has had this status (Status seit)."),
            )
        )
    if status == VolunteerStatus.LEFT and not values.get("left_reason"):
        problems.append(("status", cells.get("status"), _("Give the reason why the volunteer left.")))
    return problems


def _plan(
    number: int, values: dict[str, Any], record: Volunteer | None, met: set[tuple[int, str, datetime.date]]
) -> Planned:
    requirements = [(kind, values[name]) for name, kind in REQUIREMENT_COLUMNS.items() if values.get(name) is not None]
    if record is None:
        return Planned(number, values, None, [], bool(values.get("languages")), False, requirements)
    changed = [
        name for name in DETAIL_FIELDS if name in values and not _same(name, getattr(record, name), values[name])
    ]
    languages_changed = "languages" in values and set(values["languages"]) != {
        (row.language, row.proficiency) for row in record.languages.all()
    }
    status_changed = bool(values.get("status")) and values["status"] != record.status
    new_requirements = [(kind, on) for kind, on in requirements if (record.pk, kind, on) not in met]
    return Planned(number, values, record, changed, languages_changed, status_changed, new_requirements)


def _changes(item: Planned) -> list[str]:
    if item.record is None:
        return []
    labels = [BY_FIELD[name].header for name in item.changed]
    if item.languages_changed:
        labels.append(BY_FIELD["languages"].header)
    if item.status_changed:
        labels.append(BY_FIELD["status"].header)
    reverse_kinds = {kind: name for name, kind in REQUIREMENT_COLUMNS.items()}
    labels += [BY_FIELD[reverse_kinds[kind]].header for kind, _on in item.new_requirements]
    return labels


def _apply(planned: list[Planned], organisation: Organisation, acting_user: User | None, today: datetime.date) -> None:
    for item in planned:
        values = item.values
        if item.record is None:
            status = values.get("status") or VolunteerStatus.INTERESTED
            # A volunteer who paused or left is recorded as active first, then moved on that day (with the reason).
            first = status if status in (VolunteerStatus.INTERESTED, VolunteerStatus.ACTIVE) else VolunteerStatus.ACTIVE
            volunteer = services.register_volunteer(
                acting_user=acting_user,
                organisation=organisation,
                consent_on=values["consent_on"],
                languages=values.get("languages", []),
                status=first,
                status_since=values.get("status_since"),
                **{name: values[name] for name in DETAIL_FIELDS if name in values},
            )
            if first != status:
                services.change_status(
                    acting_user=acting_user,
                    volunteer=volunteer,
                    expected_version=volunteer.version,
                    status=status,
                    on=values["status_since"],
                    reason=values.get("left_reason", ""),
                )
        else:
            volunteer = item.record
            if item.changed or item.languages_changed:
                services.update_volunteer(
                    acting_user=acting_user,
                    volunteer=volunteer,
                    expected_version=volunteer.version,
                    languages=values["languages"] if item.languages_changed else None,
                    **{name: values[name] for name in item.changed},
                )
            if item.status_changed:
                services.change_status(
                    acting_user=acting_user,
                    volunteer=volunteer,
                    expected_version=volunteer.version,
                    status=values["status"],
                    on=values.get("status_since") or today,
                    reason=values.get("left_reason", ""),
                )
        for kind, on in item.new_requirements:
            services.add_requirement(acting_user=acting_user, volunteer=volunteer, kind=kind, met_on=on)


def import_volunteer_list(
    name: str, content: bytes, *, organisation: Organisation, acting_user: User | None, commit: bool
) -> VolunteerReport:
    """Check the list and, with ``commit`` and no problem, take it in: all rows or none."""
    require(acting_user, Capability.COORDINATE_VOLUNTEERS, organisation_id=organisation.pk)
    today = timezone.localdate()
    with transaction.atomic(), audit_context(acting_user, import_file=name):
        report, planned = check_volunteer_list(name, content, organisation, today)
        if not commit or not report.ok:
            return report
        try:
            with transaction.atomic():
                _apply(planned, organisation, acting_user, today)
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


class VolunteerListImporter(Importer):
    """A coordinator's list of volunteers into the organisation's volunteers."""

    kind = ImportKind.VOLUNTEERS
    upload_url = "volunteers:volunteer_import"
    detail_url = "volunteers:volunteer_import_detail"
    commit_url = "volunteers:volunteer_import_commit"
    discard_url = "volunteers:volunteer_import_discard"
    progress_url = "volunteers:volunteer_import_progress"
    restart_url = "volunteers:volunteer_import_restart"
    extra_template = "volunteers/volunteer/_import_outcomes.html"
    shows_person_data = True
    upload_megabytes = MAX_MEGABYTES

    def _run(
        self,
        files: Files,
        organisation: Organisation | None,
        acting_user: User | None,
        progress: Progress,
        *,
        commit: bool,
    ) -> VolunteerReport:
        if len(files) != 1:
            raise ValidationError(_("Choose a file."))
        if organisation is None:
            raise ValidationError(_("Name the organisation the volunteers belong to."))
        name, content = files[0]
        progress.phase(Phase.WRITING if commit else Phase.READING)
        return import_volunteer_list(name, content, organisation=organisation, acting_user=acting_user, commit=commit)

    def check(
        self,
        files: Files,
        *,
        organisation: Organisation | None,
        acting_user: User | None,
        progress: Progress = NO_PROGRESS,
    ) -> VolunteerReport:
        return self._run(files, organisation, acting_user, progress, commit=False)

    def commit(
        self,
        files: Files,
        *,
        organisation: Organisation | None,
        acting_user: User | None,
        progress: Progress = NO_PROGRESS,
    ) -> VolunteerReport:
        return self._run(files, organisation, acting_user, progress, commit=True)

    def report_from_json(self, data: Mapping[str, Any]) -> VolunteerReport:
        return VolunteerReport.from_json(dict(data))

    def report_context(self, report: Report) -> dict[str, Any]:
        assert isinstance(report, VolunteerReport)
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
            "The check found no problems. Nothing has been written yet: import the list to take over the changes below."
        )

    def committed_message(self) -> str:
        return _("The list of volunteers was imported.")

    def stale_message(self) -> str:
        return _("The volunteers changed since the check: the list now has problems. Nothing was imported.")

    def crumbs(self) -> list[tuple[str, str]]:
        return [
            (pgettext("persons", "Volunteers"), reverse("volunteers:volunteer_list")),
            (_("Import and export"), reverse(self.upload_url)),
        ]


VOLUNTEER_LIST = register(VolunteerListImporter())


def template_workbook(stream: IO[bytes]) -> None:
    """The list's header row with one example row."""
    example = {
        "external_id": "E-001",
        "family_name": "Beispiel",
        "given_names": "Maria",
        "gender": "w",
        "email": "maria.beispiel@example.org",
        "phone": "07141 123456",
        "street": "Marktplatz 1",
        "postal_code": "71634",
        "municipality": "Ludwigsburg",
        "district": "Innenstadt",
        "languages": "Deutsch (Muttersprache), Arabisch (fließend)",
        "skills": "Patenschaft, Dolmetschen",
        "weekdays": "Montag, Mittwoch",
        "day_times": "nachmittags",
        "availability_note": "",
        "migration_experience": YES,
        "max_sponsorships": 1,
        "started_on": "01.03.2025",
        "status": "aktiv",
        "status_since": "01.03.2025",
        "left_reason": "",
        "consent_on": "01.03.2025",
        "req_certificate": "15.03.2025",
        "req_confidentiality": "01.03.2025",
        "req_agreement": "01.03.2025",
        "req_training": "",
        "notes": "",
    }
    workbook = streaming_workbook()
    write_sheet(workbook, VOLUNTEER_SHEET, [[example[column.field] for column in COLUMNS]])
    save_workbook(workbook, stream)
