"""The demo accommodation: consistent stays, the shape of the city page, linked to the casework, loaded once.

The demo is loaded once for the test session (the ``demo`` fixture of
conftest.py), inside a transaction that is rolled back at its end; each test
runs in a savepoint within it.
"""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import F, Q
from django.utils import timezone

from lotse.accommodation.choices import FOLLOW_UP_KINDS, HOUSING_SITUATION_OF_KIND, MoveOutReason, ResidenceBasis
from lotse.accommodation.models import (
    AssignedPerson,
    Assignment,
    ExpectedIntake,
    IntakeObligation,
    Occupancy,
    Place,
    Shelter,
    Unit,
)
from lotse.cases.models import Case
from lotse.core.choices import Role
from lotse.core.models import Organisation, User
from lotse.demo.accommodation import COUNT_KEYS, load_demo_accommodation
from lotse.people.choices import HousingSituation
from lotse.people.models import HouseholdMembership, HousingRecord, Person

MODELS = (Shelter, Unit, Place, Occupancy, Assignment, AssignedPerson, Person, HousingRecord, ExpectedIntake)


pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def test_it_loads_once_and_a_second_load_changes_nothing(demo: str) -> None:
    assert "Demo accommodation:" in demo and "0 without a place" in demo
    before = counts()
    # Fewer stays than the bulk-written demo had (1002): accommodation staff cannot move in caseworkers' clients
    # of other organisations through the app, so the demo leaves those stays out.
    assert before["Shelter"] >= 10 and before["Occupancy"] >= 500 and before["Place"] >= 400
    out = StringIO()
    call_command("load_demo_data", "--quiet-logins", stdout=out)
    assert "the demo shelters already exist; nothing created" in out.getvalue()
    assert counts() == before
    assert load_demo_accommodation(today=timezone.localdate()) == dict.fromkeys(COUNT_KEYS, 0)


def test_it_keeps_the_casework_test_within_its_bounds(demo: str) -> None:
    # The casework test allows at most 1400 persons in the households of cases. The residents the
    # accommodation staff registered themselves are records of the city and the county (a client whom a
    # caseworker of another organisation keeps gets a record of their own, as through the app).
    casework = Person.objects.filter(household_memberships__household__in=Case.objects.values("household"))
    assert casework.distinct().count() <= 1400
    residents = Person.objects.filter(
        Q(pk__in=Occupancy.objects.values("person")) | Q(pk__in=AssignedPerson.objects.values("person"))
    ).exclude(pk__in=casework.values("pk"))
    assert residents.count() > 500
    assert set(residents.values_list("organisation__short_name", flat=True)) == {"stadt-lb", "lra-lb"}
    assert not Person.objects.exclude(household_memberships__valid_to__isnull=True).exists()


