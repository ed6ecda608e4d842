"""The demo county's chain from the assignment to counselling (lotse.arrivals), through the services users use.

Two parts:

* :class:`RecordLinks` runs while the accommodation's years are replayed (``lotse.demo.accommodation``): when
  the accommodation staff register a record of their own for a caseworker's client, the caseworker links it
  with the casework record and, for a share of the cases, records the client's consent to the data exchange
  with the shelter's operator. The client's later moves then flow into the casework record through the
  exchange signals (``lotse.arrivals.exchange``), as they would in the app.
* :func:`load_demo_journey` runs afterwards: the county's shelter social service hands two households over
  with an Übergabebogen (one accepted into a new case, one waiting), the county assigns two households to
  Tamm this week and two to homes in Ludwigsburg's district Grünbühl-Sonnenberg (new arrivals of the AWO,
  which counsels that district), the responsible organisations work through their new arrivals (Neuzugänge:
  new, some overdue, first contact planned or made, declined, forwarded, counselling begun with linked records
  and consent), the accommodation staff move three counselled households (the facts flow, with notices),
  caseworkers mark the older notices as seen, one consent is withdrawn, one link request waits at the city,
  and one caseworker records a client's own tenancy (a planned move-out for the city). Last, for the VU
  monitor: two households have lived in a county shelter for over two years, and the county's integration
  management records the asylum procedures of most residents of the county's preliminary accommodation.

Everything is deterministic (the order of the database's rows as the replay wrote them) and runs once: a
second load finds the demo's handover sheets and does nothing.
"""

from __future__ import annotations

import datetime
import functools
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Q

from lotse.accommodation.choices import FOLLOW_UP_KINDS, ShelterKind
from lotse.accommodation.models import Occupancy, Place, Shelter, Unit
from lotse.accommodation.monitor import add_months
from lotse.accommodation.services import move_in, move_in_new_resident, record_assignment
from lotse.arrivals import exchange, handover_sheets, intake
from lotse.arrivals.choices import ArrivalState
from lotse.arrivals.models import (
    Arrival,
    ExchangeNotice,
    HandoverSheet,
    HandoverSheetPerson,
    PersonLink,
    Responsibility,
)
from lotse.arrivals.queries import arrival_members, housing_organisations, named_district
from lotse.arrivals.services import link_records
from lotse.cases import services as case_services
from lotse.cases.choices import CaseStatus, ConsentPurpose, ContactForm, FieldOfAction
from lotse.cases.models import CaseClient, Consent
from lotse.core.access import Capability, holds
from lotse.core.models import Municipality, Organisation, User
from lotse.core.transactions import one_savepoint_per_step
from lotse.demo.data import recorded
from lotse.people.choices import AsylumOutcome, AsylumStage, BirthDatePrecision, HousingSituation, Relationship
from lotse.people.models import AsylumRecord, HouseholdMembership, Person
from lotse.people.services import add_status_record, create_household, join_household

DAY = datetime.timedelta(days=1)
CITY = "stadt-lb"
COUNTY = "lra-lb"
CITY_USER = "unterbringung"
COUNTY_USER = "unterbringung-lra"
# Of every CONSENT_CYCLE cases whose clients the accommodation staff register, the first CONSENTED consent.
CONSENT_CYCLE = 3
CONSENTED = 2
# Notices of the exchange older than this were read by the caseworkers (they leave "Meine Arbeit").
NOTICES_READ_AFTER = datetime.timedelta(days=21)
# How long an organisation takes for its new arrivals, in days after the assignment.
FIRST_CONTACT_AFTER = 9
COUNSELLING_AFTER = 16
OVERDUE = 14  # lotse.arrivals: an entry still new after 14 days is overdue


def _caseworkers() -> dict[int, User]:
    """The first demo user doing casework of each organisation (by username), who acts for it in the demo."""
    chosen: dict[int, User] = {}
    for user in User.objects.filter(is_active=True).order_by("username"):
        if holds(user.roles, Capability.CASEWORK) and holds(user.roles, Capability.RECEIVE_ARRIVALS):
            chosen.setdefault(user.organisation_id, user)
    return chosen


