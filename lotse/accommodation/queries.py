"""Read models of accommodation: the data of each page and export, in a fixed number of queries.

Places and occupancy counts are no personal data: the county, statistics
and system administration see them for every shelter. Who lives in a
shelter is seen only by the operator's accommodation staff (``managed_by``).
The views fetch and authorise, call one function here and render; the XLSX
exports take what these functions return.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import QueryDict
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from lotse.accommodation import figure_exports
from lotse.accommodation.choices import PRELIMINARY_KINDS, MoveOutReason
from lotse.accommodation.figures import MunicipalityFigures, figures_overview, municipality_figures
from lotse.accommodation.forecast import MAX_HORIZON, Forecast, Group, basis_window, load_forecast, next_months
from lotse.accommodation.forms import KIND_GROUP_AU, KIND_GROUP_VU, ShelterFilterForm
from lotse.accommodation.models import (
    AssignedPerson,
    Assignment,
    ExpectedIntake,
    IntakeObligation,
    Occupancy,
    Place,
    Shelter,
    Unit,
    accommodation_organisation_id,
    residents_visible_to,
)
from lotse.accommodation.planning_forms import AssignmentFilterForm, FiguresForm, figure_municipalities, name_filter
from lotse.cases.models import Case
from lotse.core.audit import describe_events, newest_events, tracked_event_models
from lotse.core.models import Municipality, Organisation, User
from lotse.people.choices import Relationship
from lotse.people.models import Household, HouseholdMembership, HousingRecord, Person
from lotse.people.search import fold, plain
from lotse.people.vocabulary import nationality_name
from lotse.reports.figures import share

HISTORY_LENGTH = 30
FORMER_RESIDENTS_SHOWN = 50
SEARCH_HITS = 20
MAX_CANDIDATES = 50
GROUPS: dict[str, Group] = {"vu": "vu", "au": "au"}


def with_query(url: str, query: str) -> str:
    return f"{url}?{query}" if query else url


# --- counting places and stays ---------------------------------------------------------------------------


def _count(queryset: QuerySet[Any], group_by: str) -> Coalesce:
    """The number of rows of ``queryset`` (correlated to the outer row) as a subquery, 0 when there are none."""
    counted = queryset.order_by().values(group_by).annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def places_on(day: datetime.date, ref: str = "shelter") -> Coalesce:
    """Places of the outer shelter (or unit: ``ref="unit"``) available on ``day``."""
    return _count(Place.objects.filter(**{ref: OuterRef("pk")}).available_on(day), ref)


def occupied_on(day: datetime.date, ref: str = "shelter") -> Coalesce:
    """Stays in the outer shelter (or unit) that hold on ``day``."""
    return _count(Occupancy.objects.filter(**{f"place__{ref}": OuterRef("pk")}).on(day), f"place__{ref}")


# --- the overview of shelters ----------------------------------------------------------------------------


@dataclass
class Totals:
    label: str
    places: int = 0
    occupied: int = 0
    shelters: int = 0

    @property
    def free(self) -> int:
        return self.places - self.occupied

    @property
    def rate(self) -> Decimal | None:
        return share(self.occupied, self.places)

    def add(self, shelter: Any) -> None:
        self.shelters += 1
        self.places += shelter.places_count
        self.occupied += shelter.occupied_count


@dataclass
class Overview:
    day: datetime.date
    shelters: list[Any]
    filters_text: str
    totals: Totals = field(init=False)
    by_group: list[Totals] = field(init=False)

    def __post_init__(self) -> None:
        self.totals = Totals(_("Total"))
        preliminary = Totals(_("of them preliminary accommodation (VU)"))
        follow_up = Totals(_("of them follow-up accommodation (AU)"))
        for shelter in self.shelters:
            shelter.free_count = shelter.places_count - shelter.occupied_count
            shelter.rate = share(shelter.occupied_count, shelter.places_count)
            shelter.in_operation = (shelter.in_operation_from is None or shelter.in_operation_from <= self.day) and (
                shelter.in_operation_to is None or shelter.in_operation_to >= self.day
            )
            self.totals.add(shelter)
            (preliminary if shelter.kind in PRELIMINARY_KINDS else follow_up).add(shelter)
        self.by_group = [preliminary, follow_up]


def shelter_overview(user: User, data: QueryDict) -> tuple[Overview, ShelterFilterForm]:
    """The overview's shelters with their counts on the reference date, filtered (a fixed number of queries)."""
    visible = Shelter.objects.visible_to(user)
    municipalities = Municipality.objects.filter(pk__in=visible.values("municipality_id")).order_by("name")
    today = timezone.localdate()
    form = ShelterFilterForm(data or None, municipalities=municipalities, initial={"stichtag": today})
    filters = form.values() if data else {}
    day = filters.get("stichtag") or today
    shelters = visible.select_related("municipality", "organisation")
    texts = []
    if municipality := filters.get("municipality"):
        shelters = shelters.filter(municipality=municipality)
        texts.append(municipality.name)
    kind = filters.get("kind", "")
    if kind in (KIND_GROUP_VU, KIND_GROUP_AU):
        shelters = shelters.in_group(kind)
    elif kind:
        shelters = shelters.filter(kind=kind)
    if kind:
        texts.append(str(dict(form.fields["kind"].choices)[kind]))  # type: ignore[attr-defined]
    shelters = shelters.annotate(places_count=places_on(day), occupied_count=occupied_on(day)).order_by(
        "municipality__name", "name"
    )
    overview = Overview(day=day, shelters=list(shelters), filters_text=", ".join(texts) or _("none"))
    return overview, form


