"""Realistic casework for the fictional demo county (Landkreis Ludwigsburg).

The county press release is the yardstick: integration managers at AWO,
Caritas, Kreisdiakonieverband, DRK and Landratsamt counsel refugee households
in the county's towns; about 40 % of the clients are minors, 24 % of the adult
clients speak German at B1 or better, 13 % work in jobs subject to social
insurance and 4 % are in vocational training, an internship or at university;
of those whose counselling ended, about six in ten had signed their own
tenancy.

``load_demo_cases`` drafts some 320 households with their cases in memory
(deterministically, from one ``random.Random``), shapes the worklist of the
demo user "integration" (follow-ups due this week, plan reviews, overdue
goals, expiring permits, cases nearing the maximum duration, incoming
handovers) and writes it as users would: the households, persons, cases,
dated status records and contacts as one Lotse workbook per organisation
through the casework importer (lotse.imports), everything else (who is who in
the household, plans with goals and steps, referrals linked to the network's
actors, consents, follow-ups, handovers, pauses and closings) case by case, in
date order, through lotse.cases.services and lotse.people.services by the
caseworker in charge that day. What the services refuse is left out (and
logged). Names, texts and weights are in data/*.json. Every person, name and
story is fictional.
"""

from __future__ import annotations

import calendar
import csv
import datetime
import functools
import io
import logging
import random
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from lotse.cases import services as case_services
from lotse.cases.choices import (
    CaseStatus,
    ClosingReason,
    ConsentPurpose,
    ContactForm,
    FieldOfAction,
    GoalStatus,
    HandoverStatus,
    InterpreterKind,
    ReferralOutcome,
    Responsible,
)
from lotse.cases.models import (
    Case,
    CaseClient,
    CaseStatusChange,
    Consent,
    Contact,
    FollowUp,
    Goal,
    Handover,
    IntegrationPlan,
    Referral,
    Step,
    add_years,
)
from lotse.cases.queries import REVIEW_HORIZON_DAYS
from lotse.core.choices import Role
from lotse.core.models import Municipality, Organisation, User
from lotse.core.transactions import one_savepoint_per_step
from lotse.demo import data
from lotse.demo.data import MUNICIPALITIES, Drafting, read_json, recorded, tuples
from lotse.demo.network import ActorFinder
from lotse.imports.engine import import_workbook
from lotse.imports.workbook import Source
from lotse.people import services as people_services
from lotse.people.choices import (
    STATELESS,
    UNRESOLVED,
    AsylumOutcome,
    AsylumStage,
    BirthDatePrecision,
    Gender,
    HousingSituation,
    LanguageCourse,
    LanguageEvidence,
    LanguageLevel,
    Relationship,
    ResidenceStatus,
    WorkSituation,
)
from lotse.people.models import (
    Household,
    HouseholdMembership,
    HousingRecord,
    LanguageRecord,
    Person,
    ResidenceRecord,
    StatusRecord,
    WorkRecord,
)
from lotse.people.services import PERSON_FIELDS

# The name pools, text templates and weights the drafts draw on (see data/).
_DATA = tuples(read_json("casework.json"))
_NAMES: dict[str, list[str]] = read_json("names.json")
logger = logging.getLogger(__name__)
DAY = datetime.timedelta(days=1)
EARLIEST_START = datetime.date(2019, 1, 7)
UKRAINE_SINCE = datetime.date(2022, 3, 1)

COUNT_KEYS = (
    "households",
    "persons",
    "memberships",
    "cases",
    "closed_cases",
    "case_clients",
    "status_changes",
    "plans",
    "goals",
    "steps",
    "contacts",
    "follow_ups",
    "referrals",
    "consents",
    "handovers",
    "residence_records",
    "language_records",
    "work_records",
    "housing_records",
)

# Open and closed cases per caseworker (about 320 households, 45 % closed).
# The demo user "integration" carries a full caseload of 60 open cases.
CASELOADS: dict[str, tuple[int, int]] = _DATA["CASELOADS"]
DEFAULT_CASELOAD = (20, 16)

# Which towns each organisation's integration managers serve (all 39 covered).
TERRITORIES: dict[str, tuple[str, ...]] = _DATA["TERRITORIES"]

# Rough population in thousands: towns take refugees roughly in proportion.
POPULATION: dict[str, float] = _DATA["POPULATION"]

# Towns with a shared accommodation of the county (vorläufige Unterbringung).
SHELTER_TOWNS = _DATA["SHELTER_TOWNS"]

# Drama numbers of the Bundesnetzagentur: never assigned to anyone.
DRAMA_NUMBERS = _DATA["DRAMA_NUMBERS"]


# Names


@dataclass(frozen=True)
class _Name:
    """A name in Latin letters, in its original script, and its other spellings.

    A family name may have a female form ("Kovalskyi/Kovalska").
    """

    latin: str
    original: str
    variants: tuple[str, ...]

    def form(self, female: bool) -> _Name:
        if "/" not in self.latin:
            return self
        pick = 1 if female else 0
        return _Name(
            self.latin.split("/")[pick],
            self.original.split("/")[pick] if self.original else "",
            tuple(v.split("/")[pick] for v in self.variants),
        )


def _pool(lines: Sequence[str]) -> tuple[_Name, ...]:
    """Names written "latin|original script|variant, variant" (a family name "male/female" in each part)."""
    names = []
    for line in lines:
        latin, original, variants = ([*line.split("|"), "", ""])[:3]
        names.append(_Name(latin.strip(), original.strip(), tuple(v.strip() for v in variants.split(",") if v.strip())))
    return tuple(names)


ARABIC_MALE = _pool(_NAMES["ARABIC_MALE"])
ARABIC_FEMALE = _pool(_NAMES["ARABIC_FEMALE"])
ARABIC_FAMILY = _pool(_NAMES["ARABIC_FAMILY"])
KURDISH_MALE = _pool(_NAMES["KURDISH_MALE"])
KURDISH_FEMALE = _pool(_NAMES["KURDISH_FEMALE"])
KURDISH_FAMILY = _pool(_NAMES["KURDISH_FAMILY"])
YAZIDI_MALE = _pool(_NAMES["YAZIDI_MALE"])
YAZIDI_FEMALE = _pool(_NAMES["YAZIDI_FEMALE"])
YAZIDI_FAMILY = _pool(_NAMES["YAZIDI_FAMILY"])
PERSIAN_MALE = _pool(_NAMES["PERSIAN_MALE"])
PERSIAN_FEMALE = _pool(_NAMES["PERSIAN_FEMALE"])
PERSIAN_FAMILY = _pool(_NAMES["PERSIAN_FAMILY"])
PASHTO_MALE = _pool(_NAMES["PASHTO_MALE"])
PASHTO_FEMALE = _pool(_NAMES["PASHTO_FEMALE"])
PASHTO_FAMILY = _pool(_NAMES["PASHTO_FAMILY"])
TURKISH_MALE = _pool(_NAMES["TURKISH_MALE"])
TURKISH_FEMALE = _pool(_NAMES["TURKISH_FEMALE"])
TURKISH_FAMILY = _pool(_NAMES["TURKISH_FAMILY"])
TIGRINYA_MALE = _pool(_NAMES["TIGRINYA_MALE"])
TIGRINYA_FEMALE = _pool(_NAMES["TIGRINYA_FEMALE"])
NIGERIAN_MALE = _pool(_NAMES["NIGERIAN_MALE"])
NIGERIAN_FEMALE = _pool(_NAMES["NIGERIAN_FEMALE"])
NIGERIAN_FAMILY = _pool(_NAMES["NIGERIAN_FAMILY"])
SOMALI_MALE = _pool(_NAMES["SOMALI_MALE"])
SOMALI_FEMALE = _pool(_NAMES["SOMALI_FEMALE"])
GEORGIAN_MALE = _pool(_NAMES["GEORGIAN_MALE"])
GEORGIAN_FEMALE = _pool(_NAMES["GEORGIAN_FEMALE"])
GEORGIAN_FAMILY = _pool(_NAMES["GEORGIAN_FAMILY"])
UKRAINIAN_MALE = _pool(_NAMES["UKRAINIAN_MALE"])
UKRAINIAN_FEMALE = _pool(_NAMES["UKRAINIAN_FEMALE"])
UKRAINIAN_FAMILY = _pool(_NAMES["UKRAINIAN_FAMILY"])


# Countries and groups of origin


@dataclass(frozen=True, eq=False)
class _Origin:
    key: str
    country: str
    languages: tuple[tuple[str, float], ...]  # (ISO 639-3, share of persons speaking it); the first is the main one
    male: tuple[_Name, ...]
    female: tuple[_Name, ...]
    family: tuple[_Name, ...]  # empty: the family name is the father's given name
    weight_before: float  # share of households arriving before the war in Ukraine
    weight_after: float
    compositions: Mapping[str, float]
    routes: Mapping[str, float]
    single_male: float = 0.85
    wives_keep_name: bool = False
    stateless: float = 0.0
    unresolved: float = 0.0
    interpreter_languages: tuple[str, ...] = ()

    @property
    def patronymic(self) -> bool:
        return not self.family

    @property
    def ukrainian(self) -> bool:
        return self.country == "UA"

    def interpreter_language(self, rng: random.Random) -> str:
        return rng.choice(self.interpreter_languages or (self.languages[0][0],))


def _pool_named(name: str) -> tuple[_Name, ...]:
    """A name pool of this module by its name (empty: none, the family name is the father's given name)."""
    pool: tuple[_Name, ...] = globals()[name] if name else ()
    return pool


ORIGINS: tuple[_Origin, ...] = tuple(
    _Origin(
        **{
            **origin,
            "languages": tuples(origin["languages"]),
            "male": _pool_named(origin["male"]),
            "female": _pool_named(origin["female"]),
            "family": _pool_named(origin["family"]),
            "interpreter_languages": tuple(origin["interpreter_languages"]),
        }
    )
    for origin in read_json("origins_and_goals.json")["origins"]
)

PERSON_NOTES = _DATA["PERSON_NOTES"]


# Closing, contacts, follow-ups, referrals


CLOSING_REASONS: dict[str, float] = _DATA["CLOSING_REASONS"]
# Duration of counselling in days for each closing reason.
CLOSING_DURATION: dict[str, tuple[int, int]] = _DATA["CLOSING_DURATION"]
# How likely a household had its own tenancy when counselling ended, by closing reason (a ranking:
# the households are chosen until PRIVATE_SHARE_AT_END of the closed cases' clients are reached).
PRIVATE_SHARE_AT_END = 0.62
PRIVATE_HOUSING_AT_END: dict[str, float] = _DATA["PRIVATE_HOUSING_AT_END"]
CLOSING_NOTES: dict[str, tuple[str, ...]] = _DATA["CLOSING_NOTES"]
CLOSING_FIELDS: dict[str, str] = _DATA["CLOSING_FIELDS"]
DORMANT_NOTES = _DATA["DORMANT_NOTES"]

CONTACT_FORMS: dict[str, float] = _DATA["CONTACT_FORMS"]
CONTACT_MINUTES: dict[str, tuple[int, ...]] = _DATA["CONTACT_MINUTES"]
INTERPRETER_KINDS: dict[str, float] = _DATA["INTERPRETER_KINDS"]

FIELD_WEIGHTS: dict[str, float] = _DATA["FIELD_WEIGHTS"]

# Notes, tasks and referrals name the situation they fit (a tag, see _Builder.tags): a school
# meeting needs a school child, a BAMF hearing a pending asylum procedure. "" fits every household.
CONTACT_NOTES: dict[str, tuple[tuple[str, str], ...]] = _DATA["CONTACT_NOTES"]
FALLBACK_NOTE = _DATA["FALLBACK_NOTE"]

FOLLOW_UPS: dict[str, tuple[tuple[str, str], ...]] = _DATA["FOLLOW_UPS"]

REFERRALS: dict[str, tuple[tuple[str, str, str], ...]] = _DATA["REFERRALS"]

REFERRAL_OUTCOMES: dict[str, float] = _DATA["REFERRAL_OUTCOMES"]
REFERRAL_OUTCOME_NOTES: dict[str, tuple[str, ...]] = _DATA["REFERRAL_OUTCOME_NOTES"]
CONFIDENTIALITY_RECIPIENTS: tuple[tuple[str, str], ...] = _DATA["CONFIDENTIALITY_RECIPIENTS"]


# Goals of the integration plan


@dataclass(frozen=True)
class _GoalTemplate:
    field: str
    title: str
    steps: tuple[tuple[str, str, str], ...]  # description, responsible, name of the actor


CLIENT, CASEWORKER, ACTOR = Responsible.CLIENT, Responsible.CASEWORKER, Responsible.ACTOR
GOALS: dict[str, _GoalTemplate] = {
    key: _GoalTemplate(goal["field"], goal["title"], tuples(goal["steps"]))
    for key, goal in read_json("origins_and_goals.json")["goals"].items()
}
# Goals achieved only by the fact they name (a job, B1, the own tenancy, the family's arrival).
FACT_GOALS = frozenset(
    {
        "sprache_kurs",
        "sprache_b1",
        "arbeit_job",
        "arbeit_ausbildung",
        "arbeit_minijob",
        "arbeit_selbst",
        "arbeit_studium",
        "wohnen_wohnung",
        "familie_nachzug",
    }
)
JOB_GOALS: dict[str, str] = _DATA["JOB_GOALS"]
GENERIC_GOALS = _DATA["GENERIC_GOALS"]

INTAKE_NOTE = _DATA["INTAKE_NOTE"]
DECLINE_NOTE = _DATA["DECLINE_NOTE"]
PLAN_NOTES = _DATA["PLAN_NOTES"]

CHILDREN_PLAN_NOTE = _DATA["CHILDREN_PLAN_NOTE"]

LEVELS = (
    LanguageLevel.NONE,
    LanguageLevel.A1,
    LanguageLevel.A2,
    LanguageLevel.B1,
    LanguageLevel.B2,
    LanguageLevel.C1,
)
# A child born here holds the status of its parents on its own basis.
CHILD_BASIS: dict[str, str] = _DATA["CHILD_BASIS"]
EMPLOYED = frozenset({WorkSituation.BESCHAEFTIGT_SVP, WorkSituation.GERINGFUEGIG, WorkSituation.SELBSTSTAENDIG})


# Drafts held in memory before writing


@dataclass
class _Residence:
    valid_from: datetime.date
    status: str
    legal_basis: str
    valid_until: datetime.date | None


@dataclass
class _Member:
    person: Person
    born: datetime.date  # the true (estimated) date of birth, also when the record has none or a partial one
    role: str  # head, partner, child, grandparent, sibling, relative
    relationship: str
    since: datetime.date
    arrival: datetime.date
    born_here: bool
    is_client: bool = True
    joined_later: bool = False
    aptitude: float = 1.0
    level: int = 0
    work: str = ""
    lang_path: list[tuple[datetime.date, int, str, str]] = field(default_factory=list)
    work_path: list[tuple[datetime.date, str]] = field(default_factory=list)
    residence: list[_Residence] = field(default_factory=list)

    @property
    def given(self) -> str:
        return self.person.given_names.split()[0] if self.person.given_names else self.person.family_name

    def age_on(self, day: datetime.date) -> int:
        born = self.born
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


