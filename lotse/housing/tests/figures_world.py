"""A small world of housing acquisition for the figures' tests, counted by hand in ``test_figures_counts.py``.

The rows are written directly (the services of landlords, offers, searches and placements are built alongside);
history events come from the database's triggers as they would from the services. Reference date D = 30.06.2024,
period from V = 01.01.2024. Municipalities: Tamm (M1) and Asperg (M2).

Organisation A's offers and their status on D:

    O1 Tamm    acquired 2023-10-01  geprüft 11-01, reserviert 2024-05-01, vermittelt 06-15 (lease P1 06-15)
                                    lease undone and offer checked again on 2024-08-01 (after D)
    O2 Tamm    acquired 2024-02-01  geprüft 03-01; placement P2 refused                 -> geprüft
    O3 Asperg  acquired 2024-03-10  reserviert 06-20, vermittelt 07-05 (lease P3 07-05) -> reserviert
    O4 Asperg  acquired 2024-04-01  zurückgezogen 05-01                                 -> zurückgezogen
    O5 Tamm    acquired 2024-07-02                                                      -> not yet acquired
    O6 Asperg  acquired 2024-01-15  vermittelt 03-01 (lease P6 03-01)                   -> vermittelt
    O7 Tamm    acquired 2024-05-01  withdrawn 06-01 by mistake, corrected to geprüft since 05-10 -> geprüft
    O8 Tamm    acquired 2024-06-30 (on D)                                               -> neu

Organisation B: OB Tamm acquired 2024-02-02, vermittelt 04-10 (lease PB 04-10).

Searches (size on D, status on D):

    S1 A Tamm    3  began 2023-09-01, housed 2024-06-15 by P1 (288 days)     -> versorgt
    S2 A Tamm    4  began 2024-02-01; a child added after D (size 5 now)      -> sucht
    S3 A Asperg  1  began 2024-03-01, paused 05-01, searching again 07-10     -> pausiert
    S4 A Tamm    2  began 2024-07-05                                           -> not yet
    S5 A Asperg  2  began 2024-04-01, housed 07-05 by P3                       -> sucht
    S6 A Asperg  1  began 2024-01-10, housed 2024-03-01 by P6 (51 days)       -> versorgt
    S7 A Tamm    1  began 2023-05-01, ended 2024-06-30                         -> beendet
    SB1 B Tamm   3  consent "Wohnungssuche" for A since 2024-02-01            -> sucht (B and A)
    SB2 B Asperg 1  consent for A 2024-01-01, withdrawn 2024-06-01            -> sucht (B)
    SB3 B Tamm   2  consent for A from 2024-07-01                             -> sucht (B)
    SBP B Tamm   2  began 2024-01-05, housed 2024-04-10 by PB (96 days)       -> versorgt

Rent-default guarantees of A's landlords: G1 3000 EUR 2024-01-01..2025-12-31 for O1 (in force), G2 2000 EUR
2023-01-01..2024-06-29 (ended), G3 1500 EUR from D for O6 (in force), G4 5000 EUR from 2024-07-01 (not yet),
G5 advice only, G6 without amount 2024-02-01..D (in force). B: GB 1000 EUR from 2024-01-01 (in force).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from lotse.cases.choices import ConsentPurpose
from lotse.cases.models import Case, Consent
from lotse.core.models import Municipality, Organisation
from lotse.core.tests.factories import MunicipalityFactory
from lotse.housing.choices import (
    LandlordKind,
    OfferStatus,
    PlacementState,
    RefusalReason,
    RefusedBy,
    SearchStatus,
    SupportKind,
)
from lotse.housing.models import FlatOffer, Landlord, LandlordSupport, Placement, SearchProfile
from lotse.people.models import Household, Person

D = datetime.date(2024, 6, 30)
V = datetime.date(2024, 1, 1)
OS, PS, SS = OfferStatus, PlacementState, SearchStatus


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def change(record: Any, **fields: Any) -> None:
    """An edit of the record (one update, one history event), as a service would save it."""
    for name, value in fields.items():
        setattr(record, name, day(value) if name.endswith(("_since", "_on")) and isinstance(value, str) else value)
    record.version += 1
    record.save()


def landlord(organisation: Organisation, name: str) -> Landlord:
    return Landlord.objects.create(
        organisation=organisation, kind=LandlordKind.PRIVATE, name=name, consent_on=day("2023-01-01")
    )


def offer(owner: Landlord, municipality: Municipality, acquired: str, street: str) -> FlatOffer:
    """An offer acquired (status new) on ``acquired``."""
    return FlatOffer.objects.create(
        organisation=owner.organisation,
        landlord=owner,
        street=street,
        municipality=municipality,
        rooms=Decimal("3"),
        living_space=Decimal("70"),
        rent_cold=Decimal("650"),
        available_from=day(acquired),
        max_occupants=5,
        status=OS.NEW,
        status_since=day(acquired),
        acquired_on=day(acquired),
    )


def search(
    organisation: Organisation, municipality: Municipality, began: str, adults: int, children: int = 0
) -> SearchProfile:
    """The search of a new household of a new case of ``organisation`` in ``municipality``, begun on ``began``."""
    home = Household.objects.create(organisation=organisation)
    case = Case.objects.create(
        organisation=organisation, municipality=municipality, household=home, start_date=day("2023-01-01")
    )
    return SearchProfile.objects.create(
        organisation=organisation,
        case=case,
        household=home,
        adults=adults,
        children=children,
        earliest_move_in=day(began),
        search_started_on=day(began),
        status=SS.SEARCHING,
        status_since=day(began),
    )


def consent(profile: SearchProfile, recipient: Organisation, given: str, withdrawn: str | None = None) -> Consent:
    person = Person.objects.create(organisation=profile.organisation, family_name="Quendelstein", given_names="K")
    return Consent.objects.create(
        case=profile.case,
        person=person,
        purpose=ConsentPurpose.HOUSING_SEARCH,
        recipient_organisation=recipient,
        given_on=day(given),
        withdrawn_on=day(withdrawn) if withdrawn else None,
    )


def placement(flat: FlatOffer, profile: SearchProfile, proposed: str) -> Placement:
    return Placement.objects.create(
        offer=flat, profile=profile, state=PS.PROPOSED, state_since=day(proposed), proposed_on=day(proposed)
    )


def lease(flat: FlatOffer, profile: SearchProfile, proposed: str, signed: str) -> Placement:
    """A placement from its proposal to the lease signed on ``signed``: the offer placed, the search housed."""
    record = placement(flat, profile, proposed)
    change(record, state=PS.VIEWING, state_since=proposed)
    change(record, state=PS.ACCEPTED, state_since=proposed)
    change(
        record,
        state=PS.LEASE,
        state_since=signed,
        lease_signed_on=signed,
        lease_starts_on=signed,
        agreed_rent=Decimal("650"),
    )
    change(flat, status=OS.PLACED, status_since=signed)
    change(profile, status=SS.HOUSED, status_since=signed)
    return record


def support(
    owner: Landlord,
    agreed: str,
    amount: str | None,
    ends: str | None = None,
    flat: FlatOffer | None = None,
    kind: str = SupportKind.RENT_GUARANTEE,
) -> LandlordSupport:
    return LandlordSupport.objects.create(
        landlord=owner,
        kind=kind,
        agreed_on=day(agreed),
        amount=Decimal(amount) if amount is not None else None,
        ends_on=day(ends) if ends else None,
        offer=flat,
    )


@dataclass
class World:
    tamm: Municipality
    asperg: Municipality
    offers: dict[str, FlatOffer] = field(default_factory=dict)
    searches: dict[str, SearchProfile] = field(default_factory=dict)
    placements: dict[str, Placement] = field(default_factory=dict)
    landlords: dict[str, Landlord] = field(default_factory=dict)


def build(org_a: Organisation, org_b: Organisation) -> World:
    tamm = MunicipalityFactory.create(ags="08118079", name="Tamm")
    asperg = MunicipalityFactory.create(ags="08118003", name="Asperg")
    world = World(tamm=tamm, asperg=asperg)
    la, la2, lb = landlord(org_a, "Lindenmaier"), landlord(org_a, "Wohnbau Strohgäu"), landlord(org_b, "Oberle")
    world.landlords = {"LA": la, "LA2": la2, "LB": lb}

    o = world.offers
    o["O1"] = offer(la, tamm, "2023-10-01", "Hauptstraße 1")
    change(o["O1"], status=OS.CHECKED, status_since="2023-11-01")
    change(o["O1"], status=OS.RESERVED, status_since="2024-05-01")
    o["O2"] = offer(la, tamm, "2024-02-01", "Hauptstraße 2")
    change(o["O2"], status=OS.CHECKED, status_since="2024-03-01")
    o["O3"] = offer(la2, asperg, "2024-03-10", "Königstraße 3")
    change(o["O3"], status=OS.RESERVED, status_since="2024-06-20")
    o["O4"] = offer(la2, asperg, "2024-04-01", "Königstraße 4")
    change(o["O4"], status=OS.WITHDRAWN, status_since="2024-05-01")
    o["O5"] = offer(la, tamm, "2024-07-02", "Hauptstraße 5")
    o["O6"] = offer(la2, asperg, "2024-01-15", "Königstraße 6")
    o["O7"] = offer(la, tamm, "2024-05-01", "Hauptstraße 7")
    change(o["O7"], status=OS.WITHDRAWN, status_since="2024-06-01")
    change(o["O7"], status=OS.CHECKED, status_since="2024-05-10")  # the withdrawal was a mistake
    o["O8"] = offer(la, tamm, "2024-06-30", "Hauptstraße 8")
    o["OB"] = offer(lb, tamm, "2024-02-02", "Bahnhofstraße 1")

    s = world.searches
    s["S1"] = search(org_a, tamm, "2023-09-01", 2, 1)
    s["S2"] = search(org_a, tamm, "2024-02-01", 2, 2)
    s["S3"] = search(org_a, asperg, "2024-03-01", 1)
    change(s["S3"], status=SS.PAUSED, status_since="2024-05-01")
    change(s["S3"], status=SS.SEARCHING, status_since="2024-07-10")
    s["S4"] = search(org_a, tamm, "2024-07-05", 2)
    s["S5"] = search(org_a, asperg, "2024-04-01", 1, 1)
    s["S6"] = search(org_a, asperg, "2024-01-10", 1)
    s["S7"] = search(org_a, tamm, "2023-05-01", 1)
    change(s["S7"], status=SS.ENDED, status_since="2024-06-30")
    s["SB1"] = search(org_b, tamm, "2024-01-20", 2, 1)
    consent(s["SB1"], org_a, "2024-02-01")
    s["SB2"] = search(org_b, asperg, "2024-01-02", 1)
    consent(s["SB2"], org_a, "2024-01-01", withdrawn="2024-06-01")
    s["SB3"] = search(org_b, tamm, "2024-03-03", 2)
    consent(s["SB3"], org_a, "2024-07-01")
    s["SBP"] = search(org_b, tamm, "2024-01-05", 2)

    p = world.placements
    p["P1"] = lease(o["O1"], s["S1"], "2024-06-01", "2024-06-15")
    p["P2"] = placement(o["O2"], s["S2"], "2024-03-05")
    change(
        p["P2"],
        state=PS.REFUSED,
        state_since="2024-03-20",
        refused_by=RefusedBy.LANDLORD,
        refusal_reason=RefusalReason.OTHER_TENANT,
    )
    p["P3"] = lease(o["O3"], s["S5"], "2024-06-20", "2024-07-05")
    p["P6"] = lease(o["O6"], s["S6"], "2024-02-15", "2024-03-01")
    p["PB"] = lease(o["OB"], s["SBP"], "2024-03-01", "2024-04-10")

    # After D: the lease of O1 is undone and the offer checked again; a child is born into S2's household.
    change(
        p["P1"],
        state=PS.REFUSED,
        state_since="2024-08-01",
        refused_by=RefusedBy.HOUSEHOLD,
        refusal_reason=RefusalReason.OTHER,
    )
    change(o["O1"], status=OS.CHECKED, status_since="2024-08-01")
    change(s["S1"], status=SS.SEARCHING, status_since="2024-08-01")
    change(s["S2"], children=3)

    support(la, "2024-01-01", "3000", "2025-12-31", flat=o["O1"])
    support(la, "2023-01-01", "2000", "2024-06-29")
    support(la2, "2024-06-30", "1500", flat=o["O6"])
    support(la2, "2024-07-01", "5000")
    support(la, "2024-01-01", None, kind=SupportKind.ADVICE)
    support(la2, "2024-02-01", None, "2024-06-30")
    support(lb, "2024-01-01", "1000")
    return world
