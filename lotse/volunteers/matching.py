"""Matching sponsors with households waiting for one.

For one household the available volunteers are ranked by a score made of parts, each with its reason: a shared
language, the same municipality or district, wanted topics the volunteer's skills cover, availability, free
capacity and the household's preference (a woman for a single mother, say). Volunteers who are not active, have
no free place or miss a requirement (with a child in the household: the certificate of good conduct too) are not
proposed.

For the whole waiting list, :func:`optimal_assignment` proposes the pairs that maximise the total score under the
volunteers' capacities: an assignment problem on an expanded matrix (each volunteer repeated once per free place,
and one "nobody" column per household, so a household without a suitable sponsor stays unmatched), solved by
``scipy.optimize.linear_sum_assignment``. The coordinator confirms the pairs one by one.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from scipy.optimize import linear_sum_assignment  # type: ignore[import-untyped]

from lotse.people.models import HouseholdMembership, Person
from lotse.people.vocabulary import language_name
from lotse.volunteers.choices import (
    OPEN_SPONSORSHIP_STATES,
    GenderPreference,
    Proficiency,
    Skill,
    Topic,
    VolunteerStatus,
    Weekday,
)
from lotse.volunteers.models import Participation, Volunteer, VolunteerLanguage
from lotse.volunteers.requirements import Purpose, missing_requirements
from lotse.volunteers.sponsorship_services import has_minors, open_sponsorship_counts

# Which skills and interests of a volunteer serve which wanted topic.
TOPIC_SKILLS: dict[str, frozenset[str]] = {
    Topic.LANGUAGE: frozenset({Skill.GERMAN_LESSONS}),
    Topic.SCHOOL: frozenset({Skill.HOMEWORK, Skill.CHILDCARE}),
    Topic.EVERYDAY: frozenset({Skill.ACCOMPANYING, Skill.DRIVING}),
    Topic.WORK: frozenset({Skill.ACCOMPANYING}),
    Topic.LEISURE: frozenset({Skill.OUTINGS, Skill.SPORT}),
    Topic.ENGAGEMENT: frozenset({Skill.SPORT, Skill.OUTINGS, Skill.SPONSORSHIP}),
}
# Points of a shared language by how well the volunteer speaks it; German is everyone's and counts nothing.
LANGUAGE_POINTS = {Proficiency.NATIVE: 40, Proficiency.FLUENT: 35, Proficiency.GOOD: 20, Proficiency.BASIC: 8}
GERMAN = "deu"
SAME_MUNICIPALITY = 20
SAME_DISTRICT = 10
TOPIC_POINTS = 8
WEEKDAY_POINTS = 2
WEEKDAYS_COUNTED = 5
FREE_PLACE_POINTS = 3
FREE_PLACES_COUNTED = 3
PREFERENCE_MET = 25
PREFERENCE_MISSED = -25


@dataclass(frozen=True)
class HouseholdProfile:
    """What the matching knows of a waiting household."""

    key: int
    languages: frozenset[str]
    municipality_id: int | None
    district: str
    topics: tuple[str, ...]
    preferred_gender: str
    with_minors: bool


@dataclass(frozen=True)
class VolunteerProfile:
    key: int
    languages: dict[str, str]
    municipality_id: int | None
    district: str
    skills: frozenset[str]
    weekdays: frozenset[str]
    gender: str
    free_places: int
    # Cleared for sponsorships, and for sponsorships with minors (all requirements met, active).
    cleared: bool
    cleared_for_minors: bool


@dataclass(frozen=True)
class ScorePart:
    label: str
    points: int


@dataclass
class Candidate:
    volunteer: VolunteerProfile
    parts: list[ScorePart] = field(default_factory=list)

    @property
    def score(self) -> int:
        return sum(part.points for part in self.parts)


def eligible(household: HouseholdProfile, volunteer: VolunteerProfile) -> bool:
    if volunteer.free_places <= 0:
        return False
    return volunteer.cleared_for_minors if household.with_minors else volunteer.cleared


def score_parts(household: HouseholdProfile, volunteer: VolunteerProfile) -> list[ScorePart]:
    """Why the volunteer suits the household, part by part (only the parts that count)."""
    parts = []
    shared = [
        (LANGUAGE_POINTS[Proficiency(level)], code)
        for code, level in volunteer.languages.items()
        if code in household.languages and code != GERMAN
    ]
    if shared:
        points, code = max(shared, key=lambda entry: (entry[0], entry[1]))
        parts.append(ScorePart(_("speaks %(language)s") % {"language": language_name(code)}, points))
    if household.municipality_id is not None and household.municipality_id == volunteer.municipality_id:
        parts.append(ScorePart(_("same municipality"), SAME_MUNICIPALITY))
        if household.district and household.district.casefold() == volunteer.district.casefold():
            parts.append(ScorePart(_("same district"), SAME_DISTRICT))
    covered = [topic for topic in household.topics if TOPIC_SKILLS.get(topic, frozenset()) & volunteer.skills]
    if covered:
        labels = ", ".join(str(Topic(topic).label) for topic in covered)
        parts.append(ScorePart(_("topics: %(topics)s") % {"topics": labels}, TOPIC_POINTS * len(covered)))
    days = [day for day in Weekday.values if day in volunteer.weekdays]
    if days:
        parts.append(
            ScorePart(
                ngettext("available on %(count)s day", "available on %(count)s days", len(days)) % {"count": len(days)},
                WEEKDAY_POINTS * min(len(days), WEEKDAYS_COUNTED),
            )
        )
    if volunteer.free_places > 0:
        parts.append(
            ScorePart(
                ngettext("%(count)s free place", "%(count)s free places", volunteer.free_places)
                % {"count": volunteer.free_places},
                FREE_PLACE_POINTS * min(volunteer.free_places, FREE_PLACES_COUNTED),
            )
        )
    if household.preferred_gender:
        wanted = GenderPreference(household.preferred_gender).label
        if volunteer.gender == household.preferred_gender:
            parts.append(ScorePart(_("as wished: %(wish)s") % {"wish": wanted}, PREFERENCE_MET))
        else:
            parts.append(ScorePart(_("not as wished: %(wish)s") % {"wish": wanted}, PREFERENCE_MISSED))
    return parts


def score(household: HouseholdProfile, volunteer: VolunteerProfile) -> int:
    return sum(part.points for part in score_parts(household, volunteer))


def rank(household: HouseholdProfile, volunteers: Iterable[VolunteerProfile]) -> list[Candidate]:
    """The eligible volunteers for the household, best first (ties by the volunteer's key, so stable)."""
    candidates = [
        Candidate(volunteer, score_parts(household, volunteer))
        for volunteer in volunteers
        if eligible(household, volunteer)
    ]
    candidates.sort(key=lambda candidate: (-candidate.score, candidate.volunteer.key))
    return candidates


@dataclass(frozen=True)
class Pair:
    household: int
    volunteer: int
    score: int


def optimal_assignment(households: Sequence[HouseholdProfile], volunteers: Sequence[VolunteerProfile]) -> list[Pair]:
    """The pairs (at most one sponsor per household, at most ``free_places`` households per volunteer, only eligible
    pairs of positive score) whose total score is the highest possible."""
    columns = [volunteer for volunteer in volunteers for _place in range(min(volunteer.free_places, len(households)))]
    if not households or not columns:
        return []
    # Costs are negated scores; an unsuitable pair costs more than leaving the household unmatched (cost 0).
    forbidden = 1.0
    costs = np.full((len(households), len(columns) + len(households)), forbidden)
    for row, household in enumerate(households):
        for column, volunteer in enumerate(columns):
            if eligible(household, volunteer) and (value := score(household, volunteer)) > 0:
                costs[row, column] = -value
        costs[row, len(columns) + row] = 0.0
    rows, chosen = linear_sum_assignment(costs)
    pairs = []
    for row, column in zip(rows, chosen, strict=True):
        if column < len(columns) and costs[row, column] < 0:
            pairs.append(Pair(households[row].key, columns[column].key, int(-costs[row, column])))
    return pairs


# --- Profiles from the database ------------------------------------------------------------------------------


def household_profiles(participations: Sequence[Participation], on: datetime.date) -> dict[int, HouseholdProfile]:
    """The profile of each participation's household (one query for the members of all)."""
    memberships = (
        HouseholdMembership.objects.current()
        .filter(household_id__in=[participation.household_id for participation in participations])
        .select_related("person")
        .only("household_id", "person__languages", "person__birth_date", "person__municipality_id")
    )
    members: dict[int, list[Person]] = {}
    for membership in memberships:
        members.setdefault(membership.household_id, []).append(membership.person)
    profiles = {}
    for participation in participations:
        persons = members.get(participation.household_id, [])
        municipalities = Counter(person.municipality_id for person in persons if person.municipality_id is not None)
        profiles[participation.pk] = HouseholdProfile(
            key=participation.pk,
            languages=frozenset(code for person in persons for code in person.languages),
            municipality_id=municipalities.most_common(1)[0][0] if municipalities else None,
            district=participation.district,
            topics=tuple(participation.wanted_topics),
            preferred_gender=participation.preferred_sponsor_gender,
            with_minors=has_minors(persons, on),
        )
    return profiles


def volunteer_profiles(organisation_id: int, on: datetime.date) -> tuple[list[VolunteerProfile], dict[int, Volunteer]]:
    """The active volunteers of the organisation with their free places and clearance (four queries)."""
    volunteers = list(
        Volunteer.objects.present()
        .filter(organisation_id=organisation_id, status=VolunteerStatus.ACTIVE)
        .prefetch_related(Prefetch("languages", queryset=VolunteerLanguage.objects.order_by("language")))
        .select_related("municipality")
    )
    ids = [volunteer.pk for volunteer in volunteers]
    counts = open_sponsorship_counts(ids)
    missing = missing_requirements(ids, Purpose.SPONSORSHIP, on)
    missing_with_minors = missing_requirements(ids, Purpose.SPONSORSHIP_WITH_MINORS, on)
    profiles = [
        VolunteerProfile(
            key=volunteer.pk,
            languages={row.language: row.proficiency for row in volunteer.languages.all()},
            municipality_id=volunteer.municipality_id,
            district=volunteer.district,
            skills=frozenset(volunteer.skills),
            weekdays=frozenset(volunteer.weekdays),
            gender=volunteer.gender,
            free_places=max(volunteer.max_sponsorships - counts.get(volunteer.pk, 0), 0),
            cleared=not missing[volunteer.pk],
            cleared_for_minors=not missing_with_minors[volunteer.pk],
        )
        for volunteer in volunteers
    ]
    return profiles, {volunteer.pk: volunteer for volunteer in volunteers}


def waiting_participations(organisation_id: int, programme_id: int | None = None) -> list[Participation]:
    """Households in a programme without an open sponsorship, who have not left it, longest waiting first."""
    queryset = (
        Participation.objects.filter(organisation_id=organisation_id, left_on__isnull=True)
        .exclude(sponsorships__state__in=OPEN_SPONSORSHIP_STATES)
        .select_related("programme")
        .order_by("joined_on", "pk")
    )
    if programme_id is not None:
        queryset = queryset.filter(programme_id=programme_id)
    return list(queryset)
