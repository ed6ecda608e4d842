"""The housing panel of the start page: the housing staff's open flats, searching households, placements and the
viewings of the coming week; nothing for an organisation without flats or searches."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from lotse.conftest import client_for
from lotse.core.tests.factories import MunicipalityFactory
from lotse.core.tests.test_start_page import facts
from lotse.housing import placement_services
from lotse.housing.choices import Accompaniment
from lotse.housing.tests import housing_world as hw

pytestmark = pytest.mark.django_db


def test_the_housing_staff_see_their_open_flats_searches_and_viewings(
    org_a, housing_staff_a, housing_staff_b, caseworker_a
):
    town = MunicipalityFactory.create(name="Ludwigsburg")
    flat = hw.offer(org_a, town)
    hw.offer(org_a, town, street="Marktplatz 1")
    case = hw.household_case(org_a, town)
    profile = hw.search(case)
    placement = placement_services.propose(acting_user=housing_staff_a, offer=flat, profile=profile)
    placement_services.schedule_viewing(
        acting_user=housing_staff_a,
        placement=placement,
        expected_version=placement.version,
        viewing_at=timezone.now() + datetime.timedelta(days=2),
        accompanied_by=Accompaniment.HOUSING_STAFF,
        accompanying_person="Frau Scholz",
    )
    shown = facts(client_for(housing_staff_a).get(reverse("core:start")).content.decode())
    assert {
        key: shown[key]
        for key in (
            "Offene Wohnungsangebote",
            "Suchende Haushalte",
            "Laufende Vermittlungen",
            "Besichtigungen in den nächsten 7 Tagen",
        )
    } == {
        "Offene Wohnungsangebote": "2",
        "Suchende Haushalte": "1",
        "Laufende Vermittlungen": "1",
        "Besichtigungen in den nächsten 7 Tagen": "1",
    }
    assert "Offene Wohnungsangebote" not in facts(
        client_for(housing_staff_b).get(reverse("core:start")).content.decode()
    )
