"""Factories and helpers for tests of persons, households and cases.

Prefer ``open_case_for``: it runs the intake service, so a case has what a
real one has (household, head of household as client, first status change).
The plain factories build single rows for tests of one model or query.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from zoneinfo import ZoneInfo

import factory
import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import translation
from factory.django import DjangoModelFactory

from lotse.cases import services
from lotse.cases.choices import FieldOfAction, Responsible
from lotse.cases.models import Case, CaseClient, FollowUp, Goal, IntegrationPlan, Step
from lotse.core.models import Municipality, User
from lotse.core.tests.factories import MunicipalityFactory, OrganisationFactory
from lotse.people.choices import Relationship, ResidenceStatus
from lotse.people.models import Household, HouseholdMembership, Person, ResidenceRecord

# The tests run on a fixed day, so dates in messages and worklists are exact.
TODAY = datetime.date(2025, 6, 16)


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


@contextmanager
def frozen_today(day: datetime.date = TODAY) -> Iterator[None]:
    """Python's clock stands at 10:00 (Berlin) on ``day``."""
    moment = datetime.datetime(day.year, day.month, day.day, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    with time_machine.travel(moment, tick=False):
        yield


@contextmanager
def refused_with(message: str) -> Iterator[None]:
    """The block raises a ValidationError with exactly ``message`` (in the English source text)."""
    with translation.override("en"):
        with pytest.raises(ValidationError) as info:
            yield
        assert info.value.messages == [message]


class HouseholdFactory(DjangoModelFactory[Household]):
    class Meta:
        model = Household

    organisation = factory.SubFactory(OrganisationFactory)


class PersonFactory(DjangoModelFactory[Person]):
    class Meta:
        model = Person

    organisation = factory.SubFactory(OrganisationFactory)
    family_name = factory.Sequence(lambda n: f"Familie{n}")
    given_names = "Amal"


class HouseholdMembershipFactory(DjangoModelFactory[HouseholdMembership]):
    class Meta:
        model = HouseholdMembership

    household = factory.SubFactory(HouseholdFactory)
    person = factory.SubFactory(PersonFactory, organisation=factory.SelfAttribute("..household.organisation"))
    relationship = Relationship.HEAD
    valid_from = datetime.date(2024, 1, 1)


class ResidenceRecordFactory(DjangoModelFactory[ResidenceRecord]):
    class Meta:
        model = ResidenceRecord

    person = factory.SubFactory(PersonFactory)
    valid_from = datetime.date(2024, 1, 1)
    status = ResidenceStatus.AUFENTHALTSERLAUBNIS


class CaseFactory(DjangoModelFactory[Case]):
    """A bare case row; it has no client unless one is added (see open_case_for)."""

    class Meta:
        model = Case

    organisation = factory.SubFactory(OrganisationFactory)
    municipality = factory.SubFactory(MunicipalityFactory)
    household = factory.SubFactory(HouseholdFactory, organisation=factory.SelfAttribute("..organisation"))
    start_date = datetime.date(2025, 1, 2)


class CaseClientFactory(DjangoModelFactory[CaseClient]):
    class Meta:
        model = CaseClient

    case = factory.SubFactory(CaseFactory)
    person = factory.SubFactory(PersonFactory, organisation=factory.SelfAttribute("..case.organisation"))


class IntegrationPlanFactory(DjangoModelFactory[IntegrationPlan]):
    class Meta:
        model = IntegrationPlan

    case = factory.SubFactory(CaseFactory)
    number = factory.Sequence(lambda n: n + 1)
    agreed_on = datetime.date(2025, 2, 1)


class GoalFactory(DjangoModelFactory[Goal]):
    class Meta:
        model = Goal

    plan = factory.SubFactory(IntegrationPlanFactory)
    field_of_action = FieldOfAction.SPRACHE
    title = factory.Sequence(lambda n: f"Ziel {n}")


class StepFactory(DjangoModelFactory[Step]):
    class Meta:
        model = Step

    goal = factory.SubFactory(GoalFactory)
    description = factory.Sequence(lambda n: f"Schritt {n}")
    responsible = Responsible.CLIENT


class FollowUpFactory(DjangoModelFactory[FollowUp]):
    class Meta:
        model = FollowUp

    case = factory.SubFactory(CaseFactory)
    description = factory.Sequence(lambda n: f"Aufgabe {n}")
    due_date = TODAY


def open_case_for(
    caseworker: User,
    *,
    start_date: datetime.date = datetime.date(2025, 1, 2),
    municipality: Municipality | None = None,
    responsible: User | None = None,
    **head: Any,
) -> Case:
    """An active case of the caseworker's organisation, opened through the intake service.

    ``head`` holds the fields of the head of household (family name "Haddad" unless given);
    the caseworker is responsible unless ``responsible`` names someone else.
    """
    head.setdefault("family_name", "Haddad")
    head.setdefault("given_names", "Amal")
    return services.open_case(
        acting_user=caseworker,
        organisation=caseworker.organisation,
        municipality=municipality or MunicipalityFactory.create(),
        start_date=start_date,
        responsible=responsible or caseworker,
        head=head,
    )


def head_of(case: Case) -> Person:
    """The first client of the case: the head of household of open_case_for."""
    return CaseClient.objects.filter(case=case).order_by("pk").select_related("person").first().person  # type: ignore[union-attr]


def events_of(instance: Any, pk: int | None = None) -> Any:
    """The change history (pghistory events) of one tracked row, oldest first.

    ``instance`` may be the model with the ``pk`` of a deleted row.
    """
    model: Any = instance if isinstance(instance, type) else type(instance)
    return model.pgh_event_model.objects.filter(pgh_obj_id=pk or instance.pk).order_by("pgh_id")


def acting_user_of(event: Any) -> int | None:
    """The acting user the audit context of ``event`` names."""
    return event.pgh_context.metadata.get("user") if event.pgh_context_id else None
