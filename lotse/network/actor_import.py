"""The actor import: the list of institutions a city keeps today (CSV or XLSX) into the directory.

1. Read: the first sheet of a workbook (or the one named "Akteure"), or a CSV
   file (UTF-8 with or without BOM, or Windows-1252 as Excel writes it; ``;``
   or ``,``). The header row names the columns in German, with the synonyms
   lists use ("Einrichtung" for "Name", "AGS" for "Gemeinde", ...).
2. Map: each cell as people type it (a category's name, "Ja"/"x", a decimal
   comma, a language's German name, a municipality's name or AGS) becomes the
   input of :class:`~lotse.network.forms.ActorForm`, which checks the row with
   the messages of the form.
3. Plan: an actor is known by its name and municipality. A row names a new
   actor (created), one in the directory (updated: only the cells that differ,
   and only the columns the list has), or changes nothing (unchanged), so
   importing the same list twice changes nothing.
4. Commit: every row in one transaction through the directory's services,
   with the importing user in the change history; any problem leaves the
   directory as it was.
"""

from __future__ import annotations

import csv
import functools
import io
import re
from collections.abc import Generator, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import PurePath
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lotse.core.choices import ImportKind
from lotse.core.export import add_sheet, append_row, save_workbook, streaming_workbook
from lotse.core.jobs import NO_PROGRESS, Phase, Progress
from lotse.core.models import Municipality, Organisation, User
from lotse.core.services import ConcurrentEditError, audit_context
from lotse.core.staged_import import Files, Importer, Report, register
from lotse.core.upload_guard import TableReader, Unreadable, open_csv, open_workbook
from lotse.imports.cells import CellError, code, code_list, display, fold_code, multiline_text, text
from lotse.imports.cells import ags as parse_ags
from lotse.imports.engine import ImportReport
from lotse.imports.export import write_sheet
from lotse.imports.workbook import (
    _UNREADABLE,
    HEADER_SEARCH_ROWS,
    OLE_MAGIC,
    XLSX_MAGIC,
    Column,
    Problem,
    SheetSpec,
    detect_encoding,
    normalise_header,
)
from lotse.network import services
from lotse.network.choices import Accessibility, OrganisationType, TargetGroup
from lotse.network.forms import ActorForm
from lotse.network.models import Actor, ActorCategory
from lotse.network.services import ACTOR_FIELDS, check_edits_network
from lotse.people.vocabulary import language_name, language_spellings

SHEET_NAME = "Akteure"
NOTES_SHEET = "Hinweise"
# A directory has some hundred actors; a longer list is most likely the wrong file.
MAX_ROWS = 5000
# A directory of a few hundred actors is a few hundred kilobytes; the casework workbook's limit is far too big.
MAX_MEGABYTES = 10
# The delimiter of a CSV file is told from its first rows, looked for in this many bytes.
_SAMPLE_BYTES = 1 << 20
# Where a list separates several values in one cell (as the workbook import does).
_SEPARATORS = re.compile(r"[,;/|\n]")
_COORDINATE_PLACES = Decimal("0.000001")
# The qualifier of an ISO language name, "(ab 1453)" in "Neugriechisch (ab 1453)".
_QUALIFIER = re.compile(r"\s*\(.*\)\s*")
YES = "Ja"
NO = "Nein"
_YES_WORDS = frozenset({"ja", "j", "x", "yes", "y", "1", "wahr", "true", "✓", "✔"})
_NO_WORDS = frozenset({"", "nein", "n", "no", "0", "falsch", "false", "-"})
TARGET_GROUP_ALIASES = {
    "Kinder": TargetGroup.KINDER_JUGENDLICHE,
    "Jugendliche": TargetGroup.KINDER_JUGENDLICHE,
    "Kinder und Jugendliche": TargetGroup.KINDER_JUGENDLICHE,
    "Seniorinnen und Senioren": TargetGroup.SENIOREN,
    "Geflüchtete Menschen": TargetGroup.GEFLUECHTETE,
    "Flüchtlinge": TargetGroup.GEFLUECHTETE,
    "Migranten": TargetGroup.NEUZUGEWANDERTE,
}
ACCESSIBILITY_ALIASES = {
    "ja": Accessibility.BARRIEREFREI,
    "x": Accessibility.BARRIEREFREI,
    "nein": Accessibility.NICHT,
    "teilweise barrierefrei": Accessibility.TEILWEISE,
    "nicht barrierefrei": Accessibility.NICHT,
}


