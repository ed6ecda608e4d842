"""The change history of one case: the case, its household and persons, and everything recorded in it."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from lotse.cases.models import Case, Goal
from lotse.core.audit import newest_events, tracked_event_models
from lotse.people.models import Person

# The documents of the case and of its persons are part of its history (who added or deleted which, and why).
CASE_APPS = frozenset({"cases", "people", "documents"})


def case_events(case: Case, limit: int = 200) -> list[Any]:
    """The newest ``limit`` events of the case, newest first (a fixed number of queries).

    pghistory aggregates events that reference objects of one model per query,
    so the case, its persons, its plans and its goals are asked for in turn.
    """
    models = tracked_event_models(CASE_APPS)
    person_objs = list(
        Person.objects.filter(Q(household_memberships__household_id=case.household_id) | Q(client_of__case=case))
        .distinct()
        .only("pk")
    )
    plans = list(case.plans.only("pk"))
    goals = list(Goal.objects.filter(plan__case=case).only("pk"))
    return newest_events(models, [[case], [case.household], person_objs, plans, goals], limit)