# --- the shelter page ------------------------------------------------------------------------------------


def manages(user: User, shelter: Shelter) -> bool:
    return accommodation_organisation_id(user) == shelter.organisation_id


def shelter_events(shelter: Shelter, places: list[Place], limit: int = HISTORY_LENGTH) -> list[Any]:
    """The newest events of the shelter, its units, places and stays, newest first (a fixed number of queries).

    Events of units and places reference the shelter; events of stays reference their place.
    """
    # The planned move-outs announced by the integration management (lotse.arrivals) reference the shelter too.
    return newest_events(tracked_event_models(frozenset({"accommodation", "arrivals"})), [[shelter], places], limit)


def _history_rows(user: User, shelter: Shelter, places: list[Place]) -> list[dict[str, Any]]:
    # A stay is named by its resident, a place by its number (their str(), lotse.core.records).
    return describe_events(user, shelter_events(shelter, places))


def shelter_page(user: User, shelter: Shelter) -> dict[str, Any]:
    """Places, occupancy and units today; for the operator's staff also residents, former residents and history."""
    today = timezone.localdate()
    totals = (
        Shelter.objects.filter(pk=shelter.pk).annotate(p=places_on(today), o=occupied_on(today)).values("p", "o")[0]
    )
    units: list[Any] = list(
        Unit.objects.filter(shelter=shelter)
        .annotate(places_count=places_on(today, "unit"), occupied_count=occupied_on(today, "unit"))
        .order_by("name")
    )
    for unit in units:
        unit.free_count = unit.places_count - unit.occupied_count
    in_units = sum(u.places_count for u in units), sum(u.occupied_count for u in units)
    without_unit = {"places": totals["p"] - in_units[0], "occupied": totals["o"] - in_units[1]}
    without_unit["free"] = without_unit["places"] - without_unit["occupied"]
    page: dict[str, Any] = {
        "shelter": shelter,
        "today": today,
        "places": totals["p"],
        "occupied": totals["o"],
        "free": totals["p"] - totals["o"],
        "rate": share(totals["o"], totals["p"]),
        "units": units,
        "without_unit": without_unit,
        "managed": manages(user, shelter),
    }
    if page["managed"]:
        from lotse.arrivals.exchange_queries import planned_move_outs

        stays = Occupancy.objects.filter(place__shelter=shelter).select_related("person", "place__unit")
        former = stays.filter(move_out__isnull=False).order_by("-move_out", "-pk")
        residents = list(stays.filter(move_out__isnull=True).order_by("person__family_name", "person__given_names"))
        page.update(
            residents=residents,
            resident_units=resident_units(residents, units, without_unit),
            former=list(former[:FORMER_RESIDENTS_SHOWN]),
            former_count=former.count(),
            history=_history_rows(user, shelter, list(Place.objects.filter(shelter=shelter).only("pk"))),
            # Move-outs the integration management announced for residents who signed an own tenancy.
            planned_move_outs=list(planned_move_outs(user, shelter.pk)),
        )
    return page