@dataclass(frozen=True)
class ActorColumn:
    """One column of the list: its German header (as the template writes it), the synonyms lists use."""

    header: str
    field: str
    synonyms: tuple[str, ...] = ()
    required: bool = False


COLUMNS: tuple[ActorColumn, ...] = (
    ActorColumn("Name", "name", ("Einrichtung", "Akteur", "Bezeichnung", "Name der Einrichtung"), required=True),
    ActorColumn("Kategorie", "category", ("Kategorien", "Bereich", "Rubrik"), required=True),
    ActorColumn(
        "Art der Organisation",
        "organisation_type",
        ("Träger-Typ", "Trägertyp", "Trägerart", "Art des Trägers", "Organisationsart", "Organisationstyp", "Typ"),
    ),
    ActorColumn("Angebote", "services", ("Leistungen", "Angebot", "Beratungsangebote", "Beratungsangebot")),
    ActorColumn("Zielgruppen", "target_groups", ("Zielgruppe",)),
    ActorColumn("Sprachen", "languages", ("Sprache", "Beratungssprachen", "Beratungssprache")),
    ActorColumn("Straße", "street", ("Straße und Hausnummer", "Straße, Hausnummer", "Adresse", "Anschrift")),
    ActorColumn("PLZ", "postcode", ("Postleitzahl",)),
    ActorColumn("Ort", "town", ("Stadt", "Ortschaft")),
    ActorColumn("Gemeinde", "municipality", ("AGS", "Gemeindeschlüssel", "Kommune"), required=True),
    ActorColumn("Breitengrad", "latitude", ("Lat", "Latitude", "Breite", "geografische Breite")),
    ActorColumn("Längengrad", "longitude", ("Lon", "Lng", "Long", "Longitude", "Länge", "geografische Länge")),
    ActorColumn("Öffnungszeiten", "opening_hours", ("Sprechzeiten", "Öffnungs- und Sprechzeiten")),
    ActorColumn(
        "Ansprechperson",
        "contact_person",
        ("Kontaktperson", "Ansprechpartner", "Ansprechpartnerin", "Ansprechpartner/in"),
    ),
    ActorColumn("Telefon", "phone", ("Tel", "Tel.", "Telefonnummer")),
    ActorColumn("E-Mail", "email", ("Email", "Mail", "E-Mail-Adresse")),
    ActorColumn("Website", "website", ("Internet", "Internetseite", "Webseite", "Homepage", "URL")),
    ActorColumn("Barrierefreiheit", "accessibility", ("barrierefrei", "Zugang")),
    ActorColumn(
        "Termin nötig", "appointment_needed", ("Terminvereinbarung", "Termin", "Termin erforderlich", "nur mit Termin")
    ),
    ActorColumn("Öffentlich", "is_public", ("Veröffentlichen", "veröffentlicht", "öffentlich sichtbar")),
)
BY_FIELD = {column.field: column for column in COLUMNS}
# The sheet as the template and the export write it (header row in bold, through the workbook export).
ACTOR_SHEET = SheetSpec(SHEET_NAME, tuple(Column(column.header, column.required) for column in COLUMNS))
EXAMPLE_ROW: dict[str, Any] = {
    "name": "Migrationsberatung für erwachsene Zugewanderte (MBE)",
    "category": "Beratung",
    "organisation_type": "Wohlfahrtsverband",
    "services": "Beratung zu Aufenthalt, Sprachkursen, Arbeit und Wohnen",
    "target_groups": "Neuzugewanderte, Familien",
    "languages": "Deutsch, Arabisch, Englisch",
    "street": "Marktplatz 1",
    "postcode": "71634",
    "town": "Ludwigsburg",
    "municipality": "08118048",
    "latitude": "48,8975",
    "longitude": "9,1919",
    "opening_hours": "Mo–Fr 9–12 Uhr, Do 14–17 Uhr",
    "contact_person": "Frau Beispiel",
    "phone": "07141 123456",
    "email": "mbe@beispiel.de",
    "website": "www.beispiel.de",
    "accessibility": "barrierefrei",
    "appointment_needed": YES,
    "is_public": YES,
}


