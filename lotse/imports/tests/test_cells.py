"""One cell into one value: dates as Excel and people write them, AGS, codes, numbers."""

from __future__ import annotations

import datetime
import unicodedata
from typing import Any

import pytest
from django.utils.translation import gettext as _
from hypothesis import given
from hypothesis import strategies as st

from lotse.imports import cells
from lotse.imports.cells import CellError
from lotse.imports.rows import FIELDS_OF_ACTION, GENDERS, LANGUAGES, NATIONALITIES
from lotse.people.choices import BirthDatePrecision, Gender
from lotse.people.dates import format_partial_date

TODAY = datetime.date(2025, 6, 16)
NEW_YEAR_2024 = datetime.date(2024, 1, 1)


def refused(parse: Any, *args: Any, **kwargs: Any) -> str:
    with pytest.raises(CellError) as info:
        parse(*args, **kwargs)
    return info.value.message


@pytest.mark.parametrize(
    "value",
    [
        datetime.datetime(2024, 1, 1),
        datetime.datetime(2024, 1, 1, 14, 30),
        NEW_YEAR_2024,
        45292,
        45292.0,
        "45292",
        "45292,0",
        "01.01.2024",
        "1.1.2024",
        " 01.01.2024 ",
        "2024-01-01",
        "2024-01-01 00:00:00",
        "2024-01-01T10:30",
        "01.01.2024 10:30",
        "1.1.2024 08:00:00",
    ],
    ids=repr,
)
def test_it_reads_every_way_of_writing_a_date(value: Any):
    assert cells.date(value, today=TODAY) == NEW_YEAR_2024


@pytest.mark.parametrize("value", [None, "", "   "])
def test_it_reads_an_empty_date_as_none(value: Any):
    assert cells.date(value, today=TODAY) is None


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("01.01.24", "Write the year with four digits (DD.MM.YYYY)."),
        ("31.02.2024", "This date does not exist."),
        ("2024-13-01", "This date does not exist."),
        ("Januar 2024", "This is not a date. Write DD.MM.YYYY."),
        ("01/01/2024", "This is not a date. Write DD.MM.YYYY."),
        (0, "This number is not a date."),
        (3_000_000, "This number is not a date."),
        ("31.12.1899", "The date cannot be before 1900."),
        ("17.06.2025", "The date cannot be in the future."),
        (True, "This is not a date. Write DD.MM.YYYY."),
    ],
    ids=repr,
)
def test_it_says_why_a_cell_is_no_date(value: Any, message: str):
    assert refused(cells.date, value, today=TODAY) == _(message)


def test_it_accepts_a_future_date_where_one_is_allowed():
    assert cells.date("09.11.2030", today=TODAY, future_allowed=True) == datetime.date(2030, 11, 9)
    assert cells.date(TODAY.strftime("%d.%m.%Y"), today=TODAY) == TODAY


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12.03.1984", (datetime.date(1984, 3, 12), BirthDatePrecision.DAY)),
        (datetime.datetime(1984, 3, 12), (datetime.date(1984, 3, 12), BirthDatePrecision.DAY)),
        (28976, (datetime.date(1979, 5, 1), BirthDatePrecision.DAY)),
        ("03.1984", (datetime.date(1984, 3, 1), BirthDatePrecision.MONTH)),
        ("3/1984", (datetime.date(1984, 3, 1), BirthDatePrecision.MONTH)),
        ("1984", (datetime.date(1984, 1, 1), BirthDatePrecision.YEAR)),
        (1984, (datetime.date(1984, 1, 1), BirthDatePrecision.YEAR)),
        (1984.0, (datetime.date(1984, 1, 1), BirthDatePrecision.YEAR)),
        (" 1984 ", (datetime.date(1984, 1, 1), BirthDatePrecision.YEAR)),
        (None, (None, "")),
        ("", (None, "")),
    ],
    ids=repr,
)
def test_it_reads_dates_of_birth_as_refugees_know_them(value: Any, expected: tuple[Any, str]):
    assert cells.birth_date(value, today=TODAY) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("13.1984", "This date does not exist."),
        ("2026", "The date cannot be in the future."),
        ("07.2025", "The date cannot be in the future."),
        ("17.06.2025", "The date cannot be in the future."),
        ("1899", "The date cannot be before 1900."),
        ("Sommer 1984", "This is not a date of birth. Write DD.MM.YYYY, MM.YYYY or YYYY."),
    ],
    ids=repr,
)
def test_it_says_why_a_cell_is_no_date_of_birth(value: Any, message: str):
    assert refused(cells.birth_date, value, today=TODAY) == _(message)


@given(
    day=st.dates(min_value=datetime.date(1900, 1, 1), max_value=TODAY),
    precision=st.sampled_from(BirthDatePrecision.values),
)
def test_it_reads_back_every_date_of_birth_it_writes(day: datetime.date, precision: str):
    first = {
        BirthDatePrecision.DAY: day,
        BirthDatePrecision.MONTH: day.replace(day=1),
        BirthDatePrecision.YEAR: day.replace(month=1, day=1),
    }[BirthDatePrecision(precision)]

    written = format_partial_date(first, precision)

    assert cells.birth_date(written, today=TODAY) == (first, precision)


@pytest.mark.parametrize("value", ["08118048", "8118048", 8118048, 8118048.0, " 08118048 ", "08 118 048"], ids=repr)
def test_it_reads_an_ags_and_gives_it_back_its_leading_zero(value: Any):
    assert cells.ags(value) == "08118048"


