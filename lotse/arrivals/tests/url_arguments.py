"""The arrivals URLs for the URL matrix: one responsibility of organisation A for the world's municipality, and a
new arrival of A from an assignment by the county.

Responsibilities belong to the whole installation and name no person: whoever holds the capability sees them.
A new arrival is its receiving organisation's: the integration management and team lead of organisation B hold
the capability but get a 404; everybody else lacks it (403).
"""

from __future__ import annotations

import datetime

from lotse.accommodation import services as accommodation_services
from lotse.arrivals import services
from lotse.arrivals.models import Arrival
from lotse.core.tests.url_arguments import AppUrls, UrlWorld
from lotse.network import sheet_services
from lotse.network.models import InfoSheet

ARRIVAL_PAGES = (
    "arrivals:arrival_detail",
    "arrivals:arrival_contact",
    "arrivals:arrival_decline",
    "arrivals:arrival_forward",
    "arrivals:arrival_caseworker",
    "arrivals:arrival_begin",
    "arrivals:arrival_info_sheet",
)


def url_arguments(world: UrlWorld) -> AppUrls:
    responsibility = services.create_responsibility(
        acting_user=None,
        municipality=world.municipality,
        organisation=world.owner,
        valid_from=datetime.date(2025, 1, 1),
    )
    resident = accommodation_services.register_resident(
        acting_user=None, organisation=world.county, family_name="Haidari", given_names="Zahra", languages=["prs"]
    )
    assignment = accommodation_services.record_assignment(
        acting_user=None,
        organisation=world.county,
        municipality=world.municipality,
        date=datetime.date(2025, 4, 1),
        persons=[resident],
    )
    arrival = Arrival.objects.get(assignment=assignment, organisation=world.owner)
    if not InfoSheet.objects.filter(municipality=world.municipality).exists():
        sheet_services.create_sheet(acting_user=None, municipality=world.municipality)
    kwargs: dict[str, dict[str, object]] = {
        name: {"pk": responsibility.pk}
        for name in ("arrivals:responsibility_edit", "arrivals:responsibility_end", "arrivals:responsibility_delete")
    }
    kwargs |= {name: {"pk": arrival.pk} for name in ARRIVAL_PAGES}
    return AppUrls(
        kwargs=kwargs,
        out_of_scope={
            **dict.fromkeys(ARRIVAL_PAGES, frozenset({"caseworker_b", "teamlead_b"})),
            # Naming the caseworker is the team lead's (LEAD_TEAM): of organisation B, a 404.
            "arrivals:arrival_caseworker": frozenset({"teamlead_b"}),
        },
        accepts_post=frozenset(kwargs) - {"arrivals:arrival_detail", "arrivals:arrival_info_sheet"}
        | {"arrivals:responsibility_create"},
    )