@dataclass
class ResidentHousehold:
    """Residents of one unit who live in one household (``household`` None: those without a recorded one)."""

    household: Household | None
    stays: list[Occupancy]
    label: str


@dataclass
class ResidentUnit:
    """A unit (None: the places without a unit) with its counts today and its residents by household."""

    unit: Unit | None
    places: int
    occupied: int
    free: int
    households: list[ResidentHousehold]

    @property
    def residents(self) -> int:
        return sum(len(h.stays) for h in self.households)


def _current_memberships(stays: list[Occupancy]) -> dict[int, HouseholdMembership]:
    return {
        m.person_id: m
        for m in HouseholdMembership.objects.current()
        .filter(person_id__in=[stay.person_id for stay in stays])
        .select_related("household")
    }


def by_household(stays: list[Occupancy], memberships: dict[int, HouseholdMembership]) -> list[ResidentHousehold]:
    """The stays grouped by the residents' current household: households by their label (members head first,
    then by birth date), residents without a recorded household last."""
    groups: dict[int | None, list[Occupancy]] = {}
    for stay in stays:
        membership = memberships.get(stay.person_id)
        groups.setdefault(membership.household_id if membership else None, []).append(stay)
    result = []
    for household_id, members in groups.items():
        if household_id is None:
            result.append(ResidentHousehold(None, members, _("Without a recorded household")))
            continue
        members.sort(
            key=lambda stay: (
                HEAD_FIRST.get(memberships[stay.person_id].relationship, 2),
                stay.person.birth_date or datetime.date.max,
            )
        )
        relationships = [memberships[stay.person_id].relationship for stay in members]
        label = household_label([stay.person for stay in members], relationships)
        result.append(ResidentHousehold(memberships[members[0].person_id].household, members, label))
    result.sort(key=lambda h: (h.household is None, h.label.casefold()))
    return result


def _by_unit(stays: list[Occupancy]) -> dict[int | None, list[Occupancy]]:
    by_unit: dict[int | None, list[Occupancy]] = {}
    for stay in stays:
        by_unit.setdefault(stay.place.unit_id, []).append(stay)
    return by_unit


def resident_units(residents: list[Occupancy], units: list[Any], without_unit: dict[str, int]) -> list[ResidentUnit]:
    """The current residents grouped by unit (by name, those without a unit last) and within it by household
    (households by their label, residents without one last); one query for the households."""
    memberships = _current_memberships(residents)
    by_unit = _by_unit(residents)
    rows = [ResidentUnit(u, u.places_count, u.occupied_count, u.free_count, []) for u in units]
    if without_unit["places"] or without_unit["occupied"] or None in by_unit:
        rows.append(ResidentUnit(None, without_unit["places"], without_unit["occupied"], without_unit["free"], []))
    for row in rows:
        row.households = by_household(by_unit.get(row.unit.pk if row.unit else None, []), memberships)
    return rows


