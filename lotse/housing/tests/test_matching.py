"""The matching rules over plain data: hard rules, the score, the optimal proposal against brute force."""

from __future__ import annotations

import datetime
import itertools
import random
from decimal import Decimal

from lotse.housing.choices import Need, Urgency
from lotse.housing.matching import (
    MOVE_IN_WAIT_DAYS,
    WEIGHTS,
    HouseholdFacts,
    OfferFacts,
    RentLimits,
    households_for_offer,
    offers_for_household,
    optimal_assignment,
    score,
    score_matrix,
)
from lotse.housing.models import RentLimit

TODAY = datetime.date(2026, 3, 1)
TOWN, VILLAGE = 1, 2


def flat(**fields: object) -> OfferFacts:
    values: dict[str, object] = {
        "key": 1,
        "municipality_id": TOWN,
        "max_occupants": 4,
        "gross_cold_rent": Decimal("700"),
        "living_space": Decimal("70"),
        "floor": 2,
        "lift": False,
        "step_free": False,
        "available_from": TODAY,
    }
    values.update(fields)
    return OfferFacts(**values)  # type: ignore[arg-type]


def household(**fields: object) -> HouseholdFacts:
    values: dict[str, object] = {"key": 1, "size": 3, "earliest_move_in": TODAY, "search_started_on": TODAY}
    values.update(fields)
    return HouseholdFacts(**values)  # type: ignore[arg-type]


def limits(*rows: tuple[int, int, str, str | None, datetime.date]) -> RentLimits:
    return RentLimits(
        RentLimit(
            municipality_id=m,
            household_size=size,
            max_gross_cold_rent=Decimal(rent),
            max_living_space=Decimal(space) if space else None,
            valid_from=valid_from,
        )
        for m, size, rent, space, valid_from in rows
    )


LIMITS = limits(
    (TOWN, 1, "500", "45", datetime.date(2025, 1, 1)),
    (TOWN, 2, "600", "60", datetime.date(2025, 1, 1)),
    (TOWN, 3, "690", "75", datetime.date(2025, 1, 1)),
    (TOWN, 3, "720", "75", datetime.date(2026, 4, 1)),
    (TOWN, 4, "800", "90", datetime.date(2025, 1, 1)),
)


def rules(offer: OfferFacts, facts: HouseholdFacts, rent_limits: RentLimits = LIMITS) -> list[str]:
    ranking = households_for_offer(offer, [facts], rent_limits, TODAY)
    return [f.rule for match in ranking.failing for f in match.failures]


def test_it_lets_a_household_fit_that_breaks_no_rule() -> None:
    assert rules(flat(), household()) == []


def test_it_keeps_households_larger_than_the_flat_takes() -> None:
    assert rules(flat(max_occupants=2), household(size=3)) == ["size"]
    assert rules(flat(max_occupants=3), household(size=3)) == []


def test_it_applies_the_rent_limit_only_where_benefits_pay() -> None:
    # 700 € is above the limit of 690 € for three persons in force on the move-in day.
    assert rules(flat(), household(limit_applies=True)) == ["rent"]
    assert rules(flat(), household(limit_applies=False)) == []
    assert rules(flat(gross_cold_rent=Decimal("690")), household(limit_applies=True)) == []


def test_it_takes_the_limit_in_force_on_the_move_in_day() -> None:
    # The limit rises to 720 € on 1 April: a household moving in then may rent the flat.
    later = datetime.date(2026, 4, 1)
    assert rules(flat(available_from=later), household(limit_applies=True, earliest_move_in=later)) == []
    assert rules(flat(), household(limit_applies=True, earliest_move_in=later - datetime.timedelta(days=1))) == ["rent"]


def test_it_checks_the_living_space_where_the_limit_sets_one() -> None:
    assert rules(flat(gross_cold_rent=Decimal("600"), living_space=Decimal("76")), household(limit_applies=True)) == [
        "space"
    ]


def test_it_extends_the_limit_for_households_larger_than_the_table() -> None:
    # 800 € for four, +110 € per further person (the step from three to four in force): 910 € for five.
    assert (
        rules(
            flat(max_occupants=6, gross_cold_rent=Decimal("910"), living_space=Decimal("80")),
            household(size=5, limit_applies=True),
        )
        == []
    )
    assert rules(
        flat(max_occupants=6, gross_cold_rent=Decimal("911"), living_space=Decimal("80")),
        household(size=5, limit_applies=True),
    ) == ["rent"]


def test_it_refuses_where_no_limit_is_set_for_the_municipality() -> None:
    assert rules(flat(municipality_id=VILLAGE), household(limit_applies=True)) == ["rent"]


def test_it_meets_step_free_and_ground_floor_needs() -> None:
    step_free = household(needs=frozenset({Need.STEP_FREE}))
    ground = household(needs=frozenset({Need.GROUND_FLOOR}))
    assert rules(flat(), step_free) == ["access"]
    assert rules(flat(step_free=True), step_free) == []
    assert rules(flat(floor=2), ground) == ["access"]
    assert rules(flat(floor=0), ground) == []
    assert rules(flat(floor=3, lift=True), ground) == []


