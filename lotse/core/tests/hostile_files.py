"""Hostile spreadsheets, written byte by byte: what an attacker uploads to take a worker down.

Each is a minimal xlsx (the parts calamine needs) whose worksheet says what
the test wants: a cell far away, a lying or missing dimension, megabytes of
blanks that pack into a few kilobytes, a member that unpacks to more than the
archive declares.
"""

from __future__ import annotations

import io
import struct
import zipfile

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_ROOT_RELATIONS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="{title}" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELATIONS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>'
)
SHEET_PART = "xl/worksheets/sheet1.xml"


def _row_of(reference: str) -> int:
    return int("".join(character for character in reference if character.isdigit()))


def sheet_xml(cells: dict[str, str], *, dimension: str | None, padding: int = 0) -> bytes:
    """A worksheet with these cells (reference -> text), the dimension given (None: none), and blanks after."""
    rows: dict[int, list[str]] = {}
    for reference, value in cells.items():
        rows.setdefault(_row_of(reference), []).append(f'<c r="{reference}" t="inlineStr"><is><t>{value}</t></is></c>')
    body = "".join(f'<row r="{number}">{"".join(row)}</row>' for number, row in sorted(rows.items()))
    declared = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f"{declared}<sheetData>{body}</sheetData>"
        ).encode()
        + b" " * padding
        + b"</worksheet>"
    )


def workbook(sheet: bytes, *, title: str = "Personen") -> bytes:
    """A workbook of one sheet, its XML as given."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELATIONS)
        archive.writestr("xl/workbook.xml", _WORKBOOK.format(title=title))
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELATIONS)
        archive.writestr(SHEET_PART, sheet)
    return buffer.getvalue()


def far_cell(last: str = "XFD1048576", *, dimension: str | None = "", title: str = "Personen") -> bytes:
    """The 5 KB workbook of the issue: text in A1 and in ``last``, the dimension declaring A1:last ("" ) or as given."""
    declared = f"A1:{last}" if dimension == "" else dimension
    return workbook(sheet_xml({"A1": "Personen-ID", last: "x"}, dimension=declared), title=title)


def zip_bomb(megabytes: int, *, title: str = "Personen") -> bytes:
    """A sheet of ``megabytes`` of blanks, which pack to a few kilobytes."""
    return workbook(sheet_xml({"A1": "Personen-ID"}, dimension="A1", padding=megabytes * 1024 * 1024), title=title)


def understating(data: bytes, member: str, declared: int) -> bytes:
    """The archive with ``member`` declaring ``declared`` unpacked bytes, in its local header and the directory."""
    patched = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(member)
    struct.pack_into("<I", patched, info.header_offset + 22, declared)
    entry = data.index(b"PK\x01\x02")
    while data[entry + 46 : entry + 46 + len(member)] != member.encode():
        entry = data.index(b"PK\x01\x02", entry + 4)
    struct.pack_into("<I", patched, entry + 24, declared)
    return bytes(patched)