def shelter_residents(shelter: Shelter) -> tuple[list[Occupancy], dict[int, str]]:
    """The current stays of a shelter as its page groups them (by unit, then household), and the household
    label of each stay (the residents' export)."""
    stays = list(
        Occupancy.objects.filter(place__shelter=shelter, move_out__isnull=True)
        .select_related("person", "place__unit", "place__shelter")
        .order_by("person__family_name", "person__given_names", "pk")
    )
    memberships = _current_memberships(stays)
    groups = sorted(
        _by_unit(stays).values(),
        key=lambda group: (group[0].place.unit is None, group[0].place.unit.name if group[0].place.unit else ""),
    )
    ordered: list[Occupancy] = []
    labels: dict[int, str] = {}
    for group in groups:
        for household in by_household(group, memberships):
            ordered += household.stays
            labels.update((stay.pk, household.label if household.household else "") for stay in household.stays)
    return ordered, labels


# --- residents -------------------------------------------------------------------------------------------


def managing_organisation_id(user: User) -> int:
    organisation_id = accommodation_organisation_id(user)
    assert organisation_id is not None  # the views require the capability to manage shelters
    return organisation_id


def matching_name(persons: QuerySet[Person], text: str) -> QuerySet[Person]:
    """Persons whose names or aliases contain ``text``, also in another spelling (the folded search key)."""
    query, folded = plain(text), fold(text)
    if not query:
        return persons.none()
    return persons.filter(Q(search_text__contains=query) | Q(search_key__contains=folded))


def move_targets(user: User, exclude: Shelter | None = None) -> list[Any]:
    """The user's shelters in operation today with their free places: where a resident can move to."""
    today = timezone.localdate()
    shelters = (
        Shelter.objects.managed_by(user)
        .in_operation_on(today)
        .annotate(places_count=places_on(today), occupied_count=occupied_on(today))
        .order_by("name")
    )
    if exclude is not None:
        shelters = shelters.exclude(pk=exclude.pk)
    result: list[Any] = list(shelters)
    for shelter in result:
        shelter.free_count = shelter.places_count - shelter.occupied_count
    return result


def _with_current_stay(persons: QuerySet[Person], organisation_id: int) -> QuerySet[Person]:
    """Annotate where the person lives now: the name of an own shelter, or only that they live somewhere else."""
    current = Occupancy.objects.filter(person_id=OuterRef("pk"), move_out__isnull=True)
    own = current.filter(place__shelter__organisation_id=organisation_id).values("place__shelter__name")[:1]
    return persons.annotate(own_shelter=Subquery(own), housed=Exists(current))


def hit_label(person: Any) -> str:
    parts = [person.full_name]
    if person.birth_date_display:
        parts.append(_("born %(date)s") % {"date": person.birth_date_display})
    if person.own_shelter:
        parts.append(_("lives in %(shelter)s") % {"shelter": person.own_shelter})
    elif person.housed:
        parts.append(_("lives in another shelter"))
    return " · ".join(parts)


def move_in_candidates(user: User, query: str, preselected: str) -> tuple[list[Any], int | None]:
    """The persons offered for moving in (the one a link preselected first, then the search's matches), and the
    preselected one's id."""
    organisation_id = managing_organisation_id(user)
    residents = residents_visible_to(user)
    hits: list[Any] = []
    if query:
        hits = list(_with_current_stay(matching_name(residents, query), organisation_id)[:SEARCH_HITS])
    if preselected.isascii() and preselected.isdigit():
        chosen = _with_current_stay(residents.filter(pk=int(preselected)), organisation_id).first()
        if chosen is not None:
            return [chosen, *(p for p in hits if p.pk != chosen.pk)], chosen.pk
    return hits, None


def current_stay(person: Person) -> Occupancy | None:
    return Occupancy.objects.filter(person=person, move_out__isnull=True).select_related("place__shelter").first()


def moved_out_page(user: User, occupancy: Occupancy) -> dict[str, Any]:
    """After a move-out: what was recorded, and for an own tenancy the person's open cases the user may edit."""
    assert occupancy.move_out is not None  # the view shows ended stays only
    person = occupancy.person
    own_tenancy = occupancy.move_out_reason == MoveOutReason.PRIVATER_MIETVERTRAG
    cases: list[Case] = []
    if own_tenancy:
        cases = list(
            Case.objects.editable_by(user).open().filter(case_clients__person=person).distinct().order_by("-start_date")
        )
    housing = (
        HousingRecord.objects.filter(person=person, valid_from=occupancy.move_out)
        .select_related("municipality")
        .first()
    )
    return {
        "shelter": occupancy.place.shelter,
        "occupancy": occupancy,
        "person": person,
        "own_tenancy": own_tenancy,
        "cases": cases,
        "housing": housing,
    }


