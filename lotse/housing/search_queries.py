"""Read models of the search, matching and placement pages, each in a fixed number of queries."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Paginator
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from lotse.accommodation.models import Occupancy
from lotse.arrivals.models import PersonLink, PlannedMoveOutStatus
from lotse.cases.choices import ConsentPurpose
from lotse.cases.models import Case, Consent
from lotse.core.access import Capability, can
from lotse.core.models import User
from lotse.housing import matching
from lotse.housing.choices import BENEFITS_WITH_RENT_LIMIT, OPEN_PLACEMENT_STATES, Need, PlacementState, SearchStatus
from lotse.housing.models import (
    FlatOffer,
    Placement,
    SearchProfile,
    housing_organisation_id,
    housing_search_consent,
)
from lotse.housing.search_forms import SearchFilterForm
from lotse.people.models import HouseholdMembership, casework_organisation_id

PAGE_SIZE = 50


def _members(household_ids: list[int]) -> dict[int, list[HouseholdMembership]]:
    """The current members of the households, eldest first (one query)."""
    rows = (
        HouseholdMembership.objects.current()
        .filter(household_id__in=household_ids)
        .select_related("person")
        .order_by("person__birth_date", "person_id")
    )
    members: dict[int, list[HouseholdMembership]] = defaultdict(list)
    for row in rows:
        members[row.household_id].append(row)
    return members


def _name_households(profiles: Iterable[SearchProfile]) -> None:
    """Each profile's ``household_name``: the name of its household's eldest current member, as the search list
    shows it (empty when the household has no current member; the page then shows the household's number)."""
    profiles = list(profiles)
    members = _members(sorted({profile.household_id for profile in profiles}))
    for profile in profiles:
        current = members.get(profile.household_id)
        profile.household_name = current[0].person.full_name if current else ""  # type: ignore[attr-defined]


def _profiles(base: QuerySet[SearchProfile]) -> QuerySet[SearchProfile]:
    return base.select_related("organisation", "case__municipality", "household").prefetch_related(
        "preferred_municipalities"
    )


def passed_on(user: User | AnonymousUser) -> Q:
    """The profiles another organisation keeps that its client passed on to the user's housing staff."""
    organisation_id = housing_organisation_id(user)
    if organisation_id is None:
        return Q(pk__in=[])
    return ~Q(organisation_id=organisation_id) & Q(housing_search_consent(organisation_id, "case_id"))


# --- Searches ----------------------------------------------------------------------------------------------------


def search_list(user: User, params: Mapping[str, Any]) -> dict[str, Any]:
    """The searches the user sees (one's organisation's, and those passed on to it), filtered, a page at a time
    (count, profiles, their preferred municipalities, members: four queries)."""
    form = SearchFilterForm(params)
    filters = form.values()
    profiles: QuerySet[SearchProfile] = SearchProfile.objects.visible_to(user)
    status = filters.get("status", "" if "status" in params else SearchStatus.SEARCHING)
    if status:
        profiles = profiles.filter(status=status)
    if urgency := filters.get("urgency"):
        profiles = profiles.filter(urgency=urgency)
    if size := filters.get("size"):
        profiles = profiles.alias(persons=F("adults") + F("children")).filter(persons=size)
    if municipality := filters.get("municipality"):
        profiles = profiles.filter(preferred_municipalities=municipality)
    if filters.get("passed_on"):
        profiles = profiles.filter(passed_on(user))
    profiles = _profiles(profiles.order_by("search_started_on", "pk"))
    page = Paginator(profiles, PAGE_SIZE).get_page(params.get("page"))
    rows = list(page.object_list)
    members = _members([profile.household_id for profile in rows])
    query = {key: value for key, value in params.items() if key != "page" and value}
    return {
        "form": form,
        "page": page,
        "rows": [(profile, members.get(profile.household_id, [])) for profile in rows],
        "own_organisation_id": getattr(user, "organisation_id", None),
        "query_string": "&".join(f"{key}={value}" for key, value in query.items()),
        "today": timezone.localdate(),
    }


def passed_on_to(case: Case) -> list[Consent]:
    """The consents of the purpose "Wohnungssuche" in force for the case: to whom the search is passed on."""
    return list(
        Consent.objects.filter(
            case=case, purpose=ConsentPurpose.HOUSING_SEARCH, withdrawn_on__isnull=True
        ).select_related("recipient_organisation", "person")
    )


def search_page(user: User, profile: SearchProfile) -> dict[str, Any]:
    placements = list(
        Placement.objects.visible_to(user)
        .filter(profile=profile)
        .select_related("offer__municipality")
        .order_by("-proposed_on", "-pk")
    )
    return {
        "profile": profile,
        "case": profile.case,
        "members": _members([profile.household_id]).get(profile.household_id, []),
        "municipalities": list(profile.preferred_municipalities.order_by("name")),
        "needs": [Need(code).label for code in profile.needs if code in Need.values],
        "limit_applies": profile.benefits in BENEFITS_WITH_RENT_LIMIT,
        "placements": placements,
        "passed_on_to": passed_on_to(profile.case),
        "editable": SearchProfile.objects.editable_by(user).filter(pk=profile.pk).exists(),
        "sees_case": opens_case(user, profile.case),
        "today": timezone.localdate(),
    }


def opens_case(user: User, case: Case | None) -> bool:
    """Whether the case page opens for the user: casework is theirs to do and the case is visible to them."""
    return (
        case is not None
        and can(user, Capability.CASEWORK)
        and Case.objects.visible_to(user).filter(pk=case.pk).exists()
    )


@dataclass
class CaseSearch:
    """What the case page shows of the household's searches."""

    current: SearchProfile | None
    earlier: int
    passed_on_to: list[Consent]
    may_open: bool


def case_search(user: User | AnonymousUser, case: Case) -> CaseSearch | None:
    """For the caseworkers of the case's organisation: its household's open search (or the link to open one)."""
    if casework_organisation_id(user) != case.organisation_id:
        return None
    profiles = list(SearchProfile.objects.filter(case=case).order_by("-created_at", "-pk"))
    current = next((p for p in profiles if p.status in (SearchStatus.SEARCHING, SearchStatus.PAUSED)), None)
    return CaseSearch(
        current=current,
        earlier=len(profiles) - (1 if current else 0),
        passed_on_to=passed_on_to(case) if profiles else [],
        may_open=current is None and case.status != "abgeschlossen" and can(user, Capability.CASEWORK),
    )


# --- Matching ----------------------------------------------------------------------------------------------------


def offer_matching_page(user: User, offer: FlatOffer) -> dict[str, Any]:
    """The searching households the user sees, ranked for the offer, and those a hard rule excludes."""
    profiles = matching.searching(SearchProfile.objects.visible_to(user))
    world = matching.load([offer], profiles)
    today = timezone.localdate()
    ranking = matching.households_for_offer(
        world.offer_facts[offer.pk], world.household_facts.values(), world.limits, today
    )
    open_pairs = set(
        Placement.objects.filter(offer=offer, state__in=OPEN_PLACEMENT_STATES).values_list("profile_id", flat=True)
    )
    _name_households(world.profiles.values())
    return {
        "offer": offer,
        "fitting": [(m, world.profiles[m.household.key]) for m in ranking.fitting],
        "failing": [(m, world.profiles[m.household.key]) for m in ranking.failing],
        "proposed": open_pairs,
        "weights": matching.WEIGHTS,
        "rules": rule_texts(),
        "today": today,
    }


def household_matching_page(user: User, profile: SearchProfile) -> dict[str, Any]:
    """The open offers the user sees, ranked for the household, and those a hard rule excludes."""
    offers = matching.open_offers(FlatOffer.objects.visible_to(user))
    world = matching.load(offers, matching.with_facts(SearchProfile.objects.filter(pk=profile.pk)))
    today = timezone.localdate()
    ranking = matching.offers_for_household(
        world.household_facts[profile.pk], world.offer_facts.values(), world.limits, today
    )
    open_pairs = set(
        Placement.objects.filter(profile=profile, state__in=OPEN_PLACEMENT_STATES).values_list("offer_id", flat=True)
    )
    return {
        "profile": profile,
        "fitting": [(m, world.offers[m.offer.key]) for m in ranking.fitting],
        "failing": [(m, world.offers[m.offer.key]) for m in ranking.failing],
        "proposed": open_pairs,
        "searching": profile.status == SearchStatus.SEARCHING,
        "weights": matching.WEIGHTS,
        "rules": rule_texts(),
        "today": today,
    }


def rule_texts() -> list[str]:
    from django.utils.translation import gettext as _

    return [
        _("Size: the household's persons are at most the flat's maximum of occupants."),
        _(
            "Rent: where benefits pay the rent, the gross cold rent (rent and service charges without heating) is "
            "at most the county's limit for the household's size in the flat's municipality on the move-in day, "
            "and the living space at most the limit's space where one is set."
        ),
        _("Access: step-free access where needed; the ground floor or a lift where needed."),
        _(
            "Time: the household can move in at most %(days)s days after the flat is free; a limited tenancy runs "
            "at least a year from moving in."
        )
        % {"days": matching.MOVE_IN_WAIT_DAYS},
        _("Pets: a household with a pet does not get a flat whose landlord excludes pets."),
    ]


def proposal_page(user: User) -> dict[str, Any]:
    """The optimal proposal over all open offers and searching households the user sees."""
    offers = list(matching.open_offers(FlatOffer.objects.visible_to(user)).order_by("pk"))
    profiles = list(matching.searching(SearchProfile.objects.visible_to(user)).order_by("pk"))
    world = matching.load(offers, profiles)
    today = timezone.localdate()
    pairs = matching.optimal_assignment(
        list(world.offer_facts.values()), list(world.household_facts.values()), world.limits, today
    )
    open_pairs = set(
        Placement.objects.filter(offer__in=offers, state__in=OPEN_PLACEMENT_STATES).values_list(
            "offer_id", "profile_id"
        )
    )
    _name_households(world.profiles.values())
    rows = []
    for pair in pairs:
        offer, profile = world.offers[pair.offer], world.profiles[pair.household]
        parts = matching.score_parts(world.offer_facts[pair.offer], world.household_facts[pair.household], today)
        rows.append((pair, offer, profile, parts, (offer.pk, profile.pk) in open_pairs))
    return {
        "rows": rows,
        "offers": len(offers),
        "households": len(profiles),
        "total": sum(pair.score for pair in pairs),
        "editable_offers": set(
            FlatOffer.objects.editable_by(user).filter(pk__in=[o.pk for o in offers]).values_list("pk", flat=True)
        ),
        "today": today,
    }


# --- Placements --------------------------------------------------------------------------------------------------


def _placements(base: QuerySet[Placement]) -> QuerySet[Placement]:
    return base.select_related("offer__municipality", "profile__household", "profile__case")


def placement_list(user: User, params: Mapping[str, Any]) -> dict[str, Any]:
    """The open placements the user sees, oldest first, a page at a time (count, placements, members)."""
    placements = _placements(
        Placement.objects.visible_to(user).filter(state__in=OPEN_PLACEMENT_STATES).order_by("proposed_on", "pk")
    )
    page = Paginator(placements, PAGE_SIZE).get_page(params.get("page"))
    rows = list(page.object_list)
    members = _members(sorted({p.profile.household_id for p in rows}))
    return {
        "page": page,
        "rows": [(p, members.get(p.profile.household_id, [])) for p in rows],
        "today": timezone.localdate(),
    }


def offer_placements(user: User, offer: FlatOffer) -> dict[str, Any]:
    rows = list(_placements(Placement.objects.visible_to(user).filter(offer=offer)).order_by("-proposed_on", "-pk"))
    members = _members(sorted({p.profile.household_id for p in rows}))
    return {
        "offer": offer,
        "rows": [(p, members.get(p.profile.household_id, [])) for p in rows],
        "editable": FlatOffer.objects.editable_by(user).filter(pk=offer.pk).exists(),
    }


@dataclass
class MoveOut:
    """A member who lives in a shelter: the planned move-out, or why none is planned."""

    name: str
    shelter: str
    planned_on: datetime.date | None


def move_outs(placement: Placement) -> list[MoveOut]:
    """The household's members whose linked accommodation record has a stay in a shelter, with the planned
    move-out where one is planned (three queries)."""
    members = [m.person for m in _members([placement.profile.household_id]).get(placement.profile.household_id, [])]
    links = {link.accommodation_person_id: link for link in PersonLink.objects.filter(casework_person__in=members)}
    stays = list(
        Occupancy.objects.current()
        .filter(person_id__in=list(links))
        .select_related("place__shelter")
        .prefetch_related("planned_move_outs")
    )
    names = {person.pk: person.full_name for person in members}
    rows = []
    for stay in stays:
        plans = [p for p in stay.planned_move_outs.all() if p.status == PlannedMoveOutStatus.PLANNED]
        rows.append(
            MoveOut(
                names[links[stay.person_id].casework_person_id],
                stay.place.shelter.name,
                plans[0].planned_on if plans else None,
            )
        )
    return rows


def placement_page(user: User, placement: Placement) -> dict[str, Any]:
    from lotse.housing.placement_services import approval_needed

    profile = placement.profile
    organisation_id = getattr(user, "organisation_id", None)
    return {
        "placement": placement,
        "offer": placement.offer,
        "profile": profile,
        "members": _members([profile.household_id]).get(profile.household_id, []),
        "approval_needed": approval_needed(placement),
        "editable": can(user, Capability.HOUSING)
        and organisation_id in (placement.offer.organisation_id, profile.organisation_id),
        "is_open": placement.state in OPEN_PLACEMENT_STATES,
        "move_outs": move_outs(placement) if placement.state == PlacementState.LEASE else [],
    }
