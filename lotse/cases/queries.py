"""Read-side queries of casework: name search, current facts, the worklist, and the data of every case page.

Each runs a fixed number of SQL queries whatever the number of records, so
lists stay fast as an organisation's caseload grows. Views fetch the record
(``lotse.cases.views.fetch``), ask here for the page data, and render.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from django.conf import settings
from django.contrib.postgres.search import TrigramWordSimilarity
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    Count,
    Exists,
    F,
    FloatField,
    Func,
    IntegerField,
    Model,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Concat, Greatest
from django.utils import timezone
from django.utils.translation import gettext_lazy

from lotse.accommodation.choices import MoveOutReason
from lotse.accommodation.models import Occupancy
from lotse.arrivals.models import Arrival
from lotse.arrivals.queries import overdue_arrivals
from lotse.cases.choices import GOAL_STATUS_PENDING, CaseStatus, FieldOfAction, HandoverStatus
from lotse.cases.history import case_events
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
    Substitution,
    add_years,
)
from lotse.cases.services import current_plan
from lotse.core.access import Capability, roles_holding
from lotse.core.audit import HISTORY_PAGE_SIZE, describe_events, filter_events
from lotse.core.models import User
from lotse.core.transactions import planner_setting
from lotse.documents.models import Document
from lotse.documents.queries import expiring_documents
from lotse.people.models import (
    STATUS_RECORD_MODELS,
    HouseholdMembership,
    Person,
    ResidenceRecord,
    UnaccompaniedMinorRecord,
    casework_organisation_id,
)
from lotse.people.search import fold, plain

# Trigram word similarity above which a name counts as a match. Transliteration
# variants reach it on the folded text ("Mohammed" / "Muhammad" fold alike).
NAME_MATCH_THRESHOLD = 0.45


# The folded key makes many names alike ("Mohammed" and "Mykhailo" share half of their trigrams). A name of
# more than five letters is taken by its key only when most of its trigrams are shared; a short one
# ("Jusuf" / "Yousef") reaches its variants at half of them.
KEY_MATCH_THRESHOLD = 0.5
LONG_KEY_MATCH_THRESHOLD = 0.7
SHORT_NAME_LETTERS = 5
# A match of the folded key ranks a little below the same match as written.
FOLDED_PENALTY = 0.05


def _similarities(query: str, folded: str, person: str = "") -> dict[str, TrigramWordSimilarity]:
    """How well the names of a person (``person`` is the path to it) resemble the search text, as written
    (``text_similarity``) and folded (``key_similarity``)."""
    return {
        "text_similarity": TrigramWordSimilarity(query, f"{person}search_text"),
        "key_similarity": TrigramWordSimilarity(folded, f"{person}search_key"),
    }


def _name_score() -> Greatest:
    """The rank of a match: its similarity as written, or folded a little below."""
    return Greatest(F("text_similarity"), F("key_similarity") - FOLDED_PENALTY)


def _key_threshold(folded: str) -> float:
    """How much of the folded key a name must share: short names less than long ones (see above)."""
    letters = len(folded.replace(" ", ""))
    return KEY_MATCH_THRESHOLD if letters <= SHORT_NAME_LETTERS else LONG_KEY_MATCH_THRESHOLD


def _accepted(query: str, folded: str, person: str = "") -> Q:
    """A name counts as a match: it resembles the text as written or folded enough, or it contains the text."""
    return (
        Q(text_similarity__gte=NAME_MATCH_THRESHOLD)
        | Q(key_similarity__gte=_key_threshold(folded))
        | Q(**{f"{person}search_text__contains": query})
    )


def persons_matching(text: str) -> QuerySet[Person]:
    """Persons whose names or aliases resemble ``text``, best match first (``name_score``).

    The trigram indexes find the candidates (pg_trgm's ``<%`` operator and
    ``LIKE``, with the session's threshold set in the database settings);
    the score then decides, as it always did.
    """
    query, folded = plain(text), fold(text)
    if not query:
        return Person.objects.none()
    return (
        Person.objects.filter(
            Q(search_text__trigram_word_similar=query)
            | Q(search_key__trigram_word_similar=folded)
            | Q(search_text__contains=query)
        )
        .annotate(**_similarities(query, folded))
        .filter(_accepted(query, folded))
        .annotate(name_score=_name_score())
        .order_by("-name_score")
    )


# Lotse's own case numbers as people write them: "F-000059", "f-59", "F 59", "F59".
LOTSE_CASE_NUMBER = re.compile(r"^F\s*-?\s*0*(\d{1,15})$", re.IGNORECASE)
# A date of birth: 03.02.1986, 3.2.1986 or 1986-02-03.
GERMAN_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
# A phone number: digits with the usual separators, at least six digits.
PHONE = re.compile(r"^\+?[\d\s/()\-]+$")
PHONE_DIGITS = 6


def _birth_date(text: str) -> datetime.date | None:
    if match := GERMAN_DATE.match(text):
        day, month, year = (int(part) for part in match.groups())
    elif match := ISO_DATE.match(text):
        year, month, day = (int(part) for part in match.groups())
    else:
        return None
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _phone_digits(text: str) -> str | None:
    """The digits to look for in a phone number, without the country code 49 or a leading 0."""
    if not PHONE.match(text):
        return None
    digits = re.sub(r"\D", "", text)
    if len(digits) < PHONE_DIGITS:
        return None
    if text.startswith("+49") or digits.startswith("0049"):
        digits = digits.removeprefix("00").removeprefix("49")
    return digits.lstrip("0")


def exact_match(text: str) -> Q | None:
    """The cases that ``text`` names exactly: by their number (an imported case's own ID, or the number Lotse
    gave it), or by a client's date of birth or phone number."""
    text = text.strip()
    if not text:
        return None
    match = Q(external_id__iexact=text)
    if number := LOTSE_CASE_NUMBER.match(text):
        match |= Q(external_id="", pk=int(number.group(1)))
    if born := _birth_date(text):
        match |= Q(pk__in=CaseClient.objects.filter(person__birth_date=born).values("case_id"))
    elif digits := _phone_digits(text):
        phones = Person.objects.annotate(
            phone_digits=Func(F("phone"), Value(r"\D"), Value(""), Value("g"), function="regexp_replace")
        ).filter(phone_digits__contains=digits)
        match |= Q(pk__in=CaseClient.objects.filter(person__in=phones).values("case_id"))
    return match


def names_nobody(text: str) -> bool:
    """A case number, a date or a phone number: the text is no name to look for."""
    text = text.strip()
    return bool(LOTSE_CASE_NUMBER.match(text) or _birth_date(text) or _phone_digits(text))


def filter_cases_by_name(cases: QuerySet[Case], text: str) -> QuerySet[Case]:
    """Cases with a client whose name resembles ``text``, ranked by the best match.

    The matching persons are found once, through the index; only the cases of
    their clients are scored, each by its own few clients.
    """
    query, folded = plain(text), fold(text)
    numbered = exact_match(text)
    if numbered is not None and (names_nobody(text) or cases.filter(numbered).exists()):
        # A case number, a date of birth or a phone number finds its cases alone ("F-000059" names no person).
        # Their score ranks them above any name's.
        return cases.filter(numbered).annotate(name_score=Value(2.0, output_field=FloatField()))
    if not query:
        # A text of punctuation alone names nobody; the list still sorts by the score, so it must be there.
        return cases.annotate(name_score=Value(None, output_field=FloatField())).none()
    clients = CaseClient.objects.filter(person__in=persons_matching(text).values("pk")).values("case_id")
    best = (
        CaseClient.objects.filter(case_id=OuterRef("pk"))
        .annotate(**_similarities(query, folded, "person__"))
        .filter(_accepted(query, folded, "person__"))
        .annotate(score=_name_score())
        .order_by("-score")
        .values("score")[:1]
    )
    return cases.filter(pk__in=clients).annotate(name_score=Subquery(best))


def ranked_by_name(cases: QuerySet[Case], text: str) -> list[int]:
    """The keys of the cases with a client whose name resembles ``text``, in the order of
    ``filter_cases_by_name``: best match first, then the newest start, then the newest case."""
    ranked = RankedByName(cases, text)
    return ranked[0 : ranked.count()]


class RankedByName:
    """The ranked keys of a name search, for a ``Paginator``: count and page come from one statement.

    The matching persons are found through the trigram indexes and scored
    once; joined to the cases they are clients of, each case takes its best
    client's score, and the database counts and pages the ranked set
    (``count(*) OVER ()`` beside ``LIMIT``/``OFFSET``). Only the keys of the
    page leave the database. The order is the one ``filter_cases_by_name``
    gives: best match first, then the newest start, then the newest case.
    """

    def __init__(self, cases: QuerySet[Case], text: str, page_number: int | str | None = 1) -> None:
        self.cases = cases
        self.text = text
        try:
            self.first_offset = max(int(page_number or 1) - 1, 0) * PAGE_SIZE
        except (TypeError, ValueError):
            self.first_offset = 0
        self._total: int | None = None
        self._fetched: tuple[int, list[int]] | None = None

    def _statement(self) -> tuple[str, list[Any]]:
        """The cases of ``cases`` with their best client's score, as ``persons_matching`` and ``_accepted`` decide.

        Written out rather than composed by the ORM, which repeats each similarity in the filter and again in the
        score: here each candidate's two similarities are computed once (the subquery's ``OFFSET 0`` keeps the
        planner from inlining them again), then filtered and scored. ``plain`` and ``fold`` leave letters and
        spaces only, so the text needs no escaping for ``LIKE``.
        """
        query, folded = plain(self.text), fold(self.text)
        # The cases with their start (the list's order is of no use here).
        cases_sql, cases_params = (
            self.cases.order_by().values(case_key=F("pk"), case_start=F("start_date")).query.sql_with_params()
        )
        person, client = Person._meta.db_table, CaseClient._meta.db_table
        sql = f"""
            SELECT c.case_key, c.case_start, max(greatest(m.ts, m.ks - %s)) AS score
            FROM (
                SELECT p.id, word_similarity(%s, p.search_text) AS ts, word_similarity(%s, p.search_key) AS ks,
                    p.search_text LIKE %s AS contains
                FROM {person} p
                WHERE p.search_text %%> %s OR p.search_key %%> %s OR p.search_text LIKE %s
                OFFSET 0
            ) m
            JOIN {client} cc ON cc.person_id = m.id
            JOIN ({cases_sql}) c ON c.case_key = cc.case_id
            WHERE m.ts >= %s OR m.ks >= %s OR m.contains
            GROUP BY 1, 2"""  # noqa: S608 - table names from the models, values as parameters
        like = f"%{query}%"
        params = [
            FOLDED_PENALTY,
            query,
            folded,
            like,
            query,
            folded,
            like,
            *cases_params,
            NAME_MATCH_THRESHOLD,
            _key_threshold(folded),
        ]
        return sql, params

    def _fetch(self, offset: int, limit: int) -> list[int]:
        if not plain(self.text):
            self._total = 0  # a text of punctuation alone names nobody
            return []
        try:
            sql, params = self._statement()
        except EmptyResultSet:  # the user sees no case at all
            self._total = 0
            return []
        # A name that a tenth of the county shares makes the planner compare it with every person's names (a
        # sequential scan); through the trigram indexes the same search takes a third of the time.
        with planner_setting("enable_seqscan", "off"), connection.cursor() as cursor:
            cursor.execute(
                f"""SELECT ranked.case_key, count(*) OVER () FROM ({sql}) ranked
                    ORDER BY ranked.score DESC, ranked.case_start DESC, ranked.case_key DESC
                    LIMIT %s OFFSET %s""",  # noqa: S608 - the SQL the ORM compiled, its values as parameters
                [*params, limit, offset],
            )
            rows = cursor.fetchall()
            if rows:
                self._total = int(rows[0][1])
            elif offset == 0:
                self._total = 0
            else:  # a page beyond the last: the count alone
                cursor.execute(f"SELECT count(*) FROM ({sql}) ranked", params)  # noqa: S608 - as above
                self._total = int(cursor.fetchone()[0])
        keys = [int(row[0]) for row in rows]
        self._fetched = (offset, keys)
        return keys

    def count(self) -> int:
        if self._total is None:
            self._fetch(self.first_offset, PAGE_SIZE)
        assert self._total is not None
        return self._total

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, part: slice) -> list[int]:
        start, stop = part.start or 0, part.stop if part.stop is not None else self.count()
        if stop <= start:
            return []
        if (
            self._fetched is not None
            and self._fetched[0] == start
            and len(self._fetched[1]) >= min(stop - start, self.count() - start)
        ):
            return self._fetched[1][: stop - start]
        return self._fetch(start, stop - start)


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
    expiring_documents: list[Document] = field(default_factory=list)
    # New arrivals (lotse.arrivals) without a first contact after LOTSE_ARRIVAL_FIRST_CONTACT_DAYS.
    arrivals_without_contact: list[Arrival] = field(default_factory=list)

    def shown_records(self) -> list[Model]:
        """What the page names, for the access log: the case of each row (of a follow-up, a goal, a plan, a
        handover), the person of a permit or a stay, the document, the new arrival."""
        records: list[Model] = [f.case for f in self.follow_ups]
        records += [r.plan.case if isinstance(r, Goal) else r.case for r in self.reviews]
        records += [goal.plan.case for goal in self.overdue_goals]
        records += [record.person for record in self.expiring_permits]
        records += self.nearing_max_duration
        records += [handover.case for handover in self.incoming_handovers]
        records += [stay.person for stay in self.moved_into_own_tenancy]
        records += self.expiring_documents
        records += self.arrivals_without_contact
        return records

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
                self.expiring_documents,
                self.arrivals_without_contact,
            )
        )