def resident_page(user: User, person: Person) -> dict[str, Any]:
    """A resident's stays (own shelters marked), assignments, housing records and where they could move."""
    organisation_id = managing_organisation_id(user)
    stays: list[Any] = list(
        Occupancy.objects.filter(person=person)
        .select_related("place__shelter", "place__unit")
        .order_by("-move_in", "-pk")
    )
    for stay in stays:
        stay.own = stay.place.shelter.organisation_id == organisation_id
    current = next((s for s in stays if s.move_out is None), None)
    assignments = list(
        Assignment.objects.visible_to(user)
        .filter(assigned_persons__person=person)
        .select_related("municipality", "organisation")
        .distinct()
    )
    from lotse.arrivals.models import PlannedMoveOut

    # The move-out the integration management announced for the current stay in an own shelter (lotse.arrivals).
    planned = (
        PlannedMoveOut.objects.visible_to(user).planned().filter(occupancy=current).select_related("from_organisation")
        if current is not None and current.own
        else PlannedMoveOut.objects.none()
    )
    return {
        "person": person,
        "planned_move_out": planned.first(),
        "nationalities": [nationality_name(code) for code in person.nationalities],
        "stays": stays,
        "current": current,
        "assignments": assignments,
        "housing": list(HousingRecord.objects.filter(person=person).select_related("municipality")),
        "targets": move_targets(user, exclude=current.place.shelter if current and current.own else None),
    }


def current_residents(user: User, query: str) -> QuerySet[Occupancy]:
    """The current stays in the user's shelters, by name; with a query only those whose names match."""
    stays = Occupancy.objects.filter(
        place__shelter__in=Shelter.objects.managed_by(user), move_out__isnull=True
    ).select_related("person", "place__shelter", "place__unit")
    if query:
        stays = stays.filter(person__in=matching_name(Person.objects.all(), query))
    return stays.order_by("person__family_name", "person__given_names", "person_id")


def residents_found(user: User, query: str) -> QuerySet[Occupancy]:
    """The persons whose names match ``query`` who live or lived in the user's shelters, each with their latest
    stay there: the current residents by name, then those who moved out, the most recent first."""
    shelters = Shelter.objects.managed_by(user)
    latest = (
        Occupancy.objects.filter(place__shelter__in=shelters, person_id=OuterRef("person_id"))
        .order_by("-move_in", "-pk")
        .values("pk")[:1]
    )
    return (
        Occupancy.objects.filter(place__shelter__in=shelters, person__in=matching_name(Person.objects.all(), query))
        .filter(pk=Subquery(latest))
        .select_related("person", "place__shelter", "place__unit")
        .order_by(F("move_out").desc(nulls_first=True), "person__family_name", "person__given_names", "person_id")
    )


# --- assignments and intake obligations ------------------------------------------------------------------


def assignment_list(user: User, data: QueryDict) -> tuple[AssignmentFilterForm, QuerySet[Assignment]]:
    """The user's assignments with their number of persons, filtered, newest first (the page and its XLSX)."""
    form = AssignmentFilterForm(data or None)
    assignments = (
        Assignment.objects.visible_to(user)
        .select_related("municipality", "organisation")
        .annotate(person_count=Count("assigned_persons"))
    )
    return form, form.apply(assignments).order_by("-date", "-pk")


def assignment_export(user: User, data: QueryDict) -> tuple[AssignmentFilterForm, list[Assignment]]:
    """The filtered assignments of the list, in its order, each with its persons by name (two queries)."""
    form, assignments = assignment_list(user, data)
    persons = AssignedPerson.objects.select_related("person").order_by(
        "person__family_name", "person__given_names", "person_id"
    )
    return form, list(assignments.prefetch_related(Prefetch("assigned_persons", queryset=persons)))


