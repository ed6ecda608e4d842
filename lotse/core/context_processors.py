"""Navigation: only what the signed-in user's roles allow."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import resolve, reverse
from django.utils.translation import gettext_lazy as _

from lotse.core.choices import ADMIN_ROLES as ADMINS
from lotse.core.choices import CASEWORK_ROLES as CASEWORK
from lotse.core.choices import REPORT_ROLES

# (URL name, label, roles that see it); None means every signed-in user.
NAVIGATION: list[tuple[str, Any, frozenset[str] | None]] = [
    ("core:start", _("Start"), None),
    ("cases:worklist", _("My work"), CASEWORK),
    ("cases:case_list", _("Cases"), CASEWORK),
    ("cases:handover_list", _("Handovers"), CASEWORK),
    ("reports:dashboard", _("Key figures"), REPORT_ROLES),
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
            url = reverse(name)
            items.append(
                {
                    "url": url,
                    "label": label,
                    "active": current == name or (name != "core:start" and request.path_info.startswith(url)),
                }
            )
    return {"navigation": items}
