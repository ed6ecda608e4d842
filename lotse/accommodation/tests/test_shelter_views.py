"""The shelter screens: overview at a reference date, shelter page, editing, units, capacity, exports.

Personas: the city's accommodation officer (operator of ``follow_up_shelter``),
the accommodation officer of another city, the county's accommodation officer,
a caseworker and the statistician.
"""

from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from lotse.accommodation import services
from lotse.accommodation.choices import ShelterKind
from lotse.accommodation.models import Occupancy, Place, Shelter, Unit
from lotse.accommodation.tests.conftest import OPENED
from lotse.conftest import client_for
from lotse.core.choices import AccessAction
from lotse.core.models import AccessLogEntry
from lotse.core.testing import assert_same_queries, queries_of
from lotse.people.models import Person

DAY = datetime.date(2024, 3, 1)


def resident(organisation, family_name="Haddad", given_names="Amina") -> Person:
    return Person.objects.create(organisation=organisation, family_name=family_name, given_names=given_names)


def housed(shelter: Shelter, person: Person, on: datetime.date = DAY) -> Occupancy:
    return services.move_in(acting_user=None, shelter=shelter, person=person, on=on)


# --- who may use which URL ------------------------------------------------------------------------------

SHELTER_URLS = ["shelter_detail", "shelter_edit", "shelter_residents_xlsx", "unit_add", "capacity_change"]
OPERATOR_ONLY = ["shelter_edit", "shelter_residents_xlsx", "unit_add", "capacity_change"]


LISTS = ["shelter_list", "shelter_list_xlsx"]


def statuses(lists: int, create: int, detail: int, operator_only: int) -> dict[str, int]:
    return {
        **dict.fromkeys(LISTS, lists),
        "shelter_create": create,
        "shelter_detail": detail,
        **dict.fromkeys(OPERATOR_ONLY, operator_only),
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("housing_officer", statuses(lists=200, create=200, detail=200, operator_only=200)),
        ("colleague_housing_officer", statuses(lists=200, create=200, detail=200, operator_only=200)),
        ("other_housing_officer", statuses(lists=200, create=200, detail=404, operator_only=404)),
        ("county_housing_officer", statuses(lists=200, create=200, detail=200, operator_only=404)),
        ("statistician", statuses(lists=200, create=403, detail=200, operator_only=403)),
        ("sysadmin", statuses(lists=200, create=403, detail=200, operator_only=403)),
        ("caseworker_a", statuses(lists=403, create=403, detail=403, operator_only=403)),
    ],
)
def test_it_lets_each_role_use_only_its_shelter_urls(request, persona, expected, follow_up_shelter):
    client = client_for(request.getfixturevalue(persona))
    for name, status in expected.items():
        args = [follow_up_shelter.pk] if name in SHELTER_URLS else []
        response = client.get(reverse(f"accommodation:{name}", args=args))
        assert response.status_code == status, (persona, name)


@pytest.mark.django_db
def test_it_hides_another_operators_shelter_on_every_operator_url_also_for_post(
    other_housing_officer, follow_up_shelter
):
    client = client_for(other_housing_officer)
    for name in [*OPERATOR_ONLY, "shelter_detail"]:
        url = reverse(f"accommodation:{name}", args=[follow_up_shelter.pk])
        assert client.get(url).status_code == 404, name
    assert (
        client.post(reverse("accommodation:shelter_edit", args=[follow_up_shelter.pk]), {"name": "X"}).status_code
        == 404
    )
    assert client.post(reverse("accommodation:unit_add", args=[follow_up_shelter.pk]), {"name": "X"}).status_code == 404
    assert Unit.objects.count() == 0