@dataclass
class _GoalLife:
    """A goal across the plan versions: set in version ``created``, resolved (or not) on a date."""

    key: str
    title: str
    created: int
    event: datetime.date | None = None
    created_on: datetime.date = EARLIEST_START
    due: datetime.date = EARLIEST_START
    review: datetime.date | None = None
    resolved: tuple[datetime.date, str] | None = None
    steps: list[tuple[str, str, str, datetime.date, datetime.date | None]] = field(default_factory=list)
    # The clients the goal concerns (none: the whole household).
    members: list[_Member] = field(default_factory=list)


@dataclass
class _Slot:
    owner: User
    open: bool
    nearing: bool = False
    dormant: bool = False
    reopened: bool = False
    previous: User | None = None  # responsible before an accepted handover
    handover: str = ""  # accepted, pending, declined
    handover_to: Organisation | None = None


@dataclass
class _Draft:
    slot: _Slot
    origin: _Origin
    route: str
    start: datetime.date
    end: datetime.date | None
    reason: str
    status: str
    ref: datetime.date
    record_end: datetime.date
    periods: list[tuple[datetime.date, datetime.date]]
    changes: list[tuple[str, str, datetime.date, str, str]]
    municipality: Municipality
    household: Household
    case: Case
    members: list[_Member] = field(default_factory=list)
    nationality: str = ""
    arrival: datetime.date = EARLIEST_START
    housing: list[tuple[datetime.date, str, Municipality | None]] = field(default_factory=list)
    private_on: datetime.date | None = None
    private_wanted: bool = False
    handover_on: datetime.date | None = None
    previous_municipality: Municipality | None = None
    reunion_on: datetime.date | None = None
    decision_on: datetime.date | None = None
    flags: set[str] = field(default_factory=set)
    goal_fields: list[str] = field(default_factory=list)
    contact_dates: list[datetime.date] = field(default_factory=list)

    @property
    def open(self) -> bool:
        return self.end is None

    @property
    def clients(self) -> list[_Member]:
        return [m for m in self.members if m.is_client]

    def adults(self) -> list[_Member]:
        return [m for m in self.clients if m.age_on(self.ref) >= 18]

    def children(self) -> list[_Member]:
        return [m for m in self.clients if m.age_on(self.ref) < 18]

    def user_at(self, day: datetime.date) -> User:
        if self.slot.previous is not None and self.handover_on is not None and day < self.handover_on:
            return self.slot.previous
        return self.slot.owner

    def level_on(self, day: datetime.date) -> int:
        """The best German level among the adult clients on ``day`` (0 without records)."""
        best = 0
        for member in self.adults():
            for when, level, _evidence, _course in member.lang_path:
                if when <= day:
                    best = max(best, level)
        return best

    def housing_on(self, day: datetime.date) -> str:
        current = ""
        for when, situation, _municipality in self.housing:
            if when <= day:
                current = situation
        return current


# The fields of the dated facts, for those recorded through the services.
STATUS_FIELDS: dict[str, tuple[str, ...]] = {
    "residence": ("valid_from", "status", "legal_basis", "valid_until"),
    "language": ("valid_from", "level", "evidence", "course"),
    "work": ("valid_from", "situation"),
    "housing": ("valid_from", "situation", "municipality"),
}
# What a person's record holds beyond the columns of the workbook.
EXTRA_PERSON_FIELDS = ("original_script_name", "aliases", "phone", "email", "notes")


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def _next_march_4(after: datetime.date) -> datetime.date:
    """The expiry of Ukrainian temporary protection: the next 4 March on or after ``after``."""
    candidate = datetime.date(after.year, 3, 4)
    return candidate if candidate >= after else datetime.date(after.year + 1, 3, 4)


def _casework_organisations() -> list[str]:
    shorts = {org for _user, org, roles, *_names in data.USERS if Role.INTEGRATIONSMANAGEMENT in roles}
    return [short for short, _name, _kind in data.ORGANISATIONS if short in shorts]


