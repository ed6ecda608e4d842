"""Responsibilities for the tests, entered through the service as the demo loader enters them."""

from __future__ import annotations

import datetime
from typing import Any

from lotse.accommodation import services as accommodation_services
from lotse.accommodation.models import Assignment
from lotse.arrivals import services
from lotse.arrivals.models import Responsibility
from lotse.core.models import Municipality, Organisation
from lotse.people.choices import BirthDatePrecision, Relationship
from lotse.people.models import Household, HouseholdMembership, Person

START = datetime.date(2025, 1, 1)


def add(
    municipality: Municipality,
    organisation: Organisation,
    start: datetime.date = START,
    until: datetime.date | None = None,
    **fields: Any,
) -> Responsibility:
    return services.create_responsibility(
        acting_user=None,
        municipality=municipality,
        organisation=organisation,
        valid_from=start,
        valid_until=until,
        **fields,
    )


# New arrivals: a family housed by the county, assigned to a municipality through the service.

FAMILY_DAY = datetime.date(2025, 5, 2)


def county_family(county: Organisation) -> list[Person]:
    """The Karimi family as the district office keeps them (accommodation records in one household)."""
    household = Household.objects.create(organisation=county)
    members = [
        (
            Relationship.PARTNER,
            {
                "family_name": "Karimi",
                "given_names": "Mariam",
                "birth_date": datetime.date(1988, 1, 1),
                "birth_date_precision": BirthDatePrecision.YEAR,
                "gender": "w",
                "nationalities": ["AF"],
                "languages": ["prs"],
                "phone": "0171 5550100",
                "notes": "Allergie gegen Penicillin",
            },
        ),
        (
            Relationship.HEAD,
            {
                "family_name": "Karimi",
                "given_names": "Ahmad",
                "birth_date": datetime.date(1985, 3, 2),
                "birth_date_precision": BirthDatePrecision.DAY,
                "gender": "m",
                "nationalities": ["AF"],
                "languages": ["prs", "eng"],
            },
        ),
        (
            Relationship.CHILD,
            {
                "family_name": "Karimi",
                "given_names": "Sara",
                "birth_date": datetime.date(2016, 5, 1),
                "birth_date_precision": BirthDatePrecision.DAY,
                "gender": "w",
                "nationalities": ["AF"],
                "languages": ["prs", "deu"],
            },
        ),
    ]
    persons = []
    for relationship, fields in members:
        person = accommodation_services.register_resident(acting_user=None, organisation=county, **fields)
        HouseholdMembership.objects.create(
            household=household, person=person, relationship=relationship, valid_from=datetime.date(2024, 9, 1)
        )
        persons.append(person)
    return persons


def assign(
    persons: list[Person], municipality: Municipality, day: datetime.date = FAMILY_DAY, **fields: Any
) -> Assignment:
    return accommodation_services.record_assignment(
        acting_user=None,
        organisation=persons[0].organisation,
        municipality=municipality,
        date=day,
        persons=persons,
        **fields,
    )
