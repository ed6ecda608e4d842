"""Template tags of the searches for a flat for the case page (the casework app shows its household's search)."""

from __future__ import annotations

from typing import Any

from django import template

from lotse.housing.search_queries import case_search, opens_case

register = template.Library()


@register.inclusion_tag("housing/search/_case_search.html", takes_context=True)
def case_housing_search(context: template.Context, case: Any) -> dict[str, Any]:
    """On the case page: the household's search for a flat, or the button to open one."""
    return {"search": case_search(context["request"].user, case), "case": case}


@register.simple_tag(takes_context=True)
def may_open_case(context: template.Context, case: Any) -> bool:
    """Whether the user may open the case page (housing staff see the search, not the casework): else no link."""
    return opens_case(context["request"].user, case)
