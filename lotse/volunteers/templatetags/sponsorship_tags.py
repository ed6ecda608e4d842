"""Template tags of the sponsorships for their own pages and for the case page of a consenting household's
integration management (which learns only that a sponsorship exists)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template

from lotse.volunteers.choices import Topic
from lotse.volunteers.sponsorship_queries import sponsorships_for_case

register = template.Library()


@register.filter
def topic_labels(codes: Iterable[str]) -> str:
    """The topics' labels, separated by commas."""
    return ", ".join(str(Topic(code).label) for code in codes if code in Topic.values)


@register.inclusion_tag("volunteers/sponsorship/_case_sponsorships.html", takes_context=True)
def case_sponsorships(context: template.Context, case: Any) -> dict[str, Any]:
    """On the client's case page: the sponsorships the household consented to tell the case's organisation of."""
    return {"notices": sponsorships_for_case(context["request"].user, case)}