class _Builder(Drafting):
    """Drafts the whole demo caseload in memory, then writes it through the importer and the services."""

    def __init__(
        self,
        *,
        today: datetime.date,
        seed: int,
        organisations: dict[str, Organisation],
        users: dict[str, User],
        municipalities: dict[str, Municipality],
    ) -> None:
        super().__init__(seed)
        self.today = today
        self.organisations = organisations
        self.users = users
        self.municipalities = municipalities
        self.drafts: list[_Draft] = []
        self.extra_households: list[Household] = []
        self.extra_memberships: list[HouseholdMembership] = []
        self.plans: list[IntegrationPlan] = []
        self.goals: list[Goal] = []
        self.goal_members: dict[int, list[_Member]] = {}
        self.steps: list[Step] = []
        self.contacts: list[Contact] = []
        self.follow_ups: list[FollowUp] = []
        self.referrals: list[Referral] = []
        self.consents: list[Consent] = []
        self.handovers: list[tuple[Handover, datetime.datetime]] = []
        self.residence: list[ResidenceRecord] = []
        self.language: list[LanguageRecord] = []
        self.work: list[WorkRecord] = []
        self.housing: list[HousingRecord] = []
        self.phone_numbers = self.rng.sample(range(5000), 5000)
        self.phones_used = 0
        self.double_permits: set[int] = set()
        self.refused: Counter[str] = Counter()  # caseworkers with a case where two permits run out

    # Random helpers

    def days(self, low: int, high: int) -> datetime.timedelta:
        return datetime.timedelta(days=self.rng.randint(low, high))

    def municipality_in(self, short_name: str, exclude: Municipality | None = None) -> Municipality:
        towns = [
            self.municipalities[name]
            for name in TERRITORIES.get(short_name, tuple(self.municipalities))
            if name in self.municipalities and self.municipalities[name] != exclude
        ] or list(self.municipalities.values())
        return self.rng.choices(towns, weights=[POPULATION.get(t.name, 5.0) ** 1.15 for t in towns])[0]

    # The caseload

    def slots(self) -> list[_Slot]:
        slots: list[_Slot] = []
        by_user: dict[str, list[_Slot]] = {}
        for username, _org, roles, *_names in data.USERS:
            if Role.INTEGRATIONSMANAGEMENT not in roles or username not in self.users:
                continue
            n_open, n_closed = CASELOADS.get(username, DEFAULT_CASELOAD)
            owner = self.users[username]
            mine = [_Slot(owner, True) for _ in range(n_open)] + [_Slot(owner, False) for _ in range(n_closed)]
            by_user[username] = mine
            slots.extend(mine)
        # Special stories: nearing the maximum duration, dormant, reopened.
        for username, mine in by_user.items():
            open_slots = [s for s in mine if s.open]
            lead = username == "integration"
            for slot in open_slots[: 3 if lead else 1]:
                slot.nearing = True
            for slot in open_slots[3:5] if lead else open_slots[1:2]:
                slot.dormant = True
            for slot in open_slots[5:6] if lead else open_slots[2:3]:
                slot.reopened = True
        self._handover_slots(by_user)
        return slots

    def _handover_slots(self, by_user: dict[str, list[_Slot]]) -> None:
        def free_slot(username: str, want_open: bool) -> _Slot | None:
            for slot in by_user.get(username, []):
                if slot.open == want_open and not (slot.nearing or slot.dormant or slot.reopened or slot.handover):
                    return slot
            return None

        lead = self.users.get("integration")
        target = lead.organisation if lead is not None else None
        # Accepted in the past: (previous caseworker, current caseworker, case still open).
        for previous, current, still_open in (
            ("integration-drk", "integration", True),
            ("integration2", "integration-diakonie", True),
            ("integration-lra", "integration-awo", False),
        ):
            slot = free_slot(current, still_open)
            if slot is not None and previous in self.users:
                slot.previous, slot.handover = self.users[previous], "accepted"
        # Waiting for the lead's organisation to answer.
        if target is not None:
            for sender in ("integration-awo", "integration-drk"):
                slot = free_slot(sender, True)
                if slot is not None and slot.owner.organisation_id != target.pk:
                    slot.handover, slot.handover_to = "pending", target
        # Declined some months ago.
        slot = free_slot("integration-diakonie", True)
        if slot is not None and "drk-lb" in self.organisations:
            slot.handover, slot.handover_to = "declined", self.organisations["drk-lb"]

    # Step 1: the case and its household

    def draft_case(self, slot: _Slot) -> _Draft:
        today = self.today
        max_years = settings.LOTSE_MAX_CASE_YEARS
        three_years_ago = add_years(today, -max_years)
        reason, end = "", None
        if slot.open:
            if slot.nearing:
                start = three_years_ago + self.days(6, 80)
            elif slot.handover == "accepted":
                start = self.between(three_years_ago + datetime.timedelta(days=200), today - datetime.timedelta(300))
            else:
                earliest = three_years_ago + datetime.timedelta(days=settings.LOTSE_CASE_DURATION_WARNING_DAYS + 8)
                latest = today - datetime.timedelta(days=3)
                if slot.dormant or slot.reopened or slot.handover:
                    latest = today - datetime.timedelta(days=200)
                span = (latest - earliest).days
                start = latest - datetime.timedelta(days=int(span * self.rng.random() ** 1.25))
        else:
            reason = self.weighted(CLOSING_REASONS)
            if slot.handover == "accepted":
                reason = self.rng.choice([ClosingReason.EIGENER_WOHNRAUM, ClosingReason.ZIELE_ERREICHT])
            if reason == ClosingReason.HOECHSTDAUER:
                start = self.between(EARLIEST_START, three_years_ago - datetime.timedelta(days=3))
                end = add_years(start, max_years)
            else:
                low, high = CLOSING_DURATION[reason]
                if slot.handover == "accepted":
                    low = max(low, 400)
                duration = datetime.timedelta(days=self.rng.randint(low, high))
                start = self.between(EARLIEST_START, today - duration - datetime.timedelta(days=4))
                end = start + duration
        origin = self._origin(start)
        draft = _Draft(
            slot=slot,
            origin=origin,
            route=self.weighted(origin.routes),
            start=start,
            end=end,
            reason=reason,
            status=CaseStatus.CLOSED if end else CaseStatus.ACTIVE,
            ref=end or today,
            record_end=end or today,
            periods=[],
            changes=[],
            municipality=self.municipality_in(slot.owner.organisation.short_name),
            household=Household(organisation=slot.owner.organisation),
            case=Case(),  # replaced below, once the status history and the household are drafted
        )
        self._status_history(draft)
        if slot.handover == "accepted":
            first_user = slot.previous or slot.owner
            draft.previous_municipality = self.municipality_in(first_user.organisation.short_name)
            last = draft.record_end - datetime.timedelta(days=45)
            draft.handover_on = self.between(start + datetime.timedelta(days=120), last)
        self._household(draft)
        draft.case = Case(
            organisation=slot.owner.organisation,
            responsible=slot.owner,
            municipality=draft.municipality,
            household=draft.household,
            status=draft.status,
            start_date=start,
            end_date=end,
            closing_reason=reason,
        )
        return draft

    def _origin(self, start: datetime.date) -> _Origin:
        after = start >= UKRAINE_SINCE + datetime.timedelta(days=30)
        weights = {o: (o.weight_after if after else o.weight_before) for o in ORIGINS}
        return self.weighted({o: w for o, w in weights.items() if w > 0})

    def _status_history(self, d: _Draft) -> None:
        """Active and dormant periods and the status changes between them."""
        today, start = self.today, d.start
        changes: list[tuple[str, str, datetime.date, str, str]] = [("", CaseStatus.ACTIVE, start, "", "")]
        if d.end is not None:
            if d.reason == ClosingReason.KONTAKTABBRUCH and (d.end - start).days > 150 and self.chance(0.5):
                paused = self.between(start + datetime.timedelta(days=60), d.end - datetime.timedelta(days=45))
                changes.append(
                    (CaseStatus.ACTIVE, CaseStatus.DORMANT, paused, "", "Kein Kontakt seit mehreren Wochen.")
                )
                changes.append(
                    (
                        CaseStatus.DORMANT,
                        CaseStatus.CLOSED,
                        d.end,
                        d.reason,
                        self.rng.choice(CLOSING_NOTES[d.reason]),
                    )
                )
                d.periods = [(start, paused - DAY)]
            else:
                note = self.rng.choice(CLOSING_NOTES[d.reason])
                changes.append((CaseStatus.ACTIVE, CaseStatus.CLOSED, d.end, d.reason, note))
                d.periods = [(start, d.end)]
        elif d.slot.dormant:
            paused = self.between(start + datetime.timedelta(days=120), today - datetime.timedelta(days=20))
            note = self.rng.choice(DORMANT_NOTES)
            changes.append((CaseStatus.ACTIVE, CaseStatus.DORMANT, paused, "", note))
            d.status = CaseStatus.DORMANT
            d.periods = [(start, paused - DAY)]
        elif d.slot.reopened:
            closed = self.between(start + datetime.timedelta(days=90), today - datetime.timedelta(days=100))
            reopened = self.between(closed + datetime.timedelta(days=14), closed + datetime.timedelta(days=90))
            changes.append(
                (
                    CaseStatus.ACTIVE,
                    CaseStatus.CLOSED,
                    closed,
                    ClosingReason.KONTAKTABBRUCH,
                    "Über Wochen nicht erreichbar.",
                )
            )
            changes.append(
                (
                    CaseStatus.CLOSED,
                    CaseStatus.ACTIVE,
                    reopened,
                    "",
                    "Erneute Anfrage; Fall wieder aufgenommen.",
                )
            )
            d.periods = [(start, closed), (reopened, today)]
        else:
            d.periods = [(start, today)]
        d.changes = changes
        d.record_end = d.periods[-1][1]

    def _name(self, origin: _Origin, female: bool, taken: set[str]) -> _Name:
        pool = origin.female if female else origin.male
        choices = [n for n in pool if n.latin not in taken] or list(pool)
        name = self.rng.choice(choices)
        taken.add(name.latin)
        return name

    def _family_name(self, origin: _Origin) -> _Name:
        return self.rng.choice(origin.family if origin.family else origin.male)

    def _household(self, d: _Draft) -> None:
        """Who lives in the household, with names, dates of birth and since when."""
        o, ref, rng = d.origin, d.ref, self.rng
        kind = self.weighted(o.compositions)
        taken: set[str] = set()
        if o.ukrainian:
            latest = max(UKRAINE_SINCE, d.start - datetime.timedelta(days=20))
            d.arrival = self.between(max(UKRAINE_SINCE, d.start - datetime.timedelta(days=900)), latest)
        else:
            d.arrival = d.start - datetime.timedelta(days=int(rng.triangular(150, 1300, 380)))
        family = self._family_name(o)
        reunion = (
            kind in ("family", "single_parent")
            and d.route in ("schutz_gfk", "asyl", "schutz_sub")
            and o.key in ("SY", "SY-KU", "ER", "AF", "SO", "IQ-YZ")
            and (d.record_end - d.start).days > 300
            and self.chance(0.3)
        )
        if reunion:
            kind = "family"
            d.reunion_on = self.between(d.start + datetime.timedelta(days=90), d.record_end - datetime.timedelta(30))

        def add(
            role: str,
            relationship: str,
            female: bool,
            age: float,
            family_name: _Name | None = None,
            joins: datetime.date | None = None,
        ) -> _Member:
            given = self._name(o, female, taken)
            fam = (family_name or family).form(female)
            born = ref - datetime.timedelta(days=int(age * 365.25) + rng.randint(0, 364))
            born = min(born, ref)
            group_arrival = (joins - self.days(1, 12)) if joins else d.arrival
            group_since = joins or d.start
            born_here = born >= group_arrival
            member = _Member(
                person=self._person(d, given, fam, female, born, born_here, role),
                born=born,
                role=role,
                relationship=relationship,
                since=max(group_since, born) if born_here else group_since,
                arrival=born if born_here else group_arrival,
                born_here=born_here,
                joined_later=joins is not None,
                aptitude=rng.uniform(0.4, 1.6) - (0.9 if self.chance(0.08) else 0.0),
            )
            d.members.append(member)
            return member

        def kids(count: int, mother_age: float, youngest: float, family_name: _Name | None = None) -> None:
            age = youngest
            for _ in range(count):
                if age > mother_age - 17:
                    break
                add("child", Relationship.CHILD, self.chance(0.49), age, family_name, d.reunion_on)
                age += rng.uniform(1.2, 4.0)

        kid_family = family  # patronymic names: the father's given name, set below
        if kind == "single":
            if o.ukrainian:
                female = self.chance(1 - o.single_male)
                age = rng.triangular(18, 80, 58 if female else 62)
            else:
                female = not self.chance(o.single_male)
                age = rng.triangular(18, 58, 24)
            add("head", Relationship.HEAD, female, age)
        elif kind == "couple":
            age = rng.triangular(20, 75, 30 if not o.ukrainian else 64)
            add("head", Relationship.HEAD, False, age)
            partner_family = self._family_name(o) if o.wives_keep_name and self.chance(0.7) else family
            add("partner", Relationship.PARTNER, True, max(18, age - rng.uniform(0, 8)), partner_family)
        elif kind in ("family", "grown", "extended"):
            father_age = rng.triangular(24, 60, 36) if kind != "grown" else rng.uniform(42, 64)
            mother_age = max(20.0, father_age - rng.uniform(0, 8))
            if o.ukrainian and kind == "extended":
                head = add("head", Relationship.HEAD, True, rng.uniform(26, 48))
                mother_age = head.age_on(ref)
            else:
                head = add("head", Relationship.HEAD, False, father_age)
                partner_family = self._family_name(o) if o.wives_keep_name and self.chance(0.7) else family
                add("partner", Relationship.PARTNER, True, mother_age, partner_family, d.reunion_on)
            if o.patronymic:
                kid_family = _Name(head.person.given_names, "", ())
                if head.person.original_script_name:
                    kid_family = _Name(head.person.given_names, head.person.original_script_name.split(" ")[0], ())
            if kind == "grown":
                for _ in range(self.weighted({1: 60, 2: 40})):
                    add("child", Relationship.CHILD, self.chance(0.45), rng.uniform(18, 26), kid_family)
                kids(self.weighted({0: 35, 1: 35, 2: 20, 3: 10}), mother_age, rng.uniform(8, 16), kid_family)
            else:
                count = self.weighted({1: 26, 2: 33, 3: 23, 4: 11, 5: 7})
                kids(count, mother_age, rng.triangular(0, 13, 2.5), kid_family)
            if kind == "extended" and len(d.members) < 7:
                extra = self.weighted({"grandparent": 60, "sibling": 25, "nephew": 15})
                if extra == "grandparent" or o.ukrainian:
                    add("grandparent", Relationship.PARENT, self.chance(0.7), rng.uniform(58, 80), self._family_name(o))
                elif extra == "sibling":
                    add("sibling", Relationship.SIBLING, self.chance(0.4), rng.uniform(18, 32))
                else:
                    add("relative", Relationship.OTHER_RELATIVE, self.chance(0.4), rng.uniform(12, 17))
        else:  # single parent
            female = self.chance(0.9)
            age = rng.uniform(24, 48)
            head = add("head", Relationship.HEAD, female, age)
            if o.patronymic:
                kid_family = self._family_name(o)
            kids(self.weighted({1: 45, 2: 35, 3: 15, 4: 5}), age, rng.triangular(0, 12, 3), kid_family)
        # Some adult members are not clients of the case.
        for member in d.members[1:]:
            if member.role in ("grandparent", "sibling") and self.chance(0.25):
                member.is_client = False
        self._mover(d)

    def _mover(self, d: _Draft) -> None:
        """Now and then an adult child moved out into a household of their own."""
        grown = [
            m
            for m in d.members
            if m.role == "child" and m.age_on(d.ref) >= 19 and m.since < d.record_end - datetime.timedelta(150)
        ]
        if not grown or not self.chance(0.35):
            return
        mover = grown[0]
        moved = self.between(mover.since + datetime.timedelta(days=90), d.record_end - datetime.timedelta(days=10))
        mover.is_client = False
        household = Household(organisation=d.slot.owner.organisation)
        self.extra_households.append(household)
        self.extra_memberships.append(
            HouseholdMembership(
                household=household, person=mover.person, relationship=Relationship.HEAD, valid_from=moved
            )
        )
        mover.role = f"moved:{moved.isoformat()}"

    def _person(
        self,
        d: _Draft,
        given: _Name,
        family: _Name,
        female: bool,
        born: datetime.date,
        born_here: bool,
        role: str,
    ) -> Person:
        o, rng = d.origin, self.rng
        adult = (d.ref - born).days >= 18 * 365
        original = ""
        if given.original and family.original and self.chance(0.55 if adult else 0.3):
            original = f"{given.original} {family.original}"
        aliases: list[str] = []
        if given.variants and self.chance(0.45):
            aliases.append(f"{rng.choice(given.variants)} {family.latin}")
        if family.variants and self.chance(0.35):
            aliases.append(f"{given.latin} {rng.choice(family.variants)}")
        birth: datetime.date | None = born
        precision: str = BirthDatePrecision.DAY
        if not born_here and (adult or (d.arrival - born).days > 6 * 365):
            roll = rng.random()
            if adult and roll < 0.015:
                birth, precision = None, ""
            elif roll < (0.165 if adult else 0.08):
                birth, precision = datetime.date(born.year, 1, 1), BirthDatePrecision.YEAR
            elif roll < (0.24 if adult else 0.12):
                birth, precision = born.replace(day=1), BirthDatePrecision.MONTH
        if not d.nationality:
            d.nationality = o.country
            roll = rng.random()
            if roll < o.stateless:
                d.nationality = STATELESS
            elif roll < o.stateless + o.unresolved:
                d.nationality = UNRESOLVED
        languages = [o.languages[0][0]] + [code for code, share in o.languages[1:] if adult and self.chance(share)]
        if not adult and (d.ref - max(born, d.arrival)).days > 365 and (d.ref - born).days > 4 * 365:
            languages.append("deu")
        phone = email = notes = ""
        if role in ("head", "partner") and self.chance(0.85 if role == "head" else 0.5):
            number = self.phone_numbers[self.phones_used % len(self.phone_numbers)]
            self.phones_used += 1
            phone = DRAMA_NUMBERS[number % 5].format(number % 1000)
        if role == "head" and self.chance(0.2):
            local = f"{given.latin}.{family.latin}".lower()
            local = "".join(ch for ch in local if ch.isascii() and (ch.isalnum() or ch == "."))
            email = f"{local}{rng.randint(1, 99)}@example.org"
        if adult and self.chance(0.06):
            notes = rng.choice(PERSON_NOTES)
        return Person(
            organisation=d.slot.owner.organisation,
            family_name=family.latin,
            given_names=given.latin,
            original_script_name=original,
            aliases=aliases,
            birth_date=birth,
            birth_date_precision=precision,
            gender=Gender.FEMALE if female else Gender.MALE,
            nationalities=[d.nationality],
            languages=list(dict.fromkeys(languages)),
            phone=phone,
            email=email,
            notes=notes,
        )

    def _housing_history(self, d: _Draft) -> None:
        """Shelter, follow-up accommodation, own tenancy: the household's dated housing."""
        o, start, end = d.origin, d.start, d.record_end
        first_town = self.municipalities.get(self.rng.choice(SHELTER_TOWNS), d.municipality)
        home = d.previous_municipality or d.municipality
        county = d.arrival + (self.days(0, 20) if o.ukrainian else self.days(20, 150))
        county = min(county, start)
        events: list[tuple[datetime.date, str, Municipality | None]] = []
        head_age = d.members[0].age_on(start) if d.members else 30
        if o.ukrainian and self.chance(0.35):
            events.append((county, HousingSituation.SONSTIGES, home))
        elif o.key in ("AF", "AF-PS", "ER", "SO") and head_age <= 20 and len(d.members) == 1 and self.chance(0.6):
            events.append((county, HousingSituation.JUGENDHILFE, first_town))
        else:
            events.append((county, HousingSituation.VORLAEUFIGE_UNTERBRINGUNG, first_town))
        follow_up = max(county + datetime.timedelta(days=45), start - self.days(0, 120))
        if follow_up <= end and (events[0][1] != HousingSituation.SONSTIGES or self.chance(0.5)):
            events.append((follow_up, HousingSituation.ANSCHLUSSUNTERBRINGUNG, home))
        private = self.chance(0.3) if d.open else d.private_wanted
        if d.slot.handover == "accepted" and d.handover_on is not None:
            moved = d.handover_on - self.days(3, 25)
            situation = (
                HousingSituation.PRIVATER_MIETVERTRAG if self.chance(0.6) else HousingSituation.ANSCHLUSSUNTERBRINGUNG
            )
            events = [e for e in events if e[0] < moved]
            events.append((moved, situation, d.municipality))
            if situation == HousingSituation.PRIVATER_MIETVERTRAG:
                d.private_on = moved
                private = False
        if private:
            last = events[-1][0]
            if d.reason == ClosingReason.EIGENER_WOHNRAUM:
                when = max(last + DAY, end - self.days(7, 60))
            else:
                when = self.between(last + datetime.timedelta(days=90), end - datetime.timedelta(days=7))
            when = min(when, end)
            if when > last:
                town: Municipality | None = home
                if d.reason == ClosingReason.WEGZUG:
                    town = None if self.chance(0.7) else self.municipality_in("", exclude=home)
                elif self.chance(0.2):
                    town = self.municipality_in(d.slot.owner.organisation.short_name)
                events.append((when, HousingSituation.PRIVATER_MIETVERTRAG, town))
                d.private_on = when
        d.housing = events

    def assign_private_housing(self) -> None:
        """Closed cases: about six in ten clients had their own tenancy when counselling ended (780 of 1253)."""
        closed = [d for d in self.drafts if not d.open]
        total = sum(len(d.clients) for d in closed)

        def rank(d: _Draft) -> tuple[bool, float]:
            likelihood = PRIVATE_HOUSING_AT_END[d.reason]
            return (d.reason == ClosingReason.EIGENER_WOHNRAUM, likelihood + self.rng.uniform(0, 0.6))

        housed = 0
        for d in sorted(closed, key=rank, reverse=True):
            if d.slot.handover == "accepted" or PRIVATE_HOUSING_AT_END[d.reason] == 0:
                continue  # moved on handover / went back
            if d.reason == ClosingReason.EIGENER_WOHNRAUM or housed < PRIVATE_SHARE_AT_END * total:
                d.private_wanted = True
                housed += len(d.clients)

    # Step 2: the worklist of each caseworker

    def choose_flags(self) -> None:
        by_owner: dict[int, list[_Draft]] = {}
        for draft in self.drafts:
            if draft.open and draft.status == CaseStatus.ACTIVE and not draft.slot.handover:
                by_owner.setdefault(draft.slot.owner.pk, []).append(draft)
        for drafts in by_owner.values():
            lead = drafts[0].slot.owner.username == "integration"
            eligible = [d for d in drafts if not d.slot.nearing]
            counts = {
                "follow_up": 6 if lead else self.rng.randint(1, 3),
                "plan_review": 5 if lead else self.rng.randint(1, 2),
                "goal_review": 2 if lead else self.rng.randint(0, 1),
                "goal_overdue": 5 if lead else self.rng.randint(0, 1),
                "permit": 3 if lead else self.rng.randint(0, 1),
            }
            for flag, count in counts.items():
                # Temporary protection for Ukrainians ends for all on one date (4 March): no single expiries.
                pool = [d for d in eligible if flag != "permit" or d.route != "ukraine"]
                for draft in self.rng.sample(pool, min(count, len(pool))):
                    draft.flags.add(flag)

    # Step 3: German and work, in the proportions of the press release

    def assign_language_and_work(self) -> None:
        open_adults: list[tuple[_Draft, _Member]] = []
        closed_adults: list[tuple[_Draft, _Member]] = []
        for d in self.drafts:
            for m in d.adults():
                (open_adults if d.open else closed_adults).append((d, m))
        self._levels(open_adults, {5: 0.015, 4: 0.04, 3: 0.185, 2: 0.30, 1: 0.30, 0: 1.0})
        self._levels(closed_adults, {5: 0.02, 4: 0.06, 3: 0.28, 2: 0.30, 1: 0.24, 0: 1.0})
        self._work(open_adults, {"svp": 0.13, "training": 0.04, "gering": 0.07, "selbst": 0.01})
        self._work(closed_adults, {"svp": 0.28, "training": 0.07, "gering": 0.08, "selbst": 0.015})

    def _years(self, d: _Draft, m: _Member) -> float:
        return max(0.0, (d.ref - m.arrival).days / 365.25)

    def _levels(self, adults: list[tuple[_Draft, _Member]], shares: dict[int, float]) -> None:
        def score(pair: tuple[_Draft, _Member]) -> float:
            d, m = pair
            age = m.age_on(d.ref)
            bonus = 0.5 if age < 30 else (-0.8 if age > 50 else 0.0)
            return self._years(d, m) * m.aptitude + bonus + self.rng.gauss(0, 0.35)

        ranked = sorted(adults, key=score, reverse=True)
        total = len(ranked)
        position = 0
        for level in sorted(shares, reverse=True):
            count = total - position if level == 0 else round(shares[level] * total)
            for _d, m in ranked[position : position + count]:
                m.level = level
            position += count

    def _work(self, adults: list[tuple[_Draft, _Member]], shares: dict[str, float]) -> None:
        total = len(adults)
        pool: list[tuple[float, _Draft, _Member]] = []
        for d, m in adults:
            age = m.age_on(d.ref)
            youngest = min((c.age_on(d.ref) for c in d.children()), default=99)
            mother = m.person.gender == Gender.FEMALE and m.role in ("head", "partner")
            if age >= 63:
                m.work = self.rng.choice([WorkSituation.SONSTIGES, WorkSituation.NICHT_ERWERBSFAEHIG])
            elif self.chance(0.04):
                m.work = WorkSituation.NICHT_ERWERBSFAEHIG
            elif mother and youngest < 3 and self.chance(0.65):
                m.work = WorkSituation.ELTERNZEIT
            elif age <= 20 and self.chance(0.55):
                m.work = WorkSituation.SCHULE
            else:
                male = 0.4 if m.person.gender == Gender.MALE else 0.0
                score = self._years(d, m) * 0.8 + m.level * 0.7 + male + self.rng.gauss(0, 0.6)
                pool.append((score, d, m))
        pool.sort(key=lambda entry: entry[0], reverse=True)
        quotas = [
            ("svp", round(shares["svp"] * total)),
            ("training", round(shares["training"] * total)),
            ("gering", round(shares["gering"] * total)),
            ("selbst", round(shares["selbst"] * total)),
        ]
        index = 0
        for kind, count in quotas:
            for _score, d, m in pool[index : index + count]:
                if kind == "svp":
                    m.work = WorkSituation.BESCHAEFTIGT_SVP
                elif kind == "gering":
                    m.work = WorkSituation.GERINGFUEGIG
                elif kind == "selbst":
                    m.work = WorkSituation.SELBSTSTAENDIG
                elif m.age_on(d.ref) < 35:
                    m.work = self.weighted(
                        {WorkSituation.AUSBILDUNG: 60, WorkSituation.STUDIUM: 15, WorkSituation.PRAKTIKUM: 25}
                    )
                else:
                    m.work = WorkSituation.PRAKTIKUM
            index += count
        for _score, _d, m in pool[index:]:
            if m.level >= 3:
                m.work = self.weighted({WorkSituation.ARBEITSUCHEND: 70, WorkSituation.SPRACHKURS: 30})
            else:
                m.work = self.weighted(
                    {WorkSituation.SPRACHKURS: 62, WorkSituation.ARBEITSUCHEND: 33, WorkSituation.SONSTIGES: 5}
                )

    # Step 4: the dated records of every client

    def draft_records(self, d: _Draft) -> None:
        self._residence(d)
        for m in d.clients:
            first = max(m.since, d.start)
            last = max(d.record_end, first)
            # Housing: the household's situation since the person arrived (or joined it).
            entry = m.since if m.joined_later else m.arrival
            current: tuple[datetime.date, str, Municipality | None] | None = None
            rows: list[tuple[datetime.date, str, Municipality | None]] = []
            for event in d.housing:
                if event[0] <= entry:
                    current = event
                elif event[0] <= last:
                    rows.append(event)
            if current is not None:
                rows.insert(0, (entry, current[1], current[2]))
            for when, situation, town in rows:
                self.housing.append(
                    HousingRecord(
                        person=m.person,
                        valid_from=when,
                        situation=situation,
                        municipality=town,
                        recorded_by=d.user_at(max(when, d.start)),
                    )
                )
            for res in m.residence:
                self.residence.append(
                    ResidenceRecord(
                        person=m.person,
                        valid_from=res.valid_from,
                        status=res.status,
                        legal_basis=res.legal_basis,
                        valid_until=res.valid_until,
                        recorded_by=d.user_at(max(res.valid_from, d.start)),
                    )
                )
            if m.age_on(d.ref) < 18:
                continue
            m.lang_path = self._language_path(m, first, last)
            for when, level, evidence, course in m.lang_path:
                self.language.append(
                    LanguageRecord(
                        person=m.person,
                        valid_from=when,
                        level=LEVELS[level],
                        evidence=evidence,
                        course=course,
                        recorded_by=d.user_at(when),
                    )
                )
            m.work_path = self._work_path(d, m, first, last)
            for when, situation in m.work_path:
                self.work.append(
                    WorkRecord(person=m.person, valid_from=when, situation=situation, recorded_by=d.user_at(when))
                )

    def _spread(self, count: int, first: datetime.date, last: datetime.date) -> list[datetime.date]:
        """``count`` distinct sorted dates after ``first`` up to ``last`` (fewer if there is no room)."""
        room = (last - first).days
        if room <= 0 or count <= 0:
            return []
        picks = sorted(self.rng.sample(range(1, room + 1), min(count, room)))
        return [first + datetime.timedelta(days=p) for p in picks]

    def _language_path(
        self, m: _Member, first: datetime.date, last: datetime.date
    ) -> list[tuple[datetime.date, int, str, str]]:
        years = (last - first).days / 365.25
        steps = min(m.level, int(years * self.rng.uniform(0.7, 1.6) + self.rng.random()))
        if (last - first).days < 60:
            steps = 0
        dates = self._spread(steps, first + datetime.timedelta(days=30), last)
        start_level = m.level - len(dates)

        def course(level: int) -> str:
            if level < 3:
                return self.weighted(
                    {LanguageCourse.INTEGRATION: 72, LanguageCourse.OTHER: 10, LanguageCourse.NONE: 18}
                )
            return self.weighted({LanguageCourse.PROFESSIONAL: 45, LanguageCourse.NONE: 55})

        path: list[tuple[datetime.date, int, str, str]] = [
            (first, start_level, LanguageEvidence.ESTIMATE, course(start_level))
        ]
        for offset, when in enumerate(dates, start=1):
            level = start_level + offset
            certified = level >= 2 and self.chance(0.7)
            evidence = LanguageEvidence.CERTIFICATE if certified else LanguageEvidence.ESTIMATE
            path.append((when, level, evidence, course(level)))
        if start_level >= 2 and self.chance(0.5):
            path[0] = (first, start_level, LanguageEvidence.CERTIFICATE, path[0][3])
        return path

    def _work_path(
        self, d: _Draft, m: _Member, first: datetime.date, last: datetime.date
    ) -> list[tuple[datetime.date, str]]:
        final = m.work
        w = WorkSituation
        before: list[str]
        if final in (w.SCHULE, w.NICHT_ERWERBSFAEHIG):
            before = []
        elif final == w.SONSTIGES:
            before = [w.SPRACHKURS] if self.chance(0.4) else []
        elif final == w.ELTERNZEIT:
            before = [w.SPRACHKURS] if self.chance(0.6) else []
        elif final == w.SPRACHKURS:
            before = [w.ARBEITSUCHEND] if self.chance(0.25) else []
        elif final == w.ARBEITSUCHEND:
            before = [w.SPRACHKURS]
        elif final in (w.AUSBILDUNG, w.STUDIUM):
            before = [w.SPRACHKURS, *([w.PRAKTIKUM] if self.chance(0.4) else [])]
        elif final == w.PRAKTIKUM:
            before = [w.SPRACHKURS, w.ARBEITSUCHEND]
        else:
            before = [w.SPRACHKURS, w.ARBEITSUCHEND, *([w.PRAKTIKUM] if self.chance(0.2) else [])]
        if m.age_on(first) < 18 and final != w.SCHULE:
            before = [w.SCHULE, *before[1:]]
        statuses = [*before, final]
        dates = self._spread(len(statuses) - 1, first + datetime.timedelta(days=20), last)
        statuses = statuses[len(statuses) - 1 - len(dates) :]
        when_final = dates[-1] if dates else first
        if final in (w.AUSBILDUNG, w.STUDIUM) and dates:
            # Training starts on 1 September, studies on 1 October.
            month = 9 if final == w.AUSBILDUNG else 10
            candidate = datetime.date(when_final.year, month, 1)
            if candidate > last:
                candidate = datetime.date(when_final.year - 1, month, 1)
            if (len(dates) < 2 or candidate > dates[-2]) and candidate > first:
                dates[-1] = when_final = candidate
        if final == w.ELTERNZEIT:
            births = [c.person.birth_date for c in d.children() if c.person.birth_date and c.born_here]
            recent = [b for b in births if first < b <= last and (not dates[:-1] or b > dates[-2])]
            if recent and dates:
                dates[-1] = max(recent)
        return list(zip([first, *dates], statuses, strict=True))

    def _residence(self, d: _Draft) -> None:
        """Residence histories: the head's route, shared by the family with their own entry points."""
        head = d.members[0]
        base = self._route(d, head.arrival)
        if d.open:
            self._keep_valid(base)
        decisions = [e.valid_from for e in base if e.status != ResidenceStatus.GESTATTUNG]
        d.decision_on = decisions[0] if decisions else None
        for m in d.clients:
            if m is head or (not m.born_here and not m.joined_later):
                events = [_Residence(e.valid_from, e.status, e.legal_basis, e.valid_until) for e in base]
            elif m.joined_later:
                basis = "§ 32 AufenthG" if m.role == "child" else "§ 30 AufenthG"
                in_force = [e for e in base if e.valid_from <= m.since]
                until = in_force[-1].valid_until if in_force else None
                if until is None or until <= m.since:
                    until = _add_months(m.since, 12)
                events = [_Residence(m.since, ResidenceStatus.AUFENTHALTSERLAUBNIS, basis, until)]
                events += [
                    _Residence(e.valid_from, e.status, e.legal_basis, e.valid_until)
                    for e in base
                    if e.valid_from > m.since
                ]
            else:  # born here
                in_force = [e for e in base if e.valid_from <= m.arrival]
                later = [
                    _Residence(e.valid_from, e.status, e.legal_basis, e.valid_until)
                    for e in base
                    if e.valid_from > m.arrival
                ]
                events = later
                if in_force:
                    parent = in_force[-1]
                    basis = CHILD_BASIS.get(parent.status, parent.legal_basis)
                    status = parent.status
                    if status == ResidenceStatus.NIEDERLASSUNGSERLAUBNIS:
                        status = ResidenceStatus.AUFENTHALTSERLAUBNIS
                    until = parent.valid_until
                    if until is None or until <= m.arrival:
                        until = _add_months(m.arrival, 24)
                    events = [_Residence(m.arrival, status, basis, until), *later]
            events = [e for e in events if e.valid_from <= d.ref]
            if d.open:
                self._keep_valid(events)
            m.residence = events
        if "permit" in d.flags:
            adults = [m for m in d.adults() if m.residence]
            owner = d.slot.owner.pk
            double = len(adults) > 1 and owner not in self.double_permits and self.chance(0.5)
            if double:
                self.double_permits.add(owner)
            for m in adults[: 2 if double else 1]:
                events = [e for e in m.residence if e.status != ResidenceStatus.NIEDERLASSUNGSERLAUBNIS]
                expiry = self.today + self.days(12, 85)
                # The permit running out was issued a while ago: drop the renewals since.
                while len(events) > 1 and (expiry - events[-1].valid_from).days < (
                    150 if events[-1].status in (ResidenceStatus.GESTATTUNG, ResidenceStatus.DULDUNG) else 330
                ):
                    events.pop()
                if events and events[-1].status == ResidenceStatus.FIKTIONSBESCHEINIGUNG:
                    events.pop()
                if not events:
                    continue
                last = events[-1]
                if last.valid_from < expiry:
                    last.valid_until = expiry
                    m.residence = events

    def _keep_valid(self, events: list[_Residence]) -> None:
        """Open cases: the latest permit does not expire within the warning period (renewed in time)."""
        if not events:
            return
        horizon = self.today + datetime.timedelta(days=settings.LOTSE_RESIDENCE_EXPIRY_WARNING_DAYS)
        last = events[-1]
        if last.valid_until is None or last.valid_until > horizon:
            return
        earliest = max(last.valid_from + DAY, self.today - datetime.timedelta(days=40))
        if earliest > self.today:  # issued today: it runs longer than recorded
            last.valid_until = horizon + self.days(30, 400)
            return
        renewed = self.between(earliest, self.today)
        if last.legal_basis.startswith("§ 24"):
            until = _next_march_4(horizon + DAY)
        elif last.status in (
            ResidenceStatus.GESTATTUNG,
            ResidenceStatus.DULDUNG,
            ResidenceStatus.FIKTIONSBESCHEINIGUNG,
        ):
            until = _add_months(renewed, 6)
        else:
            until = _add_months(renewed, self.rng.choice([24, 36]))
        status, basis = last.status, last.legal_basis
        if status == ResidenceStatus.FIKTIONSBESCHEINIGUNG:
            previous = [e for e in events if e.status == ResidenceStatus.AUFENTHALTSERLAUBNIS]
            status = ResidenceStatus.AUFENTHALTSERLAUBNIS
            basis = previous[-1].legal_basis if previous else "§ 25 Abs. 2 AufenthG"
        events.append(_Residence(renewed, status, basis, max(until, horizon + DAY)))

    def _route(self, d: _Draft, arrival: datetime.date) -> list[_Residence]:
        """The head's residence history from arrival to the end of the records."""
        end, rng = d.ref, self.rng
        events: list[_Residence] = []

        def add(when: datetime.date, status: str, basis: str, until: datetime.date | None) -> None:
            if events and when <= events[-1].valid_from:
                when = events[-1].valid_from + DAY
            if when > end:
                return
            if until is not None and until < when:
                until = when + datetime.timedelta(days=90)
            last = events[-1] if events else None
            if (
                last is not None
                and (last.status, last.legal_basis) == (status, basis)
                and status in (ResidenceStatus.GESTATTUNG, ResidenceStatus.DULDUNG)
                and self.chance(0.7)
            ):
                last.valid_until = until  # the renewal was entered as a new expiry date
                return
            events.append(_Residence(when, status, basis, until))

        if d.route == "ukraine":
            when = arrival + self.days(3, 30)
            if self.chance(0.4):
                add(when, ResidenceStatus.FIKTIONSBESCHEINIGUNG, "§ 81 Abs. 3 AufenthG", when + self.days(90, 180))
                when = when + self.days(60, 120)
            add(
                when,
                ResidenceStatus.AUFENTHALTSERLAUBNIS,
                "§ 24 Abs. 1 AufenthG",
                _next_march_4(when + self.days(150, 200)),
            )
            while events and events[-1].valid_until is not None:
                renewal = events[-1].valid_until - self.days(10, 60)
                if renewal > end or renewal <= events[-1].valid_from:
                    break
                add(
                    renewal,
                    ResidenceStatus.AUFENTHALTSERLAUBNIS,
                    "§ 24 Abs. 1 AufenthG",
                    _next_march_4(renewal + datetime.timedelta(days=200)),
                )
            return events
        applied = arrival + self.days(3, 25)
        wait = {"pending": 4000, "duldung": rng.randint(240, 800)}.get(d.route, rng.randint(120, 560))
        decision = applied + datetime.timedelta(days=wait)
        if d.reunion_on is not None:
            decision = max(
                applied + datetime.timedelta(days=60), min(decision, d.reunion_on - datetime.timedelta(days=150))
            )
        add(applied, ResidenceStatus.GESTATTUNG, "§ 55 AsylG", _add_months(applied, 6))
        while events[-1].valid_until is not None and events[-1].valid_until < decision:
            renewal = events[-1].valid_until - self.days(3, 14)
            if renewal > end:
                break
            add(renewal, ResidenceStatus.GESTATTUNG, "§ 55 AsylG", _add_months(renewal, 6))
        if decision > end:
            return events
        basis = {
            "schutz_gfk": "§ 25 Abs. 2 AufenthG",
            "schutz_sub": "§ 25 Abs. 2 AufenthG",
            "asyl": "§ 25 Abs. 1 AufenthG",
            "abschiebungsverbot": "§ 25 Abs. 3 AufenthG",
        }.get(d.route, "§ 60a Abs. 2 AufenthG")
        if d.route == "duldung":
            add(decision, ResidenceStatus.DULDUNG, basis, _add_months(decision, 6))
            converted = False
            while events[-1].valid_until is not None:
                renewal = events[-1].valid_until - self.days(2, 20)
                if renewal > end:
                    break
                years_here = (renewal - arrival).days / 365.25
                if not converted and renewal >= datetime.date(2023, 1, 1) and years_here >= 5 and self.chance(0.5):
                    add(renewal, ResidenceStatus.AUFENTHALTSERLAUBNIS, "§ 104c AufenthG", _add_months(renewal, 18))
                    converted = True
                elif converted:
                    add(renewal, ResidenceStatus.AUFENTHALTSERLAUBNIS, "§ 25b AufenthG", _add_months(renewal, 24))
                    converted = False
                    if events[-1].legal_basis == "§ 25b AufenthG":
                        basis = "§ 25b AufenthG"
                        break
                else:
                    add(renewal, ResidenceStatus.DULDUNG, basis, _add_months(renewal, 6))
            if basis != "§ 25b AufenthG":
                return events
        else:
            first_term = 36 if d.route in ("schutz_gfk", "asyl") else 12
            add(decision, ResidenceStatus.AUFENTHALTSERLAUBNIS, basis, _add_months(decision, first_term))
        while events[-1].valid_until is not None:
            expiry = events[-1].valid_until
            renewal = expiry - self.days(5, 40)
            if renewal > end:
                break
            if self.chance(0.15):
                add(renewal, ResidenceStatus.FIKTIONSBESCHEINIGUNG, "§ 81 Abs. 4 AufenthG", _add_months(renewal, 3))
                renewal = renewal + self.days(30, 80)
                if renewal > end:
                    break
            settled = (renewal - arrival).days > 5 * 365 and self.chance(0.45)
            if settled or (
                d.route in ("schutz_gfk", "asyl") and (renewal - decision).days > 1000 and self.chance(0.45)
            ):
                add(renewal, ResidenceStatus.NIEDERLASSUNGSERLAUBNIS, "§ 26 Abs. 3 AufenthG", None)
                break
            add(renewal, ResidenceStatus.AUFENTHALTSERLAUBNIS, basis, _add_months(renewal, rng.choice([24, 36])))
        return events

    # Step 5: integration plans

    def draft_plans(self, d: _Draft) -> None:
        active_end = d.record_end
        first = d.start + self.days(0, max(0, min(42, (active_end - d.start).days)))
        versions = [first]
        while len(versions) < 3:
            following = versions[-1] + self.days(170, 380)
            if following > active_end - datetime.timedelta(days=20):
                break
            versions.append(following)
        goals = self._goal_lifecycles(d, versions)
        for number, agreed in enumerate(versions, start=1):
            latest = number == len(versions)
            as_of = d.ref if latest else versions[number]
            review = agreed + self.days(150, 200)
            if not latest:
                review = max(agreed, versions[number] - self.days(0, 14))
            elif d.open:
                review = self._shape_review(review, "plan_review" in d.flags)
            plan = IntegrationPlan(
                case=d.case,
                number=number,
                agreed_on=agreed,
                review_on=review,
                notes=self._plan_note(d) if number == 1 else "",
                created_by=d.user_at(agreed),
            )
            self.plans.append(plan)
            position = 0
            for life in goals:
                if life.created > number - 1:
                    continue
                self._goal_version(d, plan, life, as_of, latest, position)
                position += 1

    def _plan_note(self, d: _Draft) -> str:
        notes = [*PLAN_NOTES, *([CHILDREN_PLAN_NOTE] if d.children() else [])]
        return self.rng.choice(notes)

    def _shape_review(self, review: datetime.date, due: bool) -> datetime.date:
        """Open cases: only the chosen plans come up for review within the worklist's horizon."""
        horizon = self.today + datetime.timedelta(days=REVIEW_HORIZON_DAYS)
        if due:
            return self.today + self.days(0, REVIEW_HORIZON_DAYS - 1)
        if review <= horizon:
            return self.today + self.days(25, 160)
        return review

    def _goal_lifecycles(self, d: _Draft, versions: list[datetime.date]) -> list[_GoalLife]:
        """Which goals the case works on, when they were set and how they ended.

        Goals tied to a fact (B1 reached, a job, the own tenancy, the family's
        arrival) are achieved on the day the fact was recorded.
        """
        # (template, the clients it concerns, date of the fact that achieves it)
        candidates: list[tuple[str, list[_Member], datetime.date | None]] = []
        adults = d.adults()
        for m in adults[:2]:
            names = [m]
            b1 = next((when for when, level, *_rest in m.lang_path if level == 3 and when > d.start), None)
            start_level = m.lang_path[0][1] if m.lang_path else 0
            if b1 is not None:
                candidates.append(("sprache_b1", names, b1))
            elif start_level <= 1 and m.age_on(d.ref) < 60:
                candidates.append(("sprache_kurs", names, m.lang_path[1][0] if len(m.lang_path) > 1 else None))
            elif m.level >= 3 and self.chance(0.3):
                candidates.append(("sprache_b2", names, None))
            job = next((when for when, situation in m.work_path[1:] if situation == m.work), None)
            if m.work in JOB_GOALS:
                candidates.append((JOB_GOALS[m.work], names, job))
            elif m.work in (WorkSituation.ARBEITSUCHEND, WorkSituation.SPRACHKURS) and m.age_on(d.ref) < 55:
                candidates.append(("arbeit_job" if self.chance(0.7) else "arbeit_anerkennung", names, None))
        if d.housing_on(d.start) != HousingSituation.PRIVATER_MIETVERTRAG:
            candidates.append(("wohnen_wohnung", [], d.private_on))
        for child in d.children()[:2]:
            age_at_start = child.age_on(max(d.start, child.since))
            names = [child]
            if age_at_start <= 5:
                candidates.append(("bildung_kita", names, None))
            elif 6 <= age_at_start <= 15 and not child.born_here:
                key = "bildung_schule" if (child.since - child.arrival).days < 200 else "bildung_hausaufgaben"
                candidates.append((key, names, None))
            elif self.chance(0.3):
                candidates.append(("teilhabe_verein", names, None))
        if d.reunion_on is not None:
            candidates.append(("familie_nachzug", [], d.reunion_on))
        head = d.members[0]
        if d.route in ("duldung", "pending"):
            candidates.append(("aufenthalt_perspektive", [head], None))
            if self.chance(0.5):
                candidates.append(("aufenthalt_pass", [head], None))
        elif d.route != "ukraine" and self.chance(0.3):
            candidates.append(("aufenthalt_verlaengerung", [head], None))
        if d.children() and self.chance(0.3):
            candidates.append(("finanzen_kindergeld", [], None))
        if adults and self.chance(0.15):
            candidates.append(("gesundheit_psz", [self.rng.choice(adults)], None))
        candidates.extend((key, [], None) for key in self.rng.sample(GENERIC_GOALS, 2))

        target = self.weighted({2: 20, 3: 40, 4: 28, 5: 12})
        chosen: list[_GoalLife] = []
        seen: set[tuple[str, tuple[int, ...]]] = set()
        for key, members, event in candidates:
            title = GOALS[key].title
            concerned = (title, tuple(id(m) for m in members))
            if concerned in seen:
                continue
            created = 0
            if event is not None:
                if event < versions[0]:
                    continue  # achieved before the first plan
                created = max(i for i, v in enumerate(versions) if v <= event)
                if created > 0 and self.chance(0.5):
                    created -= 1
            elif len(chosen) >= target:
                if len(versions) > 1 and len(chosen) < target + 2 and self.chance(0.35):
                    created = self.rng.randint(1, len(versions) - 1)
                else:
                    continue
            seen.add(concerned)
            chosen.append(_GoalLife(key=key, title=title, created=created, event=event, members=members))
            if len(chosen) >= 6:
                break
        self.rng.shuffle(chosen)
        chosen.sort(key=lambda life: life.created)
        # The first version agrees on two to five goals; later ones add to them.
        for index, life in enumerate(chosen):
            if index < 2:
                life.created = 0
            elif index >= 5 and life.created == 0:
                life.created = 1
        chosen = [life for life in chosen if life.created < len(versions)]
        for life in chosen:
            life.created_on = versions[life.created]
            life.due = life.created_on + self.days(90, 365)
            life.review = life.created_on + self.days(60, 180) if self.chance(0.7) else None
            if life.event is not None:
                life.resolved = (life.event, GoalStatus.ACHIEVED)
            else:
                life.resolved = self._resolution(d, life.created_on, life.key)
            for description, responsible, actor in GOALS[life.key].steps[: self.rng.randint(1, 3)]:
                due = life.created_on + self.days(14, 150)
                done_on = due + self.days(-20, 20) if self.chance(0.75) else None
                life.steps.append((description, responsible, actor, due, done_on))
            d.goal_fields.append(GOALS[life.key].field)
        return chosen

    def _resolution(self, d: _Draft, created: datetime.date, key: str) -> tuple[datetime.date, str] | None:
        lower = created + datetime.timedelta(days=45)
        if key in FACT_GOALS:  # the fact was not reached (else the goal is achieved on its date)
            if d.end is not None:
                status = self.weighted({GoalStatus.NOT_ACHIEVED: 60, GoalStatus.DISCARDED: 20, "": 20})
                return (d.end, status) if status else None
            if (self.today - created).days > 240 and self.chance(0.08):
                return (self.between(lower, min(d.record_end, self.today)), GoalStatus.DISCARDED)
            return None
        if d.end is not None:
            status = self.weighted(
                {GoalStatus.ACHIEVED: 60, GoalStatus.NOT_ACHIEVED: 17, GoalStatus.DISCARDED: 10, "": 13}
            )
            if not status:
                return None
            return (self.between(lower, d.end) if lower < d.end else d.end, status)
        if (self.today - created).days < 120:
            return None
        status = self.weighted({GoalStatus.ACHIEVED: 40, GoalStatus.DISCARDED: 6, "": 54})
        if not status:
            return None
        return (self.between(lower, min(d.record_end, self.today - datetime.timedelta(days=7))), status)

    def _goal_version(
        self,
        d: _Draft,
        plan: IntegrationPlan,
        life: _GoalLife,
        as_of: datetime.date,
        latest: bool,
        position: int,
    ) -> None:
        """The goal as it stood in one plan version (``as_of``: when the next version replaced it)."""
        status: str = GoalStatus.OPEN
        if life.resolved is not None and life.resolved[0] <= as_of:
            status = life.resolved[1]
        elif any(done_on is not None and done_on <= as_of for *_step, done_on in life.steps):
            status = GoalStatus.IN_PROGRESS
        pending = status in (GoalStatus.OPEN, GoalStatus.IN_PROGRESS)
        if pending and life.due < as_of:
            life.due = as_of + self.days(60, 240)  # re-planned in the next version
        due, review = life.due, life.review
        if latest and pending and d.open:
            horizon = self.today + datetime.timedelta(days=REVIEW_HORIZON_DAYS)
            if "goal_overdue" in d.flags and "goal_overdue:done" not in d.flags:
                due = self.today - self.days(3, 45)
                d.flags.add("goal_overdue:done")
            elif due < self.today:
                due = self.today + self.days(21, 240)
            if "goal_review" in d.flags and "goal_review:done" not in d.flags:
                review = self.today + self.days(0, REVIEW_HORIZON_DAYS - 1)
                d.flags.add("goal_review:done")
            elif review is not None and review <= horizon:
                review = self.today + self.days(25, 150) if self.chance(0.7) else None
        goal = Goal(
            plan=plan,
            field_of_action=GOALS[life.key].field,
            title=life.title,
            due_date=due,
            review_date=review,
            status=status,
            position=position,
        )
        self.goals.append(goal)
        self.goal_members[id(goal)] = life.members
        for index, (description, responsible, actor, step_due, done_on) in enumerate(life.steps):
            done = (done_on is not None and done_on <= as_of) or status == GoalStatus.ACHIEVED
            self.steps.append(
                Step(
                    goal=goal,
                    description=description,
                    responsible=responsible,
                    responsible_name=actor if responsible == Responsible.ACTOR else "",
                    due_date=step_due,
                    done=done,
                    position=index,
                )
            )

    # Step 6: contacts, follow-ups, referrals

    def tags(self, d: _Draft, day: datetime.date) -> set[str]:
        """What holds for the household on ``day``, to pick notes, tasks and referrals that fit it."""
        tags = {""}
        level = d.level_on(day)
        tags.update(
            name
            for name, holds in (
                ("lang_none", level == 0),
                ("lang_low", level <= 1),
                ("lang_exam", 1 <= level <= 2),
                ("lang_course", level <= 2),
                ("lang_b1", level >= 3),
            )
            if holds
        )
        adults = [m for m in d.adults() if m.since <= day]
        situations = {self._work_on(m, day) for m in adults}
        if situations & EMPLOYED:
            tags.add("employed")
        if situations & {WorkSituation.ARBEITSUCHEND, WorkSituation.SPRACHKURS}:
            tags.add("jobless")
        housing = d.housing_on(day)
        tags.add("private" if housing == HousingSituation.PRIVATER_MIETVERTRAG else "not_private")
        if housing in (HousingSituation.VORLAEUFIGE_UNTERBRINGUNG, HousingSituation.ANSCHLUSSUNTERBRINGUNG):
            tags.add("shelter")
        if housing == HousingSituation.ANSCHLUSSUNTERBRINGUNG:
            tags.add("follow_up")
        status = ""
        for record in d.members[0].residence:
            if record.valid_from <= day:
                status = record.status
        if status == ResidenceStatus.GESTATTUNG:
            tags.update({"asylum", "insecure"})
        elif status == ResidenceStatus.DULDUNG:
            tags.update({"duldung", "insecure"})
        else:
            tags.add("benefits")
            tags.add("jobcenter_private" if "private" in tags else "jobcenter_housing")
            if status == ResidenceStatus.AUFENTHALTSERLAUBNIS:
                tags.add("ukraine" if d.route == "ukraine" else "permit")
            elif status == ResidenceStatus.FIKTIONSBESCHEINIGUNG:
                tags.add("fiktion")
        children = self._children_on(d, day, 0, 17)
        if children:
            tags.add("children")
            if any(m.role == "partner" for m in adults):
                tags.add("two_parents")
        if self._children_on(d, day, 1, 5):
            tags.add("kita_child")
        if self._children_on(d, day, 6, 17):
            tags.add("school_child")
        if len([m for m in d.members if m.since <= day]) > 1:
            tags.add("household")
        if any(m.role == "grandparent" for m in d.members):
            tags.add("elder")
        women = [m for m in adults if m.person.gender == Gender.FEMALE]
        if women:
            tags.add("woman")
        if any(m.age_on(day) < 45 for m in women):
            tags.add("woman_young")
        if any(m.age_on(day) < 27 for m in adults):
            tags.add("young")
        return tags

    def _children_on(self, d: _Draft, day: datetime.date, low: int, high: int) -> list[_Member]:
        return [m for m in d.clients if m.since <= day and low <= m.age_on(day) <= high and m.born <= day]

    def _level_of(self, m: _Member, day: datetime.date) -> int:
        current = 0
        for when, level, _evidence, _course in m.lang_path:
            if when <= day:
                current = level
        return current

    def _work_on(self, m: _Member, day: datetime.date) -> str:
        current = ""
        for when, situation in m.work_path:
            if when <= day:
                current = situation
        return current

    def _fill(self, d: _Draft, day: datetime.date, text: str) -> str:
        adults = [m for m in d.adults() if m.since <= day] or d.adults() or d.clients
        workers = [m for m in adults if self._work_on(m, day) in EMPLOYED] or adults
        jobless = [
            m for m in adults if self._work_on(m, day) in (WorkSituation.ARBEITSUCHEND, WorkSituation.SPRACHKURS)
        ] or adults
        lowest = min(self._level_of(m, day) for m in adults)
        learners = [m for m in adults if self._level_of(m, day) == lowest]
        kita = self._children_on(d, day, 1, 5)
        school = self._children_on(d, day, 6, 17)
        elders = [m for m in d.members if m.role == "grandparent"]
        elder = "den Großvater" if elders and elders[0].person.gender == Gender.MALE else "die Großmutter"
        return text.format(
            name=self.rng.choice(adults).given,
            worker=self.rng.choice(workers).given,
            jobless=self.rng.choice(jobless).given,
            learner=self.rng.choice(learners).given,
            kita_child=self.rng.choice(kita).given if kita else "",
            school_child=self.rng.choice(school).given if school else "",
            elder=elder,
            muni=d.municipality.name,
        )

    def contact_weights(self, d: _Draft) -> dict[str, float]:
        weights = {f: w + 2.5 * d.goal_fields.count(f) for f, w in FIELD_WEIGHTS.items()}
        if not d.children():
            weights[FieldOfAction.BILDUNG] = 0.0
        return weights

    def _note(self, d: _Draft, day: datetime.date, weights: dict[str, float]) -> tuple[str, str]:
        """A field of action and a note that fit the household on ``day``."""
        tags = self.tags(d, day)
        for _ in range(8):
            field_ = self.weighted(weights)
            fitting = [text for text, tag in CONTACT_NOTES[field_] if tag in tags]
            if fitting:
                return field_, self._fill(d, day, self.rng.choice(fitting))
        return FALLBACK_NOTE

    def _task(self, d: _Draft, field_: str, day: datetime.date) -> str:
        tags = self.tags(d, day)
        fitting = [text for text, tag in FOLLOW_UPS[field_] if tag in tags]
        if not fitting:
            return "Fehlende Unterlagen nachreichen lassen"
        return self._fill(d, day, self.rng.choice(fitting))

    def draft_contacts(self, d: _Draft) -> None:
        active_days = sum((b - a).days + 1 for a, b in d.periods)
        if active_days < 45:
            count = 1 + active_days // 12
        else:
            count = round(active_days / 30.4 * self.rng.uniform(0.75, 1.3)) + 2
            count = max(5, min(40, count))
        if d.slot.nearing:
            count = max(count, self.rng.randint(34, 40))
        axis: list[datetime.date] = []
        for a, b in d.periods:
            axis.extend(a + datetime.timedelta(days=i) for i in range((b - a).days + 1))
        dates = {d.start}
        if d.end is not None:
            dates.add(d.end)
        if "follow_up" in d.flags:
            dates.add(max(d.start, self.today - self.days(1, 10)))
        milestones: dict[datetime.date, tuple[str, str]] = {}
        for when, field_, text in self._milestones(d):
            spot = next((day for day in axis if day >= when and (day - when).days <= 14), None)
            if spot is not None and spot != d.start and spot != d.end:
                milestones[spot] = (field_, text)
                dates.add(spot)
        while len(dates) < min(count, len(axis)):
            dates.add(axis[int(len(axis) * self.rng.random() ** 1.15)])
        d.contact_dates = sorted(dates)
        weights = self.contact_weights(d)
        interpreter_language = d.origin.interpreter_language(self.rng)
        relatives_speak = any(c.age_on(d.ref) >= 14 for c in d.children()) or any(m.role == "child" for m in d.adults())
        last_contact: Contact | None = None
        for index, day in enumerate(d.contact_dates):
            form: str
            if index == 0:
                form = self.weighted({ContactForm.OFFICE: 75, ContactForm.SHELTER: 25})
                minutes = self.rng.choice((60, 75, 90))
                fields: list[str] = [FieldOfAction.FAMILIE, FieldOfAction.FINANZEN]
                note = INTAKE_NOTE
            elif d.end is not None and day == d.end:
                form = self.weighted({ContactForm.OFFICE: 50, ContactForm.PHONE: 40, ContactForm.DIGITAL: 10})
                minutes = self.rng.choice(CONTACT_MINUTES[form])
                fields = [CLOSING_FIELDS.get(d.reason, FieldOfAction.FAMILIE)]
                note = "Abschluss: " + self.rng.choice(CLOSING_NOTES[d.reason])
            else:
                form = self.weighted(CONTACT_FORMS)
                if form == ContactForm.SHELTER and "shelter" not in self.tags(d, day):
                    form = ContactForm.HOME_VISIT
                minutes = self.rng.choice(CONTACT_MINUTES[form])
                field_, note = milestones[day] if day in milestones else self._note(d, day, weights)
                fields = [field_]
                for _ in range(self.weighted({0: 50, 1: 38, 2: 12})):
                    fields.append(self.weighted(weights))
            fields = list(dict.fromkeys(fields))
            level = d.level_on(day)
            need = {0: 0.62, 1: 0.5, 2: 0.3}.get(level, 0.06)
            if d.origin.country == "NG":
                need *= 0.25
            kind: str = InterpreterKind.NONE
            language = ""
            if form != ContactForm.DIGITAL and self.chance(need):
                kinds = dict(INTERPRETER_KINDS)
                if not relatives_speak:
                    kinds[InterpreterKind.RELATIVE] = 8
                kind = self.weighted(kinds)
                language = interpreter_language
                minutes = min(720, minutes + 15)
            contact = Contact(
                case=d.case,
                date=day,
                duration_minutes=minutes,
                form=form,
                fields_of_action=fields,
                interpreter_kind=kind,
                interpreter_language=language,
                note=note,
                created_by=d.user_at(day),
            )
            self.contacts.append(contact)
            last_contact = contact
            if self.chance(0.22) and not (d.end is not None and day == d.end):
                due = day + self.days(3, 28)
                self._add_follow_up(d, contact, self._task(d, fields[0], day), day, due)
        if "follow_up" in d.flags and last_contact is not None:
            open_tasks = {f.description for f in self.follow_ups[-40:] if f.case is d.case and f.done_on is None}
            for _ in range(self.weighted({1: 65, 2: 35})):
                due = max(self.today + self.days(-3, 7), last_contact.date + DAY)
                field_ = self.weighted(weights)
                task = self._task(d, field_, last_contact.date)
                if task in open_tasks:
                    continue
                open_tasks.add(task)
                self.follow_ups.append(FollowUp(case=d.case, contact=last_contact, description=task, due_date=due))
        if self.chance(0.3):
            due = d.start + self.days(30, max(31, (d.ref - d.start).days + 120))
            self._add_follow_up(d, None, "Wiedervorlage: Unterlagen und Fristen prüfen", d.start, due)
        self._referrals(d)

    def _milestones(self, d: _Draft) -> list[tuple[datetime.date, str, str]]:
        """Facts that make a contact of their own: decision, tenancy, family reunion, job, B1."""
        events: list[tuple[datetime.date, str, str]] = []
        if d.private_on is not None and d.private_on > d.start:
            town = d.municipality.name
            text = f"Mietvertrag für eine Wohnung in {town} unterschrieben; Ummeldung und Wohngeld besprochen."
            events.append((d.private_on, FieldOfAction.WOHNEN, text))
        if d.reunion_on is not None:
            text = "Familie ist nach Deutschland nachgezogen; Anmeldung und Schulplätze besprochen."
            events.append((d.reunion_on, FieldOfAction.FAMILIE, text))
        if d.decision_on is not None and d.decision_on > d.start:
            text = "Bescheid des BAMF eingegangen und erklärt; Rechtsmittelbelehrung und nächste Schritte besprochen."
            events.append((d.decision_on, FieldOfAction.AUFENTHALT, text))
        for m in d.adults()[:2]:
            for when, situation in m.work_path[1:]:
                if situation == WorkSituation.BESCHAEFTIGT_SVP:
                    text = f"{m.given} hat einen Arbeitsvertrag unterschrieben; Mitteilung an das Jobcenter erstellt."
                    events.append((when, FieldOfAction.ARBEIT, text))
                elif situation == WorkSituation.AUSBILDUNG:
                    text = f"{m.given} hat die Ausbildung begonnen; Berufsausbildungsbeihilfe beantragt."
                    events.append((when, FieldOfAction.ARBEIT, text))
            for when, level, evidence, _course in m.lang_path[1:]:
                if level == 3 and evidence == LanguageEvidence.CERTIFICATE:
                    events.append((when, FieldOfAction.SPRACHE, f"{m.given} hat den DTZ mit B1 bestanden."))
        return events

    def _add_follow_up(
        self, d: _Draft, contact: Contact | None, description: str, since: datetime.date, due: datetime.date
    ) -> None:
        """Tasks due before the worklist's horizon are done, except the ones chosen for the worklist."""
        today = self.today
        horizon = today + datetime.timedelta(days=7)
        done_on: datetime.date | None = None
        if d.end is not None or d.status != CaseStatus.ACTIVE or due <= horizon:
            done_on = min(max(due + self.days(-5, 5), since), d.record_end, today)
        elif self.chance(0.15):
            done_on = self.between(since, today)
        self.follow_ups.append(
            FollowUp(case=d.case, contact=contact, description=description, due_date=due, done_on=done_on)
        )

    def _referrals(self, d: _Draft) -> None:
        months = (d.record_end - d.start).days / 30.4
        count = min(5, int(months / 7) + self.rng.randint(0, 1))
        if not d.contact_dates:
            return
        weights = {f: 1.0 + 2 * d.goal_fields.count(f) for f in REFERRALS}
        for _ in range(count):
            day = self.rng.choice(d.contact_dates)
            tags = self.tags(d, day)
            fitting = [
                (field_, to_whom, topic)
                for field_ in [self.weighted(weights) for _ in range(3)]
                for to_whom, topic, tag in REFERRALS[field_]
                if tag in tags
            ]
            if not fitting:
                continue
            field_, to_whom, topic = self.rng.choice(fitting)
            outcome: str = ReferralOutcome.OPEN
            if (self.today - day).days >= 21 or not d.open:
                outcome = self.weighted(REFERRAL_OUTCOMES)
            self.referrals.append(
                Referral(
                    case=d.case,
                    date=day,
                    to_whom=to_whom,
                    field_of_action=field_,
                    topic=topic,
                    outcome=outcome,
                    outcome_note=self.rng.choice(REFERRAL_OUTCOME_NOTES[outcome]),
                    created_by=d.user_at(day),
                )
            )

    # Step 7: consent and handovers

    def draft_consents(self, d: _Draft) -> None:
        head = d.members[0]
        self.consents.append(
            Consent(
                case=d.case,
                person=head.person,
                purpose=ConsentPurpose.PROCESSING,
                given_on=d.start,
                note="Einwilligungserklärung mit Dolmetschung erläutert." if self.chance(0.4) else "",
                recorded_by=d.user_at(d.start),
            )
        )
        for m in d.adults():
            if m is not head and self.chance(0.7):
                given = max(m.since, d.start)
                self.consents.append(
                    Consent(
                        case=d.case,
                        person=m.person,
                        purpose=ConsentPurpose.PROCESSING,
                        given_on=given,
                        recorded_by=d.user_at(given),
                    )
                )
        dates = d.contact_dates or [d.start]
        if self.chance(0.3):
            given = self.rng.choice(dates)
            withdrawn = None
            if self.chance(0.06) and given < d.ref - datetime.timedelta(days=30):
                withdrawn = self.between(given + datetime.timedelta(days=30), d.ref)
            self.consents.append(
                Consent(
                    case=d.case,
                    person=head.person,
                    purpose=ConsentPurpose.CONFIDENTIALITY,
                    recipient_name=self.rng.choice(
                        [name for name, tag in CONFIDENTIALITY_RECIPIENTS if tag in self.tags(d, given)]
                    ),
                    given_on=given,
                    withdrawn_on=withdrawn,
                    recorded_by=d.user_at(given),
                )
            )
        city = self.organisations.get("stadt-lb")
        if city is not None and d.municipality.name == "Ludwigsburg" and self.chance(0.2):
            given = self.rng.choice(dates)
            withdrawn = None
            if self.chance(0.15) and given < d.ref - datetime.timedelta(days=30):
                withdrawn = self.between(given + datetime.timedelta(days=30), d.ref)
            self.consents.append(
                Consent(
                    case=d.case,
                    person=head.person,
                    purpose=ConsentPurpose.SHARING,
                    recipient_organisation=city,
                    given_on=given,
                    withdrawn_on=withdrawn,
                    note="Für die Wohnraumvermittlung der Stadt.",
                    recorded_by=d.user_at(given),
                )
            )
        self._handover(d)

    def _subject(self, d: _Draft) -> str:
        head = d.members[0].person
        if len(d.clients) > 1:
            return f"Familie {head.family_name}"
        return f"{'Herr' if head.gender == Gender.MALE else 'Frau'} {head.family_name}"

    def _moment(self, day: datetime.date) -> datetime.datetime:
        clock = datetime.time(self.rng.randint(8, 16), self.rng.choice((0, 10, 20, 30, 40, 50)))
        return timezone.make_aware(datetime.datetime.combine(day, clock))

    def _handover(self, d: _Draft) -> None:
        slot, head = d.slot, d.members[0]
        if slot.handover == "accepted" and slot.previous is not None and d.handover_on is not None:
            requested = d.handover_on - self.days(2, 10)
            given = requested - self.days(0, 14)
            consent = Consent(
                case=d.case,
                person=head.person,
                purpose=ConsentPurpose.SHARING,
                recipient_organisation=slot.owner.organisation,
                given_on=given,
                note="Für die Übergabe nach dem Umzug.",
                recorded_by=slot.previous,
            )
            self.consents.append(consent)
            handover = Handover(
                case=d.case,
                from_organisation=slot.previous.organisation,
                to_organisation=slot.owner.organisation,
                consent=consent,
                status=HandoverStatus.ACCEPTED,
                note=f"{self._subject(d)} ist nach {d.municipality.name} gezogen. Wir bitten um Übernahme.",
                requested_by=slot.previous,
                decided_by=slot.owner,
                decided_at=self._moment(d.handover_on),
            )
            self.handovers.append((handover, self._moment(requested)))
        elif slot.handover in ("pending", "declined") and slot.handover_to is not None:
            receiver = slot.handover_to
            if slot.handover == "pending":
                given = self.today - self.days(4, 10)
                requested = given + self.days(0, 2)
            else:
                requested = self.between(
                    d.start + datetime.timedelta(days=60), self.today - datetime.timedelta(days=60)
                )
                given = requested - self.days(0, 7)
            withdrawn = requested + self.days(5, 20) if slot.handover == "declined" else None
            consent = Consent(
                case=d.case,
                person=head.person,
                purpose=ConsentPurpose.SHARING,
                recipient_organisation=receiver,
                given_on=given,
                withdrawn_on=withdrawn,
                note="Für die Übergabe an den neuen Wohnort." if slot.handover == "pending" else "",
                recorded_by=slot.owner,
            )
            self.consents.append(consent)
            target_users = [u for u in self.users.values() if u.organisation_id == receiver.pk]
            if slot.handover == "pending":
                town = self.municipality_in(receiver.short_name)
                moving = _add_months(self.today, 1).replace(day=1)
                note = (
                    f"{self._subject(d)} zieht zum {moving:%d.%m.%Y} nach {town.name}. "
                    "Wir bitten um Übernahme; die Unterlagen sind vollständig."
                )
                handover = Handover(
                    case=d.case,
                    from_organisation=slot.owner.organisation,
                    to_organisation=receiver,
                    consent=consent,
                    status=HandoverStatus.REQUESTED,
                    note=note,
                    requested_by=slot.owner,
                )
            else:
                handover = Handover(
                    case=d.case,
                    from_organisation=slot.owner.organisation,
                    to_organisation=receiver,
                    consent=consent,
                    status=HandoverStatus.DECLINED,
                    note=f"{self._subject(d)} überlegt, in den Raum Marbach zu ziehen.",
                    requested_by=slot.owner,
                    decided_by=target_users[0] if target_users else None,
                    decided_at=self._moment(requested + self.days(1, 4)),
                    decision_note=DECLINE_NOTE,
                )
            self.handovers.append((handover, self._moment(requested)))

    # Everything together

    def build(self) -> None:
        for slot in self.slots():
            self.drafts.append(self.draft_case(slot))
        self.assign_private_housing()
        for draft in self.drafts:
            self._housing_history(draft)
        self.choose_flags()
        self.assign_language_and_work()
        for draft in self.drafts:
            self.draft_records(draft)
            self.draft_plans(draft)
            self.draft_contacts(draft)
            self.draft_consents(draft)

    def write(self, finder: ActorFinder | None) -> None:
        """Create every drafted record through the services a caseworker uses, case by case."""
        plans: dict[int, list[IntegrationPlan]] = defaultdict(list)
        goals: dict[int, list[Goal]] = defaultdict(list)
        steps: dict[int, list[Step]] = defaultdict(list)
        contacts: dict[int, list[Contact]] = defaultdict(list)
        follow_ups: dict[int, list[FollowUp]] = defaultdict(list)
        free_follow_ups: dict[int, list[FollowUp]] = defaultdict(list)
        referrals: dict[int, list[Referral]] = defaultdict(list)
        consents: dict[int, list[Consent]] = defaultdict(list)
        handovers: dict[int, list[Handover]] = defaultdict(list)
        records: dict[int, list[tuple[str, StatusRecord]]] = defaultdict(list)
        for plan in self.plans:
            plans[id(plan.case)].append(plan)
        for goal in self.goals:
            goals[id(goal.plan)].append(goal)
        for step in self.steps:
            steps[id(step.goal)].append(step)
        for contact in self.contacts:
            contacts[id(contact.case)].append(contact)
        for follow_up in self.follow_ups:
            if follow_up.contact is not None:
                follow_ups[id(follow_up.contact)].append(follow_up)
            else:
                free_follow_ups[id(follow_up.case)].append(follow_up)
        for referral in self.referrals:
            referrals[id(referral.case)].append(referral)
        for consent in self.consents:
            consents[id(consent.case)].append(consent)
        for handover, _requested_at in self.handovers:
            handovers[id(handover.case)].append(handover)
        for kind, rows in (
            ("residence", self.residence),
            ("language", self.language),
            ("work", self.work),
            ("housing", self.housing),
        ):
            for record in rows:
                records[id(record.person)].append((kind, record))
        workbooks = _Workbooks(self.today)
        for index, d in enumerate(self.drafts):
            workbooks.add(index, d, contacts[id(d.case)], [r for m in d.members for r in records[id(m.person)]])
        cases, persons = workbooks.import_all()
        for index, d in enumerate(self.drafts):
            key = id(d.case)
            writer = _CaseWriter(self, d, finder, cases[index], persons)
            writer.write(
                plans=[(plan, [(g, steps[id(g)]) for g in goals[id(plan)]]) for plan in plans[key]],
                follow_ups=[f for c in contacts[key] for f in follow_ups[id(c)]] + free_follow_ups[key],
                referrals=referrals[key],
                consents=consents[key],
                handovers=handovers[key],
                later=[(m, records[id(m.person)]) for m in d.members if m.since > d.start],
            )