class RecordLinks:
    """Link the records the accommodation staff register for caseworkers' clients while the replay runs.

    ``registered`` is called inside the replay's step that registers the record, before the client moves in
    with it, on the step's ``day``: the caseworker links the records of a client of an open case (each casework
    record once) and, for CONSENTED of every CONSENT_CYCLE cases, records the consent to the exchange with the
    staff's organisation, so the move-in and every later move flow into the casework record.
    """

    def __init__(self) -> None:
        self.day: datetime.date | None = None
        self.clients: dict[int, CaseClient] | None = None
        self.caseworkers: dict[int, User] = {}
        self.cases_seen: dict[int, bool] = {}  # case pk → whether its clients consented

    def registered(self, person_pk: int, record: Person) -> None:
        if self.clients is None:
            self.caseworkers = _caseworkers()
            self.clients = {}
            for open_client in (
                CaseClient.objects.exclude(case__status=CaseStatus.CLOSED)
                .select_related("case", "person")
                .order_by("case__start_date", "pk")
            ):
                self.clients.setdefault(open_client.person_id, open_client)
        client = self.clients.get(person_pk)
        day = self.day
        if client is None or day is None or client.case.start_date > day:
            return
        if PersonLink.objects.filter(casework_person_id=person_pk).exists():
            return
        case = client.case
        if case.pk not in self.cases_seen:
            self.cases_seen[case.pk] = len(self.cases_seen) % CONSENT_CYCLE < CONSENTED
        caseworker = self.caseworkers.get(case.organisation_id)
        _step(functools.partial(_link, client, record, caseworker, self.cases_seen[case.pk], day))

    def counts(self) -> tuple[int, int]:
        """How many records are linked, and how many consents to the exchange there are (after the replay)."""
        consents = Consent.objects.filter(purpose=ConsentPurpose.HOUSING_EXCHANGE)
        return PersonLink.objects.count(), consents.count()


def _link(client: CaseClient, record: Person, caseworker: User | None, consent: bool, day: datetime.date) -> None:
    link_records(acting_user=caseworker, accommodation_person=record, casework_person=client.person)
    if consent:
        case_services.record_consent(
            acting_user=caseworker,
            case=client.case,
            person=client.person,
            purpose=ConsentPurpose.HOUSING_EXCHANGE,
            given_on=day,
            recipient_organisation=Organisation.objects.get(pk=record.organisation_id),
        )


# After the replay


def load_demo_journey(*, today: datetime.date) -> dict[str, int]:
    """Work through the new arrivals, the notices, a withdrawn consent, a link request, a planned move-out and
    two handover sheets. Does nothing once the demo's handover sheets exist (or without the demo shelters)."""
    counts = dict.fromkeys(("arrivals", "counselling", "relocated", "notices_seen", "sheets"), 0)
    users = {u.username: u for u in User.objects.filter(username__in=[CITY_USER, COUNTY_USER])}
    if HandoverSheet.objects.exists() or COUNTY_USER not in users or not Occupancy.objects.exists():
        return counts
    caseworkers = _caseworkers()
    counts["sheets"] = _hand_over(today, users[COUNTY_USER], caseworkers)
    _assign_to_tamm(today, users[COUNTY_USER])
    _assign_to_gruenbuehl(today, users[COUNTY_USER])
    counts["arrivals"], counts["counselling"] = _work_through_arrivals(today, caseworkers)
    counts["relocated"] = _relocate_counselled(today, list(users.values()))
    counts["notices_seen"] = _read_old_notices(today, caseworkers)
    _withdraw_one_consent(today, caseworkers)
    _request_one_link(today, caseworkers)
    _announce_own_tenancy(today, caseworkers)
    county_caseworker = caseworkers.get(users[COUNTY_USER].organisation_id)
    _long_stays_in_vu(today, users[COUNTY_USER], county_caseworker)
    _asylum_procedures_in_vu(today, users[COUNTY_USER], county_caseworker)
    return counts


def _step(call: Any) -> bool:
    """One service call as one step: a refusal leaves nothing behind (and the demo leaves the step out)."""
    try:
        with one_savepoint_per_step(), recorded():
            call()
    except ValidationError:
        return False
    return True


