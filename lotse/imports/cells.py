"""Turning one spreadsheet cell into a domain value, or a German message why not.

Cells arrive as openpyxl gives them (str, int, float, datetime, None) or as
CSV text. Real lists carry trailing spaces, IDs typed as numbers, dates as
Excel date cells, as Excel serial numbers or as German text, and AGS whose
leading zero Excel dropped; all of that is accepted here.
"""

from __future__ import annotations

import datetime
import functools
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _

from lotse.people.choices import BirthDatePrecision

# Excel counts days from 30 December 1899 (its 1900 leap-year bug included).
EXCEL_EPOCH = datetime.date(1899, 12, 30)
# Serial numbers Excel can show as a date (1 January 1900 to 31 December 9999).
EXCEL_SERIAL_RANGE = range(1, 2958466)
EARLIEST_DATE = datetime.date(1900, 1, 1)
PLAUSIBLE_SERIAL = 10_000

# A time after the date (as a cell formatted "TT.MM.JJJJ hh:mm" reads as text) is left out, as in the ISO form.
_GERMAN_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{2}|\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_MONTH_YEAR = re.compile(r"^(\d{1,2})[./](\d{4})$")
_YEAR = re.compile(r"^(\d{4})$")
_SERIAL = re.compile(r"^\d{1,7}(?:[.,]0+)?$")
_AGS = re.compile(r"^\d{7,8}$")
_LIST_SEPARATORS = re.compile(r"[,;/|\n]+")


class CellError(Exception):
    """The cell's value cannot be used; ``message`` says why, in the user's language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def display(value: Any) -> str:
    """The value as the report shows it."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0, 0):
            return value.strftime("%d.%m.%Y")
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# Characters copied in from web pages and other programs that look like a space or like nothing at all: a
# non-breaking space reads as a space, a zero-width space, word joiner or byte order mark as nothing, so
# "P-\u00a01001" is the ID "P- 1001" that the other sheet writes. (The zero-width joiners of Persian and
# Arabic names are letters' business and stay.)
_INVISIBLE = str.maketrans(
    {"\u00a0": " ", "\u2007": " ", "\u202f": " ", "\u200b": None, "\u2060": None, "\ufeff": None}
)


def text(value: Any) -> str:
    """A text cell: numbers typed into it lose Excel's ".0", whitespace is trimmed."""
    if value is None:
        return ""
    if isinstance(value, str):
        if not value.isascii():
            value = value.translate(_INVISIBLE)
        return " ".join(value.split()) if "\n" in value or "\t" in value else value.strip()
    return display(value)


def multiline_text(value: Any) -> str:
    """A note: its line breaks are kept, only the ends trimmed."""
    if isinstance(value, str):
        return value.strip()
    return text(value)


def identifier(value: Any) -> str:
    result = text(value)
    if len(result) > 64:
        raise CellError(_("An ID may have at most 64 characters."))
    return result


def bounded_text(value: Any, max_length: int) -> str:
    result = text(value)
    if len(result) > max_length:
        raise CellError(_("At most %(count)s characters are allowed.") % {"count": max_length})
    return result


def _from_serial(number: float) -> datetime.date:
    # Serial numbers below 10000 (before 1927) are far more likely a year or a typo than a date.
    if int(number) not in EXCEL_SERIAL_RANGE or number < PLAUSIBLE_SERIAL:
        raise CellError(_("This number is not a date."))
    return EXCEL_EPOCH + datetime.timedelta(days=int(number))


def _date_or_error(year: int, month: int, day: int) -> datetime.date:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise CellError(_("This date does not exist.")) from None