def _day(value: datetime.date | None) -> str:
    return "" if value is None else f"{value:%d.%m.%Y}"


def _birth(person: Person) -> str:
    if person.birth_date is None:
        return ""
    if person.birth_date_precision == BirthDatePrecision.YEAR:
        return f"{person.birth_date:%Y}"
    if person.birth_date_precision == BirthDatePrecision.MONTH:
        return f"{person.birth_date:%m.%Y}"
    return _day(person.birth_date)


class _Workbooks:
    """The drafted households, persons, cases, status records and contacts as Lotse workbooks (CSV files).

    One workbook per organisation that opened cases, imported through the casework importer as an
    organisation administrator would upload it (lotse.imports; docs/import-format.md). The cases are
    imported open: their later history (plans, referrals, pauses, closing) goes through the services.
    """

    SHEETS: dict[str, tuple[str, ...]] = {
        "Personen": (
            "Personen-ID",
            "Haushalts-ID",
            "Familienname",
            "Vorname",
            "Geburtsdatum",
            "Geschlecht",
            "Staatsangehörigkeit",
            "Sprachen",
            "Gemeinde",
        ),
        "Fälle": (
            "Fall-ID",
            "Haushalts-ID",
            "Träger",
            "Gemeinde",
            "Beginn",
            "Ende",
            "Abschlussgrund",
            "Fallverantwortung",
        ),
        "Aufenthalt": ("Personen-ID", "gültig ab", "Status", "Rechtsgrundlage", "gültig bis"),
        "Sprachstand": ("Personen-ID", "Datum", "Niveau", "Nachweis"),
        "Erwerb": ("Personen-ID", "gültig ab", "Situation"),
        "Wohnen": ("Personen-ID", "gültig ab", "Situation", "Gemeinde"),
        "Kontakte": ("Fall-ID", "Datum", "Dauer (Minuten)", "Form", "Themen", "Dolmetschung", "Notiz"),
    }
    RECORD_SHEETS: dict[str, str] = {
        "residence": "Aufenthalt",
        "language": "Sprachstand",
        "work": "Erwerb",
        "housing": "Wohnen",
    }

    def __init__(self, today: datetime.date) -> None:
        self.today = today
        self.rows: dict[Organisation, dict[str, list[list[str]]]] = {}
        self.case_ids: dict[int, tuple[Organisation, str]] = {}
        self.person_ids: dict[int, tuple[Organisation, str]] = {}

    def add(self, index: int, d: _Draft, contacts: list[Contact], records: list[tuple[str, StatusRecord]]) -> None:
        first = d.user_at(d.start)
        organisation = first.organisation
        sheets = self.rows.setdefault(organisation, {name: [] for name in self.SHEETS})
        case_id = household_id = f"DEMO-F{index:04d}"
        self.case_ids[index] = (organisation, case_id)
        own_ids: dict[int, str] = {}
        for position, member in enumerate(d.members):
            if member.since > d.start:
                continue  # joins the household later: through the services, on that day (the workbook has no date)
            person = member.person
            person_id = f"DEMO-P{index:04d}-{position}"
            own_ids[id(person)] = person_id
            self.person_ids[id(person)] = (organisation, person_id)
            sheets["Personen"].append(
                [
                    person_id,
                    household_id,
                    person.family_name,
                    person.given_names,
                    _birth(person),
                    person.gender,
                    ",".join(person.nationalities),
                    ",".join(person.languages),
                    "",
                ]
            )
        sheets["Fälle"].append(
            [case_id, household_id, organisation.short_name, d.municipality.ags, _day(d.start), "", "", first.username]
        )
        for kind, record in records:
            if id(record.person) not in own_ids:
                continue
            person_id = own_ids[id(record.person)]
            if isinstance(record, ResidenceRecord):
                row = [_day(record.valid_from), record.status, record.legal_basis, _day(record.valid_until)]
            elif isinstance(record, LanguageRecord):
                row = [_day(record.valid_from), record.level, record.evidence]
            elif isinstance(record, WorkRecord):
                row = [_day(record.valid_from), record.situation]
            else:
                assert isinstance(record, HousingRecord)
                town = record.municipality.ags if record.municipality is not None else ""
                row = [_day(record.valid_from), record.situation, town]
            sheets[self.RECORD_SHEETS[kind]].append([person_id, *row])
        for contact in contacts:
            sheets["Kontakte"].append(
                [
                    case_id,
                    _day(contact.date),
                    str(contact.duration_minutes),
                    contact.form,
                    ",".join(contact.fields_of_action),
                    contact.interpreter_language,
                    contact.note,
                ]
            )

    def sources(self, sheets: dict[str, list[list[str]]]) -> list[Source]:
        sources = []
        for name, header in self.SHEETS.items():
            buffer = io.StringIO()
            writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
            writer.writerow(header)
            writer.writerows(sheets[name])
            sources.append(Source(f"{name}.csv", io.BytesIO(buffer.getvalue().encode())))
        return sources

    def import_all(self) -> tuple[dict[int, Case], dict[int, Person]]:
        for organisation, sheets in self.rows.items():
            with recorded():
                report = import_workbook(
                    self.sources(sheets), organisation=organisation, acting_user=None, commit=True, today=self.today
                )
            if not report.committed:
                raise ValidationError(
                    f"The demo workbook of {organisation.short_name} does not import: {report.problems[:5]!r}"
                )
        cases = {
            (c.organisation_id, c.external_id): c
            for c in Case.objects.filter(external_id__startswith="DEMO-F").select_related("organisation")
        }
        persons = {
            (p.organisation_id, p.external_id): p for p in Person.objects.filter(external_id__startswith="DEMO-P")
        }
        return (
            {index: cases[(org.pk, ext)] for index, (org, ext) in self.case_ids.items()},
            {key: persons[(org.pk, ext)] for key, (org, ext) in self.person_ids.items()},
        )


