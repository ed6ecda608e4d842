"""Navigation: only what the signed-in user's roles allow."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import resolve, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lotse.core.choices import ADMIN_ROLES as ADMINS
from lotse.core.choices import CASEWORK_ROLES as CASEWORK
from lotse.core.choices import REPORT_ROLES, Role

ACCOMMODATION = frozenset({Role.UNTERBRINGUNG})
ACCOMMODATION_NUMBERS = frozenset({Role.UNTERBRINGUNG, Role.STATISTIK, Role.SYSTEMADMINISTRATION})

# (URL name, label, roles that see it); None means every signed-in user.
NAVIGATION: list[tuple[str, Any, frozenset[str] | None]] = [
    ("core:start", _("Start"), None),
    ("cases:worklist", _("My work"), CASEWORK),
    ("cases:case_list", _("Cases"), CASEWORK),
    ("cases:handover_list", _("Handovers"), CASEWORK),
    ("reports:dashboard", _("Key figures"), REPORT_ROLES),
    ("accommodation:shelter_list", _("Shelters"), ACCOMMODATION_NUMBERS),
    ("accommodation:resident_list", pgettext_lazy("navigation", "Residents"), ACCOMMODATION),
    ("accommodation:assignment_list", _("Assignments"), ACCOMMODATION),
    ("accommodation:figures", _("Accommodation figures"), ACCOMMODATION_NUMBERS),
    ("accommodation:forecast", _("Forecast"), ACCOMMODATION),
    ("network:actor_list", _("Network"), None),
    ("network:sheet_list", _("Info sheets"), None),
    ("core:user_list", _("Users"), ADMINS),
    ("imports:overview", _("Import and export"), ADMINS),
    ("core:history", _("Change history"), ADMINS),
    ("core:access_log", _("Access log"), ADMINS),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": []}
    roles = set(getattr(user, "roles", []))
    try:
        current = resolve(request.path_info).view_name
    except Exception:
        current = ""
    items = []
    for name, label, allowed in NAVIGATION:
        if allowed is None or roles & allowed:
            items.append({"name": name, "url": reverse(name), "label": label, "active": False})
    # The current page's own item, else the item whose address is the longest prefix of the page's
    # ("/unterbringung/zahlen/" is "Unterbringungszahlen", not "Unterkünfte" at "/unterbringung/").
    exact = [item for item in items if item["name"] == current]
    prefixes = [item for item in items if item["name"] != "core:start" and request.path_info.startswith(item["url"])]
    chosen = exact or sorted(prefixes, key=lambda item: len(item["url"]), reverse=True)[:1]
    for item in chosen:
        item["active"] = True
    return {"navigation": items}
