"""Moving in a new resident who is likely registered already: the duplicates are shown first."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from lotse.accommodation.models import Occupancy
from lotse.conftest import client_for
from lotse.people.models import Person


@pytest.mark.django_db
def test_it_asks_before_moving_in_a_new_resident(housing_officer, follow_up_shelter, city):
    aboud = Person.objects.create(
        organisation=city,
        family_name="Aboud",
        given_names="Mohammed",
        birth_date=datetime.date(1986, 1, 1),
        birth_date_precision="year",
    )
    url = reverse("accommodation:move_in", args=[follow_up_shelter.pk])
    data = {
        "person": "",
        "family_name": "Abud",
        "given_names": "Muhammad",
        "birth_date": "1986",
        "gender": "m",
        "on": "2024-03-01",
        "unit": "",
        "basis": "zuweisung",
        "notes": "",
    }
    client = client_for(housing_officer)
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Mögliche Doppelerfassung" in response.content.decode()
    assert Person.objects.count() == 1
    assert not Occupancy.objects.exists()
    response = client.post(url, {**data, "existing_person": aboud.pk})
    assert response.status_code == 302
    assert Person.objects.count() == 1
    assert Occupancy.objects.get().person == aboud


@pytest.mark.django_db
def test_it_moves_in_a_new_resident_when_confirmed(housing_officer, follow_up_shelter, city):
    Person.objects.create(organisation=city, family_name="Aboud", given_names="Mohammed")
    data = {
        "person": "",
        "family_name": "Abud",
        "given_names": "Muhammad",
        "gender": "m",
        "on": "2024-03-01",
        "unit": "",
        "basis": "zuweisung",
        "notes": "",
        "confirm_new": "on",
    }
    response = client_for(housing_officer).post(reverse("accommodation:move_in", args=[follow_up_shelter.pk]), data)
    assert response.status_code == 302
    assert Person.objects.count() == 2
    assert Occupancy.objects.get().person.family_name == "Abud"