ASSIGNMENTS_PER_PAGE = 50


def assignment_page(user: User, data: QueryDict) -> tuple[AssignmentFilterForm, Page[Assignment]]:
    """One page of the assignment list."""
    form, assignments = assignment_list(user, data)
    return form, Paginator(assignments, ASSIGNMENTS_PER_PAGE).get_page(data.get("page"))


@dataclass
class Candidate:
    """A person offered for an assignment: chosen on the form, and where they were assigned before."""

    person: Person
    checked: bool
    relationship: str = ""
    earlier: list[Assignment] = field(default_factory=list)

    @property
    def assigned(self) -> bool:
        return bool(self.earlier)


@dataclass
class CandidateHousehold:
    """A household with its current members the user may read (``household`` None: persons without one)."""

    household: Household | None
    members: list[Candidate]
    checked: bool = False

    @property
    def label(self) -> str:
        if self.household is None:
            return _("Without a recorded household")
        return household_label([c.person for c in self.members], [c.relationship for c in self.members])

    @property
    def open_members(self) -> list[Candidate]:
        return [c for c in self.members if not c.assigned]


@dataclass
class CandidateSection:
    title: str
    households: list[CandidateHousehold]


HEAD_FIRST: dict[str, int] = {Relationship.HEAD: 0, Relationship.PARTNER: 1}


def household_label(persons: list[Person], relationships: list[str]) -> str:
    """ "Household of <the head's name>" (else of the first member's)."""
    named = next((p for p, r in zip(persons, relationships, strict=True) if r == Relationship.HEAD), persons[0])
    return _("Household of %(name)s") % {"name": named.full_name}


def _member_order(candidate: Candidate) -> tuple[int, datetime.date, str, int]:
    born = candidate.person.birth_date or datetime.date.max
    return (HEAD_FIRST.get(candidate.relationship, 2), born, candidate.person.full_name, candidate.person.pk)


def candidate_sections(user: User, chosen: set[int], chosen_households: set[int], query: str) -> list[CandidateSection]:
    """The persons offered for an assignment, grouped by household, in a fixed number of queries.

    First the current residents of the user's shelters, by shelter; then the matches of a name search
    (and persons chosen before who are neither). A household comes with all its current members the
    user may read, also those living elsewhere, under the shelter (or search) where it is met first.
    Everyone already assigned is marked with the assignments the user sees.
    """
    readable = residents_visible_to(user)
    stays = (
        Occupancy.objects.current()
        .filter(place__shelter__in=Shelter.objects.managed_by(user))
        .select_related("person", "place__shelter")
        .order_by("place__shelter__name", "person__family_name", "person__given_names", "person_id")
    )
    found: list[tuple[str, Person]] = [(stay.place.shelter.name, stay.person) for stay in stays]
    listed = {person.pk for _title, person in found}
    extra = readable.filter(pk__in=chosen - listed)
    if query.strip():
        extra = extra | readable.filter(name_filter(query)).exclude(pk__in=listed)
    search_title = _("Search results")
    found += [(search_title, person) for person in extra.order_by("family_name", "given_names", "pk")[:MAX_CANDIDATES]]
    ids = {person.pk for _title, person in found}
    memberships = list(
        HouseholdMembership.objects.current()
        .filter(
            Q(person_id__in=ids)
            | Q(
                household__in=HouseholdMembership.objects.current().filter(person_id__in=ids).values("household_id"),
                person__in=readable,
            )
        )
        .select_related("person", "household")
    )
    household_of = {m.person_id: m.household for m in memberships}
    relationship_of = {m.person_id: m.relationship for m in memberships}
    members: dict[int, list[Person]] = {}
    for membership in memberships:
        members.setdefault(membership.household_id, []).append(membership.person)
    everyone = ids | {m.person_id for m in memberships}
    earlier: dict[int, list[Assignment]] = {}
    for assigned in (
        AssignedPerson.objects.filter(person_id__in=everyone, assignment__in=Assignment.objects.visible_to(user))
        .select_related("assignment__municipality")
        .order_by("assignment__date", "assignment_id")
    ):
        earlier.setdefault(assigned.person_id, []).append(assigned.assignment)

    def candidate(person: Person) -> Candidate:
        return Candidate(person, person.pk in chosen, relationship_of.get(person.pk, ""), earlier.get(person.pk, []))

    sections: dict[str, CandidateSection] = {}
    households: dict[int, CandidateHousehold] = {}
    for title, person in found:
        section = sections.setdefault(title, CandidateSection(title, []))
        household = household_of.get(person.pk)
        if household is None:
            alone = next((h for h in section.households if h.household is None), None)
            if alone is None:
                alone = CandidateHousehold(None, [])
                section.households.append(alone)
            alone.members.append(candidate(person))
            continue
        if household.pk in households:
            continue
        group = CandidateHousehold(
            household,
            sorted((candidate(p) for p in members[household.pk]), key=_member_order),
            household.pk in chosen_households,
        )
        households[household.pk] = group
        section.households.append(group)
    for section in sections.values():
        # Households by their label; persons without a recorded household last.
        section.households.sort(key=lambda h: (h.household is None, h.label.casefold()))
    return list(sections.values())


