"""Responsibilities for the tests, entered through the service as the demo loader enters them."""

from __future__ import annotations

import datetime
from typing import Any

from lotse.arrivals import services
from lotse.arrivals.models import Responsibility
from lotse.core.models import Municipality, Organisation

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
