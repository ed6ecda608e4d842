"""Issue 18: the assignment list's filters and its XLSX, the assignment form by household, the residents of a
shelter by unit and household, and the intake obligations of all municipalities on one page."""

from __future__ import annotations

import datetime
import io
import re
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from lotse.accommodation import services
from lotse.accommodation.models import Assignment, IntakeObligation, Shelter
from lotse.conftest import client_for
from lotse.core.models import Municipality, Organisation, User
from lotse.core.testing import assert_same_queries, queries_of
from lotse.core.tests.factories import MunicipalityFactory
from lotse.people.choices import Relationship
from lotse.people.models import Household, Person
from lotse.people.services import create_household, join_household

DAY = datetime.date(2024, 3, 1)
ARRIVAL = datetime.date(2024, 1, 10)
REFERENCE = re.compile(r"<td>(AZ-\d+)</td>")


def person(organisation: Organisation, family_name: str, given_names: str = "Test", **fields: object) -> Person:
    return Person.objects.create(organisation=organisation, family_name=family_name, given_names=given_names, **fields)


def household(organisation: Organisation, *members: tuple[Person, str], external_id: str = "") -> Household:
    result = create_household(acting_user=None, organisation=organisation, external_id=external_id)
    for member, relationship in members:
        join_household(acting_user=None, person=member, household=result, relationship=relationship, since=ARRIVAL)
    return result


def housed(shelter: Shelter, *persons: Person, unit: object = None) -> None:
    for resident in persons:
        services.move_in(acting_user=None, shelter=shelter, person=resident, on=ARRIVAL, unit=unit)  # type: ignore[arg-type]


def assign(
    county: Organisation, municipality: Municipality, on: datetime.date, reference: str, *persons: Person
) -> Assignment:
    return services.record_assignment(
        acting_user=None, organisation=county, municipality=municipality, date=on, persons=persons, reference=reference
    )


def xlsx_references(client: Client, query: dict[str, str]) -> list[str]:
    response = client.get(reverse("accommodation:assignment_list_xlsx"), query)
    assert response.status_code == 200
    rows = load_workbook(io.BytesIO(response.content)).active.iter_rows(min_row=2, values_only=True)
    return list(dict.fromkeys(row[2] for row in rows))


# --- 1. the assignment list: filters, order, the same rows in the XLSX --------------------------------------


@pytest.fixture
def assignments(county: Organisation, ludwigsburg: Municipality, asperg: Municipality) -> dict[str, Assignment]:
    haddad = person(county, "Haddad", "Amina")
    household(
        county, (haddad, Relationship.HEAD), (person(county, "Haddad", "Omar"), Relationship.CHILD), external_id="HH-7"
    )
    return {
        "AZ-1": assign(county, ludwigsburg, datetime.date(2024, 1, 5), "AZ-1", person(county, "Rahimi")),
        "AZ-2": assign(county, asperg, datetime.date(2024, 2, 5), "AZ-2", haddad),
        "AZ-3": assign(county, ludwigsburg, datetime.date(2024, 3, 5), "AZ-3", person(county, "Müller")),
        "AZ-4": assign(county, ludwigsburg, datetime.date(2024, 2, 20), "AZ-4", person(county, "Nasser")),
        "AZ-5": assign(county, ludwigsburg, datetime.date(2023, 12, 1), "AZ-5", person(county, "Yilmaz")),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["AZ-3", "AZ-4", "AZ-2", "AZ-1", "AZ-5"]),
        ({"gemeinde": "08118048"}, ["AZ-3", "AZ-4", "AZ-1", "AZ-5"]),
        ({"von": "01.01.2024", "bis": "2024-02-29"}, ["AZ-4", "AZ-2", "AZ-1"]),
        ({"gemeinde": "08118048", "von": "2024-02-01"}, ["AZ-3", "AZ-4"]),
        ({"q": "muller"}, ["AZ-3"]),  # another spelling of Müller
        ({"q": "hh-7"}, ["AZ-2"]),  # the household's ID
        ({"jahr": "2023"}, ["AZ-5"]),
    ],
)
def test_it_filters_the_assignments_newest_first_and_exports_the_same_in_the_same_order(
    county_housing_officer: User, assignments: dict[str, Assignment], query: dict[str, str], expected: list[str]
) -> None:
    client = client_for(county_housing_officer)

    page = client.get(reverse("accommodation:assignment_list"), query)

    assert page.status_code == 200
    assert REFERENCE.findall(page.content.decode()) == expected
    assert xlsx_references(client, query) == expected


