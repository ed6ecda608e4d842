"""Records of the interpreter pool's tests, built through the services: organisation A's pool (coordinated by
``volunteer_coordinator_a``), its interpreters, and requests of A's casework (``caseworker_a``)."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from lotse.cases import services as case_services
from lotse.cases.models import Case
from lotse.core.models import Municipality, Organisation, User
from lotse.core.tests.factories import MunicipalityFactory
from lotse.volunteers import interpreting_services as services
from lotse.volunteers.models import InterpreterPool, InterpreterRequest, Volunteer

ZONE = timezone.get_current_timezone()
# A Tuesday morning, in the future of the tests.
TUESDAY_10 = datetime.datetime(2031, 3, 4, 10, 0, tzinfo=ZONE)
PLEDGE_ON = datetime.date(2025, 1, 15)


def pool_of(organisation: Organisation, municipality: Municipality | None = None, **fields: Any) -> InterpreterPool:
    return services.save_pool(
        acting_user=None,
        organisation=organisation,
        name=fields.pop("name", "Dolmetschdienst"),
        municipalities=[municipality or MunicipalityFactory.create(name="Ludwigsburg")],
        requesters_may_book=fields.pop("requesters_may_book", False),
    )


def interpreter(organisation: Organisation, family_name: str = "Rahimi", **fields: Any) -> Volunteer:
    defaults: dict[str, Any] = {
        "given_names": "Laila",
        "gender": "w",
        "email": f"{family_name.lower()}@example.org",
        "languages": {"prs": "muttersprache"},
        "pledge_on": PLEDGE_ON,
        "since": PLEDGE_ON,
    }
    defaults.update(fields)
    return services.ensure_interpreter(acting_user=None, organisation=organisation, family_name=family_name, **defaults)


def a_case(organisation: Organisation, caseworker: User, municipality: Municipality) -> Case:
    return case_services.open_case(
        acting_user=None,
        organisation=organisation,
        municipality=municipality,
        start_date=datetime.date(2025, 3, 3),
        responsible=caseworker,
        head={"family_name": "Haddad", "given_names": "Amina"},
    )


def a_request(pool: InterpreterPool, organisation: Organisation, **fields: Any) -> InterpreterRequest:
    acting_user = fields.pop("acting_user", None)
    defaults: dict[str, Any] = {
        "language": "prs",
        "starts_at": TUESDAY_10,
        "duration_minutes": 60,
        "place_kind": "buero",
        "client_first_name": "Amina",
    }
    defaults.update(fields)
    return services.request_interpreter(
        acting_user=acting_user, pool=pool, requesting_organisation=organisation, **defaults
    )
