"""Navigation: only what the signed-in user's capabilities allow."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from django.http import HttpRequest
from django.urls import resolve, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lotse.core import second_factor
from lotse.core.access import Capability, can
from lotse.core.choices import OrganisationKind

C = Capability
CASEWORK, ACCOMMODATION, NETWORK, ADMINISTRATION = (
    _("Casework"),
    _("Accommodation"),
    _("Network"),
    _("Administration"),
)
VOLUNTEERING = _("Volunteering")
HOUSING = _("Housing")
# (URL name, label, capability that shows it, menu it belongs to), from the same table as the views' own
# declarations. A menu of which the user may open only one page shows that page as a plain link.
NAVIGATION: list[tuple[str, Any, Capability, Any]] = [
    ("core:start", _("Start"), C.SIGNED_IN, None),
    ("cases:worklist", _("My work"), C.CASEWORK, CASEWORK),
    ("cases:follow_up_list", _("All open follow-up tasks"), C.CASEWORK, CASEWORK),
    ("cases:case_list", _("Cases"), C.CASEWORK, CASEWORK),
    ("cases:handover_list", _("Handovers"), C.CASEWORK, CASEWORK),
    ("arrivals:received_list", _("Handovers from shelters"), C.CASEWORK, CASEWORK),
    ("arrivals:arrival_list", _("New arrivals"), C.RECEIVE_ARRIVALS, CASEWORK),
    ("cases:team", _("Team"), C.LEAD_TEAM, CASEWORK),
    ("reports:dashboard", _("Key figures"), C.KEY_FIGURES, None),
    ("accommodation:shelter_list", _("Shelters"), C.SHELTER_NUMBERS, ACCOMMODATION),
    ("accommodation:resident_list", pgettext_lazy("navigation", "Residents"), C.MANAGE_SHELTERS, ACCOMMODATION),
    ("accommodation:assignment_list", _("Assignments"), C.MANAGE_SHELTERS, ACCOMMODATION),
    ("arrivals:sheet_list", _("Handover sheets"), C.HAND_OVER_FROM_SHELTER, ACCOMMODATION),
    ("accommodation:figures", _("Accommodation figures"), C.SHELTER_NUMBERS, ACCOMMODATION),
    ("accommodation:forecast", _("Forecast"), C.MANAGE_SHELTERS, ACCOMMODATION),
    ("accommodation:vu_monitor", _("VU monitor"), C.MONITOR_PRELIMINARY_ACCOMMODATION, ACCOMMODATION),
    ("volunteers:volunteer_list", pgettext_lazy("persons", "Volunteers"), C.COORDINATE_VOLUNTEERS, VOLUNTEERING),
    ("volunteers:meeting_list", _("Meetings and trainings"), C.COORDINATE_VOLUNTEERS, VOLUNTEERING),
    ("volunteers:programme_list", _("Sponsorships"), C.COORDINATE_VOLUNTEERS, VOLUNTEERING),
    ("volunteers:sponsorship_list", _("All sponsorships"), C.COORDINATE_VOLUNTEERS, VOLUNTEERING),
    ("volunteers:check_in_worklist", _("Check-ins due"), C.COORDINATE_VOLUNTEERS, VOLUNTEERING),
    ("volunteers:interpreting_pool_requests", _("Interpreter service"), C.COORDINATE_VOLUNTEERS, VOLUNTEERING),
    ("volunteers:figures", _("Volunteering figures"), C.VOLUNTEER_FIGURES, VOLUNTEERING),
    # Housing acquisition and matching (lotse.housing).
    ("housing:offer_list", _("Flat offers"), C.HOUSING, HOUSING),
    ("housing:landlord_list", _("Landlords"), C.HOUSING, HOUSING),
    ("housing:search_list", _("Searches for a flat"), C.HOUSING, HOUSING),
    ("housing:proposal", _("Proposal for all open flats"), C.HOUSING, HOUSING),
    ("housing:placement_list", _("Open placements"), C.HOUSING, HOUSING),
    ("housing:rent_limits", _("Rent limits"), C.HOUSING, HOUSING),
    ("housing:figures", _("Housing figures"), C.HOUSING_FIGURES, HOUSING),
    ("network:actor_list", _("Actors"), C.SIGNED_IN, NETWORK),
    ("network:sheet_list", _("Info sheets"), C.SIGNED_IN, NETWORK),
    # Caseworkers request volunteer interpreters from the network of local help.
    ("volunteers:interpreting_my_requests", _("Interpreter requests"), C.REQUEST_INTERPRETER, NETWORK),
    ("core:user_list", _("Users"), C.ADMINISTER_USERS, ADMINISTRATION),
    ("imports:overview", _("Import and export"), C.IMPORT_WORKBOOKS, ADMINISTRATION),
    ("core:history", _("Change history"), C.READ_AUDIT, ADMINISTRATION),
    ("core:access_log", _("Access log"), C.READ_AUDIT, ADMINISTRATION),
    ("arrivals:responsibility_list", _("Responsibilities"), C.READ_RESPONSIBILITIES, ADMINISTRATION),
    # The district office's system administration keeps the rent limits (shown once: the housing menu comes first).
    ("housing:rent_limits", _("Rent limits"), C.KEEP_RENT_LIMITS, ADMINISTRATION),
]

# Pages that only users of these kinds of organisation find, beyond the capability (the view answers the
# others with a 404): the VU monitor is the district office's.
ORGANISATION_KINDS: dict[str, frozenset[str]] = {
    "accommodation:vu_monitor": frozenset({OrganisationKind.LANDRATSAMT}),
}


def _shown(user: Any, name: str, capability: Capability) -> bool:
    kinds = ORGANISATION_KINDS.get(name)
    return can(user, capability) and (kinds is None or user.organisation.kind in kinds)


def navigation(request: HttpRequest) -> dict[str, Any]:
    """``navigation``: the pages the user may open, each with ``active``; ``menu``: the same as the header shows
    them, single links and menus (``label``, ``pages``, ``active``) in the order of ``NAVIGATION``."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": [], "menu": []}
    if second_factor.is_pending(request):
        # Before the second factor nothing but its own pages and sign-out is open.
        return {"navigation": [], "menu": [], "second_factor_pending": True}
    try:
        current = resolve(request.path_info).view_name
    except Exception:
        current = ""
    items: list[dict[str, Any]] = []
    for name, label, capability, group in NAVIGATION:
        if _shown(user, name, capability) and all(item["name"] != name for item in items):
            items.append({"name": name, "url": reverse(name), "label": label, "active": False, "group": group})
    # The current page's own item, else the item whose address is the longest prefix of the page's
    # ("/unterbringung/unterkuenfte/5/einzug/" belongs to "Unterkünfte" at "/unterbringung/unterkuenfte/").
    exact = [item for item in items if item["name"] == current]
    prefixes = [item for item in items if item["name"] != "core:start" and request.path_info.startswith(item["url"])]
    chosen = exact or sorted(prefixes, key=lambda item: len(item["url"]), reverse=True)[:1]
    for item in chosen:
        item["active"] = True
    # The header's search finds cases, for those who may open the case list.
    search_url = next((item["url"] for item in items if item["name"] == "cases:case_list"), None)
    return {"navigation": items, "menu": _menu(items), "search_url": search_url}


def _menu(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Single links, and a menu for each run of pages of one group (NAVIGATION keeps a group's pages together)."""
    entries: list[dict[str, Any]] = []
    for group, run in groupby(items, key=lambda item: item["group"]):
        pages = list(run)
        if group is None or len(pages) == 1:
            entries.extend(pages)  # one page of a menu: a plain link
        else:
            active = any(page["active"] for page in pages)
            entries.append({"label": group, "pages": pages, "active": active, "id": f"menu-{len(entries) + 1}"})
    return entries
