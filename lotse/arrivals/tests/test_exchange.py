"""One person, two records, linked with consent: what flows in each direction, the cut-off, what never crosses,
both sides' records and histories, and linking existing records on request.

The city of Ludwigsburg houses Amal Haddad in its follow-up accommodation (its own record of her); Caritas
(organisation A) counsels her (its casework record). She consented to the exchange with the city.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from lotse.accommodation import services as accommodation
from lotse.accommodation.choices import MoveOutReason, ShelterKind
from lotse.accommodation.models import AssignedPerson, Occupancy, Shelter, residents_visible_to
from lotse.arrivals import exchange
from lotse.arrivals.models import (
    ExchangeNotice,
    LinkRequest,
    LinkRequestStatus,
    PersonLink,
    PlannedMoveOut,
    PlannedMoveOutStatus,
)
from lotse.arrivals.services import link_records
from lotse.cases import services as case_services
from lotse.cases.choices import ConsentPurpose
from lotse.cases.models import Case, Consent
from lotse.cases.tests.factories import TODAY, days, events_of, frozen_today, head_of, open_case_for, refused_with
from lotse.conftest import client_for
from lotse.core.choices import AccessAction
from lotse.core.models import AccessLogEntry, Municipality, Organisation, User
from lotse.core.testing import assert_same_queries, queries_of
from lotse.people import services as people
from lotse.people.models import STATUS_RECORD_MODELS, AsylumRecord, HousingRecord, LanguageRecord, Person

BORN = datetime.date(1990, 5, 1)
OPENED = datetime.date(2020, 1, 1)


@pytest.fixture(autouse=True)
def _today():
    with frozen_today():
        yield


def _shelter(organisation: Organisation, municipality: Municipality, name: str, kind: str) -> Shelter:
    return accommodation.create_shelter(
        acting_user=None,
        organisation=organisation,
        places=6,
        places_from=OPENED,
        name=name,
        kind=kind,
        municipality=municipality,
    )


@pytest.fixture
def oststadt(city: Organisation, ludwigsburg: Municipality) -> Shelter:
    return _shelter(city, ludwigsburg, "Oststadt", ShelterKind.ANSCHLUSSUNTERBRINGUNG)


@pytest.fixture
def weststadt(city: Organisation, ludwigsburg: Municipality) -> Shelter:
    return _shelter(city, ludwigsburg, "Weststadt", ShelterKind.STAEDTISCHE_WOHNUNG)


@pytest.fixture
def county_gu(county: Organisation, ludwigsburg: Municipality) -> Shelter:
    return _shelter(county, ludwigsburg, "GU Schlösslesfeld", ShelterKind.GU_VORLAEUFIG)


@pytest.fixture
def case(caseworker_a: User, ludwigsburg: Municipality) -> Case:
    return open_case_for(
        caseworker_a,
        municipality=ludwigsburg,
        family_name="Haddad",
        given_names="Amal",
        birth_date=BORN,
        birth_date_precision="day",
        nationalities=["SY"],
    )


@pytest.fixture
def client(case: Case) -> Person:
    return head_of(case)


@pytest.fixture
def resident(city: Organisation) -> Person:
    """The city's own record of Amal Haddad."""
    return accommodation.register_resident(
        acting_user=None,
        organisation=city,
        family_name="Haddad",
        given_names="Amal",
        birth_date=BORN,
        birth_date_precision="day",
        nationalities=["SY"],
    )


def _consent(caseworker: User, case: Case, person: Person, recipient: Organisation, on: datetime.date) -> Consent:
    return case_services.record_consent(
        acting_user=caseworker,
        case=case,
        person=person,
        purpose=ConsentPurpose.HOUSING_EXCHANGE,
        given_on=on,
        recipient_organisation=recipient,
    )


@pytest.fixture
def consent(caseworker_a: User, case: Case, client: Person, city: Organisation) -> Consent:
    return _consent(caseworker_a, case, client, city, TODAY - days(30))


@pytest.fixture
def link(caseworker_a: User, consent: Consent, client: Person, resident: Person) -> PersonLink:
    return link_records(acting_user=caseworker_a, accommodation_person=resident, casework_person=client)


def _housing(person: Person) -> list[tuple[datetime.date, str, int | None]]:
    return [
        (r.valid_from, r.situation, r.municipality_id)
        for r in HousingRecord.objects.filter(person=person).order_by("valid_from")
    ]


def _flow(event: Any) -> dict[str, Any]:
    return event.pgh_context.metadata.get("flow")


def _move_in(user: User | None, shelter: Shelter, person: Person, on: datetime.date) -> Occupancy:
    return accommodation.move_in(acting_user=user, shelter=shelter, person=person, on=on)


