"""The change history of one case: the case, its household and persons, and everything recorded in it."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from lotse.cases.models import Case, Goal, IntegrationPlan
from lotse.core.audit import events_referencing, tracked_event_models, tracked_model_choices
from lotse.people.models import Household, Person

# The documents of the case and of its persons are part of its history (who added or deleted which, and why).
CASE_APPS = frozenset({"cases", "people", "documents"})


def case_persons(case: Case) -> list[Person]:
    """The persons of the case: its household's members (now or earlier) and its clients, by name."""
    return list(
        Person.objects.filter(Q(household_memberships__household_id=case.household_id) | Q(client_of__case=case))
        .distinct()
        .order_by("family_name", "given_names", "pk")
        .only("family_name", "given_names")
    )


def case_event_models() -> list[type]:
    return tracked_event_models(CASE_APPS)


def case_kinds() -> list[tuple[str, str]]:
    """The kinds of record in a case's history, for its filter."""
    return tracked_model_choices(case_event_models())


def case_events(case: Case, persons: list[Person], person: Person | None = None) -> QuerySet[Any]:
    """The events of the case (or only those of one of its persons), newest first, as one query.

    The case's events reference the case, its household, its persons, its
    plans or its goals (a goal's steps reference the goal).
    """
    if person is not None:
        groups: list[tuple[type, list[Any]]] = [(Person, [person.pk])]
    else:
        groups = [
            (Case, [case.pk]),
            (Household, [case.household_id]),
            (Person, [p.pk for p in persons]),
            (IntegrationPlan, list(case.plans.values_list("pk", flat=True))),
            (Goal, list(Goal.objects.filter(plan__case=case).values_list("pk", flat=True))),
        ]
    return events_referencing(case_event_models(), groups)
