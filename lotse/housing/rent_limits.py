"""The rule of the county's rent limits: which limit applies to a household of a size in a municipality on a day.

A limit is in force from its ``valid_from`` until the next limit of the same municipality and household size.
Households larger than the largest size set get the largest size's limit plus, per further person, the difference
between the two largest sizes (how the counties' KdU guidelines extend their tables). One rule for every page that
asks: the matching, the offer page, the search page and the figures.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Max

from lotse.housing.models import RentLimit


@dataclass(frozen=True)
class Limit:
    """The limit of one municipality, household size and day."""

    municipality_id: int
    household_size: int
    max_gross_cold_rent: Decimal
    max_living_space: Decimal | None
    valid_from: datetime.date
    # True when the size is larger than any size set and the limit was extended per further person.
    extended: bool = False


def limits_in_force(municipality_ids: Iterable[int], on: datetime.date) -> dict[tuple[int, int], RentLimit]:
    """The limits in force on ``on`` per (municipality, household size), for the municipalities given (one query)."""
    ids = list(set(municipality_ids))
    if not ids:
        return {}
    rows = (
        RentLimit.objects.filter(municipality_id__in=ids, valid_from__lte=on)
        .order_by("municipality_id", "household_size", "-valid_from")
        .distinct("municipality_id", "household_size")
    )
    return {(row.municipality_id, row.household_size): row for row in rows}


def limit_from(in_force: dict[tuple[int, int], RentLimit], municipality_id: int, size: int) -> Limit | None:
    """The limit for a household of ``size`` from the limits in force of :func:`limits_in_force` (no query)."""
    found = in_force.get((municipality_id, size))
    if found is not None:
        return Limit(
            municipality_id, size, found.max_gross_cold_rent, found.max_living_space, found.valid_from, extended=False
        )
    sizes = sorted(s for (m, s) in in_force if m == municipality_id)
    if not sizes or size < sizes[-1]:
        return None  # nothing set for the municipality, or a gap in its table
    largest = in_force[(municipality_id, sizes[-1])]
    step_rent = Decimal(0)
    step_space: Decimal | None = None
    if len(sizes) >= 2:
        before = in_force[(municipality_id, sizes[-2])]
        step_rent = (largest.max_gross_cold_rent - before.max_gross_cold_rent) / (sizes[-1] - sizes[-2])
        if largest.max_living_space is not None and before.max_living_space is not None:
            step_space = (largest.max_living_space - before.max_living_space) / (sizes[-1] - sizes[-2])
    extra = size - sizes[-1]
    space = None
    if largest.max_living_space is not None:
        space = largest.max_living_space + (step_space or Decimal(0)) * extra
    return Limit(
        municipality_id,
        size,
        (largest.max_gross_cold_rent + step_rent * extra).quantize(Decimal("0.01")),
        space.quantize(Decimal("0.1")) if space is not None else None,
        largest.valid_from,
        extended=True,
    )


def limit_for(municipality_id: int, size: int, on: datetime.date) -> Limit | None:
    """The limit for a household of ``size`` in the municipality on ``on``, or None where none is set."""
    return limit_from(limits_in_force([municipality_id], on), municipality_id, size)


def newest_change(on: datetime.date) -> datetime.date | None:
    """The day the newest limit in force on ``on`` took effect, anywhere in the county."""
    newest: datetime.date | None = RentLimit.objects.filter(valid_from__lte=on).aggregate(d=Max("valid_from"))["d"]
    return newest
