"""Records of the responsibilities (the personas are in the root conftest)."""

from __future__ import annotations

import pytest

from lotse.core.choices import OrganisationKind
from lotse.core.models import Municipality, Organisation
from lotse.core.tests.factories import MunicipalityFactory, OrganisationFactory


@pytest.fixture
def ludwigsburg(db) -> Municipality:
    return MunicipalityFactory.create(ags="08118048", name="Ludwigsburg", county="Landkreis Ludwigsburg")


@pytest.fixture
def asperg(db) -> Municipality:
    return MunicipalityFactory.create(ags="08118003", name="Asperg", county="Landkreis Ludwigsburg")


@pytest.fixture
def drk(db) -> Organisation:
    return OrganisationFactory.create(short_name="drk", name="DRK Testkreis", kind=OrganisationKind.WOHLFAHRTSVERBAND)


@pytest.fixture
def sports_club(db) -> Organisation:
    return OrganisationFactory.create(short_name="tsv", name="Sonstige Stelle", kind=OrganisationKind.SONSTIGE)
