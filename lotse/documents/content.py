"""What an uploaded file is, told from its bytes, never from its name.

Lotse keeps PDF documents, JPEG and PNG images and office documents (Word,
Excel and PowerPoint, current and older, and OpenDocument). Each is
recognised by its signature; the office formats of today are ZIP archives,
recognised by the part that names their kind (``[Content_Types].xml`` of
Office Open XML, the ``mimetype`` entry of OpenDocument), older ones by the
signature of their compound file. A file of any other kind is refused, and
so is a file whose name's ending says another kind than its content (a
``.pdf`` that is a program, a ``.docx`` that is an image): a clear German
message says which, and nothing is stored.

Macro-enabled office files (``.docm``, ``.xlsm``) are not among the kinds
and are refused.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from typing import IO

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# How far into a file its signature may be looked for (a PDF's header may follow a little junk).
HEAD_BYTES = 1024
# The part of an office archive that names its kind is small; a larger one is not read.
KIND_PART_BYTES = 1024 * 1024


@dataclass(frozen=True)
class FileKind:
    """A kind of file Lotse keeps: how it is described, its media type, the name endings it may have."""

    code: str
    label: Promise
    content_type: str
    endings: tuple[str, ...]


PDF = FileKind("pdf", gettext_lazy("a PDF document"), "application/pdf", ("pdf",))
JPEG = FileKind("jpeg", gettext_lazy("a JPEG image"), "image/jpeg", ("jpg", "jpeg"))
PNG = FileKind("png", gettext_lazy("a PNG image"), "image/png", ("png",))
DOCX = FileKind(
    "docx",
    gettext_lazy("a Word document"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ("docx",),
)
XLSX = FileKind(
    "xlsx",
    gettext_lazy("an Excel workbook"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ("xlsx",),
)
PPTX = FileKind(
    "pptx",
    gettext_lazy("a PowerPoint presentation"),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ("pptx",),
)
ODT = FileKind("odt", gettext_lazy("an OpenDocument text"), "application/vnd.oasis.opendocument.text", ("odt",))
ODS = FileKind(
    "ods", gettext_lazy("an OpenDocument spreadsheet"), "application/vnd.oasis.opendocument.spreadsheet", ("ods",)
)
ODP = FileKind(
    "odp", gettext_lazy("an OpenDocument presentation"), "application/vnd.oasis.opendocument.presentation", ("odp",)
)
# Word 97-2003, Excel 97-2003 and PowerPoint 97-2003 share one container (OLE2); which program wrote it is
# read from the name's ending, among these three.
LEGACY_OFFICE = FileKind(
    "ole2",
    gettext_lazy("an older office document (Word, Excel or PowerPoint 97-2003)"),
    "application/x-ole-storage",
    ("doc", "xls", "ppt"),
)
LEGACY_CONTENT_TYPES = {
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "ppt": "application/vnd.ms-powerpoint",
}

KINDS = (PDF, JPEG, PNG, DOCX, XLSX, PPTX, ODT, ODS, ODP, LEGACY_OFFICE)

# The main part of each Office Open XML kind, as [Content_Types].xml names it.
OOXML_MAIN_PARTS = {
    b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": DOCX,
    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": XLSX,
    b"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": PPTX,
}
ODF_MIMETYPES = {kind.content_type.encode("ascii"): kind for kind in (ODT, ODS, ODP)}

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_SIGNATURE = b"\xff\xd8\xff"
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"


@dataclass(frozen=True)
class CheckedFile:
    """An accepted file: its kind, the media type it is served with, and the name it is downloaded under."""

    kind: FileKind
    content_type: str
    name: str


def _read_part(archive: zipfile.ZipFile, name: str) -> bytes | None:
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    if info.file_size > KIND_PART_BYTES:
        return None
    with archive.open(info) as part:
        return part.read(KIND_PART_BYTES + 1)[:KIND_PART_BYTES]


def _office_kind(file: IO[bytes]) -> FileKind | None:
    """The office kind of a ZIP archive, from the part that names it; None for any other archive."""
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
            mimetype = _read_part(archive, "mimetype")
            if mimetype is not None:
                return ODF_MIMETYPES.get(mimetype.strip())
            types = _read_part(archive, "[Content_Types].xml")
            if types is None or any(name.lower().endswith("vbaproject.bin") for name in names):
                return None
            found = [kind for part, kind in OOXML_MAIN_PARTS.items() if b'"' + part + b'"' in types]
            return found[0] if len(found) == 1 else None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, RuntimeError, ValueError, NotImplementedError):
        return None


def detect(file: IO[bytes]) -> FileKind | None:
    """The kind of the file's content, or None for a kind Lotse does not keep."""
    file.seek(0)
    head = file.read(HEAD_BYTES)
    file.seek(0)
    if head.startswith(PNG_SIGNATURE):
        return PNG
    if head.startswith(JPEG_SIGNATURE):
        return JPEG
    if b"%PDF-" in head:
        return PDF
    if head.startswith(OLE2_SIGNATURE):
        return LEGACY_OFFICE
    if head.startswith(ZIP_SIGNATURE):
        kind = _office_kind(file)
        file.seek(0)
        return kind
    return None


def _ending(name: str) -> str:
    stem, dot, ending = name.rpartition(".")
    return ending.lower() if dot and stem else ""


def check(file: IO[bytes], name: str) -> CheckedFile:
    """Accept the file if its content is of a kind Lotse keeps and its name's ending agrees; else refuse.

    A name without an ending gets the ending of its content.
    """
    kind = detect(file)
    if kind is None:
        raise ValidationError(
            _(
                "The file “%(name)s” is neither a PDF document, a JPEG or PNG image nor an office document "
                "(Word, Excel, PowerPoint, OpenDocument): its content was checked, not its name."
            )
            % {"name": name},
            code="file_kind",
        )
    ending = _ending(name)
    if not ending:
        ending = kind.endings[0]
        name = f"{name}.{ending}"
    elif ending not in kind.endings:
        raise ValidationError(
            _(
                "The file “%(name)s” ends in “.%(ending)s” but contains %(found)s. "
                "Check that you chose the right file, or correct its name."
            )
            % {"name": name, "ending": ending, "found": kind.label},
            code="file_name_mismatch",
        )
    content_type = LEGACY_CONTENT_TYPES[ending] if kind is LEGACY_OFFICE else kind.content_type
    return CheckedFile(kind=kind, content_type=content_type, name=name)
