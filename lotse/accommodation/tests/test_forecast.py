"""The capacity forecast on hand-made series, month by month."""

from __future__ import annotations

import datetime
from fractions import Fraction

from lotse.accommodation import services
from lotse.accommodation.choices import MoveOutReason
from lotse.accommodation.forecast import (
    MonthRow,
    add_months,
    first_shortage,
    load_forecast,
    move_out_rate,
    next_months,
    project,
    round_half_up,
)
from lotse.accommodation.models import Shelter
from lotse.core.models import Organisation
from lotse.people.models import Person

JAN, FEB, MAR = datetime.date(2025, 1, 1), datetime.date(2025, 2, 1), datetime.date(2025, 3, 1)


def test_it_computes_the_rate_from_move_outs_and_month_end_residents() -> None:
    assert move_out_rate(12, [10] * 12) == Fraction(1, 10)
    assert move_out_rate(3, [0] * 12) == 0
    assert move_out_rate(0, [5] * 12) == 0


def test_it_rounds_expected_move_outs_half_up() -> None:
    assert [round_half_up(Fraction(n, 2)) for n in (1, 3, 5)] == [1, 2, 3]
    assert round_half_up(Fraction(249, 100)) == 2


def test_it_projects_month_by_month_and_names_the_month_places_run_out() -> None:
    rows = project(10, Fraction(1, 10), [JAN, FEB, MAR], [2, 0, 5], [12, 12, 11])

    assert rows == (
        MonthRow(month=JAN, expected=2, move_outs=1, residents=11, places=12),
        MonthRow(month=FEB, expected=0, move_outs=1, residents=10, places=12),
        MonthRow(month=MAR, expected=5, move_outs=1, residents=14, places=11),
    )
    assert [row.free for row in rows] == [1, 2, -3]
    assert first_shortage(rows) == MAR


def test_it_says_places_do_not_run_out_when_none_are_short() -> None:
    rows = project(10, Fraction(1, 4), [JAN, FEB], [0, 3], [10, 10])

    # 10 * 1/4 = 2.5 -> 3 leave; 7 * 1/4 = 1.75 -> 2 leave
    assert [(row.move_outs, row.residents, row.free) for row in rows] == [(3, 7, 3), (2, 8, 2)]
    assert first_shortage(rows) is None
    # zero free places are not a shortage
    assert first_shortage(project(10, Fraction(0), [JAN], [0], [10])) is None


def test_it_counts_months_across_years() -> None:
    assert add_months(datetime.date(2024, 11, 20), 2) == datetime.date(2025, 1, 1)
    assert add_months(datetime.date(2024, 1, 31), -12) == datetime.date(2023, 1, 1)
    assert next_months(datetime.date(2024, 12, 5), 2) == [JAN, FEB]


def test_it_loads_the_forecast_of_an_operator(city: Organisation, follow_up_shelter: Shelter) -> None:
    staying = Person.objects.create(organisation=city, family_name="Staying")
    leaving = Person.objects.create(organisation=city, family_name="Leaving")
    services.move_in(acting_user=None, shelter=follow_up_shelter, person=staying, on=datetime.date(2023, 1, 1))
    stay = services.move_in(acting_user=None, shelter=follow_up_shelter, person=leaving, on=datetime.date(2024, 1, 1))
    services.move_out(
        acting_user=None, occupancy=stay, on=datetime.date(2024, 4, 1), reason=MoveOutReason.WEGZUG, expected_version=1
    )
    services.change_capacity(acting_user=None, shelter=follow_up_shelter, places=3, on=datetime.date(2024, 9, 15))
    services.set_expected_intake(
        acting_user=None, organisation=city, months={datetime.date(2024, 8, 1): 3, datetime.date(2024, 9, 1): 1}
    )

    forecast = load_forecast(city, datetime.date(2024, 7, 10), horizon=3)

    assert (forecast.residents, forecast.places, forecast.free) == (1, 4, 3)
    # month ends Jul 2023 to Jun 2024: 1 x 6, 2 x 3 (Jan-Mar), 1 x 3
    assert forecast.basis_month_ends == (1, 1, 1, 1, 1, 1, 2, 2, 2, 1, 1, 1)
    assert forecast.basis_move_outs == 1
    assert forecast.rate == Fraction(1, 15)
    assert [(r.month, r.expected, r.move_outs, r.residents, r.places, r.free) for r in forecast.rows] == [
        (datetime.date(2024, 8, 1), 3, 0, 4, 4, 0),
        (datetime.date(2024, 9, 1), 1, 0, 5, 3, -2),
        (datetime.date(2024, 10, 1), 0, 0, 5, 3, -2),
    ]
    assert forecast.runs_out == datetime.date(2024, 9, 1)
    assert load_forecast(city, datetime.date(2024, 7, 10), group="vu", horizon=3).places == 0
