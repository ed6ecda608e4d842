"""The capability table itself: who holds what is written down here once more, so a changed row is a decision.

The URL matrix and the navigation derive their expectations from the table;
this test is what notices when the table itself changes.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from lotse.core.access import CAPABILITIES, Capability, can, require
from lotse.core.choices import Role
from lotse.core.tests.factories import UserFactory

IM, TL, UB, EK, ST, OA, SA, NP, WR = (
    Role.INTEGRATIONSMANAGEMENT,
    Role.TEAMLEITUNG,
    Role.UNTERBRINGUNG,
    Role.EHRENAMTSKOORDINATION,
    Role.STATISTIK,
    Role.ORGANISATIONSADMINISTRATION,
    Role.SYSTEMADMINISTRATION,
    Role.NETZWERKPFLEGE,
    Role.WOHNRAUM,
)
EXPECTED = {
    Capability.SIGNED_IN: {IM, TL, UB, EK, ST, OA, SA, NP, WR},
    Capability.SEE_COLLEAGUES: {IM, TL, UB, EK, OA, SA, NP, WR},
    Capability.CASEWORK: {IM, TL},
    Capability.LEAD_TEAM: {TL},
    Capability.MERGE_PERSONS: {TL},
    Capability.KEY_FIGURES: {ST, TL, SA},
    Capability.KEY_FIGURES_OF_ALL: {ST, SA},
    Capability.SHELTER_NUMBERS: {UB, ST, SA},
    Capability.SHELTER_NUMBERS_OF_ALL: {ST, SA},
    Capability.MANAGE_SHELTERS: {UB},
    Capability.ASSIGN: {UB},
    Capability.EDIT_NETWORK: {SA, EK, NP},
    Capability.KEEP_CATEGORIES: {SA},
    Capability.ADMINISTER_USERS: {OA, SA},
    Capability.ADMINISTER_INSTALLATION: {SA},
    Capability.IMPORT_WORKBOOKS: {OA, SA},
    Capability.READ_AUDIT: {OA, SA},
    Capability.READ_RESPONSIBILITIES: {IM, TL, UB, SA},
    Capability.MANAGE_RESPONSIBILITIES: {SA},
    Capability.RECEIVE_ARRIVALS: {IM, TL},
    Capability.HAND_OVER_FROM_SHELTER: {UB},
    Capability.MONITOR_PRELIMINARY_ACCOMMODATION: {UB},
    Capability.COORDINATE_VOLUNTEERS: {EK},
    Capability.REQUEST_INTERPRETER: {IM, TL, UB},
    Capability.VOLUNTEER_FIGURES: {EK, ST, SA},
    Capability.HOUSING: {WR, IM, TL},
    Capability.KEEP_RENT_LIMITS: {WR, SA},
    Capability.HOUSING_FIGURES: {WR, TL, ST, SA},
}


def test_it_gives_each_capability_exactly_the_roles_decided():
    assert {capability: set(row.roles) for capability, row in CAPABILITIES.items()} == EXPECTED


def test_it_has_a_german_refusal_for_every_capability():
    for capability, row in CAPABILITIES.items():
        with translation.override("en"):
            english = str(row.refusal)
        with translation.override("de"):
            assert str(row.refusal) != english, capability


@pytest.mark.django_db
def test_it_refuses_an_inactive_user_and_one_of_another_organisation(org_a, org_b):
    caseworker = UserFactory.create(organisation=org_a, roles=[IM])
    require(caseworker, Capability.CASEWORK, organisation_id=org_a.pk)
    with pytest.raises(ValidationError, match="Nur der für den Fall zuständige Träger darf ihn ändern"):
        require(caseworker, Capability.CASEWORK, organisation_id=org_b.pk)
    caseworker.is_active = False
    assert not can(caseworker, Capability.CASEWORK)
    with pytest.raises(ValidationError):
        require(caseworker, Capability.CASEWORK, organisation_id=org_a.pk)
    require(None, Capability.CASEWORK, organisation_id=org_b.pk)  # a management command acts for the installation
