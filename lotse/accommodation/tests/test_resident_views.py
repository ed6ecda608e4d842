"""The resident screens: moving in and out through the views, the resident page, the resident list, exports.

Assertions are on the database (stays, housing records, persons) and on the
exact German messages the services give.
"""

from __future__ import annotations

import datetime
import io
import uuid

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from lotse.accommodation import services
from lotse.accommodation.choices import MoveOutReason, ShelterKind
from lotse.accommodation.models import Occupancy, Shelter
from lotse.accommodation.tests.conftest import OPENED
from lotse.cases import services as case_services
from lotse.conftest import client_for
from lotse.core.choices import AccessAction, Role
from lotse.core.models import AccessLogEntry
from lotse.core.testing import assert_same_queries, queries_of
from lotse.core.tests.factories import UserFactory
from lotse.people.choices import HousingSituation
from lotse.people.models import HousingRecord, Person

DAY = datetime.date(2024, 3, 1)
LATER = datetime.date(2024, 6, 1)


def resident(organisation, family_name="Haddad", given_names="Amina") -> Person:
    return Person.objects.create(organisation=organisation, family_name=family_name, given_names=given_names)


def housed(shelter: Shelter, person: Person, on: datetime.date = DAY) -> Occupancy:
    return services.move_in(acting_user=None, shelter=shelter, person=person, on=on)


def second_shelter(city, ludwigsburg, name="Weststadt", places=2) -> Shelter:
    return services.create_shelter(
        acting_user=None,
        organisation=city,
        places=places,
        places_from=OPENED,
        name=name,
        kind=ShelterKind.STAEDTISCHE_WOHNUNG,
        municipality=ludwigsburg,
    )


def move_in_data(**overrides):
    data = {"person": "", "gender": "u", "on": "2024-03-01", "unit": "", "basis": "zuweisung", "notes": ""}
    data.update(overrides)
    return data


# --- who may use which URL ------------------------------------------------------------------------------


@pytest.fixture
def records(follow_up_shelter, city):
    """A current stay, an ended stay and their persons in the city's shelter."""
    amina = resident(city)
    current = housed(follow_up_shelter, amina)
    deniz = resident(city, "Yilmaz", "Deniz")
    ended = housed(follow_up_shelter, deniz)
    services.move_out(acting_user=None, occupancy=ended, on=LATER, reason="wegzug", expected_version=ended.version)
    return {"shelter": follow_up_shelter, "current": current, "ended": ended, "person": amina}


def _urls(records):
    return {
        "move_in": reverse("accommodation:move_in", args=[records["shelter"].pk]),
        "move_out": reverse("accommodation:move_out", args=[records["current"].pk]),
        "move_out_done": reverse("accommodation:move_out_done", args=[records["ended"].pk]),
        "resident_detail": reverse("accommodation:resident_detail", args=[records["person"].pk]),
        "resident_list": reverse("accommodation:resident_list"),
        "resident_list_xlsx": reverse("accommodation:resident_list_xlsx"),
    }


OPERATOR_ONLY = ["move_in", "move_out", "move_out_done", "resident_detail"]
LISTS = ["resident_list", "resident_list_xlsx"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("housing_officer", dict.fromkeys(OPERATOR_ONLY + LISTS, 200)),
        ("colleague_housing_officer", dict.fromkeys(OPERATOR_ONLY + LISTS, 200)),
        ("other_housing_officer", {**dict.fromkeys(OPERATOR_ONLY, 404), **dict.fromkeys(LISTS, 200)}),
        ("county_housing_officer", {**dict.fromkeys(OPERATOR_ONLY, 404), **dict.fromkeys(LISTS, 200)}),
        ("caseworker_a", dict.fromkeys(OPERATOR_ONLY + LISTS, 403)),
        ("statistician", dict.fromkeys(OPERATOR_ONLY + LISTS, 403)),
    ],
)
def test_it_lets_each_role_use_only_its_resident_urls(request, persona, expected, records):
    client = client_for(request.getfixturevalue(persona))
    urls = _urls(records)
    for name, status in expected.items():
        assert client.get(urls[name]).status_code == status, (persona, name)


@pytest.mark.django_db
def test_it_hides_another_operators_stays_and_residents_also_for_post(other_housing_officer, records):
    client = client_for(other_housing_officer)
    urls = _urls(records)
    assert client.post(urls["move_in"], move_in_data(person=records["person"].pk)).status_code == 404
    assert client.post(urls["move_out"], {"on": "2024-05-01", "reason": "wegzug", "version": 1}).status_code == 404
    records["current"].refresh_from_db()
    assert records["current"].move_out is None
    assert Occupancy.objects.count() == 2
    # The other city's list shows none of the city's residents.
    response = client.get(urls["resident_list"])
    assert response.context["page"].paginator.count == 0


