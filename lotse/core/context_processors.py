"""Navigation: only what the signed-in user's capabilities allow."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import resolve, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lotse.core import second_factor
from lotse.core.access import Capability, can

C = Capability
# (URL name, label, capability that shows it), from the same table as the views' own declarations.
NAVIGATION: list[tuple[str, Any, Capability]] = [
    ("core:start", _("Start"), C.SIGNED_IN),
    ("cases:worklist", _("My work"), C.CASEWORK),
    ("cases:case_list", _("Cases"), C.CASEWORK),
    ("cases:handover_list", _("Handovers"), C.CASEWORK),
    ("reports:dashboard", _("Key figures"), C.KEY_FIGURES),
    ("accommodation:shelter_list", _("Shelters"), C.SHELTER_NUMBERS),
    ("accommodation:resident_list", pgettext_lazy("navigation", "Residents"), C.MANAGE_SHELTERS),
    ("accommodation:assignment_list", _("Assignments"), C.MANAGE_SHELTERS),
    ("accommodation:figures", _("Accommodation figures"), C.SHELTER_NUMBERS),
    ("accommodation:forecast", _("Forecast"), C.MANAGE_SHELTERS),
    ("network:actor_list", _("Network"), C.SIGNED_IN),
    ("network:sheet_list", _("Info sheets"), C.SIGNED_IN),
    ("core:user_list", _("Users"), C.ADMINISTER_USERS),
    ("imports:overview", _("Import and export"), C.IMPORT_WORKBOOKS),
    ("core:history", _("Change history"), C.READ_AUDIT),
    ("core:access_log", _("Access log"), C.READ_AUDIT),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": []}
    if second_factor.is_pending(request):
        # Before the second factor nothing but its own pages and sign-out is open.
        return {"navigation": [], "second_factor_pending": True}
    try:
        current = resolve(request.path_info).view_name
    except Exception:
        current = ""
    items = []
    for name, label, capability in NAVIGATION:
        if can(user, capability):
            items.append({"name": name, "url": reverse(name), "label": label, "active": False})
    # The current page's own item, else the item whose address is the longest prefix of the page's
    # ("/unterbringung/unterkuenfte/5/einzug/" belongs to "Unterkünfte" at "/unterbringung/unterkuenfte/").
    exact = [item for item in items if item["name"] == current]
    prefixes = [item for item in items if item["name"] != "core:start" and request.path_info.startswith(item["url"])]
    chosen = exact or sorted(prefixes, key=lambda item: len(item["url"]), reverse=True)[:1]
    for item in chosen:
        item["active"] = True
    return {"navigation": items}
