"""Every change to a household's search for a flat (Wohnungssuche), made by the caseworkers of the case.

A search is opened from the case for its household (one open search per household at a time), edited with the
version it was loaded at, paused and resumed, or ended by the caseworker; it is closed as "versorgt" only by a
signed lease (``lotse.housing.placement_services.sign_lease``). Who else sees it follows the consents of the
purpose "Wohnungssuche" (``SearchProfile.objects.visible_to``).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext as _

from lotse.cases.choices import CaseStatus
from lotse.cases.models import Case
from lotse.core.access import Capability, require
from lotse.core.models import Municipality, User
from lotse.core.services import audit_context, save_versioned
from lotse.core.transactions import atomic
from lotse.housing.choices import OPEN_PLACEMENT_STATES, Benefits, Need, SearchStatus, Urgency
from lotse.housing.models import SearchProfile
from lotse.people.models import HouseholdMembership

ADULT_AGE = 18
SEARCH_FIELDS = (
    "adults",
    "children",
    "needs",
    "earliest_move_in",
    "benefits",
    "wbs_until",
    "urgency",
    "search_started_on",
    "notes",
)


def composition(case: Case, on: datetime.date) -> tuple[int, int]:
    """Adults and children among the current members of the case's household on ``on`` (a member without a date
    of birth counts as an adult), the prefill of a new search."""
    adults = children = 0
    for membership in (
        HouseholdMembership.objects.current().filter(household_id=case.household_id).select_related("person")
    ):
        age = membership.person.age_on(on)
        if age is not None and age < ADULT_AGE:
            children += 1
        else:
            adults += 1
    return max(adults, 1), children


def _check_values(fields: dict[str, Any]) -> None:
    if fields.get("adults") is not None and fields["adults"] < 1:
        raise ValidationError(_("A search needs at least one adult."), code="no_adult")
    if fields.get("children") is not None and fields["children"] < 0:
        raise ValidationError(_("The number of children cannot be negative."), code="children")
    if bad := [need for need in fields.get("needs", []) if need not in Need.values]:
        raise ValidationError(_("Unknown need “%(code)s”.") % {"code": bad[0]}, code="need")
    if "benefits" in fields and fields["benefits"] not in Benefits.values:
        raise ValidationError(_("Choose who pays the rent."), code="benefits")
    if "urgency" in fields and fields["urgency"] not in Urgency.values:
        raise ValidationError(_("Choose the urgency."), code="urgency")
    started = fields.get("search_started_on")
    if started is not None and started > timezone.localdate():
        raise ValidationError(_("The search cannot begin in the future."), code="future")


def open_search(
    *,
    acting_user: User | None,
    case: Case,
    adults: int,
    children: int,
    earliest_move_in: datetime.date,
    search_started_on: datetime.date,
    needs: Iterable[str] = (),
    preferred_municipalities: Iterable[Municipality] = (),
    benefits: str = Benefits.NONE,
    wbs_until: datetime.date | None = None,
    urgency: str = Urgency.NORMAL,
    notes: str = "",
) -> SearchProfile:
    """Open the search of the case's household (its caseworkers only; one open search per household)."""
    require(acting_user, Capability.CASEWORK, organisation_id=case.organisation_id, code="not_owner")
    fields: dict[str, Any] = {
        "adults": adults,
        "children": children,
        "needs": list(dict.fromkeys(needs)),
        "earliest_move_in": earliest_move_in,
        "benefits": benefits,
        "wbs_until": wbs_until,
        "urgency": urgency,
        "search_started_on": search_started_on,
        "notes": notes,
    }
    _check_values(fields)
    with atomic(), audit_context(acting_user):
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.status == CaseStatus.CLOSED:
            raise ValidationError(_("The case is closed: open it again before starting a search."), code="closed")
        if SearchProfile.objects.filter(
            household_id=case.household_id, status__in=[SearchStatus.SEARCHING, SearchStatus.PAUSED]
        ).exists():
            raise ValidationError(
                _("This household is already searching for a flat. Change that search instead of opening a second."),
                code="open_search",
            )
        profile = SearchProfile(
            organisation_id=case.organisation_id,
            case=case,
            household_id=case.household_id,
            status=SearchStatus.SEARCHING,
            status_since=search_started_on,
            created_by=acting_user,
            **fields,
        )
        profile.full_clean(exclude=["organisation", "case", "household"])
        try:
            with atomic():
                profile.save()
        except IntegrityError:
            raise ValidationError(
                _("This household is already searching for a flat. Change that search instead of opening a second."),
                code="open_search",
            ) from None
        profile.preferred_municipalities.set(list(preferred_municipalities))
        return profile