def test_it_never_double_books_and_orders_every_stay(demo: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT count(*) FROM {Occupancy._meta.db_table} a JOIN {Occupancy._meta.db_table} b
              ON a.id < b.id AND (a.place_id = b.place_id OR a.person_id = b.person_id)
             AND daterange(a.move_in, a.move_out, '[)') && daterange(b.move_in, b.move_out, '[)')
            """  # noqa: S608 - the table name comes from the model
        )
        assert cursor.fetchone() == (0,)
    stays = Occupancy.objects.all()
    assert not stays.filter(move_out__lte=F("move_in")).exists()
    assert not stays.filter(Q(move_out__isnull=True) & ~Q(move_out_reason="")).exists()
    assert not stays.filter(move_out__isnull=False, move_out_reason="").exists()
    # Within the place's availability, and nothing in the future.
    assert not stays.filter(move_in__lt=F("place__available_from")).exists()
    assert (
        not stays.filter(place__available_to__isnull=False)
        .filter(Q(move_out__isnull=True) | Q(move_out__gt=F("place__available_to")))
        .exists()
    )
    today = timezone.localdate()
    assert not stays.filter(Q(move_in__gt=today) | Q(move_out__gt=today)).exists()
    assert not Assignment.objects.filter(date__gt=today).exists()


def test_it_fills_the_shelters_as_on_the_city_page(demo: str) -> None:
    today = timezone.localdate()
    for shelter in Shelter.objects.all():
        places = Place.objects.filter(shelter=shelter).available_on(today).count()
        occupied = Occupancy.objects.filter(place__shelter=shelter).on(today).count()
        assert occupied <= places, shelter.name
    city = Shelter.objects.filter(organisation__short_name="stadt-lb", kind__in=FOLLOW_UP_KINDS)
    places = Place.objects.filter(shelter__in=city).available_on(today).count()
    occupied = Occupancy.objects.filter(place__shelter__in=city).on(today).count()
    # 0.75-0.95 with the bulk-written demo; the stays of caseworkers' clients the city cannot see are left out.
    assert 0.25 <= occupied / places <= 0.95, (occupied, places)

    schloesslesfeld = Shelter.objects.get(name="GU Schlösslesfeld")
    assert (schloesslesfeld.kind, schloesslesfeld.organisation.short_name) == ("gu_vorlaeufig", "lra-lb")
    assert schloesslesfeld.municipality.ags == "08118048"
    assert 100 <= Place.objects.filter(shelter=schloesslesfeld).available_on(today).count() <= 140
    assert Occupancy.objects.filter(place__shelter=schloesslesfeld).on(today).exists()
    assert Shelter.objects.filter(organisation__short_name="lra-lb").exclude(municipality__name="Ludwigsburg").exists()
    for district in ("Oststadt", "Pflugfelden", "Weststadt"):
        assert city.filter(name__startswith=district).exists()
    assert city.filter(name__startswith="Weststadt").count() == 2
    assert {"notunterkunft", "angemietete_wohnung", "staedtische_wohnung", "wohnungsunternehmen"} <= set(
        city.values_list("kind", flat=True)
    )
    assert Unit.objects.filter(shelter__in=city).exists()
    # One shelter grew (places added later), one was given up.
    grown = Place.objects.filter(available_from__gt=F("shelter__in_operation_from")).values("shelter").distinct()
    assert grown.exists()
    closed = Shelter.objects.get(in_operation_to__lt=today)
    assert not Place.objects.filter(shelter=closed).available_on(today).exists()
    assert Occupancy.objects.filter(place__shelter=closed).exists()
    # Occupancy over the last four years.
    assert Occupancy.objects.filter(move_in__lte=today - datetime.timedelta(days=4 * 365)).exists()


def test_it_records_residents_not_counted_as_assigned(demo: str) -> None:
    not_assigned = Occupancy.objects.exclude(basis=ResidenceBasis.ZUWEISUNG)
    # Births in a shelter were children of caseworkers' clients: left out with their parents' stays.
    assert not_assigned.filter(basis=ResidenceBasis.FAMILIENNACHZUG).exists()
    assert not_assigned.count() < Occupancy.objects.filter(basis=ResidenceBasis.ZUWEISUNG).count() / 5
    # A child born there moved in on its day of birth.
    for stay in Occupancy.objects.filter(basis=ResidenceBasis.GEBURT).select_related("person"):
        assert stay.person.birth_date is not None and stay.person.birth_date <= stay.move_in


def test_its_housing_records_agree_with_the_stays(demo: str) -> None:
    records: dict[tuple[int, datetime.date | None], tuple[str, int | None]] = {
        (person_id, valid_from): (situation, town_id)
        for person_id, valid_from, situation, town_id in HousingRecord.objects.values_list(
            "person_id", "valid_from", "situation", "municipality_id"
        )
    }
    stays = list(
        Occupancy.objects.values_list(
            "person_id",
            "move_in",
            "move_out",
            "move_out_reason",
            "place__shelter__kind",
            "place__shelter__municipality",
        )
    )
    wrong = [
        (person_id, move_in)
        for person_id, move_in, _out, _reason, kind, town_id in stays
        if records.get((person_id, move_in)) != (HOUSING_SITUATION_OF_KIND[kind], town_id)
    ]
    assert wrong == []
    private = [s for s in stays if s[3] == MoveOutReason.PRIVATER_MIETVERTRAG]
    assert len(private) >= 50
    assert all(records.get((s[0], s[2]), ("", None))[0] == HousingSituation.PRIVATER_MIETVERTRAG for s in private)
    ludwigsburg = Organisation.objects.get(short_name="stadt-lb").municipality_id
    assert sum(records[(s[0], s[2])][1] == ludwigsburg for s in private) > len(private) / 2


def test_it_assigns_persons_to_ludwigsburg_and_plans_the_intake(demo: str) -> None:
    city = Organisation.objects.get(short_name="stadt-lb")
    assert city.municipality is not None and (city.municipality.ags, city.municipality.name) == (
        "08118048",
        "Ludwigsburg",
    )
    to_city = Assignment.objects.filter(municipality=city.municipality, organisation__short_name="lra-lb")
    assert to_city.count() >= 50
    assert AssignedPerson.objects.filter(assignment__in=to_city).count() >= 200
    assert Assignment.objects.exclude(municipality=city.municipality).exists()
    assert not to_city.filter(assigned_persons__isnull=True).exists()
    # Nobody assigned twice to the same municipality (the service refuses it too).
    pairs = list(AssignedPerson.objects.values_list("person_id", "assignment__municipality_id"))
    assert len(pairs) == len(set(pairs))
    # An assigned resident of the city's shelters moved in on or after the assignment.
    assigned_on = dict(
        AssignedPerson.objects.filter(assignment__in=to_city).values_list("person_id", "assignment__date")
    )
    first_in_city: dict[int, datetime.date] = {}
    for person_id, move_in in Occupancy.objects.filter(
        place__shelter__organisation=city, basis=ResidenceBasis.ZUWEISUNG
    ).values_list("person_id", "move_in"):
        first_in_city[person_id] = min(move_in, first_in_city.get(person_id, move_in))
    assert all(assigned_on[p] <= d for p, d in first_in_city.items() if p in assigned_on)
    assert sum(p in assigned_on for p in first_in_city) > 0.8 * len(first_in_city)

    today = timezone.localdate()
    years = set(IntakeObligation.objects.filter(municipality=city.municipality).values_list("year", flat=True))
    assert {today.year - 1, today.year} <= years
    months = set(ExpectedIntake.objects.filter(organisation=city).values_list("month", flat=True))
    assert today.replace(day=1) in months and len(months) >= 12


def test_it_has_the_county_housing_officer(demo: str) -> None:
    officer = User.objects.get(username="unterbringung-lra")
    assert officer.organisation.short_name == "lra-lb"
    assert officer.has_role(Role.UNTERBRINGUNG)
    assert officer.first_name and officer.last_name
    assert Assignment.objects.visible_to(officer).count() == Assignment.objects.count()


def test_caseworkers_see_the_housing_of_their_clients(demo: str) -> None:
    # The county's integration management shares the county's organisation, whose shelters house its clients;
    # clients of the welfare associations are no residents the county's staff could move in through the app.
    caseworker = User.objects.get(username="integration-lra")
    assert caseworker.organisation.short_name == "lra-lb"
    visible = Occupancy.objects.visible_to(caseworker)
    assert visible.exists()
    # Residents registered by the city stay with the city.
    city_officer = User.objects.get(username="unterbringung")
    assert Occupancy.objects.visible_to(city_officer).filter(person__organisation__short_name="stadt-lb").exists()
    assert not visible.filter(person__organisation__short_name="stadt-lb").exists()
    assert HouseholdMembership.objects.filter(person__organisation__short_name="stadt-lb").exists()
