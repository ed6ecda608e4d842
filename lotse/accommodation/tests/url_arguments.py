"""The accommodation URLs for the URL matrix: a shelter of the county's Landratsamt with its stays.

The Landratsamt runs the shelter and assigns; the housing officer of the
city holds the same capabilities but neither operates the shelter nor
administers the municipality the assignment went to, so every record here
is out of scope for her (404). Statistics and system administration see the
places of every shelter.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping

from lotse.accommodation import services
from lotse.core.tests.url_arguments import AppUrls, UrlWorld

DAY = datetime.date(2025, 3, 3)

READ_ONLY = {
    "accommodation:shelter_detail",
    "accommodation:shelter_residents_xlsx",
    "accommodation:move_out_done",
    "accommodation:resident_detail",
    "accommodation:assignment_detail",
}


def url_arguments(world: UrlWorld) -> AppUrls:
    county = world.county
    shelter = services.create_shelter(
        acting_user=None,
        organisation=county,
        places=3,
        places_from=DAY,
        name="GU Schlösslesfeld",
        kind="gu_vorlaeufig",
        municipality=world.municipality,
    )
    resident = services.register_resident(acting_user=None, organisation=county, family_name="Karimi")
    leaving = services.register_resident(acting_user=None, organisation=county, family_name="Rahimi")
    open_stay = services.move_in(acting_user=None, shelter=shelter, person=resident, on=DAY)
    ended_stay = services.move_in(acting_user=None, shelter=shelter, person=leaving, on=DAY)
    services.move_out(
        acting_user=None,
        occupancy=ended_stay,
        on=DAY + datetime.timedelta(days=30),
        reason="wegzug",
        expected_version=1,
    )
    assignment = services.record_assignment(
        acting_user=None, organisation=county, municipality=world.municipality, date=DAY, persons=[resident]
    )
    of_shelter = {"pk": shelter.pk}
    kwargs: dict[str, Mapping[str, object]] = {
        "accommodation:shelter_detail": of_shelter,
        "accommodation:shelter_edit": of_shelter,
        "accommodation:shelter_residents_xlsx": of_shelter,
        "accommodation:unit_add": of_shelter,
        "accommodation:capacity_change": of_shelter,
        "accommodation:move_in": of_shelter,
        "accommodation:move_out": {"pk": open_stay.pk},
        "accommodation:move_out_done": {"pk": ended_stay.pk},
        "accommodation:resident_detail": {"pk": resident.pk},
        "accommodation:assignment_detail": {"pk": assignment.pk},
    }
    return AppUrls(
        kwargs=kwargs,
        out_of_scope={
            **dict.fromkeys(kwargs, frozenset({"housing_officer"})),
            # Beyond the table: only a Landratsamt assigns, so a city's staff do not find the form (404).
            "accommodation:assignment_create": frozenset({"housing_officer"}),
            # The VU monitor is the Landratsamt's: a city's staff hold the capability but do not find it (404).
            "accommodation:vu_monitor": frozenset({"housing_officer"}),
            "accommodation:vu_monitor_xlsx": frozenset({"housing_officer"}),
        },
        accepts_post=frozenset(kwargs) - READ_ONLY
        | {
            "accommodation:shelter_create",
            "accommodation:assignment_create",
            "accommodation:intake_list",
            "accommodation:forecast",
        },
    )
