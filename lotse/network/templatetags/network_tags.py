"""Template tags of the network app for other apps' pages (the case page prints the info sheet)."""

from __future__ import annotations

from typing import Any

from django import template

from lotse.network import queries

register = template.Library()


@register.inclusion_tag("network/sheets/_case_info_sheet_card.html")
def case_info_sheet_card(case: Any) -> dict[str, Any]:
    """The print buttons of the info sheet of the case's municipality, in the client's language first."""
    return queries.case_info_sheet_card(case)