def _assign_to_tamm(today: datetime.date, county_user: User) -> None:
    """This week the county assigned two households of its preliminary accommodation to Tamm (new arrivals of
    the Caritas), each one never assigned before nor on a handover sheet."""
    tamm = Municipality.objects.get(name="Tamm")
    stays = _unassigned_vu_households(county_user)
    taken: set[int] = set()
    days_ago = [4, 1]
    for stay in stays[:100]:
        if not days_ago:
            return
        if stay.person_id in taken:
            continue
        household = [person for person, _relationship in handover_sheets.household_of(stay.person)]
        taken.update(p.pk for p in household)
        on = today - days_ago[0] * DAY
        if _step(
            lambda h=household, d=on: record_assignment(
                acting_user=county_user,
                organisation=county_user.organisation,
                municipality=tamm,
                date=d,
                persons=h,
                reference=f"LRA-ZW-{d:%Y}-T{len(taken):03d}",
                planned_arrival=d + 14 * DAY,
            )
        ):
            days_ago.pop(0)


def _unassigned_vu_households(county_user: User) -> Any:
    """The county's residents of its preliminary accommodation never assigned nor on a handover sheet, the
    longest there first (their stays)."""
    return (
        Occupancy.objects.filter(
            move_out__isnull=True,
            place__shelter__organisation_id=county_user.organisation_id,
            place__shelter__kind=ShelterKind.GU_VORLAEUFIG,
            person__assignments__isnull=True,
        )
        .exclude(person__in=HandoverSheetPerson.objects.values("accommodation_person_id"))
        .select_related("person")
        .order_by("move_in", "pk")
    )


def _assign_to_gruenbuehl(today: datetime.date, county_user: User) -> None:
    """The county assigned two households to Ludwigsburg, to homes in the district Grünbühl-Sonnenberg, which the
    AWO counsels (lotse/demo/data/responsibilities.toml): one into the city's shelter there (its name names the
    district), one to a flat whose address names it. Both reach the AWO as new arrivals, not the Caritas."""
    ludwigsburg = Municipality.objects.get(name="Ludwigsburg")
    districts = list(
        Responsibility.objects.filter(municipality=ludwigsburg).exclude(district="").values_list("district", flat=True)
    )
    shelter = next(
        (
            candidate
            for candidate in Shelter.objects.filter(
                organisation__short_name=CITY, municipality=ludwigsburg, kind__in=FOLLOW_UP_KINDS
            ).order_by("name")
            if named_district(f"{candidate.name}, {candidate.street}", districts)
            and candidate.places.available_on(today).exists()
        ),
        None,
    )
    homes: list[dict[str, Any]] = [{"future_address": "Karlsbader Straße 14, 71636 Ludwigsburg-Grünbühl"}]
    if shelter is not None:
        homes.insert(0, {"future_shelter": shelter, "future_address": "Wohnung im 2. Stock"})
    taken: set[int] = set()
    days_ago = [19, 11]
    for stay in _unassigned_vu_households(county_user)[:100]:
        if not days_ago or not homes:
            return
        if stay.person_id in taken:
            continue
        household = [person for person, _relationship in handover_sheets.household_of(stay.person)]
        taken.update(p.pk for p in household)
        on = today - days_ago[0] * DAY
        if _step(
            lambda h=household, d=on, home=homes[0]: record_assignment(
                acting_user=county_user,
                organisation=county_user.organisation,
                municipality=ludwigsburg,
                date=d,
                persons=h,
                reference=f"LRA-ZW-{d:%Y}-G{len(taken):03d}",
                planned_arrival=d + 21 * DAY,
                **home,
            )
        ):
            days_ago.pop(0)
            homes.pop(0)


