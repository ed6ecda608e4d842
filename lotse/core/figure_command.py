"""What the commands that print figures share (``kennzahlen``, ``unterbringung``): the period and the table."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext as _


class Figures(Protocol):
    def value(self, key: str) -> Any: ...


def iso_date(option: str, text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(
            _("%(option)s: “%(value)s” is not a date; please write YYYY-MM-DD.") % {"option": option, "value": text}
        ) from None


def period(options: Mapping[str, Any]) -> tuple[datetime.date, datetime.date | None]:
    """The reference date (``--stichtag``, default today) and the period start (``--von``, if given)."""
    day = iso_date("--stichtag", options["stichtag"]) if options["stichtag"] else timezone.localdate()
    von = iso_date("--von", options["von"]) if options["von"] else None
    if von is not None and von > day:
        raise CommandError(_("The period start (--von) lies after the reference date (--stichtag)."))
    return day, von


def figure_table(
    head: list[tuple[str, str]],
    figures: Figures,
    labels: Mapping[str, Any],
    *,
    reasons: str,
    reason_label: Callable[[str], str],
) -> str:
    """The figures as an aligned two-column table below ``head``; ``reasons`` is the key of the counts by reason."""
    rows = list(head)
    for key, label in labels.items():
        value = figures.value(key)
        if key == reasons:
            rows.append((str(label), ""))
            rows.extend((f"  {reason_label(code)}", str(count)) for code, count in value.items())
        else:
            rows.append((str(label), figure_text(value)))
    return aligned(rows)


def figure_text(value: Any) -> str:
    """A figure as the table prints it: a dash for none, a decimal comma."""
    return "–" if value is None else str(value).replace(".", ",")


def aligned(rows: list[tuple[str, str]]) -> str:
    """Label and value rows as an aligned two-column table."""
    width = max(len(label) for label, _value in rows)
    return "\n".join(f"{label:<{width}}  {value:>8}" for label, value in rows)