# --- accommodation → casework ------------------------------------------------------------------------------


def test_it_writes_a_move_in_into_the_linked_casework_record_with_a_notice(
    housing_officer, link, client, resident, oststadt, ludwigsburg, org_a, city
):
    stay = _move_in(housing_officer, oststadt, resident, TODAY - days(3))

    assert _housing(client) == [(TODAY - days(3), "anschlussunterbringung", ludwigsburg.pk)]
    assert _housing(resident) == [(TODAY - days(3), "anschlussunterbringung", ludwigsburg.pk)]
    notice = ExchangeNotice.objects.get()
    assert (notice.organisation, notice.person, notice.link, notice.source_organisation) == (
        org_a,
        client,
        link,
        city,
    )
    assert (notice.situation, notice.valid_from, notice.seen_at) == ("anschlussunterbringung", TODAY - days(3), None)
    # History on both sides: the casework record says where it came from, the stay where it went.
    flowed = events_of(HousingRecord.objects.get(person=client)).get()
    assert _flow(flowed) == {
        "direction": "from_accommodation",
        "links": [link.pk],
        "organisations": ["Stadt Ludwigsburg"],
    }
    assert flowed.pgh_context.metadata["user"] == housing_officer.pk
    source = events_of(stay).get()
    assert _flow(source) == {"direction": "to_casework", "links": [link.pk], "organisations": ["Caritas Testkreis"]}
    assert source.pgh_context_id != flowed.pgh_context_id


def test_it_writes_moves_within_and_between_shelters_and_the_move_out(
    housing_officer, link, client, resident, oststadt, weststadt, ludwigsburg, asperg
):
    _move_in(housing_officer, oststadt, resident, TODAY - days(20))
    _move_in(housing_officer, oststadt, resident, TODAY - days(10))  # another place in the same shelter
    stay = _move_in(housing_officer, weststadt, resident, TODAY - days(5))
    accommodation.move_out(
        acting_user=housing_officer,
        occupancy=stay,
        on=TODAY - days(1),
        reason=MoveOutReason.PRIVATER_MIETVERTRAG,
        expected_version=stay.version,
        new_municipality=asperg,
    )

    expected = [
        (TODAY - days(20), "anschlussunterbringung", ludwigsburg.pk),
        (TODAY - days(10), "anschlussunterbringung", ludwigsburg.pk),
        (TODAY - days(5), "anschlussunterbringung", ludwigsburg.pk),
        (TODAY - days(1), "privater_mietvertrag", asperg.pk),
    ]
    assert _housing(client) == expected == _housing(resident)
    assert ExchangeNotice.objects.filter(person=client).count() == 4


def test_it_writes_no_duplicate_when_the_caseworker_recorded_the_same_day(
    caseworker_a, housing_officer, link, client, resident, oststadt, ludwigsburg
):
    people.add_status_record(
        acting_user=caseworker_a,
        person=client,
        kind="housing",
        valid_from=TODAY - days(2),
        situation="anschlussunterbringung",
        municipality=ludwigsburg,
    )
    _move_in(housing_officer, oststadt, resident, TODAY - days(2))

    assert _housing(client) == [(TODAY - days(2), "anschlussunterbringung", ludwigsburg.pk)]
    assert not ExchangeNotice.objects.exists()


def test_it_flows_nothing_after_the_consent_is_withdrawn_and_keeps_what_flowed(
    caseworker_a, housing_officer, link, consent, client, resident, oststadt, weststadt, ludwigsburg
):
    _move_in(housing_officer, oststadt, resident, TODAY - days(10))
    case_services.withdraw_consent(acting_user=caseworker_a, consent=consent, on=TODAY)

    _move_in(housing_officer, weststadt, resident, TODAY - days(1))

    assert _housing(client) == [(TODAY - days(10), "anschlussunterbringung", ludwigsburg.pk)]
    assert ExchangeNotice.objects.count() == 1
    assert PersonLink.objects.filter(pk=link.pk).exists()
    assert len(_housing(resident)) == 2


def test_it_flows_only_from_shelters_of_the_organisation_the_consent_names(
    county_housing_officer, housing_officer, caseworker_a, case, client, resident, county_gu, oststadt, county
):
    # The consent names the county, the stay is in the city's shelter: nothing flows.
    _consent(caseworker_a, case, client, county, TODAY - days(30))
    link_records(acting_user=caseworker_a, accommodation_person=resident, casework_person=client)
    _move_in(housing_officer, oststadt, resident, TODAY - days(10))
    assert _housing(client) == []

    # A stay in the county's shelter (the organisation named) flows.
    _move_in(county_housing_officer, county_gu, resident, TODAY - days(2))
    assert [situation for _day, situation, _m in _housing(client)] == ["vorlaeufige_unterbringung"]