def _header_key(value: Any) -> str:
    """Headers compare without case, umlauts, surrounding space, a trailing colon or a required-star."""
    return normalise_header(value).rstrip(":* ").strip()


_HEADERS: dict[str, ActorColumn] = {
    _header_key(name): column for column in COLUMNS for name in (column.header, column.field, *column.synonyms)
}


# The report


@dataclass
class Outcome:
    """What a row does to the directory: ``created``, ``updated`` (with its changes) or ``unchanged``."""

    row: int
    name: str
    municipality: str
    action: str
    # (column as in the list, value in the directory, value in the list)
    changes: list[tuple[str, str, str]] = field(default_factory=list)

    def as_list(self) -> list[Any]:
        return [self.row, self.name, self.municipality, self.action, [list(change) for change in self.changes]]


CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


@dataclass
class ActorReport(ImportReport):
    """The workbook import's report (counts, problems, notices) and, per row, what it does."""

    outcomes: list[Outcome] = field(default_factory=list)

    def outcomes_of(self, action: str) -> list[Outcome]:
        return [outcome for outcome in self.outcomes if outcome.action == action]

    def count(self, action: str) -> int:
        return int(self.counts.get(SHEET_NAME, {}).get(action, 0))

    def as_json(self) -> dict[str, Any]:
        return {**super().as_json(), "outcomes": [outcome.as_list() for outcome in self.outcomes]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ActorReport:
        report = super().from_json(data)
        assert isinstance(report, ActorReport)
        report.outcomes = [
            Outcome(row, name, municipality, action, [(str(a), str(b), str(c)) for a, b, c in changes])
            for row, name, municipality, action, changes in data.get("outcomes", [])
        ]
        return report

    def problem(self, row: int | None, column: str, value: Any, message: str) -> None:
        self.add_problems([Problem(SHEET_NAME, row, column, display(value), message)])

    def text_lines(self) -> list[str]:
        lines = super().text_lines()
        for outcome in self.outcomes_of(UPDATED):
            changed = "; ".join(f"{column}: „{old}“ → „{new}“" for column, old, new in outcome.changes)
            lines.append(
                _("Row %(row)s, %(name)s: %(changes)s") % {"row": outcome.row, "name": outcome.name, "changes": changed}
            )
        return lines


# Reading the file

# The rows of a list, numbered as the spreadsheet shows them.
Numbered = Generator[tuple[int, list[Any]], None, None]


@dataclass
class ActorList:
    """The rows of the list: (row number as the spreadsheet shows it, {field: raw value})."""

    headers: dict[str, str] = field(default_factory=dict)  # field -> header as in the list, in its order
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)


def _is_empty(row: Iterable[Any]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in row)


def _table_rows(name: str, content: bytes, report: ActorReport) -> Numbered | None:
    """The numbered rows of the file (of its sheet "Akteure", or its first), or None when it cannot be read.

    The file is checked and parsed in a child process (``lotse.core.upload_guard``) whose rows stream in as
    they are taken; a file beyond a limit raises ``UploadRefused``.
    """
    if not content:
        report.problem(None, "", name, _("The file is empty."))
        return None
    suffix = PurePath(name).suffix.casefold()
    if content[:4] in (XLSX_MAGIC, OLE_MAGIC) or suffix in {".xlsx", ".xls", ".ods"}:
        return _workbook_rows(name, content, report)
    if suffix in {".csv", ".txt"}:
        return _csv_rows(name, content, report)
    report.problem(None, "", name, _("The file is neither an Excel workbook (.xlsx) nor a CSV file."))
    return None


def _taken(reader: TableReader, rows: Iterator[tuple[int, list[Any]]]) -> Numbered:
    """The rows, and the reader's child ended once they are taken or dropped."""
    with reader:
        yield from rows


def _workbook_rows(name: str, content: bytes, report: ActorReport) -> Numbered | None:
    try:
        reader = open_workbook(name, content)
    except Unreadable:
        report.problem(None, "", name, _("The file is damaged or not an Excel workbook (.xlsx)."))
        return None
    try:
        titles = reader.titles
        title = next((t for t in titles if fold_code(t) == fold_code(SHEET_NAME)), titles[0] if titles else None)
        if title is None:
            raise Unreadable(name)
        rows = reader.rows(titles.index(title))
    except Unreadable:
        reader.close()
        report.problem(None, "", name, _("The file is damaged or not an Excel workbook (.xlsx)."))
        return None
    except BaseException:
        reader.close()
        raise
    return _taken(reader, rows)


