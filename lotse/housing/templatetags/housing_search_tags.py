"""Template tags of the searches for a flat for the case page (the casework app shows its household's search)."""

from __future__ import annotations

from typing import Any

from django import template

from lotse.housing.search_queries import case_search

register = template.Library()


@register.inclusion_tag("housing/search/_case_search.html", takes_context=True)
def case_housing_search(context: template.Context, case: Any) -> dict[str, Any]:
    """On the case page: the household's search for a flat, or the button to open one."""
    return {"search": case_search(context["request"].user, case), "case": case}
