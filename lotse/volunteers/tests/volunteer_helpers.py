"""Records the volunteer tests build through the services (fixtures live in each test module: the app's
conftest is shared with the other parts of the app)."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from lotse.core.models import Organisation, User
from lotse.volunteers import volunteer_services
from lotse.volunteers.models import Volunteer


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def volunteer(organisation: Organisation, by: User | None = None, **fields: Any) -> Volunteer:
    fields.setdefault("family_name", "Weber")
    fields.setdefault("consent_on", days_ago(400))
    fields.setdefault("status_since", days_ago(400))
    return volunteer_services.register_volunteer(acting_user=by, organisation=organisation, **fields)
