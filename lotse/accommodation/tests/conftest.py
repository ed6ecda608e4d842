"""Personas and records of accommodation tests.

The city of Ludwigsburg administers its municipality and runs follow-up
accommodation; the county's Landratsamt (``county``, from the root conftest)
runs preliminary accommodation and assigns persons to municipalities.
"""

from __future__ import annotations

import datetime

import pytest

from lotse.accommodation import services
from lotse.accommodation.choices import ShelterKind
from lotse.accommodation.models import Shelter
from lotse.core.choices import OrganisationKind, Role
from lotse.core.models import Municipality, Organisation, User
from lotse.core.tests.factories import MunicipalityFactory, OrganisationFactory, UserFactory

OPENED = datetime.date(2020, 1, 1)


@pytest.fixture
def ludwigsburg(db: None) -> Municipality:
    return MunicipalityFactory.create(ags="08118048", name="Ludwigsburg")


@pytest.fixture
def asperg(db: None) -> Municipality:
    return MunicipalityFactory.create(ags="08118003", name="Asperg")


@pytest.fixture
def city(ludwigsburg: Municipality) -> Organisation:
    return OrganisationFactory.create(
        short_name="stadt-lb", name="Stadt Ludwigsburg", kind=OrganisationKind.GEMEINDE, municipality=ludwigsburg
    )


@pytest.fixture
def other_city(asperg: Municipality) -> Organisation:
    return OrganisationFactory.create(
        short_name="stadt-asperg", name="Stadt Asperg", kind=OrganisationKind.GEMEINDE, municipality=asperg
    )


@pytest.fixture
def housing_officer(city: Organisation) -> User:
    """Sachbearbeitung Unterbringung of the city."""
    return UserFactory.create(username="unterbringung", organisation=city, roles=[Role.UNTERBRINGUNG])


@pytest.fixture
def colleague_housing_officer(city: Organisation) -> User:
    return UserFactory.create(username="unterbringung-2", organisation=city, roles=[Role.UNTERBRINGUNG])


@pytest.fixture
def other_housing_officer(other_city: Organisation) -> User:
    return UserFactory.create(username="unterbringung-asperg", organisation=other_city, roles=[Role.UNTERBRINGUNG])


@pytest.fixture
def county_housing_officer(county: Organisation) -> User:
    """Sachbearbeitung Unterbringung of the Landratsamt (preliminary accommodation, assignments)."""
    return UserFactory.create(username="unterbringung-lra", organisation=county, roles=[Role.UNTERBRINGUNG])


@pytest.fixture
def follow_up_shelter(city: Organisation, ludwigsburg: Municipality) -> Shelter:
    """A follow-up accommodation of the city with 4 places."""
    return services.create_shelter(
        acting_user=None,
        organisation=city,
        places=4,
        places_from=OPENED,
        name="Oststadt, Fuchshofstraße",
        kind=ShelterKind.ANSCHLUSSUNTERBRINGUNG,
        municipality=ludwigsburg,
        street="Fuchshofstraße 10",
        postal_code="71638",
    )


@pytest.fixture
def county_shelter(county: Organisation, ludwigsburg: Municipality) -> Shelter:
    """The county's communal shelter of preliminary accommodation, 10 places."""
    return services.create_shelter(
        acting_user=None,
        organisation=county,
        places=10,
        places_from=OPENED,
        name="GU Schlösslesfeld",
        kind=ShelterKind.GU_VORLAEUFIG,
        municipality=ludwigsburg,
    )
