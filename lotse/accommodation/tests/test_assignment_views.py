"""Assignment screens and intake obligations: county-only recording, scoping, German errors, queries, export."""

from __future__ import annotations

import datetime
import io
import re

from django.urls import reverse
from openpyxl import load_workbook

from lotse.accommodation import services
from lotse.accommodation.models import Assignment, Shelter
from lotse.accommodation.queries import ASSIGNMENTS_PER_PAGE
from lotse.conftest import client_for
from lotse.core.choices import AccessAction
from lotse.core.models import AccessLogEntry, Municipality, Organisation, User
from lotse.core.testing import assert_same_queries, queries_of
from lotse.people.models import Person

DAY = datetime.date(2024, 3, 1)


def resident(county: Organisation, shelter: Shelter, name: str) -> Person:
    person = Person.objects.create(organisation=county, family_name=name, given_names="Test")
    services.move_in(acting_user=None, shelter=shelter, person=person, on=datetime.date(2024, 1, 10))
    return person


def assignment_to(county: Organisation, municipality: Municipality, *persons: Person) -> Assignment:
    return services.record_assignment(
        acting_user=None, organisation=county, municipality=municipality, date=DAY, persons=persons, reference="AZ 1"
    )


def test_it_offers_the_residents_of_the_county_shelters_and_records_an_assignment(
    county_housing_officer: User, county: Organisation, ludwigsburg: Municipality, county_shelter: Shelter
) -> None:
    first, second = resident(county, county_shelter, "Haddad"), resident(county, county_shelter, "Rahimi")
    client = client_for(county_housing_officer)

    page = client.get(reverse("accommodation:assignment_create"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "GU Schlösslesfeld" in text and "Haddad" in text and "Rahimi" in text

    response = client.post(
        reverse("accommodation:assignment_create"),
        {"gemeinde": "08118048", "date": "01.03.2024", "reference": "AZ 7", "persons": [first.pk, second.pk]},
    )

    assignment = Assignment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("accommodation:assignment_detail", args=[assignment.pk])
    assert (assignment.municipality, assignment.date, assignment.reference) == (ludwigsburg, DAY, "AZ 7")
    assert set(assignment.persons.all()) == {first, second}


def test_it_finds_a_person_by_name_for_the_assignment(
    county_housing_officer: User, county: Organisation, ludwigsburg: Municipality
) -> None:
    Person.objects.create(organisation=county, family_name="Nasser", given_names="Omar")

    text = client_for(county_housing_officer).get(reverse("accommodation:assignment_create") + "?q=nasser").content

    assert "Suchergebnisse" in text.decode() and "Nasser" in text.decode()


def test_it_shows_german_errors_on_the_assignment_form(
    county_housing_officer: User, county: Organisation, ludwigsburg: Municipality, county_shelter: Shelter
) -> None:
    person = resident(county, county_shelter, "Haddad")
    assignment_to(county, ludwigsburg, person)
    client = client_for(county_housing_officer)

    empty = client.post(reverse("accommodation:assignment_create"), {"gemeinde": "08118048", "date": "01.03.2024"})
    twice = client.post(
        reverse("accommodation:assignment_create"),
        {"gemeinde": "08118048", "date": "02.03.2024", "persons": [person.pk]},
    )

    assert empty.status_code == 200
    assert "Bitte wählen Sie mindestens eine Person für die Zuweisung." in empty.content.decode()
    assert twice.status_code == 200
    assert "Haddad, Test wurde bereits am 01.03.2024 der Gemeinde Ludwigsburg zugewiesen." in twice.content.decode()
    assert Assignment.objects.count() == 1


def test_it_lets_only_county_staff_record_assignments(
    housing_officer: User, ludwigsburg: Municipality, county_shelter: Shelter
) -> None:
    client = client_for(housing_officer)

    assert client.get(reverse("accommodation:assignment_create")).status_code == 404
    assert client.post(reverse("accommodation:assignment_create"), {"gemeinde": "08118048"}).status_code == 404
    assert not Assignment.objects.exists()


def test_it_shows_assignments_to_the_municipality_and_hides_others_as_404(
    housing_officer: User,
    other_housing_officer: User,
    caseworker_a: User,
    county: Organisation,
    ludwigsburg: Municipality,
    county_shelter: Shelter,
) -> None:
    assignment = assignment_to(county, ludwigsburg, resident(county, county_shelter, "Haddad"))
    url = reverse("accommodation:assignment_detail", args=[assignment.pk])

    page = client_for(housing_officer).get(url)

    assert page.status_code == 200
    assert "Haddad" in page.content.decode()
    assert AccessLogEntry.objects.filter(action=AccessAction.VIEW, record_id=str(assignment.pk)).count() == 1
    assert client_for(other_housing_officer).get(url).status_code == 404
    assert client_for(caseworker_a).get(url).status_code == 403
    assert (
        "Haddad" not in client_for(other_housing_officer).get(reverse("accommodation:assignment_list")).content.decode()
    )


def test_it_filters_the_list_with_a_fixed_number_of_queries(
    county_housing_officer: User,
    county: Organisation,
    ludwigsburg: Municipality,
    asperg: Municipality,
    county_shelter: Shelter,
) -> None:
    client = client_for(county_housing_officer)
    url = reverse("accommodation:assignment_list") + "?gemeinde=08118048&jahr=2024"
    assignment_to(county, ludwigsburg, resident(county, county_shelter, "A"))

    few = queries_of(client, url)
    for name in ("B", "C", "D"):
        assignment_to(county, ludwigsburg, resident(county, county_shelter, name))
    assignment_to(county, asperg, resident(county, county_shelter, "E"))
    assert_same_queries(few, queries_of(client, url))
    text = client.get(url).content.decode()
    assert text.count("<td>Ludwigsburg</td>") == 4
    assert "<td>Asperg</td>" not in text


def test_it_exports_the_assignment_list_and_logs_it(
    county_housing_officer: User, county: Organisation, ludwigsburg: Municipality, county_shelter: Shelter
) -> None:
    assignment = assignment_to(county, ludwigsburg, resident(county, county_shelter, "Haddad"))

    response = client_for(county_housing_officer).get(reverse("accommodation:assignment_list_xlsx"))

    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("Datum der Zuweisung", "Gemeinde", "Aktenzeichen", "Familienname", "Vornamen", "Geburtsdatum")
    assert rows[1][1:5] == ("Ludwigsburg", "AZ 1", "Haddad", "Test")
    assert rows[1][0].date() == DAY
    log = AccessLogEntry.objects.get(action=AccessAction.EXPORT)
    assert (log.by, log.record_id) == (county_housing_officer, str(assignment.pk))


def test_it_lists_the_newest_assignments_first_on_pages_and_exports_them_in_the_same_order(
    county_housing_officer: User, county: Organisation, ludwigsburg: Municipality, county_shelter: Shelter
) -> None:
    for offset in range(ASSIGNMENTS_PER_PAGE + 3):
        person = Person.objects.create(organisation=county, family_name=f"Person {offset}")
        services.record_assignment(
            acting_user=None,
            organisation=county,
            municipality=ludwigsburg,
            date=DAY + datetime.timedelta(days=offset * 7 % 61),  # not recorded in date order
            persons=[person],
            reference=f"AZ {offset}",
        )
    expected = list(Assignment.objects.order_by("-date", "-pk").values_list("reference", flat=True))
    client = client_for(county_housing_officer)

    first = client.get(reverse("accommodation:assignment_list")).content.decode()
    second = client.get(reverse("accommodation:assignment_list"), {"page": "2"}).content.decode()
    shown = re.findall(r"<td>(AZ \d+)</td>", first) + re.findall(r"<td>(AZ \d+)</td>", second)

    assert shown == expected
    assert len(re.findall(r"<td>(AZ \d+)</td>", first)) == ASSIGNMENTS_PER_PAGE
    assert f"{ASSIGNMENTS_PER_PAGE + 3} Zuweisungen" in first
    rows = list(
        load_workbook(io.BytesIO(client.get(reverse("accommodation:assignment_list_xlsx")).content)).active.iter_rows(
            min_row=2, values_only=True
        )
    )
    assert [row[2] for row in rows] == expected
