"""Records of the network directory (the personas, ``network_editor`` and others, are in the root conftest)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from lotse.core.models import Municipality
from lotse.core.tests.factories import MunicipalityFactory
from lotse.network.models import Actor, ActorCategory


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