def test_it_names_the_filters_and_the_order_in_the_export(
    county_housing_officer: User, assignments: dict[str, Assignment]
) -> None:
    response = client_for(county_housing_officer).get(
        reverse("accommodation:assignment_list_xlsx"), {"gemeinde": "08118048", "von": "2024-02-01"}
    )

    sheet = load_workbook(io.BytesIO(response.content))["Filter"]
    assert list(sheet.iter_rows(values_only=True)) == [
        ("Filter", "Ludwigsburg, 01.02.2024 bis …"),
        ("Reihenfolge", "neueste zuerst"),
    ]


def test_it_drops_an_invalid_period_with_a_german_message_and_applies_the_other_filters(
    county_housing_officer: User, assignments: dict[str, Assignment]
) -> None:
    client = client_for(county_housing_officer)
    query = {"gemeinde": "08118048", "von": "2024-03-01", "bis": "2024-01-01"}

    text = client.get(reverse("accommodation:assignment_list"), query).content.decode()

    assert "Das Ende des Zeitraums liegt vor seinem Beginn." in text
    assert REFERENCE.findall(text) == ["AZ-3", "AZ-4", "AZ-1", "AZ-5"]
    assert xlsx_references(client, query) == ["AZ-3", "AZ-4", "AZ-1", "AZ-5"]


def test_it_keeps_the_filters_in_the_pages_and_the_export_link(
    county_housing_officer: User, assignments: dict[str, Assignment]
) -> None:
    text = client_for(county_housing_officer).get(reverse("accommodation:assignment_list"), {"q": "Haddad"}).content
    html = text.decode()

    assert reverse("accommodation:assignment_list_xlsx") + "?q=Haddad" in html
    assert 'class="table-responsive table-scroll" tabindex="0" role="region"' in html


def test_it_filters_by_name_with_a_fixed_number_of_queries(
    county_housing_officer: User, county: Organisation, ludwigsburg: Municipality
) -> None:
    client = client_for(county_housing_officer)
    url = reverse("accommodation:assignment_list") + "?q=haddad&von=2024-01-01&bis=2024-12-31&gemeinde=08118048"
    assign(county, ludwigsburg, DAY, "AZ-1", person(county, "Haddad"))
    few = queries_of(client, url)
    for number in range(2, 8):
        assign(county, ludwigsburg, DAY, f"AZ-{number}", person(county, "Haddad", f"Kind {number}"))

    assert_same_queries(few, queries_of(client, url))
    assert len(REFERENCE.findall(client.get(url).content.decode())) == 7


def test_it_filters_only_within_the_assignments_the_user_may_see(
    other_housing_officer: User, assignments: dict[str, Assignment]
) -> None:
    text = client_for(other_housing_officer).get(reverse("accommodation:assignment_list"), {"q": "Haddad"}).content

    # Asperg's administration (other_city) sees the assignment to Asperg only.
    assert REFERENCE.findall(text.decode()) == ["AZ-2"]
    assert xlsx_references(client_for(other_housing_officer), {"q": "Rahimi"}) == []


# --- 2. the assignment form: persons by household, earlier assignments marked, a household at once ---------


@pytest.fixture
def family(county: Organisation, county_shelter: Shelter) -> tuple[Household, list[Person]]:
    """The Haddad household in the county shelter: Amina (head), Omar (partner) and Lina (child)."""
    amina = person(county, "Haddad", "Amina", birth_date=datetime.date(1988, 4, 2), birth_date_precision="day")
    omar = person(county, "Haddad", "Omar", birth_date=datetime.date(1985, 6, 7), birth_date_precision="day")
    lina = person(county, "Haddad", "Lina", birth_date=datetime.date(2015, 9, 1), birth_date_precision="day")
    housed(county_shelter, lina, omar, amina)
    members = [(amina, Relationship.HEAD), (omar, Relationship.PARTNER), (lina, Relationship.CHILD)]
    return household(county, *members), [amina, omar, lina]