FOLLOW_UP_HORIZON_DAYS = 7
REVIEW_HORIZON_DAYS = 14
# A client's move from a shelter into an own tenancy stays in "Meine Arbeit" this long, unless the case
# was closed or a contact was recorded since.
MOVE_OUT_HORIZON_DAYS = 90


def max_duration_warned_from(today: datetime.date) -> datetime.date:
    """Open cases that started on or before this day near the maximum duration of counselling (or passed it)."""
    warn_days = settings.LOTSE_CASE_DURATION_WARNING_DAYS
    return add_years(today + datetime.timedelta(days=warn_days), -settings.LOTSE_MAX_CASE_YEARS)


def worklist_for(user: User, today: datetime.date) -> Worklist:
    """The open cases the user is responsible for, and what in them is due; the new arrivals without a first
    contact that are hers or nobody's yet (ten queries)."""
    result = worklists_of(user, [user.pk], today, unassigned_arrivals=True)[user.pk]
    if casework_organisation_id(user) is not None:
        result.incoming_handovers = list(
            Handover.objects.filter(to_organisation_id=user.organisation_id, status=HandoverStatus.REQUESTED)
            .select_related("case", "from_organisation")
            .annotate(case_name=client_name("case_id"))
            .order_by("requested_at")
        )
    return result