def date(value: Any, *, today: datetime.date, future_allowed: bool = False) -> datetime.date | None:
    """A date from an Excel date cell, an Excel serial number, TT.MM.JJJJ or JJJJ-MM-TT."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        result = value.date()
    elif isinstance(value, datetime.date):
        result = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        result = _from_serial(value)
    else:
        raw = text(value)
        if not raw:
            return None
        if match := _GERMAN_DATE.match(raw):
            day, month, year = match.groups()
            if len(year) == 2:
                raise CellError(_("Write the year with four digits (DD.MM.YYYY)."))
            result = _date_or_error(int(year), int(month), int(day))
        elif match := _ISO_DATE.match(raw):
            year, month, day = match.groups()
            result = _date_or_error(int(year), int(month), int(day))
        elif _SERIAL.match(raw):
            result = _from_serial(float(raw.replace(",", ".")))
        else:
            raise CellError(_("This is not a date. Write DD.MM.YYYY."))
    return _checked(result, today=today, future_allowed=future_allowed)


def _checked(result: datetime.date, *, today: datetime.date, future_allowed: bool) -> datetime.date:
    if result < EARLIEST_DATE:
        raise CellError(_("The date cannot be before 1900."))
    if not future_allowed and result > today:
        raise CellError(_("The date cannot be in the future."))
    return result


def birth_date(value: Any, *, today: datetime.date) -> tuple[datetime.date | None, str]:
    """A date of birth as refugees know it: (first possible day, precision).

    A four-digit number is a year of birth, not an Excel serial number.
    """
    if value is None or value == "":
        return None, ""
    if isinstance(value, int | float) and not isinstance(value, bool) and 1900 <= value <= 2100:
        value = str(int(value))
    if isinstance(value, str):
        raw = text(value)
        if not raw:
            return None, ""
        if match := _MONTH_YEAR.match(raw):
            month, year = (int(part) for part in match.groups())
            if not 1 <= month <= 12:
                raise CellError(_("This date does not exist."))
            first = _checked(datetime.date(year, month, 1), today=today, future_allowed=False)
            return first, str(BirthDatePrecision.MONTH)
        if match := _YEAR.match(raw):
            first = _checked(datetime.date(int(match.group(1)), 1, 1), today=today, future_allowed=False)
            return first, str(BirthDatePrecision.YEAR)
        if not (_GERMAN_DATE.match(raw) or _ISO_DATE.match(raw) or _SERIAL.match(raw)):
            raise CellError(_("This is not a date of birth. Write DD.MM.YYYY, MM.YYYY or YYYY."))
    day = date(value, today=today)
    return day, str(BirthDatePrecision.DAY) if day else ""


@functools.lru_cache(maxsize=4096)
def fold_code(raw: str) -> str:
    """Codes compare without case, accents, umlauts or surrounding space: "Ungeklärt" is "ungeklaert"."""
    lowered = unicodedata.normalize("NFC", raw).strip().casefold()
    for umlaut, spelled in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        lowered = lowered.replace(umlaut, spelled)
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def code_table(codes: Iterable[str], **aliases: str) -> dict[str, str]:
    """Folded spelling -> code, for :func:`code`."""
    table = {fold_code(code): code for code in codes}
    table.update({fold_code(alias): code for alias, code in aliases.items()})
    return table


def code(value: Any, table: Mapping[str, str], *, allowed: Iterable[str]) -> str:
    raw = text(value)
    found = table.get(fold_code(raw))
    if found is None:
        raise CellError(_("Unknown code. Allowed: %(codes)s.") % {"codes": ", ".join(allowed)})
    return found


def code_list(value: Any, table: Mapping[str, str], *, what: str | Promise) -> list[str]:
    """Several codes separated by commas (or semicolons, slashes, line breaks), in their order, once each."""
    result: list[str] = []
    unknown: list[str] = []
    raw = value if isinstance(value, str) else text(value)  # before text() joins the lines of a cell
    for part in _LIST_SEPARATORS.split(raw):
        if not part.strip():
            continue
        found = table.get(fold_code(part))
        if found is None:
            unknown.append(part.strip())
        elif found not in result:
            result.append(found)
    if unknown:
        raise CellError(
            _("Unknown %(what)s: %(codes)s.") % {"what": what, "codes": ", ".join(f"„{code}“" for code in unknown)}
        )
    return result


def ags(value: Any) -> str:
    """An 8-digit AGS; Excel drops the leading zero of a number like 08118001, so 7 digits get it back."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    raw = text(value).replace(" ", "")
    if not _AGS.match(raw):
        raise CellError(_("An official municipality key (AGS) has 8 digits."))
    return raw.zfill(8)


def integer(value: Any, *, low: int, high: int) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise CellError(_("Enter a whole number."))
    if isinstance(value, float):
        if not value.is_integer():
            raise CellError(_("Enter a whole number."))
        number = int(value)
    elif isinstance(value, int):
        number = value
    else:
        raw = text(value)
        if not raw:
            return None
        if not re.fullmatch(r"\d+(?:[.,]0+)?", raw):
            raise CellError(_("Enter a whole number."))
        number = int(re.split(r"[.,]", raw)[0])
    if not low <= number <= high:
        raise CellError(_("Enter a number from %(low)s to %(high)s.") % {"low": low, "high": high})
    return number


# A memo keeps at most this many spellings of one column (codes and dates repeat; a column of names fills it).
MEMO_SPELLINGS = 20_000


class Memo:
    """A cell parser of one argument that parses each spelling of a text cell once per import.

    Codes, dates and municipality keys repeat on most rows of a large sheet:
    the result (or the message of the error) of a text cell is kept, up to
    :data:`MEMO_SPELLINGS` spellings, so memory stays bounded. Other cells
    (numbers, Excel dates) are parsed every time. Messages are translated
    when first met, so a memo lives as long as one import.
    """

    __slots__ = ("parse", "results")

    def __init__(self, parse: Callable[[Any], Any]) -> None:
        self.parse = parse
        self.results: dict[str, tuple[Any, str | None]] = {}

    def __call__(self, value: Any) -> Any:
        if value.__class__ is not str:
            return self.parse(value)
        hit = self.results.get(value)
        if hit is None:
            try:
                hit = (self.parse(value), None)
            except CellError as error:
                hit = (None, error.message)
            if len(self.results) < MEMO_SPELLINGS:
                self.results[value] = hit
        if hit[1] is not None:
            raise CellError(hit[1])
        return hit[0]