def _delimiter(sample: str) -> str:
    """German Excel writes semicolons, others commas (or tabs); quoted cells may hold either."""
    try:
        return csv.Sniffer().sniff(sample, delimiters=";,\t").delimiter
    except csv.Error:
        counts = {delimiter: sample.count(delimiter) for delimiter in (";", ",", "\t")}
        return max(counts, key=lambda delimiter: counts[delimiter])


def _csv_rows(name: str, content: bytes, report: ActorReport) -> Numbered | None:
    encoding = detect_encoding(io.BytesIO(content))
    if encoding is None:
        report.problem(None, "", name, _("The file is neither UTF-8 nor Windows-1252 encoded text."))
        return None
    head = content[:_SAMPLE_BYTES].decode(encoding, errors="ignore")
    sample = "\n".join(head.splitlines()[:HEADER_SEARCH_ROWS])
    reader = open_csv(name, content, encoding=encoding, delimiter=_delimiter(sample))
    try:
        # Records, numbered as Excel numbers its rows (a quoted cell may span lines).
        rows = reader.rows(0)
    except BaseException:
        reader.close()
        raise
    return _taken(reader, rows)


def read_actor_list(name: str, content: bytes, report: ActorReport) -> ActorList | None:
    """The list's rows by field; what is wrong with the file's shape goes into ``report``."""
    numbered = _table_rows(name, content, report)
    if numbered is None:
        return None
    try:
        return _read_rows(name, numbered, report)
    except _UNREADABLE:
        report.problem(None, "", name, _("The file cannot be read to its end; it is damaged."))
        return None
    finally:
        numbered.close()


def _read_rows(name: str, numbered: Iterator[tuple[int, list[Any]]], report: ActorReport) -> ActorList | None:
    report.counts = {SHEET_NAME: {CREATED: 0, UPDATED: 0, UNCHANGED: 0}}
    header: list[Any] | None = None
    header_number = 0
    required = {_header_key(n) for c in COLUMNS if c.required for n in (c.header, c.field, *c.synonyms)}
    seen_content = False
    for number, row in numbered:
        seen_content = seen_content or not _is_empty(row)
        if any(_header_key(cell) in required for cell in row):
            header, header_number = list(row), number
            break
        if number >= HEADER_SEARCH_ROWS:
            break
    if header is None:
        if seen_content:
            report.problem(
                None,
                "Name",
                "",
                _("The header row was not found: no row names the column “%(column)s”.") % {"column": "Name"},
            )
        else:
            report.problem(None, "", name, _("The file is empty."))
        return None
    result = ActorList()
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
            first = result.headers[column.field]
            message = (
                _("This column appears twice.")
                if _header_key(first) == key
                else _("The columns “%(first)s” and “%(second)s” mean the same; keep one of them.")
                % {"first": first, "second": label}
            )
            report.problem(header_number, label, label, message)
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
    try:
        for number, row in numbered:
            if _is_empty(row):
                continue
            width = len(row)
            result.rows.append(
                (number, {name: (row[index] if index < width else None) for name, index in positions.items()})
            )
            if len(result.rows) > MAX_ROWS:
                report.problem(
                    None,
                    "",
                    "",
                    _("The list has more than %(count)s rows; split it into smaller lists.") % {"count": MAX_ROWS},
                )
                return None
    except _UNREADABLE:
        report.problem(None, "", name, _("The file cannot be read to its end; it is damaged."))
        return None
    if not result.rows:
        report.problem(None, "", "", _("The list has no rows below its header row."))
        return None
    return result


# Vocabularies as lists write them


def _german(label: Any) -> str:
    with translation.override("de"):
        return str(label)


def _choice_table(choices: Iterable[tuple[str, Any]], aliases: Mapping[str, str]) -> dict[str, str]:
    """Folded spelling -> code: the code, the German and the English label, and the aliases."""
    table: dict[str, str] = {fold_code(alias): value for alias, value in aliases.items()}
    for value, label in choices:
        for language in ("en", "de"):
            with translation.override(language):
                table[fold_code(str(label))] = value
        table[fold_code(value)] = value
    return table