def test_it_wants_the_flat_available_in_time() -> None:
    late = household(earliest_move_in=TODAY + datetime.timedelta(days=MOVE_IN_WAIT_DAYS + 1))
    assert rules(flat(), late) == ["time"]
    assert rules(flat(), household(earliest_move_in=TODAY + datetime.timedelta(days=MOVE_IN_WAIT_DAYS))) == []
    # A flat free later than the household could move is fine: the household waits.
    assert rules(flat(available_from=TODAY + datetime.timedelta(days=200)), household()) == []
    # A flat free since long is free today: a household that can move in within the wait from today fits.
    long_free = flat(available_from=TODAY - datetime.timedelta(days=400))
    assert rules(long_free, household(earliest_move_in=TODAY + datetime.timedelta(days=MOVE_IN_WAIT_DAYS))) == []
    assert rules(long_free, late) == ["time"]
    # A limited tenancy must run a year from moving in.
    assert rules(flat(limited_until=TODAY + datetime.timedelta(days=200)), household()) == ["time"]
    assert rules(flat(limited_until=TODAY + datetime.timedelta(days=400)), household()) == []


def test_it_keeps_pets_out_where_the_landlord_excludes_them() -> None:
    pets = household(needs=frozenset({Need.PETS}))
    assert rules(flat(pets_allowed=False), pets) == ["pets"]
    assert rules(flat(pets_allowed=None), pets) == []
    assert rules(flat(pets_allowed=True), pets) == []


def test_it_explains_the_score_part_by_part() -> None:
    facts = household(
        search_started_on=TODAY - datetime.timedelta(days=100),
        urgency=Urgency.EMERGENCY,
        preferred_municipalities=frozenset({TOWN}),
        home_municipality_id=TOWN,
    )
    ranking = households_for_offer(flat(), [facts], LIMITS, TODAY)
    parts = {part.label: part.points for part in ranking.fitting[0].parts}
    assert parts == {
        "passt zur Wohnung": WEIGHTS.fits,
        "sucht seit 3 Monaten": 3 * WEIGHTS.per_waiting_month,
        "in einer Notunterkunft": 40,
        "bevorzugte Gemeinde": WEIGHTS.preferred_municipality,
        "wohnt jetzt in der Gemeinde": WEIGHTS.same_municipality,
    }
    assert ranking.fitting[0].score == sum(parts.values())


def test_it_caps_the_waiting_time() -> None:
    long_ago = household(search_started_on=TODAY - datetime.timedelta(days=365 * 5))
    assert score(flat(), long_ago, TODAY) == WEIGHTS.fits + WEIGHTS.per_waiting_month * WEIGHTS.waiting_months_counted


def test_it_ranks_households_for_an_offer_and_offers_for_a_household_the_same_way() -> None:
    urgent = household(key=1, urgency=Urgency.NOTICE)
    waiting = household(key=2, search_started_on=TODAY - datetime.timedelta(days=62))
    too_big = household(key=3, size=6)
    ranking = households_for_offer(flat(), [waiting, too_big, urgent], LIMITS, TODAY)
    assert [m.household.key for m in ranking.fitting] == [1, 2]
    assert [m.household.key for m in ranking.failing] == [3]
    near = flat(key=7, municipality_id=VILLAGE)
    far = flat(key=8)
    preferring = household(preferred_municipalities=frozenset({VILLAGE}))
    offers = offers_for_household(preferring, [far, near], LIMITS, TODAY)
    assert [m.offer.key for m in offers.fitting] == [7, 8]
    assert offers.fitting[0].score - offers.fitting[1].score == WEIGHTS.preferred_municipality


def brute_force(scores: list[list[int | None]]) -> int:
    """The best total over every way to give each offer at most one household, each household at most one offer."""
    offers, households = len(scores), len(scores[0]) if scores else 0
    best = 0
    choices = list(range(households)) + [None] * offers
    for chosen in itertools.permutations(choices, offers):
        if any(c is not None and scores[o][c] is None for o, c in enumerate(chosen)):
            continue
        best = max(best, sum(scores[o][c] or 0 for o, c in enumerate(chosen) if c is not None))
    return best


def test_it_proposes_the_best_total_as_brute_force_finds_it() -> None:
    generator = random.Random(21)
    for _round in range(60):
        offers = [
            flat(
                key=k,
                municipality_id=generator.choice([TOWN, VILLAGE]),
                max_occupants=generator.randint(1, 5),
                gross_cold_rent=Decimal(generator.randrange(450, 850, 50)),
                step_free=generator.random() < 0.3,
            )
            for k in range(generator.randint(1, 4))
        ]
        households = [
            household(
                key=100 + k,
                size=generator.randint(1, 5),
                limit_applies=generator.random() < 0.5,
                needs=frozenset({Need.STEP_FREE}) if generator.random() < 0.2 else frozenset(),
                urgency=generator.choice(Urgency.values),
                search_started_on=TODAY - datetime.timedelta(days=generator.randint(0, 900)),
                preferred_municipalities=frozenset(generator.sample([TOWN, VILLAGE], generator.randint(0, 1))),
            )
            for k in range(generator.randint(1, 5))
        ]
        pairs = optimal_assignment(offers, households, LIMITS, TODAY)
        scores = score_matrix(offers, households, LIMITS, TODAY)
        assert sum(pair.score for pair in pairs) == brute_force(scores)
        # Each offer and each household at most once, and only fitting pairs.
        assert len({pair.offer for pair in pairs}) == len(pairs) == len({pair.household for pair in pairs})
        keys = {h.key: i for i, h in enumerate(households)}
        for pair in pairs:
            row = next(i for i, o in enumerate(offers) if o.key == pair.offer)
            assert scores[row][keys[pair.household]] == pair.score


def test_it_proposes_nothing_without_a_fitting_pair() -> None:
    assert optimal_assignment([flat(max_occupants=1)], [household(size=3)], LIMITS, TODAY) == []
    assert optimal_assignment([], [household()], LIMITS, TODAY) == []