def test_it_lists_the_residents_by_household_with_birth_dates_and_marks_earlier_assignments(
    county_housing_officer: User,
    county: Organisation,
    county_shelter: Shelter,
    asperg: Municipality,
    family: tuple[Household, list[Person]],
) -> None:
    the_household, (amina, omar, lina) = family
    assign(county, asperg, DAY, "AZ-9", omar)
    single = person(county, "Rahimi", "Karim")
    housed(county_shelter, single)

    response = client_for(county_housing_officer).get(reverse("accommodation:assignment_create"))

    html = response.content.decode()
    [section] = response.context["sections"]
    assert section.title == "GU Schlösslesfeld"
    grouped = [(h.label, [c.person for c in h.members]) for h in section.households]
    assert grouped == [("Haushalt von Haddad, Amina", [amina, omar, lina]), ("Ohne erfassten Haushalt", [single])]
    assert "Haddad, Lina, geb. 01.09.2015" in html
    assert "zugewiesen an Asperg am 01.03.2024" in html
    assert f'name="households" value="{the_household.pk}"' in html
    assert [c.person for c in section.households[0].open_members] == [amina, lina]


def test_it_assigns_the_open_members_of_a_chosen_household_without_javascript(
    county_housing_officer: User,
    county: Organisation,
    ludwigsburg: Municipality,
    asperg: Municipality,
    family: tuple[Household, list[Person]],
) -> None:
    the_household, (amina, omar, lina) = family
    assign(county, asperg, DAY, "AZ-9", omar)

    response = client_for(county_housing_officer).post(
        reverse("accommodation:assignment_create"),
        {"gemeinde": "08118048", "date": "02.03.2024", "reference": "AZ 10", "households": [the_household.pk]},
    )

    assert response.status_code == 302
    assignment = Assignment.objects.get(reference="AZ 10")
    assert (assignment.municipality, assignment.date) == (ludwigsburg, datetime.date(2024, 3, 2))
    assert set(assignment.persons.all()) == {amina, lina}


def test_it_adds_single_persons_to_a_household_without_assigning_anyone_twice(
    county_housing_officer: User,
    county: Organisation,
    county_shelter: Shelter,
    family: tuple[Household, list[Person]],
) -> None:
    the_household, members = family
    single = person(county, "Rahimi", "Karim")
    housed(county_shelter, single)

    response = client_for(county_housing_officer).post(
        reverse("accommodation:assignment_create"),
        {
            "gemeinde": "08118048",
            "date": "02.03.2024",
            "households": [the_household.pk],
            "persons": [members[0].pk, single.pk],
        },
    )

    assert response.status_code == 302
    assert sorted(p.pk for p in Assignment.objects.get().persons.all()) == sorted([*(m.pk for m in members), single.pk])


def test_it_refuses_a_household_whose_members_are_all_assigned_in_german(
    county_housing_officer: User,
    county: Organisation,
    asperg: Municipality,
    ludwigsburg: Municipality,
    family: tuple[Household, list[Person]],
) -> None:
    the_household, members = family
    assign(county, asperg, DAY, "AZ-9", *members)

    response = client_for(county_housing_officer).post(
        reverse("accommodation:assignment_create"),
        {"gemeinde": "08118048", "date": "02.03.2024", "households": [the_household.pk]},
    )

    assert response.status_code == 200
    assert (
        "Alle Mitglieder des Haushalts von Haddad, Amina wurden bereits zugewiesen; wählen Sie stattdessen "
        "einzelne Personen." in response.content.decode()
    )
    assert Assignment.objects.count() == 1
    with pytest.raises(ValidationError) as refused:
        services.record_assignment(
            acting_user=county_housing_officer,
            organisation=county,
            municipality=ludwigsburg,
            date=DAY,
            households=[the_household],
        )
    assert refused.value.code == "household_assigned"


