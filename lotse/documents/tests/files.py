"""Small files of every kind, written in code: valid documents and impostors."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from lotse.documents.pdf import text_pdf

WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
EXCEL_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
WORD_MACRO_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"


def pdf() -> bytes:
    return text_pdf(["Bescheid", "Test"])


def png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b"")
    )


def jpeg() -> bytes:
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


def _archive(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def ooxml(main: str, part: str = "/word/document.xml", extra: dict[str, bytes] | None = None) -> bytes:
    types = (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="{part}" ContentType="{main}"/></Types>'
    )
    return _archive({"[Content_Types].xml": types.encode(), part.lstrip("/"): b"<document/>", **(extra or {})})


def docx() -> bytes:
    return ooxml(WORD_MAIN)


def xlsx() -> bytes:
    return ooxml(EXCEL_MAIN, "/xl/workbook.xml")


def docm() -> bytes:
    return ooxml(WORD_MACRO_MAIN, extra={"word/vbaProject.bin": b"\x00" * 16})


def odt() -> bytes:
    return _archive({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office/>"})


def ole2() -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def exe() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"This program cannot be run"


def plain_zip() -> bytes:
    return _archive({"notes.txt": b"nothing office about it"})
