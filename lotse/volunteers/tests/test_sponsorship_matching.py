"""Matching: the ranking for one household with its reasons, and the optimal assignment for the waiting list."""

from __future__ import annotations

import itertools
import random

import pytest
from django.utils import timezone

from lotse.core.tests.factories import MunicipalityFactory
from lotse.volunteers import matching
from lotse.volunteers.matching import HouseholdProfile, VolunteerProfile
from lotse.volunteers.tests import sponsorship_world as world


def test_it_ranks_by_shared_language_place_topics_and_preference_and_says_why(db, org_a):
    city_municipality = MunicipalityFactory.create(name="Ludwigsburg")
    programme = world.programme(org_a)
    participation = world.household(
        programme,
        {"family_name": "Haddad", "given_names": "Rania", "languages": ["ara"], "municipality": city_municipality},
        wanted_topics=["sprache", "freizeit_kultur"],
        preferred_sponsor_gender="w",
        district="Oststadt",
    )
    best = world.volunteer(
        org_a,
        "Aziz",
        given_names="Leila",
        gender="w",
        languages={"ara": "muttersprache"},
        municipality=city_municipality,
        district="Oststadt",
        skills=["deutschunterricht", "ausfluege"],
        weekdays=["mo", "mi"],
    )
    second = world.volunteer(org_a, "Weber", given_names="Jana", gender="w", skills=["sport"])
    third = world.volunteer(org_a, "Maier", given_names="Tom", gender="m", languages={"ara": "grundkenntnisse"})
    world.volunteer(org_a, "Ohne", given_names="Papiere", gender="w", cleared=False)
    today = timezone.localdate()
    household = matching.household_profiles([participation], today)[participation.pk]
    profiles, _volunteers = matching.volunteer_profiles(org_a.pk, today)
    ranked = matching.rank(household, profiles)
    assert [candidate.volunteer.key for candidate in ranked] == [best.pk, second.pk, third.pk]
    parts = {part.label: part.points for part in ranked[0].parts}
    assert parts == {
        "spricht Arabisch": 40,
        "gleiche Gemeinde": 20,
        "gleicher Stadtteil": 10,
        "Themen: Sprache, Freizeit und Kultur": 16,
        "an 2 Tagen verfügbar": 4,
        "1 freier Platz": 3,
        "wie gewünscht: eine Frau": 25,
    }
    assert ranked[0].score == 118
    assert {part.label: part.points for part in ranked[2].parts} == {
        "spricht Arabisch": 8,
        "1 freier Platz": 3,
        "nicht wie gewünscht: eine Frau": -25,
    }


def _household(key: int, rng: random.Random) -> HouseholdProfile:
    return HouseholdProfile(
        key=key,
        languages=frozenset(rng.sample(["ara", "fas", "ukr", "tir"], rng.randint(0, 2))),
        municipality_id=rng.choice([1, 2, None]),
        district=rng.choice(["", "Oststadt"]),
        topics=tuple(rng.sample(["sprache", "schule_kita", "arbeit", "freizeit_kultur"], rng.randint(0, 3))),
        preferred_gender=rng.choice(["", "w", "m"]),
        with_minors=rng.random() < 0.4,
    )


def _volunteer(key: int, rng: random.Random) -> VolunteerProfile:
    return VolunteerProfile(
        key=key,
        languages={
            code: rng.choice(["muttersprache", "gut", "grundkenntnisse"])
            for code in rng.sample(["ara", "fas", "ukr", "tir"], rng.randint(0, 2))
        },
        municipality_id=rng.choice([1, 2]),
        district=rng.choice(["", "Oststadt"]),
        skills=frozenset(rng.sample(["deutschunterricht", "hausaufgabenhilfe", "sport", "behoerdenbegleitung"], 2)),
        weekdays=frozenset(rng.sample(["mo", "di", "mi", "do", "fr"], rng.randint(0, 3))),
        gender=rng.choice(["w", "m"]),
        free_places=rng.randint(0, 2),
        cleared=rng.random() < 0.85,
        cleared_for_minors=rng.random() < 0.6,
    )


def _brute_force(households: list[HouseholdProfile], volunteers: list[VolunteerProfile]) -> int:
    """The best total over every way to give each household one volunteer or none, within the capacities."""
    options = [
        [None] + [v for v in volunteers if matching.eligible(h, v) and matching.score(h, v) > 0] for h in households
    ]
    best = 0
    for choice in itertools.product(*options):
        used: dict[int, int] = {}
        total = 0
        for household, volunteer in zip(households, choice, strict=True):
            if volunteer is None:
                continue
            used[volunteer.key] = used.get(volunteer.key, 0) + 1
            total += matching.score(household, volunteer)
        if all(used[key] <= next(v.free_places for v in volunteers if v.key == key) for key in used):
            best = max(best, total)
    return best


@pytest.mark.parametrize("seed", range(40))
def test_it_finds_the_assignment_of_the_highest_total_score(seed):
    rng = random.Random(seed)
    households = [_household(key, rng) for key in range(rng.randint(1, 5))]
    volunteers = [_volunteer(100 + key, rng) for key in range(rng.randint(1, 4))]
    pairs = matching.optimal_assignment(households, volunteers)
    # A valid assignment: each household at most once, each volunteer within their free places, eligible pairs.
    assert len({pair.household for pair in pairs}) == len(pairs)
    for volunteer in volunteers:
        assert sum(pair.volunteer == volunteer.key for pair in pairs) <= volunteer.free_places
    by_key = {h.key: h for h in households}
    by_volunteer = {v.key: v for v in volunteers}
    for pair in pairs:
        assert matching.eligible(by_key[pair.household], by_volunteer[pair.volunteer])
        assert pair.score == matching.score(by_key[pair.household], by_volunteer[pair.volunteer])
    assert sum(pair.score for pair in pairs) == _brute_force(households, volunteers)


def test_it_gives_a_volunteer_with_two_places_two_households():
    households = [
        HouseholdProfile(key, frozenset({"ara"}), 1, "", ("sprache",), "", with_minors=False) for key in (1, 2)
    ]
    volunteer = VolunteerProfile(
        10, {"ara": "muttersprache"}, 1, "", frozenset({"deutschunterricht"}), frozenset(), "w", 2, True, True
    )
    pairs = matching.optimal_assignment(households, [volunteer])
    assert sorted((pair.household, pair.volunteer) for pair in pairs) == [(1, 10), (2, 10)]