def test_it_refuses_a_household_the_user_may_not_assign(
    county_housing_officer: User, org_a: Organisation, family: tuple[Household, list[Person]]
) -> None:
    elsewhere = household(org_a, (person(org_a, "Weber"), Relationship.HEAD))

    response = client_for(county_housing_officer).post(
        reverse("accommodation:assignment_create"),
        {"gemeinde": "08118048", "date": "02.03.2024", "households": [elsewhere.pk]},
    )

    assert response.status_code == 200
    assert "Einen der gewählten Haushalte können Sie nicht zuweisen." in response.content.decode()
    assert not Assignment.objects.exists()


def test_it_lists_the_households_with_a_fixed_number_of_queries(
    county_housing_officer: User, county: Organisation, county_shelter: Shelter, asperg: Municipality
) -> None:
    client = client_for(county_housing_officer)
    url = reverse("accommodation:assignment_create") + "?q=Nasser"

    def family_of(name: str) -> None:
        members = [person(county, name, given) for given in ("A", "B")]
        housed(county_shelter, *members)
        household(county, (members[0], Relationship.HEAD), (members[1], Relationship.CHILD))
        assign(county, asperg, DAY, f"AZ-{name}", members[1])

    family_of("Haddad")
    person(county, "Nasser", "Omar")
    few = queries_of(client, url)
    for name in ("Rahimi", "Yilmaz", "Weber"):
        family_of(name)
    person(county, "Nasser", "Laila")

    assert_same_queries(few, queries_of(client, url))


# --- 3. the residents of a shelter by unit and household ----------------------------------------------------


def test_it_groups_the_residents_of_a_shelter_by_unit_and_household_with_counts(
    housing_officer: User, city: Organisation, follow_up_shelter: Shelter
) -> None:
    alone = person(city, "Yilmaz", "Deniz")
    housed(follow_up_shelter, alone)  # on a place without a unit
    unit = services.add_unit(
        acting_user=None, shelter=follow_up_shelter, name="Haus B", places=4, places_from=datetime.date(2020, 1, 1)
    )
    amina, lina = person(city, "Haddad", "Amina"), person(city, "Haddad", "Lina")
    karim = person(city, "Rahimi", "Karim")
    household(city, (lina, Relationship.CHILD), (amina, Relationship.HEAD))
    housed(follow_up_shelter, lina, amina, karim, unit=unit)

    response = client_for(housing_officer).get(reverse("accommodation:shelter_detail", args=[follow_up_shelter.pk]))

    shown = [
        (
            row.unit.name if row.unit else None,
            row.residents,
            row.places,
            row.free,
            [(h.label, [s.person for s in h.stays]) for h in row.households],
        )
        for row in response.context["resident_units"]
    ]
    assert shown == [
        ("Haus B", 3, 4, 1, [("Haushalt von Haddad, Amina", [amina, lina]), ("Ohne erfassten Haushalt", [karim])]),
        (None, 1, 4, 3, [("Ohne erfassten Haushalt", [alone])]),
    ]
    html = response.content.decode()
    assert "3 Bewohner:innen · 3 von 4 Plätzen belegt, 1 frei" in html
    assert '<th scope="rowgroup" colspan="6">Haushalt von Haddad, Amina' in html


def test_it_exports_the_residents_of_a_shelter_in_the_order_of_the_page_with_their_household(
    housing_officer: User, city: Organisation, follow_up_shelter: Shelter
) -> None:
    alone = person(city, "Yilmaz", "Deniz")
    housed(follow_up_shelter, alone)
    unit = services.add_unit(
        acting_user=None, shelter=follow_up_shelter, name="Haus B", places=4, places_from=datetime.date(2020, 1, 1)
    )
    amina, lina, karim = person(city, "Haddad", "Amina"), person(city, "Haddad", "Lina"), person(city, "Rahimi")
    household(city, (lina, Relationship.CHILD), (amina, Relationship.HEAD))
    housed(follow_up_shelter, karim, lina, amina, unit=unit)

    response = client_for(housing_officer).get(
        reverse("accommodation:shelter_residents_xlsx", args=[follow_up_shelter.pk])
    )

    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(min_row=6, values_only=True))
    assert [(row[0], row[3], row[4]) for row in rows] == [
        ("Haddad, Amina", "Haus B", "Haushalt von Haddad, Amina"),
        ("Haddad, Lina", "Haus B", "Haushalt von Haddad, Amina"),
        ("Rahimi, Test", "Haus B", None),
        ("Yilmaz, Deniz", None, None),
    ]


