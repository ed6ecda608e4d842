"""Template tags of the network app for other apps' pages (the case page prints the info sheet)."""

from __future__ import annotations

from typing import Any

from django import template

from lotse.network.models import InfoSheet

register = template.Library()


@register.inclusion_tag("network/sheets/_case_info_sheet_card.html")
def case_info_sheet_card(case: Any) -> dict[str, Any]:
    """The print buttons of the info sheet of the case's municipality, in the client's language first."""
    from lotse.network.views.sheets import client_language, language_options

    has_sheet = InfoSheet.objects.filter(municipality_id=case.municipality_id).exists()
    language = client_language(case) if has_sheet else ""
    options = language_options()
    return {
        "case": case,
        "has_sheet": has_sheet,
        "client_language": next((o for o in options if o["code"] == language), None),
        "other_languages": [o for o in options if o["code"] != language],
    }
