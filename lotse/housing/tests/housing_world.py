"""Records for the tests of searches, matching and placements.

Landlords and offers are written directly (``Landlord.objects.create``/``FlatOffer.objects.create``) until the
offers part's services land; the integrator switches these two helpers to them. Cases and searches go through the
casework and search services.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from lotse.cases import services as case_services
from lotse.cases.models import Case
from lotse.core.models import Municipality, Organisation
from lotse.housing import search_services
from lotse.housing.choices import LandlordKind, OfferStatus
from lotse.housing.models import FlatOffer, Landlord, RentLimit, SearchProfile
from lotse.people.models import Person

TODAY = timezone.localdate


def landlord(organisation: Organisation, name: str = "Wohnbau Testkreis") -> Landlord:
    return Landlord.objects.create(
        organisation=organisation,
        kind=LandlordKind.COMPANY,
        name=name,
        consent_on=TODAY() - datetime.timedelta(days=30),
    )


def offer(organisation: Organisation, municipality: Municipality, **fields: Any) -> FlatOffer:
    today = TODAY()
    values: dict[str, Any] = {
        "organisation": organisation,
        "landlord": fields.pop("landlord", None) or landlord(organisation),
        "street": "Schillerstraße 4",
        "municipality": municipality,
        "rooms": Decimal("3"),
        "living_space": Decimal("70"),
        "rent_cold": Decimal("600"),
        "service_charges": Decimal("150"),
        "available_from": today,
        "max_occupants": 4,
        "status": OfferStatus.CHECKED,
        "status_since": today - datetime.timedelta(days=10),
        "acquired_on": today - datetime.timedelta(days=20),
    }
    values.update(fields)
    return FlatOffer.objects.create(**values)


def rent_limit(municipality: Municipality, size: int, rent: str, space: str | None = None, **fields: Any) -> RentLimit:
    return RentLimit.objects.create(
        municipality=municipality,
        household_size=size,
        valid_from=fields.get("valid_from", datetime.date(2024, 1, 1)),
        max_gross_cold_rent=Decimal(rent),
        max_living_space=Decimal(space) if space else None,
    )


def household_case(
    organisation: Organisation,
    municipality: Municipality,
    *,
    family_name: str = "Haddad",
    children: int = 1,
    start: datetime.date | None = None,
) -> Case:
    """A case with an adult head and ``children`` children born ten years ago."""
    start = start or TODAY() - datetime.timedelta(days=400)
    case = case_services.open_case(
        acting_user=None,
        organisation=organisation,
        municipality=municipality,
        start_date=start,
        responsible=None,
        head={
            "family_name": family_name,
            "given_names": "Amina",
            "birth_date": datetime.date(1988, 5, 1),
            "birth_date_precision": "day",
        },
    )
    for number in range(children):
        case_services.add_household_member(
            acting_user=None,
            case=case,
            person_fields={
                "family_name": family_name,
                "given_names": f"Kind {number + 1}",
                "birth_date": TODAY().replace(year=TODAY().year - 10) - datetime.timedelta(days=number),
                "birth_date_precision": "day",
            },
            relationship="kind",
            since=start,
            is_client=True,
        )
    return case


def members(case: Case) -> list[Person]:
    return list(Person.objects.filter(household_memberships__household=case.household).order_by("pk"))


def search(case: Case, **fields: Any) -> SearchProfile:
    today = TODAY()
    adults, children = search_services.composition(case, today)
    values: dict[str, Any] = {
        "adults": adults,
        "children": children,
        "earliest_move_in": today,
        "search_started_on": today - datetime.timedelta(days=100),
    }
    values.update(fields)
    return search_services.open_search(acting_user=None, case=case, **values)