def test_it_shows_the_residents_by_unit_with_a_fixed_number_of_queries(
    housing_officer: User, city: Organisation, follow_up_shelter: Shelter
) -> None:
    client = client_for(housing_officer)
    url = reverse("accommodation:shelter_detail", args=[follow_up_shelter.pk])
    opened = datetime.date(2020, 1, 1)
    first = services.add_unit(acting_user=None, shelter=follow_up_shelter, name="Haus A", places=6, places_from=opened)
    pair = [person(city, "Haddad", given) for given in ("A", "B")]
    household(city, (pair[0], Relationship.HEAD), (pair[1], Relationship.CHILD))
    housed(follow_up_shelter, *pair, unit=first)
    few = queries_of(client, url)
    second = services.add_unit(acting_user=None, shelter=follow_up_shelter, name="Haus C", places=6, places_from=opened)
    for name, unit in (("Rahimi", first), ("Yilmaz", second), ("Weber", second)):
        members = [person(city, name, given) for given in ("A", "B")]
        household(city, (members[0], Relationship.HEAD), (members[1], Relationship.CHILD))
        housed(follow_up_shelter, *members, unit=unit)
    housed(follow_up_shelter, person(city, "Nasser"))

    assert_same_queries(few, queries_of(client, url))


# --- 4. the intake obligations of all municipalities for a year on one page --------------------------------


@pytest.fixture
def towns(ludwigsburg: Municipality, asperg: Municipality) -> list[Municipality]:
    """Three municipalities of the county, by name."""
    return [asperg, MunicipalityFactory.create(ags="08118010", name="Besigheim"), ludwigsburg]


def obligations(year: int) -> dict[str, int]:
    return dict(IntakeObligation.objects.filter(year=year).values_list("municipality__ags", "persons"))


def intake_post(client: Client, data: dict[str, str]) -> Any:
    return client.post(reverse("accommodation:intake_list"), data)


INPUT = re.compile(r'<input type="(?:number|hidden)" name="([pvo]_\d{8}|year)"(?: value="([^"]*)")?')


def loaded(client: Client, year: int) -> dict[str, str]:
    """The form as the page shows it: every input with its value (what a browser sends back)."""
    html = client.get(reverse("accommodation:intake_list"), {"jahr": str(year)}).content.decode()
    return {name: value for name, value in INPUT.findall(html)}


def test_it_offers_every_municipality_for_a_year_and_saves_all_rows_at_once(
    county_housing_officer: User, county: Organisation, towns: list[Municipality]
) -> None:
    asperg, besigheim, _ludwigsburg = towns
    services.set_intake_obligation(acting_user=None, organisation=county, municipality=asperg, year=2025, persons=10)
    services.set_intake_obligation(acting_user=None, organisation=county, municipality=besigheim, year=2025, persons=5)
    client = client_for(county_housing_officer)
    data = loaded(client, 2025)
    assert [
        row[0] for row in client.get(reverse("accommodation:intake_list"), {"jahr": "2025"}).context["form"].rows()
    ] == towns
    assert (data["year"], data["p_08118003"], data["p_08118010"], data["p_08118048"]) == ("2025", "10", "5", "")

    data.update(p_08118003="12", p_08118010="", p_08118048="40")
    response = intake_post(client, data)

    assert response.status_code == 302
    assert response["Location"] == reverse("accommodation:intake_list") + "?jahr=2025"
    assert obligations(2025) == {"08118003": 12, "08118048": 40}
    assert IntakeObligation.objects.get(municipality=asperg, year=2025).version == 2
    followed = client.get(response["Location"]).content.decode()
    assert "Aufnahmeverpflichtungen für 2025 gespeichert: 1 neu, 1 geändert, 1 entfernt." in followed


