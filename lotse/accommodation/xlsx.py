"""The one small XLSX writer behind accommodation's downloads: sheets, bold table headers, numbers kept as numbers."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

BOLD = Font(bold=True)


def new_workbook(title: str) -> tuple[Workbook, Worksheet]:
    """A workbook with its first sheet named ``title`` (cut to the 31 characters a sheet name may have)."""
    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)
    sheet.title = title[:31]
    return workbook, sheet


def cell(value: Any) -> Any:
    """A value as a cell keeps it: decimals as numbers, lazy translations as text."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, Promise):
        return str(value)
    return value


def append_table(sheet: Worksheet, header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> None:
    """A bold header row, then the rows."""
    sheet.append([cell(value) for value in header])
    for header_cell in sheet[sheet.max_row]:
        header_cell.font = BOLD
    for row in rows:
        sheet.append([cell(value) for value in row])


def fit_columns(sheet: Worksheet) -> None:
    """Each column as wide as its longest value (10 to 80 characters)."""
    for index, column in enumerate(sheet.iter_cols(), start=1):
        width = max((len(str(c.value)) for c in column if c.value is not None), default=8)
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 10), 80)


def to_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