# --- moving in ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_moves_a_known_person_in_and_records_the_housing_situation(
    housing_officer, follow_up_shelter, city, ludwigsburg
):
    amina = resident(city)
    url = reverse("accommodation:move_in", args=[follow_up_shelter.pk])
    response = client_for(housing_officer).post(url, move_in_data(person=amina.pk, basis="familiennachzug"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accommodation:shelter_detail", args=[follow_up_shelter.pk])
    stay = Occupancy.objects.get(person=amina)
    assert (stay.place.shelter, stay.move_in, stay.move_out, stay.basis, stay.recorded_by) == (
        follow_up_shelter,
        DAY,
        None,
        "familiennachzug",
        housing_officer,
    )
    record = HousingRecord.objects.get(person=amina)
    assert (record.valid_from, record.situation, record.municipality) == (
        DAY,
        HousingSituation.ANSCHLUSSUNTERBRINGUNG,
        ludwigsburg,
    )


@pytest.mark.django_db
def test_it_registers_a_new_resident_with_a_partial_birth_date_in_the_same_step(
    housing_officer, follow_up_shelter, city
):
    url = reverse("accommodation:move_in", args=[follow_up_shelter.pk])
    data = move_in_data(
        family_name="Rahimi", given_names="Farid", birth_date="03.1990", nationalities=["AF"], gender="m"
    )
    assert client_for(housing_officer).post(url, data).status_code == 302
    person = Person.objects.get(family_name="Rahimi")
    assert (person.organisation, person.given_names, person.birth_date, person.birth_date_precision) == (
        city,
        "Farid",
        datetime.date(1990, 3, 1),
        "month",
    )
    assert (person.gender, person.nationalities) == ("m", ["AF"])
    assert Occupancy.objects.get(person=person).place.shelter == follow_up_shelter


@pytest.mark.django_db
def test_it_asks_for_a_person_or_a_family_name(housing_officer, follow_up_shelter):
    response = client_for(housing_officer).post(
        reverse("accommodation:move_in", args=[follow_up_shelter.pk]), move_in_data()
    )
    assert response.status_code == 200
    assert response.context["form"].errors["family_name"] == [
        "Bitte wählen Sie eine Person aus den Suchergebnissen oder tragen Sie den Familiennamen einer neuen Person ein."
    ]
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_it_refuses_a_move_in_without_a_free_place_and_registers_nobody(housing_officer, follow_up_shelter, city):
    for name in ("A", "B", "C", "D"):
        housed(follow_up_shelter, resident(city, name))
    persons_before = Person.objects.count()
    response = client_for(housing_officer).post(
        reverse("accommodation:move_in", args=[follow_up_shelter.pk]), move_in_data(family_name="Neu")
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "In Oststadt, Fuchshofstraße ist ab 01.03.2024 kein Platz frei."
    ]
    assert Person.objects.count() == persons_before
    assert Occupancy.objects.count() == 4


@pytest.mark.django_db
def test_it_refuses_a_move_in_on_or_before_the_current_stay(housing_officer, follow_up_shelter, city, ludwigsburg):
    amina = resident(city)
    housed(follow_up_shelter, amina, on=DAY)
    other = second_shelter(city, ludwigsburg)
    response = client_for(housing_officer).post(
        reverse("accommodation:move_in", args=[other.pk]), move_in_data(person=amina.pk, on="2024-03-01")
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Haddad, Amina wohnt seit 01.03.2024 in Oststadt, Fuchshofstraße; ein Einzug kann nicht auf diesen "
        "oder einen früheren Tag datiert werden."
    ]
    assert list(Occupancy.objects.filter(person=amina).values_list("place__shelter", "move_out")) == [
        (follow_up_shelter.pk, None)
    ]


@pytest.mark.django_db
def test_it_refuses_a_move_in_into_an_earlier_stay(housing_officer, follow_up_shelter, city, ludwigsburg):
    amina = resident(city)
    stay = housed(follow_up_shelter, amina, on=DAY)
    services.move_out(acting_user=None, occupancy=stay, on=LATER, reason="wegzug", expected_version=stay.version)
    other = second_shelter(city, ludwigsburg)
    response = client_for(housing_officer).post(
        reverse("accommodation:move_in", args=[other.pk]), move_in_data(person=amina.pk, on="2024-04-01")
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Haddad, Amina hat bereits eine Belegung, die den 01.04.2024 einschließt."
    ]
    assert Occupancy.objects.filter(person=amina).count() == 1


@pytest.mark.django_db
def test_it_moves_a_person_from_the_county_shelter_and_ends_that_stay(
    housing_officer, county_housing_officer, county, follow_up_shelter, county_shelter, ludwigsburg
):
    person = resident(county, "Karimi", "Sara")
    earlier = housed(county_shelter, person, on=DAY)
    services.record_assignment(
        acting_user=county_housing_officer, organisation=county, municipality=ludwigsburg, date=DAY, persons=[person]
    )
    client = client_for(housing_officer)
    page = client.get(reverse("accommodation:move_in", args=[follow_up_shelter.pk]), {"q": "karimi"})
    assert [p.pk for p in page.context["hits"]] == [person.pk]
    assert "Karimi, Sara · wohnt in einer anderen Unterkunft" in page.content.decode()
    assert "GU Schlösslesfeld" not in page.content.decode()
    response = client.post(
        reverse("accommodation:move_in", args=[follow_up_shelter.pk]) + "?q=karimi",
        move_in_data(person=person.pk, on="2024-05-02"),
        follow=True,
    )
    assert response.status_code == 200
    earlier.refresh_from_db()
    assert (earlier.move_out, earlier.move_out_reason) == (
        datetime.date(2024, 5, 2),
        MoveOutReason.UMZUG_ANDERE_UNTERKUNFT,
    )
    assert Occupancy.objects.get(person=person, move_out__isnull=True).place.shelter == follow_up_shelter
    assert "Der Aufenthalt in einer anderen Unterkunft endete an diesem Tag." in response.content.decode()


@pytest.mark.django_db
def test_it_searches_only_residents_in_scope_and_preselects_a_linked_person(
    housing_officer, follow_up_shelter, city, other_city
):
    mine = resident(city, "Haddad", "Amina")
    resident(other_city, "Haddad", "Omar")
    client = client_for(housing_officer)
    url = reverse("accommodation:move_in", args=[follow_up_shelter.pk])
    assert [p.pk for p in client.get(url, {"q": "Hadad"}).context["hits"]] == [mine.pk]
    response = client.get(url, {"person": mine.pk})
    assert response.context["form"]["person"].value() == mine.pk
    assert f'value="{mine.pk}" class="form-check-input" id="id_person_1" checked' in response.content.decode()


# --- moving out -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_moves_out_into_an_own_tenancy_with_the_new_municipality(housing_officer, follow_up_shelter, city, asperg):
    stay = housed(follow_up_shelter, resident(city))
    client = client_for(housing_officer)
    url = reverse("accommodation:move_out", args=[stay.pk])
    page = client.get(url)
    form = page.context["form"]
    assert "umzug_andere_unterkunft" not in dict(form.fields["reason"].choices)
    html = page.content.decode()
    assert '<li class="breadcrumb-item active" aria-current="page">Auszug</li>' in html
    assert "Wohnt seit 01.03.2024 in Oststadt, Fuchshofstraße" in html
    assert "In andere Unterkunft umziehen" in html
    response = client.post(
        url, {"on": "2024-05-01", "reason": "privater_mietvertrag", "new_municipality": asperg.pk, "version": 1}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accommodation:move_out_done", args=[stay.pk])
    stay.refresh_from_db()
    assert (stay.move_out, stay.move_out_reason) == (datetime.date(2024, 5, 1), "privater_mietvertrag")
    record = HousingRecord.objects.get(person=stay.person, valid_from=datetime.date(2024, 5, 1))
    assert (record.situation, record.municipality) == (HousingSituation.PRIVATER_MIETVERTRAG, asperg)
    done = client.get(response["Location"]).content.decode()
    assert "„Meine Arbeit“" in done


@pytest.mark.django_db
def test_it_refuses_a_move_out_before_the_move_in(housing_officer, follow_up_shelter, city):
    stay = housed(follow_up_shelter, resident(city))
    response = client_for(housing_officer).post(
        reverse("accommodation:move_out", args=[stay.pk]), {"on": "2024-03-01", "reason": "wegzug", "version": 1}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["Der Auszug muss nach dem Einzug (01.03.2024) liegen."]
    stay.refresh_from_db()
    assert stay.move_out is None
    assert HousingRecord.objects.filter(person=stay.person).count() == 1


@pytest.mark.django_db
def test_it_refuses_a_move_out_to_another_shelter_and_offers_the_move_in_there(
    housing_officer, follow_up_shelter, city, ludwigsburg
):
    stay = housed(follow_up_shelter, resident(city))
    other = second_shelter(city, ludwigsburg)
    client = client_for(housing_officer)
    url = reverse("accommodation:move_out", args=[stay.pk])
    page = client.get(url)
    assert "In andere Unterkunft umziehen" in page.content.decode()
    assert f"{reverse('accommodation:move_in', args=[other.pk])}?person={stay.person_id}" in page.content.decode()
    response = client.post(url, {"on": "2024-05-01", "reason": "umzug_andere_unterkunft", "version": 1})
    assert response.status_code == 200
    stay.refresh_from_db()
    assert stay.move_out is None


@pytest.mark.django_db
def test_it_links_the_open_case_after_a_move_into_an_own_tenancy(city, follow_up_shelter, ludwigsburg):
    both = UserFactory.create(
        username="beides", organisation=city, roles=[Role.UNTERBRINGUNG, Role.INTEGRATIONSMANAGEMENT]
    )
    case = case_services.open_case(
        acting_user=both,
        organisation=city,
        municipality=ludwigsburg,
        start_date=DAY,
        responsible=both,
        head={"family_name": "Haddad", "given_names": "Amina"},
    )
    person = case.case_clients.get().person
    stay = housed(follow_up_shelter, person)
    client = client_for(both)
    client.post(
        reverse("accommodation:move_out", args=[stay.pk]),
        {"on": "2024-05-01", "reason": "privater_mietvertrag", "version": 1},
    )
    done = client.get(reverse("accommodation:move_out_done", args=[stay.pk]))
    assert [c.pk for c in done.context["cases"]] == [case.pk]
    html = done.content.decode()
    assert reverse("cases:case_detail", args=[case.pk]) in html
    assert reverse("cases:case_status", args=[case.pk]) in html


@pytest.mark.django_db
def test_it_shows_move_out_done_only_for_an_ended_stay(housing_officer, follow_up_shelter, city):
    stay = housed(follow_up_shelter, resident(city))
    assert client_for(housing_officer).get(reverse("accommodation:move_out_done", args=[stay.pk])).status_code == 404


# --- the resident page and list -------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_shows_stays_elsewhere_only_as_another_shelter_and_logs_the_view(
    housing_officer, county_housing_officer, county, follow_up_shelter, county_shelter, ludwigsburg
):
    person = resident(county, "Karimi", "Sara")
    housed(county_shelter, person, on=DAY)
    services.record_assignment(
        acting_user=county_housing_officer, organisation=county, municipality=ludwigsburg, date=DAY, persons=[person]
    )
    housed(follow_up_shelter, person, on=LATER)
    response = client_for(housing_officer).get(reverse("accommodation:resident_detail", args=[person.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "GU Schlösslesfeld" not in html
    assert "andere Unterkunft" in html
    assert "Oststadt, Fuchshofstraße" in html
    assert [(s.own, s.move_out) for s in response.context["stays"]] == [(True, None), (False, LATER)]
    assert len(response.context["assignments"]) == 1
    assert [r.situation for r in response.context["housing"]] == [
        HousingSituation.ANSCHLUSSUNTERBRINGUNG,
        HousingSituation.VORLAEUFIGE_UNTERBRINGUNG,
    ]
    entry = AccessLogEntry.objects.get()
    assert (entry.by, entry.action, entry.record_type, entry.record_id) == (
        housing_officer,
        AccessAction.VIEW,
        "people.person",
        str(person.pk),
    )


@pytest.mark.django_db
def test_it_lists_and_searches_the_current_residents(housing_officer, follow_up_shelter, city, ludwigsburg):
    amina, omar = resident(city, "Haddad", "Amina"), resident(city, "Yilmaz", "Omar")
    housed(follow_up_shelter, amina)
    housed(second_shelter(city, ludwigsburg), omar)
    moved = housed(follow_up_shelter, resident(city, "Weg", "Ist"))
    services.move_out(acting_user=None, occupancy=moved, on=LATER, reason="wegzug", expected_version=moved.version)
    client = client_for(housing_officer)
    listed = client.get(reverse("accommodation:resident_list")).context["page"].object_list
    assert [s.person for s in listed] == [amina, omar]
    found = client.get(reverse("accommodation:resident_list"), {"q": "yilmas"}).context["page"].object_list
    assert [s.person for s in found] == [omar]
    # Every resident the page shows is in the access log, filed under the organisation that keeps the record.
    rows = AccessLogEntry.objects.filter(by=housing_officer).order_by("pk")
    assert [(r.action, r.record_type, r.record_id) for r in rows] == [
        (AccessAction.VIEW, "people.person", str(person.pk)) for person in (amina, omar, omar)
    ]
    assert {r.record_organisation_id for r in rows} == {city.pk}


@pytest.mark.django_db
def test_a_name_finds_former_residents_with_their_last_stay(housing_officer, follow_up_shelter, city, ludwigsburg):
    """The staff are asked about a family that lived here, or it comes back: the search finds who moved out."""
    west = second_shelter(city, ludwigsburg, places=4)
    current = housed(follow_up_shelter, resident(city, "Haddad", "Amina"))
    gone = resident(city, "Haddad", "Karim")
    first = housed(west, gone)
    last = services.move_in(acting_user=None, shelter=follow_up_shelter, person=gone, on=DAY + datetime.timedelta(5))
    services.move_out(acting_user=None, occupancy=last, on=LATER, reason="wegzug", expected_version=last.version)
    elsewhere = resident(city, "Haddad", "Nour")  # a person of the organisation who never lived in its shelters
    client = client_for(housing_officer)
    assert [s.person for s in client.get(reverse("accommodation:resident_list")).context["page"].object_list] == [
        current.person
    ]
    page = client.get(reverse("accommodation:resident_list"), {"q": "Haddad"})
    found = page.context["page"].object_list
    assert [(s.person, s.pk) for s in found] == [(current.person, current.pk), (gone, last.pk)]
    assert first.pk != last.pk and elsewhere not in [s.person for s in found]
    text = page.content.decode()
    assert "2 derzeitige oder ehemalige Bewohner:innen entsprechen der Suche" in text
    assert f'{LATER:%d.%m.%Y} <span class="small text-body-secondary">(weggezogen)</span>' in text
    few = queries_of(client, reverse("accommodation:resident_list") + "?q=Haddad")
    for name in ("Haddad, Lina", "Haddad, Sami"):
        family, given = name.split(", ")
        moved = housed(west, resident(city, family, given), on=DAY + datetime.timedelta(1))
        services.move_out(acting_user=None, occupancy=moved, on=LATER, reason="wegzug", expected_version=moved.version)
    assert_same_queries(few, queries_of(client, reverse("accommodation:resident_list") + "?q=Haddad"))


def _list_queries(client):
    return queries_of(client, reverse("accommodation:resident_list"))


@pytest.mark.django_db
def test_it_runs_a_fixed_number_of_queries_for_the_resident_list(housing_officer, city, ludwigsburg):
    client = client_for(housing_officer)

    def add(start: int, count: int) -> None:
        for i in range(start, start + count):
            shelter = second_shelter(city, ludwigsburg, name=f"Unterkunft {i}")
            services.add_unit(acting_user=None, shelter=shelter, name="Haus A", places=1, places_from=OPENED)
            services.move_in(
                acting_user=None, shelter=shelter, person=resident(city, f"Kind{i}"), on=DAY, unit=shelter.units.get()
            )
            housed(shelter, resident(city, f"Person{i}"))

    add(0, 2)
    with_two = _list_queries(client)
    add(2, 4)
    with_six = _list_queries(client)
    assert_same_queries(with_two, with_six)
    assert client.get(reverse("accommodation:resident_list")).context["page"].paginator.count == 12


@pytest.mark.django_db
def test_it_exports_the_resident_list_and_logs_the_export(housing_officer, follow_up_shelter, city):
    housed(follow_up_shelter, resident(city))
    response = client_for(housing_officer).get(reverse("accommodation:resident_list_xlsx"))
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "Bewohner:innen der Unterkünfte von Stadt Ludwigsburg"
    assert list(rows[4]) == [
        "Name",
        "Geburtsdatum",
        "Geschlecht",
        "Unterkunft",
        "Einheit",
        "Platz",
        "Eingezogen am",
        "Gezählt als",
    ]
    assert rows[5][0] == "Haddad, Amina"
    assert rows[5][3] == "Oststadt, Fuchshofstraße"
    assert len(rows) == 6
    entry = AccessLogEntry.objects.get()
    assert (entry.by, entry.action, entry.record_type, entry.record_id) == (
        housing_officer,
        AccessAction.EXPORT,
        "core.organisation",
        str(city.pk),
    )


def test_a_move_in_sent_twice_is_one_stay(housing_officer, follow_up_shelter, city):
    amina = resident(city)
    client = client_for(housing_officer)
    url = reverse("accommodation:move_in", args=[follow_up_shelter.pk])
    data = move_in_data(person=amina.pk, submission_key=str(uuid.uuid4()))
    first, again = client.post(url, data), client.post(url, data)
    assert first.status_code == again.status_code == 302
    assert Occupancy.objects.filter(person=amina).count() == 1
