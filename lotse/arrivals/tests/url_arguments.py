"""The arrivals URLs for the URL matrix: one responsibility of organisation A for the world's municipality.

Responsibilities belong to the whole installation and name no person: whoever holds the capability sees them.
"""

from __future__ import annotations

import datetime

from lotse.arrivals import services
from lotse.core.tests.url_arguments import AppUrls, UrlWorld


def url_arguments(world: UrlWorld) -> AppUrls:
    responsibility = services.create_responsibility(
        acting_user=None,
        municipality=world.municipality,
        organisation=world.owner,
        valid_from=datetime.date(2025, 1, 1),
    )
    kwargs = {
        name: {"pk": responsibility.pk}
        for name in ("arrivals:responsibility_edit", "arrivals:responsibility_end", "arrivals:responsibility_delete")
    }
    return AppUrls(kwargs=kwargs, accepts_post=frozenset(kwargs) | {"arrivals:responsibility_create"})