def worklists_of(
    user: User, responsible_ids: list[int], today: datetime.date, *, unassigned_arrivals: bool = False
) -> dict[int, Worklist]:
    """What is due in the open cases of each of the caseworkers, as far as ``user`` sees them, and the new
    arrivals overdue for a first contact they are responsible for (nine queries, however many caseworkers).
    Handovers offered to the organisation are no one's own: see ``worklist_for``; ``unassigned_arrivals`` adds
    the overdue arrivals without a caseworker to the first caseworker's list (the user's own worklist)."""
    result = {pk: Worklist() for pk in responsible_ids}
    arrivals = Q(responsible_id__in=responsible_ids)
    if unassigned_arrivals:
        arrivals |= Q(responsible__isnull=True)
    for arrival in overdue_arrivals(user, today).filter(arrivals):
        result[arrival.responsible_id or responsible_ids[0]].arrivals_without_contact.append(arrival)
    cases = Case.objects.visible_to(user).filter(responsible_id__in=responsible_ids).exclude(status=CaseStatus.CLOSED)
    case_ids = cases.values("pk")
    current_goals = (
        Goal.objects.filter(plan__case_id__in=case_ids, plan_id=latest_plan_pk("plan__case_id"))
        .select_related("plan__case")
        .annotate(case_name=client_name("plan__case_id"))
    )
    horizon = today + datetime.timedelta(days=REVIEW_HORIZON_DAYS)
    owners = Q(assignee_id__in=responsible_ids) | Q(assignee__isnull=True, case__responsible_id__in=responsible_ids)
    for follow_up in (
        FollowUp.objects.of_own_cases(user)
        .open()
        .filter(owners, due_date__lte=today + datetime.timedelta(days=FOLLOW_UP_HORIZON_DAYS))
        .select_related("case")
        .annotate(case_name=client_name("case_id"))
        .order_by("due_date", "pk")
    ):
        # A task passed to a colleague is theirs; otherwise it is the case's caseworker's (FollowUp.for_user).
        owner = follow_up.assignee_id or follow_up.case.responsible_id
        if owner in result:
            result[owner].follow_ups.append(follow_up)
    for plan in (
        IntegrationPlan.objects.filter(case_id__in=case_ids, pk=latest_plan_pk("case_id"), review_on__lte=horizon)
        .select_related("case")
        .annotate(case_name=client_name("case_id"))
        .order_by("review_on")
    ):
        result[plan.case.responsible_id].reviews.append(plan)  # type: ignore[index]
    for goal in current_goals.filter(status__in=GOAL_STATUS_PENDING, review_date__lte=horizon).order_by(
        "review_date", "pk"
    ):
        result[goal.plan.case.responsible_id].reviews.append(goal)  # type: ignore[index]
    for goal in current_goals.filter(status__in=GOAL_STATUS_PENDING, due_date__lt=today).order_by("due_date", "pk"):
        result[goal.plan.case.responsible_id].overdue_goals.append(goal)  # type: ignore[index]
    latest_record = current_residence("person_id").values("pk")[:1]
    warn_until = today + datetime.timedelta(days=settings.LOTSE_RESIDENCE_EXPIRY_WARNING_DAYS)
    for record in (
        ResidenceRecord.objects.filter(
            person__client_of__case_id__in=case_ids,
            pk=Subquery(latest_record),
            valid_until__isnull=False,
            valid_until__lte=warn_until,
        )
        .select_related("person")
        .annotate(case_id=F("person__client_of__case_id"), responsible_id=F("person__client_of__case__responsible_id"))
        .order_by("valid_until", "pk")
    ):
        result[record.responsible_id].expiring_permits.append(record)
    for case in (
        cases.filter(start_date__lte=max_duration_warned_from(today))
        .annotate(case_name=client_name("pk"))
        .order_by("start_date", "pk")
    ):
        result[case.responsible_id].nearing_max_duration.append(case)  # type: ignore[index]
    contact_since = Contact.objects.filter(case_id=OuterRef("case_id"), date__gte=OuterRef("move_out"))
    for stay in (
        Occupancy.objects.filter(
            move_out_reason=MoveOutReason.PRIVATER_MIETVERTRAG,
            move_out__gte=today - datetime.timedelta(days=MOVE_OUT_HORIZON_DAYS),
            person__client_of__case_id__in=case_ids,
        )
        .annotate(case_id=F("person__client_of__case_id"), responsible_id=F("person__client_of__case__responsible_id"))
        .exclude(Exists(contact_since))
        .select_related("person", "place__shelter")
        .order_by("move_out", "pk")
    ):
        result[stay.responsible_id].moved_into_own_tenancy.append(stay)  # type: ignore[attr-defined]
    warn_documents_until = today + datetime.timedelta(days=settings.LOTSE_DOCUMENT_EXPIRY_WARNING_DAYS)
    for document in expiring_documents(case_ids, warn_documents_until):
        worklist = result.get(document.link_responsible_id)  # type: ignore[attr-defined]
        if worklist is not None:
            worklist.expiring_documents.append(document)
    return result


