"""Records of the offer part's tests, built through the services (the personas come from the root conftest)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from lotse.core.models import Municipality, Organisation, User
from lotse.core.tests.factories import MunicipalityFactory
from lotse.housing import landlord_services, offer_services
from lotse.housing.choices import LandlordKind
from lotse.housing.models import FlatOffer, Landlord

# The smallest valid PNG (a 1x1 pixel) and a tiny PDF.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def municipality(name: str = "Ludwigsburg", ags: str = "08118048") -> Municipality:
    return MunicipalityFactory.create(name=name, ags=ags)


def landlord(organisation: Organisation, acting_user: User | None = None, **fields: Any) -> Landlord:
    values: dict[str, Any] = {"kind": LandlordKind.PRIVATE, "name": "Erika Muster", "phone": "07141 1234"}
    values.update(fields)
    return landlord_services.create_landlord(
        acting_user=acting_user, organisation=organisation, consent_on=days_ago(30), **values
    )


def offer(owner: Landlord, place: Municipality, acting_user: User | None = None, **fields: Any) -> FlatOffer:
    values: dict[str, Any] = {
        "landlord": owner,
        "street": "Lindenstraße 4",
        "municipality": place,
        "rooms": Decimal("3"),
        "living_space": Decimal("72"),
        "rent_cold": Decimal("600"),
        "service_charges": Decimal("120"),
        "available_from": days_ago(-14),
        "max_occupants": 4,
        "acquired_on": days_ago(20),
    }
    values.update(fields)
    return offer_services.create_offer(acting_user=acting_user, organisation=owner.organisation, **values)
