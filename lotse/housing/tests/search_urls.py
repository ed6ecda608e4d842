"""The search part of the housing URLs for the URL matrix: a case of organisation A with its household's search,
a flat offer of A proposed to it (a placement), so every search, matching and placement page names a record."""

from __future__ import annotations

from collections.abc import Mapping

from lotse.core.tests.url_arguments import AppUrls, UrlWorld
from lotse.housing import placement_services
from lotse.housing.tests import housing_world as hw

# Organisation B's caseworkers, team lead and housing staff hold the capabilities but see none of A's records.
OTHERS = frozenset({"caseworker_b", "teamlead_b", "housing_staff_b"})

# The pages of casework (opening and changing a search): B's housing staff do not hold the capability at all.
CASEWORKERS_B = frozenset({"caseworker_b", "teamlead_b"})
CASEWORK = ("housing:search_create", "housing:search_edit", "housing:search_status")
SEARCH = ("housing:search_detail", "housing:search_edit", "housing:search_status", "housing:search_matching")
OFFER = ("housing:offer_matching", "housing:offer_placements")
PLACEMENT = (
    "housing:placement_detail",
    "housing:placement_viewing",
    "housing:placement_accept",
    "housing:placement_refuse",
    "housing:placement_approval",
    "housing:placement_lease",
)


def search_urls(world: UrlWorld) -> AppUrls:
    case = hw.household_case(world.owner, world.municipality, family_name="Wohnungssuchend")
    profile = hw.search(case)
    offer = hw.offer(world.owner, world.municipality)
    placement = placement_services.propose(acting_user=None, offer=offer, profile=profile)
    kwargs: dict[str, Mapping[str, object]] = {
        "housing:search_create": {"case_pk": case.pk},
        **{name: {"pk": profile.pk} for name in SEARCH},
        **{name: {"pk": offer.pk} for name in OFFER},
        **{name: {"pk": placement.pk} for name in PLACEMENT},
    }
    return AppUrls(
        kwargs=kwargs,
        out_of_scope={name: CASEWORKERS_B if name in CASEWORK else OTHERS for name in kwargs},
        accepts_post=frozenset(
            {
                "housing:search_create",
                "housing:search_edit",
                "housing:search_status",
                "housing:proposal_confirm",
                "housing:placement_viewing",
                "housing:placement_accept",
                "housing:placement_refuse",
                "housing:placement_approval",
                "housing:placement_lease",
            }
        ),
    )