@pytest.mark.parametrize("value", ["123", "081180480", "O8118048", "08.118.048", 8118048.5, ""], ids=repr)
def test_it_refuses_what_is_no_ags(value: Any):
    assert refused(cells.ags, value) == _("An official municipality key (AGS) has 8 digits.")


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("Ungeklärt", "ungeklaert"),
        (" UNGEKLÄRT ", "ungeklaert"),
        ("ungeklaert", "ungeklaert"),
        ("Straße", "strasse"),
        ("Einschätzung", "einschaetzung"),
        ("Selbstständig", "selbststaendig"),
        ("Fälle", "faelle"),
        ("Éinschätzung", "einschaetzung"),
    ],
)
def test_it_folds_codes_without_case_umlauts_or_accents(raw: str, folded: str):
    assert cells.fold_code(raw) == folded


@pytest.mark.parametrize("raw", ["Ungeklärt", "Fälle", "Einschätzung", "Selbstständig"])
def test_it_folds_umlauts_written_as_a_letter_and_a_combining_mark(raw: str):
    """macOS writes file names, and text copied from PDFs often comes, decomposed (NFD)."""
    assert cells.fold_code(unicodedata.normalize("NFD", raw)) == cells.fold_code(raw)


def test_it_reads_codes_in_any_case():
    assert cells.code("M", GENDERS, allowed=Gender.values) == "m"
    assert cells.code(" w ", GENDERS, allowed=Gender.values) == "w"


def test_it_lists_the_allowed_codes_when_a_code_is_unknown():
    assert refused(cells.code, "x", GENDERS, allowed=Gender.values) == _("Unknown code. Allowed: %(codes)s.") % {
        "codes": "m, w, d, u"
    }
    assert refused(cells.code, "", GENDERS, allowed=Gender.values) == _("Unknown code. Allowed: %(codes)s.") % {
        "codes": "m, w, d, u"
    }


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("SY, ua; Ungeklärt", ["SY", "UA", "ungeklaert"]),
        ("sy/SY|de", ["SY", "DE"]),
        ("staatenlos\nAF", ["staatenlos", "AF"]),
        ("", []),
        (None, []),
        (" , ", []),
    ],
    ids=repr,
)
def test_it_reads_lists_of_codes_in_their_order_once_each(value: Any, expected: list[str]):
    assert cells.code_list(value, NATIONALITIES, what="x") == expected


def test_it_names_every_unknown_code_of_a_list():
    assert refused(cells.code_list, "ar, zz, de, qq", LANGUAGES, what=_("language codes")) == _(
        "Unknown %(what)s: %(codes)s."
    ) % {"what": _("language codes"), "codes": "„zz“, „qq“"}
    assert refused(cells.code_list, "sprache, urlaub", FIELDS_OF_ACTION, what="Themen") == _(
        "Unknown %(what)s: %(codes)s."
    ) % {"what": "Themen", "codes": "„urlaub“"}


@pytest.mark.parametrize("value", [30, 30.0, "30", "30,0", "30.00", " 30 "], ids=repr)
def test_it_reads_whole_numbers(value: Any):
    assert cells.integer(value, low=1, high=720) == 30


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1,5", "Enter a whole number."),
        (1.5, "Enter a whole number."),
        ("eine Stunde", "Enter a whole number."),
        ("-5", "Enter a whole number."),
        (True, "Enter a whole number."),
    ],
    ids=repr,
)
def test_it_refuses_what_is_no_whole_number(value: Any, message: str):
    assert refused(cells.integer, value, low=1, high=720) == _(message)


@pytest.mark.parametrize("value", [0, 721, "9999"], ids=repr)
def test_it_refuses_a_number_out_of_range(value: Any):
    assert refused(cells.integer, value, low=1, high=720) == _("Enter a number from %(low)s to %(high)s.") % {
        "low": 1,
        "high": 720,
    }


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        ("  Haddad ", "Haddad"),
        ("Abu\n Bakr", "Abu Bakr"),
        (1001, "1001"),
        (1001.0, "1001"),
        (1001.5, "1001.5"),
        (datetime.datetime(2024, 1, 1), "01.01.2024"),
        (datetime.datetime(2024, 1, 1, 10, 30), "01.01.2024 10:30"),
        # Copied from a web page or a mail: a non-breaking space is a space, a zero-width space nothing.
        ("P-\u00a01001", "P- 1001"),
        ("\u00a0P-1001\u00a0", "P-1001"),
        ("P-1001\u200b", "P-1001"),
        ("\ufeffHaddad", "Haddad"),
        # A Persian name keeps its zero-width non-joiner.
        ("\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645", "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"),
    ],
    ids=repr,
)
def test_it_reads_text_cells_as_they_are_shown(value: Any, expected: str):
    assert cells.text(value) == expected


def test_it_limits_ids_and_texts():
    assert cells.identifier("P" * 64) == "P" * 64
    assert refused(cells.identifier, "P" * 65) == _("An ID may have at most 64 characters.")
    assert refused(cells.bounded_text, "x" * 101, 100) == _("At most %(count)s characters are allowed.") % {
        "count": 100
    }


@pytest.mark.parametrize("value", ["2024", 2024, 9999.0])
def test_it_does_not_take_a_year_in_a_date_column_for_an_excel_serial_number(value: Any):
    assert refused(cells.date, value, today=TODAY) == _("This number is not a date.")


def test_it_keeps_the_line_breaks_of_a_note():
    assert cells.multiline_text("  erste Zeile\nzweite Zeile \n") == "erste Zeile\nzweite Zeile"


def test_it_matches_headers_written_without_umlauts():
    from lotse.imports.workbook import normalise_header

    assert normalise_header("Gueltig  ab ") == normalise_header("gültig ab")
    assert normalise_header("Staatsangehoerigkeit") == normalise_header("Staatsangehörigkeit")
