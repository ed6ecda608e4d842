"""Not registering the same person twice: likely duplicates are shown wherever a person is created."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from lotse.cases import services as case_services
from lotse.cases.models import Case, CaseClient
from lotse.conftest import client_for
from lotse.core.choices import AccessAction
from lotse.core.models import AccessLogEntry
from lotse.core.tests.factories import MunicipalityFactory
from lotse.people.duplicates import likely_duplicates
from lotse.people.models import HouseholdMembership, Person

DAY = datetime.date(2025, 3, 3)


def aboud_case(caseworker, **head):
    return case_services.open_case(
        acting_user=caseworker,
        organisation=caseworker.organisation,
        municipality=MunicipalityFactory.create(name="Tamm"),
        start_date=DAY,
        responsible=caseworker,
        head={
            "family_name": "Aboud",
            "given_names": "Mohammed",
            "birth_date": datetime.date(1986, 1, 1),
            "birth_date_precision": "year",
            "nationalities": ["SY"],
            **head,
        },
    )


def intake(caseworker, **extra):
    return {
        "municipality": MunicipalityFactory.create(name="Tamm").pk,
        "start_date": "03.03.2025",
        "responsible": caseworker.pk,
        "family_name": "Abud",
        "given_names": "Muhammad",
        "birth_date": "1986",
        "gender": "m",
        "nationalities": ["SY"],
        **extra,
    }


@pytest.mark.django_db
def test_it_finds_another_transliteration_of_the_same_person(caseworker_a, caseworker_b):
    case = aboud_case(caseworker_a)
    aboud = case.clients.get()
    hits = likely_duplicates(
        caseworker_a,
        family_name="Abud",
        given_names="Muhammad",
        birth_date=datetime.date(1986, 1, 1),
        nationalities=["SY"],
    )
    assert [hit.person for hit in hits] == [aboud]
    assert hits[0].case_numbers == [case.number]
    # Not someone else: another year of birth, another family name, another given name.
    assert (
        likely_duplicates(
            caseworker_a, family_name="Abud", given_names="Muhammad", birth_date=datetime.date(1990, 5, 1)
        )
        == []
    )
    assert likely_duplicates(caseworker_a, family_name="Haddad", given_names="Muhammad") == []
    assert likely_duplicates(caseworker_a, family_name="Abud", given_names="Yusuf") == []
    # A family name alone is no evidence (families share it); with the same year of birth it is.
    assert likely_duplicates(caseworker_a, family_name="Abud") == []
    assert [
        hit.person for hit in likely_duplicates(caseworker_a, family_name="Abud", birth_date=datetime.date(1986, 7, 1))
    ] == [aboud]
    # Nor a person of another organisation.
    assert likely_duplicates(caseworker_b, family_name="Abud", given_names="Muhammad") == []


@pytest.mark.django_db
def test_it_stops_the_intake_of_a_likely_duplicate_and_creates_nothing(caseworker_a):
    aboud_case(caseworker_a)
    response = client_for(caseworker_a).post(reverse("cases:case_create"), intake(caseworker_a))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Mögliche Doppelerfassung" in body
    assert "Aboud, Mohammed" in body
    assert "Diese Person übernehmen" in body
    assert "Trotzdem neu anlegen" in body
    assert Person.objects.count() == 1
    assert Case.objects.count() == 1
    # Showing the duplicate is a view of their data.
    aboud = Person.objects.get()
    assert AccessLogEntry.objects.filter(
        by=caseworker_a, action=AccessAction.VIEW, record_type="people.person", record_id=str(aboud.pk)
    ).exists()


@pytest.mark.django_db
def test_it_opens_the_case_for_the_existing_person_when_taken_over(caseworker_a):
    first = aboud_case(caseworker_a)
    aboud = first.clients.get()
    response = client_for(caseworker_a).post(
        reverse("cases:case_create"), intake(caseworker_a, existing_person=aboud.pk, start_date="04.03.2025")
    )
    assert response.status_code == 302
    assert Person.objects.count() == 1
    case = Case.objects.exclude(pk=first.pk).get()
    assert list(case.clients.all()) == [aboud]
    assert HouseholdMembership.objects.get(person=aboud, valid_to__isnull=True).household == case.household


@pytest.mark.django_db
def test_it_creates_a_new_person_when_confirmed(caseworker_a):
    aboud_case(caseworker_a)
    response = client_for(caseworker_a).post(reverse("cases:case_create"), intake(caseworker_a, confirm_new="on"))
    assert response.status_code == 302
    assert Person.objects.filter(family_name="Abud", given_names="Muhammad").count() == 1
    assert Case.objects.count() == 2


@pytest.mark.django_db
def test_it_creates_without_asking_when_nobody_is_alike(caseworker_a):
    aboud_case(caseworker_a)
    response = client_for(caseworker_a).post(
        reverse("cases:case_create"), intake(caseworker_a, family_name="Haddad", given_names="Amina")
    )
    assert response.status_code == 302
    assert Person.objects.count() == 2


@pytest.mark.django_db
def test_it_does_not_take_over_a_person_of_another_organisation(caseworker_a, caseworker_b):
    aboud = aboud_case(caseworker_b).clients.get()
    response = client_for(caseworker_a).post(
        reverse("cases:case_create"), intake(caseworker_a, existing_person=aboud.pk)
    )
    assert response.status_code == 200
    assert "Die gewählte Person kann hier nicht übernommen werden." in response.content.decode()
    assert Case.objects.count() == 1
    assert CaseClient.objects.filter(person=aboud).count() == 1


@pytest.mark.django_db
def test_it_asks_before_adding_a_household_member_and_takes_over_the_existing_person(caseworker_a):
    aboud = aboud_case(caseworker_a).clients.get()
    other = aboud_case(caseworker_a, family_name="Haddad", given_names="Amina")
    client = client_for(caseworker_a)
    url = reverse("cases:member_add", args=[other.pk])
    data = {
        "relationship": "kind",
        "since": "2025-03-03",
        "is_client": "on",
        "family_name": "Abud",
        "given_names": "Muhammad",
        "birth_date": "1986",
        "gender": "m",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Mögliche Doppelerfassung" in response.content.decode()
    assert Person.objects.count() == 2
    response = client.post(url, {**data, "existing_person": aboud.pk})
    assert response.status_code == 302
    assert Person.objects.count() == 2
    assert HouseholdMembership.objects.get(person=aboud, valid_to__isnull=True).household == other.household
    assert CaseClient.objects.filter(case=other, person=aboud).exists()


@pytest.mark.django_db
def test_it_adds_a_new_household_member_when_confirmed(caseworker_a):
    aboud_case(caseworker_a)
    other = aboud_case(caseworker_a, family_name="Haddad", given_names="Amina")
    data = {
        "relationship": "kind",
        "since": "2025-03-03",
        "is_client": "on",
        "family_name": "Abud",
        "given_names": "Muhammad",
        "birth_date": "1986",
        "gender": "m",
        "confirm_new": "on",
    }
    response = client_for(caseworker_a).post(reverse("cases:member_add", args=[other.pk]), data)
    assert response.status_code == 302
    assert Person.objects.count() == 3
