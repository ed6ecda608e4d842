"""The figures page, the capacity forecast and their exports: roles, contents, German errors."""

from __future__ import annotations

import datetime
import io

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from lotse.accommodation import services
from lotse.accommodation.forecast import add_months
from lotse.accommodation.models import ExpectedIntake, Shelter
from lotse.conftest import client_for
from lotse.core.models import Municipality, Organisation, User
from lotse.core.testing import assert_same_queries, queries_of
from lotse.people.models import Person

DAY = datetime.date(2024, 6, 15)


def _figures_url(**params: str) -> str:
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"{reverse('accommodation:figures')}?{query}"


def _setup(county: Organisation, ludwigsburg: Municipality, county_shelter: Shelter) -> Person:
    person = Person.objects.create(organisation=county, family_name="Haddad", given_names="Samira")
    services.move_in(acting_user=None, shelter=county_shelter, person=person, on=datetime.date(2024, 2, 1))
    services.record_assignment(
        acting_user=None,
        organisation=county,
        municipality=ludwigsburg,
        date=datetime.date(2024, 3, 1),
        persons=[person],
    )
    return person


def test_it_shows_the_figures_as_on_the_city_page(
    housing_officer: User, county: Organisation, ludwigsburg: Municipality, county_shelter: Shelter
) -> None:
    person = _setup(county, ludwigsburg, county_shelter)

    response = client_for(housing_officer).get(_figures_url(stichtag="2024-06-15"))

    assert response.status_code == 200
    text = response.content.decode()
    assert "In Ludwigsburg lebten zum 15.6.2024 1 Geflüchtete, davon 1 in der vorläufigen Unterbringung" in text
    assert "1 Geflüchtete wurden Ludwigsburg seit dem 01.03.2024 zugewiesen." in text
    assert "So zählt Lotse" in text
    assert person.family_name not in text
    assert "Alle Gemeinden" in text


def test_it_lets_statistics_and_sysadmins_read_the_figures_but_not_caseworkers(
    statistician: User, sysadmin: User, caseworker_a: User, ludwigsburg: Municipality, county_shelter: Shelter
) -> None:
    url = _figures_url(stichtag="2024-06-15")

    assert client_for(statistician).get(url).status_code == 200
    assert client_for(sysadmin).get(url).status_code == 200
    assert client_for(caseworker_a).get(url).status_code == 403


def test_it_refuses_a_period_start_after_the_reference_date_in_german(
    housing_officer: User, ludwigsburg: Municipality
) -> None:
    response = client_for(housing_officer).get(
        _figures_url(stichtag="2024-06-15", von="2024-06-16", gemeinde="08118048")
    )

    assert response.status_code == 200
    assert "Der Beginn des Zeitraums liegt nach dem Stichtag." in response.content.decode()
    bad = client_for(housing_officer).get(_figures_url(stichtag="gestern"))
    assert bad.status_code == 200
    assert "Bitte ein Datum wie 24.12.2026 eingeben." in bad.content.decode()


def test_it_runs_a_fixed_number_of_queries_for_the_figures_page(
    housing_officer: User,
    county: Organisation,
    ludwigsburg: Municipality,
    asperg: Municipality,
    county_shelter: Shelter,
) -> None:
    client = client_for(housing_officer)
    url = _figures_url(stichtag="2024-06-15", gemeinde="08118048")

    few = queries_of(client, url)
    _setup(county, ludwigsburg, county_shelter)
    services.record_assignment(
        acting_user=None,
        organisation=county,
        municipality=asperg,
        date=datetime.date(2024, 3, 1),
        persons=[Person.objects.create(organisation=county, family_name="X")],
    )
    assert_same_queries(few, queries_of(client, url))


def test_it_exports_the_figures_as_xlsx(
    statistician: User, county: Organisation, ludwigsburg: Municipality, county_shelter: Shelter
) -> None:
    _setup(county, ludwigsburg, county_shelter)

    response = client_for(statistician).get(
        reverse("accommodation:figures_xlsx") + "?stichtag=2024-06-15&gemeinde=08118048"
    )

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="unterbringung-08118048-2024-06-15.xlsx"'
    workbook = load_workbook(io.BytesIO(response.content))
    rows = {row[0].strip(): row[1] for row in workbook["Zahlen"].iter_rows(values_only=True) if row and row[0]}
    assert rows["Geflüchtete in der Gemeinde"] == 1  # assigned, still in VU: counted once
    assert rows["in der vorläufigen Unterbringung (VU)"] == 1
    assert rows["davon noch in der vorläufigen Unterbringung"] == 1
    assert rows["der Gemeinde zugewiesen"] == 1
    assert rows["Plätze der vorläufigen Unterbringung"] == 10
    assert rows["Aufnahmeverpflichtung des Jahres"] is None
    overview = list(workbook["Gemeinden"].iter_rows(values_only=True))
    assert overview[1][0] == "Ludwigsburg"
    assert "Haddad" not in str([list(sheet.iter_rows(values_only=True)) for sheet in workbook])


def test_it_shows_the_forecast_and_saves_the_expected_intake(
    housing_officer: User, city: Organisation, follow_up_shelter: Shelter
) -> None:
    client = client_for(housing_officer)
    today = timezone.localdate()
    first, second = add_months(today, 1), add_months(today, 2)

    page = client.get(reverse("accommodation:forecast") + "?monate=12")
    assert page.status_code == 200
    assert "Die Plätze reichen für die 12 Monate der Prognose." in page.content.decode()
    assert 'id="forecast-data"' in page.content.decode()

    response = client.post(
        reverse("accommodation:forecast") + "?monate=12",
        {f"monat_{first:%Y_%m}": "3", f"monat_{second:%Y_%m}": "2"},
    )

    assert response.status_code == 302
    stored = dict(ExpectedIntake.objects.filter(organisation=city).values_list("month", "persons"))
    assert stored[first] == 3 and stored[second] == 2
    after = client.get(reverse("accommodation:forecast") + "?monate=12").content.decode()
    assert "Ab " in after and "reichen die Plätze nicht mehr aus." in after


def test_it_refuses_a_negative_expected_intake_in_german(housing_officer: User, follow_up_shelter: Shelter) -> None:
    month = add_months(timezone.localdate(), 1)

    response = client_for(housing_officer).post(reverse("accommodation:forecast"), {f"monat_{month:%Y_%m}": "-1"})

    assert response.status_code == 200
    assert "Dieser Wert muss größer oder gleich 0 sein." in response.content.decode()
    assert not ExpectedIntake.objects.exists()


def test_it_keeps_the_forecast_to_accommodation_staff(statistician: User, caseworker_a: User) -> None:
    assert client_for(statistician).get(reverse("accommodation:forecast")).status_code == 403
    assert client_for(caseworker_a).get(reverse("accommodation:forecast_xlsx")).status_code == 403


def test_it_exports_the_forecast_as_xlsx(housing_officer: User, follow_up_shelter: Shelter) -> None:
    response = client_for(housing_officer).get(reverse("accommodation:forecast_xlsx") + "?monate=12")

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content))["Prognose"]
    rows = list(sheet.iter_rows(values_only=True))
    header = [row[0] for row in rows].index("Monat")
    assert rows[header][1:3] == ("Erwartete Aufnahmen", "Erwartete Auszüge")
    assert len(rows) - header - 1 == 12
    assert rows[header + 1][1:] == (0, 0, 0, 4, 4)