def test_it_sends_nothing_else_and_nothing_for_household_members_without_a_link(
    caseworker_a, housing_officer, link, case, client, resident, oststadt, city
):
    # The client's husband is a client too, and lives in the city's shelter, but his records are not linked.
    husband = case_services.add_household_member(
        acting_user=caseworker_a,
        case=case,
        relationship="partner",
        since=case.start_date,
        is_client=True,
        person_fields={"family_name": "Haddad", "given_names": "Omar"},
    )
    husband_resident = accommodation.register_resident(
        acting_user=None, organisation=city, family_name="Haddad", given_names="Omar"
    )
    _move_in(housing_officer, oststadt, husband_resident, TODAY - days(4))
    # Facts of other kinds and notes stay on their side.
    people.add_status_record(
        acting_user=caseworker_a, person=client, kind="language", valid_from=TODAY - days(3), level="A2"
    )
    people.update_person(acting_user=caseworker_a, person=client, expected_version=client.version, notes="Vertraulich")

    assert HousingRecord.objects.filter(person=husband).count() == 0
    assert not LanguageRecord.objects.filter(person=resident).exists()
    resident.refresh_from_db()
    assert resident.notes == ""
    assert not PlannedMoveOut.objects.exists()
    assert not ExchangeNotice.objects.exists()


def _person_fields(person: Person) -> dict[str, Any]:
    person.refresh_from_db()
    return {field.attname: getattr(person, field.attname) for field in Person._meta.concrete_fields}


def test_it_sends_nothing_but_stays_from_the_accommodation_side(
    county_housing_officer, housing_officer, link, client, resident, oststadt, county, ludwigsburg
):
    # The link is live: a move-in flows (one housing record, one notice) ...
    _move_in(housing_officer, oststadt, resident, TODAY - days(10))
    flowed = [(TODAY - days(10), "anschlussunterbringung", ludwigsburg.pk)]
    assert _housing(client) == flowed
    assert ExchangeNotice.objects.count() == 1
    casework_record = _person_fields(client)

    # ... but what else the accommodation side records of the person stays there: notes and phone (recorded by
    # the installation: accommodation staff keep no casework capability), the asylum procedure, an assignment.
    resident.refresh_from_db()
    people.update_person(
        acting_user=None,
        person=resident,
        expected_version=resident.version,
        notes="Ruhestörung gemeldet",
        phone="+49 7141 123456",
    )
    people.add_status_record(
        acting_user=None,
        person=resident,
        kind="asylum",
        valid_from=TODAY - days(5),
        stage="bescheid",
        outcome="fluechtlingsschutz",
        bamf_file_number="1234567-438",
        immigration_office_file_number="ABH-LB 2025/4711",
    )
    accommodation.record_assignment(
        acting_user=county_housing_officer,
        organisation=county,
        municipality=ludwigsburg,
        date=TODAY - days(1),
        persons=[resident],
        reference="Z-2025-17",
    )
    assert resident.notes == "Ruhestörung gemeldet"
    assert AsylumRecord.objects.filter(person=resident).count() == 1
    assert AssignedPerson.objects.filter(person=resident).count() == 1

    assert _person_fields(client) == casework_record
    assert _housing(client) == flowed
    assert {
        kind: model._default_manager.filter(person=client).count() for kind, model in STATUS_RECORD_MODELS.items()
    } == {"residence": 0, "asylum": 0, "minor": 0, "language": 0, "work": 0, "housing": 1}
    assert not AssignedPerson.objects.filter(person=client).exists()
    assert ExchangeNotice.objects.count() == 1
    assert not PlannedMoveOut.objects.exists()


# --- casework → accommodation ------------------------------------------------------------------------------


