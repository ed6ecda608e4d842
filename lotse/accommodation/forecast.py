"""Capacity forecast: when the free places of an operator's shelters run out (docs/unterbringung.md).

Month 0 is today: the residents on places of the shelters today, and the
places available today. The move-out rate per month is

    r = move-outs in the last 12 full calendar months / (sum of the 12 month-end resident counts)

which is the number of move-outs per month divided by the average month-end
number of residents. For each following month m:

    residents(m) = residents(m-1) + expected(m) - round_half_up(r * residents(m-1))
    places(m)    = places available on the last day of m (in shelters in operation that day)
    free(m)      = places(m) - residents(m)

Places run out in the first month with free(m) < 0: more residents than places.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from django.db import connection

from lotse.accommodation.models import ExpectedIntake, Occupancy, Place, Shelter
from lotse.core.models import Organisation

Group = Literal["vu", "au"]
BASIS_MONTHS = 12
MAX_HORIZON = 24


@dataclass(frozen=True)
class MonthRow:
    month: datetime.date  # the first of the month
    expected: int
    move_outs: int
    residents: int
    places: int

    @property
    def free(self) -> int:
        return self.places - self.residents


@dataclass(frozen=True)
class Forecast:
    today: datetime.date
    residents: int
    places: int
    rate: Fraction
    basis_move_outs: int
    basis_month_ends: tuple[int, ...]
    rows: tuple[MonthRow, ...]

    @property
    def horizon(self) -> int:
        return len(self.rows)

    @property
    def free(self) -> int:
        return self.places - self.residents

    @property
    def runs_out(self) -> datetime.date | None:
        """The first month in which residents exceed places, or None within the horizon."""
        return first_shortage(self.rows)

    @property
    def average_residents(self) -> Fraction:
        if not self.basis_month_ends:
            return Fraction(0)
        return Fraction(sum(self.basis_month_ends), len(self.basis_month_ends))

    @property
    def rate_percent(self) -> float:
        return round(float(self.rate * 100), 1)


def round_half_up(value: Fraction) -> int:
    return math.floor(value + Fraction(1, 2))


def move_out_rate(move_outs: int, month_end_residents: Sequence[int]) -> Fraction:
    """Move-outs per month divided by the average month-end residents; 0 without any residents."""
    total = sum(month_end_residents)
    if total == 0:
        return Fraction(0)
    # (move_outs / n) / (total / n) over n months
    return Fraction(move_outs, total)


def project(
    residents: int, rate: Fraction, months: Sequence[datetime.date], expected: Sequence[int], places: Sequence[int]
) -> tuple[MonthRow, ...]:
    """Month by month from ``residents`` today; ``expected`` and ``places`` per month of ``months``."""
    rows = []
    current = residents
    for month, arriving, available in zip(months, expected, places, strict=True):
        leaving = round_half_up(rate * current)
        current = current + arriving - leaving
        rows.append(MonthRow(month=month, expected=arriving, move_outs=leaving, residents=current, places=available))
    return tuple(rows)


def first_shortage(rows: Sequence[MonthRow]) -> datetime.date | None:
    for row in rows:
        if row.free < 0:
            return row.month
    return None


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The first of the month ``months`` after ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def month_end(first: datetime.date) -> datetime.date:
    return add_months(first, 1) - datetime.timedelta(days=1)


def next_months(today: datetime.date, count: int) -> list[datetime.date]:
    """The first days of the ``count`` months after today's month."""
    return [add_months(today, i) for i in range(1, count + 1)]


def shelters_of(organisation: Organisation, group: Group | None = None) -> list[int]:
    shelters = Shelter.objects.filter(organisation=organisation)
    if group is not None:
        shelters = shelters.in_group(group)
    return list(shelters.values_list("pk", flat=True))


def _counts_on(shelter_ids: list[int], days: Sequence[datetime.date]) -> tuple[list[int], list[int]]:
    """Places available and residents on each day, in shelters (of ``shelter_ids``) in operation that day."""
    sql = f"""
        SELECT d,
            (SELECT count(*) FROM {Place._meta.db_table} p JOIN {Shelter._meta.db_table} s ON s.id = p.shelter_id
             WHERE s.id = ANY(%(ids)s) AND p.available_from <= d AND (p.available_to IS NULL OR p.available_to > d)
               AND (s.in_operation_from IS NULL OR s.in_operation_from <= d)
               AND (s.in_operation_to IS NULL OR s.in_operation_to >= d)),
            (SELECT count(*) FROM {Occupancy._meta.db_table} o JOIN {Place._meta.db_table} p ON p.id = o.place_id
             WHERE p.shelter_id = ANY(%(ids)s) AND o.move_in <= d AND (o.move_out IS NULL OR o.move_out > d))
        FROM unnest(%(days)s::date[]) AS d ORDER BY d
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, {"ids": shelter_ids, "days": sorted(days)})
        rows = cursor.fetchall()
    by_day = {day: (places, residents) for day, places, residents in rows}
    return [by_day[d][0] for d in days], [by_day[d][1] for d in days]


def basis_window(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The last 12 full calendar months before today's month: [first day, first day of today's month)."""
    return add_months(today, -BASIS_MONTHS), add_months(today, 0)


def load_forecast(
    organisation: Organisation,
    today: datetime.date,
    group: Group | None = None,
    horizon: int = MAX_HORIZON,
) -> Forecast:
    """The forecast for the organisation's shelters (of one group) from today over ``horizon`` months."""
    horizon = max(1, min(horizon, MAX_HORIZON))
    ids = shelters_of(organisation, group)
    start, end = basis_window(today)
    basis_days = [month_end(add_months(start, i)) for i in range(BASIS_MONTHS)]
    months = next_months(today, horizon)
    days = [today, *basis_days, *(month_end(m) for m in months)]
    places, residents = _counts_on(ids, days)
    move_outs = Occupancy.objects.filter(place__shelter_id__in=ids, move_out__gte=start, move_out__lt=end).count()
    expected_by_month = dict(
        ExpectedIntake.objects.filter(organisation=organisation, month__in=months).values_list("month", "persons")
    )
    month_ends = residents[1 : 1 + BASIS_MONTHS]
    rate = move_out_rate(move_outs, month_ends)
    rows = project(
        residents[0],
        rate,
        months,
        [expected_by_month.get(m, 0) for m in months],
        places[1 + BASIS_MONTHS :],
    )
    return Forecast(
        today=today,
        residents=residents[0],
        places=places[0],
        rate=rate,
        basis_move_outs=move_outs,
        basis_month_ends=tuple(month_ends),
        rows=rows,
    )
