"""What the start page says to each user: the panels that the domain apps register for their capabilities.

Core knows no domain app: each app registers, in its ``AppConfig.ready()``,
a function that builds its panel (a few current numbers, each linking to
where they come from) for a user who holds the panel's capability.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.formats import number_format

from lotse.core.access import Capability, can
from lotse.core.models import User


@dataclass(frozen=True)
class Fact:
    """One number of a panel: what it counts, the number as shown, and the page that lists what it counts."""

    label: str
    value: str
    url: str | None = None
    # Something to act on (overdue, waiting): shown as a warning when not zero.
    urgent: bool = False


@dataclass(frozen=True)
class Panel:
    title: str
    facts: list[Fact] = field(default_factory=list)
    link_url: str | None = None
    link_label: str = ""
    note: str = ""


PanelBuilder = Callable[[User, datetime.date], Panel | None]
_PANELS: list[tuple[int, Capability, PanelBuilder]] = []


def register(capability: Capability, build: PanelBuilder, *, order: int = 100) -> None:
    """Show the panel ``build`` makes to every user who holds ``capability`` (lower ``order`` first)."""
    if not any(existing is build for _order, _capability, existing in _PANELS):
        _PANELS.append((order, capability, build))
        _PANELS.sort(key=lambda entry: entry[0])


def panels_for(user: User, today: datetime.date) -> list[Panel]:
    panels = []
    for _order, capability, build in _PANELS:
        if can(user, capability) and (panel := build(user, today)) is not None:
            panels.append(panel)
    return panels


def number(value: int | Decimal | None, decimals: int | None = None) -> str:
    """A number as the user's language writes it (German: 1.234 and 24,5); a dash for none."""
    return "–" if value is None else number_format(value, decimals, force_grouping=True)


def percent(value: Decimal | None) -> str:
    return "–" if value is None else f"{number(value, 1)}\u00a0%"