def substitutions_of(user: User, today: datetime.date) -> list[tuple[Substitution, Worklist]]:
    """The colleagues the user substitutes for today, each with what is due in her cases (one query, and seven
    more if there are any)."""
    substitutions = list(
        Substitution.objects.in_force_on(today)
        .filter(substitute=user, organisation_id=user.organisation_id)
        .select_related("absent")
        .order_by("absent__last_name", "absent__first_name", "pk")
    )
    if not substitutions:
        return []
    work = worklists_of(user, [s.absent_id for s in substitutions], today)
    return [(substitution, work[substitution.absent_id]) for substitution in substitutions]


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


# The case list

PAGE_SIZE = 25

SORTS: dict[str, list[Any]] = {
    "name": ["head_name", "pk"],
    "start": ["start_date", "pk"],
    "contact": [F("last_contact").desc(nulls_last=True), "-pk"],
    "municipality": ["municipality__name", "head_name", "pk"],
}


def _case_rows(user: User) -> QuerySet[Case]:
    """The cases the user sees, with what a row of the case list shows."""
    last_contact = Contact.objects.filter(case_id=OuterRef("pk")).order_by("-date").values("date")[:1]
    return (
        Case.objects.visible_to(user)
        .select_related("municipality", "responsible", "organisation")
        .annotate(head_name=head_of_household_name(), last_contact=Subquery(last_contact))
        .prefetch_related(Prefetch("case_clients", queryset=CaseClient.objects.select_related("person").order_by("pk")))
    )


def case_list_page(user: User, filters: dict[str, Any], page_number: str | None) -> Page[Case]:
    """One page of the case list, and how many cases it has in all.

    A name search runs once: the ranked keys of all its hits give the count
    and the page, whose rows are then read by key.
    """
    query = filters.get("q", "").strip()
    if not query:
        return Paginator(case_list_for(user, filters), PAGE_SIZE).get_page(page_number)
    keys: list[int] | RankedByName
    if filters.get("sort", "") in SORTS:
        keys = list(case_list_for(user, filters).values_list("pk", flat=True))
    else:
        unsearched = case_list_for(user, {**filters, "q": ""})
        numbered = exact_match(query)
        # The case whose number was typed first, then the cases of the persons whose names match.
        # A number or date the user typed finds its cases alone; a name finds the cases of the persons it resembles.
        keys = list(unsearched.filter(numbered).values_list("pk", flat=True)) if numbered is not None else []
        if not keys and not names_nobody(query):
            # Count and page of the ranked cases in one statement (the Paginator asks it for both).
            keys = RankedByName(unsearched, query, page_number)
    # RankedByName answers what the Paginator asks (count, and the slice of one page), not the whole protocol.
    page: Page[Any] = Paginator(cast("list[int]", keys), PAGE_SIZE).get_page(page_number)
    rows = _case_rows(user).in_bulk(list(page.object_list))
    # A case that stopped being visible a moment ago (handed over, say) drops out of the page.
    page.object_list = [rows[pk] for pk in page.object_list if pk in rows]
    return page