@functools.lru_cache(maxsize=1)
def language_table() -> dict[str, str]:
    """Folded spelling -> ISO 639-3 code: "Arabisch", "arabic", "ar", "ara", "Dari", "Farsi", ..."""
    table: dict[str, str] = {}
    for spelling, code_ in language_spellings().items():
        for part in re.split(r"[;,]", spelling):
            table.setdefault(fold_code(re.sub(_QUALIFIER, "", part)), code_)  # "Neugriechisch (ab 1453)"
    for spelling, code_ in language_spellings().items():
        for part in re.split(r"[;,]", spelling):
            table[fold_code(part)] = code_
    return table


def _language_label(code_: str) -> str:
    """The German name a list writes ("Arabisch"), or the code where the name holds a separator."""
    name = language_name(code_, "de")
    return code_ if _SEPARATORS.search(name) else name


def _label(value: str, choices: Any) -> str:
    label = _german(choices(value).label)
    return value if _SEPARATORS.search(label) else label


@dataclass
class Lookups:
    """The directory's categories and municipalities, and the vocabularies, loaded once per import."""

    categories: dict[str, int]
    category_names: list[str]
    municipality_by_ags: dict[str, int]
    municipality_by_name: dict[str, list[int]]
    municipality_names: dict[int, str]
    organisation_types: dict[str, str]
    target_groups: dict[str, str]
    accessibility: dict[str, str]

    @classmethod
    def load(cls) -> Lookups:
        categories: dict[str, int] = {}
        names: list[str] = []
        for pk, slug, name in ActorCategory.objects.order_by("position", "name").values_list("pk", "slug", "name"):
            categories[fold_code(slug)] = pk
            categories[fold_code(name)] = pk
            names.append(name)
        by_ags: dict[str, int] = {}
        by_name: dict[str, list[int]] = {}
        municipality_names: dict[int, str] = {}
        for pk, ags_, name in Municipality.objects.values_list("pk", "ags", "name"):
            by_ags[ags_] = pk
            by_name.setdefault(fold_code(name), []).append(pk)
            municipality_names[pk] = name
        return cls(
            categories=categories,
            category_names=names,
            municipality_by_ags=by_ags,
            municipality_by_name=by_name,
            municipality_names=municipality_names,
            organisation_types=_choice_table(OrganisationType.choices, {}),
            target_groups=_choice_table(TargetGroup.choices, TARGET_GROUP_ALIASES),
            accessibility=_choice_table(Accessibility.choices, ACCESSIBILITY_ALIASES),
        )

    def category(self, value: Any) -> int | str:
        raw = text(value)
        if not raw:
            return ""  # the form says it is required
        found = self.categories.get(fold_code(raw))
        if found is None:
            raise CellError(
                _("Unknown category. The categories are: %(names)s.") % {"names": ", ".join(self.category_names)}
            )
        return found

    def municipality(self, value: Any) -> int | str:
        raw = text(value)
        if not raw:
            return ""
        by_key = re.fullmatch(r".*\((\d{7,8})\)", raw)  # "Ludwigsburg (08118048)", as Lotse names it
        if by_key or raw.replace(" ", "").isdigit() or isinstance(value, int | float):
            key = parse_ags(by_key.group(1) if by_key else value)
            if key not in self.municipality_by_ags:
                raise CellError(_("No municipality with this official key (AGS) is known in Lotse."))
            return self.municipality_by_ags[key]
        found = self.municipality_by_name.get(fold_code(raw), [])
        if not found:
            raise CellError(_("Unknown municipality. Give its official key (AGS) or its name as Lotse knows it."))
        if len(found) > 1:
            raise CellError(_("Several municipalities have this name; give the official key (AGS)."))
        return found[0]


def _choice(value: Any, table: dict[str, str], choices: Any, default: str) -> str:
    if not text(value):
        return default
    return code(value, table, allowed=[_german(label) for _value, label in choices.choices])


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    word = fold_code(text(value))
    if word in _YES_WORDS:
        return True
    if word in _NO_WORDS:
        return False
    raise CellError(_("Write “Ja” or “Nein” (or “x” for yes, an empty cell for no)."))