# --- the overview ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_shows_places_occupied_free_and_rate_per_shelter_and_in_total(
    county_housing_officer, follow_up_shelter, county_shelter, city, county
):
    housed(follow_up_shelter, resident(city, "Eins"))
    housed(follow_up_shelter, resident(city, "Zwei"))
    housed(follow_up_shelter, resident(city, "Drei"))
    housed(county_shelter, resident(county, "Vier"))
    response = client_for(county_housing_officer).get(reverse("accommodation:shelter_list"), {"stichtag": "2024-03-02"})
    assert response.status_code == 200
    overview = response.context["overview"]
    rows = {s.name: (s.places_count, s.occupied_count, s.free_count, s.rate) for s in overview.shelters}
    assert rows == {
        "Oststadt, Fuchshofstraße": (4, 3, 1, pytest.approx(75)),
        "GU Schlösslesfeld": (10, 1, 9, pytest.approx(10)),
    }
    assert (overview.totals.places, overview.totals.occupied, overview.totals.free) == (14, 4, 10)
    preliminary, follow_up = overview.by_group
    assert (preliminary.places, preliminary.occupied) == (10, 1)
    assert (follow_up.places, follow_up.occupied) == (4, 3)
    html = response.content.decode()
    assert "75,0 %" in html
    assert "Summe" in html
    assert "davon vorläufige Unterbringung (VU)" in html
    assert "Eins" not in html  # no resident names on the overview


@pytest.mark.django_db
def test_it_counts_on_the_reference_date_not_today(housing_officer, follow_up_shelter, city):
    stay = housed(follow_up_shelter, resident(city), on=DAY)
    services.move_out(
        acting_user=None, occupancy=stay, on=datetime.date(2024, 6, 1), reason="wegzug", expected_version=stay.version
    )
    client = client_for(housing_officer)
    before = client.get(reverse("accommodation:shelter_list"), {"stichtag": "2024-02-29"}).context["overview"]
    during = client.get(reverse("accommodation:shelter_list"), {"stichtag": "01.03.2024"}).context["overview"]
    after = client.get(reverse("accommodation:shelter_list"), {"stichtag": "2024-06-01"}).context["overview"]
    assert [before.totals.occupied, during.totals.occupied, after.totals.occupied] == [0, 1, 0]


@pytest.mark.django_db
def test_it_filters_by_municipality_and_kind_group_and_exact_kind(
    statistician, follow_up_shelter, county_shelter, county, asperg
):
    services.create_shelter(
        acting_user=None,
        organisation=county,
        places=2,
        places_from=OPENED,
        name="Notunterkunft Asperg",
        kind=ShelterKind.NOTUNTERKUNFT,
        municipality=asperg,
    )
    client = client_for(statistician)

    def names(**params):
        return [s.name for s in client.get(reverse("accommodation:shelter_list"), params).context["overview"].shelters]

    assert names() == ["Notunterkunft Asperg", "GU Schlösslesfeld", "Oststadt, Fuchshofstraße"]
    assert names(kind="vu") == ["GU Schlösslesfeld"]
    assert names(kind="au") == ["Notunterkunft Asperg", "Oststadt, Fuchshofstraße"]
    assert names(kind=ShelterKind.NOTUNTERKUNFT) == ["Notunterkunft Asperg"]
    assert names(municipality=asperg.pk) == ["Notunterkunft Asperg"]
    assert names(kind="nonsense", stichtag="kein Datum") == names()


@pytest.mark.django_db
def test_it_shows_each_operator_only_its_own_shelters_and_the_county_all(
    housing_officer, other_housing_officer, county_housing_officer, follow_up_shelter, county_shelter
):
    def names(user):
        response = client_for(user).get(reverse("accommodation:shelter_list"))
        return [s.name for s in response.context["overview"].shelters]

    assert names(housing_officer) == ["Oststadt, Fuchshofstraße"]
    assert names(other_housing_officer) == []
    assert names(county_housing_officer) == ["GU Schlösslesfeld", "Oststadt, Fuchshofstraße"]


@pytest.mark.django_db
def test_it_offers_new_shelter_only_to_accommodation_staff(housing_officer, statistician, follow_up_shelter):
    assert "Neue Unterkunft" in client_for(housing_officer).get(reverse("accommodation:shelter_list")).content.decode()
    assert "Neue Unterkunft" not in client_for(statistician).get(reverse("accommodation:shelter_list")).content.decode()