def case_list_for(user: User, filters: dict[str, Any]) -> QuerySet[Case]:
    """The cases the user sees, filtered and sorted as the case list's filter form asks (open cases by default)."""
    cases = _case_rows(user)
    status = filters.get("status", "")
    if not status:
        cases = cases.exclude(status=CaseStatus.CLOSED)
    elif status != "all":
        cases = cases.filter(status=status)
    if municipality := filters.get("municipality"):
        cases = cases.filter(municipality=municipality)
    responsible = filters.get("responsible", "")
    if responsible == "me":
        cases = cases.filter(responsible=user)
    elif responsible == "none":
        cases = cases.filter(responsible__isnull=True)
    elif responsible:
        cases = cases.filter(responsible_id=responsible)
    if residence := filters.get("residence"):
        cases = cases_with_residence_status(cases, residence)
    if filters.get("duration") == "near_max":
        warned_from = max_duration_warned_from(timezone.localdate())
        cases = cases.exclude(status=CaseStatus.CLOSED).filter(start_date__lte=warned_from)
    if field_of_action := filters.get("field_of_action"):
        goals = Goal.objects.filter(
            plan__case_id=OuterRef("pk"), field_of_action=field_of_action, plan_id=latest_plan_pk("plan__case_id")
        )
        cases = cases.filter(Exists(goals))
    sort = filters.get("sort", "")
    if query := filters.get("q", "").strip():
        cases = filter_cases_by_name(cases, query)
        ordering: list[Any] = SORTS.get(sort, [F("name_score").desc(), "-start_date", "-pk"])
    else:
        ordering = SORTS.get(sort, ["-start_date", "-pk"])
    return cases.order_by(*ordering)


# The case page

TIMELINE_LENGTH = 15


def _facts(person: Person) -> dict[str, Any]:
    """The current facts of a person from the prefetched histories (newest first)."""
    return {
        "residence": next(iter(person.residencerecords.all()), None),
        "language": next(iter(person.languagerecords.all()), None),
        "work": next(iter(person.workrecords.all()), None),
        "housing": next(iter(person.housingrecords.all()), None),
    }


# ISO 639-3 code of German: a client who speaks it needs no interpreter for it.
GERMAN = "deu"


def case_page(user: User, case: Case, *, today: datetime.date, show_all: bool = False) -> dict[str, Any]:
    """The case page: household with the clients' current facts, plan, timeline, follow-ups, consents, handovers.

    The timeline shows the newest ``TIMELINE_LENGTH`` contacts unless ``show_all``.
    """
    memberships = list(
        HouseholdMembership.objects.filter(household_id=case.household_id)
        .select_related("person")
        .prefetch_related(
            "person__residencerecords", "person__languagerecords", "person__workrecords", "person__housingrecords"
        )
        .order_by("valid_to", "valid_from", "pk")
    )
    client_order = list(CaseClient.objects.filter(case=case).order_by("pk").values_list("person_id", flat=True))
    client_ids = set(client_order)
    members = [
        {
            "membership": m,
            "person": m.person,
            "is_client": m.person_id in client_ids,
            "age": m.person.age_on(today),
            "facts": _facts(m.person),
        }
        for m in memberships
        if m.valid_to is None
    ]
    plan = current_plan(case)
    goals = (
        list(plan.goals.prefetch_related(Prefetch("steps", queryset=Step.objects.order_by("position", "pk"))))
        if plan
        else []
    )
    contacts_qs = (
        Contact.objects.filter(case=case)
        # The appointment of the volunteer interpreter pool the contact was recorded for (lotse.volunteers).
        .select_related("created_by", "interpreter_booking")
        .prefetch_related("follow_ups", "participants")
        .order_by("-date", "-pk")
    )
    contacts = list(contacts_qs if show_all else contacts_qs[:TIMELINE_LENGTH])
    contact_count = len(contacts) if show_all or len(contacts) < TIMELINE_LENGTH else contacts_qs.count()
    referrals = list(Referral.objects.filter(case=case).order_by("-date", "-pk"))
    changes = list(CaseStatusChange.objects.filter(case=case).select_related("by").order_by("-on", "-pk"))
    timeline = sorted(
        [("contact", c.date, c) for c in contacts]
        + [("referral", r.date, r) for r in referrals]
        + [("status", s.on, s) for s in changes],
        key=lambda entry: (entry[1], entry[2].pk),
        reverse=True,
    )
    from lotse.arrivals.exchange_queries import case_exchange

    consents = list(
        Consent.objects.filter(case=case).select_related("person", "recipient_organisation").order_by("-given_on")
    )
    return {
        "case": case,
        "editable": case.organisation_id == user.organisation_id,
        "today": today,
        "members": members,
        "former_members": [m for m in memberships if m.valid_to is not None],
        "plan": plan,
        "goals": goals,
        "timeline": timeline,
        "contact_count": contact_count,
        "more_contacts": contact_count > len(contacts),
        "show_all": show_all,
        "open_follow_ups": list(
            FollowUp.objects.filter(case=case, done_on__isnull=True)
            .select_related("assignee")
            .order_by("due_date", "pk")
        ),
        "consents": consents,
        # The clients' links with accommodation records and the exchange of housing facts (lotse.arrivals).
        "exchange": case_exchange(case, consents, client_order) if case.organisation_id == user.organisation_id else [],
        "handovers": list(
            Handover.objects.filter(case=case).select_related("from_organisation", "to_organisation", "requested_by")
        ),
        "nears_max_duration": case.nears_max_duration(today),
        "interpreter_language": next(
            (
                interpreter_language_of(m.person.languages)
                for m in memberships
                if client_order and m.person_id == client_order[0]
            ),
            "",
        ),
    }


# All open follow-up tasks ("Alle offenen Wiedervorlagen")

FOLLOW_UP_PAGE_SIZE = 50


def open_follow_ups_page(user: User, *, team: bool, page_number: str | None) -> Page[FollowUp]:
    """One page of the user's open follow-up tasks, or (``team``, for a team lead) of all the organisation's open
    cases, the earliest due first (two queries: the count and the page)."""
    follow_ups = FollowUp.objects.of_own_cases(user) if team else FollowUp.objects.for_user(user)
    rows = (
        follow_ups.open()
        .select_related("case__responsible", "assignee", "contact")
        .annotate(case_name=client_name("case_id"))
        .order_by("due_date", "pk")
    )
    return Paginator(rows, FOLLOW_UP_PAGE_SIZE).get_page(page_number)