# One in this many open follow-up tasks of the demo was postponed (chosen by its case and text, not drawn, so the
# rest of the demo stays as it was).
POSTPONED_EVERY = 6


class _CaseWriter:
    """One drafted case written in date order through the services, by the caseworker in charge on each day."""

    def __init__(
        self, builder: _Builder, draft: _Draft, finder: ActorFinder | None, case: Case, persons: dict[int, Person]
    ) -> None:
        self.builder, self.d, self.finder = builder, draft, finder
        self.persons = persons
        self.consents: dict[int, Consent] = {}
        self.case = case

    def user(self, day: datetime.date) -> User:
        return self.d.user_at(day)

    def write(
        self,
        *,
        plans: list[tuple[IntegrationPlan, list[tuple[Goal, list[Step]]]]],
        follow_ups: list[FollowUp],
        referrals: list[Referral],
        consents: list[Consent],
        handovers: list[Handover],
        later: list[tuple[_Member, list[tuple[str, StatusRecord]]]],
    ) -> None:
        d = self.d
        events: list[tuple[datetime.date, int, Callable[[], None]]] = [(d.start, 0, self.household)]
        for member, member_records in later:
            events.append((member.since, 0, functools.partial(self.add_member, member, member_records)))
        for plan, plan_goals in plans:
            events.append((plan.agreed_on, 1, functools.partial(self.plan_version, plan, plan_goals)))
        for follow_up in follow_ups:
            events.append((d.start, 3, functools.partial(self.follow_up, follow_up)))
        for referral in referrals:
            events.append((referral.date, 2, functools.partial(self.referral, referral)))
        for consent in consents:
            events.append((consent.given_on, 1, functools.partial(self.consent, consent)))
            if consent.withdrawn_on is not None:
                events.append((consent.withdrawn_on, 4, functools.partial(self.withdraw, consent)))
        for handover in handovers:
            requested = handover.consent.given_on
            events.append((requested, 2, functools.partial(self.request_handover, handover)))
            if handover.status == HandoverStatus.ACCEPTED and d.handover_on is not None:
                events.append((d.handover_on, -1, functools.partial(self.accept_handover, handover)))
            elif handover.status == HandoverStatus.DECLINED:
                events.append((requested, 3, functools.partial(self.decline_handover, handover)))
        for from_status, to_status, on, reason, note in d.changes:
            if from_status:  # the first change, to active, comes with the import of the case
                events.append((on, 5, functools.partial(self.change_status, to_status, on, reason, note)))
        members = [id(m.person) for m in d.members]
        ordered = sorted(events, key=lambda e: (e[0], e[1]))
        # First all steps of the case under one savepoint (the services refuse hardly any step of the demo).
        # Should one be refused, that savepoint undoes the case, and the steps are taken again one by one, each
        # under a savepoint of its own, leaving out the refused ones: the same records either way.
        persons = {key: self.persons.get(key) for key in members}
        noted_consents, case = dict(self.consents), self.case
        try:
            with one_savepoint_per_step():
                for _day, _order, event in ordered:
                    with recorded():
                        event()
            return
        except ValidationError:
            for key, person in persons.items():
                if person is None:
                    self.persons.pop(key, None)
                else:
                    person.refresh_from_db()  # the undone steps may have changed it in memory
                    self.persons[key] = person
            self.consents, self.case = noted_consents, case
            case.refresh_from_db()
        for _day, _order, event in ordered:
            # What the step may note in memory; a refused step's records are undone, so are these notes.
            persons = {key: self.persons.get(key) for key in members}
            noted_consents, case = dict(self.consents), self.case
            try:
                with one_savepoint_per_step(), recorded():
                    event()
            except ValidationError as error:
                # The services refuse it, so the demo leaves it out (and counts what it left out).
                self.builder.refused[getattr(error, "code", None) or "invalid"] += 1
                logger.debug("Refused for case %s on %s: %s", self.case.pk, _day, error)
                for key, person in persons.items():
                    if person is None:
                        self.persons.pop(key, None)
                    else:
                        self.persons[key] = person
                self.consents, self.case = noted_consents, case

    def household(self) -> None:
        """Who is who in the household, who is no client, who moved out (the workbook knows none of it)."""
        d = self.d
        user = self.user(d.start)
        memberships = {
            m.person_id: m
            for m in HouseholdMembership.objects.filter(household_id=self.case.household_id).select_related("household")
        }
        for member in d.members:
            if member.since > d.start:
                continue  # see add_member
            person = self.persons[id(member.person)]
            membership = memberships.get(person.pk)
            if membership is not None and membership.relationship != member.relationship:
                people_services.set_relationship(
                    acting_user=user, membership=membership, relationship=member.relationship
                )
            extra = {name: getattr(member.person, name) for name in EXTRA_PERSON_FIELDS}
            if any(extra.values()):
                people_services.update_person(acting_user=user, person=person, expected_version=person.version, **extra)
            if member.role.startswith("moved:"):
                on = datetime.date.fromisoformat(member.role.split(":", 1)[1])
                case_services.move_to_new_household(acting_user=user, case=self.case, person=person, since=on)
            elif not member.is_client:
                case_services.set_client(acting_user=user, case=self.case, person=person, is_client=False)

    def add_member(self, member: _Member, records: list[tuple[str, StatusRecord]]) -> None:
        """Someone joins the household (a family reunion, a birth), with the facts known of them."""
        user = self.user(member.since)
        moved = member.role.startswith("moved:")
        fields = {name: getattr(member.person, name) for name in PERSON_FIELDS if name != "municipality"}
        person = case_services.add_household_member(
            acting_user=user,
            case=self.case,
            relationship=member.relationship,
            since=member.since,
            is_client=member.is_client and not moved,
            person_fields=fields,
        )
        self.persons[id(member.person)] = person
        for kind, record in records:
            people_services.add_status_record(
                acting_user=user,
                person=person,
                kind=kind,
                **{name: getattr(record, name) for name in STATUS_FIELDS[kind]},
            )
        if moved:
            on = datetime.date.fromisoformat(member.role.split(":", 1)[1])
            case_services.move_to_new_household(acting_user=user, case=self.case, person=person, since=on)

    def plan_version(self, draft: IntegrationPlan, plan_goals: list[tuple[Goal, list[Step]]]) -> None:
        user = self.user(draft.agreed_on)
        plan = case_services.create_plan_version(
            acting_user=user, case=self.case, agreed_on=draft.agreed_on, review_on=draft.review_on, notes=draft.notes
        )
        in_order = Prefetch("steps", queryset=Step.objects.order_by("position"))
        # The first version starts empty (create_plan_version copies the goals of a previous one only).
        copied = list(plan.goals.order_by("position").prefetch_related(in_order)) if plan.number > 1 else []
        clients: set[int] | None = None  # the case's clients, asked once, when a new goal names members
        new_goals: list[case_services.NewGoal] = []
        for index, (goal_draft, step_drafts) in enumerate(plan_goals):
            if index < len(copied):
                goal = copied[index]
                values = ("field_of_action", "title", "due_date", "review_date", "status")
                if any(getattr(goal, name) != getattr(goal_draft, name) for name in values):
                    case_services.update_goal(
                        acting_user=user,
                        goal=goal,
                        expected_version=goal.version,
                        **{name: getattr(goal_draft, name) for name in values},
                    )
                for step, step_draft in zip(goal.steps.all(), step_drafts, strict=False):
                    if step.done != step_draft.done:
                        case_services.set_step_done(acting_user=user, step=step, done=step_draft.done)
                continue
            members = [
                person
                for member in self.builder.goal_members.get(id(goal_draft), [])
                if (person := self.persons.get(id(member.person))) is not None
            ]
            if members and clients is None:
                clients = set(CaseClient.objects.filter(case=self.case).values_list("person_id", flat=True))
            new_goals.append(
                case_services.NewGoal(
                    field_of_action=goal_draft.field_of_action,
                    title=goal_draft.title,
                    due_date=goal_draft.due_date,
                    review_date=goal_draft.review_date,
                    status=goal_draft.status,
                    members=[person for person in members if clients is not None and person.pk in clients],
                    steps=[
                        case_services.NewStep(s.description, s.responsible, s.responsible_name, s.due_date, s.done)
                        for s in step_drafts
                    ],
                )
            )
        if new_goals:
            # The goals agreed for this version, as the plan's form takes them: in one step.
            case_services.add_goals(acting_user=user, plan=plan, goals=new_goals)

    def follow_up(self, draft: FollowUp) -> None:
        user = self.user(self.d.start)  # written when the case opened (see write)
        follow_up = case_services.add_follow_up(
            acting_user=user, case=self.case, description=draft.description, due_date=draft.due_date
        )
        if draft.done_on is not None:
            case_services.complete_follow_up(acting_user=user, follow_up=follow_up, on=draft.done_on)
        elif zlib.crc32(f"{self.case.external_id} {draft.description}".encode()) % POSTPONED_EVERY == 0:
            # Some open tasks were put off by two weeks (the history shows the first due date).
            later = max(draft.due_date, self.builder.today) + datetime.timedelta(days=14)
            if later >= timezone.localdate():
                case_services.postpone_follow_up(
                    acting_user=user, follow_up=follow_up, expected_version=follow_up.version, due_date=later
                )

    def referral(self, draft: Referral) -> None:
        user = self.user(draft.date)
        actor = self.finder.find(draft.to_whom, self.d.municipality.pk) if self.finder is not None else None
        referral = case_services.add_referral(
            acting_user=user,
            case=self.case,
            date=draft.date,
            to_whom=draft.to_whom,
            field_of_action=draft.field_of_action,
            topic=draft.topic,
            network_actor=actor,
        )
        if draft.outcome != ReferralOutcome.OPEN or draft.outcome_note:
            case_services.set_referral_outcome(
                acting_user=user,
                referral=referral,
                expected_version=referral.version,
                outcome=draft.outcome,
                outcome_note=draft.outcome_note,
            )

    def consent(self, draft: Consent) -> None:
        user = draft.recorded_by or self.user(draft.given_on)
        self.consents[id(draft)] = case_services.record_consent(
            acting_user=user,
            case=self.case,
            person=self.persons[id(draft.person)],
            purpose=draft.purpose,
            given_on=draft.given_on,
            recipient_organisation=draft.recipient_organisation,
            recipient_name=draft.recipient_name,
            note=draft.note,
        )

    def withdraw(self, draft: Consent) -> None:
        consent = self.consents[id(draft)]
        user = self.user(draft.withdrawn_on or draft.given_on)
        if self.case.organisation_id != consent.case.organisation_id:
            consent.case = self.case
        case_services.withdraw_consent(acting_user=user, consent=consent, on=draft.withdrawn_on)

    def request_handover(self, draft: Handover) -> None:
        self.handover = case_services.request_handover(
            acting_user=draft.requested_by or self.user(draft.consent.given_on),
            case=self.case,
            to_organisation=draft.to_organisation,
            note=draft.note,
        )

    def accept_handover(self, draft: Handover) -> None:
        owner = self.d.slot.owner
        self.case = case_services.accept_handover(acting_user=owner, handover=self.handover, responsible=owner)
        for member in self.d.members:  # the household moved to the receiving organisation
            if (person := self.persons.get(id(member.person))) is not None:
                person.refresh_from_db()

    def decline_handover(self, draft: Handover) -> None:
        case_services.decline_handover(
            acting_user=draft.decided_by, handover=self.handover, reason=draft.decision_note or DECLINE_NOTE
        )

    def change_status(self, to_status: str, on: datetime.date, reason: str, note: str) -> None:
        self.case.refresh_from_db()
        self.case = case_services.change_status(
            acting_user=self.user(on),
            case=self.case,
            expected_version=self.case.version,
            to_status=to_status,
            on=on,
            closing_reason=reason,
            note=note,
        )


