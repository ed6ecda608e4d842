"""New arrivals (Neuzugänge): created by the assignment, the guarded steps to the first contact, forwarding,
beginning counselling from the entry (household, persons, case, links, consent)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lotse.accommodation import services as accommodation_services
from lotse.accommodation.choices import ShelterKind
from lotse.accommodation.models import Assignment
from lotse.arrivals import intake
from lotse.arrivals.choices import ArrivalState
from lotse.arrivals.models import Arrival, ArrivalStep, ExchangeNotice, PersonLink
from lotse.arrivals.queries import arrival_members, housing_organisations
from lotse.arrivals.tests.factories import add, assign, county_family
from lotse.arrivals.tests.test_responsibilities import refused_in_german
from lotse.cases.choices import ConsentPurpose
from lotse.cases.models import Case, CaseClient, Consent
from lotse.cases.tests.factories import (
    TODAY,
    ResidenceRecordFactory,
    acting_user_of,
    events_of,
    frozen_today,
    open_case_for,
)
from lotse.core.choices import OrganisationKind
from lotse.core.services import ConcurrentEditError
from lotse.core.tests.factories import OrganisationFactory
from lotse.people.choices import Relationship, ResidenceStatus
from lotse.people.models import HouseholdMembership, HousingRecord, Person

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def family(county) -> list[Person]:
    return county_family(county)


@pytest.fixture
def arrival(family, ludwigsburg, org_a) -> Arrival:
    add(ludwigsburg, org_a)
    assign(family, ludwigsburg)
    return Arrival.objects.get(organisation=org_a)


def _state(arrival: Arrival) -> tuple[str, int, int]:
    stored = Arrival.objects.get(pk=arrival.pk)
    return stored.state, stored.version, ArrivalStep.objects.filter(arrival=arrival).count()


# --- created by the assignment ----------------------------------------------------------------------------------


def test_it_creates_an_entry_for_every_responsible_organisation_with_the_assignment(
    county_housing_officer, family, ludwigsburg, asperg, org_a, org_b, drk
):
    add(ludwigsburg, org_a)
    add(ludwigsburg, org_b)
    add(asperg, drk)
    add(ludwigsburg, drk, D(2025, 1, 1), D(2025, 4, 30))  # ended before the assignment
    with frozen_today():
        assignment = accommodation_services.record_assignment(
            acting_user=county_housing_officer,
            organisation=county_housing_officer.organisation,
            municipality=ludwigsburg,
            date=D(2025, 5, 2),
            persons=family,
        )
    arrivals = list(Arrival.objects.filter(assignment=assignment).order_by("organisation__name"))
    assert [(a.organisation, a.state, a.version, a.responsible) for a in arrivals] == [
        (org_b, ArrivalState.NEW, 1, None),
        (org_a, ArrivalState.NEW, 1, None),
    ]
    steps = ArrivalStep.objects.filter(arrival__in=arrivals)
    assert {(s.to_state, s.on, s.by_id) for s in steps} == {
        (ArrivalState.NEW, D(2025, 5, 2), county_housing_officer.pk)
    }
    assert [acting_user_of(e) for e in events_of(arrivals[0])] == [county_housing_officer.pk]


def test_it_takes_the_residence_status_of_the_head_of_household(family, ludwigsburg, org_a, org_b):
    add(ludwigsburg, org_a)
    add(ludwigsburg, org_b, residence_status=ResidenceStatus.DULDUNG)
    head = family[1]
    ResidenceRecordFactory.create(person=head, status=ResidenceStatus.DULDUNG, valid_from=D(2025, 1, 1))
    assignment = assign(family, ludwigsburg)
    assert list(Arrival.objects.filter(assignment=assignment).values_list("organisation", flat=True)) == [org_b.pk]


def test_it_creates_no_entry_where_nobody_is_responsible(family, ludwigsburg, asperg, org_a):
    add(asperg, org_a)
    assign(family, ludwigsburg)
    assert not Arrival.objects.exists()


def test_it_asks_for_the_household_only_where_an_entry_names_a_residence_status(family, ludwigsburg, asperg, org_a):
    """One query for the municipality's entries; the assigned persons and their residence status only when an
    entry in force names a status (where none is, or none names one, they change nothing)."""
    add(ludwigsburg, org_a)
    first, second = assign(family[:1], asperg), assign(family[1:2], ludwigsburg)
    for assignment, created in ((first, 0), (second, 1)):
        Arrival.objects.filter(assignment=assignment).delete()
        with CaptureQueriesContext(connection) as queries:
            assert len(intake.create_arrivals(acting_user=None, assignment=assignment)) == created
        asked = " ".join(q["sql"] for q in queries.captured_queries)
        assert "people_residencerecord" not in asked and "accommodation_assignedperson" not in asked
    add(ludwigsburg, org_a, residence_status=ResidenceStatus.DULDUNG)
    Arrival.objects.filter(assignment=second).delete()
    with CaptureQueriesContext(connection) as queries:
        intake.create_arrivals(acting_user=None, assignment=second)
    assert "people_residencerecord" in " ".join(q["sql"] for q in queries.captured_queries)


def test_it_keeps_the_planned_arrival_and_the_future_home(family, county, ludwigsburg, org_a):
    add(ludwigsburg, org_a)
    shelter = accommodation_services.create_shelter(
        acting_user=None,
        organisation=county,
        places=4,
        places_from=D(2025, 1, 1),
        name="AU Fuchshof",
        kind="anschlussunterbringung",
        municipality=ludwigsburg,
    )
    assignment = assign(
        family, ludwigsburg, planned_arrival=D(2025, 5, 20), future_shelter=shelter, future_address=" Zimmer 4 "
    )
    stored = Assignment.objects.get(pk=assignment.pk)
    assert (stored.planned_arrival, stored.future_shelter, stored.future_address, stored.arrival_date) == (
        D(2025, 5, 20),
        shelter,
        "Zimmer 4",
        D(2025, 5, 20),
    )
    assert housing_organisations(stored)[0][0] == county


def test_it_refuses_a_shelter_elsewhere_and_an_arrival_before_the_assignment(
    family, county, ludwigsburg, asperg, org_a
):
    add(ludwigsburg, org_a)
    shelter = accommodation_services.create_shelter(
        acting_user=None,
        organisation=county,
        places=4,
        places_from=D(2025, 1, 1),
        name="AU Asperg",
        kind="anschlussunterbringung",
        municipality=asperg,
    )
    with refused_in_german("Die künftige Unterkunft AU Asperg liegt nicht in Ludwigsburg."):
        assign(family, ludwigsburg, future_shelter=shelter)
    with refused_in_german("Die geplante Ankunft kann nicht vor dem Datum der Zuweisung liegen."):
        assign(family, ludwigsburg, planned_arrival=D(2025, 5, 1))
    assert not Assignment.objects.exists() and not Arrival.objects.exists()


# --- the district: from the future shelter or address ---------------------------------------------------------


def _shelter_in(municipality, organisation, name: str, street: str = ""):
    return accommodation_services.create_shelter(
        acting_user=None,
        organisation=organisation,
        places=4,
        places_from=D(2025, 1, 1),
        name=name,
        kind="anschlussunterbringung",
        municipality=municipality,
        street=street,
    )


def _receivers(assignment: Assignment) -> list[str]:
    return sorted(Arrival.objects.filter(assignment=assignment).values_list("organisation__short_name", flat=True))


@pytest.mark.parametrize(
    ("shelter_name", "street", "address", "receivers"),
    [
        # The shelter's name names a part of the district's compound name.
        ("WBL-Wohnungen Grünbühl", "Stuttgarter Straße 120", "", ["org-b"]),
        ("Wohnungen Schlieffenstraße", "Am Sonnenberg 9", "", ["org-b"]),
        # The future address names the district (the shelter names none).
        ("AU Fuchshof", "Fuchshofstraße 10", "", ["org-a"]),
        (None, "", "Karlsbader Straße 12, 71636 Ludwigsburg-Grünbühl", ["org-b"]),
        (None, "", "grünbühl-sonnenberg, Wohnung 3", ["org-b"]),
        # Inside a longer word it is no district; nor is another town's part.
        (None, "", "Grünbühler Straße 4", ["org-a"]),
        (None, "", "Hauptstraße 61, Neckarweihingen", ["org-a"]),
        (None, "", "", ["org-a"]),
    ],
)
def test_it_routes_to_the_organisation_of_the_district_the_future_home_names(
    family, county, ludwigsburg, org_a, org_b, shelter_name, street, address, receivers
):
    add(ludwigsburg, org_a)
    add(ludwigsburg, org_b, district="Grünbühl-Sonnenberg")
    shelter = _shelter_in(ludwigsburg, county, shelter_name, street) if shelter_name else None
    assignment = assign(family, ludwigsburg, future_shelter=shelter, future_address=address)
    assert _receivers(assignment) == receivers


def test_the_future_shelter_decides_before_the_address_and_two_districts_name_none(
    family, county, ludwigsburg, org_a, org_b, drk
):
    add(ludwigsburg, org_a)
    add(ludwigsburg, org_b, district="Grünbühl-Sonnenberg")
    add(ludwigsburg, drk, district="Eglosheim")
    shelter = _shelter_in(ludwigsburg, county, "Wohnungen Eglosheim", "Hirschbergstraße 58")
    first = assign(family[:1], ludwigsburg, future_shelter=shelter, future_address="Ludwigsburg-Grünbühl")
    assert _receivers(first) == ["drk"]
    second = assign(family[1:2], ludwigsburg, future_address="zwischen Eglosheim und Grünbühl")
    assert _receivers(second) == ["org-a"]


def test_the_district_counts_on_the_day_of_arrival_and_else_the_whole_municipality(family, ludwigsburg, org_a, org_b):
    add(ludwigsburg, org_a)
    # The district's own responsibility holds from 1 June 2025 to 30 June 2025 (both ends included).
    add(ludwigsburg, org_b, D(2025, 6, 1), D(2025, 6, 30), district="Grünbühl-Sonnenberg")
    address = "Ludwigsburg-Grünbühl"
    cases = [
        (D(2025, 5, 31), None, ["org-a"]),  # arrives the day before it begins
        (D(2025, 5, 2), D(2025, 6, 1), ["org-b"]),  # assigned before, arrives on its first day
        (D(2025, 6, 30), None, ["org-b"]),  # assigned and arriving on its last day
        (D(2025, 6, 20), D(2025, 7, 1), ["org-a"]),  # arrives the day after it ended
    ]
    with frozen_today(D(2025, 7, 15)):
        persons = [*family, *county_family(family[0].organisation)][: len(cases)]
        for (day, planned, receivers), person in zip(cases, persons, strict=True):
            assignment = assign([person], ludwigsburg, day, planned_arrival=planned, future_address=address)
            assert _receivers(assignment) == receivers, (day, planned)


def test_a_district_without_a_responsibility_of_its_own_goes_to_the_whole_municipality(
    family, ludwigsburg, asperg, org_a, org_b
):
    add(ludwigsburg, org_a)
    add(ludwigsburg, org_b, district="Eglosheim")
    assignment = assign(family[:2], ludwigsburg, future_address="Ludwigsburg-Grünbühl")
    assert _receivers(assignment) == ["org-a"]
    # Where only a district has a responsibility, a household of another part of the town reaches nobody.
    add(asperg, org_b, district="Osterholz")
    assert _receivers(assign(family[2:], asperg, future_address="Hauptstraße 4")) == []
    assert _receivers(assign(family[:1], asperg, D(2025, 5, 3), future_address="Asperg-Osterholz")) == ["org-b"]


def test_it_reads_only_names_dates_of_birth_nationalities_and_languages(arrival, family):
    members = arrival_members([arrival.assignment_id])[arrival.assignment_id]
    assert [(m.full_name, m.birth_date_display, m.relationship) for m in members] == [
        ("Karimi, Ahmad", "02.03.1985", Relationship.HEAD),
        ("Karimi, Mariam", "1988", Relationship.PARTNER),
        ("Karimi, Sara", "01.05.2016", Relationship.CHILD),
    ]
    assert not hasattr(members[1], "phone") and not hasattr(members[1], "notes")


# --- the steps ---------------------------------------------------------------------------------------------------


def test_it_plans_and_then_records_the_first_contact_with_its_history(arrival, caseworker_a):
    with frozen_today():
        intake.record_first_contact(
            acting_user=caseworker_a, arrival=arrival, expected_version=1, on=D(2025, 6, 20), form="telefonisch"
        )
        stored = Arrival.objects.get(pk=arrival.pk)
        assert (stored.state, stored.first_contact_on, stored.first_contact_form, stored.version) == (
            ArrivalState.CONTACT_PLANNED,
            D(2025, 6, 20),
            "telefonisch",
            2,
        )
        intake.record_first_contact(
            acting_user=caseworker_a, arrival=stored, expected_version=2, on=TODAY, form="buero"
        )
    stored = Arrival.objects.get(pk=arrival.pk)
    assert (stored.state, stored.first_contact_on, stored.first_contact_form, stored.version) == (
        ArrivalState.CONTACT_MADE,
        TODAY,
        "buero",
        3,
    )
    steps = list(ArrivalStep.objects.filter(arrival=arrival).order_by("pk"))
    assert [(s.from_state, s.to_state, s.on, s.contact_form, s.by_id) for s in steps[1:]] == [
        (ArrivalState.NEW, ArrivalState.CONTACT_PLANNED, D(2025, 6, 20), "telefonisch", caseworker_a.pk),
        (ArrivalState.CONTACT_PLANNED, ArrivalState.CONTACT_MADE, TODAY, "buero", caseworker_a.pk),
    ]
    assert [acting_user_of(e) for e in events_of(stored)][-2:] == [caseworker_a.pk, caseworker_a.pk]
    assert [acting_user_of(e) for e in events_of(steps[-1])] == [caseworker_a.pk]


def test_it_refuses_bad_input_of_the_first_contact_and_changes_nothing(arrival, caseworker_a):
    with frozen_today():
        with refused_in_german("Der Erstkontakt kann nicht vor der Zuweisung (02.05.2025) liegen."):
            intake.record_first_contact(
                acting_user=caseworker_a, arrival=arrival, expected_version=1, on=D(2025, 5, 1), form="buero"
            )
        with refused_in_german("Wählen Sie, wie der Erstkontakt stattfindet."):
            intake.record_first_contact(
                acting_user=caseworker_a, arrival=arrival, expected_version=1, on=TODAY, form="brieftaube"
            )
    assert _state(arrival) == (ArrivalState.NEW, 1, 1)


def test_it_declines_with_a_reason_and_then_refuses_to_forward(arrival, caseworker_a, org_b):
    with frozen_today():
        with refused_in_german("Geben Sie an, warum der Haushalt keine Beratung braucht oder sie abgelehnt hat."):
            intake.decline_arrival(acting_user=caseworker_a, arrival=arrival, expected_version=1, reason="  ")
        assert _state(arrival) == (ArrivalState.NEW, 1, 1)
        intake.decline_arrival(
            acting_user=caseworker_a,
            arrival=arrival,
            expected_version=1,
            reason="wird bereits von der Diakonie beraten",
        )
        stored = Arrival.objects.get(pk=arrival.pk)
        assert (stored.state, stored.reason) == (ArrivalState.DECLINED, "wird bereits von der Diakonie beraten")
        step = ArrivalStep.objects.filter(arrival=arrival).latest("pk")
        assert (step.to_state, step.on, step.note) == (ArrivalState.DECLINED, TODAY, stored.reason)
        with refused_in_german(
            "Ein Neuzugang im Zustand „kein Bedarf / abgelehnt“ kann nicht in „weitergeleitet“ wechseln."
        ):
            intake.forward_arrival(acting_user=caseworker_a, arrival=stored, expected_version=2, to_organisation=org_b)
    assert _state(arrival) == (ArrivalState.DECLINED, 2, 2)
    assert Arrival.objects.count() == 1


def test_it_refuses_a_stale_version(arrival, caseworker_a, colleague_a):
    with frozen_today():
        intake.record_first_contact(
            acting_user=colleague_a, arrival=arrival, expected_version=1, on=TODAY, form="buero"
        )
        with pytest.raises(ConcurrentEditError):
            intake.decline_arrival(acting_user=caseworker_a, arrival=arrival, expected_version=1, reason="kein Bedarf")
    assert _state(arrival) == (ArrivalState.CONTACT_MADE, 2, 2)


def test_it_forwards_to_another_organisation_which_gets_its_own_entry(arrival, caseworker_a, org_b):
    with frozen_today():
        forwarded = intake.forward_arrival(
            acting_user=caseworker_a, arrival=arrival, expected_version=1, to_organisation=org_b, reason="Stadtteil"
        )
    stored = Arrival.objects.get(pk=arrival.pk)
    assert (stored.state, stored.forwarded_to, stored.reason) == (ArrivalState.FORWARDED, org_b, "Stadtteil")
    assert (forwarded.organisation, forwarded.state, forwarded.forwarded_from, forwarded.assignment_id) == (
        org_b,
        ArrivalState.NEW,
        stored,
        stored.assignment_id,
    )
    step = ArrivalStep.objects.get(arrival=forwarded)
    assert (step.to_state, step.organisation, step.on) == (ArrivalState.NEW, stored.organisation, TODAY)


def test_it_refuses_to_forward_to_oneself_to_a_non_counselling_one_or_twice(arrival, caseworker_a, org_a, org_b):
    club = OrganisationFactory.create(name="Sportverein", kind=OrganisationKind.SONSTIGE)
    with frozen_today():
        with refused_in_german("Leiten Sie den Neuzugang an eine andere Organisation als Ihre eigene weiter."):
            intake.forward_arrival(acting_user=caseworker_a, arrival=arrival, expected_version=1, to_organisation=org_a)
        with refused_in_german("Sportverein leistet kein Integrationsmanagement und kann keine Neuzugänge erhalten."):
            intake.forward_arrival(acting_user=caseworker_a, arrival=arrival, expected_version=1, to_organisation=club)
        Arrival.objects.create(assignment=arrival.assignment, organisation=org_b)
        with refused_in_german("AWO Testkreis hat diesen Neuzugang bereits in der Liste."):
            intake.forward_arrival(acting_user=caseworker_a, arrival=arrival, expected_version=1, to_organisation=org_b)
    assert _state(arrival) == (ArrivalState.NEW, 1, 1)


@pytest.mark.parametrize("persona", ["caseworker_b", "teamlead_b", "county_housing_officer", "org_admin_a"])
def test_it_refuses_everybody_but_the_receiving_integration_management(persona, request, arrival):
    user = request.getfixturevalue(persona)
    with frozen_today(), pytest.raises(ValidationError):
        intake.record_first_contact(acting_user=user, arrival=arrival, expected_version=1, on=TODAY, form="buero")
    assert _state(arrival) == (ArrivalState.NEW, 1, 1)


def test_it_names_the_refusal_of_another_organisation_in_german(arrival, caseworker_b):
    with refused_in_german("Nur das für die Gemeinde zuständige Integrationsmanagement sieht ihre Neuzugänge."):
        intake.decline_arrival(acting_user=caseworker_b, arrival=arrival, expected_version=1, reason="x")


def test_it_lets_the_team_lead_name_the_caseworker(arrival, teamlead_a, caseworker_a, caseworker_b):
    with refused_in_german("Nur die Teamleitung der Organisation darf dies tun."):
        intake.assign_caseworker(
            acting_user=caseworker_a, arrival=arrival, expected_version=1, responsible=caseworker_a
        )
    with refused_in_german(
        "Die fallverantwortliche Person muss im Integrationsmanagement Ihrer Organisation arbeiten."
    ):
        intake.assign_caseworker(acting_user=teamlead_a, arrival=arrival, expected_version=1, responsible=caseworker_b)
    assert Arrival.objects.get(pk=arrival.pk).responsible is None
    intake.assign_caseworker(acting_user=teamlead_a, arrival=arrival, expected_version=1, responsible=caseworker_a)
    stored = Arrival.objects.get(pk=arrival.pk)
    assert (stored.responsible, stored.version, stored.state) == (caseworker_a, 2, ArrivalState.NEW)
    assert acting_user_of(events_of(stored).last()) == teamlead_a.pk


# --- beginning counselling -------------------------------------------------------------------------------------


def test_it_opens_the_case_from_the_entry_links_the_records_and_records_the_consent(
    arrival, family, caseworker_a, colleague_a, county, org_a
):
    with frozen_today():
        case = intake.begin_counselling(
            acting_user=caseworker_a,
            arrival=arrival,
            expected_version=1,
            start_date=TODAY,
            responsible=colleague_a,
            consent_recipient=county,
            consent_given_on=TODAY,
        )
    case = Case.objects.select_related("household").get(pk=case.pk)
    assert (case.organisation, case.municipality, case.responsible, case.start_date) == (
        org_a,
        arrival.assignment.municipality,
        colleague_a,
        TODAY,
    )
    clients = [link.person for link in CaseClient.objects.filter(case=case).select_related("person").order_by("pk")]
    assert [
        (p.organisation_id, p.full_name, p.birth_date, p.birth_date_precision, p.gender, p.nationalities, p.languages)
        for p in clients
    ] == [
        (org_a.pk, "Karimi, Ahmad", D(1985, 3, 2), "day", "m", ["AF"], ["prs", "eng"]),
        (org_a.pk, "Karimi, Mariam", D(1988, 1, 1), "year", "w", ["AF"], ["prs"]),
        (org_a.pk, "Karimi, Sara", D(2016, 5, 1), "day", "w", ["AF"], ["prs", "deu"]),
    ]
    # Nothing else of the accommodation record travels: no phone, no notes.
    assert (clients[1].phone, clients[1].notes) == ("", "")
    memberships = dict(
        HouseholdMembership.objects.filter(household=case.household).values_list("person_id", "relationship")
    )
    assert [memberships[p.pk] for p in clients] == [Relationship.HEAD, Relationship.PARTNER, Relationship.CHILD]
    head, partner, child = family[1], family[0], family[2]
    links = {(link.accommodation_person_id, link.casework_person_id) for link in PersonLink.objects.all()}
    assert links == {(head.pk, clients[0].pk), (partner.pk, clients[1].pk), (child.pk, clients[2].pk)}
    consents = Consent.objects.filter(case=case)
    assert {(c.person_id, c.purpose, c.recipient_organisation_id, c.given_on) for c in consents} == {
        (p.pk, ConsentPurpose.HOUSING_EXCHANGE, county.pk, TODAY) for p in clients
    }
    assert set(PersonLink.objects.exchanging_with(county.pk, on=TODAY)) == set(PersonLink.objects.all())
    stored = Arrival.objects.get(pk=arrival.pk)
    assert (stored.state, stored.case, stored.responsible, stored.version) == (
        ArrivalState.COUNSELLING,
        case,
        colleague_a,
        2,
    )
    step = ArrivalStep.objects.filter(arrival=arrival).latest("pk")
    assert (step.from_state, step.to_state, step.on, step.by_id) == (
        ArrivalState.NEW,
        ArrivalState.COUNSELLING,
        TODAY,
        caseworker_a.pk,
    )
    assert acting_user_of(events_of(clients[0]).get()) == caseworker_a.pk
    # The accommodation records stay the county's, unchanged.
    assert {p.organisation_id for p in Person.objects.filter(pk__in=[head.pk, partner.pk, child.pk])} == {county.pk}


def _living_in_county_vu(family: list[Person], county, ludwigsburg) -> datetime.date:
    """The family lives in a shelter of the county since a month before today; returns the day they moved in."""
    with frozen_today():
        shelter = accommodation_services.create_shelter(
            acting_user=None,
            organisation=county,
            places=6,
            places_from=D(2024, 1, 1),
            name="GU Schlösslesfeld",
            kind=ShelterKind.GU_VORLAEUFIG,
            municipality=ludwigsburg,
        )
        moved_in = TODAY - datetime.timedelta(days=30)
        for person in family:
            accommodation_services.move_in(acting_user=None, shelter=shelter, person=person, on=moved_in)
    return moved_in


def test_beginning_counselling_with_consent_brings_where_the_family_lives_today(
    arrival, family, caseworker_a, county, ludwigsburg, org_a
):
    moved_in = _living_in_county_vu(family, county, ludwigsburg)
    with frozen_today():
        case = intake.begin_counselling(
            acting_user=caseworker_a,
            arrival=arrival,
            expected_version=1,
            start_date=TODAY,
            responsible=caseworker_a,
            consent_recipient=county,
            consent_given_on=TODAY,
        )
    clients = list(Person.objects.filter(client_of__case=case).order_by("pk"))
    assert len(clients) == 3
    for client in clients:
        assert list(
            HousingRecord.objects.filter(person=client).values_list("valid_from", "situation", "municipality")
        ) == [(moved_in, "vorlaeufige_unterbringung", ludwigsburg.pk)]
    notices = ExchangeNotice.objects.filter(organisation=org_a)
    assert sorted(notices.values_list("person_id", "source_organisation_id", "valid_from")) == [
        (client.pk, county.pk, moved_in) for client in clients
    ]


def test_beginning_counselling_without_consent_brings_no_housing(arrival, family, caseworker_a, county, ludwigsburg):
    _living_in_county_vu(family, county, ludwigsburg)
    with frozen_today():
        case = intake.begin_counselling(
            acting_user=caseworker_a, arrival=arrival, expected_version=1, start_date=TODAY, responsible=caseworker_a
        )
    clients = Person.objects.filter(client_of__case=case)
    assert clients.count() == 3
    assert not HousingRecord.objects.filter(person__in=clients).exists()
    assert not ExchangeNotice.objects.exists()


def test_it_takes_an_existing_person_into_their_open_case(arrival, family, caseworker_a, org_a):
    case = open_case_for(
        caseworker_a,
        start_date=D(2025, 1, 10),
        family_name="Karimi",
        given_names="Ahmad",
        birth_date=D(1985, 3, 2),
        birth_date_precision="day",
    )
    known = CaseClient.objects.get(case=case).person
    with frozen_today():
        opened = intake.begin_counselling(
            acting_user=caseworker_a,
            arrival=arrival,
            expected_version=1,
            start_date=TODAY,
            responsible=caseworker_a,
            existing={family[1].pk: known},
        )
    assert opened == case
    assert Person.objects.filter(organisation=org_a, family_name="Karimi").count() == 3
    clients = set(CaseClient.objects.filter(case=case).values_list("person__given_names", flat=True))
    assert clients == {"Ahmad", "Mariam", "Sara"}
    assert PersonLink.objects.get(accommodation_person=family[1]).casework_person == known
    assert not Consent.objects.exists()
    assert Arrival.objects.get(pk=arrival.pk).case == case


def test_it_refuses_to_begin_counselling_twice_and_changes_nothing(arrival, caseworker_a):
    with frozen_today():
        intake.begin_counselling(
            acting_user=caseworker_a, arrival=arrival, expected_version=1, start_date=TODAY, responsible=caseworker_a
        )
        stored = Arrival.objects.get(pk=arrival.pk)
        with refused_in_german(
            "Ein Neuzugang im Zustand „Beratung begonnen“ kann nicht in „Beratung begonnen“ wechseln."
        ):
            intake.begin_counselling(
                acting_user=caseworker_a, arrival=stored, expected_version=2, start_date=TODAY, responsible=caseworker_a
            )
    assert Case.objects.count() == 1 and PersonLink.objects.count() == 3


def test_it_refuses_a_consent_naming_an_organisation_that_does_not_house_the_household(arrival, caseworker_a, org_b):
    with frozen_today(), refused_in_german("Wählen Sie die Organisation, die den Haushalt unterbringt."):
        intake.begin_counselling(
            acting_user=caseworker_a,
            arrival=arrival,
            expected_version=1,
            start_date=TODAY,
            responsible=caseworker_a,
            consent_recipient=org_b,
        )
    assert not Case.objects.exists() and not PersonLink.objects.exists()
    assert _state(arrival) == (ArrivalState.NEW, 1, 1)


def test_it_records_a_print_on_the_entry(arrival, caseworker_a):
    printed = intake.record_print(acting_user=caseworker_a, arrival=arrival, language="fa")
    assert (printed.arrival, printed.language, printed.printed_by) == (arrival, "fa", caseworker_a)
    with refused_in_german("Das Infoblatt gibt es nicht in der Sprache „xx“."):
        intake.record_print(acting_user=caseworker_a, arrival=arrival, language="xx")


def test_it_names_the_entry_in_the_history_and_access_log_linked_for_its_organisation(
    arrival, caseworker_a, caseworker_b
):
    from django.utils import translation

    from lotse.core.records import name_records

    key = ("arrivals.arrival", str(arrival.pk))
    with translation.override("de"):
        own = name_records(caseworker_a, {"arrivals.arrival": [arrival.pk]})[key]
        other = name_records(caseworker_b, {"arrivals.arrival": [arrival.pk]})[key]
    assert (own.text, own.url) == ("Neuzugang: Haushalt von Karimi, Ahmad", f"/neuzugaenge/{arrival.pk}/")
    assert other.url == ""


def test_the_district_offices_own_integration_management_counsels_its_own_records_without_copies(
    family, ludwigsburg, county
):
    from lotse.core.tests.factories import UserFactory

    add(ludwigsburg, county)
    assign(family, ludwigsburg)
    arrival = Arrival.objects.get(organisation=county)
    caseworker = UserFactory.create(organisation=county, roles=["integrationsmanagement"])
    with frozen_today():
        case = intake.begin_counselling(
            acting_user=caseworker,
            arrival=arrival,
            expected_version=1,
            start_date=TODAY,
            responsible=caseworker,
            consent_recipient=county,
        )
    clients = set(CaseClient.objects.filter(case=case).values_list("person_id", flat=True))
    assert clients == {person.pk for person in family}
    assert Person.objects.count() == len(family)
    assert not PersonLink.objects.exists() and not Consent.objects.filter(purpose=ConsentPurpose.HOUSING_EXCHANGE)
    assert _state(arrival)[0] == ArrivalState.COUNSELLING
