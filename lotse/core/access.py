"""Authorisation: capabilities held by roles, and fetching records scoped to the user.

One table (``CAPABILITIES``) says which roles hold which capability. Views
declare the capability they need (``@capability_required``), services guard
with ``require``, the navigation and the URL-matrix test read the same
table. A new role or capability is one row here (a new role also needs its
code in ``Role`` and the migration of the user's role constraint).

Deny by default: every view that is not explicitly public must declare a
capability; the CapabilityMiddleware refuses views without one, and a test
walks every URL pattern to prove the declaration is there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from lotse.core.choices import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from lotse.core.models import User


class Capability(StrEnum):
    SIGNED_IN = "signed_in"
    SEE_COLLEAGUES = "see_colleagues"
    CASEWORK = "casework"
    LEAD_TEAM = "lead_team"
    KEY_FIGURES = "key_figures"
    KEY_FIGURES_OF_ALL = "key_figures_of_all"
    SHELTER_NUMBERS = "shelter_numbers"
    SHELTER_NUMBERS_OF_ALL = "shelter_numbers_of_all"
    MANAGE_SHELTERS = "manage_shelters"
    ASSIGN = "assign"
    EDIT_NETWORK = "edit_network"
    KEEP_CATEGORIES = "keep_categories"
    ADMINISTER_USERS = "administer_users"
    ADMINISTER_INSTALLATION = "administer_installation"
    IMPORT_WORKBOOKS = "import_workbooks"
    READ_AUDIT = "read_audit"
    MERGE_PERSONS = "merge_persons"
    READ_RESPONSIBILITIES = "read_responsibilities"
    MANAGE_RESPONSIBILITIES = "manage_responsibilities"
    RECEIVE_ARRIVALS = "receive_arrivals"
    HAND_OVER_FROM_SHELTER = "hand_over_from_shelter"
    MONITOR_PRELIMINARY_ACCOMMODATION = "monitor_preliminary_accommodation"
    COORDINATE_VOLUNTEERS = "coordinate_volunteers"
    REQUEST_INTERPRETER = "request_interpreter"
    VOLUNTEER_FIGURES = "volunteer_figures"
    HOUSING = "housing"
    KEEP_RENT_LIMITS = "keep_rent_limits"
    HOUSING_FIGURES = "housing_figures"


@dataclass(frozen=True)
class CapabilityRow:
    roles: frozenset[str]
    # What a service answers a user who lacks the capability (German via gettext).
    refusal: Promise


R = Role
CAPABILITIES: dict[Capability, CapabilityRow] = {
    Capability.SIGNED_IN: CapabilityRow(frozenset(Role.values), _("Please sign in.")),
    # The users of one's own organisation; statistics works on aggregates only and sees nobody but itself.
    Capability.SEE_COLLEAGUES: CapabilityRow(
        frozenset(Role.values) - {R.STATISTIK}, _("You may not see the users of your organisation.")
    ),
    Capability.CASEWORK: CapabilityRow(
        frozenset({R.INTEGRATIONSMANAGEMENT, R.TEAMLEITUNG}),
        _("Only the organisation responsible for the case may change it."),
    ),
    # The team page: every caseworker's caseload, reassigning cases, substitutions during an absence.
    Capability.LEAD_TEAM: CapabilityRow(
        frozenset({R.TEAMLEITUNG}), _("Only the team lead of the organisation may do this.")
    ),
    Capability.KEY_FIGURES: CapabilityRow(
        frozenset({R.STATISTIK, R.TEAMLEITUNG, R.SYSTEMADMINISTRATION}), _("You may not read the key figures.")
    ),
    # Key figures of every organisation, not only of one's own.
    Capability.KEY_FIGURES_OF_ALL: CapabilityRow(
        frozenset({R.STATISTIK, R.SYSTEMADMINISTRATION}), _("You may not read the key figures of every organisation.")
    ),
    # Places and occupancy counts, which are no personal data.
    Capability.SHELTER_NUMBERS: CapabilityRow(
        frozenset({R.UNTERBRINGUNG, R.STATISTIK, R.SYSTEMADMINISTRATION}), _("You may not see the shelters.")
    ),
    # Every shelter's places and counts, not only one's own (the county's accommodation staff too, by the rule
    # lotse.accommodation.models.assigns_for_county).
    Capability.SHELTER_NUMBERS_OF_ALL: CapabilityRow(
        frozenset({R.STATISTIK, R.SYSTEMADMINISTRATION}), _("You may not see the shelters.")
    ),
    Capability.MANAGE_SHELTERS: CapabilityRow(
        frozenset({R.UNTERBRINGUNG}),
        _("Only the accommodation staff of the operating organisation may change this shelter."),
    ),
    # Assignments and intake obligations; the services also require the organisation to be a Landratsamt.
    Capability.ASSIGN: CapabilityRow(
        frozenset({R.UNTERBRINGUNG}),
        _("Only the accommodation staff of the district office assign persons to municipalities."),
    ),
    Capability.EDIT_NETWORK: CapabilityRow(
        frozenset({R.SYSTEMADMINISTRATION, R.EHRENAMTSKOORDINATION, R.NETZWERKPFLEGE}),
        _("Only the editors of the network directory may change it."),
    ),
    Capability.KEEP_CATEGORIES: CapabilityRow(
        frozenset({R.SYSTEMADMINISTRATION}), _("Only system administrators keep the categories of the network.")
    ),
    Capability.ADMINISTER_USERS: CapabilityRow(
        frozenset({R.ORGANISATIONSADMINISTRATION, R.SYSTEMADMINISTRATION}),
        _("You may only manage users of your own organisation."),
    ),
    # Everything of every organisation (users, imports, history, access log, system administrators).
    Capability.ADMINISTER_INSTALLATION: CapabilityRow(
        frozenset({R.SYSTEMADMINISTRATION}), _("Only system administrators may do this.")
    ),
    Capability.IMPORT_WORKBOOKS: CapabilityRow(
        frozenset({R.ORGANISATIONSADMINISTRATION, R.SYSTEMADMINISTRATION}),
        _("Only the administrators of the organisation may import into it."),
    ),
    # Two records of one person, registered twice, become one (lotse.people.merge).
    Capability.MERGE_PERSONS: CapabilityRow(
        frozenset({R.TEAMLEITUNG}), _("Only the team leads of the organisation may merge persons.")
    ),
    # Which organisations counsel the people of each municipality (lotse.arrivals): no personal data, read by
    # integration management, team leads and accommodation staff, kept by the district office's system administrators.
    Capability.READ_RESPONSIBILITIES: CapabilityRow(
        frozenset({R.INTEGRATIONSMANAGEMENT, R.TEAMLEITUNG, R.UNTERBRINGUNG, R.SYSTEMADMINISTRATION}),
        _("You may not see the responsibilities for integration management."),
    ),
    Capability.MANAGE_RESPONSIBILITIES: CapabilityRow(
        frozenset({R.SYSTEMADMINISTRATION}),
        _("Only system administrators keep the responsibilities for integration management."),
    ),
    # The new arrivals (Neuzugänge) assigned to the municipalities the organisation is responsible for: first
    # contact, opening a case from an arrival (lotse.arrivals).
    Capability.RECEIVE_ARRIVALS: CapabilityRow(
        frozenset({R.INTEGRATIONSMANAGEMENT, R.TEAMLEITUNG}),
        _("Only the integration management responsible for the municipality sees its new arrivals."),
    ),
    # The social service of a shelter hands a household over to the integration management (Übergabebogen).
    Capability.HAND_OVER_FROM_SHELTER: CapabilityRow(
        frozenset({R.UNTERBRINGUNG}),
        _("Only the staff of the shelter hand its residents over to the integration management."),
    ),
    # The persons in the district office's preliminary accommodation with their months there (VU monitor);
    # the services also require the organisation to be a Landratsamt.
    Capability.MONITOR_PRELIMINARY_ACCOMMODATION: CapabilityRow(
        frozenset({R.UNTERBRINGUNG}),
        _("Only the accommodation staff of the district office see the stays in preliminary accommodation."),
    ),
    # Volunteers, sponsorship programmes, meetings and the interpreter pool of the organisation (lotse.volunteers).
    Capability.COORDINATE_VOLUNTEERS: CapabilityRow(
        frozenset({R.EHRENAMTSKOORDINATION}),
        _("Only the volunteer coordination of the organisation may do this."),
    ),
    # Asking the volunteer interpreter pool for an interpreter, from a case or a shelter.
    Capability.REQUEST_INTERPRETER: CapabilityRow(
        frozenset({R.INTEGRATIONSMANAGEMENT, R.TEAMLEITUNG, R.UNTERBRINGUNG}),
        _("Only casework and accommodation staff may request an interpreter."),
    ),
    # The figures of volunteering (no personal data): the coordination its own, statistics every organisation's.
    Capability.VOLUNTEER_FIGURES: CapabilityRow(
        frozenset({R.EHRENAMTSKOORDINATION, R.STATISTIK, R.SYSTEMADMINISTRATION}),
        _("You may not read the figures of volunteering."),
    ),
    # Landlords, flat offers, matching offers to searching households and the placements (lotse.housing): the
    # housing acquisition and the integration management of the organisation that acquired the offers.
    Capability.HOUSING: CapabilityRow(
        frozenset({R.WOHNRAUM, R.INTEGRATIONSMANAGEMENT, R.TEAMLEITUNG}),
        _("Only the housing staff of the organisation that acquired the flat may do this."),
    ),
    # The county's rent limits for benefit recipients; the services also require the organisation to be a
    # Landratsamt (every signed-in user reads them).
    Capability.KEEP_RENT_LIMITS: CapabilityRow(
        frozenset({R.WOHNRAUM, R.SYSTEMADMINISTRATION}),
        _("Only the district office keeps the rent limits."),
    ),
    # The figures of housing acquisition (no personal data): the housing staff its own, statistics every
    # organisation's.
    Capability.HOUSING_FIGURES: CapabilityRow(
        frozenset({R.WOHNRAUM, R.TEAMLEITUNG, R.STATISTIK, R.SYSTEMADMINISTRATION}),
        _("You may not read the figures of housing acquisition."),
    ),
    Capability.READ_AUDIT: CapabilityRow(
        frozenset({R.ORGANISATIONSADMINISTRATION, R.SYSTEMADMINISTRATION}),
        _("Only administrators read the change history and the access log."),
    ),
}


def roles_holding(capability: Capability) -> frozenset[str]:
    return CAPABILITIES[capability].roles


def holds(roles: Iterable[str], capability: Capability) -> bool:
    return bool(set(roles) & CAPABILITIES[capability].roles)


def can(user: User | AnonymousUser | None, capability: Capability) -> bool:
    """Whether a signed-in, active user holds the capability through one of their roles."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return holds(getattr(user, "roles", ()), capability)