def interpreter_language_of(languages: Iterable[str]) -> str:
    """The language an interpreter most likely interprets for a client: the first they speak that is not German."""
    return next((code for code in languages if code != GERMAN), "")


def case_interpreter_language(case: Case) -> str:
    """The interpreted language to offer first for the case's main client (its first client); "" if none."""
    return interpreter_language_of(case.main_client_languages())


def case_history(
    user: User, case: Case, persons: list[Person], filters: dict[str, Any], page_number: str | None
) -> dict[str, Any]:
    """A page of the case's change history, filtered by person, user, kind of record and days, described for
    reading: a fixed number of queries whatever the page shows."""
    person = next((p for p in persons if str(p.pk) == filters.get("person")), None)
    events = filter_events(case_events(case, persons, person), filters)
    page = Paginator(events, HISTORY_PAGE_SIZE).get_page(page_number)
    context = {"case": case, "case_person_ids": [p.pk for p in persons]}
    return {"case": case, "page": page, "rows": describe_events(user, list(page.object_list), context)}


def case_history_users(case: Case, persons: list[Person]) -> list[tuple[str, str]]:
    """Who changed something in the case, for the history's filter (one query for the events, one for names)."""
    ids = {
        user_id
        for user_id in case_events(case, persons).order_by().values_list("pgh_context__user", flat=True).distinct()
        if user_id
    }
    users = User.objects.filter(pk__in=ids).order_by("last_name", "first_name", "username")
    return [(str(u.pk), u.get_full_name() or u.username) for u in users]


# The person page

FACT_TITLES = {
    "residence": gettext_lazy("Residence status"),
    "asylum": gettext_lazy("Asylum procedure"),
    "minor": gettext_lazy("Unaccompanied minor"),
    "language": gettext_lazy("German language level"),
    "work": gettext_lazy("Work situation"),
    "housing": gettext_lazy("Housing situation"),
}


def _memberships_with_cases(user: User, person: Person) -> list[HouseholdMembership]:
    """The person's households, newest first; each with ``cases``: the cases of that household the user sees (the
    page names a household by its cases, not by its internal number)."""
    memberships = list(person.household_memberships.select_related("household").order_by("-valid_from", "-pk"))
    cases: dict[int, list[Case]] = {}
    for other in (
        Case.objects.visible_to(user)
        .filter(household_id__in=[m.household_id for m in memberships])
        .order_by("start_date", "pk")
    ):
        cases.setdefault(other.household_id, []).append(other)
    for membership in memberships:
        membership.cases = cases.get(membership.household_id, [])  # type: ignore[attr-defined]
    return memberships


def person_page(user: User, case: Case, person: Person) -> dict[str, Any]:
    """A person of the case: the histories of their dated facts, households, shelter stays, and whether a client."""
    histories = [
        {"kind": kind, "title": FACT_TITLES[kind], "records": list(model._default_manager.filter(person=person))}
        for kind, model in STATUS_RECORD_MODELS.items()
    ]
    records = {history["kind"]: history["records"] for history in histories}
    minor, today = next(iter(records["minor"]), None), timezone.localdate()
    return {
        "case": case,
        "person": person,
        # The latest stage of the asylum procedure, and whether the person is an unaccompanied minor today.
        "asylum": next(iter(records["asylum"]), None),
        "minor": minor if isinstance(minor, UnaccompaniedMinorRecord) and minor.holds_on(today) else None,
        "editable": may_edit_person(user, case, person),
        # The organisation's administrators (also caseworkers) read who viewed the person's data.
        "may_audit": Person.objects.audited_by(user).filter(pk=person.pk).exists(),
        "histories": histories,
        "memberships": _memberships_with_cases(user, person),
        "stays": list(
            Occupancy.objects.visible_to(user)
            .filter(person=person)
            .select_related("place__shelter__organisation", "place__shelter__municipality", "place__unit")
            .order_by("-move_in", "-pk")
        ),
        "is_client": CaseClient.objects.filter(case=case, person=person).exists(),
    }


def may_edit_person(user: User, case: Case, person: Person) -> bool:
    """Whether the user's organisation owns both the case and the person (a shared case is read-only)."""
    return case.organisation_id == user.organisation_id and person.organisation_id == user.organisation_id


# The integration plan


def plan_of(case: Case, number: int | None) -> IntegrationPlan | None:
    """Version ``number`` of the case's plan, or the newest one if ``number`` is None."""
    if number is None:
        return current_plan(case)
    return case.plans.filter(number=number).first()


def goals_of(plan: IntegrationPlan) -> list[Goal]:
    """The plan's goals with their steps and the clients they concern (none: the whole household)."""
    steps: Prefetch[Any] = Prefetch("steps", queryset=Step.objects.order_by("position", "pk"))
    members: Prefetch[Any] = Prefetch("members", queryset=Person.objects.order_by("given_names", "family_name", "pk"))
    return list(plan.goals.prefetch_related(steps, members).order_by("position", "pk"))


def grouped_goals(goals: list[Goal]) -> list[dict[str, Any]]:
    """Goals by field of action, in the fixed order of the fields."""
    labels = dict(FieldOfAction.choices)
    return [
        {"field": labels[code], "code": code, "goals": [g for g in goals if g.field_of_action == code]}
        for code in FieldOfAction.values
        if any(g.field_of_action == code for g in goals)
    ]