def test_it_announces_an_own_tenancy_as_a_planned_move_out_until_the_real_move_out(
    caseworker_a, housing_officer, link, client, resident, oststadt, org_a, city, ludwigsburg
):
    stay = _move_in(housing_officer, oststadt, resident, TODAY - days(40))
    record = people.add_status_record(
        acting_user=caseworker_a,
        person=client,
        kind="housing",
        valid_from=TODAY - days(2),
        situation="privater_mietvertrag",
        municipality=ludwigsburg,
    )

    plan = PlannedMoveOut.objects.get()
    assert (plan.occupancy, plan.shelter, plan.planned_on, plan.status) == (
        stay,
        oststadt,
        TODAY - days(2),
        PlannedMoveOutStatus.PLANNED,
    )
    assert (plan.from_organisation, plan.link, plan.housing_record) == (org_a, link, record)
    # Nothing else was written on the accommodation side.
    assert _housing(resident) == [(TODAY - days(40), "anschlussunterbringung", ludwigsburg.pk)]
    assert _flow(events_of(plan).get()) == {
        "direction": "from_casework",
        "links": [link.pk],
        "organisations": ["Caritas Testkreis"],
    }
    assert _flow(events_of(record).get()) == {
        "direction": "to_accommodation",
        "links": [link.pk],
        "organisations": ["Stadt Ludwigsburg"],
    }
    # The accommodation staff see it on the shelter page and in their list; the history says where it came from.
    staff = client_for(housing_officer)
    page = staff.get(reverse("accommodation:shelter_detail", args=[oststadt.pk])).content.decode()
    assert "Geplante Auszüge" in page and "Caritas Testkreis" in page
    assert "übermittelt aus dem Integrationsmanagement (Caritas Testkreis)" in page
    resident_page = staff.get(reverse("accommodation:resident_detail", args=[resident.pk])).content.decode()
    assert "Geplanter Auszug am 14.06.2025: eigener Mietvertrag, gemeldet von Caritas Testkreis." in resident_page
    listing = staff.get(reverse("arrivals:planned_move_out_list")).content.decode()
    assert "Haddad, Amal" in listing or "Amal Haddad" in listing
    assert AccessLogEntry.objects.filter(
        by=housing_officer,
        record_type="people.person",
        record_id=str(resident.pk),
        path=reverse("arrivals:planned_move_out_list"),
    ).exists()

    # The real move-out is recorded as always and ends the plan.
    accommodation.move_out(
        acting_user=housing_officer,
        occupancy=stay,
        on=TODAY,
        reason=MoveOutReason.PRIVATER_MIETVERTRAG,
        expected_version=stay.version,
    )
    plan.refresh_from_db()
    assert plan.status == PlannedMoveOutStatus.DONE
    assert (
        'data-testid="planned-move-outs"' not in staff.get(reverse("arrivals:planned_move_out_list")).content.decode()
    )


def test_it_follows_corrections_of_the_tenancy_record(caseworker_a, housing_officer, link, client, resident, oststadt):
    _move_in(housing_officer, oststadt, resident, TODAY - days(40))
    record = people.add_status_record(
        acting_user=caseworker_a, person=client, kind="housing", valid_from=TODAY - days(2), situation="sonstiges"
    )
    assert not PlannedMoveOut.objects.exists()

    record = people.update_status_record(
        acting_user=caseworker_a, record=record, expected_version=record.version, situation="privater_mietvertrag"
    )
    assert PlannedMoveOut.objects.get().planned_on == TODAY - days(2)
    record = people.update_status_record(
        acting_user=caseworker_a, record=record, expected_version=record.version, valid_from=TODAY - days(5)
    )
    assert PlannedMoveOut.objects.get().planned_on == TODAY - days(5)
    people.update_status_record(
        acting_user=caseworker_a, record=record, expected_version=record.version, situation="sonstiges"
    )
    assert PlannedMoveOut.objects.get().status == PlannedMoveOutStatus.CANCELLED


def test_it_withdraws_the_plan_when_the_tenancy_record_is_deleted(
    caseworker_a, housing_officer, link, client, resident, oststadt
):
    _move_in(housing_officer, oststadt, resident, TODAY - days(40))
    record = people.add_status_record(
        acting_user=caseworker_a, person=client, kind="housing", valid_from=TODAY, situation="privater_mietvertrag"
    )
    people.delete_status_record(acting_user=caseworker_a, record=record)

    plan = PlannedMoveOut.objects.get()
    assert (plan.status, plan.housing_record) == (PlannedMoveOutStatus.CANCELLED, None)
    assert _flow(events_of(plan).order_by("pgh_id").last())["direction"] == "from_casework"


