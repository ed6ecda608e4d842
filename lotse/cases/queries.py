"""Read-side queries of casework: name search, current facts, the worklist.

Each runs a fixed number of SQL queries whatever the number of records, so
lists stay fast as an organisation's caseload grows.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.postgres.search import TrigramWordSimilarity
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Concat, Greatest

from lotse.accommodation.choices import MoveOutReason
from lotse.accommodation.models import Occupancy
from lotse.cases.choices import GOAL_STATUS_PENDING, CaseStatus, HandoverStatus
from lotse.cases.models import Case, CaseClient, Contact, FollowUp, Goal, Handover, IntegrationPlan, add_years
from lotse.core.models import User
from lotse.people.models import Person, ResidenceRecord, casework_organisation_id
from lotse.people.search import fold, plain

# Trigram word similarity above which a name counts as a match. Transliteration
# variants reach it on the folded text ("Mohammed" / "Muhammad" fold alike).
NAME_MATCH_THRESHOLD = 0.45


def persons_matching(text: str) -> QuerySet[Person]:
    """Persons whose names or aliases resemble ``text``, best match first (``name_score``)."""
    query, folded = plain(text), fold(text)
    if not query:
        return Person.objects.none()
    return (
        Person.objects.annotate(
            name_score=Greatest(
                TrigramWordSimilarity(query, "search_text"),
                TrigramWordSimilarity(folded, "search_key") - 0.05,
            )
        )
        .filter(Q(name_score__gte=NAME_MATCH_THRESHOLD) | Q(search_text__contains=query))
        .order_by("-name_score")
    )


def filter_cases_by_name(cases: QuerySet[Case], text: str) -> QuerySet[Case]:
    """Cases with a client whose name resembles ``text``, ranked by the best match."""
    if not plain(text):
        return cases.none()
    matches = persons_matching(text).filter(client_of__case=OuterRef("pk"))
    best = Subquery(matches.values("name_score")[:1])  # type: ignore[misc]
    return cases.annotate(name_score=best).filter(name_score__isnull=False)


def current_residence(person_ref: str = "pk") -> QuerySet[ResidenceRecord]:
    """The residence record in force today for the outer person (use in a Subquery)."""
    return ResidenceRecord.objects.filter(person_id=OuterRef(person_ref)).order_by("-valid_from", "-pk")


def cases_with_residence_status(cases: QuerySet[Case], status: str) -> QuerySet[Case]:
    """Cases with a client whose latest residence status is ``status``."""
    latest = Subquery(current_residence("person_id").values("status")[:1])
    clients = CaseClient.objects.filter(case_id=OuterRef("pk")).annotate(residence=latest).filter(residence=status)
    return cases.filter(Exists(clients))


@dataclass
class Worklist:
    """What is due for a caseworker: each list holds the rows the worklist page shows."""

    follow_ups: list[FollowUp] = field(default_factory=list)
    reviews: list[Goal | IntegrationPlan] = field(default_factory=list)
    overdue_goals: list[Goal] = field(default_factory=list)
    expiring_permits: list[ResidenceRecord] = field(default_factory=list)
    nearing_max_duration: list[Case] = field(default_factory=list)
    incoming_handovers: list[Handover] = field(default_factory=list)
    moved_into_own_tenancy: list[Occupancy] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(
            len(items)
            for items in (
                self.follow_ups,
                self.reviews,
                self.overdue_goals,
                self.expiring_permits,
                self.nearing_max_duration,
                self.incoming_handovers,
                self.moved_into_own_tenancy,
            )
        )


FOLLOW_UP_HORIZON_DAYS = 7
REVIEW_HORIZON_DAYS = 14
# A client's move from a shelter into an own tenancy stays in "Meine Arbeit" this long, unless the case
# was closed or a contact was recorded since.
MOVE_OUT_HORIZON_DAYS = 90


def worklist_for(user: User, today: datetime.date) -> Worklist:
    """The open cases the user is responsible for, and what in them is due (eight queries)."""
    my_cases = Case.objects.visible_to(user).filter(responsible=user).exclude(status=CaseStatus.CLOSED)
    case_ids = my_cases.values("pk")
    current_goals = (
        Goal.objects.filter(plan__case_id__in=case_ids, plan_id=latest_plan_pk("plan__case_id"))
        .select_related("plan__case")
        .annotate(case_name=client_name("plan__case_id"))
    )
    horizon = today + datetime.timedelta(days=REVIEW_HORIZON_DAYS)
    result = Worklist()
    result.follow_ups = list(
        FollowUp.objects.filter(
            case_id__in=case_ids,
            done_on__isnull=True,
            due_date__lte=today + datetime.timedelta(days=FOLLOW_UP_HORIZON_DAYS),
        )
        .select_related("case")
        .annotate(case_name=client_name("case_id"))
        .order_by("due_date", "pk")
    )
    plans_due = list(
        IntegrationPlan.objects.filter(case_id__in=case_ids, pk=latest_plan_pk("case_id"), review_on__lte=horizon)
        .select_related("case")
        .annotate(case_name=client_name("case_id"))
        .order_by("review_on")
    )
    goals_due = list(
        current_goals.filter(status__in=GOAL_STATUS_PENDING, review_date__lte=horizon).order_by("review_date", "pk")
    )
    result.reviews = [*plans_due, *goals_due]
    result.overdue_goals = list(
        current_goals.filter(status__in=GOAL_STATUS_PENDING, due_date__lt=today).order_by("due_date", "pk")
    )
    latest_record = current_residence("person_id").values("pk")[:1]
    warn_until = today + datetime.timedelta(days=settings.LOTSE_RESIDENCE_EXPIRY_WARNING_DAYS)
    result.expiring_permits = list(
        ResidenceRecord.objects.filter(
            person__client_of__case_id__in=case_ids,
            pk=Subquery(latest_record),
            valid_until__isnull=False,
            valid_until__lte=warn_until,
        )
        .select_related("person")
        .annotate(case_id=F("person__client_of__case_id"))
        .order_by("valid_until", "pk")
    )
    warn_days = settings.LOTSE_CASE_DURATION_WARNING_DAYS
    started_before = add_years(today + datetime.timedelta(days=warn_days), -settings.LOTSE_MAX_CASE_YEARS)
    result.nearing_max_duration = list(
        my_cases.filter(start_date__lte=started_before)
        .annotate(case_name=client_name("pk"))
        .order_by("start_date", "pk")
    )
    if casework_organisation_id(user) is not None:
        result.incoming_handovers = list(
            Handover.objects.filter(to_organisation_id=user.organisation_id, status=HandoverStatus.REQUESTED)
            .select_related("case", "from_organisation")
            .annotate(case_name=client_name("case_id"))
            .order_by("requested_at")
        )
    contact_since = Contact.objects.filter(case_id=OuterRef("case_id"), date__gte=OuterRef("move_out"))
    result.moved_into_own_tenancy = list(
        Occupancy.objects.filter(
            move_out_reason=MoveOutReason.PRIVATER_MIETVERTRAG,
            move_out__gte=today - datetime.timedelta(days=MOVE_OUT_HORIZON_DAYS),
            person__client_of__case_id__in=case_ids,
        )
        .annotate(case_id=F("person__client_of__case_id"))
        .exclude(Exists(contact_since))
        .select_related("person", "place__shelter")
        .order_by("move_out", "pk")
    )
    return result


def _first_client(case_ref: str, value: Any) -> Any:
    first = CaseClient.objects.filter(case_id=OuterRef(case_ref)).order_by("pk").annotate(value=value)
    return Subquery(first.values("value")[:1])


def client_name(case_ref: str) -> Any:
    """Annotation: "Family, Given" of the first client of the case at ``case_ref``, to name a case in lists."""
    return _first_client(case_ref, Concat("person__family_name", Value(", "), "person__given_names"))


def head_of_household_name() -> Any:
    """Annotation: the first client's plain (lower-case) name, for sorting cases by name."""
    return _first_client("pk", F("person__search_text"))


def latest_plan_pk(case_ref: str) -> Any:
    """The newest plan version of the case at ``case_ref`` (use in a filter)."""
    return Subquery(IntegrationPlan.objects.filter(case_id=OuterRef(case_ref)).order_by("-number").values("pk")[:1])