def assigned_persons(assignment: Assignment) -> list[Any]:
    return list(
        assignment.assigned_persons.select_related("person").order_by("person__family_name", "person__given_names")
    )


def intake_year(data: QueryDict, field: str = "jahr") -> int:
    text = data.get(field, "")
    # ASCII digits only: str.isdigit() also takes "¹" and other digits int() refuses.
    if text.isascii() and text.isdigit() and 2000 <= int(text) <= 2100:
        return int(text)
    return timezone.localdate().year


def intake_municipalities(year: int) -> list[Any]:
    """Every municipality of the county (the installation), by name, with the persons assigned in ``year``."""
    return list(
        Municipality.objects.annotate(
            assigned=Count(
                "assignments__assigned_persons__person", distinct=True, filter=Q(assignments__date__year=year)
            )
        ).order_by("name", "ags")
    )


def stored_obligations(year: int) -> dict[int, IntakeObligation]:
    return {o.municipality_id: o for o in IntakeObligation.objects.filter(year=year)}


def intake_rows(municipalities: list[Any], stored: dict[int, IntakeObligation]) -> list[dict[str, Any]]:
    """Per municipality: obligation, assigned, percent fulfilled (the numbers beside the form's fields)."""
    rows = []
    for municipality in municipalities:
        obligation = stored.get(municipality.pk)
        persons = obligation.persons if obligation else None
        rows.append(
            {
                "municipality": municipality,
                "obligation": persons,
                "assigned": municipality.assigned,
                "percent": share(municipality.assigned, persons),
            }
        )
    return rows


# --- figures of a municipality ---------------------------------------------------------------------------


def _default_municipality(user: User) -> Municipality | None:
    if user.organisation.municipality_id is not None:
        return user.organisation.municipality
    return figure_municipalities().filter(shelters__isnull=False).first() or figure_municipalities().first()


def figures_form(user: User, data: QueryDict) -> FiguresForm:
    """The figures' reference date and municipality; today and the user's (or the first) municipality by default."""
    values = data.copy()
    if not values.get("stichtag"):
        values["stichtag"] = timezone.localdate().isoformat()
    if not values.get("gemeinde"):
        default = _default_municipality(user)
        if default is not None:
            values["gemeinde"] = default.ags
    return FiguresForm(values)


