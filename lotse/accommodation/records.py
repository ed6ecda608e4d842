"""Stays named for the change history and the access log (``lotse.core.records``): by their resident."""

from __future__ import annotations

from collections.abc import Collection

from lotse.accommodation.models import Occupancy
from lotse.core.models import User
from lotse.core.records import NamingContext, RecordName, names_records, pks_of


@names_records("accommodation.occupancy")
def name_stays(user: User, pks: Collection[str], context: NamingContext) -> dict[str, RecordName]:
    stays = Occupancy.objects.filter(pk__in=pks_of(Occupancy, pks)).select_related("person")
    return {str(stay.pk): RecordName(stay.person.full_name) for stay in stays}
