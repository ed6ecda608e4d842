"""The arrivals URLs for the URL matrix.

Responsibilities belong to the whole installation and name no person: whoever holds the capability sees them.
Handover sheets: the county's Landratsamt runs a shelter whose social service hands households over to
organisation A, responsible for the world's municipality. The city's accommodation staff hold the capability to
hand over but not the county's sheets (404); the caseworkers of organisation B hold casework but are not the
receiver (404).
The exchange between linked records: a client of organisation A consented to the exchange with the county
(``world.county``), whose accommodation staff moved the linked resident in (so A got a notice); a second client
of A asks the county to link. Organisation B's caseworkers and the city's accommodation staff see none of it.
A new arrival is its receiving organisation's (A, from an assignment by the county): the integration management
and team lead of organisation B hold the capability but get a 404; everybody else lacks it (403).
"""

from __future__ import annotations

import datetime

from lotse.accommodation import services as accommodation_services
from lotse.accommodation.choices import ShelterKind
from lotse.arrivals import exchange, handover_sheets, services
from lotse.arrivals.models import Arrival, ExchangeNotice
from lotse.cases import services as case_services
from lotse.cases.choices import ConsentPurpose
from lotse.cases.models import Case, CaseClient
from lotse.core.tests.url_arguments import AppUrls, UrlWorld
from lotse.network import sheet_services
from lotse.network.models import InfoSheet
from lotse.people.models import Person

DAY = datetime.date(2025, 3, 3)


def _client(world: UrlWorld, family_name: str) -> tuple[Case, Person]:
    case = case_services.open_case(
        acting_user=None,
        organisation=world.owner,
        municipality=world.municipality,
        start_date=DAY,
        responsible=None,
        head={
            "family_name": family_name,
            "given_names": "Samir",
            "birth_date": datetime.date(1990, 5, 1),
            "birth_date_precision": "day",
        },
    )
    return case, CaseClient.objects.get(case=case).person


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
    newcomer = accommodation_services.register_resident(
        acting_user=None, organisation=world.county, family_name="Rostami", given_names="Zahra", languages=["prs"]
    )
    assignment = accommodation_services.record_assignment(
        acting_user=None,
        organisation=world.county,
        municipality=world.municipality,
        date=datetime.date(2025, 4, 1),
        persons=[newcomer],
    )
    arrival = Arrival.objects.get(assignment=assignment, organisation=world.owner)
    if not InfoSheet.objects.filter(municipality=world.municipality).exists():
        sheet_services.create_sheet(acting_user=None, municipality=world.municipality)
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
    exchange_shelter = accommodation_services.create_shelter(
        acting_user=None,
        organisation=world.county,
        places=4,
        places_from=DAY,
        name="GU Austausch",
        kind=ShelterKind.GU_VORLAEUFIG,
        municipality=world.municipality,
    )
    case, client = _client(world, "Karimi")
    resident = accommodation_services.register_resident(
        acting_user=None, organisation=world.county, family_name="Karimi", given_names="Samir"
    )
    case_services.record_consent(
        acting_user=None,
        case=case,
        person=client,
        purpose=ConsentPurpose.HOUSING_EXCHANGE,
        given_on=DAY,
        recipient_organisation=world.county,
    )
    services.link_records(acting_user=None, accommodation_person=resident, casework_person=client)
    accommodation_services.move_in(acting_user=None, shelter=exchange_shelter, person=resident, on=DAY)
    notice = ExchangeNotice.objects.get(person=client)

    other_case, other_client = _client(world, "Rahimi")
    consent = case_services.record_consent(
        acting_user=None,
        case=other_case,
        person=other_client,
        purpose=ConsentPurpose.HOUSING_EXCHANGE,
        given_on=DAY,
        recipient_organisation=world.county,
    )
    link_request = exchange.request_link(acting_user=None, consent=consent)

    kwargs.update(
        {
            "arrivals:notice_seen": {"pk": notice.pk},
            "arrivals:link_request_create": {"pk": consent.pk},
            "arrivals:link_request_detail": {"pk": link_request.pk},
            "arrivals:link_request_decline": {"pk": link_request.pk},
        }
    )
    kwargs |= {name: {"pk": arrival.pk} for name in ARRIVAL_PAGES}
    casework_outsiders = frozenset({"caseworker_b", "teamlead_b"})
    accommodation_outsiders = frozenset({"housing_officer"})
    return AppUrls(
        kwargs=kwargs,
        out_of_scope={
            "arrivals:notice_seen": casework_outsiders,
            "arrivals:link_request_create": casework_outsiders,
            "arrivals:link_request_detail": accommodation_outsiders,
            "arrivals:link_request_decline": accommodation_outsiders,
            **dict.fromkeys(SENDING, frozenset({"housing_officer"})),
            **dict.fromkeys(RECEIVING, frozenset({"caseworker_b", "teamlead_b"})),
            **dict.fromkeys(ARRIVAL_PAGES, casework_outsiders),
            # Naming the caseworker is the team lead's (LEAD_TEAM): of organisation B, a 404.
            "arrivals:arrival_caseworker": frozenset({"teamlead_b"}),
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
                "arrivals:notice_seen",
                "arrivals:link_request_create",
                "arrivals:link_request_detail",
                "arrivals:link_request_decline",
                *(set(ARRIVAL_PAGES) - {"arrivals:arrival_detail", "arrivals:arrival_info_sheet"}),
            }
        ),
    )
