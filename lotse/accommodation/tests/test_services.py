"""Shelters, places and stays: bookings, transfers, move-outs, capacity, assignments, and who may do what."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, transaction

from lotse.accommodation import services
from lotse.accommodation.choices import MoveOutReason, ResidenceBasis, ShelterKind
from lotse.accommodation.models import (
    Assignment,
    ExpectedIntake,
    IntakeObligation,
    Occupancy,
    Place,
    Shelter,
    residents_visible_to,
)
from lotse.cases.tests.factories import acting_user_of, events_of, frozen_today, open_case_for, refused_with
from lotse.core.models import Municipality, Organisation, User
from lotse.people.models import HousingRecord, Person

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 6, 16)
JAN = datetime.date(2025, 1, 10)
MAR = datetime.date(2025, 3, 1)
MAY = datetime.date(2025, 5, 1)
NOT_OPERATOR = "Only the accommodation staff of the operating organisation may change this shelter."


@pytest.fixture(autouse=True)
def _today():
    with frozen_today(TODAY):
        yield


def resident(organisation: Organisation, family_name: str = "Haddad", **fields) -> Person:
    return services.register_resident(acting_user=None, organisation=organisation, family_name=family_name, **fields)


def housing(person: Person) -> list[tuple]:
    return list(
        HousingRecord.objects.filter(person=person)
        .order_by("valid_from")
        .values_list("valid_from", "situation", "municipality__name")
    )


def stays(person: Person) -> list[tuple]:
    return list(
        Occupancy.objects.filter(person=person)
        .order_by("move_in")
        .values_list("place__shelter__name", "move_in", "move_out", "move_out_reason")
    )


# Booking


def test_it_books_a_free_place_and_records_the_housing_situation(
    follow_up_shelter: Shelter, housing_officer: User, city: Organisation
) -> None:
    person = resident(city)
    stay = services.move_in(acting_user=housing_officer, shelter=follow_up_shelter, person=person, on=JAN)
    assert stay.place.shelter == follow_up_shelter
    assert stay.basis == ResidenceBasis.ZUWEISUNG
    assert stay.recorded_by == housing_officer
    assert housing(person) == [(JAN, "anschlussunterbringung", "Ludwigsburg")]
    assert acting_user_of(events_of(stay).get()) == housing_officer.pk


def test_it_records_preliminary_accommodation_for_a_county_shelter(
    county_shelter: Shelter, county_housing_officer: User, county: Organisation
) -> None:
    person = resident(county)
    services.move_in(acting_user=county_housing_officer, shelter=county_shelter, person=person, on=JAN)
    assert housing(person) == [(JAN, "vorlaeufige_unterbringung", "Ludwigsburg")]


def test_it_refuses_a_booking_when_every_place_is_taken(
    follow_up_shelter: Shelter, housing_officer: User, city: Organisation
) -> None:
    for n in range(4):
        services.move_in(acting_user=housing_officer, shelter=follow_up_shelter, person=resident(city, f"P{n}"), on=JAN)
    late = resident(city, "Spät")
    with refused_with("No place is free in Oststadt, Fuchshofstraße from 01/10/2025 on."):
        services.move_in(acting_user=housing_officer, shelter=follow_up_shelter, person=late, on=JAN)
    assert stays(late) == []
    assert housing(late) == []


def test_it_registers_and_moves_in_a_new_resident_in_one_step_or_not_at_all(
    follow_up_shelter: Shelter, housing_officer: User, city: Organisation
) -> None:
    stay = services.move_in_new_resident(
        acting_user=housing_officer, shelter=follow_up_shelter, on=JAN, family_name="Neu", given_names="Lina"
    )
    assert (stay.person.organisation, stay.person.full_name) == (city, "Neu, Lina")
    assert stays(stay.person) == [("Oststadt, Fuchshofstraße", JAN, None, "")]
    for n in range(3):
        services.move_in(acting_user=housing_officer, shelter=follow_up_shelter, person=resident(city, f"P{n}"), on=JAN)
    with refused_with("No place is free in Oststadt, Fuchshofstraße from 01/10/2025 on."):
        services.move_in_new_resident(
            acting_user=housing_officer, shelter=follow_up_shelter, on=JAN, family_name="Spät"
        )
    assert not Person.objects.filter(family_name="Spät").exists()


def test_it_frees_the_place_on_the_day_of_moving_out(
    follow_up_shelter: Shelter, housing_officer: User, city: Organisation
) -> None:
    residents = [resident(city, f"P{n}") for n in range(4)]
    booked = [
        services.move_in(acting_user=housing_officer, shelter=follow_up_shelter, person=p, on=JAN) for p in residents
    ]
    first = booked[0]
    services.move_out(
        acting_user=housing_officer,
        occupancy=first,
        on=MAR,
        reason=MoveOutReason.WEGZUG,
        expected_version=first.version,
    )
    newcomer = resident(city, "Neu")
    stay = services.move_in(acting_user=housing_officer, shelter=follow_up_shelter, person=newcomer, on=MAR)
    assert stay.place == first.place
    with refused_with("No place is free in Oststadt, Fuchshofstraße from 02/28/2025 on."):
        services.move_in(
            acting_user=housing_officer,
            shelter=follow_up_shelter,
            person=resident(city, "Früh"),
            on=MAR - datetime.timedelta(1),
        )


def test_it_does_not_book_a_place_backwards_into_a_later_stay(
    follow_up_shelter: Shelter, housing_officer: User, city: Organisation
) -> None:
    """A place free today but taken from March on is not free from January on."""
    for n in range(3):
        services.move_in(acting_user=housing_officer, shelter=follow_up_shelter, person=resident(city, f"P{n}"), on=JAN)
    services.move_in(acting_user=housing_officer, shelter=follow_up_shelter, person=resident(city, "März"), on=MAR)
    with refused_with("No place is free in Oststadt, Fuchshofstraße from 01/10/2025 on."):
        services.move_in(acting_user=housing_officer, shelter=follow_up_shelter, person=resident(city, "Jan"), on=JAN)


def test_it_books_within_the_chosen_unit(follow_up_shelter: Shelter, housing_officer: User, city: Organisation) -> None:
    flat = services.add_unit(
        acting_user=housing_officer, shelter=follow_up_shelter, name="Wohnung 2", places=1, places_from=JAN
    )
    stay = services.move_in(
        acting_user=housing_officer, shelter=follow_up_shelter, person=resident(city), on=JAN, unit=flat
    )
    assert stay.place.unit == flat
    with refused_with("No place is free in Wohnung 2 from 01/10/2025 on."):
        services.move_in(
            acting_user=housing_officer, shelter=follow_up_shelter, person=resident(city, "B"), on=JAN, unit=flat
        )


def test_it_refuses_a_move_in_on_a_day_the_shelter_is_closed(
    follow_up_shelter: Shelter, housing_officer: User, city: Organisation
) -> None:
    services.update_shelter(
        acting_user=housing_officer,
        shelter=follow_up_shelter,
        expected_version=follow_up_shelter.version,
        in_operation_from=MAR,
    )
    with refused_with("The shelter is not in operation on 01/10/2025."):
        services.move_in(acting_user=housing_officer, shelter=follow_up_shelter, person=resident(city), on=JAN)


def test_it_refuses_a_move_in_in_the_future(
    follow_up_shelter: Shelter, housing_officer: User, city: Organisation
) -> None:
    with refused_with("The date of moving in cannot be in the future."):
        services.move_in(
            acting_user=housing_officer,
            shelter=follow_up_shelter,
            person=resident(city),
            on=TODAY + datetime.timedelta(1),
        )


# Transfers and overlapping stays


def test_it_ends_the_stay_in_preliminary_accommodation_when_the_person_moves_into_follow_up(
    county_shelter: Shelter,
    follow_up_shelter: Shelter,
    county_housing_officer: User,
    housing_officer: User,
    county: Organisation,
) -> None:
    person = resident(county)
    services.move_in(acting_user=county_housing_officer, shelter=county_shelter, person=person, on=JAN)
    services.move_in(acting_user=housing_officer, shelter=follow_up_shelter, person=person, on=MAY)
    assert stays(person) == [
        ("GU Schlösslesfeld", JAN, MAY, MoveOutReason.UMZUG_ANDERE_UNTERKUNFT),
        ("Oststadt, Fuchshofstraße", MAY, None, ""),
    ]
    assert housing(person) == [
        (JAN, "vorlaeufige_unterbringung", "Ludwigsburg"),
        (MAY, "anschlussunterbringung", "Ludwigsburg"),
    ]


def test_it_refuses_a_move_in_dated_before_the_current_stay_began(
    county_shelter: Shelter, follow_up_shelter: Shelter, housing_officer: User, county: Organisation
) -> None:
    person = resident(county, "Karimi", given_names="Reza")
    services.move_in(acting_user=None, shelter=county_shelter, person=person, on=MAR)
    with refused_with(
        "Karimi, Reza lives in GU Schlösslesfeld since 03/01/2025; a move-in cannot be dated on or before that."
    ):
        services.move_in(acting_user=housing_officer, shelter=follow_up_shelter, person=person, on=JAN)
    assert stays(person) == [("GU Schlösslesfeld", MAR, None, "")]


def test_it_refuses_a_move_in_into_a_period_of_an_earlier_stay(
    county_shelter: Shelter, follow_up_shelter: Shelter, housing_officer: User, county: Organisation
) -> None:
    person = resident(county)
    stay = services.move_in(acting_user=None, shelter=county_shelter, person=person, on=JAN)
    services.move_out(
        acting_user=None, occupancy=stay, on=MAY, reason=MoveOutReason.SONSTIGES, expected_version=stay.version
    )
    with refused_with("Haddad already has a stay that overlaps 03/01/2025."):
        services.move_in(acting_user=housing_officer, shelter=follow_up_shelter, person=person, on=MAR)


def test_the_database_refuses_double_booking_and_overlapping_stays_whatever_the_code_does(
    follow_up_shelter: Shelter, city: Organisation
) -> None:
    place, other_place = Place.objects.filter(shelter=follow_up_shelter).order_by("number")[:2]
    one, two = resident(city, "Eins"), resident(city, "Zwei")
    Occupancy.objects.create(person=one, place=place, move_in=JAN)
    with pytest.raises(IntegrityError), transaction.atomic():
        Occupancy.objects.create(person=two, place=place, move_in=MAR)
    with pytest.raises(IntegrityError), transaction.atomic():
        Occupancy.objects.create(person=one, place=other_place, move_in=MAR, move_out=MAY, move_out_reason="wegzug")
    # Back to back is no overlap: the place is free on the day of moving out.
    Occupancy.objects.filter(person=one).update(move_out=MAR, move_out_reason="wegzug")
    Occupancy.objects.create(person=two, place=place, move_in=MAR)


# Moving out


def test_it_records_an_own_tenancy_in_the_new_municipality(
    follow_up_shelter: Shelter, housing_officer: User, city: Organisation, asperg: Municipality
) -> None:
    person = resident(city)
    stay = services.move_in(acting_user=housing_officer, shelter=follow_up_shelter, person=person, on=JAN)
    services.move_out(
        acting_user=housing_officer,
        occupancy=stay,
        on=MAY,
        reason=MoveOutReason.PRIVATER_MIETVERTRAG,
        expected_version=stay.version,
        new_municipality=asperg,
    )
    assert stays(person) == [("Oststadt, Fuchshofstraße", JAN, MAY, "privater_mietvertrag")]
    assert housing(person) == [
        (JAN, "anschlussunterbringung", "Ludwigsburg"),
        (MAY, "privater_mietvertrag", "Asperg"),
    ]


def test_it_writes_no_housing_situation_for_a_person_who_died(
    follow_up_shelter: Shelter, housing_officer: User, city: Organisation
) -> None:
    person = resident(city)
    stay = services.move_in(acting_user=housing_officer, shelter=follow_up_shelter, person=person, on=JAN)
    services.move_out(
        acting_user=housing_officer,
        occupancy=stay,
        on=MAY,
        reason=MoveOutReason.VERSTORBEN,
        expected_version=stay.version,
    )
    assert housing(person) == [(JAN, "anschlussunterbringung", "Ludwigsburg")]


@pytest.mark.parametrize(
    ("on", "reason", "message"),
    [
        (JAN, MoveOutReason.WEGZUG, "The move-out must be after the move-in (01/10/2025)."),
        (TODAY + datetime.timedelta(1), MoveOutReason.WEGZUG, "The date of moving out cannot be in the future."),
        (MAY, "ausgewandert", "Unknown reason for moving out “ausgewandert”."),
        (
            MAY,
            MoveOutReason.UMZUG_ANDERE_UNTERKUNFT,
            "A move to another shelter is recorded as a move-in there; the stay here then ends by itself.",
        ),
    ],
)
def test_it_refuses_a_bad_move_out_and_changes_nothing(
    follow_up_shelter: Shelter, housing_officer: User, city: Organisation, on, reason, message
) -> None:
    person = resident(city)
    stay = services.move_in(acting_user=housing_officer, shelter=follow_up_shelter, person=person, on=JAN)
    with refused_with(message):
        services.move_out(
            acting_user=housing_officer, occupancy=stay, on=on, reason=reason, expected_version=stay.version
        )
    assert stays(person) == [("Oststadt, Fuchshofstraße", JAN, None, "")]
    assert len(housing(person)) == 1


def test_it_refuses_a_second_move_out(follow_up_shelter: Shelter, housing_officer: User, city: Organisation) -> None:
    stay = services.move_in(acting_user=housing_officer, shelter=follow_up_shelter, person=resident(city), on=JAN)
    services.move_out(
        acting_user=housing_officer, occupancy=stay, on=MAR, reason="wegzug", expected_version=stay.version
    )
    with refused_with("This stay already ended on 03/01/2025."):
        services.move_out(
            acting_user=housing_officer, occupancy=stay, on=MAY, reason="wegzug", expected_version=stay.version
        )


def test_it_detects_a_move_out_recorded_by_a_colleague_meanwhile(
    follow_up_shelter: Shelter, housing_officer: User, colleague_housing_officer: User, city: Organisation
) -> None:
    from lotse.core.services import ConcurrentEditError

    stay = services.move_in(acting_user=housing_officer, shelter=follow_up_shelter, person=resident(city), on=JAN)
    loaded_version = stay.version
    stale = Occupancy.objects.get(pk=stay.pk)
    Occupancy.objects.filter(pk=stay.pk).update(notes="Schlüssel abgegeben", version=loaded_version + 1)
    with pytest.raises(ConcurrentEditError):
        services.move_out(
            acting_user=colleague_housing_officer,
            occupancy=stale,
            on=MAR,
            reason="wegzug",
            expected_version=loaded_version,
        )
    assert Occupancy.objects.get(pk=stay.pk).move_out is None


# Who may change what


def test_it_lets_only_the_operators_accommodation_staff_book(
    follow_up_shelter: Shelter,
    other_housing_officer: User,
    county_housing_officer: User,
    caseworker_a: User,
    city: Organisation,
) -> None:
    for outsider in (other_housing_officer, county_housing_officer, caseworker_a):
        with refused_with(NOT_OPERATOR):
            services.move_in(acting_user=outsider, shelter=follow_up_shelter, person=resident(city), on=JAN)
    assert not Occupancy.objects.exists()


def test_it_lets_only_the_county_assign(
    housing_officer: User, county_housing_officer: User, city: Organisation, county: Organisation, ludwigsburg
) -> None:
    person = resident(county)
    with refused_with("Only the accommodation staff of the district office assign persons to municipalities."):
        services.record_assignment(
            acting_user=housing_officer, organisation=city, municipality=ludwigsburg, date=MAR, persons=[person]
        )
    assignment = services.record_assignment(
        acting_user=county_housing_officer, organisation=county, municipality=ludwigsburg, date=MAR, persons=[person]
    )
    assert list(assignment.persons.all()) == [person]
    assert assignment.created_by == county_housing_officer


def test_it_refuses_to_assign_a_person_twice_to_the_same_municipality(
    county_housing_officer: User, county: Organisation, ludwigsburg: Municipality
) -> None:
    person = resident(county, "Karimi", given_names="Reza")
    services.record_assignment(
        acting_user=county_housing_officer, organisation=county, municipality=ludwigsburg, date=JAN, persons=[person]
    )
    with refused_with("Karimi, Reza was already assigned to Ludwigsburg on 01/10/2025."):
        services.record_assignment(
            acting_user=county_housing_officer,
            organisation=county,
            municipality=ludwigsburg,
            date=MAR,
            persons=[resident(county, "Neu"), person],
        )
    assert Assignment.objects.count() == 1


def test_it_refuses_an_assignment_without_persons(
    county_housing_officer: User, county: Organisation, ludwigsburg: Municipality
) -> None:
    with refused_with("Choose at least one person to assign."):
        services.record_assignment(
            acting_user=county_housing_officer, organisation=county, municipality=ludwigsburg, date=MAR, persons=[]
        )


def test_it_sets_and_corrects_the_intake_obligation(
    county_housing_officer: User, county: Organisation, ludwigsburg: Municipality
) -> None:
    services.set_intake_obligation(
        acting_user=county_housing_officer, organisation=county, municipality=ludwigsburg, year=2025, persons=120
    )
    services.set_intake_obligation(
        acting_user=county_housing_officer, organisation=county, municipality=ludwigsburg, year=2025, persons=140
    )
    assert list(IntakeObligation.objects.values_list("year", "persons", "version")) == [(2025, 140, 2)]


def test_it_replaces_the_expected_intake_of_the_months_given(housing_officer: User, city: Organisation) -> None:
    july, august = datetime.date(2025, 7, 1), datetime.date(2025, 8, 1)
    services.set_expected_intake(acting_user=housing_officer, organisation=city, months={july: 5, august: 3})
    services.set_expected_intake(acting_user=housing_officer, organisation=city, months={august: 8})
    assert list(ExpectedIntake.objects.values_list("month", "persons")) == [(july, 5), (august, 8)]


# Capacity


def test_it_gives_up_free_places_only(follow_up_shelter: Shelter, housing_officer: User, city: Organisation) -> None:
    for n in range(3):
        services.move_in(acting_user=housing_officer, shelter=follow_up_shelter, person=resident(city, f"P{n}"), on=JAN)
    with refused_with(
        "Only 1 of these places are free from 03/01/2025 on, so the capacity cannot be reduced to 2. "
        "Move residents out or to another place first."
    ):
        services.change_capacity(acting_user=housing_officer, shelter=follow_up_shelter, places=2, on=MAR)
    assert services.change_capacity(acting_user=housing_officer, shelter=follow_up_shelter, places=3, on=MAR) == -1
    places = Place.objects.filter(shelter=follow_up_shelter)
    assert places.available_on(MAR - datetime.timedelta(1)).count() == 4
    assert places.available_on(MAR).count() == 3
    assert services.change_capacity(acting_user=housing_officer, shelter=follow_up_shelter, places=5, on=MAY) == 2
    assert places.available_on(MAY).count() == 5


def test_it_refuses_a_second_shelter_of_the_same_name(
    follow_up_shelter: Shelter, housing_officer: User, city: Organisation, ludwigsburg: Municipality
) -> None:
    with refused_with("Your organisation already has a shelter named “Oststadt, Fuchshofstraße”."):
        services.create_shelter(
            acting_user=housing_officer,
            organisation=city,
            places=2,
            places_from=JAN,
            name="Oststadt, Fuchshofstraße",
            kind=ShelterKind.NOTUNTERKUNFT,
            municipality=ludwigsburg,
        )
    assert Shelter.objects.count() == 1


# Visibility


def test_caseworkers_see_the_stays_of_their_own_clients_only(
    follow_up_shelter: Shelter, housing_officer: User, caseworker_a: User, caseworker_b: User
) -> None:
    case = open_case_for(caseworker_a, family_name="Haddad", given_names="Amal")
    client = case.clients.get()
    stay = services.move_in(acting_user=housing_officer, shelter=follow_up_shelter, person=client, on=JAN)
    assert list(Occupancy.objects.visible_to(caseworker_a)) == [stay]
    assert list(Occupancy.objects.visible_to(caseworker_b)) == []


def test_accommodation_staff_see_residents_of_their_shelters_and_persons_assigned_to_their_municipality(
    county_shelter: Shelter,
    follow_up_shelter: Shelter,
    county_housing_officer: User,
    housing_officer: User,
    other_housing_officer: User,
    county: Organisation,
    ludwigsburg: Municipality,
) -> None:
    in_vu, assigned, elsewhere = resident(county, "VU"), resident(county, "Zugewiesen"), resident(county, "Sonst")
    services.move_in(acting_user=county_housing_officer, shelter=county_shelter, person=in_vu, on=JAN)
    services.move_in(acting_user=county_housing_officer, shelter=county_shelter, person=assigned, on=JAN)
    services.record_assignment(
        acting_user=county_housing_officer, organisation=county, municipality=ludwigsburg, date=MAR, persons=[assigned]
    )
    assert set(residents_visible_to(county_housing_officer)) == {in_vu, assigned, elsewhere}
    assert set(residents_visible_to(housing_officer)) == {assigned}
    assert set(residents_visible_to(other_housing_officer)) == set()
    assert set(Occupancy.objects.visible_to(housing_officer)) == set()
    assert Occupancy.objects.visible_to(county_housing_officer).count() == 2
