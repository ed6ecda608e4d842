"""The child process that reads an uploaded spreadsheet or CSV file (started by ``lotse.core.upload_guard``).

It runs as a script of its own (``python -I upload_reader.py IN OUT``, in an
empty environment) with a ceiling on its address space and its CPU time, so a
hostile file can at worst end this process, never the one serving the
request. It imports neither Django nor the apps: it checks the file, parses it
and sends the rows back in chunks through the pipe OUT; the parent turns every
refusal (a code and its figures) into a German message.

Before calamine sees a workbook, the zip archive is checked (the sum of the
members' unpacked sizes, each large member's compression ratio, and while
unpacking that no member is larger than it declares) and every worksheet is
scanned: its declared ``<dimension ref=...>`` and the cell references it
actually uses must stay within the rows, columns and cells a sheet may have.
calamine allocates a dense grid from A1 to the last cell, so one cell at
XFD1048576 would otherwise ask for 550 GB. What the scan cannot see (cells
without a reference, the repeated rows of .ods, the old .xls) the memory
ceiling of this process bounds.

The protocol on the pipe (each message a pickled tuple):

- parent → child: the request (the fields of :class:`Request`, its limits
  those of :class:`Limits`), then the file's bytes;
- child → parent: ``("titles", [title, ...], [hidden, ...])`` or ``("unreadable",)`` or
  ``("refused", code, figures)``;
- parent → child: ``("sheet", index)`` to read a sheet, ``("skip", index)``
  to drop the rest of it, ``("stop",)`` when done;
- child → parent: ``("sheet", index, first_row, rows)`` (``rows``: how many rows the sheet spans,
  for a CSV file its lines) or ``("sheet_unreadable", index)``,
  then ``("rows", index, [row, ...])`` chunks, ``("broken", index, detail)``
  when the sheet breaks off, and ``("end", index)``; ``("refused", code,
  figures)`` at any point ends the reading.
"""

from __future__ import annotations

import contextlib
import copy
import csv
import html
import io
import os
import re
import resource
import sys
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

# What the parent gets to know about a refusal: the limit exceeded and the figures of its message.
UNPACKED = "unpacked"
RATIO = "ratio"
ROWS = "rows"
COLUMNS = "columns"
CELLS = "cells"
CELL_LENGTH = "cell_length"
MEMORY = "memory"
# Exit status of a child that ran out of memory and could not even say so.
MEMORY_EXIT = 86
# Excel's own limit of characters in a cell; a longer cell comes from no spreadsheet program.
CELL_CHARACTERS = 32_767
# A chunk of rows sent to the parent: at most this many rows, or about this many characters.
CHUNK_ROWS = 2_000
CHUNK_CHARACTERS = 1 << 20
_READ_SIZE = 1 << 22
_ZIP_MAGIC = b"PK\x03\x04"
_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\s([^>]*)>")
_SHEET = re.compile(rb"<(?:\w+:)?sheet\s([^>]*)>")
_ATTRIBUTE = re.compile(rb'(?:\w+:)?(\w+)\s*=\s*"([^"]*)"')
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]{1,3})?([0-9]*)(?::([A-Z]{1,3})([0-9]+))?"')
_REFERENCE = re.compile(rb'r="([A-Z]*)([0-9]*)')
# Of a reference split between two chunks, the first chunk's tail is scanned again.
_OVERLAP = 64


@dataclass(frozen=True)
class Limits:
    """What an uploaded file may be; sizes in bytes."""

    upload_bytes: int
    unpacked_bytes: int
    ratio: int
    ratio_from_bytes: int  # the compression ratio is checked for members larger than this unpacked
    rows: int
    columns: int
    cells: int
    memory_bytes: int
    cpu_seconds: int


@dataclass(frozen=True)
class Request:
    """What to read: a workbook, or a CSV file in the given encoding and delimiter."""

    name: str
    limits: Limits
    csv_encoding: str | None = None
    csv_delimiter: str = ";"


class Refused(Exception):
    """The file exceeds a limit: ``code`` names it, ``figures`` fill its message."""

    def __init__(self, code: str, **figures: Any) -> None:
        super().__init__(code)
        self.code = code
        self.figures = figures


class _Unreadable(Exception):
    """The file is damaged or no workbook at all."""


def column_label(number: int) -> str:
    """1 -> A, 27 -> AA, 16384 -> XFD."""
    label = ""
    while number > 0:
        number, remainder = divmod(number - 1, 26)
        label = chr(65 + remainder) + label
    return label