def load_demo_cases(*, today: datetime.date, seed: int = 2026, link_actors: bool = True) -> dict[str, int]:
    """Fill the demo county with casework; does nothing once its organisations have cases.

    The demo organisations, municipalities and users must exist (load_demo_data
    creates them first); with ``link_actors`` the referrals name the actors of the
    network directory (load it first). Returns how many rows of each kind were created.
    """
    shorts = _casework_organisations()
    organisations = {o.short_name: o for o in Organisation.objects.filter(short_name__in=[*shorts, "stadt-lb"])}
    casework = [organisations[s] for s in shorts if s in organisations]
    if not casework or Case.objects.filter(organisation__in=casework).exists():
        return dict.fromkeys(COUNT_KEYS, 0)
    usernames = [u[0] for u in data.USERS]
    users = {
        u.username: u
        for u in User.objects.filter(username__in=usernames, is_active=True).select_related("organisation")
        if u.has_role(Role.INTEGRATIONSMANAGEMENT) and u.organisation_id in {o.pk for o in casework}
    }
    names = {name for _ags, name in MUNICIPALITIES}
    municipalities = {m.name: m for m in Municipality.objects.filter(name__in=names)}
    if not users or not municipalities:
        return dict.fromkeys(COUNT_KEYS, 0)
    builder = _Builder(today=today, seed=seed, organisations=organisations, users=users, municipalities=municipalities)
    builder.build()
    before = _counts(casework)
    with transaction.atomic():
        builder.write(ActorFinder() if link_actors else None)
        with recorded():
            _substitution(organisations, users, today)
        _asylum_procedures(casework, users, today)
    data.analyze_written_tables(*COUNTED_MODELS)
    after = _counts(casework)
    counts = {key: after[key] - before[key] for key in COUNT_KEYS}
    counts["refused"] = sum(builder.refused.values())
    logger.info("Demo casework: the services refused %s", dict(builder.refused))
    return counts