def test_it_keeps_the_plan_announced_before_the_withdrawal_and_sends_no_later_correction(
    caseworker_a, housing_officer, link, consent, client, resident, oststadt, org_a, ludwigsburg
):
    stay = _move_in(housing_officer, oststadt, resident, TODAY - days(40))
    record = people.add_status_record(
        acting_user=caseworker_a,
        person=client,
        kind="housing",
        valid_from=TODAY - days(2),
        situation="privater_mietvertrag",
    )
    plan = PlannedMoveOut.objects.get()

    def plans() -> list[tuple[Any, ...]]:
        return list(
            PlannedMoveOut.objects.order_by("pk").values_list(
                "pk", "occupancy", "planned_on", "status", "ended_at", "from_organisation", "housing_record"
            )
        )

    announced = [(plan.pk, stay.pk, TODAY - days(2), PlannedMoveOutStatus.PLANNED, None, org_a.pk, record.pk)]
    assert plans() == announced

    # The withdrawal removes nothing that already flowed.
    case_services.withdraw_consent(acting_user=caseworker_a, consent=consent, on=TODAY)
    assert plans() == announced
    events = events_of(plan).count()

    # Corrections of the tenancy record after the withdrawal reach nobody: another date, another situation
    # (which would withdraw the plan while the link held), the tenancy again on another day.
    record = people.update_status_record(
        acting_user=caseworker_a, record=record, expected_version=record.version, valid_from=TODAY - days(5)
    )
    assert plans() == announced
    record = people.update_status_record(
        acting_user=caseworker_a, record=record, expected_version=record.version, situation="sonstiges"
    )
    assert plans() == announced
    record = people.update_status_record(
        acting_user=caseworker_a,
        record=record,
        expected_version=record.version,
        situation="privater_mietvertrag",
        valid_from=TODAY - days(1),
    )
    assert plans() == announced
    assert events_of(plan).count() == events

    # Deleting it withdraws nothing either: the plan stays planned for its day; only its reference to the
    # deleted record is gone (the database clears it, no flow).
    people.delete_status_record(acting_user=caseworker_a, record=record)
    assert plans() == [(*announced[0][:-1], None)]
    assert all(_flow(event) is None for event in events_of(plan).order_by("pgh_id")[events:])
    assert _housing(client) == [(TODAY - days(40), "anschlussunterbringung", ludwigsburg.pk)]


def test_it_announces_nothing_without_the_consent_naming_the_shelters_operator(
    caseworker_a, county_housing_officer, link, consent, client, resident, county_gu, oststadt, housing_officer
):
    # The stay is in the county's shelter; the consent names the city.
    _move_in(county_housing_officer, county_gu, resident, TODAY - days(40))
    people.add_status_record(
        acting_user=caseworker_a,
        person=client,
        kind="housing",
        valid_from=TODAY - days(3),
        situation="privater_mietvertrag",
    )
    assert not PlannedMoveOut.objects.exists()

    # In the city's shelter, after the consent was withdrawn: nothing either.
    _move_in(housing_officer, oststadt, resident, TODAY - days(2))
    case_services.withdraw_consent(acting_user=caseworker_a, consent=consent, on=TODAY)
    people.add_status_record(
        acting_user=caseworker_a, person=client, kind="housing", valid_from=TODAY, situation="privater_mietvertrag"
    )
    assert not PlannedMoveOut.objects.exists()


# --- what each side sees ----------------------------------------------------------------------------------


def test_it_shows_each_side_only_its_own_record(caseworker_a, housing_officer, link, client, resident, oststadt):
    _move_in(housing_officer, oststadt, resident, TODAY - days(3))

    assert not Person.objects.visible_to(caseworker_a).filter(pk=resident.pk).exists()
    assert not residents_visible_to(housing_officer).filter(pk=client.pk).exists()
    assert (
        client_for(housing_officer).get(reverse("accommodation:resident_detail", args=[client.pk])).status_code == 404
    )


def test_it_shows_the_notice_in_my_work_until_it_is_marked_as_seen(
    caseworker_a, caseworker_b, housing_officer, link, case, client, resident, oststadt
):
    _move_in(housing_officer, oststadt, resident, TODAY - days(3))
    notice = ExchangeNotice.objects.get()
    caseworker = client_for(caseworker_a)
    page = caseworker.get(reverse("cases:worklist")).content.decode()
    assert "Wohnsituation aus der Unterbringung übermittelt: Anschlussunterbringung (Gemeinde) seit 13.06.2025" in page
    assert "von Stadt Ludwigsburg" in page
    # The notice names the client: the page's access log has her.
    assert AccessLogEntry.objects.filter(
        by=caseworker_a, record_type="people.person", record_id=str(notice.person_id), path=reverse("cases:worklist")
    ).exists()

    # Nobody of another organisation marks it; the caseworker does.
    assert client_for(caseworker_b).post(reverse("arrivals:notice_seen", args=[notice.pk])).status_code == 404
    response = caseworker.post(reverse("arrivals:notice_seen", args=[notice.pk]))
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.seen_by == caseworker_a and notice.seen_at is not None
    assert (
        "Wohnsituation aus der Unterbringung übermittelt"
        not in caseworker.get(reverse("cases:worklist")).content.decode()
    )