def column_number(label: bytes | str) -> int:
    number = 0
    for letter in label.encode() if isinstance(label, str) else label:
        number = number * 26 + letter - 64
    return number


def check_extent(sheet: str, rows: int, columns: int, limits: Limits) -> None:
    """A sheet reaching row ``rows`` and column ``columns`` (counted from A1) is within the limits."""
    if rows > limits.rows:
        raise Refused(ROWS, sheet=sheet, rows=rows, limit=limits.rows)
    if columns > limits.columns:
        raise Refused(COLUMNS, sheet=sheet, column=column_label(columns), columns=columns, limit=limits.columns)
    if rows * columns > limits.cells:
        raise Refused(CELLS, sheet=sheet, rows=rows, columns=columns, cells=rows * columns, limit=limits.cells)


# Checking a workbook before it is parsed


def _attributes(element: bytes) -> dict[str, str]:
    """The attributes of a start tag by local name (a regular expression, not an XML parser, on hostile XML)."""
    return {
        name.decode(): html.unescape(value.decode("utf-8", errors="replace"))
        for name, value in _ATTRIBUTE.findall(element)
    }


def _sheet_titles(archive: zipfile.ZipFile) -> dict[str, str]:
    """Member path of each worksheet -> its title (what the messages name), as far as the workbook says."""
    try:
        relations = archive.read("xl/_rels/workbook.xml.rels")
        workbook = archive.read("xl/workbook.xml")
    except (KeyError, zipfile.BadZipFile, ValueError, OSError, NotImplementedError, RuntimeError):
        return {}
    targets: dict[str, str] = {}
    for element in _RELATIONSHIP.findall(relations):
        attributes = _attributes(element)
        target = attributes.get("Target", "")
        targets[attributes.get("Id", "")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    titles: dict[str, str] = {}
    for element in _SHEET.findall(workbook):
        attributes = _attributes(element)
        if attributes.get("id", "") in targets:
            titles[targets[attributes["id"]]] = attributes.get("name", "")
    return titles


def _out_of_bounds(limits: Limits) -> re.Pattern[bytes]:
    """Cell and row references that may lie beyond the limits; all others certainly do not.

    Matching every reference would cost a second per 20 MB of sheet; a
    reference needs a closer look only with as many letters as the last
    allowed column or as many digits as the last allowed row.
    """
    letters = len(column_label(limits.columns))
    digits = len(str(limits.rows))
    fewer = f"[A-Z]{{0,{letters - 1}}}" if letters > 1 else ""
    return re.compile(f'r="(?:[A-Z]{{{letters}}}|{fewer}[0-9]{{{digits}}})'.encode())


def _scan_sheet(stream: Iterator[bytes], sheet: str, limits: Limits) -> None:
    """Refuse a sheet whose declared dimension or whose cell references go beyond the limits."""
    suspicious = _out_of_bounds(limits)
    tail = b""
    first = True
    for chunk in stream:
        data = tail + chunk
        if first:
            first = False
            declared = _DIMENSION.search(data)
            if declared is not None:
                last_column, last_row = declared.group(3) or declared.group(1), declared.group(4) or declared.group(2)
                check_extent(sheet, int(last_row or 0), column_number(last_column or b""), limits)
        for match in suspicious.finditer(data):
            start = match.start()
            # An attribute r (of <row> or <c>), not the end of another attribute's name.
            if start > 0 and data[start - 1 : start] not in (b" ", b"\t", b"\n", b"\r"):
                continue
            reference = _REFERENCE.match(data, start)
            assert reference is not None
            check_extent(sheet, int(reference.group(2) or 0), column_number(reference.group(1)), limits)
        tail = data[-_OVERLAP:]


def _unpacked(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: list[int], limits: Limits) -> Iterator[bytes]:
    """The member's bytes in chunks, counted against the budget of the whole file and its declared size."""
    # Read past the declared size, to catch a member that inflates to more than it says; the chunks are counted.
    unbounded = copy.copy(info)
    unbounded.file_size = 1 << 62
    size = 0
    with archive.open(unbounded) as stream:
        while chunk := stream.read(_READ_SIZE):
            size += len(chunk)
            budget[0] -= len(chunk)
            if budget[0] < 0:
                raise Refused(UNPACKED, size=limits.unpacked_bytes - budget[0], limit=limits.unpacked_bytes)
            if size > info.file_size:
                raise _Unreadable
            yield chunk
    if size != info.file_size:
        raise _Unreadable


def check_archive(content: bytes, limits: Limits) -> None:
    """Refuse a zip archive (xlsx, ods) that unpacks to too much, or a worksheet beyond the limits."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, ValueError, EOFError, OSError) as error:
        raise _Unreadable from error
    with archive:
        members = archive.infolist()
        declared = sum(info.file_size for info in members)
        if declared > limits.unpacked_bytes:
            raise Refused(UNPACKED, size=declared, limit=limits.unpacked_bytes)
        for info in members:
            packed = max(info.compress_size, 1)
            if info.file_size > limits.ratio_from_bytes and info.file_size > limits.ratio * packed:
                raise Refused(RATIO, part=info.filename, ratio=info.file_size // packed, limit=limits.ratio)
        titles = _sheet_titles(archive)
        budget = [limits.unpacked_bytes]
        try:
            for info in members:
                if info.is_dir():
                    continue
                chunks = _unpacked(archive, info, budget, limits)
                if info.filename in titles or re.fullmatch(r"xl/worksheets/[^/]+\.xml", info.filename):
                    _scan_sheet(chunks, titles.get(info.filename, info.filename), limits)
                for _chunk in chunks:  # the rest of a scanned sheet, or a member that is no sheet
                    pass
        except (zipfile.BadZipFile, ValueError, EOFError, OSError, NotImplementedError, RuntimeError) as error:
            raise _Unreadable from error


# Reading


def _cell_characters(row: list[Any], sheet: str, number: int) -> int:
    characters = 0
    for cell in row:
        if cell.__class__ is str:
            length = len(cell)
            if length > CELL_CHARACTERS:
                raise Refused(CELL_LENGTH, sheet=sheet, row=number, limit=CELL_CHARACTERS)
            characters += length
        else:
            characters += 8
    return characters


class _Server:
    def __init__(self, incoming: Connection, outgoing: Connection, request: Request) -> None:
        self.incoming = incoming
        self.connection = outgoing
        self.request = request
        self.limits = request.limits

    def _skipped(self, index: int) -> bool:
        """Whether the parent dropped the sheet being sent (it may send other commands; none comes meanwhile)."""
        while self.incoming.poll():
            command = self.incoming.recv()
            if command == ("skip", index):
                return True
        return False

    def send_rows(self, index: int, sheet: str, first_row: int, rows: Iterator[list[Any]], csv_file: bool) -> None:
        chunk: list[list[Any]] = []
        characters = 0
        number = first_row - 1
        try:
            for row in rows:
                number += 1
                if csv_file:
                    check_extent(sheet, number, len(row), self.limits)
                characters += _cell_characters(row, sheet, number)
                chunk.append(row)
                if len(chunk) >= CHUNK_ROWS or characters >= CHUNK_CHARACTERS:
                    if self._skipped(index):
                        break
                    self.connection.send(("rows", index, chunk))
                    chunk, characters = [], 0
            else:
                if chunk:
                    self.connection.send(("rows", index, chunk))
        except (csv.Error, UnicodeDecodeError, ValueError, OSError, RuntimeError) as error:
            if chunk:
                self.connection.send(("rows", index, chunk))
            self.connection.send(("broken", index, str(error)))
        except Exception as error:  # calamine's own errors while it hands out rows
            if type(error).__module__ != "python_calamine":
                raise
            if chunk:
                self.connection.send(("rows", index, chunk))
            self.connection.send(("broken", index, str(error)))
        self.connection.send(("end", index))

    def commands(self) -> Iterator[int]:
        """The indexes of the sheets the parent asks for, until it stops."""
        while True:
            command = self.incoming.recv()
            if command[0] == "sheet":
                yield int(command[1])
            elif command[0] == "stop":
                return
            # A late ("skip", index) of a sheet already sent in full needs nothing.

    def workbook(self, content: bytes) -> None:
        import python_calamine

        if content[:4] == _ZIP_MAGIC:
            check_archive(content, self.limits)
        try:
            workbook = python_calamine.load_workbook(io.BytesIO(content))
            titles = list(workbook.sheet_names)
            # Sheets hidden in Excel (often the lists behind a column's drop-down): their readers may skip them.
            hidden = [sheet.visible != python_calamine.SheetVisibleEnum.Visible for sheet in workbook.sheets_metadata]
        except Exception as error:
            raise _Unreadable from error
        self.connection.send(("titles", titles, hidden))
        ahead: tuple[int, Any] | None = None
        for index in self.commands():
            if ahead is not None and ahead[0] == index:
                sheet = ahead[1]
            else:
                try:
                    sheet = workbook.get_sheet_by_index(index)
                except Exception:
                    self.connection.send(("sheet_unreadable", index))
                    continue
            ahead = None
            title = titles[index]
            # What calamine made of cells the scan could not place (no references): its grid is already here.
            check_extent(title, sheet.end[0] + 1 if sheet.end else 0, sheet.end[1] + 1 if sheet.end else 0, self.limits)
            # calamine hands out the rows from the sheet's first row (empty rows above the data included) and the
            # columns from the first one that holds a cell: row numbers count from 1, as the spreadsheet shows them.
            spanned = sheet.end[0] + 1 if sheet.end else 0
            self.connection.send(("sheet", index, 1, spanned))
            rows = _merged_filled(sheet.iter_rows(), sheet.merged_cell_ranges, sheet.start[1] if sheet.start else 0)
            self.send_rows(index, title, 1, rows, csv_file=False)
            del sheet
            # The importers read the sheets in order: the next one is loaded while the parent works on the rows
            # still in the pipe. A sheet that fails to load is loaded again when asked for, to say so then.
            if index + 1 < len(titles):
                with contextlib.suppress(Exception):
                    ahead = (index + 1, workbook.get_sheet_by_index(index + 1))

    def csv(self, content: bytes) -> None:
        self.connection.send(("titles", [self.request.name], [False]))
        for index in self.commands():
            self.connection.send(("sheet", index, 1, content.count(b"\n")))
            text = io.TextIOWrapper(io.BytesIO(content), encoding=self.request.csv_encoding, newline="")
            reader = csv.reader(text, delimiter=self.request.csv_delimiter)
            self.send_rows(index, self.request.name, 1, reader, csv_file=True)


def _merged_filled(
    rows: Iterable[list[Any]], merged: list[tuple[tuple[int, int], tuple[int, int]]] | None, first_column: int
) -> Iterator[list[Any]]:
    """The rows with the value of each range merged down over several rows in each of those rows, as the sheet
    shows it.

    A file keeps a merged range's value in its top-left cell only; a household ID merged down over a family's
    rows belongs to each of them, not to the first alone. The value goes down the range's first column (a range
    merged across columns only, such as a header centred over two columns, is left as it is: its other cells
    hold no column of their own). ``merged``: the ranges as calamine gives them (0-based, inclusive, absolute
    rows and columns); ``first_column``: the absolute column of each row's first value. Only cells of rows the
    sheet has are filled, and only empty ones.
    """
    if not merged:
        yield from rows
        return
    starting: dict[int, list[tuple[int, int]]] = {}
    for (top, left), (bottom, _right) in merged:
        if bottom > top and left >= first_column:
            starting.setdefault(top, []).append((bottom, left - first_column))
    active: list[tuple[int, int, Any]] = []
    for number, row in enumerate(rows):
        if active:
            active = [span for span in active if span[0] >= number]
            for _bottom, column, value in active:
                if column < len(row) and row[column] == "":
                    row[column] = value
        for bottom, column in starting.pop(number, ()):
            if column < len(row) and row[column] != "":
                active.append((bottom, column, row[column]))
        yield row


def serve(incoming: Connection, outgoing: Connection) -> None:
    """Set the limits, read the request and the file, and answer until the parent stops."""
    fields = incoming.recv()
    limits = Limits(**fields.pop("limits"))
    request = Request(limits=limits, **fields)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 5))
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    try:
        server = _Server(incoming, outgoing, request)
        try:
            content = incoming.recv_bytes()
            if request.csv_encoding is None:
                server.workbook(content)
            else:
                server.csv(content)
        except _Unreadable:
            outgoing.send(("unreadable",))
        except Refused as refusal:
            outgoing.send(("refused", refusal.code, refusal.figures))
        except MemoryError:
            content = b""
            outgoing.send(("refused", MEMORY, {}))
    except MemoryError:
        os._exit(MEMORY_EXIT)
    except (BrokenPipeError, ConnectionResetError, EOFError):
        pass  # the parent is gone or stopped listening


if __name__ == "__main__":
    serve(Connection(int(sys.argv[1]), writable=False), Connection(int(sys.argv[2]), readable=False))
