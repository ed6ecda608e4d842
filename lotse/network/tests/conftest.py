"""Personas and records of the network directory."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from lotse.core.choices import Role
from lotse.core.models import Municipality, Organisation, User
from lotse.core.tests.factories import MunicipalityFactory, UserFactory
from lotse.network.models import Actor, ActorCategory


@pytest.fixture
def city(db) -> Organisation:
    from lotse.core.choices import OrganisationKind
    from lotse.core.tests.factories import OrganisationFactory

    return OrganisationFactory.create(short_name="stadt-lb", name="Stadt Testburg", kind=OrganisationKind.GEMEINDE)


@pytest.fixture
def network_editor(city) -> User:
    """Volunteer coordination of the city: keeps the directory and the info sheets."""
    return UserFactory.create(username="netzwerk", organisation=city, roles=[Role.EHRENAMTSKOORDINATION])


@pytest.fixture
def network_keeper(org_a) -> User:
    """A user an administrator gave the role Netzwerkpflege (the admin-defined editor group)."""
    return UserFactory.create(username="netzwerkpflege", organisation=org_a, roles=[Role.NETZWERKPFLEGE])


@pytest.fixture
def network_admin(sysadmin) -> User:
    return sysadmin


@pytest.fixture
def municipality_lb(db) -> Municipality:
    return MunicipalityFactory.create(ags="08118048", name="Ludwigsburg", county="Landkreis Ludwigsburg")


@pytest.fixture
def municipality_other(db) -> Municipality:
    return MunicipalityFactory.create(ags="08118010", name="Besigheim", county="Landkreis Ludwigsburg")


@pytest.fixture
def category(db) -> ActorCategory:
    """Beratung, as seeded by the migration."""
    return ActorCategory.objects.get(slug="beratung")


@pytest.fixture
def actor_factory(municipality_lb, category) -> Callable[..., Actor]:
    counter = iter(range(1, 10_000))

    def make(**fields: Any) -> Actor:
        number = next(counter)
        values: dict[str, Any] = {
            "name": f"Beratungsstelle {number}",
            "category": category,
            "municipality": municipality_lb,
            "services": "Migrationsberatung für Erwachsene",
            "street": f"Marktplatz {number}",
            "postcode": "71634",
            "town": "Ludwigsburg",
            "latitude": Decimal("48.897500"),
            "longitude": Decimal("9.192200"),
            "phone": "07141 555-0100",
            "email": "beratung@example.org",
            "is_public": True,
        }
        values.update(fields)
        return Actor.objects.create(**values)

    return make
