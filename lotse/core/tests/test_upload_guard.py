"""The upload guard: hostile spreadsheets and CSV files are refused with a German message, read in a child process.

Each test hands a file to the guard as every importer does (``open_workbook``,
``open_csv``); the importers' own tests upload the same files through the pages
and the commands.
"""

from __future__ import annotations

import io
import resource
import zipfile

import pytest

from lotse.core.tests.hostile_files import SHEET_PART, far_cell, sheet_xml, understating, workbook, zip_bomb
from lotse.core.upload_guard import Unreadable, UploadRefused, check_size, open_csv, open_workbook

ROWS = "Die Tabelle „Personen“ reicht bis Zeile 1.048.576; eine Tabelle darf höchstens 1.000.000 Zeilen haben."


def read_all(content: bytes, name: str = "liste.xlsx") -> dict[str, list[tuple[int, list[object]]]]:
    with open_workbook(name, content) as reader:
        return {title: list(reader.rows(index)) for index, title in enumerate(reader.titles)}


def refusal(content: bytes, name: str = "liste.xlsx") -> str:
    with pytest.raises(UploadRefused) as refused:
        read_all(content, name)
    return " ".join(refused.value.messages)


def test_it_reads_a_workbook_in_a_child_process_row_by_row():
    sheet = sheet_xml({"A1": "Personen-ID", "A2": "P-1", "B3": "x"}, dimension="A1:B3")

    assert read_all(workbook(sheet)) == {"Personen": [(1, ["Personen-ID", ""]), (2, ["P-1", ""]), (3, ["", "x"])]}


@pytest.mark.parametrize(
    "content",
    [far_cell(), far_cell(dimension=None), far_cell(dimension="A1:B2")],
    ids=["declared dimension", "no dimension", "lying dimension"],
)
def test_it_refuses_a_sheet_reaching_row_1048576_before_calamine_allocates_550_gb(content):
    assert len(content) < 5_000
    assert refusal(content) == ROWS


def test_it_refuses_a_sheet_beyond_the_last_column():
    assert refusal(far_cell("XFD1", dimension=None)) == (
        "Die Tabelle „Personen“ reicht bis Spalte XFD (Spalte Nr. 16.384); "
        "eine Tabelle darf höchstens 200 Spalten haben."
    )


def test_it_refuses_a_sheet_of_too_many_cells(settings):
    settings.LOTSE_IMPORT_MAX_CELLS = 1_000
    assert refusal(far_cell("CV100", dimension=None)) == (
        "Die Tabelle „Personen“ umfasst 100 Zeilen und 100 Spalten, also 10.000 Zellen; "
        "eine Tabelle darf höchstens 1.000 Zellen haben."
    )


def test_it_refuses_a_zip_bomb_by_its_unpacked_size(settings):
    settings.LOTSE_IMPORT_MAX_UNPACKED_MEGABYTES = 1
    bomb = zip_bomb(3)
    assert len(bomb) < 20_000

    assert refusal(bomb) == (
        "Die Datei ist entpackt größer als 1 MB (mindestens 3 MB). Teilen Sie die Liste auf mehrere Dateien auf."
    )


def test_it_refuses_a_densely_packed_part(settings):
    settings.LOTSE_IMPORT_RATIO_FROM_MEGABYTES = 1
    bomb = zip_bomb(2)
    part = zipfile.ZipFile(io.BytesIO(bomb)).getinfo(SHEET_PART)
    ratio = f"{part.file_size // part.compress_size:,}".replace(",", ".")
    assert part.file_size // part.compress_size > 100

    assert refusal(bomb) == (
        f"Die Datei ist dichter gepackt, als es eine Tabelle je ist: ihr Teil „{SHEET_PART}“ entpackt sich auf das "
        f"{ratio}-Fache seiner Größe (erlaubt ist höchstens das 100-Fache). Sie wird nicht gelesen."
    )


