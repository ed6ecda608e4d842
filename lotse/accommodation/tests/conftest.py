"""Records of accommodation tests (the personas are in the root conftest).

The city of Ludwigsburg (``city``, from the root conftest) administers its
municipality and runs follow-up accommodation; the county's Landratsamt
(``county``) runs preliminary accommodation and assigns persons to
municipalities.
"""

from __future__ import annotations

import datetime

import pytest

from lotse.accommodation import services
from lotse.accommodation.choices import ShelterKind
from lotse.accommodation.models import Shelter
from lotse.core.models import Municipality, Organisation
from lotse.core.tests.factories import MunicipalityFactory

OPENED = datetime.date(2020, 1, 1)


@pytest.fixture
def ludwigsburg(db: None) -> Municipality:
    return MunicipalityFactory.create(ags="08118048", name="Ludwigsburg")


@pytest.fixture
def asperg(db: None) -> Municipality:
    return MunicipalityFactory.create(ags="08118003", name="Asperg")


@pytest.fixture
def city_municipality(ludwigsburg: Municipality) -> Municipality:
    """The city (root conftest) administers Ludwigsburg: the county's assignments there reach its staff."""
    return ludwigsburg


@pytest.fixture
def other_city_municipality(asperg: Municipality) -> Municipality:
    return asperg


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
