"""Read models of the exchange between linked records: the caseworker's notices, the state of a case's links,
the planned move-outs and the link requests the accommodation staff answer."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from lotse.accommodation.models import residents_visible_to
from lotse.arrivals.models import (
    ExchangeNotice,
    LinkRequest,
    LinkRequestStatus,
    PersonLink,
    PlannedMoveOut,
)
from lotse.cases.choices import CaseStatus, ConsentPurpose
from lotse.cases.models import Case, CaseClient, Consent, Substitution
from lotse.core.models import User
from lotse.people.duplicates import LikelyDuplicate, likely_duplicates
from lotse.people.models import Person


def notices_for(user: User) -> list[ExchangeNotice]:
    """The unseen notices about clients of the user's own open cases and of the open cases of the colleagues she
    substitutes for today (Vertretung), oldest first, with their case (one query)."""
    absent = (
        Substitution.objects.in_force_on(timezone.localdate())
        .filter(substitute=user, organisation_id=user.organisation_id)
        .values("absent_id")
    )
    own_case = (
        CaseClient.objects.filter(person_id=OuterRef("person_id"))
        .filter(Q(case__responsible=user) | Q(case__responsible__in=absent))
        .exclude(case__status=CaseStatus.CLOSED)
        .order_by("-case__start_date", "-case_id")
        .values("case_id")[:1]
    )
    return list(
        ExchangeNotice.objects.visible_to(user)
        .filter(seen_at__isnull=True)
        .annotate(case_id=Subquery(own_case))
        .filter(case_id__isnull=False)
        .select_related("person", "municipality", "source_organisation")
        .order_by("created_at", "pk")
    )


@dataclass
class ClientExchange:
    """What the case page says of one client's link with an accommodation record."""

    person: Person
    link: PersonLink | None = None
    # The organisations the exchange runs with today (consents in force), and consents that ended.
    active_with: list[str] = field(default_factory=list)
    ended: list[Consent] = field(default_factory=list)
    requests: list[LinkRequest] = field(default_factory=list)
    # Consents in force with which a link may be requested (no link, no open request to that organisation).
    may_request: list[Consent] = field(default_factory=list)


def _in_force(consent: Consent, today: datetime.date) -> bool:
    return consent.given_on <= today and (consent.withdrawn_on is None or consent.withdrawn_on > today)


def case_exchange(case: Case, consents: Iterable[Consent], client_ids: Iterable[int]) -> list[ClientExchange]:
    """Per client of the case kept by its organisation: linked with which record, the exchange active or ended,
    requests to link and where one can be asked for (two queries; the case's consents are given)."""
    today = timezone.localdate()
    clients = list(Person.objects.filter(pk__in=list(client_ids), organisation_id=case.organisation_id))
    ids = [p.pk for p in clients]
    links = {
        link.casework_person_id: link
        for link in PersonLink.objects.filter(casework_person_id__in=ids).select_related(
            "accommodation_person__organisation"
        )
    }
    requests: dict[int, list[LinkRequest]] = {}
    for request in (
        LinkRequest.objects.filter(casework_person_id__in=ids)
        .select_related("housing_organisation", "consent")
        .order_by("-requested_at", "-pk")
    ):
        requests.setdefault(request.casework_person_id, []).append(request)
    exchange = [c for c in consents if c.purpose == ConsentPurpose.HOUSING_EXCHANGE and c.case_id == case.pk]
    rows = []
    for person in sorted(clients, key=lambda p: (p.family_name, p.given_names, p.pk)):
        own = [c for c in exchange if c.person_id == person.pk]
        row = ClientExchange(person=person, link=links.get(person.pk), requests=requests.get(person.pk, []))
        for request in row.requests:
            # A request ends when its consent is withdrawn, at once.
            request.ended = request.status == LinkRequestStatus.OPEN and not _in_force(  # type: ignore[attr-defined]
                request.consent, today
            )
        row.active_with = sorted(
            {str(c.recipient_organisation) for c in own if _in_force(c, today) and c.recipient_organisation_id}
        )
        row.ended = [c for c in own if c.withdrawn_on is not None and c.withdrawn_on <= today]
        if row.link is None:
            waiting = {
                r.housing_organisation_id
                for r in row.requests
                if r.status == LinkRequestStatus.OPEN and not r.ended  # type: ignore[attr-defined]
            }
            row.may_request = [
                c
                for c in own
                if _in_force(c, today) and c.recipient_organisation_id and c.recipient_organisation_id not in waiting
            ]
        if row.link or row.requests or own:
            rows.append(row)
    return rows


def planned_move_outs(user: User, shelter_id: int | None = None) -> QuerySet[PlannedMoveOut]:
    """The planned move-outs from the open stays in the user's shelters (of one shelter, if given)."""
    plans = (
        PlannedMoveOut.objects.visible_to(user)
        .planned()
        .filter(occupancy__move_out__isnull=True)
        .select_related("occupancy__person", "occupancy__place__unit", "shelter", "from_organisation")
    )
    if shelter_id is not None:
        plans = plans.filter(shelter_id=shelter_id)
    return plans.order_by("planned_on", "pk")


def open_link_requests(user: User) -> QuerySet[LinkRequest]:
    """The open requests to link addressed to the user's organisation (consent in force), oldest first."""
    return (
        LinkRequest.objects.visible_to(user)
        .open()
        .select_related("casework_person", "consent__case__organisation")
        .order_by("requested_at", "pk")
    )


def link_candidates(user: User, link_request: LinkRequest) -> list[LikelyDuplicate]:
    """The user's resident records that are likely the client asked about (as the duplicate check finds them)."""
    person = link_request.casework_person
    return likely_duplicates(
        user,
        family_name=person.family_name,
        given_names=person.given_names,
        birth_date=person.birth_date,
        nationalities=person.nationalities,
        scope=residents_visible_to(user),
        exclude=person,
    )


def exchange_counts(user: User) -> dict[str, Any]:
    """The numbers of the accommodation staff's start panel (two queries)."""
    return {
        "planned": planned_move_outs(user).count(),
        "requests": open_link_requests(user).count(),
    }