def test_the_substitute_sees_the_notice_while_the_substitution_holds(
    caseworker_a, colleague_a, org_a, housing_officer, link, case, resident, oststadt
):
    _move_in(housing_officer, oststadt, resident, TODAY - days(3))
    notice = ExchangeNotice.objects.get()
    text = "Wohnsituation aus der Unterbringung übermittelt: Anschlussunterbringung (Gemeinde) seit 13.06.2025"
    substitute = client_for(colleague_a)
    assert text not in substitute.get(reverse("cases:worklist")).content.decode()
    case_services.create_substitution(
        acting_user=None,
        organisation=org_a,
        absent=caseworker_a,
        substitute=colleague_a,
        starts_on=TODAY,
        ends_on=TODAY,
    )
    assert text in substitute.get(reverse("cases:worklist")).content.decode()
    assert substitute.post(reverse("arrivals:notice_seen", args=[notice.pk])).status_code == 302
    notice.refresh_from_db()
    assert notice.seen_by == colleague_a
    # Seen by the substitute, it has left both worklists.
    assert text not in client_for(caseworker_a).get(reverse("cases:worklist")).content.decode()


def test_the_substitute_sees_no_notice_after_the_substitution(
    caseworker_a, colleague_a, org_a, housing_officer, link, case, resident, oststadt
):
    case_services.create_substitution(
        acting_user=None,
        organisation=org_a,
        absent=caseworker_a,
        substitute=colleague_a,
        starts_on=TODAY - days(10),
        ends_on=TODAY - days(1),
    )
    _move_in(housing_officer, oststadt, resident, TODAY - days(3))
    assert ExchangeNotice.objects.count() == 1
    page = client_for(colleague_a).get(reverse("cases:worklist")).content.decode()
    assert "Wohnsituation aus der Unterbringung übermittelt" not in page
    assert (
        "Wohnsituation aus der Unterbringung übermittelt"
        in client_for(caseworker_a).get(reverse("cases:worklist")).content.decode()
    )


def test_it_shows_the_flow_in_the_case_history(caseworker_a, housing_officer, link, case, resident, oststadt):
    _move_in(housing_officer, oststadt, resident, TODAY - days(3))
    page = client_for(caseworker_a).get(reverse("cases:case_history", args=[case.pk])).content.decode()
    assert "übermittelt aus der Unterbringung (Stadt Ludwigsburg)" in page
    shelter_page = client_for(housing_officer).get(reverse("accommodation:shelter_detail", args=[oststadt.pk]))
    assert "übermittelt an das Integrationsmanagement (Caritas Testkreis)" in shelter_page.content.decode()


def test_it_shows_the_link_state_on_the_case_page(caseworker_a, link, consent, case):
    url = reverse("cases:case_detail", args=[case.pk])
    page = client_for(caseworker_a).get(url).content.decode()
    assert "Verknüpft mit dem Datensatz von Stadt Ludwigsburg seit 16.06.2025." in page
    assert "Austausch aktiv mit Stadt Ludwigsburg" in page

    case_services.withdraw_consent(acting_user=caseworker_a, consent=consent, on=TODAY)
    page = client_for(caseworker_a).get(url).content.decode()
    assert "Austausch beendet: keine Einwilligung in Kraft" in page
    assert "Austausch mit Stadt Ludwigsburg beendet: Einwilligung am 16.06.2025 widerrufen." in page


def test_it_requires_the_housing_organisation_for_the_exchange_consent(caseworker_a, case, client):
    with refused_with("Name the organisation that houses the client: the exchange is with an organisation of Lotse."):
        case_services.record_consent(
            acting_user=caseworker_a,
            case=case,
            person=client,
            purpose=ConsentPurpose.HOUSING_EXCHANGE,
            given_on=TODAY,
            recipient_name="Stadt",
        )
    assert not Consent.objects.exists()


# --- linking existing records on request --------------------------------------------------------------------