def computed_figures(form: FiguresForm) -> tuple[MunicipalityFigures, list[MunicipalityFigures]] | None:
    """The chosen municipality's figures and the overview of all, or None when the form is invalid."""
    if not form.is_valid() or form.cleaned_data.get("gemeinde") is None:
        return None
    data = form.cleaned_data
    chosen = data["gemeinde"]
    overview = figures_overview(data["stichtag"], data.get("von"))
    # The overview has the chosen municipality unless it has neither shelters nor assignments.
    figures = next((f for f in overview if f.municipality.pk == chosen.pk), None)
    if figures is None:
        figures = municipality_figures(chosen, data["stichtag"], data.get("von"))
    return figures, overview


def figures_page(form: FiguresForm, xlsx_url: str) -> dict[str, Any]:
    """The figures page: the definitions always, the figures and the overview when the form is valid."""
    page: dict[str, Any] = {
        "form": form,
        "definitions": [
            (figure_exports.FIGURE_LABELS[key], text) for key, text in figure_exports.FIGURE_DEFINITIONS.items()
        ],
        "overview_labels": [figure_exports.FIGURE_LABELS[key] for key in figure_exports.OVERVIEW_KEYS],
    }
    computed = computed_figures(form)
    if computed is not None:
        figures, overview = computed
        page.update(
            figures=figures,
            person_rows=figure_exports.person_rows(figures),
            overview=[(f.municipality, [f.value(key) for key in figure_exports.OVERVIEW_KEYS]) for f in overview],
            xlsx_url=xlsx_url,
        )
    return page


# --- the capacity forecast -------------------------------------------------------------------------------


def forecast_request(data: QueryDict) -> tuple[Group | None, int]:
    group = GROUPS.get(data.get("gruppe", ""))
    horizon = 12 if data.get("monate") == "12" else MAX_HORIZON
    return group, horizon


def expected_intake(organisation: Organisation, months: list[datetime.date]) -> dict[datetime.date, int]:
    """The stored expected intake of the months (0 where none is stored)."""
    stored = dict(
        ExpectedIntake.objects.filter(organisation=organisation, month__in=months).values_list("month", "persons")
    )
    return {month: stored.get(month, 0) for month in months}


def forecast_months(data: QueryDict) -> list[datetime.date]:
    return next_months(timezone.localdate(), forecast_request(data)[1])


def organisation_forecast(organisation: Organisation, data: QueryDict) -> Forecast:
    group, horizon = forecast_request(data)
    return load_forecast(organisation, timezone.localdate(), group, horizon)


def basis_text(forecast: Forecast) -> str:
    first = date_format(basis_window(forecast.today)[0], "YEAR_MONTH_FORMAT")
    return _(
        "Observed move-out rate: %(rate)s %% of the residents per month — %(move_outs)s move-outs in the 12 full "
        "months from %(first)s, with on average %(average)s residents at the month ends."
    ) % {
        "rate": f"{forecast.rate_percent:.1f}".replace(".", ","),
        "move_outs": forecast.basis_move_outs,
        "first": first,
        "average": f"{float(forecast.average_residents):.1f}".replace(".", ","),
    }


def _chart(forecast: Forecast) -> dict[str, Any]:
    labels = [date_format(row.month, "YEAR_MONTH_FORMAT") for row in forecast.rows]
    runs_out = None
    if forecast.runs_out is not None:
        runs_out = labels[[row.month for row in forecast.rows].index(forecast.runs_out)]
    return {
        "type": "line",
        "unit": _("persons"),
        "labels": labels,
        "datasets": [
            {"label": _("Residents"), "data": [row.residents for row in forecast.rows]},
            {"label": _("Places"), "data": [row.places for row in forecast.rows]},
        ],
        "runs_out": runs_out,
        "runs_out_label": _("Places run out"),
    }


def forecast_page(organisation: Organisation, data: QueryDict) -> dict[str, Any]:
    """The forecast of the organisation's places by month, its basis, outcome and chart."""
    group, horizon = forecast_request(data)
    forecast = organisation_forecast(organisation, data)
    return {
        "forecast": forecast,
        "basis_text": basis_text(forecast),
        "outcome": figure_exports.forecast_outcome(forecast),
        "chart": _chart(forecast),
        "group": group or "",
        "horizon": horizon,
    }
