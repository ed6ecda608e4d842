"""Matching flat offers and searching households (Mietermatching).

Pure functions over plain data (:class:`OfferFacts`, :class:`HouseholdFacts`, :class:`RentLimits`), so the rules
are tested without the database, and one loader (:func:`load`) that reads what they need in a fixed number of
queries.

First the hard rules: a household that fails one is not proposed for the offer, and the pages list it apart with
the rule it fails (:func:`failed_rules`):

- size: the household's persons are at most the flat's maximum of occupants;
- rent: where benefits pay the rent, the gross cold rent (rent without utilities plus service charges) is at most
  the county's limit for the household's size in the offer's municipality on the move-in day, and the living
  space within the limit's space where one is set (``lotse.housing.rent_limits``; no limit set means the rent
  cannot be approved, so the rule fails);
- access: a need "step-free" wants step-free access, a need "ground floor" the ground floor or a lift;
- time: the household can move in at most :data:`MOVE_IN_WAIT_DAYS` after the flat is free (a landlord does not
  keep a flat empty for months), and a limited tenancy runs at least :data:`MIN_LIMITED_DAYS` from the move-in day;
- pets: a household with a pet does not get a flat whose landlord excludes pets (unknown is no refusal).

The move-in day of a pair is the later of the day the flat is free and the household's earliest move-in.

Then the score (:func:`score_parts`), each part with its reason, all weights in :data:`WEIGHTS`: every fitting pair
gets a base, then waiting time since the search began (per full month, capped), urgency, a preferred municipality,
and proximity. Proximity is "the flat is in the municipality where the household lives now": the municipality of
the newest housing record of its members (which the exchange with the accommodation fills from the shelter, for
linked records), else the municipality of the case.

For all open offers and searching households at once, :func:`optimal_assignment` proposes the pairs (each offer
to at most one household, each household at most one offer) whose total score is the highest possible, an
assignment problem solved by ``scipy.optimize.linear_sum_assignment``. Housing staff confirm it offer by offer.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from scipy.optimize import linear_sum_assignment  # type: ignore[import-untyped]

from lotse.core.models import Municipality
from lotse.housing.choices import BENEFITS_WITH_RENT_LIMIT, OPEN_OFFER_STATES, Need, SearchStatus, Urgency
from lotse.housing.models import FlatOffer, RentLimit, SearchProfile
from lotse.housing.rent_limits import Limit, limit_from
from lotse.people.models import HouseholdMembership, HousingRecord

# --- The weights, in one place -----------------------------------------------------------------------------------

MOVE_IN_WAIT_DAYS = 60
MIN_LIMITED_DAYS = 365


@dataclass(frozen=True)
class Weights:
    fits: int = 10  # every pair that passes the hard rules: any placement beats none in the proposal
    per_waiting_month: int = 2
    waiting_months_counted: int = 24
    preferred_municipality: int = 20
    same_municipality: int = 10
    urgency: tuple[tuple[str, int], ...] = (
        (Urgency.NORMAL, 0),
        (Urgency.FOLLOW_UP, 15),
        (Urgency.OVERCROWDED, 25),
        (Urgency.NOTICE, 35),
        (Urgency.EMERGENCY, 40),
    )

    def urgency_points(self, urgency: str) -> int:
        return dict(self.urgency).get(urgency, 0)

    def urgency_labels(self) -> list[tuple[str, int]]:
        """The urgencies that count, with their points (for the page that explains the score)."""
        return [(str(Urgency(code).label), points) for code, points in self.urgency if points]


WEIGHTS = Weights()


# --- Plain data --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OfferFacts:
    key: int
    municipality_id: int
    max_occupants: int
    gross_cold_rent: Decimal
    living_space: Decimal
    floor: int
    lift: bool
    step_free: bool
    available_from: datetime.date
    limited_until: datetime.date | None = None
    pets_allowed: bool | None = None


@dataclass(frozen=True)
class HouseholdFacts:
    key: int
    size: int
    earliest_move_in: datetime.date
    search_started_on: datetime.date
    limit_applies: bool = False
    needs: frozenset[str] = frozenset()
    urgency: str = Urgency.NORMAL
    preferred_municipalities: frozenset[int] = frozenset()
    home_municipality_id: int | None = None


class RentLimits:
    """The rent-limit rows of some municipalities, answering the limit in force on any day without a query.

    The rows in force on a day are chosen as :func:`lotse.housing.rent_limits.limits_in_force` chooses them (the
    newest ``valid_from`` on or before the day per municipality and size); the limit is then
    :func:`lotse.housing.rent_limits.limit_from`'s, with its extension for larger households.
    """

    def __init__(self, rows: Iterable[RentLimit]) -> None:
        self._rows: dict[tuple[int, int], list[RentLimit]] = defaultdict(list)
        for row in rows:
            self._rows[(row.municipality_id, row.household_size)].append(row)
        for found in self._rows.values():
            found.sort(key=lambda row: row.valid_from, reverse=True)
        self._by_day: dict[datetime.date, dict[tuple[int, int], RentLimit]] = {}

    def in_force(self, on: datetime.date) -> dict[tuple[int, int], RentLimit]:
        if on not in self._by_day:
            self._by_day[on] = {
                key: next(row for row in rows if row.valid_from <= on)
                for key, rows in self._rows.items()
                if any(row.valid_from <= on for row in rows)
            }
        return self._by_day[on]

    def limit(self, municipality_id: int, size: int, on: datetime.date) -> Limit | None:
        return limit_from(self.in_force(on), municipality_id, size)


# --- Hard rules --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Failure:
    rule: str  # size, rent, space, access, time, pets
    reason: str


def free_from(offer: OfferFacts, today: datetime.date | None) -> datetime.date:
    """When the flat can be moved into, seen on ``today``: a flat free since long is free from today."""
    return max(offer.available_from, today) if today is not None else offer.available_from


def move_in_day(offer: OfferFacts, household: HouseholdFacts, today: datetime.date | None = None) -> datetime.date:
    return max(free_from(offer, today), household.earliest_move_in)


def _euro(amount: Decimal) -> str:
    # German digits: 1.234,50 €
    return f"{amount:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".") + " €"


def failed_rules(
    offer: OfferFacts, household: HouseholdFacts, limits: RentLimits, today: datetime.date | None = None
) -> list[Failure]:
    """The hard rules the pair fails on ``today``, each with its reason (empty: the household fits the flat)."""
    failures = []
    if household.size > offer.max_occupants:
        failures.append(
            Failure(
                "size",
                _("%(size)s persons, the flat takes at most %(most)s")
                % {"size": household.size, "most": offer.max_occupants},
            )
        )
    day = move_in_day(offer, household, today)
    if household.limit_applies:
        limit = limits.limit(offer.municipality_id, household.size, day)
        if limit is None:
            failures.append(
                Failure("rent", _("no rent limit is set for this municipality and household size on the move-in day"))
            )
        else:
            if offer.gross_cold_rent > limit.max_gross_cold_rent:
                failures.append(
                    Failure(
                        "rent",
                        _("gross cold rent %(rent)s above the limit of %(limit)s")
                        % {"rent": _euro(offer.gross_cold_rent), "limit": _euro(limit.max_gross_cold_rent)},
                    )
                )
            if limit.max_living_space is not None and offer.living_space > limit.max_living_space:
                failures.append(
                    Failure(
                        "space",
                        _("%(space)s m² above the limit of %(limit)s m²")
                        % {"space": offer.living_space, "limit": limit.max_living_space},
                    )
                )
    if Need.STEP_FREE in household.needs and not offer.step_free:
        failures.append(Failure("access", _("needs step-free access")))
    if Need.GROUND_FLOOR in household.needs and not (offer.floor == 0 or offer.lift):
        failures.append(Failure("access", _("needs the ground floor or a lift")))
    if household.earliest_move_in > free_from(offer, today) + datetime.timedelta(days=MOVE_IN_WAIT_DAYS):
        failures.append(
            Failure(
                "time",
                _("can move in only on %(day)s, more than %(days)s days after the flat is free")
                % {"day": f"{household.earliest_move_in:%d.%m.%Y}", "days": MOVE_IN_WAIT_DAYS},
            )
        )
    if offer.limited_until is not None and offer.limited_until < day + datetime.timedelta(days=MIN_LIMITED_DAYS):
        failures.append(
            Failure(
                "time",
                _("the tenancy is limited until %(day)s, less than a year after moving in")
                % {"day": f"{offer.limited_until:%d.%m.%Y}"},
            )
        )
    if Need.PETS in household.needs and offer.pets_allowed is False:
        failures.append(Failure("pets", _("has a pet, the landlord excludes pets")))
    return failures


# --- Score -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScorePart:
    label: str
    points: int


def waiting_months(household: HouseholdFacts, today: datetime.date) -> int:
    started = household.search_started_on
    months = (today.year - started.year) * 12 + today.month - started.month - (today.day < started.day)
    return max(months, 0)


def score_parts(
    offer: OfferFacts, household: HouseholdFacts, today: datetime.date, weights: Weights = WEIGHTS
) -> list[ScorePart]:
    """Why the household should get the flat, part by part (only the parts that count)."""
    parts = [ScorePart(_("fits the flat"), weights.fits)]
    months = waiting_months(household, today)
    if months:
        parts.append(
            ScorePart(
                ngettext("searching for %(count)s month", "searching for %(count)s months", months) % {"count": months},
                weights.per_waiting_month * min(months, weights.waiting_months_counted),
            )
        )
    if urgency := weights.urgency_points(household.urgency):
        parts.append(ScorePart(str(Urgency(household.urgency).label), urgency))
    if offer.municipality_id in household.preferred_municipalities:
        parts.append(ScorePart(_("preferred municipality"), weights.preferred_municipality))
    if household.home_municipality_id is not None and household.home_municipality_id == offer.municipality_id:
        parts.append(ScorePart(_("lives in the municipality now"), weights.same_municipality))
    return parts


def score(offer: OfferFacts, household: HouseholdFacts, today: datetime.date, weights: Weights = WEIGHTS) -> int:
    return sum(part.points for part in score_parts(offer, household, today, weights))


# --- Ranking -----------------------------------------------------------------------------------------------------


@dataclass
class Match:
    offer: OfferFacts
    household: HouseholdFacts
    parts: list[ScorePart] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)

    @property
    def score(self) -> int:
        return sum(part.points for part in self.parts)

    @property
    def fits(self) -> bool:
        return not self.failures


@dataclass
class Ranking:
    """The fitting matches, best first, and the others with the rules they fail."""

    fitting: list[Match]
    failing: list[Match]


def _match(offer: OfferFacts, household: HouseholdFacts, limits: RentLimits, today: datetime.date) -> Match:
    failures = failed_rules(offer, household, limits, today)
    return Match(offer, household, [] if failures else score_parts(offer, household, today), failures)


def _ranking(matches: list[Match], key_of: str) -> Ranking:
    fitting = sorted((m for m in matches if m.fits), key=lambda m: (-m.score, getattr(m, key_of).key))
    failing = sorted((m for m in matches if not m.fits), key=lambda m: getattr(m, key_of).key)
    return Ranking(fitting, failing)


def households_for_offer(
    offer: OfferFacts, households: Iterable[HouseholdFacts], limits: RentLimits, today: datetime.date
) -> Ranking:
    return _ranking([_match(offer, household, limits, today) for household in households], "household")


def offers_for_household(
    household: HouseholdFacts, offers: Iterable[OfferFacts], limits: RentLimits, today: datetime.date
) -> Ranking:
    return _ranking([_match(offer, household, limits, today) for offer in offers], "offer")


# --- The optimal proposal ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pair:
    offer: int
    household: int
    score: int


def score_matrix(
    offers: Sequence[OfferFacts], households: Sequence[HouseholdFacts], limits: RentLimits, today: datetime.date
) -> list[list[int | None]]:
    """The score of each (offer, household) pair, None where a hard rule fails."""
    return [
        [
            None if failed_rules(offer, household, limits, today) else score(offer, household, today)
            for household in households
        ]
        for offer in offers
    ]


def optimal_assignment(
    offers: Sequence[OfferFacts], households: Sequence[HouseholdFacts], limits: RentLimits, today: datetime.date
) -> list[Pair]:
    """The pairs (each offer to at most one household, each household at most one offer, only pairs that pass the
    hard rules) whose total score is the highest possible, ordered by offer key."""
    if not offers or not households:
        return []
    scores = score_matrix(offers, households, limits, today)
    # Rows are offers, columns the households plus one "nobody" column per offer (cost 0), so an offer without a
    # fitting household stays open; a failing pair costs more than leaving the offer open. Costs are negated
    # scores (all positive for fitting pairs, thanks to the base points).
    forbidden = 1.0
    costs = np.full((len(offers), len(households) + len(offers)), forbidden)
    for row, values in enumerate(scores):
        for column, value in enumerate(values):
            if value is not None and value > 0:
                costs[row, column] = -value
        costs[row, len(households) + row] = 0.0
    rows, chosen = linear_sum_assignment(costs)
    pairs = [
        Pair(offers[row].key, households[column].key, int(-costs[row, column]))
        for row, column in zip(rows, chosen, strict=True)
        if column < len(households) and costs[row, column] < 0
    ]
    return sorted(pairs, key=lambda pair: pair.offer)


# --- Loading from the database -----------------------------------------------------------------------------------


def offer_facts(offer: FlatOffer) -> OfferFacts:
    return OfferFacts(
        key=offer.pk,
        municipality_id=offer.municipality_id,
        max_occupants=offer.max_occupants,
        gross_cold_rent=offer.gross_cold_rent,
        living_space=offer.living_space,
        floor=offer.floor,
        lift=offer.lift,
        step_free=offer.step_free,
        available_from=offer.available_from,
        limited_until=offer.limited_until,
        pets_allowed=offer.pets_allowed,
    )


def home_municipalities(profiles: Sequence[SearchProfile]) -> dict[int, int | None]:
    """Per profile: the municipality where the household lives now (newest housing record of its current members,
    the most frequent among them), else the case's municipality (two queries)."""
    household_ids = [profile.household_id for profile in profiles]
    members: dict[int, list[int]] = defaultdict(list)
    for household_id, person_id in (
        HouseholdMembership.objects.current()
        .filter(household_id__in=household_ids)
        .values_list("household_id", "person_id")
    ):
        members[household_id].append(person_id)
    newest = dict(
        HousingRecord.objects.filter(
            person_id__in=[person for persons in members.values() for person in persons], municipality__isnull=False
        )
        .order_by("person_id", "-valid_from")
        .distinct("person_id")
        .values_list("person_id", "municipality_id")
    )
    homes: dict[int, int | None] = {}
    for profile in profiles:
        found = Counter(newest[p] for p in members.get(profile.household_id, []) if p in newest)
        homes[profile.pk] = found.most_common(1)[0][0] if found else profile.case.municipality_id
    return homes