def test_it_links_existing_records_when_the_housing_organisation_confirms(
    caseworker_a, housing_officer, consent, case, client, resident, oststadt, ludwigsburg
):
    _move_in(housing_officer, oststadt, resident, TODAY - days(30))
    caseworker = client_for(caseworker_a)
    page = caseworker.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    ask = reverse("arrivals:link_request_create", args=[consent.pk])
    assert ask in page
    assert caseworker.get(ask).status_code == 200
    assert caseworker.post(ask).status_code == 302
    link_request = LinkRequest.objects.get()
    assert (link_request.casework_person, link_request.status) == (client, LinkRequestStatus.OPEN)
    assert (
        "Verknüpfung bei Stadt Ludwigsburg angefragt am 16.06.2025: offen"
        in caseworker.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    )

    staff = client_for(housing_officer)
    assert "Amal" in staff.get(reverse("arrivals:link_request_list")).content.decode()
    assert list(
        AccessLogEntry.objects.filter(path=reverse("arrivals:link_request_list")).values_list(
            "by", "record_type", "record_id", "record_organisation_id"
        )
    ) == [(housing_officer.pk, "people.person", str(client.pk), client.organisation_id)]
    detail_url = reverse("arrivals:link_request_detail", args=[link_request.pk])
    detail = staff.get(detail_url)
    assert detail.status_code == 200
    text = detail.content.decode()
    assert "01.05.1990" in text and "Syrien" in text
    assert reverse("accommodation:resident_detail", args=[resident.pk]) in text
    assert AccessLogEntry.objects.filter(
        by=housing_officer, action=AccessAction.VIEW, record_type="arrivals.linkrequest"
    ).exists()
    # Choosing nobody is refused; choosing the resident links.
    assert staff.post(detail_url, {}).status_code == 200
    assert not PersonLink.objects.exists()
    assert staff.post(detail_url, {"resident": resident.pk}).status_code == 302

    link = PersonLink.objects.get()
    assert (link.accommodation_person, link.casework_person, link.created_by) == (resident, client, housing_officer)
    link_request.refresh_from_db()
    assert (link_request.status, link_request.link, link_request.decided_by) == (
        LinkRequestStatus.CONFIRMED,
        link,
        housing_officer,
    )
    # Where she lives today flows at once (with a notice for the caseworker), and from now on, moves flow.
    assert _housing(client) == [(TODAY - days(30), "anschlussunterbringung", ludwigsburg.pk)]
    assert ExchangeNotice.objects.get(person=client).valid_from == TODAY - days(30)
    _move_in(housing_officer, oststadt, resident, TODAY - days(1))
    assert _housing(client) == [
        (TODAY - days(30), "anschlussunterbringung", ludwigsburg.pk),
        (TODAY - days(1), "anschlussunterbringung", ludwigsburg.pk),
    ]


def test_it_lets_the_housing_organisation_decline(caseworker_a, housing_officer, consent, case):
    link_request = exchange.request_link(acting_user=caseworker_a, consent=consent)
    response = client_for(housing_officer).post(
        reverse("arrivals:link_request_decline", args=[link_request.pk]), {"note": "Niemand dieses Namens"}
    )
    assert response.status_code == 302
    link_request.refresh_from_db()
    assert (link_request.status, link_request.decision_note) == (LinkRequestStatus.DECLINED, "Niemand dieses Namens")
    assert not PersonLink.objects.exists()
    page = client_for(caseworker_a).get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert "abgelehnt (Niemand dieses Namens)" in page


def test_it_ends_a_request_when_the_consent_is_withdrawn(caseworker_a, housing_officer, consent, resident, case):
    link_request = exchange.request_link(acting_user=caseworker_a, consent=consent)
    case_services.withdraw_consent(acting_user=caseworker_a, consent=consent, on=TODAY)
    link_request.refresh_from_db()
    assert link_request.status == LinkRequestStatus.ENDED

    staff = client_for(housing_officer)
    assert staff.get(reverse("arrivals:link_request_detail", args=[link_request.pk])).status_code == 404
    assert "Amal" not in staff.get(reverse("arrivals:link_request_list")).content.decode()
    with refused_with("The client withdrew the consent: the request has ended and nothing may be linked."):
        exchange.confirm_link_request(
            acting_user=housing_officer, link_request=link_request, accommodation_person=resident
        )
    assert not PersonLink.objects.exists()
    page = client_for(caseworker_a).get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert "beendet: Einwilligung widerrufen" in page


def test_it_refuses_a_second_request_and_a_request_without_exchange_consent(caseworker_a, consent, case, client):
    exchange.request_link(acting_user=caseworker_a, consent=consent)
    with refused_with("A link was already requested from this organisation and waits for its answer."):
        exchange.request_link(acting_user=caseworker_a, consent=consent)
    sharing = case_services.record_consent(
        acting_user=caseworker_a,
        case=case,
        person=client,
        purpose=ConsentPurpose.SHARING,
        given_on=TODAY,
        recipient_organisation=consent.recipient_organisation,
    )
    with refused_with(
        "A link is requested with a consent to the data exchange between accommodation and integration "
        "management that names the housing organisation."
    ):
        exchange.request_link(acting_user=caseworker_a, consent=sharing)
    assert LinkRequest.objects.count() == 1


