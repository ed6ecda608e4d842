"""Shared fixtures: the named personas every test speaks of.

Two organisations, A (a welfare association) and B (another one), and the
county's Landratsamt. Each persona is a user with one role, so a test reads
like the situation it checks: the caseworker of A, the org admin of A, ...
"""

from __future__ import annotations

import pytest
from django.test import Client

from lotse.core.choices import OrganisationKind, Role
from lotse.core.models import Organisation, User
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
def org_admin_b(org_b) -> User:
    return UserFactory.create(username="orgadmin-b", organisation=org_b, roles=[Role.ORGANISATIONSADMINISTRATION])


@pytest.fixture
def statistician(county) -> User:
    return UserFactory.create(username="statistik", organisation=county, roles=[Role.STATISTIK])


@pytest.fixture
def sysadmin(county) -> User:
    return UserFactory.create(username="sysadmin", organisation=county, roles=[Role.SYSTEMADMINISTRATION])


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client
