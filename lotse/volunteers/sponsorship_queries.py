"""Read models of the sponsorship pages: programmes, households in a programme, sponsorships, check-ins due,
matching, and the summary a consenting household's integration management sees on its case."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from lotse.core.access import Capability, can
from lotse.core.models import User
from lotse.people.duplicates import LikelyDuplicate, likely_duplicates
from lotse.people.models import HouseholdMembership, Person
from lotse.people.search import fold
from lotse.volunteers import matching
from lotse.volunteers.choices import OPEN_SPONSORSHIP_STATES, SponsorshipState
from lotse.volunteers.models import (
    CheckIn,
    Participation,
    Programme,
    Sponsorship,
    SponsorshipStep,
    Volunteer,
    coordinating_organisation_id,
)
from lotse.volunteers.sponsorship_forms import SponsorshipFilterForm


def newcomers_visible_to(user: User | AnonymousUser) -> QuerySet[Person]:
    """The persons of households in the programmes the user coordinates (and no other person of the organisation)."""
    organisation_id = coordinating_organisation_id(user)
    if organisation_id is None:
        return Person.objects.none()
    in_programme = Participation.objects.filter(
        organisation_id=organisation_id,
        household__memberships__person_id=OuterRef("pk"),
    )
    return Person.objects.filter(organisation_id=organisation_id).filter(Exists(in_programme))


def _current_members(household_ids: list[int]) -> dict[int, list[HouseholdMembership]]:
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


def _sponsorships(base: QuerySet[Sponsorship] | None = None) -> QuerySet[Sponsorship]:
    return (
        (Sponsorship.objects.all() if base is None else base)
        .select_related("participation__programme")
        .prefetch_related(Prefetch("sponsors", queryset=Volunteer.objects.order_by("family_name", "given_names", "pk")))
    )


def _open_count() -> Count:
    return Count("sponsorships", filter=Q(sponsorships__state__in=OPEN_SPONSORSHIP_STATES), distinct=True)


def programme_list(user: User) -> dict[str, Any]:
    programmes = Programme.objects.visible_to(user).annotate(
        households=Count("participations", distinct=True),
        open_sponsorships=Count(
            "participations__sponsorships",
            filter=Q(participations__sponsorships__state__in=OPEN_SPONSORSHIP_STATES),
            distinct=True,
        ),
    )
    waiting = waiting_counts(user)
    rows = [{"programme": programme, "waiting": waiting.get(programme.pk, 0)} for programme in programmes]
    return {"rows": rows}


def waiting_counts(user: User) -> dict[int, int]:
    """Per programme, the households waiting for a sponsor."""
    organisation_id = coordinating_organisation_id(user)
    if organisation_id is None:
        return {}
    rows = (
        Participation.objects.filter(organisation_id=organisation_id, left_on__isnull=True)
        .exclude(sponsorships__state__in=OPEN_SPONSORSHIP_STATES)
        .values("programme_id")
        .annotate(count=Count("pk"))
    )
    return {row["programme_id"]: row["count"] for row in rows}


@dataclass
class HouseholdRow:
    participation: Participation
    members: list[HouseholdMembership]
    open_sponsorship: Sponsorship | None

    @property
    def head(self) -> Person | None:
        for row in self.members:
            if row.relationship == "haushaltsvorstand":
                return row.person
        return self.members[0].person if self.members else None


def _household_rows(participations: list[Participation], sponsorships: list[Sponsorship]) -> list[HouseholdRow]:
    members = _current_members([participation.household_id for participation in participations])
    open_by_participation = {
        sponsorship.participation_id: sponsorship
        for sponsorship in sponsorships
        if sponsorship.state in OPEN_SPONSORSHIP_STATES
    }
    return [
        HouseholdRow(
            participation, members.get(participation.household_id, []), open_by_participation.get(participation.pk)
        )
        for participation in participations
    ]


def programme_page(user: User, programme: Programme) -> dict[str, Any]:
    participations = list(programme.participations.select_related("informs_organisation").order_by("joined_on", "pk"))
    sponsorships = list(_sponsorships().filter(participation__programme=programme).order_by("-state_since", "pk"))
    rows = _household_rows(participations, sponsorships)
    by_state = {state: [s for s in sponsorships if s.state == state] for state in SponsorshipState.values}
    return {
        "programme": programme,
        "households": rows,
        "waiting": [row for row in rows if row.open_sponsorship is None and row.participation.left_on is None],
        "by_state": [(SponsorshipState(state).label, state, by_state[state]) for state in SponsorshipState.values],
        "persons_count": sum(len(row.members) for row in rows),
        "children_count": sum(
            1
            for row in rows
            for member in row.members
            if (age := member.person.age_on(timezone.localdate())) is not None and age < 18
        ),
    }


def participation_page(user: User, participation: Participation) -> dict[str, Any]:
    members = _current_members([participation.household_id]).get(participation.household_id, [])
    sponsorships = list(_sponsorships().filter(participation=participation).order_by("-requested_on", "pk"))
    open_sponsorship = next((s for s in sponsorships if s.state in OPEN_SPONSORSHIP_STATES), None)
    return {
        "participation": participation,
        "programme": participation.programme,
        "members": members,
        "sponsorships": sponsorships,
        "open_sponsorship": open_sponsorship,
        "today": timezone.localdate(),
    }


def persons_of(participation: Participation) -> list[Person]:
    return [row.person for row in _current_members([participation.household_id]).get(participation.household_id, [])]


def sponsorship_list(user: User, params: Mapping[str, Any]) -> dict[str, Any]:
    programmes = Programme.objects.visible_to(user)
    form = SponsorshipFilterForm(params, programmes=programmes)
    filters = form.values()
    today = timezone.localdate()
    sponsorships = _sponsorships(Sponsorship.objects.visible_to(user))
    if programme := filters.get("programme"):
        sponsorships = sponsorships.filter(participation__programme=programme)
    if state := filters.get("state"):
        sponsorships = sponsorships.filter(state=state)
    if filters.get("due"):
        sponsorships = sponsorships.filter(next_check_in__lte=today).exclude(state=SponsorshipState.ENDED)
    rows = list(sponsorships.order_by("-requested_on", "pk"))
    members = _current_members(sorted({s.participation.household_id for s in rows}))
    return {
        "form": form,
        "rows": [(s, members.get(s.participation.household_id, [])) for s in rows],
        "today": today,
    }


def sponsorship_page(user: User, sponsorship: Sponsorship) -> dict[str, Any]:
    participation = sponsorship.participation
    return {
        "sponsorship": sponsorship,
        "participation": participation,
        "programme": participation.programme,
        "sponsors": list(sponsorship.sponsors.order_by("family_name", "given_names", "pk")),
        "for_members": list(sponsorship.members.order_by("birth_date", "pk")),
        "members": _current_members([participation.household_id]).get(participation.household_id, []),
        "steps": list(SponsorshipStep.objects.filter(sponsorship=sponsorship).select_related("recorded_by")),
        "check_ins": list(CheckIn.objects.filter(sponsorship=sponsorship).select_related("recorded_by")),
        "today": timezone.localdate(),
    }


def check_ins_due(user: User, today: datetime.date) -> list[Sponsorship]:
    """The open sponsorships whose next check-in is due (today or earlier), most overdue first."""
    return list(
        (_sponsorships(Sponsorship.objects.visible_to(user)))
        .filter(next_check_in__lte=today)
        .exclude(state=SponsorshipState.ENDED)
        .order_by("next_check_in", "pk")
    )


def check_in_worklist(user: User) -> dict[str, Any]:
    today = timezone.localdate()
    due = check_ins_due(user, today)
    members = _current_members(sorted({s.participation.household_id for s in due}))
    return {"rows": [(s, members.get(s.participation.household_id, [])) for s in due], "today": today}


# --- Matching ------------------------------------------------------------------------------------------------


def matching_page(user: User, participation: Participation) -> dict[str, Any]:
    today = timezone.localdate()
    profiles = matching.household_profiles([participation], today)
    volunteers, by_key = matching.volunteer_profiles(participation.organisation_id, today)
    household = profiles[participation.pk]
    candidates = matching.rank(household, volunteers)
    excluded = len(volunteers) - len(candidates)
    return {
        "participation": participation,
        "programme": participation.programme,
        "household": household,
        "members": _current_members([participation.household_id]).get(participation.household_id, []),
        "candidates": [(candidate, by_key[candidate.volunteer.key]) for candidate in candidates],
        "excluded": excluded,
        "waiting": not participation.sponsorships.filter(state__in=OPEN_SPONSORSHIP_STATES).exists(),
    }


def proposal_page(user: User, programme: Programme) -> dict[str, Any]:
    today = timezone.localdate()
    waiting = matching.waiting_participations(programme.organisation_id, programme.pk)
    profiles = matching.household_profiles(waiting, today)
    volunteers, by_key = matching.volunteer_profiles(programme.organisation_id, today)
    pairs = matching.optimal_assignment([profiles[p.pk] for p in waiting], volunteers)
    by_participation = {participation.pk: participation for participation in waiting}
    members = _current_members([participation.household_id for participation in waiting])
    volunteer_by_key = {profile.key: profile for profile in volunteers}
    rows = []
    for pair in pairs:
        participation = by_participation[pair.household]
        rows.append(
            {
                "participation": participation,
                "members": members.get(participation.household_id, []),
                "volunteer": by_key[pair.volunteer],
                "score": pair.score,
                "parts": matching.score_parts(profiles[pair.household], volunteer_by_key[pair.volunteer]),
            }
        )
    matched = {pair.household for pair in pairs}
    unmatched = [
        {"participation": p, "members": members.get(p.household_id, [])} for p in waiting if p.pk not in matched
    ]
    return {
        "programme": programme,
        "rows": rows,
        "unmatched": unmatched,
        "total": sum(pair.score for pair in pairs),
    }


# --- What a consenting household's integration management sees ------------------------------------------------


@dataclass(frozen=True)
class SponsorshipNotice:
    """All the integration management learns: that a sponsorship exists, its state, the programme and the first
    names of the sponsors."""

    programme: str
    state: str
    sponsor_first_names: list[str]


def _identity(person: Person) -> tuple[str, str, datetime.date | None]:
    return (fold(person.family_name), fold(person.given_names), person.birth_date)


def sponsorships_for_case(user: User | AnonymousUser, case: Any) -> list[SponsorshipNotice]:
    """For the caseworkers of the case's organisation: the sponsorships of its clients' households in a programme
    of another organisation that the household consented to tell them of. A household member is the client when
    family name, given names (both folded) and birth date agree (the programme keeps its own records)."""
    if not can(user, Capability.CASEWORK) or getattr(user, "organisation_id", None) != case.organisation_id:
        return []
    clients = [person for person in case.clients.all() if person.birth_date is not None]
    if not clients:
        return []
    wanted = {_identity(person) for person in clients}
    candidates = (
        HouseholdMembership.objects.current()
        .filter(
            person__birth_date__in={person.birth_date for person in clients},
            household__participations__informs_organisation_id=case.organisation_id,
            household__participations__informs_consent_on__isnull=False,
        )
        .select_related("person")
        .only("household_id", "person__family_name", "person__given_names", "person__birth_date")
    )
    households = {row.household_id for row in candidates if _identity(row.person) in wanted}
    if not households:
        return []
    sponsorships = (
        _sponsorships()
        .filter(
            participation__household_id__in=households,
            participation__informs_organisation_id=case.organisation_id,
            participation__informs_consent_on__isnull=False,
        )
        .order_by("-requested_on", "pk")
    )
    return [
        SponsorshipNotice(
            programme=sponsorship.participation.programme.name,
            state=str(sponsorship.get_state_display()),
            sponsor_first_names=[
                (volunteer.given_names.split() or ["–"])[0] for volunteer in sponsorship.sponsors.all()
            ],
        )
        for sponsorship in sponsorships
    ]


@dataclass
class NewcomerDuplicate:
    """A person the organisation already keeps who is likely one of the members being registered."""

    member: str
    hit: LikelyDuplicate
    participations: list[Participation]


def newcomer_duplicates(user: User, members: list[dict[str, Any]]) -> list[NewcomerDuplicate]:
    """For each member about to be registered, the persons the coordinating organisation already keeps (in a
    programme or elsewhere) who are likely the same, with the households' participations (one query per member,
    one for the participations)."""
    organisation_id = coordinating_organisation_id(user)
    if organisation_id is None:
        return []
    scope = Person.objects.filter(organisation_id=organisation_id)
    found: list[NewcomerDuplicate] = []
    for member in members:
        for hit in likely_duplicates(
            user,
            family_name=str(member.get("family_name") or ""),
            given_names=str(member.get("given_names") or ""),
            birth_date=member.get("birth_date"),
            nationalities=list(member.get("nationalities") or []),
            scope=scope,
        ):
            name = f"{member.get('given_names', '')} {member.get('family_name', '')}".strip()
            found.append(NewcomerDuplicate(name, hit, []))
    if found:
        by_person: dict[int, list[Participation]] = {}
        for participation in (
            Participation.objects.filter(
                programme__organisation_id=organisation_id,
                household__memberships__person_id__in=[each.hit.person.pk for each in found],
                household__memberships__valid_to__isnull=True,
            )
            .select_related("programme")
            .annotate(person_id=F("household__memberships__person_id"))
            .order_by("pk")
        ):
            by_person.setdefault(participation.person_id, []).append(participation)  # type: ignore[attr-defined]
        for each in found:
            each.participations = by_person.get(each.hit.person.pk, [])
    return found