def plan_page(user: User, case: Case, plan: IntegrationPlan | None, latest: IntegrationPlan | None) -> dict[str, Any]:
    """A version of the plan with its goals by field of action.

    Only the newest version of an open case is edited, and only until it is printed for signature; then
    ``may_continue``: the next version, a copy, can be started.
    """
    own_case = case.organisation_id == user.organisation_id
    current = plan is not None and latest is not None and plan.pk == latest.pk and own_case
    open_case = case.status != CaseStatus.CLOSED
    return {
        "case": case,
        "plan": plan,
        "latest": latest,
        "groups": grouped_goals(goals_of(plan)) if plan else [],
        "versions": list(case.plans.order_by("-number").values("number", "agreed_on", "printed_at")),
        "editable": current and open_case and plan is not None and not plan.is_printed,
        "may_print": current and open_case,
        "may_continue": current and open_case and plan is not None and plan.is_printed,
        "printed_by": plan.printed_by if plan is not None and plan.printed_by_id else None,
        "can_edit_case": own_case,
    }


# Handovers


def handovers_of(user: User) -> QuerySet[Handover]:
    """The handovers the user's organisation sent or received."""
    organisation_id = user.organisation_id
    return Handover.objects.filter(
        Q(to_organisation_id=organisation_id) | Q(from_organisation_id=organisation_id)
    ).select_related("case", "from_organisation", "to_organisation", "requested_by", "decided_by")


HANDOVER_LIST_LENGTH = 200


def handover_lists(user: User) -> dict[str, Any]:
    """The newest handovers of the user's organisation, incoming and outgoing."""
    organisation_id = user.organisation_id
    handovers = list(handovers_of(user).order_by("-requested_at")[:HANDOVER_LIST_LENGTH])
    return {
        "incoming": [h for h in handovers if h.to_organisation_id == organisation_id],
        "outgoing": [h for h in handovers if h.from_organisation_id == organisation_id],
    }


def handover_page(user: User, handover: Handover) -> dict[str, Any]:
    """One handover; its clients only while the user still sees the case.

    After an accepted handover the sender no longer sees the case: the record
    of the handover stays, the persons in it do not.
    """
    case_visible = Case.objects.visible_to(user).filter(pk=handover.case_id).exists()
    clients = (
        list(
            CaseClient.objects.filter(case_id=handover.case_id).select_related("person").order_by("person__family_name")
        )
        if case_visible
        else []
    )
    return {
        "handover": handover,
        "incoming": handover.to_organisation_id == user.organisation_id,
        "clients": clients,
        "case_visible": case_visible,
    }


# The team page


def caseworkers_of(organisation_id: int) -> QuerySet[User]:
    """The active users of the organisation who may be responsible for its cases."""
    return User.objects.filter(
        organisation_id=organisation_id, is_active=True, roles__overlap=list(roles_holding(Capability.CASEWORK))
    ).order_by("last_name", "first_name", "username")


@dataclass
class TeamRow:
    """One caseworker's caseload; ``caseworker`` None counts the open cases without a caseworker."""

    caseworker: User | None
    active: int = 0
    dormant: int = 0
    open_follow_ups: int = 0
    overdue_follow_ups: int = 0
    reviews_due: int = 0
    nearing_max_duration: int = 0

    @property
    def key(self) -> str:
        return "none" if self.caseworker is None else str(self.caseworker.pk)

    @property
    def is_empty(self) -> bool:
        return not (self.active or self.dormant or self.open_follow_ups or self.reviews_due)


# What the team's list of due items shows: the overdue items (the default), or, from a number of the table,
# the open or overdue follow-ups or the reviews due of one caseworker.
TEAM_ITEM_KINDS = {
    "overdue": gettext_lazy("Overdue follow-ups and reviews"),
    "follow_ups": gettext_lazy("Open follow-ups"),
    "overdue_follow_ups": gettext_lazy("Overdue follow-ups"),
    "reviews": gettext_lazy("Reviews due"),
}
TEAM_PAGE_SIZE = 25


def _team_items(team_cases: QuerySet[Case], today: datetime.date, kind: str) -> QuerySet[Any]:
    """The follow-ups, plan reviews and goal reviews of ``kind`` in the team's cases, as rows of one list
    (one UNION, sorted by date)."""
    horizon = today + datetime.timedelta(days=REVIEW_HORIZON_DAYS)
    follow_ups = FollowUp.objects.filter(case__in=team_cases, done_on__isnull=True)
    plans = IntegrationPlan.objects.filter(case__in=team_cases, pk=latest_plan_pk("case_id"))
    goals = Goal.objects.filter(
        plan__case__in=team_cases, plan_id=latest_plan_pk("plan__case_id"), status__in=GOAL_STATUS_PENDING
    )
    if kind == "follow_ups":
        plans, goals = plans.none(), goals.none()
    elif kind == "overdue_follow_ups":
        follow_ups, plans, goals = follow_ups.filter(due_date__lt=today), plans.none(), goals.none()
    elif kind == "reviews":
        follow_ups = follow_ups.none()
        plans, goals = plans.filter(review_on__lte=horizon), goals.filter(review_date__lte=horizon)
    else:
        follow_ups = follow_ups.filter(due_date__lt=today)
        plans, goals = plans.filter(review_on__lt=today), goals.filter(review_date__lt=today)
    no_number = Value(None, output_field=IntegerField())
    columns = ["item_kind", "item_pk", "item_case", "item_date", "item_text", "item_number", "item_responsible"]
    rows = [
        follow_ups.annotate(
            item_kind=Value("follow_up"),
            item_pk=F("pk"),
            item_case=F("case_id"),
            item_date=F("due_date"),
            item_text=F("description"),
            item_number=no_number,
            item_responsible=F("case__responsible_id"),
            item_case_name=client_name("case_id"),
        ),
        plans.annotate(
            item_kind=Value("plan"),
            item_pk=F("pk"),
            item_case=F("case_id"),
            item_date=F("review_on"),
            item_text=Value(""),
            item_number=F("number"),
            item_responsible=F("case__responsible_id"),
            item_case_name=client_name("case_id"),
        ),
        goals.annotate(
            item_kind=Value("goal"),
            item_pk=F("pk"),
            item_case=F("plan__case_id"),
            item_date=F("review_date"),
            item_text=F("title"),
            item_number=no_number,
            item_responsible=F("plan__case__responsible_id"),
            item_case_name=client_name("plan__case_id"),
        ),
    ]
    first, *others = (row.values(*columns, "item_case_name") for row in rows)
    return first.union(*others, all=True).order_by("item_date", "item_kind", "item_pk")


