"""The Lotse workbook: its sheets and columns, and reading them from XLSX or CSV.

Reading streams: workbooks are read with calamine (a Rust reader, about
fifteen times faster than openpyxl) one sheet at a time, its rows handed to
Python one by one; CSV is decoded as it is read. Both are checked and parsed
in a child process with limits on its memory and time
(``lotse.core.upload_guard``), so a hostile file cannot take a worker down. A workbook of 100,000
persons never becomes an object graph in Python. Everything the user got wrong in the file's shape
(not an XLSX, an unknown sheet, a missing column) becomes a Problem, never
an exception.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import IO, Any, TypeVar
from xml.etree.ElementTree import ParseError

import python_calamine
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lotse.core.upload_guard import TableReader, Unreadable, open_csv, open_workbook
from lotse.imports.cells import fold_code


@dataclass(frozen=True)
class Column:
    header: str
    required: bool = True  # the column must be present (its cells may still be empty)


@dataclass(frozen=True)
class SheetSpec:
    name: str
    columns: tuple[Column, ...]
    description: Any = ""

    @property
    def key(self) -> str:
        """The first column: the header row is the first row that names it."""
        return self.columns[0].header

    @property
    def headers(self) -> list[str]:
        return [column.header for column in self.columns]


PERSONS = SheetSpec(
    "Personen",
    (
        Column("Personen-ID"),
        Column("Haushalts-ID"),
        Column("Familienname"),
        Column("Vorname"),
        Column("Geburtsdatum"),
        Column("Geschlecht"),
        Column("Staatsangehörigkeit"),
        Column("Sprachen"),
        Column("Gemeinde"),
    ),
    gettext_lazy("one row per person"),
)
CASES = SheetSpec(
    "Fälle",
    (
        Column("Fall-ID"),
        Column("Haushalts-ID"),
        Column("Träger"),
        Column("Gemeinde"),
        Column("Beginn"),
        Column("Ende"),
        Column("Abschlussgrund"),
        Column("Fallverantwortung", required=False),
    ),
    gettext_lazy("one row per case; every person of the household is a client"),
)
RESIDENCE = SheetSpec(
    "Aufenthalt",
    (
        Column("Personen-ID"),
        Column("gültig ab"),
        Column("Status"),
        Column("Rechtsgrundlage"),
        Column("gültig bis"),
    ),
    gettext_lazy("residence status over time"),
)
LANGUAGE = SheetSpec(
    "Sprachstand",
    (Column("Personen-ID"), Column("Datum"), Column("Niveau"), Column("Nachweis")),
    gettext_lazy("German language level over time"),
)
WORK = SheetSpec(
    "Erwerb",
    (Column("Personen-ID"), Column("gültig ab"), Column("Situation")),
    gettext_lazy("work situation over time"),
)
HOUSING = SheetSpec(
    "Wohnen",
    (Column("Personen-ID"), Column("gültig ab"), Column("Situation"), Column("Gemeinde")),
    gettext_lazy("housing situation over time"),
)
CONTACTS = SheetSpec(
    "Kontakte",
    (
        Column("Fall-ID"),
        Column("Datum"),
        Column("Dauer (Minuten)"),
        Column("Form"),
        Column("Themen"),
        Column("Dolmetschung"),
        Column("Notiz"),
    ),
    gettext_lazy("counselling contacts"),
)
SHELTERS = SheetSpec(
    "Unterkünfte",
    (
        Column("Unterkunfts-ID"),
        Column("Name"),
        Column("Art"),
        Column("Gemeinde"),
        Column("Straße"),
        Column("PLZ"),
        Column("Träger"),
        Column("Barrierefreiheit"),
        Column("in Betrieb ab"),
        Column("in Betrieb bis"),
    ),
    gettext_lazy("one row per shelter of the importing organisation"),
)
PLACES = SheetSpec(
    "Plätze",
    (
        Column("Unterkunfts-ID"),
        Column("Wohneinheit"),
        Column("Platz"),
        Column("verfügbar ab"),
        Column("verfügbar bis"),
    ),
    gettext_lazy("one row per place (bed) of a shelter"),
)
STAYS = SheetSpec(
    "Belegungen",
    (
        Column("Personen-ID"),
        Column("Unterkunfts-ID"),
        Column("Wohneinheit"),
        Column("Platz"),
        Column("Einzug"),
        Column("Auszug"),
        Column("Auszugsgrund"),
        Column("Grundlage"),
    ),
    gettext_lazy("one row per stay of a person on a place"),
)
ASSIGNMENTS = SheetSpec(
    "Zuweisungen",
    (
        Column("Zuweisungs-ID"),
        Column("Datum"),
        Column("Gemeinde"),
        Column("Aktenzeichen"),
        Column("Personen-ID"),
        Column("geplante Ankunft", required=False),
        Column("künftige Unterkunfts-ID", required=False),
        Column("künftige Anschrift", required=False),
    ),
    gettext_lazy("one row per assigned person (an assignment of several persons has several rows with its ID)"),
)

# How the sheet Sprachstand writes the evidence of a language level (code -> name in the format).
EVIDENCE_NAMES: dict[str, str] = {"zertifikat": "Zertifikat", "einschaetzung": "Einschätzung"}

SHEETS: tuple[SheetSpec, ...] = (
    PERSONS,
    CASES,
    RESIDENCE,
    LANGUAGE,
    WORK,
    HOUSING,
    CONTACTS,
    SHELTERS,
    PLACES,
    STAYS,
    ASSIGNMENTS,
)
# Sheets a workbook may carry for its readers; the import skips them.
NOTE_SHEETS = ("Hinweise", "Codes")
_BY_FOLDED_NAME = {fold_code(spec.name): spec for spec in SHEETS}
_NOTE_NAMES = {fold_code(name) for name in NOTE_SHEETS}
# The first columns of the sheets: a sheet of another name that names one looks like a sheet of the workbook.
_KEY_HEADERS = {fold_code(spec.key) for spec in SHEETS}
# The header row is looked for in the first rows only (a title above it is fine).
HEADER_SEARCH_ROWS = 20
T = TypeVar("T")
# The delimiter of a CSV file is told from its first line, looked for in this many bytes.
_SAMPLE_BYTES = 1 << 20

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls format, which calamine reads too
# What a damaged file raises while it is read.
_UNREADABLE = (
    python_calamine.CalamineError,
    csv.Error,
    zipfile.BadZipFile,
    ParseError,
    SyntaxError,
    KeyError,
    ValueError,
    OSError,
    EOFError,
    UnicodeDecodeError,
)


@dataclass
class Problem:
    sheet: str
    row: int | None
    column: str
    value: str
    message: str

    def as_list(self) -> list[Any]:
        return [self.sheet, self.row, self.column, self.value, self.message]


@dataclass
class SheetRows:
    """The data rows of one sheet: (row number as the spreadsheet shows it, {header: raw value})."""

    spec: SheetSpec
    source: str
    rows: Iterator[tuple[int, dict[str, Any]]]
    # About how many data rows the sheet has (the rows it spans below its header), for the progress.
    expected: int | None = None


@dataclass
class Source:
    """One uploaded file: an XLSX workbook or one CSV file per sheet."""

    name: str
    stream: IO[bytes]


@dataclass
class ReadResult:
    problems: list[Problem] = field(default_factory=list)
    notices: list[Problem] = field(default_factory=list)


def normalise_header(value: Any) -> str:
    """Headers compare like codes ("gueltig ab" is "gültig ab"), whitespace inside collapsed."""
    if value is None:
        return ""
    return fold_code(" ".join(str(value).split()))


def sheet_for(name: str) -> SheetSpec | None:
    return _BY_FOLDED_NAME.get(fold_code(" ".join(name.split())))


def _other_sheet(numbered: Iterator[tuple[int, tuple[Any, ...] | list[Any]]]) -> tuple[bool, bool]:
    """(has content, looks like a sheet of the workbook) of a sheet of another name.

    It looks like one when a row among the first ones names the first column of a sheet of the workbook
    (``Personen-ID``, ``Fall-ID``, ``Unterkunfts-ID``, ``Zuweisungs-ID``): most likely a sheet renamed by
    mistake ("Personen (2)"), whose rows must not be left behind unnoticed.
    """
    content = False
    for number, row in numbered:
        if not _is_empty(row):
            content = True
            if any(normalise_header(cell) in _KEY_HEADERS for cell in row):
                return True, True
        if content and number >= HEADER_SEARCH_ROWS:
            break
    return content, False


def _is_empty(row: tuple[Any, ...] | list[Any]) -> bool:
    for cell in row:
        if cell is None:
            continue
        if not isinstance(cell, str) or cell.strip():
            return False
    return True


def _rows_of(
    spec: SheetSpec,
    source: str,
    numbered: Iterator[tuple[int, tuple[Any, ...] | list[Any]]],
    result: ReadResult,
    spanned: int = 0,
) -> SheetRows | None:
    """Find the header row, check the columns, and yield the data rows as dicts."""
    wanted = {normalise_header(header): header for header in spec.headers}
    header_row: tuple[Any, ...] | list[Any] | None = None
    header_number = 0
    for number, row in numbered:
        if any(normalise_header(cell) == normalise_header(spec.key) for cell in row):
            header_row, header_number = row, number
            break
        if number >= HEADER_SEARCH_ROWS:
            break
    if header_row is None:
        result.problems.append(
            Problem(
                spec.name,
                None,
                spec.key,
                "",
                _("The header row was not found: no row names the column “%(column)s”.") % {"column": spec.key},
            )
        )
        return None
    positions: dict[str, int] = {}
    for index, cell in enumerate(header_row):
        normalised = normalise_header(cell)
        if not normalised:
            continue  # an empty header: the tail of a merged header cell, or an unused column
        header = wanted.get(normalised)
        if header is None:
            result.notices.append(
                Problem(
                    spec.name,
                    header_number,
                    str(cell).strip(),
                    str(cell).strip(),
                    _("Unknown column; it is ignored."),
                )
            )
        elif header in positions:
            result.problems.append(Problem(spec.name, header_number, header, header, _("This column appears twice.")))
        else:
            positions[header] = index
    missing = [column.header for column in spec.columns if column.required and column.header not in positions]
    for header in missing:
        result.problems.append(
            Problem(spec.name, header_number, header, "", _("The column “%(column)s” is missing.") % {"column": header})
        )
    if missing:
        return None

    headers = list(positions)
    indexes = list(positions.values())
    needed = max(indexes) + 1

    def data() -> Iterator[tuple[int, dict[str, Any]]]:
        try:
            for number, row in numbered:
                if len(row) >= needed:
                    values = [row[index] for index in indexes]
                else:
                    width = len(row)
                    values = [row[index] if index < width else None for index in indexes]
                # A row with nothing in the sheet's columns is an empty row, even if an ignored column (a running
                # number filled down past the data, a remark) holds something.
                if _is_empty(values):
                    continue
                yield number, dict(zip(headers, values, strict=True))
        except _UNREADABLE:
            result.problems.append(
                Problem(spec.name, None, "", source, _("The file cannot be read to its end; it is damaged."))
            )

    return SheetRows(spec, source, data(), max(spanned - header_number, 0) or None)


def _claim(spec: SheetSpec, source: str, seen: dict[str, str], result: ReadResult) -> bool:
    if spec.name in seen:
        result.problems.append(
            Problem(
                spec.name,
                None,
                "",
                source,
                _("The sheet “%(sheet)s” is given twice (%(first)s and %(second)s).")
                % {"sheet": spec.name, "first": seen[spec.name], "second": source},
            )
        )
        return False
    seen[spec.name] = source
    return True


def _unknown_sheet(name: str, source: str) -> Problem:
    return Problem(
        name,
        None,
        "",
        source,
        _("Unknown sheet “%(name)s”. The sheets are named: %(names)s.")
        % {"name": name, "names": ", ".join(spec.name for spec in SHEETS)},
    )


def read_sources(sources: list[Source], result: ReadResult) -> Iterator[SheetRows]:
    """Yield each known sheet of the uploaded files; file-shape problems go into ``result``."""
    seen: dict[str, str] = {}
    for source in sources:
        head = source.stream.read(4)
        source.stream.seek(0)
        suffix = PurePath(source.name).suffix.casefold()
        if head in (XLSX_MAGIC, OLE_MAGIC) or suffix in {".xlsx", ".xls", ".ods"}:
            yield from _read_workbook(source, seen, result)
        elif suffix in {".csv", ".txt"}:
            yield from _read_csv(source, seen, result)
        else:
            result.problems.append(
                Problem("", None, "", source.name, _("The file is neither an Excel workbook (.xlsx) nor a CSV file."))
            )


def _read_workbook(source: Source, seen: dict[str, str], result: ReadResult) -> Iterator[SheetRows]:
    """XLSX (and the old XLS and ODS) through calamine, checked and parsed in a child process.

    One sheet at a time, its rows streamed back in chunks (``lotse.core.upload_guard``); a file beyond a
    limit raises ``UploadRefused``.
    """
    try:
        reader = open_workbook(source.name, source.stream.read())
    except Unreadable:
        result.problems.append(
            Problem("", None, "", source.name, _("The file is damaged or not an Excel workbook (.xlsx)."))
        )
        return
    with reader:
        for index, title in enumerate(reader.titles):
            spec = sheet_for(title)
            try:
                numbered = reader.rows(index)
            except Unreadable:
                result.problems.append(
                    Problem(title, None, "", source.name, _("The sheet is damaged and cannot be read."))
                )
                continue
            if spec is None:
                if fold_code(title) in _NOTE_NAMES:
                    continue
                content, ours = _other_sheet(numbered)
                if not content:
                    continue
                if reader.hidden[index]:
                    # A hidden sheet of another name (the lists behind drop-downs): said, not refused.
                    result.notices.append(Problem(title, None, "", source.name, _("Hidden sheet; it is not imported.")))
                elif ours:
                    result.problems.append(_unknown_sheet(title, source.name))
                else:
                    # Notes on filling in, an evaluation, a pivot table: said, not refused.
                    result.notices.append(
                        Problem(
                            title,
                            None,
                            "",
                            source.name,
                            _("This sheet has none of the workbook's columns; it is not imported."),
                        )
                    )
                continue
            if not _claim(spec, f"{source.name}: {title}", seen, result):
                continue
            rows = _rows_of(spec, source.name, numbered, result, reader.row_count)
            if rows is not None:
                yield rows


def detect_encoding(stream: IO[bytes]) -> str | None:
    """UTF-8 (with or without BOM) when the whole file decodes as such, else Windows-1252."""
    decoder: codecs.IncrementalDecoder = codecs.getincrementaldecoder("utf-8")()
    stream.seek(0)
    try:
        while chunk := stream.read(1 << 20):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
        encoding = "utf-8-sig"
    except UnicodeDecodeError:
        encoding = "cp1252"
        stream.seek(0)
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            while chunk := stream.read(1 << 20):
                decoder.decode(chunk)
        except UnicodeDecodeError:
            return None
    stream.seek(0)
    return encoding


def _delimiter(first_line: str) -> str:
    """The German Excel writes semicolons, others commas (or tabs)."""
    counts = {delimiter: first_line.count(delimiter) for delimiter in (";", ",", "\t")}
    return max(counts, key=lambda delimiter: counts[delimiter]) if any(counts.values()) else ";"


def _read_csv(source: Source, seen: dict[str, str], result: ReadResult) -> Iterator[SheetRows]:
    stem = PurePath(source.name).stem
    spec = sheet_for(stem)
    if spec is None:
        result.problems.append(
            Problem(
                stem,
                None,
                "",
                source.name,
                _("A CSV file is named after its sheet, e.g. “Personen.csv”. Known sheets: %(names)s.")
                % {"names": ", ".join(spec.name for spec in SHEETS)},
            )
        )
        return
    encoding = detect_encoding(source.stream)
    if encoding is None:
        result.problems.append(
            Problem(spec.name, None, "", source.name, _("The file is neither UTF-8 nor Windows-1252 encoded text."))
        )
        return
    if not _claim(spec, source.name, seen, result):
        return
    content = source.stream.read()
    first_line = next(iter(content[:_SAMPLE_BYTES].decode(encoding, errors="ignore").splitlines()), "")
    with open_csv(source.name, content, encoding=encoding, delimiter=_delimiter(first_line)) as reader:
        try:
            # Records, as Excel numbers its rows (a cell may span lines).
            numbered = reader.rows(0)
            sheet = _rows_of(spec, source.name, numbered, result, reader.row_count)
            if sheet is not None:
                yield sheet
        except Unreadable as error:
            result.problems.append(
                Problem(
                    spec.name, None, "", source.name, _("The CSV file cannot be read: %(error)s") % {"error": error}
                )
            )


# --- A list of one table (the volunteer list, the rent limits): an Excel workbook's sheet or a CSV file ---------


def is_empty_row(row: list[Any]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in row)


def _taken(reader: TableReader, rows: Iterator[tuple[int, list[Any]]]) -> Iterator[tuple[int, list[Any]]]:
    with reader:
        yield from rows


def _one_table_rows(
    name: str, content: bytes, sheet_name: str, problem: Callable[[str], None]
) -> Iterator[tuple[int, list[Any]]] | None:
    """The numbered rows of the sheet named ``sheet_name`` (else the first) of a workbook, or of a CSV file with its
    encoding and delimiter told from the file; None after ``problem`` was told why the file cannot be read."""
    if not content:
        problem(_("The file is empty."))
        return None
    suffix = PurePath(name).suffix.casefold()
    if content[:4] in (XLSX_MAGIC, OLE_MAGIC) or suffix in {".xlsx", ".xls", ".ods"}:
        try:
            reader = open_workbook(name, content)
        except Unreadable:
            problem(_("The file is damaged or not an Excel workbook (.xlsx)."))
            return None
        try:
            titles = reader.titles
            if not titles:
                raise Unreadable(name)
            title = next((t for t in titles if fold_code(t) == fold_code(sheet_name)), titles[0])
            rows = reader.rows(titles.index(title))
        except Unreadable:
            reader.close()
            problem(_("The file is damaged or not an Excel workbook (.xlsx)."))
            return None
        return _taken(reader, rows)
    if suffix in {".csv", ".txt"}:
        encoding = detect_encoding(io.BytesIO(content))
        if encoding is None:
            problem(_("The file is neither UTF-8 nor Windows-1252 encoded text."))
            return None
        sample = "\n".join(content[:_SAMPLE_BYTES].decode(encoding, errors="ignore").splitlines()[:HEADER_SEARCH_ROWS])
        try:
            delimiter = csv.Sniffer().sniff(sample, delimiters=";,\t").delimiter
        except csv.Error:
            delimiter = max((";", ",", "\t"), key=sample.count)
        reader = open_csv(name, content, encoding=encoding, delimiter=delimiter)
        return _taken(reader, reader.rows(0))
    problem(_("The file is neither an Excel workbook (.xlsx) nor a CSV file."))
    return None


@dataclass
class TableRows:
    """The rows of a list of one table, as ``read_one_table``'s readers return them."""

    headers: dict[str, str] = field(default_factory=dict)  # field -> header as in the list
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)


def read_one_table(
    name: str,
    content: bytes,
    sheet_name: str,
    problem: Callable[[str], None],
    read: Callable[[Iterator[tuple[int, list[Any]]]], T],
) -> T | None:
    """``read`` over the numbered rows of a list of one table; None after ``problem`` was told why the file cannot
    be read (to its end). The file is closed either way."""
    numbered = _one_table_rows(name, content, sheet_name, problem)
    if numbered is None:
        return None
    try:
        return read(numbered)
    except _UNREADABLE:
        problem(_("The file cannot be read to its end; it is damaged."))
        return None
    finally:
        close = getattr(numbered, "close", None)
        if close is not None:
            close()