def require(
    user: User | None,
    capability: Capability,
    *,
    organisation_id: int | None = None,
    message: Promise | str | None = None,
    code: str = "not_allowed",
) -> None:
    """Guard of a service: the acting user holds the capability (and works in the organisation, if one is named).

    ``None`` is a management command or the demo loader, which act for the
    installation. The refusal is a ValidationError with a German message,
    shown to the user like any other refusal of a service.
    """
    if user is None:
        return
    if not can(user, capability) or (organisation_id is not None and user.organisation_id != organisation_id):
        raise ValidationError(str(message or CAPABILITIES[capability].refusal), code=code)


V = TypeVar("V", bound=Callable[..., Any])


def capability_required(capability: Capability) -> Callable[[V], V]:
    """Declare the capability a view needs; the CapabilityMiddleware refuses everyone else with a 403."""
    if capability not in CAPABILITIES:
        raise ValueError(f"unknown capability {capability!r}")

    def decorate(view: V) -> V:
        view.lotse_capability = capability  # type: ignore[attr-defined]
        return view

    return decorate


signed_in = capability_required(Capability.SIGNED_IN)


def second_factor_step(view: V) -> V:
    """Mark a view a signed-in user reaches before the second factor: its own steps, and sign-out."""
    view.lotse_second_factor_step = True  # type: ignore[attr-defined]
    return view


def is_second_factor_step(view: Any) -> bool:
    return getattr(view, "lotse_second_factor_step", False) is True


def declared_capability(view: Any) -> Capability | None:
    return getattr(view, "lotse_capability", None)


M = TypeVar("M", bound=Model)


def get_visible_or_404(source: type[M] | QuerySet[M], user: Any, **lookup: Any) -> M:
    """Fetch one record through the model's ``visible_to`` scope; anything else is a 404.

    A record the user may not see is indistinguishable from one that does
    not exist, so its existence is never revealed.
    """
    base: Any = source if isinstance(source, QuerySet) else source._default_manager
    queryset: QuerySet[M] = base.visible_to(user)
    try:
        return queryset.get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise Http404 from None