def _coordinate(value: Any) -> str:
    """A number with a decimal point or comma, rounded to six places (ten centimetres)."""
    if value is None or isinstance(value, bool):
        return ""
    raw = str(value) if isinstance(value, int | float) else text(value).replace(",", ".").rstrip("°").strip()
    if not raw:
        return ""
    try:
        number = Decimal(raw)
    except InvalidOperation:
        return raw  # the form says it is not a number
    if not number.is_finite():
        return raw
    return str(number.quantize(_COORDINATE_PLACES, rounding=ROUND_HALF_UP).normalize())


def _postcode(value: Any) -> str:
    # Excel drops the leading zero of a postcode typed as a number (01067 Dresden).
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
        return str(int(value)).zfill(5)
    return text(value)


def form_value(name: str, value: Any, lookups: Lookups) -> Any:
    """The form input of one cell; CellError when the cell names nothing Lotse knows."""
    if name == "category":
        return lookups.category(value)
    if name == "municipality":
        return lookups.municipality(value)
    if name == "organisation_type":
        return _choice(value, lookups.organisation_types, OrganisationType, OrganisationType.SONSTIGE)
    if name == "accessibility":
        return _choice(value, lookups.accessibility, Accessibility, Accessibility.UNBEKANNT)
    if name == "target_groups":
        return code_list(value, lookups.target_groups, what=_("target group"))
    if name == "languages":
        return code_list(value, language_table(), what=_("language"))
    if name in {"latitude", "longitude"}:
        return _coordinate(value)
    if name in {"appointment_needed", "is_public"}:
        return _boolean(value)
    if name == "postcode":
        return _postcode(value)
    if name in {"services", "opening_hours"}:
        return multiline_text(value)
    return text(value)


def _form_data(actor: Actor | None) -> dict[str, Any]:
    """The form input that keeps an actor as it is (the defaults for a new one)."""
    if actor is None:
        return {
            "organisation_type": OrganisationType.SONSTIGE,
            "accessibility": Accessibility.UNBEKANNT,
            "target_groups": [],
            "languages": [],
            "appointment_needed": False,
            "is_public": False,
        }
    data: dict[str, Any] = {name: getattr(actor, name) for name in ACTOR_FIELDS}
    data["category"] = actor.category_id
    data["municipality"] = actor.municipality_id
    for name in ("latitude", "longitude"):
        data[name] = "" if data[name] is None else str(data[name])
    return data


# Values as the list writes them (export, and the changes of the report)


def cell_value(name: str, value: Any) -> Any:
    """A field's value as the list writes it; importing it gives the value back."""
    if name == "category":
        return value.name if isinstance(value, ActorCategory) else str(value)
    if name == "municipality":
        return value.ags if isinstance(value, Municipality) else str(value)
    if name == "organisation_type":
        return _label(value, OrganisationType)
    if name == "accessibility":
        return _label(value, Accessibility)
    if name == "target_groups":
        return ", ".join(_label(item, TargetGroup) for item in value)
    if name == "languages":
        return ", ".join(_language_label(item) for item in value)
    if name in {"appointment_needed", "is_public"}:
        return YES if value else NO
    if name in {"latitude", "longitude"}:
        return value if value is None else Decimal(value)
    return value or ""


def _shown(name: str, value: Any, lookups: Lookups) -> str:
    if name == "municipality":
        pk = value.pk if isinstance(value, Municipality) else value
        return lookups.municipality_names.get(pk, str(pk))
    shown = cell_value(name, value)
    if isinstance(shown, Decimal):
        return str(shown.normalize())
    return "" if shown is None else str(shown)


def _same(name: str, old: Any, new: Any) -> bool:
    if name in {"languages", "target_groups"}:  # the order of the codes means nothing
        return set(old) == set(new)
    if name in {"category", "municipality"}:
        return bool(getattr(old, "pk", old) == getattr(new, "pk", new))
    if name in {"latitude", "longitude"}:
        return (old is None and new is None) or (old is not None and new is not None and Decimal(old) == Decimal(new))
    return bool(old == new)


# Checking and planning


@dataclass
class Planned:
    """A checked row: the actor's fields, the record it updates (None: created) and the fields that change."""

    row: int
    fields: dict[str, Any]
    record: Actor | None
    changed: list[str]


