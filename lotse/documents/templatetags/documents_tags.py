"""Template tags of the documents app for other apps' pages: the case page's and the plan page's documents."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from lotse.cases.choices import CaseStatus
from lotse.documents import queries

register = template.Library()


@register.inclusion_tag("documents/_case_documents_card.html", takes_context=True)
def case_documents(context: template.Context, case: Any) -> dict[str, Any]:
    """The documents of the case and of its persons, with the links to add, download and delete them."""
    user = context["request"].user
    page = queries.case_documents(user, case, editable=bool(context.get("editable")), today=timezone.localdate())
    return {**page, "request": context["request"]}


@register.inclusion_tag("documents/_person_documents_card.html", takes_context=True)
def person_documents(context: template.Context, case: Any, person: Any) -> dict[str, Any]:
    """The documents of one person of the case, with the links to add, download and delete them."""
    user = context["request"].user
    editable = bool(context.get("editable"))
    return queries.person_documents(user, case, person, editable=editable, today=timezone.localdate())


@register.inclusion_tag("documents/_plan_documents_card.html", takes_context=True)
def plan_documents(context: template.Context, case: Any, plan: Any, can_edit_case: bool) -> dict[str, Any]:
    """The signed agreements of this version of the plan, and a link to attach one while the case is open."""
    return {
        "case": case,
        "plan": plan,
        "documents": queries.plan_documents(context["request"].user, plan),
        "can_attach": can_edit_case and case.status != CaseStatus.CLOSED,
    }