def test_it_saves_nothing_when_one_row_is_refused_and_says_why_in_german(
    county_housing_officer: User, county: Organisation, towns: list[Municipality]
) -> None:
    client = client_for(county_housing_officer)
    data = loaded(client, 2025)
    data.update(p_08118003="12", p_08118010="-3", p_08118048="viele")

    response = intake_post(client, data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Nichts wurde gespeichert:" in html
    assert "Besigheim</a>: Dieser Wert muss größer oder gleich 0 sein." in html
    assert "Ludwigsburg</a>: Bitte eine ganze Zahl angeben." in html
    assert obligations(2025) == {}


def test_it_detects_a_concurrent_change_of_a_row_and_saves_nothing(
    county_housing_officer: User, county: Organisation, towns: list[Municipality]
) -> None:
    asperg = towns[0]
    services.set_intake_obligation(acting_user=None, organisation=county, municipality=asperg, year=2025, persons=10)
    client = client_for(county_housing_officer)
    data = loaded(client, 2025)
    # Meanwhile a colleague corrects Asperg and sets Ludwigsburg for the first time.
    services.set_intake_obligation(acting_user=None, organisation=county, municipality=asperg, year=2025, persons=11)
    services.set_intake_obligation(acting_user=None, organisation=county, municipality=towns[2], year=2025, persons=7)
    data.update(p_08118003="15", p_08118010="3", p_08118048="30")

    refused = intake_post(client, data)

    assert refused.status_code == 200
    html = refused.content.decode()
    assert (
        "Asperg</a>: Diese Verpflichtung wurde inzwischen von jemand anderem geändert (jetzt: 11), daher wurde nichts "
        "gespeichert. Prüfen Sie Ihre Zahl und speichern Sie erneut."
    ) in html
    assert "Ludwigsburg</a>: Diese Verpflichtung wurde inzwischen von jemand anderem geändert (jetzt: 7)" in html
    assert "Besigheim</a>:" not in html
    assert obligations(2025) == {"08118003": 11, "08118048": 7}

    # The form kept the user's numbers and now expects the current versions: saving again goes through.
    again = dict(INPUT.findall(html))
    assert (again["p_08118003"], again["p_08118048"]) == ("15", "30")
    assert intake_post(client, again).status_code == 302
    assert obligations(2025) == {"08118003": 15, "08118010": 3, "08118048": 30}


def test_it_changes_only_the_rows_the_user_changed(
    county_housing_officer: User, county: Organisation, towns: list[Municipality]
) -> None:
    asperg = towns[0]
    services.set_intake_obligation(acting_user=None, organisation=county, municipality=asperg, year=2025, persons=10)
    client = client_for(county_housing_officer)
    data = loaded(client, 2025)
    services.set_intake_obligation(acting_user=None, organisation=county, municipality=asperg, year=2025, persons=11)
    data.update(p_08118010="4")

    assert intake_post(client, data).status_code == 302
    # Asperg was left as loaded: the colleague's 11 stays.
    assert obligations(2025) == {"08118003": 11, "08118010": 4}


def test_it_shows_the_obligations_to_the_city_read_only_and_refuses_its_post(
    housing_officer: User,
    county_housing_officer: User,
    county: Organisation,
    county_shelter: Shelter,
    towns: list[Municipality],
) -> None:
    ludwigsburg = towns[2]
    services.set_intake_obligation(
        acting_user=None, organisation=county, municipality=ludwigsburg, year=2024, persons=8
    )
    resident = person(county, "Haddad")
    assign(county, ludwigsburg, DAY, "AZ-1", resident)
    client = client_for(housing_officer)

    html = client.get(reverse("accommodation:intake_list"), {"jahr": "2024"}).content.decode()

    assert "12,5 %" in html
    assert 'name="p_08118048"' not in html
    refused = intake_post(client, {"year": "2024", "p_08118048": "9", "v_08118048": "1", "o_08118048": "8"})
    assert refused.status_code == 404
    assert obligations(2024) == {"08118048": 8}


def test_it_shows_the_intake_page_with_a_fixed_number_of_queries(
    county_housing_officer: User, county: Organisation, towns: list[Municipality]
) -> None:
    client = client_for(county_housing_officer)
    url = reverse("accommodation:intake_list") + "?jahr=2025"
    few = queries_of(client, url)
    for number in range(5):
        town = MunicipalityFactory.create(ags=f"0811802{number}", name=f"Gemeinde {number}")
        services.set_intake_obligation(acting_user=None, organisation=county, municipality=town, year=2025, persons=3)

    assert_same_queries(few, queries_of(client, url))
