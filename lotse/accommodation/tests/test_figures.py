"""The municipality figures at edge dates (docs/unterbringung.md)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from lotse.accommodation import services
from lotse.accommodation.choices import MoveOutReason, ResidenceBasis, ShelterKind
from lotse.accommodation.figures import REASON_KEYS, figures_overview, municipality_figures
from lotse.accommodation.models import Shelter
from lotse.core.models import Municipality, Organisation
from lotse.people.choices import BirthDatePrecision, HousingSituation
from lotse.people.models import Person
from lotse.reports.figures import share as percent

D = datetime.date(2024, 6, 15)
BEFORE = datetime.date(2024, 3, 1)


def person(organisation: Organisation, name: str) -> Person:
    return Person.objects.create(organisation=organisation, family_name=name, given_names="Test")


def assign(county: Organisation, municipality: Municipality, on: datetime.date, *people: Person) -> None:
    services.record_assignment(
        acting_user=None, organisation=county, municipality=municipality, date=on, persons=people
    )


def test_it_counts_a_move_in_on_the_reference_date_but_not_a_move_out_on_it(
    county: Organisation, ludwigsburg: Municipality, county_shelter: Shelter, follow_up_shelter: Shelter
) -> None:
    arriving, leaving = person(county, "Arriving"), person(county, "Leaving")
    services.move_in(acting_user=None, shelter=county_shelter, person=arriving, on=D)
    stay = services.move_in(acting_user=None, shelter=follow_up_shelter, person=leaving, on=BEFORE)
    services.move_out(
        acting_user=None, occupancy=stay, on=D, reason=MoveOutReason.WEGZUG, expected_version=stay.version
    )

    figures = municipality_figures(ludwigsburg, D)

    assert figures.vorlaeufige_unterbringung == 1
    assert figures.nicht_als_zugewiesen_gezaehlt == 0
    assert (figures.plaetze_vu, figures.belegt_vu, figures.frei_vu) == (10, 1, 9)
    assert (figures.plaetze_au, figures.belegt_au, figures.frei_au) == (4, 0, 4)
    assert municipality_figures(ludwigsburg, D - datetime.timedelta(days=1)).nicht_als_zugewiesen_gezaehlt == 1


def test_it_counts_an_assignment_on_the_reference_date_and_follows_a_person_from_vu_to_au(
    county: Organisation, ludwigsburg: Municipality, county_shelter: Shelter, follow_up_shelter: Shelter
) -> None:
    moving = person(county, "Moving")
    services.move_in(acting_user=None, shelter=county_shelter, person=moving, on=BEFORE)
    assign(county, ludwigsburg, D, moving)
    services.move_in(acting_user=None, shelter=follow_up_shelter, person=moving, on=D)

    figures = municipality_figures(ludwigsburg, D)
    day_before = municipality_figures(ludwigsburg, D - datetime.timedelta(days=1), von=D)

    assert figures.von == D
    assert (figures.vorlaeufige_unterbringung, figures.zugewiesen_in_anschlussunterbringung) == (0, 1)
    assert (figures.zugewiesen, figures.zugewiesen_in_anschlussunterbringung, figures.zugewiesen_wohnhaft) == (1, 1, 1)
    assert figures.ausgezogen_oder_zurueckgekehrt == 0
    assert figures.gefluechtete_gesamt == 1
    assert figures.zugewiesen_im_jahr == 1
    assert (day_before.vorlaeufige_unterbringung, day_before.zugewiesen) == (1, 0)
    assigned_in_vu = municipality_figures(ludwigsburg, D - datetime.timedelta(days=1))
    assert (assigned_in_vu.zugewiesen, assigned_in_vu.zugewiesen_in_vorlaeufiger_unterbringung) == (0, 0)


def test_it_counts_a_stay_not_counted_as_assigned_and_unaccompanied_minors(
    city: Organisation,
    county: Organisation,
    ludwigsburg: Municipality,
    asperg: Municipality,
    follow_up_shelter: Shelter,
) -> None:
    baby, minor, elsewhere = person(city, "Baby"), person(county, "Minor"), person(county, "Elsewhere")
    Person.objects.filter(pk__in=[minor.pk, elsewhere.pk]).update(
        birth_date=datetime.date(2010, 5, 1), birth_date_precision=BirthDatePrecision.DAY
    )
    services.move_in(acting_user=None, shelter=follow_up_shelter, person=baby, on=BEFORE, basis=ResidenceBasis.GEBURT)
    services.record_housing(
        acting_user=None, person=minor, on=BEFORE, situation=HousingSituation.JUGENDHILFE, municipality=ludwigsburg
    )
    services.record_housing(
        acting_user=None, person=elsewhere, on=BEFORE, situation=HousingSituation.JUGENDHILFE, municipality=asperg
    )

    figures = municipality_figures(ludwigsburg, D)

    assert figures.nicht_als_zugewiesen_gezaehlt == 1
    assert figures.belegt_au == 1
    assert figures.zugewiesen == 0
    assert figures.unbegleitete_minderjaehrige == 1
    assert figures.gefluechtete_gesamt == 1


def test_it_does_not_count_an_own_tenancy_in_another_municipality_as_living_here(
    county: Organisation, ludwigsburg: Municipality, asperg: Municipality, follow_up_shelter: Shelter
) -> None:
    here, away, returned, lost = (person(county, n) for n in ("Here", "Away", "Returned", "Lost"))
    assign(county, ludwigsburg, datetime.date(2024, 1, 10), here, away, returned, lost)
    for resident in (here, away, returned):
        stay = services.move_in(acting_user=None, shelter=follow_up_shelter, person=resident, on=BEFORE)
        reason = MoveOutReason.RUECKKEHR if resident is returned else MoveOutReason.PRIVATER_MIETVERTRAG
        services.move_out(
            acting_user=None,
            occupancy=stay,
            on=datetime.date(2024, 5, 1),
            reason=reason,
            expected_version=stay.version,
            new_municipality=asperg if resident is away else None,
        )

    figures = municipality_figures(ludwigsburg, D)

    assert figures.von == datetime.date(2024, 1, 10)
    assert figures.zugewiesen == 4
    assert figures.privater_wohnraum == 1
    assert figures.zugewiesen_wohnhaft == 1
    assert figures.zugewiesen_in_anschlussunterbringung == 0
    assert figures.ausgezogen_oder_zurueckgekehrt == 3
    expected = dict.fromkeys(REASON_KEYS, 0) | {"privater_mietvertrag": 1, "rueckkehr": 1, "unbekannt": 1}
    assert figures.auszugsgruende == expected
    assert sum(figures.auszugsgruende.values()) == figures.ausgezogen_oder_zurueckgekehrt


def test_it_counts_places_given_up_on_the_reference_date_no_longer(
    city: Organisation, ludwigsburg: Municipality, follow_up_shelter: Shelter
) -> None:
    services.change_capacity(acting_user=None, shelter=follow_up_shelter, places=3, on=D)

    assert municipality_figures(ludwigsburg, D).plaetze_au == 3
    assert municipality_figures(ludwigsburg, D - datetime.timedelta(days=1)).plaetze_au == 4


def test_it_leaves_out_shelters_not_in_operation(city: Organisation, ludwigsburg: Municipality) -> None:
    services.create_shelter(
        acting_user=None,
        organisation=city,
        places=5,
        places_from=datetime.date(2020, 1, 1),
        name="Closed",
        kind=ShelterKind.STAEDTISCHE_WOHNUNG,
        municipality=ludwigsburg,
        in_operation_to=datetime.date(2024, 6, 14),
    )

    assert municipality_figures(ludwigsburg, D).plaetze_au == 0
    assert municipality_figures(ludwigsburg, D - datetime.timedelta(days=1)).plaetze_au == 5


def test_it_measures_the_intake_against_the_obligation(
    county: Organisation, ludwigsburg: Municipality, asperg: Municipality
) -> None:
    people = [person(county, f"P{i}") for i in range(3)]
    assign(county, ludwigsburg, datetime.date(2023, 12, 31), people[0])
    assign(county, ludwigsburg, datetime.date(2024, 1, 1), people[1], people[2])
    services.set_intake_obligation(
        acting_user=None, organisation=county, municipality=ludwigsburg, year=2024, persons=6
    )

    figures = municipality_figures(ludwigsburg, D)

    assert figures.zugewiesen == 3
    assert (figures.aufnahmeverpflichtung, figures.zugewiesen_im_jahr, figures.erfuellung) == (6, 2, Decimal("33.3"))
    assert municipality_figures(asperg, D).erfuellung is None
    assert percent(1, 8) == Decimal("12.5")
    assert percent(1, 16) == Decimal("6.3")
    assert percent(1, 0) is None


def test_it_lists_every_municipality_with_shelters_or_assignments_in_one_query(
    county: Organisation,
    ludwigsburg: Municipality,
    asperg: Municipality,
    county_shelter: Shelter,
    django_assert_num_queries: pytest.FixtureRequest,
) -> None:
    Municipality.objects.create(ags="08118010", name="Ohne")
    assign(county, asperg, BEFORE, person(county, "A"))

    with django_assert_num_queries(2):  # type: ignore[operator]
        overview = figures_overview(D)

    assert [(f.municipality.name, f.zugewiesen, f.plaetze_vu) for f in overview] == [
        ("Asperg", 1, 0),
        ("Ludwigsburg", 0, 10),
    ]


def test_it_counts_a_minor_in_a_foster_family_as_unaccompanied_minor_not_as_private_housing(
    county: Organisation, ludwigsburg: Municipality, asperg: Municipality
) -> None:
    foster, youth, elsewhere, tenant, assigned = (
        person(county, n) for n in ("Foster", "Youth", "Elsewhere", "Tenant", "Assigned")
    )
    Person.objects.filter(pk__in=[foster.pk, youth.pk, elsewhere.pk, assigned.pk]).update(
        birth_date=datetime.date(2010, 5, 1), birth_date_precision=BirthDatePrecision.DAY
    )
    for minor, place in ((foster, ludwigsburg), (youth, ludwigsburg), (elsewhere, asperg), (assigned, ludwigsburg)):
        situation = HousingSituation.JUGENDHILFE if minor is youth else HousingSituation.PFLEGEFAMILIE
        services.record_housing(acting_user=None, person=minor, on=BEFORE, situation=situation, municipality=place)
    assign(county, ludwigsburg, datetime.date(2024, 1, 10), assigned, tenant)
    services.record_housing(
        acting_user=None,
        person=tenant,
        on=BEFORE,
        situation=HousingSituation.PRIVATER_MIETVERTRAG,
        municipality=ludwigsburg,
    )

    figures = municipality_figures(ludwigsburg, D)

    assert figures.unbegleitete_minderjaehrige == 2
    assert figures.zugewiesen == 2
    assert figures.privater_wohnraum == 1
    # An assigned minor in a foster family counts among the assigned living in the municipality, not twice.
    assert figures.zugewiesen_andere_wohnsituation == 1
    assert figures.gefluechtete_gesamt == 4
    overview = {row.municipality: row for row in figures_overview(D, None)}
    assert overview[ludwigsburg].unbegleitete_minderjaehrige == 2
    assert municipality_figures(asperg, D).unbegleitete_minderjaehrige == 1
