"""Template tags of the arrivals app for other apps' pages: the handover sheet on a resident's page."""

from __future__ import annotations

from typing import Any

from django import template

from lotse.arrivals.handover_sheets import current_own_stay, open_sheet_of
from lotse.core.access import Capability, can

register = template.Library()


@register.inclusion_tag("arrivals/_resident_handover.html", takes_context=True)
def resident_handover(context: template.Context, person: Any) -> dict[str, Any]:
    """For the shelter's staff: the resident's open handover sheet, or the way to start one (only while the
    resident lives in one of the organisation's shelters)."""
    user = context["request"].user
    shown = can(user, Capability.HAND_OVER_FROM_SHELTER) and current_own_stay(person, user.organisation_id) is not None
    return {
        "shown": shown,
        "person": person,
        "open_sheet": open_sheet_of(person, user.organisation_id) if shown else None,
    }


@register.inclusion_tag("arrivals/_waiting_sheets.html", takes_context=True)
def waiting_shelter_handovers(context: template.Context, level: int = 2, compact: bool = False) -> dict[str, Any]:
    """For "Meine Arbeit" and the team page: the handover sheets waiting for an answer of the organisation."""
    from lotse.arrivals.queries import waiting_sheets

    return {"sheets": waiting_sheets(context["request"].user), "level": level, "compact": compact}