def _overview_queries(client):
    return queries_of(client, reverse("accommodation:shelter_list") + "?stichtag=2024-03-02&kind=au")


@pytest.mark.django_db
def test_it_runs_a_fixed_number_of_queries_for_the_overview(statistician, county, ludwigsburg):
    client = client_for(statistician)

    def add_shelters(start: int, count: int) -> None:
        for i in range(start, start + count):
            shelter = services.create_shelter(
                acting_user=None,
                organisation=county,
                places=3,
                places_from=OPENED,
                name=f"Unterkunft {i}",
                kind=ShelterKind.ANSCHLUSSUNTERBRINGUNG,
                municipality=ludwigsburg,
            )
            housed(shelter, resident(county, f"Person{i}"))

    add_shelters(0, 2)
    with_two = _overview_queries(client)
    add_shelters(2, 4)
    with_six = _overview_queries(client)
    assert_same_queries(with_two, with_six)
    assert len(client.get(reverse("accommodation:shelter_list")).context["overview"].shelters) == 6


@pytest.mark.django_db
def test_it_downloads_exactly_the_overview_table_as_xlsx(
    county_housing_officer, follow_up_shelter, county_shelter, city
):
    housed(follow_up_shelter, resident(city))
    response = client_for(county_housing_officer).get(
        reverse("accommodation:shelter_list_xlsx"), {"stichtag": "2024-03-02", "kind": "au"}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="unterkuenfte-2024-03-02.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[1][:3] == ["Stichtag", "02.03.2024", None]
    assert rows[2][:3] == ["Filter", "Anschlussunterbringung (AU), alle", None]
    assert rows[4] == [
        "Unterkunft",
        "Gemeinde",
        "Art der Unterkunft",
        "Betreiber",
        "Plätze",
        "Belegt",
        "Frei",
        "Belegungsquote (%)",
    ]
    assert rows[5] == [
        "Oststadt, Fuchshofstraße",
        "Ludwigsburg",
        "Anschlussunterbringung",
        "Stadt Ludwigsburg",
        4,
        1,
        3,
        25.0,
    ]
    assert rows[7] == ["Summe", None, None, None, 4, 1, 3, 25.0]
    assert rows[8] == ["davon vorläufige Unterbringung (VU)", None, None, None, 0, 0, 0, None]
    assert rows[9] == ["davon Anschlussunterbringung (AU)", None, None, None, 4, 1, 3, 25.0]
    assert len(rows) == 10


# --- the shelter page -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_shows_the_operator_residents_former_residents_and_history_and_logs_the_view(
    housing_officer, follow_up_shelter, city
):
    amina = resident(city)
    stay = housed(follow_up_shelter, amina, on=DAY)
    former = housed(follow_up_shelter, resident(city, "Yilmaz", "Deniz"), on=DAY)
    services.move_out(
        acting_user=housing_officer,
        occupancy=former,
        on=datetime.date(2024, 5, 1),
        reason="privater_mietvertrag",
        expected_version=former.version,
    )
    response = client_for(housing_officer).get(reverse("accommodation:shelter_detail", args=[follow_up_shelter.pk]))
    assert response.status_code == 200
    assert [s.pk for s in response.context["residents"]] == [stay.pk]
    assert [s.pk for s in response.context["former"]] == [former.pk]
    html = response.content.decode()
    assert reverse("accommodation:resident_detail", args=[amina.pk]) in html
    assert "eigener Mietvertrag" in html
    assert "Änderungshistorie" in html
    records = {row["record"].text for row in response.context["history"]}
    assert {"Oststadt, Fuchshofstraße", "Haddad, Amina", "Yilmaz, Deniz"} <= records
    entry = AccessLogEntry.objects.get()
    assert (entry.by, entry.action, entry.record_type, entry.record_id) == (
        housing_officer,
        AccessAction.VIEW,
        "accommodation.shelter",
        str(follow_up_shelter.pk),
    )