def _work_through_arrivals(today: datetime.date, caseworkers: dict[int, User]) -> tuple[int, int]:
    """Each organisation's new arrivals, from the newest: the newest wait (two of them overdue), some have a first
    contact planned, one was forwarded, some had their first contact; the older ones are in counselling (one
    household declined). The info sheet was printed for some."""
    arrivals = list(
        Arrival.objects.filter(state=ArrivalState.NEW, forwarded_from__isnull=True)
        .select_related("assignment", "organisation")
        .order_by("-assignment__date", "-assignment_id", "organisation__short_name")
    )
    members = arrival_members([a.assignment_id for a in arrivals])
    linked = set(
        PersonLink.objects.filter(
            accommodation_person_id__in=[m.person_id for ms in members.values() for m in ms]
        ).values_list("accommodation_person_id", flat=True)
    )
    organisations = {o.short_name: o for o in Organisation.objects.all()}
    declined = forwarded = overdue = counselling = 0
    for rank, arrival in enumerate(arrivals):
        user = caseworkers.get(arrival.organisation_id)
        age = (today - arrival.assignment.date).days
        household = members.get(arrival.assignment_id, [])
        if rank % 3 == 1:
            language = ("de", "ar", "en")[rank % 9 // 3]
            _step(lambda a=arrival, u=user, lang=language: intake.record_print(acting_user=u, arrival=a, language=lang))
        if age > OVERDUE and overdue < 2 and arrival.organisation.short_name in ("caritas-lb", "awo-lb"):
            overdue += 1  # left new: overdue in "Meine Arbeit" and on the team page
            continue
        if rank == 0:
            continue  # assigned a few days ago: new
        if rank <= 5:
            on = today + (2 + rank) * DAY
            _step(lambda a=arrival, u=user, d=on: _first_contact(u, a, d, ContactForm.OFFICE))
            continue
        contact_on = min(today, arrival.assignment.date + FIRST_CONTACT_AFTER * DAY)
        if rank <= 11:
            if (
                not forwarded
                and arrival.organisation.short_name == "caritas-lb"
                and _step(
                    lambda a=arrival, u=user, t=organisations["awo-lb"]: intake.forward_arrival(
                        acting_user=u,
                        arrival=a,
                        expected_version=a.version,
                        to_organisation=t,
                        reason="Die Familie zieht zu Verwandten nach Kornwestheim und wird dort beraten.",
                    )
                )
            ):
                forwarded += 1
                continue
            _step(lambda a=arrival, u=user, d=contact_on: _first_contact(u, a, d, ContactForm.SHELTER))
            continue
        if (
            not declined
            and len(household) == 1
            and _step(
                lambda a=arrival, u=user, d=contact_on: intake.decline_arrival(
                    acting_user=u,
                    arrival=a,
                    expected_version=a.version,
                    reason="Zieht nach Stuttgart zur Familie; wünscht keine Beratung hier.",
                    on=d,
                )
            )
        ):
            declined += 1
            continue
        if not _step(lambda a=arrival, u=user, d=contact_on: _first_contact(u, a, d, ContactForm.SHELTER)):
            continue
        if any(m.person_id in linked for m in household):
            continue  # clients the organisation already counsels: the caseworker talks it through first
        recipient = _recipient(arrival, household) if rank % 4 != 3 else None
        start = min(today, arrival.assignment.date + COUNSELLING_AFTER * DAY)

        def begin(
            a: Arrival = arrival, u: User | None = user, s: datetime.date = start, r: Organisation | None = recipient
        ) -> None:
            a.refresh_from_db()
            intake.begin_counselling(
                acting_user=u,
                arrival=a,
                expected_version=a.version,
                start_date=s,
                responsible=u,
                consent_recipient=r,
            )

        if _step(begin):
            counselling += 1
            arrival.refresh_from_db()
            _step(functools.partial(_processing_consent, user, arrival.case, start))
    return len(arrivals), counselling


def _processing_consent(user: User | None, case: Any, on: datetime.date) -> None:
    """At the first counselling the clients consent to the processing of their data (as every case has)."""
    for client in CaseClient.objects.filter(case=case).select_related("person").order_by("pk"):
        case_services.record_consent(
            acting_user=user, case=case, person=client.person, purpose=ConsentPurpose.PROCESSING, given_on=on
        )


def _recipient(arrival: Arrival, household: list[Any]) -> Organisation | None:
    """The organisation the clients consent to exchange housing facts with: the operator of the shelter they live
    in, if the entry offers it, else the likeliest the entry offers."""
    offered = [organisation for organisation, _reason in housing_organisations(arrival.assignment)]
    stay = (
        Occupancy.objects.filter(person_id__in=[m.person_id for m in household], move_out__isnull=True)
        .select_related("place__shelter__organisation")
        .order_by("pk")
        .first()
    )
    if stay is not None and stay.place.shelter.organisation in offered:
        return stay.place.shelter.organisation
    return offered[0] if offered else None


def _relocate_counselled(today: datetime.date, operators: list[User]) -> int:
    """The accommodation staff moved three counselled households to another of their shelters after counselling
    began (two some weeks ago, one this week): the move flows into the casework records (their consent names
    the shelters' operator), with a notice for the caseworkers."""
    begun = list(
        Arrival.objects.filter(state=ArrivalState.COUNSELLING, case__isnull=False)
        .select_related("case")
        .order_by("assignment__date", "pk")
    )
    by_organisation = {user.organisation_id: user for user in operators}
    moved = 0
    for arrival in begun:
        if moved == 3:
            break
        assert arrival.case is not None
        clients = CaseClient.objects.filter(case=arrival.case).values("person")
        consents = set(
            Consent.objects.filter(
                case=arrival.case, purpose=ConsentPurpose.HOUSING_EXCHANGE, withdrawn_on__isnull=True
            ).values_list("recipient_organisation_id", flat=True)
        )
        stays = list(
            Occupancy.objects.filter(
                person__in=PersonLink.objects.filter(casework_person__in=clients).values("accommodation_person"),
                move_out__isnull=True,
            )
            .select_related("place__shelter", "person")
            .order_by("pk")
        )
        if not stays or len({s.place.shelter_id for s in stays}) != 1:
            continue
        current = stays[0].place.shelter
        operator = by_organisation.get(current.organisation_id)
        if operator is None or current.organisation_id not in consents:
            continue
        earliest = max(arrival.case.start_date, *(s.move_in for s in stays)) + DAY
        # The first two some time ago (their notices were read), the last one this week (its notice is new).
        on = max(earliest, today - 4 * DAY) if moved == 2 else min(today, earliest + (4 + 9 * moved) * DAY)
        others = Shelter.objects.filter(organisation_id=current.organisation_id, kind=current.kind).exclude(
            pk=current.pk
        )
        for shelter in others.order_by("name"):

            def relocate(
                to: Shelter = shelter,
                d: datetime.date = on,
                u: User | None = operator,
                residents: list[Occupancy] = stays,
            ) -> None:
                for stay in residents:
                    move_in(acting_user=u, shelter=to, person=stay.person, on=d)

            if _step(relocate):
                moved += 1
                break
    return moved


def _first_contact(user: User | None, arrival: Arrival, on: datetime.date, form: str) -> None:
    arrival.refresh_from_db()
    intake.record_first_contact(acting_user=user, arrival=arrival, expected_version=arrival.version, on=on, form=form)


def _read_old_notices(today: datetime.date, caseworkers: dict[int, User]) -> int:
    """The caseworkers read the notices of the exchange up to three weeks ago (the newer ones stay unread)."""
    notices = list(
        ExchangeNotice.objects.filter(seen_at__isnull=True, valid_from__lt=today - NOTICES_READ_AFTER).order_by("pk")
    )
    for notice in notices:
        with recorded():
            exchange.mark_notice_seen(acting_user=caseworkers.get(notice.organisation_id), notice=notice)
    return len(notices)


def _in_force_consents(organisation_short: str, recipient_short: str) -> Any:
    return (
        Consent.objects.filter(
            purpose=ConsentPurpose.HOUSING_EXCHANGE,
            withdrawn_on__isnull=True,
            case__organisation__short_name=organisation_short,
            recipient_organisation__short_name=recipient_short,
        )
        .select_related("case", "person")
        .order_by("given_on", "pk")
    )


def _withdraw_one_consent(today: datetime.date, caseworkers: dict[int, User]) -> None:
    """A client of the Caritas withdraws the consent to the exchange with the city: no more facts flow."""
    linked = PersonLink.objects.values("casework_person_id")
    consent = _in_force_consents("caritas-lb", CITY).filter(person_id__in=linked).first()
    if consent is not None:
        _step(
            lambda: case_services.withdraw_consent(
                acting_user=caseworkers.get(consent.case.organisation_id),
                consent=consent,
                on=max(consent.given_on, today - 10 * DAY),
            )
        )


def _request_one_link(today: datetime.date, caseworkers: dict[int, User]) -> None:
    """A caseworker of the Caritas records a client's consent to the exchange with the city and asks the
    city's accommodation staff to link the records; the request waits for them."""
    clients = (
        CaseClient.objects.filter(case__organisation__short_name="caritas-lb")
        .exclude(case__status=CaseStatus.CLOSED)
        .exclude(person__in=PersonLink.objects.values("casework_person_id"))
        .exclude(person__consents__purpose=ConsentPurpose.HOUSING_EXCHANGE)
        .select_related("case", "person")
        .order_by("case__start_date", "pk")
    )
    for client in clients[:50]:
        caseworker = caseworkers.get(client.case.organisation_id)

        def ask(c: CaseClient = client, u: User | None = caseworker) -> None:
            consent = case_services.record_consent(
                acting_user=u,
                case=c.case,
                person=c.person,
                purpose=ConsentPurpose.HOUSING_EXCHANGE,
                given_on=today - 2 * DAY,
                recipient_organisation=Organisation.objects.get(short_name=CITY),
            )
            exchange.request_link(acting_user=u, consent=consent)

        if _step(ask):
            return


def _announce_own_tenancy(today: datetime.date, caseworkers: dict[int, User]) -> None:
    """A linked client of the Caritas living in a city shelter found a flat: the caseworker records the
    tenancy, which the city's accommodation staff see as a planned move-out."""
    consents = _in_force_consents("caritas-lb", CITY)
    living = Occupancy.objects.filter(move_out__isnull=True, place__shelter__organisation__short_name=CITY)
    for consent in consents:
        link = PersonLink.objects.filter(casework_person=consent.person).first()
        if link is None or not living.filter(person_id=link.accommodation_person_id).exists():
            continue
        person = consent.person
        if _step(
            lambda p=person, m=consent.case.municipality: add_status_record(
                acting_user=caseworkers.get(p.organisation_id),
                person=p,
                kind="housing",
                valid_from=today,
                situation=HousingSituation.PRIVATER_MIETVERTRAG,
                municipality=m,
            )
        ):
            return


def _hand_over(today: datetime.date, county_user: User, caseworkers: dict[int, User]) -> int:
    """The county's shelter social service hands two households of its preliminary accommodation over to the
    integration management responsible for them: the first sheet was accepted into a new case, the second
    waits. Returns how many sheets were handed over."""
    stays = (
        Occupancy.objects.filter(move_out__isnull=True, place__shelter__organisation_id=county_user.organisation_id)
        .filter(~Q(person__in=PersonLink.objects.values("accommodation_person_id")))
        .select_related("person", "place__shelter")
        .order_by("move_in", "pk")
    )
    sent: list[HandoverSheet] = []
    for stay in stays[:300]:
        if len(sent) == 2:
            break
        shelter = stay.place.shelter
        municipality = handover_sheets.municipality_of(stay.person, shelter)
        receiver = handover_sheets.default_receiver(municipality, shelter.organisation_id, today)
        if receiver is None or receiver.pk not in caseworkers or receiver.short_name == COUNTY:
            continue
        if HandoverSheetPerson.objects.filter(accommodation_person=stay.person).exists():
            continue
        holder: list[HandoverSheet] = []
        if _step(lambda s=stay, r=receiver, h=holder: h.append(_fill_and_send(today, county_user, s, r, len(sent)))):
            sent.append(holder[0])
    if sent:
        sheet = sent[0]
        assert sheet.receiving_organisation_id is not None
        receiver_user = caseworkers[sheet.receiving_organisation_id]

        def accept() -> None:
            acceptance = handover_sheets.accept_into_new_case(
                acting_user=receiver_user,
                sheet=sheet,
                expected_version=sheet.version,
                responsible=receiver_user,
                start_date=today - DAY,
                exchange_consent_on=today - DAY,
            )
            _processing_consent(receiver_user, acceptance.case, today - DAY)

        _step(accept)
    return len(sent)


def _fill_and_send(
    today: datetime.date, county_user: User, stay: Occupancy, receiver: Organisation, number: int
) -> HandoverSheet:
    sheet = handover_sheets.start_sheet(acting_user=county_user, person=stay.person)
    head = HandoverSheetPerson.objects.filter(sheet=sheet).order_by("position", "pk").first()
    days = 5 + 4 * number
    sheet = handover_sheets.update_sheet(
        acting_user=county_user,
        sheet=sheet,
        expected_version=sheet.version,
        receiving_organisation=receiver,
        consent_given_on=today - (days - 2) * DAY,
        consent_given_by=head,
        message=(
            f"Die Familie zieht bald aus der {stay.place.shelter.name} aus. Bitte übernehmen Sie die Beratung; "
            "die offenen Punkte stehen unten."
        ),
        needs=[
            {"field_of_action": FieldOfAction.SPRACHE, "description": "Integrationskurs: Anmeldung fehlt noch."},
            {
                "field_of_action": FieldOfAction.GESUNDHEIT,
                "description": "Ein Kind braucht eine Kinderärztin in der neuen Gemeinde.",
            },
        ],
        tasks=[
            {
                "description": "Weiterbewilligungsantrag beim Jobcenter stellen",
                "due_date": today + (10 + number * 7) * DAY,
            },
            {"description": "Schulanmeldung in der neuen Gemeinde", "due_date": today + (21 + number * 7) * DAY},
        ],
        contacts=[
            {
                "name": "Frau Reiter",
                "service": "Sozialdienst der Gemeinschaftsunterkunft",
                "phone": "07141 144-0",
                "email": "",
                "role": "bisherige Ansprechpartnerin",
            }
        ],
        items=[
            {"kind": "einwilligung", "description": "Schweigepflichtentbindung für das Jobcenter"},
            {"kind": "dokument", "description": "Kopie des Aufenthaltstitels"},
        ],
    )
    return handover_sheets.send_sheet(acting_user=county_user, sheet=sheet, expected_version=sheet.version)


# The VU monitor: asylum procedures of the county's residents, and two households there for over two years

# Of every ASYLUM_CYCLE households in the county's preliminary accommodation, all but the last have their asylum
# procedure recorded; of those, every DECIDED_CYCLE-th has its decision (Bescheid) once it is due.
ASYLUM_CYCLE = 4
DECIDED_CYCLE = 3
OUTCOMES = (
    AsylumOutcome.SUBSIDIAERER_SCHUTZ,
    AsylumOutcome.FLUECHTLINGSSCHUTZ,
    AsylumOutcome.ABLEHNUNG,
    AsylumOutcome.ABSCHIEBUNGSVERBOT,
    AsylumOutcome.ABLEHNUNG,
)
# Two households the county has housed for over two years: (months ago they moved in, members, how many months
# after moving in the decision came, if it did: subsidiary protection). The monitor flags the first "24 months
# reached", the second "decision taken" (it came before the 24 months; the household still waits for a place in
# a municipality).
LONG_STAYS: tuple[tuple[int, tuple[dict[str, Any], ...], int | None], ...] = (
    (
        26,
        (
            {
                "family_name": "Rahimi",
                "given_names": "Farzaneh",
                "birth_date": datetime.date(1989, 4, 12),
                "birth_date_precision": BirthDatePrecision.DAY,
                "gender": "w",
                "nationalities": ["AF"],
                "languages": ["prs"],
                "relationship": Relationship.HEAD,
            },
            {
                "family_name": "Rahimi",
                "given_names": "Arman",
                "birth_date": datetime.date(2014, 9, 3),
                "birth_date_precision": BirthDatePrecision.DAY,
                "gender": "m",
                "nationalities": ["AF"],
                "languages": ["prs", "deu"],
                "relationship": Relationship.CHILD,
            },
        ),
        None,
    ),
    (
        25,
        (
            {
                "family_name": "Aydın",
                "given_names": "Rojda",
                "birth_date": datetime.date(1995, 1, 20),
                "birth_date_precision": BirthDatePrecision.DAY,
                "gender": "w",
                "nationalities": ["TR"],
                "languages": ["kmr", "tur"],
                "relationship": Relationship.HEAD,
            },
            {
                "family_name": "Aydın",
                "given_names": "Baran",
                "birth_date": datetime.date(1993, 7, 8),
                "birth_date_precision": BirthDatePrecision.DAY,
                "gender": "m",
                "nationalities": ["TR"],
                "languages": ["kmr", "tur"],
                "relationship": Relationship.PARTNER,
            },
        ),
        19,
    ),
)


def _long_stays_in_vu(today: datetime.date, county_user: User, caseworker: User | None) -> None:
    """The county's accommodation staff moved two households into a room of a county shelter over two years ago
    (a room whose places nobody held since); the county's integration management keeps their households and
    asylum procedures."""
    used: set[int] = set()
    for wanted, members, decided_after in LONG_STAYS:
        # The wanted months ago, else a month or two later (the replayed years differ with the day the demo is
        # loaded): at least 24 months, so the monitor's flag is the same.
        free = None
        for months in range(wanted, 23, -1):
            on = add_months(today, -months)
            free = (
                Place.objects.filter(
                    shelter__organisation_id=county_user.organisation_id,
                    shelter__kind=ShelterKind.GU_VORLAEUFIG,
                    unit__isnull=False,
                )
                .exclude(unit_id__in=used)
                .free_from(on)
                .values("unit_id")
                .annotate(free=Count("pk"))
                .filter(free__gte=len(members))
                .order_by("unit__shelter__name", "unit__name")
                .values_list("unit_id", flat=True)
                .first()
            )
            if free is not None:
                break
        if free is None:
            continue
        used.add(free)
        unit = Unit.objects.select_related("shelter").get(pk=free)

        def move_in_household(
            u: Unit = unit,
            d: datetime.date = on,
            people: tuple[dict[str, Any], ...] = members,
            m: int = months,
            decided: int | None = decided_after,
        ) -> None:
            household = create_household(acting_user=caseworker, organisation=county_user.organisation)
            residents = []
            for fields in people:
                relationship = fields["relationship"]
                stay = move_in_new_resident(
                    acting_user=county_user,
                    shelter=u.shelter,
                    unit=u,
                    on=d,
                    **{name: value for name, value in fields.items() if name != "relationship"},
                )
                join_household(
                    acting_user=caseworker, person=stay.person, household=household, relationship=relationship, since=d
                )
                residents.append(stay.person)
            for index, person in enumerate(residents):
                stages = _stages(today, d, m, decided, AsylumOutcome.SUBSIDIAERER_SCHUTZ)
                _record_stages(caseworker, person, stages, m * 10 + index)

        _step(move_in_household)


def _stages(
    today: datetime.date, since: datetime.date, number: int, decided_after: int | None, outcome: str | None
) -> list[tuple[datetime.date, str, str]]:
    """The stages of an asylum procedure of a person who moved into preliminary accommodation on ``since``: the
    proof of arrival and the application in the initial reception before, the interview some weeks after, and
    the decision ``decided_after`` months after (with ``outcome``, else one by ``number``), all up to today."""
    stages = [
        (since - 45 * DAY, AsylumStage.ANKUNFTSNACHWEIS, ""),
        (since - 31 * DAY, AsylumStage.ANTRAG, ""),
        (since + (55 + number % 5 * 14) * DAY, AsylumStage.ANHOERUNG, ""),
    ]
    if decided_after is not None:
        decided = add_months(since, decided_after)
        chosen = outcome or OUTCOMES[number % len(OUTCOMES)]
        stages.append((decided, AsylumStage.BESCHEID, chosen))
        if chosen == AsylumOutcome.ABLEHNUNG and number % 2 == 0:
            stages.append((decided + 20 * DAY, AsylumStage.KLAGE, ""))
    return [stage for stage in stages if stage[0] <= today]


def _record_stages(
    caseworker: User | None, person: Person, stages: list[tuple[datetime.date, str, str]], number: int
) -> None:
    for day, stage, outcome in stages:
        add_status_record(
            acting_user=caseworker,
            person=person,
            kind="asylum",
            valid_from=day,
            stage=stage,
            outcome=outcome,
            bamf_file_number=f"{8312000 + 17 * number}-{421 + number % 7}",
            immigration_office_file_number=f"ABH-LB {stages[0][0]:%Y}/{4100 + number}",
        )


def _asylum_procedures_in_vu(today: datetime.date, county_user: User, caseworker: User | None) -> None:
    """The county's integration management (its social service in the shelters) records the asylum procedures of
    the residents of the county's preliminary accommodation (the record the county keeps, which the VU monitor
    reads): three of every four households, the whole household alike; every third of those has its decision,
    some months after moving in."""
    stays = list(
        Occupancy.objects.filter(
            move_out__isnull=True,
            place__shelter__organisation_id=county_user.organisation_id,
            place__shelter__kind=ShelterKind.GU_VORLAEUFIG,
            person__organisation_id=county_user.organisation_id,
        )
        .exclude(person__in=AsylumRecord.objects.values("person_id"))
        .select_related("person")
        .order_by("move_in", "pk")
    )
    households = dict(
        HouseholdMembership.objects.current()
        .filter(person_id__in=[s.person_id for s in stays])
        .values_list("person_id", "household_id")
    )
    grouped: dict[Any, list[Occupancy]] = {}
    for stay in stays:
        grouped.setdefault(households.get(stay.person_id, ("alone", stay.person_id)), []).append(stay)
    number = 0
    for index, members in enumerate(grouped.values()):
        if index % ASYLUM_CYCLE == ASYLUM_CYCLE - 1:
            continue  # not yet recorded: the monitor shows "not recorded"
        since = min(stay.move_in for stay in members)
        decided_after = 7 + index % 6 if index % DECIDED_CYCLE == 1 else None
        for stay in members:
            number += 1
            stages = _stages(today, since, index, decided_after, None)
            _step(functools.partial(_record_stages, caseworker, stay.person, stages, 100 + number))