def _counts(rows: QuerySet[Any], key: str) -> dict[int | None, dict[str, int]]:
    return {row.pop(key): row for row in rows}


def team_rows(user: User, today: datetime.date) -> tuple[list[User], list[TeamRow]]:
    """The caseworkers of the team lead's organisation (and whoever else still holds its open cases), and each
    one's caseload; a last row counts the open cases without a caseworker, if there are any (five queries)."""
    team_cases = Case.objects.editable_by(user)
    open_cases = team_cases.exclude(status=CaseStatus.CLOSED)
    holding = open_cases.filter(responsible__isnull=False).values("responsible_id")
    caseworkers = list(
        User.objects.filter(
            Q(pk__in=caseworkers_of(user.organisation_id).values("pk")) | Q(pk__in=holding),
            organisation_id=user.organisation_id,
        ).order_by("last_name", "first_name", "username")
    )
    cases = _counts(
        open_cases.values("responsible_id").annotate(
            active=Count("pk", filter=Q(status=CaseStatus.ACTIVE)),
            dormant=Count("pk", filter=Q(status=CaseStatus.DORMANT)),
            nearing_max_duration=Count("pk", filter=Q(start_date__lte=max_duration_warned_from(today))),
        ),
        "responsible_id",
    )
    follow_ups = _counts(
        FollowUp.objects.filter(case__in=open_cases, done_on__isnull=True)
        .values("case__responsible_id")
        .annotate(open_follow_ups=Count("pk"), overdue_follow_ups=Count("pk", filter=Q(due_date__lt=today))),
        "case__responsible_id",
    )
    horizon = today + datetime.timedelta(days=REVIEW_HORIZON_DAYS)
    plans = _counts(
        IntegrationPlan.objects.filter(case__in=open_cases, pk=latest_plan_pk("case_id"), review_on__lte=horizon)
        .values("case__responsible_id")
        .annotate(reviews=Count("pk")),
        "case__responsible_id",
    )
    goals = _counts(
        Goal.objects.filter(
            plan__case__in=open_cases,
            plan_id=latest_plan_pk("plan__case_id"),
            status__in=GOAL_STATUS_PENDING,
            review_date__lte=horizon,
        )
        .values("plan__case__responsible_id")
        .annotate(reviews=Count("pk")),
        "plan__case__responsible_id",
    )

    def row(caseworker: User | None) -> TeamRow:
        key = None if caseworker is None else caseworker.pk
        return TeamRow(
            caseworker,
            **cases.get(key, {}),
            **follow_ups.get(key, {}),
            reviews_due=plans.get(key, {}).get("reviews", 0) + goals.get(key, {}).get("reviews", 0),
        )

    rows = [row(caseworker) for caseworker in caseworkers]
    without = row(None)
    if not without.is_empty:
        rows.append(without)
    return caseworkers, rows


def team_totals(rows: list[TeamRow]) -> TeamRow:
    names = ("active", "dormant", "open_follow_ups", "overdue_follow_ups", "reviews_due", "nearing_max_duration")
    return TeamRow(None, **{name: sum(getattr(row, name) for row in rows) for name in names})


def team_page(
    user: User,
    today: datetime.date,
    team: tuple[list[User], list[TeamRow]],
    filters: dict[str, Any],
    page_number: str | None,
) -> dict[str, Any]:
    """The team lead's view of her organisation (a fixed number of queries): each caseworker's caseload
    (``team``, from ``team_rows``), the team's due items (overdue by default; of one caseworker or kind as
    ``filters`` ask), the substitutions."""
    caseworkers, rows = team
    open_cases = Case.objects.editable_by(user).exclude(status=CaseStatus.CLOSED)
    names = {caseworker.pk: caseworker.get_full_name() or caseworker.username for caseworker in caseworkers}
    kind = filters.get("kind") or "overdue"
    chosen = filters.get("caseworker", "")
    of_chosen = open_cases
    if chosen == "none":
        of_chosen = open_cases.filter(responsible__isnull=True)
    elif chosen:
        of_chosen = open_cases.filter(responsible_id=int(chosen))
    items = _team_items(of_chosen, today, kind)
    page: Page[Any] = Paginator(items, TEAM_PAGE_SIZE).get_page(page_number)
    for item in page.object_list:
        item["responsible_name"] = names.get(item["item_responsible"], "")
    substitutions = list(
        Substitution.objects.visible_to(user)
        .filter(ends_on__gte=today - datetime.timedelta(days=SUBSTITUTIONS_SHOWN_DAYS))
        .select_related("absent", "substitute")
        .order_by("-ends_on", "starts_on", "pk")
    )
    return {
        "rows": rows,
        "totals": team_totals(rows),
        "page": page,
        "kind": kind,
        "kind_label": TEAM_ITEM_KINDS.get(kind, TEAM_ITEM_KINDS["overdue"]),
        "chosen_name": names.get(int(chosen)) if chosen and chosen != "none" else "",
        "substitutions": substitutions,
        "today": today,
        "review_days": REVIEW_HORIZON_DAYS,
        # The organisation's new arrivals without a first contact after the configured days, with their
        # caseworker (or none yet).
        "arrivals_without_contact": list(overdue_arrivals(user, today)),
        "arrival_days": settings.LOTSE_ARRIVAL_FIRST_CONTACT_DAYS,
    }


# Substitutions that ended longer ago than this drop off the team page (their history stays).
SUBSTITUTIONS_SHOWN_DAYS = 30