def household_facts(profiles: Sequence[SearchProfile]) -> dict[int, HouseholdFacts]:
    """The facts of each profile (profiles loaded with ``case`` and ``preferred_municipalities``)."""
    homes = home_municipalities(profiles)
    return {
        profile.pk: HouseholdFacts(
            key=profile.pk,
            size=profile.size,
            earliest_move_in=profile.earliest_move_in,
            search_started_on=profile.search_started_on,
            limit_applies=profile.benefits in BENEFITS_WITH_RENT_LIMIT,
            needs=frozenset(profile.needs),
            urgency=profile.urgency,
            preferred_municipalities=frozenset(m.pk for m in profile.preferred_municipalities.all()),
            home_municipality_id=homes[profile.pk],
        )
        for profile in profiles
    }


def with_facts(profiles: QuerySet[SearchProfile]) -> QuerySet[SearchProfile]:
    """The profiles with what :func:`household_facts` reads, loaded in two queries."""
    return profiles.select_related("case__municipality", "household").prefetch_related(
        Prefetch("preferred_municipalities", queryset=Municipality.objects.order_by("name"))
    )


@dataclass
class World:
    """What the matching pages need: the offers and profiles (records), their facts and the rent limits."""

    offers: dict[int, FlatOffer]
    profiles: dict[int, SearchProfile]
    offer_facts: dict[int, OfferFacts]
    household_facts: dict[int, HouseholdFacts]
    limits: RentLimits


def load(offers: Iterable[FlatOffer], profiles: Iterable[SearchProfile]) -> World:
    """The facts of the offers and profiles given, and every rent limit of their municipalities (three queries
    beyond the records: members, housing records, limits)."""
    offer_list = list(offers)
    profile_list = list(profiles)
    municipality_ids = {offer.municipality_id for offer in offer_list}
    rows = RentLimit.objects.filter(municipality_id__in=municipality_ids) if municipality_ids else []
    return World(
        offers={offer.pk: offer for offer in offer_list},
        profiles={profile.pk: profile for profile in profile_list},
        offer_facts={offer.pk: offer_facts(offer) for offer in offer_list},
        household_facts=household_facts(profile_list) if profile_list else {},
        limits=RentLimits(rows),
    )


def open_offers(offers: QuerySet[FlatOffer]) -> QuerySet[FlatOffer]:
    """The offers that can still be proposed."""
    return offers.filter(status__in=OPEN_OFFER_STATES).select_related("municipality")


def searching(profiles: QuerySet[SearchProfile]) -> QuerySet[SearchProfile]:
    """The searches that are going on (not paused, housed or ended), with their facts."""
    return with_facts(profiles.filter(status=SearchStatus.SEARCHING))
