"""Dates of birth as refugees know them: the full date, month and year, or the year only."""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from lotse.people.choices import BirthDatePrecision

_FULL = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_MONTH = re.compile(r"^(\d{1,2})[./](\d{4})$")
_YEAR = re.compile(r"^(\d{4})$")

EARLIEST_BIRTH_YEAR = 1900


def parse_partial_date(text: str) -> tuple[datetime.date | None, str]:
    """Parse "TT.MM.JJJJ", "MM.JJJJ", "JJJJ" (or ISO) into (first possible day, precision).

    Empty text is an unknown date of birth: (None, "").
    """
    value = text.strip()
    if not value:
        return None, ""
    try:
        if match := _FULL.match(value):
            day, month, year = (int(part) for part in match.groups())
            result, precision = datetime.date(year, month, day), BirthDatePrecision.DAY
        elif match := _ISO.match(value):
            year, month, day = (int(part) for part in match.groups())
            result, precision = datetime.date(year, month, day), BirthDatePrecision.DAY
        elif match := _MONTH.match(value):
            month, year = (int(part) for part in match.groups())
            result, precision = datetime.date(year, month, 1), BirthDatePrecision.MONTH
        elif match := _YEAR.match(value):
            result, precision = datetime.date(int(match.group(1)), 1, 1), BirthDatePrecision.YEAR
        else:
            raise ValueError(value)
    except ValueError:
        raise ValidationError(
            _("“%(value)s” is not a date of birth. Write DD.MM.YYYY, MM.YYYY or only the year YYYY.")
            % {"value": value},
            code="invalid_birth_date",
        ) from None
    check_birth_date(result)
    return result, str(precision)


def check_birth_date(value: datetime.date) -> None:
    if value > timezone.localdate():
        raise ValidationError(_("The date of birth cannot be in the future."), code="birth_date_future")
    if value.year < EARLIEST_BIRTH_YEAR:
        raise ValidationError(
            _("The date of birth cannot be before %(year)s.") % {"year": EARLIEST_BIRTH_YEAR}, code="birth_date_past"
        )


def format_partial_date(value: datetime.date | None, precision: str) -> str:
    """The form's text for a stored date of birth (the inverse of parse_partial_date)."""
    if value is None:
        return ""
    if precision == BirthDatePrecision.YEAR:
        return f"{value.year}"
    if precision == BirthDatePrecision.MONTH:
        return f"{value.month:02d}.{value.year}"
    return f"{value.day:02d}.{value.month:02d}.{value.year}"


def not_in_future(value: datetime.date, what: str) -> None:
    """Facts are recorded when they happened: a date after today is refused."""
    if value > timezone.localdate():
        raise ValidationError(_("%(what)s cannot be in the future.") % {"what": what}, code="date_in_future")