def check_actor_list(name: str, content: bytes) -> tuple[ActorReport, list[Planned]]:
    """Read and check the list against the directory as it is now; nothing is written."""
    report = ActorReport()
    actors = read_actor_list(name, content, report)
    if actors is None:
        return report, []
    lookups = Lookups.load()
    report.rows = {SHEET_NAME: len(actors.rows)}
    existing = {
        (record.name, record.municipality_id): record
        for record in Actor.objects.select_related("category", "municipality")
    }
    first_row: dict[tuple[str, int], int] = {}
    planned: list[Planned] = []
    for number, cells in actors.rows:
        item = _check_row(number, cells, actors, lookups, existing, first_row, report)
        if item is not None:
            planned.append(item)
    if not report.ok:
        return report, []
    counts = report.counts[SHEET_NAME]
    for item in planned:
        action = CREATED if item.record is None else UPDATED if item.changed else UNCHANGED
        counts[action] += 1
        changes = (
            [
                (
                    actors.headers.get(field_name, BY_FIELD[field_name].header),
                    _shown(field_name, getattr(item.record, field_name), lookups),
                    _shown(field_name, item.fields[field_name], lookups),
                )
                for field_name in item.changed
            ]
            if item.record is not None
            else []
        )
        report.outcomes.append(
            Outcome(
                item.row,
                item.fields["name"],
                _shown("municipality", item.fields["municipality"], lookups),
                action,
                changes,
            )
        )
    return report, planned


def _check_row(
    number: int,
    cells: dict[str, Any],
    actors: ActorList,
    lookups: Lookups,
    existing: dict[tuple[str, int], Actor],
    first_row: dict[tuple[str, int], int],
    report: ActorReport,
) -> Planned | None:
    values: dict[str, Any] = {}
    found: list[tuple[str, Any, str]] = []  # (field, cell, message)
    for name, value in cells.items():
        try:
            values[name] = form_value(name, value, lookups)
        except CellError as error:
            found.append((name, value, error.message))
    bad = {name for name, _value, _message in found}
    key = (values.get("name", ""), values.get("municipality", ""))
    known = bool(key[0]) and isinstance(key[1], int)
    if known and key in first_row:
        message = _("The list names this actor in this municipality twice (also in row %(row)s).")
        found.append(("name", cells["name"], message % {"row": first_row[key]}))
    elif known:
        first_row[key] = number
    record = existing.get(key) if known else None
    data = _form_data(record)
    data.update(values)
    for name in bad & {"category", "municipality"}:
        data[name] = ""
    form = ActorForm(data=data)
    form.is_valid()
    for name, messages in form.errors.items():
        if name not in bad:  # a cell the import could not read is reported once, in the import's words
            found.extend((name, cells.get(name), str(message)) for message in messages)
    if found:
        order = {name: index for index, name in enumerate(actors.headers)}
        for name, value, message in sorted(found, key=lambda item: order.get(item[0], len(order))):
            column = actors.headers.get(name, BY_FIELD[name].header if name in BY_FIELD else "")
            report.problem(number, column, value, message)
        return None
    fields = form.actor_fields()
    changed = [] if record is None else [n for n in ACTOR_FIELDS if not _same(n, getattr(record, n), fields[n])]
    return Planned(number, fields, record, changed)


def _apply(planned: list[Planned], acting_user: User | None) -> None:
    for item in planned:
        if item.record is None:
            services.create_actor(acting_user=acting_user, **item.fields)
        elif item.changed:
            services.update_actor(
                acting_user=acting_user,
                record=item.record,
                expected_version=item.record.version,
                **{name: item.fields[name] for name in item.changed},
            )


def import_actor_list(name: str, content: bytes, *, acting_user: User | None, commit: bool) -> ActorReport:
    """Check the list and, with ``commit`` and no problem, take it into the directory: all rows or none."""
    check_edits_network(acting_user)
    with transaction.atomic(), audit_context(acting_user, import_file=name):
        report, planned = check_actor_list(name, content)
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
                    _("The directory changed while importing: %(message)s Nothing was imported.")
                    % {"message": message},
                )
            return report
        report.committed = True
    return report


# The list as a kind of staged import (upload, check, commit or discard: lotse.core.staged_import)