@pytest.mark.parametrize(
    "outsider", ["other_housing_officer", "county_housing_officer", "caseworker_a", "caseworker_b", "teamlead_b"]
)
def test_it_hides_requests_from_everyone_but_the_organisation_asked(request, outsider, caseworker_a, consent, resident):
    link_request = exchange.request_link(acting_user=caseworker_a, consent=consent)
    user = request.getfixturevalue(outsider)
    browser = client_for(user)
    for name in ("arrivals:link_request_detail", "arrivals:link_request_decline"):
        status = browser.get(reverse(name, args=[link_request.pk])).status_code
        assert status == (403 if outsider.startswith(("caseworker", "teamlead")) else 404), name
    with pytest.raises(ValidationError):
        exchange.confirm_link_request(acting_user=user, link_request=link_request, accommodation_person=resident)
    assert not PersonLink.objects.exists()


@pytest.mark.parametrize("outsider", ["caseworker_b", "teamlead_b"])
def test_it_hides_the_consent_from_other_caseworkers(request, outsider, consent):
    browser = client_for(request.getfixturevalue(outsider))
    assert browser.get(reverse("arrivals:link_request_create", args=[consent.pk])).status_code == 404
    assert browser.post(reverse("arrivals:link_request_create", args=[consent.pk])).status_code == 404
    assert not LinkRequest.objects.exists()


def test_it_hides_planned_move_outs_from_other_accommodation_staff(
    caseworker_a, housing_officer, other_housing_officer, county_housing_officer, link, client, resident, oststadt
):
    _move_in(housing_officer, oststadt, resident, TODAY - days(40))
    people.add_status_record(
        acting_user=caseworker_a, person=client, kind="housing", valid_from=TODAY, situation="privater_mietvertrag"
    )
    assert PlannedMoveOut.objects.count() == 1
    for outsider in (other_housing_officer, county_housing_officer):
        page = client_for(outsider).get(reverse("arrivals:planned_move_out_list")).content.decode()
        assert "Haddad" not in page


# --- lists run a fixed number of queries ------------------------------------------------------------------


def _linked_client(caseworker: User, city: Organisation, shelter: Shelter, name: str) -> tuple[Person, Consent]:
    case = open_case_for(caseworker, family_name=name, given_names="Lina")
    client = head_of(case)
    consent = _consent(caseworker, case, client, city, TODAY - days(30))
    resident = accommodation.register_resident(
        acting_user=None, organisation=city, family_name=name, given_names="Lina"
    )
    link_records(acting_user=caseworker, accommodation_person=resident, casework_person=client)
    _move_in(None, shelter, resident, TODAY - days(20))
    people.add_status_record(
        acting_user=caseworker, person=client, kind="housing", valid_from=TODAY, situation="privater_mietvertrag"
    )
    return client, consent


def test_it_lists_plans_requests_and_notices_in_a_fixed_number_of_queries(
    caseworker_a, housing_officer, city, oststadt
):
    staff, caseworker = client_for(housing_officer), client_for(caseworker_a)
    urls = [
        (staff, reverse("arrivals:planned_move_out_list")),
        (staff, reverse("arrivals:link_request_list")),
        (staff, reverse("accommodation:shelter_detail", args=[oststadt.pk])),
        (caseworker, reverse("cases:worklist")),
    ]

    def add(name: str) -> None:
        _client, _consent_of_link = _linked_client(caseworker_a, city, oststadt, name)
        case = open_case_for(caseworker_a, family_name=f"{name}-Anfrage", given_names="Rami")
        consent = _consent(caseworker_a, case, head_of(case), city, TODAY - days(1))
        exchange.request_link(acting_user=caseworker_a, consent=consent)

    add("Saleh")
    few = [queries_of(browser, url) for browser, url in urls]
    add("Nasser")
    add("Yousef")
    for (browser, url), before in zip(urls, few, strict=True):
        assert_same_queries(before, queries_of(browser, url))
    assert PlannedMoveOut.objects.planned().count() == 3
    assert ExchangeNotice.objects.count() == 3
    assert LinkRequest.objects.count() == 3


def test_it_asks_for_the_housing_organisation_on_the_consent_form(caseworker_a, case, client):
    response = client_for(caseworker_a).post(
        reverse("cases:consent_add", args=[case.pk]),
        {
            "person": client.pk,
            "purpose": ConsentPurpose.HOUSING_EXCHANGE,
            "recipient_name": "Stadt",
            "given_on": "16.06.2025",
        },
    )
    assert response.status_code == 200
    assert (
        "Nennen Sie die Organisation, die die Klient:in unterbringt: Der Austausch findet mit einer Organisation in "
        "Lotse statt." in response.content.decode()
    )
    assert not Consent.objects.exists()