@pytest.mark.django_db
def test_it_shows_others_only_the_numbers_of_a_shelter(county_housing_officer, statistician, follow_up_shelter, city):
    housed(follow_up_shelter, resident(city))
    for user in (county_housing_officer, statistician):
        response = client_for(user).get(reverse("accommodation:shelter_detail", args=[follow_up_shelter.pk]))
        assert response.status_code == 200
        assert (response.context["places"], response.context["occupied"], response.context["free"]) == (4, 1, 3)
        html = response.content.decode()
        assert "Haddad" not in html
        assert "residents" not in response.context
        assert "history" not in response.context
    assert not AccessLogEntry.objects.exists()


@pytest.mark.django_db
def test_it_shows_units_with_their_places(housing_officer, follow_up_shelter, city):
    unit = services.add_unit(acting_user=None, shelter=follow_up_shelter, name="Haus B", places=2, places_from=OPENED)
    services.move_in(acting_user=None, shelter=follow_up_shelter, person=resident(city), on=DAY, unit=unit)
    response = client_for(housing_officer).get(reverse("accommodation:shelter_detail", args=[follow_up_shelter.pk]))
    [shown] = response.context["units"]
    assert (shown.name, shown.places_count, shown.occupied_count, shown.free_count) == ("Haus B", 2, 1, 1)
    assert response.context["without_unit"] == {"places": 4, "occupied": 0, "free": 4}
    assert response.context["places"] == 6


@pytest.mark.django_db
def test_it_exports_the_residents_of_a_shelter_and_logs_the_export(housing_officer, follow_up_shelter, city):
    person = Person.objects.create(
        organisation=city,
        family_name="Haddad",
        given_names="Amina",
        birth_date=datetime.date(1990, 1, 1),
        birth_date_precision="year",
    )
    housed(follow_up_shelter, person)
    response = client_for(housing_officer).get(
        reverse("accommodation:shelter_residents_xlsx", args=[follow_up_shelter.pk])
    )
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "Bewohner:innen von Oststadt, Fuchshofstraße"
    assert list(rows[4]) == [
        "Name",
        "Geburtsdatum",
        "Geschlecht",
        "Einheit",
        "Haushalt",
        "Platz",
        "Eingezogen am",
        "Gezählt als",
    ]
    name, birth, _gender, unit, household, place, since, basis = rows[5]
    assert (name, birth, unit, household, place, since.date(), basis) == (
        "Haddad, Amina",
        "1990",
        None,
        None,
        1,
        DAY,
        "zugewiesen (zählt zur Aufnahme)",
    )
    entry = AccessLogEntry.objects.get()
    assert (entry.action, entry.record_type, entry.record_id) == (
        AccessAction.EXPORT,
        "accommodation.shelter",
        str(follow_up_shelter.pk),
    )


# --- create and edit ------------------------------------------------------------------------------------


