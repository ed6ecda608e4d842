"""The demo county's housing acquisition (Wohnraumakquise und Mietermatching), built through lotse.housing's services.

The district office (``wohnraum-lra``) enters the county's rent limits for household sizes 1 to 8 in every
municipality (plausible, fictional amounts; a newer set from 1 July 2026). The city of Ludwigsburg (``wohnraum``)
and the district office acquire about 40 flats of their landlords over two years (support agreed: advice, help with
the lease, rent-default guarantees, occupancy rights for a renovation grant). Eighty households of the casework
demo search for a flat: their caseworkers open the search from the case and record the client's consent that the
search is passed on to the housing staff of the city (households of Ludwigsburg) or of the district office (the
other municipalities). The housing staff propose the flats to the best-ranked households; viewings, refusals with
their reasons, approvals of the rent and signed leases follow, and a lease records the private tenancy of every
member (it shows in the key figures). Seeded, and only once (a second load creates nothing).
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from lotse.cases import services as case_services
from lotse.cases.choices import CaseStatus, ConsentPurpose
from lotse.cases.models import Case, CaseClient
from lotse.core.models import Municipality, Organisation, User
from lotse.demo.data import recorded
from lotse.housing import (
    landlord_services,
    matching,
    offer_services,
    placement_services,
    rent_limit_services,
    search_services,
)
from lotse.housing.choices import (
    Accompaniment,
    Benefits,
    ContactWay,
    Heating,
    LandlordKind,
    Need,
    OfferStatus,
    RefusalReason,
    RefusedBy,
    SupportKind,
    Urgency,
)
from lotse.housing.models import FlatOffer, Landlord, SearchProfile
from lotse.housing.rent_limit_services import LimitValues

CITY, COUNTY = "stadt-lb", "lra-lb"
SEED = 21
SEARCHES = 80
# The county's limits of the gross cold rent and living space by household size (fictional, plausible amounts),
# raised by a factor in the larger towns of the county.
BASE_LIMITS = {
    1: (560, 45),
    2: (680, 60),
    3: (810, 75),
    4: (940, 90),
    5: (1070, 105),
    6: (1200, 120),
    7: (1330, 135),
    8: (1460, 150),
}
DEARER = {
    "Ludwigsburg": Decimal("1.10"),
    "Kornwestheim": Decimal("1.06"),
    "Bietigheim-Bissingen": Decimal("1.06"),
    "Ditzingen": Decimal("1.08"),
    "Remseck am Neckar": Decimal("1.05"),
}
FIRST_SET, SECOND_SET = datetime.date(2025, 1, 1), datetime.date(2026, 7, 1)
SECOND_RISE = Decimal("1.05")
# (name, kind, contact person, preferred way) of the city's and of the district office's landlords.
CITY_LANDLORDS = [
    ("Wohnbau Neckar-Enz GmbH", LandlordKind.MUNICIPAL, "Frau Albrecht", ContactWay.EMAIL),
    ("Baugenossenschaft Favorite eG", LandlordKind.COOPERATIVE, "Herr Kübler", ContactWay.PHONE),
    ("Immobilien Seeger KG", LandlordKind.COMPANY, "Herr Seeger", ContactWay.EMAIL),
    ("Evangelische Gesamtkirchengemeinde", LandlordKind.CHURCH, "Pfarrerin Haag", ContactWay.LETTER),
    ("Renate Bäuerle", LandlordKind.PRIVATE, "", ContactWay.PHONE),
    ("Gerhard und Ilse Maurer", LandlordKind.PRIVATE, "", ContactWay.IN_PERSON),
    ("Jürgen Kienzle", LandlordKind.PRIVATE, "", ContactWay.PHONE),
    ("Sabine Dreher", LandlordKind.PRIVATE, "", ContactWay.EMAIL),
    ("Hausverwaltung Rieker", LandlordKind.COMPANY, "Frau Rieker", ContactWay.EMAIL),
    ("Klaus Rommel", LandlordKind.PRIVATE, "", ContactWay.PHONE),
    ("Erbengemeinschaft Schäfer", LandlordKind.PRIVATE, "Herr Schäfer", ContactWay.LETTER),
    ("Monika Häfele", LandlordKind.PRIVATE, "", ContactWay.PHONE),
]
COUNTY_LANDLORDS = [
    ("Kreisbau Ludwigsburg GmbH", LandlordKind.MUNICIPAL, "Herr Ziegler", ContactWay.EMAIL),
    ("Familie Wörner", LandlordKind.PRIVATE, "", ContactWay.PHONE),
    ("Dieter Pfisterer", LandlordKind.PRIVATE, "", ContactWay.IN_PERSON),
    ("Wohnen am Neckar AG", LandlordKind.COMPANY, "Frau Krämer", ContactWay.EMAIL),
    ("Katholische Kirchengemeinde St. Martin", LandlordKind.CHURCH, "Herr Lutz", ContactWay.LETTER),
    ("Irmgard Schoch", LandlordKind.PRIVATE, "", ContactWay.PHONE),
]
CITY_STREETS = [
    "Schorndorfer Straße",
    "Friedrichstraße",
    "Asperger Straße",
    "Marbacher Straße",
    "Hohenzollernstraße",
    "Eglosheimer Straße",
    "Oßweiler Weg",
    "Bietigheimer Straße",
    "Hirschbergstraße",
    "Königsallee",
]
COUNTY_TOWNS = [
    "Kornwestheim",
    "Bietigheim-Bissingen",
    "Ditzingen",
    "Remseck am Neckar",
    "Marbach am Neckar",
    "Asperg",
    "Möglingen",
    "Tamm",
    "Markgröningen",
    "Vaihingen an der Enz",
]
COUNTY_STREETS = ["Bahnhofstraße", "Hauptstraße", "Schillerstraße", "Gartenstraße", "Lindenstraße"]
# The offers: (organisation key, rooms), acquired one after the other over two years.
OFFERS = 40


def _day(today: datetime.date, days_ago: int) -> datetime.date:
    return today - datetime.timedelta(days=days_ago)


def load_demo_housing(*, today: datetime.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    city = Organisation.objects.filter(short_name=CITY).first()
    county = Organisation.objects.filter(short_name=COUNTY).first()
    if city is None or county is None:
        return {}
    if Landlord.objects.filter(organisation__in=[city, county]).exists():
        return {"created": 0}
    users = {u.username: u for u in User.objects.filter(username__in=["wohnraum", "wohnraum-lra"])}
    staff = {city.pk: users.get("wohnraum"), county.pk: users.get("wohnraum-lra")}
    rng = random.Random(SEED)
    counts = {"limits": 0, "landlords": 0, "offers": 0, "searches": 0, "placements": 0, "leases": 0, "refusals": 0}
    with recorded():
        counts["limits"] = _rent_limits(staff[county.pk], today)
    landlords = {
        city.pk: _landlords(city, staff[city.pk], CITY_LANDLORDS, today, rng),
        county.pk: _landlords(county, staff[county.pk], COUNTY_LANDLORDS, today, rng),
    }
    counts["landlords"] = sum(len(each) for each in landlords.values())
    offers = _offers(city, county, staff, landlords, today, rng)
    counts["offers"] = len(offers)
    profiles = _searches(city, county, today, rng)
    counts["searches"] = len(profiles)
    counts.update(_placements(offers, staff, today, rng))
    counts["placements"] += _current_proposals(offers, staff, today)
    return counts


def _rent_limits(keeper: User | None, today: datetime.date) -> int:
    municipalities = list(Municipality.objects.order_by("name"))
    made = 0
    for valid_from, rise in ((FIRST_SET, Decimal(1)), (SECOND_SET, SECOND_RISE)):
        if valid_from > today:
            continue
        for factor in sorted({DEARER.get(m.name, Decimal(1)) for m in municipalities}):
            area = [m for m in municipalities if DEARER.get(m.name, Decimal(1)) == factor]
            limits = {
                size: LimitValues((Decimal(rent) * factor * rise).quantize(Decimal("1")), Decimal(space))
                for size, (rent, space) in BASE_LIMITS.items()
            }
            made += len(
                rent_limit_services.set_limits(
                    acting_user=keeper, municipalities=area, valid_from=valid_from, limits=limits
                )
            )
    return made


def _landlords(
    organisation: Organisation,
    user: User | None,
    rows: Sequence[tuple[str, str, str, str]],
    today: datetime.date,
    rng: random.Random,
) -> list[Landlord]:
    made = []
    for number, (name, kind, contact, way) in enumerate(rows):
        consent_on = _day(today, 760 - number * 20)
        with recorded():
            landlord = landlord_services.create_landlord(
                acting_user=user,
                organisation=organisation,
                consent_on=consent_on,
                kind=kind,
                name=name,
                contact_person=contact,
                preferred_contact=way,
                phone=f"07141 {910000 + number * 37}" if way in (ContactWay.PHONE, ContactWay.IN_PERSON) else "",
                email=f"vermietung{number}@demo.lotse.invalid" if way == ContactWay.EMAIL else "",
                town=organisation.municipality.name if organisation.municipality else "Ludwigsburg",
            )
            landlord_services.add_support(
                acting_user=user, landlord=landlord, kind=SupportKind.ADVICE, agreed_on=consent_on
            )
            if kind == LandlordKind.PRIVATE and number % 2 == 0:
                # A rent-default guarantee for three years, the municipality's incentive for private landlords.
                landlord_services.add_support(
                    acting_user=user,
                    landlord=landlord,
                    kind=SupportKind.RENT_GUARANTEE,
                    agreed_on=consent_on + datetime.timedelta(days=30),
                    amount=Decimal(3000 + 500 * (number % 5)),
                    ends_on=consent_on + datetime.timedelta(days=30 + 3 * 365),
                )
            if kind == LandlordKind.PRIVATE and number % 5 == 1:
                landlord_services.add_support(
                    acting_user=user,
                    landlord=landlord,
                    kind=SupportKind.OCCUPANCY_RIGHT,
                    agreed_on=consent_on + datetime.timedelta(days=45),
                    amount=Decimal(12000),
                    ends_on=consent_on + datetime.timedelta(days=45 + 5 * 365),
                    note="Renovierungszuschuss für Bad und Küche, Belegungsrecht für fünf Jahre",
                )
            if kind in (LandlordKind.MUNICIPAL, LandlordKind.COOPERATIVE):
                landlord_services.add_support(
                    acting_user=user, landlord=landlord, kind=SupportKind.LEASE_HELP, agreed_on=consent_on
                )
        made.append(landlord)
    return made


def _offers(
    city: Organisation,
    county: Organisation,
    staff: dict[int, User | None],
    landlords: dict[int, list[Landlord]],
    today: datetime.date,
    rng: random.Random,
) -> list[FlatOffer]:
    towns = {m.name: m for m in Municipality.objects.filter(name__in=[*COUNTY_TOWNS, "Ludwigsburg"])}
    made = []
    for number in range(OFFERS):
        organisation = city if number % 10 < 7 else county
        own = landlords[organisation.pk]
        landlord = own[number % len(own)]
        if organisation == city:
            municipality = towns["Ludwigsburg"]
            street = f"{CITY_STREETS[number % len(CITY_STREETS)]} {3 + number * 7 % 80}"
        else:
            municipality = towns.get(
                COUNTY_TOWNS[(number * 3 + number // 10) % len(COUNTY_TOWNS)], towns["Ludwigsburg"]
            )
            street = f"{COUNTY_STREETS[number % len(COUNTY_STREETS)]} {1 + number * 5 % 60}"
        rooms = Decimal([1, 2, 2, 3, 3, 3, 4, 4, 5, 2.5][number % 10]).quantize(Decimal("0.1"))
        space = (Decimal(14) + rooms * Decimal(rng.randint(15, 19))).quantize(Decimal("0.1"))
        per_m2 = Decimal(rng.choice(["8.40", "8.90", "9.20", "9.60", "10.10", "10.80"]))
        acquired = _day(today, 720 - number * 17)
        with recorded():
            offer = offer_services.create_offer(
                acting_user=staff[organisation.pk],
                organisation=organisation,
                landlord=landlord,
                street=street,
                postal_code="71634" if organisation == city else "",
                municipality=municipality,
                rooms=rooms,
                living_space=space,
                floor=number % 4,
                lift=number % 3 == 0,
                step_free=number % 6 == 0,
                rent_cold=(space * per_m2).quantize(Decimal("1")),
                service_charges=(space * Decimal("2.30")).quantize(Decimal("1")),
                heating_costs=(space * Decimal("1.20")).quantize(Decimal("1")),
                heating=[Heating.CENTRAL, Heating.DISTRICT, Heating.FLOOR, Heating.HEAT_PUMP][number % 4],
                deposit=(space * per_m2 * 2).quantize(Decimal("1")),
                available_from=acquired + datetime.timedelta(days=14 + number % 5 * 7),
                pets_allowed=None if number % 4 else False,
                max_occupants=int(rooms) + 2 if rooms >= 2 else 2,
                acquired_on=acquired,
                landlord_wishes=["", "Gern eine Familie", "Nichtraucher", "Kleine Renovierungen in Eigenleistung", ""][
                    number % 5
                ],
            )
            if acquired + datetime.timedelta(days=7) <= today:
                offer = offer_services.change_status(
                    acting_user=staff[organisation.pk],
                    offer=offer,
                    expected_version=offer.version,
                    status=OfferStatus.CHECKED,
                    on=acquired + datetime.timedelta(days=7),
                )
        made.append(offer)
    return made


def _searches(
    city: Organisation, county: Organisation, today: datetime.date, rng: random.Random
) -> list[SearchProfile]:
    """Eighty households of open cases of every organisation search; the client consents to the search being passed
    on to the housing staff of the city (households of Ludwigsburg) or of the district office."""
    cases = list(
        Case.objects.filter(status=CaseStatus.ACTIVE)
        .exclude(search_profiles__isnull=False)
        .select_related("municipality", "responsible", "organisation")
        .order_by("pk")
    )
    rng.shuffle(cases)
    made: list[SearchProfile] = []
    households: set[int] = set()
    for case in cases:
        if len(made) >= SEARCHES:
            break
        if case.household_id in households:
            continue
        client = CaseClient.objects.filter(case=case).select_related("person").order_by("pk").first()
        if client is None:
            continue
        households.add(case.household_id)
        number = len(made)
        started = max(_day(today, 700 - number * 8), case.start_date)
        adults, children = search_services.composition(case, started)
        in_city = case.municipality is not None and case.municipality.name == "Ludwigsburg"
        needs = []
        if number % 9 == 0:
            needs.append(Need.STEP_FREE)
        if children and number % 3 == 0:
            needs.append(Need.NEAR_SCHOOL)
        if number % 7 == 2:
            needs.append(Need.NEAR_WORK)
        user = case.responsible
        try:
            with recorded(), transaction.atomic():
                profile = search_services.open_search(
                    acting_user=user,
                    case=case,
                    adults=adults,
                    children=children,
                    earliest_move_in=started + datetime.timedelta(days=number % 4 * 14),
                    search_started_on=started,
                    needs=needs,
                    preferred_municipalities=[case.municipality] if case.municipality is not None else [],
                    benefits=[Benefits.SGB_II, Benefits.SGB_II, Benefits.ASYLBLG, Benefits.SGB_XII, Benefits.NONE][
                        number % 5
                    ],
                    wbs_until=started + datetime.timedelta(days=365) if number % 4 == 0 else None,
                    urgency=[
                        Urgency.FOLLOW_UP,
                        Urgency.FOLLOW_UP,
                        Urgency.OVERCROWDED,
                        Urgency.NORMAL,
                        Urgency.EMERGENCY,
                    ][number % 5],
                )
                recipient = city if in_city else county
                if recipient.pk != case.organisation_id:  # the district office's own cases need no passing on
                    case_services.record_consent(
                        acting_user=user,
                        case=case,
                        person=client.person,
                        purpose=ConsentPurpose.HOUSING_SEARCH,
                        given_on=started,
                        recipient_organisation=recipient,
                        note="Weitergabe der Wohnungssuche an die Wohnraumakquise",
                    )
        except ValidationError:
            continue  # a case the services refuse (closed meanwhile, a household already searching): not in the demo
        made.append(profile)
    return made


def _placements(
    offers: list[FlatOffer], staff: dict[int, User | None], today: datetime.date, rng: random.Random
) -> dict[str, int]:
    """The housing staff propose each checked flat to the best-ranked households searching at the time; the older
    flats went through viewings, refusals and a lease, the newest are proposed or viewed, a few were withdrawn."""
    made = {"placements": 0, "leases": 0, "refusals": 0}
    for number, offer in enumerate(offers):
        user = staff[offer.organisation_id]
        proposed_on = offer.available_from - datetime.timedelta(days=7)
        if proposed_on > today or offer.status != OfferStatus.CHECKED:
            continue
        if number % 13 == 5:
            with recorded():
                offer_services.change_status(
                    acting_user=user,
                    offer=offer,
                    expected_version=offer.version,
                    status=OfferStatus.WITHDRAWN,
                    on=min(proposed_on + datetime.timedelta(days=20), today),
                )
            continue
        searching = SearchProfile.objects.visible_to(user).filter(search_started_on__lte=proposed_on) if user else None
        if searching is None:
            continue
        world = matching.load([offer], matching.searching(searching))
        ranking = matching.households_for_offer(
            world.offer_facts[offer.pk], list(world.household_facts.values()), world.limits, proposed_on
        )
        candidates = [world.profiles[m.household.key] for m in ranking.fitting[:3]]
        day = proposed_on
        for rank, profile in enumerate(candidates):
            with recorded():
                placement = placement_services.propose(acting_user=user, offer=offer, profile=profile, on=day)
            made["placements"] += 1
            age = (today - day).days
            if age < 10:
                break  # proposed lately, no viewing yet
            viewing = datetime.datetime.combine(
                day + datetime.timedelta(days=5), datetime.time(16 if rank else 10), timezone.get_current_timezone()
            )
            with recorded():
                placement = placement_services.schedule_viewing(
                    acting_user=user,
                    placement=placement,
                    expected_version=placement.version,
                    viewing_at=viewing,
                    accompanied_by=[Accompaniment.CASEWORKER, Accompaniment.HOUSING_STAFF, Accompaniment.VOLUNTEER][
                        number % 3
                    ],
                    accompanying_person=["Frau Yilmaz", "Herr Brenner", "Frau Scholz"][number % 3],
                )
            decided = day + datetime.timedelta(days=9)
            if decided > today or age < 20:
                break  # viewed lately, the answers are still open
            refuse = rank == 0 and number % 4 == 1 and len(candidates) > 1
            with recorded():
                if refuse:
                    placement_services.refuse(
                        acting_user=user,
                        placement=placement,
                        expected_version=placement.version,
                        refused_by=[RefusedBy.HOUSEHOLD, RefusedBy.LANDLORD][number % 2],
                        reason=[
                            RefusalReason.LOCATION,
                            RefusalReason.SIZE,
                            RefusalReason.OTHER_TENANT,
                            RefusalReason.CONDITION,
                        ][number % 4],
                        on=decided,
                    )
                    made["refusals"] += 1
                    day = decided
                    continue
                placement = placement_services.accept(
                    acting_user=user, placement=placement, expected_version=placement.version, on=decided
                )
                signed = decided + datetime.timedelta(days=10)
                if signed > today or age < 32:
                    break  # accepted: the approval of the rent and the lease are still to come
                if placement_services.approval_needed(placement):
                    placement = placement_services.record_approval(
                        acting_user=user,
                        placement=placement,
                        expected_version=placement.version,
                        on=signed - datetime.timedelta(days=4),
                    )
                placement_services.sign_lease(
                    acting_user=user,
                    placement=placement,
                    expected_version=placement.version,
                    signed_on=signed,
                    starts_on=max(signed + datetime.timedelta(days=14), offer.available_from),
                    agreed_rent=offer.gross_cold_rent,
                )
                made["leases"] += 1
            break
    return made


def _current_proposals(offers: list[FlatOffer], staff: dict[int, User | None], today: datetime.date) -> int:
    """This week's work: the flats still open are proposed to their best-ranked household today, half of them with a
    viewing arranged for the coming days."""
    made = 0
    still_open = FlatOffer.objects.filter(pk__in=[o.pk for o in offers], status=OfferStatus.CHECKED).order_by("pk")
    for number, offer in enumerate(still_open.select_related("municipality")):
        user = staff[offer.organisation_id]
        if user is None or offer.available_from > today + datetime.timedelta(days=30):
            continue
        world = matching.load([offer], matching.searching(SearchProfile.objects.visible_to(user)))
        ranking = matching.households_for_offer(
            world.offer_facts[offer.pk], list(world.household_facts.values()), world.limits, today
        )
        proposed = set(offer.placements.values_list("profile_id", flat=True))
        fitting = [world.profiles[m.household.key] for m in ranking.fitting if m.household.key not in proposed]
        if not fitting:
            continue
        with recorded():
            placement = placement_services.propose(acting_user=user, offer=offer, profile=fitting[0], on=today)
            made += 1
            if made % 2:
                placement_services.schedule_viewing(
                    acting_user=user,
                    placement=placement,
                    expected_version=placement.version,
                    viewing_at=datetime.datetime.combine(
                        today + datetime.timedelta(days=3 + number % 4),
                        datetime.time(15),
                        timezone.get_current_timezone(),
                    ),
                    accompanied_by=Accompaniment.HOUSING_STAFF,
                    accompanying_person="Frau Scholz" if offer.organisation.short_name == CITY else "Herr Brenner",
                )
    return made
