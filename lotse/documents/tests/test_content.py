"""Telling a file's kind from its content: what is kept, what is refused and with which message."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from lotse.documents import content
from lotse.documents.tests import files


def refusal(data: bytes, name: str) -> str:
    with translation.override("de"), pytest.raises(ValidationError) as info:
        content.check(io.BytesIO(data), name)
    [message] = info.value.messages
    return message


@pytest.mark.parametrize(
    ("data", "name", "kind", "content_type"),
    [
        (files.pdf(), "bescheid.pdf", content.PDF, "application/pdf"),
        (files.png(), "Titel.PNG", content.PNG, "image/png"),
        (files.jpeg(), "scan.jpeg", content.JPEG, "image/jpeg"),
        (files.docx(), "antrag.docx", content.DOCX, content.DOCX.content_type),
        (files.xlsx(), "liste.xlsx", content.XLSX, content.XLSX.content_type),
        (files.odt(), "brief.odt", content.ODT, "application/vnd.oasis.opendocument.text"),
        (files.ole2(), "alt.doc", content.LEGACY_OFFICE, "application/msword"),
        (files.ole2(), "alt.xls", content.LEGACY_OFFICE, "application/vnd.ms-excel"),
    ],
)
def test_it_accepts_the_kinds_it_keeps(data, name, kind, content_type):
    checked = content.check(io.BytesIO(data), name)
    assert (checked.kind, checked.content_type, checked.name) == (kind, content_type, name)


def test_it_gives_a_name_without_ending_the_ending_of_its_content():
    assert content.check(io.BytesIO(files.pdf()), "Scan vom Amt").name == "Scan vom Amt.pdf"


def test_it_refuses_a_program_named_like_a_pdf():
    assert refusal(files.exe(), "bescheid.pdf") == (
        "Die Datei „bescheid.pdf“ ist weder ein PDF-Dokument noch ein JPEG- oder PNG-Bild noch ein "
        "Office-Dokument (Word, Excel, PowerPoint, OpenDocument): Geprüft wurde ihr Inhalt, nicht ihr Name."
    )


@pytest.mark.parametrize(("data", "name"), [(files.docm(), "makro.docx"), (files.plain_zip(), "archiv.docx")])
def test_it_refuses_macro_documents_and_other_archives(data, name):
    assert refusal(data, name).startswith(f"Die Datei „{name}“ ist weder ein PDF-Dokument")


def test_it_refuses_a_name_whose_ending_says_another_kind():
    assert refusal(files.png(), "bescheid.pdf") == (
        "Die Datei „bescheid.pdf“ endet auf „.pdf“, enthält aber ein PNG-Bild. "
        "Prüfen Sie, ob Sie die richtige Datei gewählt haben, oder korrigieren Sie ihren Namen."
    )
    assert "enthält aber ein Word-Dokument" in refusal(files.docx(), "tabelle.xlsx")