class ActorListImporter(Importer):
    """A city's list of actors into the network directory, which is one for the installation."""

    kind = ImportKind.ACTORS
    per_organisation = False
    upload_url = "network:actor_import"
    detail_url = "network:actor_import_detail"
    commit_url = "network:actor_import_commit"
    discard_url = "network:actor_import_discard"
    progress_url = "network:actor_import_progress"
    restart_url = "network:actor_import_restart"
    extra_template = "network/import/_outcomes.html"
    upload_megabytes = MAX_MEGABYTES

    def _run(self, files: Files, acting_user: User | None, progress: Progress, *, commit: bool) -> ActorReport:
        if len(files) != 1:
            raise ValidationError(_("Choose a file."))
        name, content = files[0]
        # A list of actors is short: its phases are all the progress there is to show.
        progress.phase(Phase.WRITING if commit else Phase.READING)
        return import_actor_list(name, content, acting_user=acting_user, commit=commit)

    def check(
        self,
        files: Files,
        *,
        organisation: Organisation | None,
        acting_user: User | None,
        progress: Progress = NO_PROGRESS,
    ) -> ActorReport:
        return self._run(files, acting_user, progress, commit=False)

    def commit(
        self,
        files: Files,
        *,
        organisation: Organisation | None,
        acting_user: User | None,
        progress: Progress = NO_PROGRESS,
    ) -> ActorReport:
        return self._run(files, acting_user, progress, commit=True)

    def report_from_json(self, data: Mapping[str, Any]) -> ActorReport:
        return ActorReport.from_json(dict(data))

    def report_context(self, report: Report) -> dict[str, Any]:
        assert isinstance(report, ActorReport)
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
        return _("The list was imported into the directory.")

    def stale_message(self) -> str:
        return _("The directory changed since the check: the list now has problems. Nothing was imported.")

    def crumbs(self) -> list[tuple[str, str]]:
        return [
            (_("Network of actors"), reverse("network:actor_list")),
            (_("Import and export"), reverse(self.upload_url)),
        ]


ACTOR_LIST = register(ActorListImporter())


# Template and export


def _notes(lookups: Lookups) -> list[list[str]]:
    with translation.override("de"):
        rows: list[list[str]] = [
            [_("List of actors: one row per actor. Column order is free; unknown columns are ignored.")],
            [_("An actor already in the directory (same name and municipality) is updated, the others are created.")],
            [],
            [_("Column"), _("Also named"), _("Content")],
        ]
        contents = {
            "name": _("required"),
            "category": _("required: %(names)s") % {"names": ", ".join(lookups.category_names)},
            "organisation_type": ", ".join(str(label) for _v, label in OrganisationType.choices),
            "target_groups": _("several separated by commas: %(names)s")
            % {"names": ", ".join(str(label) for _v, label in TargetGroup.choices)},
            "languages": _("German names or ISO 639-3 codes (ara, prs, ukr), separated by commas"),
            "municipality": _("required: official municipality key (AGS, 8 digits) or the name"),
            "latitude": _("decimal number, e.g. 48,8975"),
            "longitude": _("decimal number, e.g. 9,1919"),
            "accessibility": ", ".join(str(label) for _v, label in Accessibility.choices),
            "appointment_needed": _("Ja or Nein (x for yes, empty for no)"),
            "is_public": _("Ja or Nein: shown on the public city map and info sheets"),
            "website": _("with or without https://"),
        }
        rows += [[c.header, "; ".join(c.synonyms), contents.get(c.field, "")] for c in COLUMNS]
    return rows


def template_workbook(stream: IO[bytes]) -> None:
    """The list's header row with one example row, and a sheet of notes."""
    workbook = streaming_workbook()
    write_sheet(workbook, ACTOR_SHEET, [[EXAMPLE_ROW[column.field] for column in COLUMNS]])
    notes = add_sheet(workbook, NOTES_SHEET)
    for row in _notes(Lookups.load()):
        append_row(notes, row)
    save_workbook(workbook, stream)


def export_workbook(stream: IO[bytes]) -> None:
    """The whole directory in the columns of the list: importing it changes nothing."""
    actors = Actor.objects.select_related("category", "municipality").order_by("name", "municipality__name", "pk")
    workbook = streaming_workbook()
    with translation.override("de"):
        rows = [[cell_value(column.field, getattr(record, column.field)) for column in COLUMNS] for record in actors]
    write_sheet(workbook, ACTOR_SHEET, rows)
    save_workbook(workbook, stream)


def export_name() -> str:
    return f"akteure-{timezone.localdate():%Y-%m-%d}.xlsx"