# How many clients whose residence began pending asylum get the stages of their asylum procedure.
ASYLUM_EXAMPLES = 12
DECISIONS = (
    AsylumOutcome.FLUECHTLINGSSCHUTZ,
    AsylumOutcome.SUBSIDIAERER_SCHUTZ,
    AsylumOutcome.ABSCHIEBUNGSVERBOT,
    AsylumOutcome.ABLEHNUNG,
)


def _asylum_procedures(organisations: list[Organisation], users: dict[str, User], today: datetime.date) -> None:
    """A few clients' asylum procedures (those whose residence began with a permission to reside pending asylum),
    recorded by the case's caseworker."""
    active = {user.pk: user for user in users.values()}
    responsible: dict[int, User | None] = {}
    clients = CaseClient.objects.filter(case__organisation__in=organisations).order_by("pk")
    for person_id, user_id in clients.values_list("person_id", "case__responsible_id"):
        responsible.setdefault(person_id, active.get(user_id or 0))
    persons = {pk: (person, responsible[pk]) for pk, person in Person.objects.in_bulk(list(responsible)).items()}
    pending = (
        ResidenceRecord.objects.filter(person_id__in=list(persons), status=ResidenceStatus.GESTATTUNG)
        .order_by("person_id", "valid_from")
        .distinct("person_id")
    )
    for index, residence in enumerate(list(pending)[:ASYLUM_EXAMPLES]):
        person, user = persons[residence.person_id]
        start = residence.valid_from
        stages = [(start, AsylumStage.ANTRAG, "")]
        if start + datetime.timedelta(days=70) <= today:
            stages.append((start + datetime.timedelta(days=70), AsylumStage.ANHOERUNG, ""))
        if index % 2 == 0 and start + datetime.timedelta(days=210) <= today:
            stages.append((start + datetime.timedelta(days=210), AsylumStage.BESCHEID, DECISIONS[index // 2 % 4]))
        for day, stage, outcome in stages:
            with recorded():
                people_services.add_status_record(
                    acting_user=user,
                    person=person,
                    kind="asylum",
                    valid_from=day,
                    stage=stage,
                    outcome=outcome,
                    bamf_file_number=f"{8104000 + 37 * index}-438",
                    immigration_office_file_number=f"ABH-LB {start.year}/{310 + index}",
                )


def _substitution(organisations: dict[str, Organisation], users: dict[str, User], today: datetime.date) -> None:
    """The team lead of the Caritas has Miriam Haddad substitute for her colleague Jonas Weber on leave."""
    absent, substitute = users.get("integration2"), users.get("integration")
    if absent is None or substitute is None or "caritas-lb" not in organisations:
        return
    case_services.create_substitution(
        acting_user=None,
        organisation=organisations["caritas-lb"],
        absent=absent,
        substitute=substitute,
        starts_on=today - datetime.timedelta(days=2),
        ends_on=today + datetime.timedelta(days=12),
    )


COUNTED_MODELS = (
    Household,
    Person,
    HouseholdMembership,
    Case,
    CaseClient,
    CaseStatusChange,
    IntegrationPlan,
    Goal,
    Step,
    Contact,
    FollowUp,
    Referral,
    Consent,
    Handover,
    ResidenceRecord,
    LanguageRecord,
    WorkRecord,
    HousingRecord,
)


def _counts(organisations: list[Organisation]) -> dict[str, int]:
    cases = Case.objects.filter(organisation__in=organisations)
    persons = Person.objects.filter(organisation__in=organisations)
    return {
        "households": Household.objects.filter(organisation__in=organisations).count(),
        "persons": persons.count(),
        "memberships": HouseholdMembership.objects.filter(person__in=persons).count(),
        "cases": cases.count(),
        "closed_cases": cases.filter(status=CaseStatus.CLOSED).count(),
        "case_clients": CaseClient.objects.filter(case__in=cases).count(),
        "status_changes": CaseStatusChange.objects.filter(case__in=cases).count(),
        "plans": IntegrationPlan.objects.filter(case__in=cases).count(),
        "goals": Goal.objects.filter(plan__case__in=cases).count(),
        "steps": Step.objects.filter(goal__plan__case__in=cases).count(),
        "contacts": Contact.objects.filter(case__in=cases).count(),
        "follow_ups": FollowUp.objects.filter(case__in=cases).count(),
        "referrals": Referral.objects.filter(case__in=cases).count(),
        "consents": Consent.objects.filter(case__in=cases).count(),
        "handovers": Handover.objects.filter(case__in=cases).count(),
        "residence_records": ResidenceRecord.objects.filter(person__in=persons).count(),
        "language_records": LanguageRecord.objects.filter(person__in=persons).count(),
        "work_records": WorkRecord.objects.filter(person__in=persons).count(),
        "housing_records": HousingRecord.objects.filter(person__in=persons).count(),
    }