def shelter_data(**overrides):
    data = {
        "name": "Weststadt, Hohenzollernstraße",
        "kind": ShelterKind.STAEDTISCHE_WOHNUNG,
        "municipality": "",
        "street": "Hohenzollernstraße 5",
        "postal_code": "71636",
        "accessibility": "teilweise",
        "in_operation_from": "01.02.2024",
        "in_operation_to": "",
        "notes": "",
        "places": "6",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_it_creates_a_shelter_with_its_places_from_the_opening_day(housing_officer, ludwigsburg, city):
    response = client_for(housing_officer).post(
        reverse("accommodation:shelter_create"), shelter_data(municipality=ludwigsburg.pk)
    )
    shelter = Shelter.objects.get(name="Weststadt, Hohenzollernstraße")
    assert response.status_code == 302
    assert response["Location"] == reverse("accommodation:shelter_detail", args=[shelter.pk])
    assert (shelter.organisation, shelter.municipality, shelter.kind, shelter.postal_code) == (
        city,
        ludwigsburg,
        ShelterKind.STAEDTISCHE_WOHNUNG,
        "71636",
    )
    assert list(Place.objects.filter(shelter=shelter).values_list("number", "available_from")) == [
        (n, datetime.date(2024, 2, 1)) for n in range(1, 7)
    ]


@pytest.mark.django_db
def test_it_refuses_a_duplicate_name_with_a_german_message(housing_officer, follow_up_shelter, ludwigsburg):
    response = client_for(housing_officer).post(
        reverse("accommodation:shelter_create"),
        shelter_data(name="Oststadt, Fuchshofstraße", municipality=ludwigsburg.pk),
    )
    assert response.status_code == 200
    assert "Ihre Organisation hat bereits eine Unterkunft" in response.content.decode()
    assert Shelter.objects.count() == 1


@pytest.mark.django_db
def test_it_edits_a_shelter_and_refuses_a_stale_version(
    housing_officer, colleague_housing_officer, follow_up_shelter, ludwigsburg
):
    url = reverse("accommodation:shelter_edit", args=[follow_up_shelter.pk])
    data = shelter_data(
        name="Oststadt, Fuchshofstraße 10", municipality=ludwigsburg.pk, version=follow_up_shelter.version
    )
    del data["places"]
    assert client_for(colleague_housing_officer).post(url, data).status_code == 302
    follow_up_shelter.refresh_from_db()
    assert follow_up_shelter.name == "Oststadt, Fuchshofstraße 10"
    stale = {**data, "name": "Überschrieben"}
    response = client_for(housing_officer).post(url, stale)
    assert response.status_code == 200
    assert "Dieser Datensatz wurde zwischenzeitlich von einer anderen Person geändert." in response.content.decode()
    follow_up_shelter.refresh_from_db()
    assert follow_up_shelter.name == "Oststadt, Fuchshofstraße 10"
    # The form now carries the current version, so saving again succeeds.
    assert response.context["form"]["version"].value() == str(follow_up_shelter.version)
    assert client_for(housing_officer).post(url, {**stale, "version": follow_up_shelter.version}).status_code == 302


# --- units and capacity ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_adds_a_unit_with_places(housing_officer, follow_up_shelter):
    response = client_for(housing_officer).post(
        reverse("accommodation:unit_add", args=[follow_up_shelter.pk]),
        {"name": "Haus B, Zimmer 12", "places": "3", "places_from": "2024-01-15", "accessible": "on"},
    )
    assert response.status_code == 302
    unit = Unit.objects.get(shelter=follow_up_shelter)
    assert (unit.name, unit.accessible) == ("Haus B, Zimmer 12", True)
    assert list(unit.places.values_list("number", flat=True)) == [5, 6, 7]


@pytest.mark.django_db
def test_it_changes_the_capacity_from_a_date_and_refuses_giving_up_occupied_places(
    housing_officer, follow_up_shelter, city
):
    client = client_for(housing_officer)
    url = reverse("accommodation:capacity_change", args=[follow_up_shelter.pk])
    assert client.post(url, {"places": "2", "on": "2024-04-01", "unit": ""}).status_code == 302
    assert Place.objects.filter(shelter=follow_up_shelter).available_on(datetime.date(2024, 4, 1)).count() == 2
    assert Place.objects.filter(shelter=follow_up_shelter).available_on(datetime.date(2024, 3, 31)).count() == 4
    for name in ("A", "B"):
        housed(follow_up_shelter, resident(city, name), on=datetime.date(2024, 4, 2))
    response = client.post(url, {"places": "1", "on": "2024-05-01", "unit": ""})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Ab 01.05.2024 sind nur 0 dieser Plätze frei, daher kann die Kapazität nicht auf 1 verringert werden. "
        "Bitte zuerst Bewohner:innen ausziehen lassen oder umziehen."
    ]
    assert Place.objects.filter(shelter=follow_up_shelter).available_on(datetime.date(2024, 5, 1)).count() == 2