def update_search(
    *,
    acting_user: User | None,
    profile: SearchProfile,
    expected_version: int,
    preferred_municipalities: Iterable[Municipality] | None = None,
    **fields: Any,
) -> SearchProfile:
    """Change what the household looks for (its caseworkers only; not once the search is closed)."""
    require(acting_user, Capability.CASEWORK, organisation_id=profile.organisation_id, code="not_owner")
    if unknown := set(fields) - set(SEARCH_FIELDS):
        raise TypeError(f"unknown search fields {sorted(unknown)}")
    _check_values(fields)
    with atomic(), audit_context(acting_user):
        if profile.status in (SearchStatus.HOUSED, SearchStatus.ENDED):
            raise ValidationError(_("A closed search cannot be changed."), code="closed")
        for name, value in fields.items():
            setattr(profile, name, value)
        profile.full_clean(exclude=["organisation", "case", "household"])
        save_versioned(profile, expected_version, fields)
        if preferred_municipalities is not None:
            profile.preferred_municipalities.set(list(preferred_municipalities))
        return profile


# Which status a caseworker may set from which: pausing, resuming, ending. "versorgt" comes from a lease only.
TRANSITIONS: dict[str, frozenset[str]] = {
    SearchStatus.SEARCHING: frozenset({SearchStatus.PAUSED, SearchStatus.ENDED}),
    SearchStatus.PAUSED: frozenset({SearchStatus.SEARCHING, SearchStatus.ENDED}),
    SearchStatus.HOUSED: frozenset(),
    SearchStatus.ENDED: frozenset(),
}


def change_search_status(
    *,
    acting_user: User | None,
    profile: SearchProfile,
    expected_version: int,
    to_status: str,
    on: datetime.date,
    note: str = "",
) -> SearchProfile:
    """Pause, resume or end the search on ``on`` (its caseworkers only)."""
    require(acting_user, Capability.CASEWORK, organisation_id=profile.organisation_id, code="not_owner")
    if to_status == SearchStatus.HOUSED:
        raise ValidationError(
            _("A search is closed as “found a flat” by recording the signed lease of the placement."), code="housed"
        )
    if to_status not in TRANSITIONS.get(profile.status, frozenset()):
        raise ValidationError(
            _("A search that is “%(from)s” cannot become “%(to)s”.")
            % {"from": SearchStatus(profile.status).label, "to": _label(to_status)},
            code="transition",
        )
    if on > timezone.localdate():
        raise ValidationError(_("The date cannot lie in the future."), code="future")
    if on < profile.status_since:
        raise ValidationError(
            _("The date cannot lie before the current status began (%(date)s).")
            % {"date": f"{profile.status_since:%d.%m.%Y}"},
            code="before_status",
        )
    with atomic(), audit_context(acting_user):
        if to_status == SearchStatus.ENDED and profile.placements.filter(state__in=OPEN_PLACEMENT_STATES).exists():
            raise ValidationError(
                _("Placements of this search are still open. Record their refusal before ending the search."),
                code="open_placements",
            )
        profile.status, profile.status_since = to_status, on
        changed = ["status", "status_since"]
        if note:
            profile.notes = f"{profile.notes}\n{on:%d.%m.%Y}: {note}".strip()
            changed.append("notes")
        save_versioned(profile, expected_version, changed)
        return profile


def _label(status: str) -> str:
    return str(SearchStatus(status).label) if status in SearchStatus.values else status


def pause_search(*, acting_user: User | None, profile: SearchProfile, expected_version: int, on: datetime.date) -> Any:
    return change_search_status(
        acting_user=acting_user,
        profile=profile,
        expected_version=expected_version,
        to_status=SearchStatus.PAUSED,
        on=on,
    )


def resume_search(*, acting_user: User | None, profile: SearchProfile, expected_version: int, on: datetime.date) -> Any:
    return change_search_status(
        acting_user=acting_user,
        profile=profile,
        expected_version=expected_version,
        to_status=SearchStatus.SEARCHING,
        on=on,
    )


def end_search(
    *, acting_user: User | None, profile: SearchProfile, expected_version: int, on: datetime.date, note: str = ""
) -> Any:
    return change_search_status(
        acting_user=acting_user,
        profile=profile,
        expected_version=expected_version,
        to_status=SearchStatus.ENDED,
        on=on,
        note=note,
    )
