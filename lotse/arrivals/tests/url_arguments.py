"""The arrivals URLs for the URL matrix.

Responsibilities belong to the whole installation and name no person: whoever holds the capability sees them.
Handover sheets: the county's Landratsamt runs a shelter whose social service hands households over to
organisation A, responsible for the world's municipality. The city's accommodation staff hold the capability to
hand over but not the county's sheets (404); the caseworkers of organisation B hold casework but are not the
receiver (404).
"""

from __future__ import annotations

import datetime

from lotse.accommodation import services as accommodation_services
from lotse.arrivals import handover_sheets, services
from lotse.core.tests.url_arguments import AppUrls, UrlWorld

DAY = datetime.date(2025, 3, 3)

SENDING = (
    "arrivals:sheet_start",
    "arrivals:sheet_detail",
    "arrivals:sheet_edit",
    "arrivals:sheet_send",
    "arrivals:sheet_withdraw",
    "arrivals:sheet_delete",
    "arrivals:sheet_print",
)
RECEIVING = ("arrivals:received_detail", "arrivals:received_into_case", "arrivals:received_print")


def url_arguments(world: UrlWorld) -> AppUrls:
    responsibility = services.create_responsibility(
        acting_user=None,
        municipality=world.municipality,
        organisation=world.owner,
        valid_from=datetime.date(2025, 1, 1),
    )
    kwargs: dict[str, dict[str, object]] = {
        name: {"pk": responsibility.pk}
        for name in ("arrivals:responsibility_edit", "arrivals:responsibility_end", "arrivals:responsibility_delete")
    }
    shelter = accommodation_services.create_shelter(
        acting_user=None,
        organisation=world.county,
        places=3,
        places_from=DAY,
        name="GU Übergabe",
        kind="gu_vorlaeufig",
        municipality=world.municipality,
    )
    residents = []
    for family_name in ("Nasser", "Yousef", "Haidari"):
        person = accommodation_services.register_resident(
            acting_user=None, organisation=world.county, family_name=family_name
        )
        accommodation_services.move_in(acting_user=None, shelter=shelter, person=person, on=DAY)
        residents.append(person)
    draft = handover_sheets.start_sheet(acting_user=None, person=residents[1])
    sent = handover_sheets.start_sheet(acting_user=None, person=residents[2])
    sent = handover_sheets.update_sheet(
        acting_user=None,
        sheet=sent,
        expected_version=sent.version,
        receiving_organisation=world.owner,
        consent_given_on=DAY,
        consent_given_by=sent.persons.get(),
        message="",
    )
    sent = handover_sheets.send_sheet(acting_user=None, sheet=sent, expected_version=sent.version)
    kwargs["arrivals:sheet_start"] = {"person": residents[0].pk}
    for name in ("arrivals:sheet_edit", "arrivals:sheet_send", "arrivals:sheet_delete"):
        kwargs[name] = {"pk": draft.pk}
    for name in ("arrivals:sheet_detail", "arrivals:sheet_withdraw", "arrivals:sheet_print", *RECEIVING):
        kwargs[name] = {"pk": sent.pk}
    return AppUrls(
        kwargs=kwargs,
        out_of_scope={
            **dict.fromkeys(SENDING, frozenset({"housing_officer"})),
            **dict.fromkeys(RECEIVING, frozenset({"caseworker_b", "teamlead_b"})),
        },
        accepts_post=frozenset(
            {
                "arrivals:responsibility_edit",
                "arrivals:responsibility_end",
                "arrivals:responsibility_delete",
                "arrivals:responsibility_create",
                "arrivals:sheet_start",
                "arrivals:sheet_edit",
                "arrivals:sheet_send",
                "arrivals:sheet_withdraw",
                "arrivals:sheet_delete",
                "arrivals:received_detail",
                "arrivals:received_into_case",
            }
        ),
    )
