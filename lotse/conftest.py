"""Shared fixtures: every named persona the tests speak of, in one place.

Two organisations, A (a welfare association) and B (another one), the
county's Landratsamt and two cities. Each persona is a user with one role in
one organisation, so a test reads like the situation it checks: the
caseworker of A, the org admin of A, the housing officer of the city, ...

The apps' conftests keep only their own records (shelters, cases, actors);
a new persona belongs here, so that the URL matrix and every app's tests
speak of the same people.
"""

from __future__ import annotations

import pytest
from django.test import Client

from lotse.core.choices import OrganisationKind, Role
from lotse.core.models import Municipality, Organisation, User
from lotse.core.tests.factories import OrganisationFactory, UserFactory

PASSWORD = "Kaffee-Fahrrad-Nebel-42"


@pytest.fixture
def org_a(db) -> Organisation:
    return OrganisationFactory.create(
        short_name="org-a", name="Caritas Testkreis", kind=OrganisationKind.WOHLFAHRTSVERBAND
    )


@pytest.fixture
def org_b(db) -> Organisation:
    return OrganisationFactory.create(short_name="org-b", name="AWO Testkreis", kind=OrganisationKind.WOHLFAHRTSVERBAND)


@pytest.fixture
def county(db) -> Organisation:
    return OrganisationFactory.create(short_name="lra", name="Landratsamt Testkreis", kind=OrganisationKind.LANDRATSAMT)


@pytest.fixture
def city_municipality(db) -> Municipality | None:
    """The municipality the city administers: none, unless an app's tests tie the city to its place."""
    return None


@pytest.fixture
def other_city_municipality(db) -> Municipality | None:
    return None


@pytest.fixture
def city(city_municipality: Municipality | None) -> Organisation:
    """The administration of a town (kind Gemeinde): follow-up accommodation, volunteer coordination."""
    return OrganisationFactory.create(
        short_name="stadt-lb", name="Stadt Ludwigsburg", kind=OrganisationKind.GEMEINDE, municipality=city_municipality
    )


@pytest.fixture
def other_city(other_city_municipality: Municipality | None) -> Organisation:
    return OrganisationFactory.create(
        short_name="stadt-asperg",
        name="Stadt Asperg",
        kind=OrganisationKind.GEMEINDE,
        municipality=other_city_municipality,
    )


# Casework (Integrationsmanagement, Teamleitung) and administration.


@pytest.fixture
def caseworker_a(org_a) -> User:
    return UserFactory.create(username="caseworker-a", organisation=org_a, roles=[Role.INTEGRATIONSMANAGEMENT])


@pytest.fixture
def colleague_a(org_a) -> User:
    return UserFactory.create(username="colleague-a", organisation=org_a, roles=[Role.INTEGRATIONSMANAGEMENT])


@pytest.fixture
def teamlead_a(org_a) -> User:
    return UserFactory.create(username="teamlead-a", organisation=org_a, roles=[Role.TEAMLEITUNG])


@pytest.fixture
def org_admin_a(org_a) -> User:
    return UserFactory.create(username="orgadmin-a", organisation=org_a, roles=[Role.ORGANISATIONSADMINISTRATION])


@pytest.fixture
def caseworker_b(org_b) -> User:
    return UserFactory.create(username="caseworker-b", organisation=org_b, roles=[Role.INTEGRATIONSMANAGEMENT])


@pytest.fixture
def teamlead_b(org_b) -> User:
    return UserFactory.create(username="teamlead-b", organisation=org_b, roles=[Role.TEAMLEITUNG])


@pytest.fixture
def org_admin_b(org_b) -> User:
    return UserFactory.create(username="orgadmin-b", organisation=org_b, roles=[Role.ORGANISATIONSADMINISTRATION])


@pytest.fixture
def statistician(county) -> User:
    return UserFactory.create(username="statistik", organisation=county, roles=[Role.STATISTIK])


@pytest.fixture
def sysadmin(county) -> User:
    return UserFactory.create(username="sysadmin", organisation=county, roles=[Role.SYSTEMADMINISTRATION])


# Accommodation (Sachbearbeitung Unterbringung).


@pytest.fixture
def housing_officer(city: Organisation) -> User:
    """Sachbearbeitung Unterbringung of the city (follow-up accommodation)."""
    return UserFactory.create(username="unterbringung", organisation=city, roles=[Role.UNTERBRINGUNG])


@pytest.fixture
def colleague_housing_officer(city: Organisation) -> User:
    return UserFactory.create(username="unterbringung-2", organisation=city, roles=[Role.UNTERBRINGUNG])


@pytest.fixture
def other_housing_officer(other_city: Organisation) -> User:
    return UserFactory.create(username="unterbringung-asperg", organisation=other_city, roles=[Role.UNTERBRINGUNG])


@pytest.fixture
def county_housing_officer(county: Organisation) -> User:
    """Sachbearbeitung Unterbringung of the Landratsamt: preliminary accommodation, assignments, intake obligations."""
    return UserFactory.create(username="unterbringung-lra", organisation=county, roles=[Role.UNTERBRINGUNG])


# The network directory and the info sheets.


@pytest.fixture
def network_editor(city: Organisation) -> User:
    """Volunteer coordination of the city: keeps the directory and the info sheets."""
    return UserFactory.create(username="netzwerk", organisation=city, roles=[Role.EHRENAMTSKOORDINATION])


@pytest.fixture
def network_coordinator(org_a: Organisation) -> User:
    """Volunteer coordination of organisation A: keeps the network directory and the info sheets."""
    return UserFactory.create(username="ehrenamt-a", organisation=org_a, roles=[Role.EHRENAMTSKOORDINATION])


@pytest.fixture
def volunteer_coordinator_a(org_a: Organisation) -> User:
    """Volunteer coordination of organisation A: its volunteers, sponsorship programmes and interpreter pool."""
    return UserFactory.create(username="koordination-a", organisation=org_a, roles=[Role.EHRENAMTSKOORDINATION])


@pytest.fixture
def volunteer_coordinator_b(org_b: Organisation) -> User:
    """Volunteer coordination of organisation B, which holds the capability but sees none of A's records."""
    return UserFactory.create(username="koordination-b", organisation=org_b, roles=[Role.EHRENAMTSKOORDINATION])


@pytest.fixture
def housing_staff_a(org_a: Organisation) -> User:
    """Housing acquisition of organisation A: its landlords, flat offers, matching and placements."""
    return UserFactory.create(username="wohnraum-a", organisation=org_a, roles=[Role.WOHNRAUM])


@pytest.fixture
def housing_staff_b(org_b: Organisation) -> User:
    """Housing acquisition of organisation B, which holds the capability but sees none of A's records."""
    return UserFactory.create(username="wohnraum-b", organisation=org_b, roles=[Role.WOHNRAUM])


@pytest.fixture
def network_keeper(org_a: Organisation) -> User:
    """A user an administrator gave the role Netzwerkpflege (the admin-defined editor group)."""
    return UserFactory.create(username="netzwerkpflege", organisation=org_a, roles=[Role.NETZWERKPFLEGE])


@pytest.fixture
def network_admin(sysadmin: User) -> User:
    """The system administrator, who alone keeps the categories of the network."""
    return sysadmin


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client
