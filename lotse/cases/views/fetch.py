"""Fetching a case, and the records inside it, in the user's scope: anything else is a 404."""

from __future__ import annotations

from django.http import Http404

from lotse.cases.models import Case, CaseQuerySet
from lotse.core.access import get_visible_or_404
from lotse.core.models import User
from lotse.people.models import STATUS_RECORD_MODELS, Person


def _cases() -> CaseQuerySet:
    return Case.objects.select_related("organisation", "responsible", "municipality", "household")


def readable_case(user: User, pk: int) -> Case:
    """The case if the user may read it (own organisation, or shared by consent); else 404."""
    return get_visible_or_404(_cases(), user, pk=pk)


def editable_case(user: User, pk: int) -> Case:
    """The case if the user's organisation owns it; a case the user only reads or cannot see is a 404."""
    return get_visible_or_404(_cases().editable_by(user), user, pk=pk)


def person_of_case(user: User, case: Case, person_pk: int) -> Person:
    """A person of the case's household (now or earlier) or one of its clients, in the user's scope."""
    persons = Person.objects.filter(household_memberships__household_id=case.household_id) | Person.objects.filter(
        client_of__case=case
    )
    return get_visible_or_404(persons.distinct(), user, pk=person_pk)


def fact_kind(kind: str) -> str:
    """One of the kinds of dated facts (residence, language, work, housing); else 404."""
    if kind not in STATUS_RECORD_MODELS:
        raise Http404
    return kind