def test_it_counts_what_a_part_unpacks_to_not_what_it_declares(settings):
    settings.LOTSE_IMPORT_MAX_UNPACKED_MEGABYTES = 1
    lying = understating(zip_bomb(3), SHEET_PART, 1_000)

    assert refusal(lying) == (
        "Die Datei ist entpackt größer als 1 MB (mindestens 3 MB). Teilen Sie die Liste auf mehrere Dateien auf."
    )


def test_it_takes_a_part_larger_than_it_declares_for_damaged():
    lying = understating(zip_bomb(1), SHEET_PART, 1_000)

    with pytest.raises(Unreadable):
        read_all(lying)


def test_it_refuses_a_cell_longer_than_a_spreadsheet_program_allows():
    content = workbook(sheet_xml({"A1": "Personen-ID", "A2": "x" * 32_768}, dimension="A1:A2"))

    assert refusal(content) == (
        "Zeile 2 der Tabelle „Personen“ hat eine Zelle mit mehr als 32.767 Zeichen, "
        "mehr als ein Tabellenprogramm zulässt."
    )


def test_it_refuses_a_csv_file_of_too_many_rows_or_columns(settings):
    settings.LOTSE_IMPORT_MAX_ROWS = 3
    too_long = b"Personen-ID\r\n1\r\n2\r\n3\r\n"
    too_wide = ";".join(["x"] * 201).encode()

    for content, message in (
        (too_long, "Die Tabelle „Personen.csv“ reicht bis Zeile 4; eine Tabelle darf höchstens 3 Zeilen haben."),
        (
            too_wide,
            "Die Tabelle „Personen.csv“ reicht bis Spalte GS (Spalte Nr. 201); "
            "eine Tabelle darf höchstens 200 Spalten haben.",
        ),
    ):
        with (
            pytest.raises(UploadRefused) as refused,
            open_csv("Personen.csv", content, encoding="utf-8-sig", delimiter=";") as reader,
        ):
            list(reader.rows(0))
        assert refused.value.messages == [message]


def test_it_refuses_a_file_larger_than_the_upload_limit(settings):
    settings.LOTSE_IMPORT_MAX_MEGABYTES = 1

    assert refusal(bytes(1024 * 1024 + 1)) == "Die Datei ist größer als 1 MB."
    with pytest.raises(UploadRefused) as refused:
        check_size([600_000, 600_000], 1)
    assert refused.value.messages == ["Die Dateien sind zusammen größer als 1 MB."]


def test_it_ends_a_reading_that_needs_more_memory_than_its_limit_and_says_so(settings):
    """A1 and GR100000: within the rows, columns and cells, but calamine's grid needs about 600 MB."""
    content = far_cell("GR100000", dimension=None)
    settings.LOTSE_IMPORT_READER_MEGABYTES = 256
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    assert refusal(content) == (
        "Das Lesen der Datei braucht mehr als 256 MB Arbeitsspeicher und wurde abgebrochen. Teilen Sie die Liste "
        "auf mehrere Dateien auf oder löschen Sie leere, aber formatierte Zeilen und Spalten."
    )
    # The grid was allocated (and failed) in the child; this process did not grow by it.
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 100 * 1024

    settings.LOTSE_IMPORT_READER_MEGABYTES = 2048
    with open_workbook("liste.xlsx", content) as reader:
        assert next(reader.rows(0)) == (1, ["Personen-ID"] + [""] * 199)


def test_it_ends_a_reading_that_takes_more_cpu_time_than_its_limit_and_says_so(settings):
    """With one column allowed, the scan looks closer at each of a million cell references: seconds of CPU."""
    settings.LOTSE_IMPORT_MAX_COLUMNS = 1
    settings.LOTSE_IMPORT_READER_SECONDS = 1
    settings.LOTSE_IMPORT_RATIO_FROM_MEGABYTES = 1000
    rows = "".join(f'<row r="{n}"><c r="A{n}"><v>1</v></c></row>' for n in range(1, 1_000_001))
    sheet = (
        '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{rows}</sheetData></worksheet>"
    ).encode()
    assert refusal(workbook(sheet)) == (
        "Das Lesen der Datei dauert länger als 1 Sekunde und wurde abgebrochen. "
        "Teilen Sie die Liste auf mehrere Dateien auf."
    )
