"""The start page of the accommodation staff: places and occupancy today in their shelters."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from lotse.accommodation import services as accommodation_services
from lotse.accommodation.models import Shelter
from lotse.conftest import client_for
from lotse.core.tests.test_start_page import facts

pytestmark = pytest.mark.django_db


def test_the_housing_officer_sees_places_and_occupancy_of_her_shelters(housing_officer, follow_up_shelter: Shelter):
    person = accommodation_services.register_resident(
        acting_user=housing_officer, organisation=housing_officer.organisation, family_name="Bewohner"
    )
    accommodation_services.move_in(
        acting_user=housing_officer, shelter=follow_up_shelter, person=person, on=datetime.date(2025, 3, 1)
    )
    shown = facts(client_for(housing_officer).get(reverse("core:start")).content.decode())
    assert shown["Unterkünfte"] == "1"
    assert shown["Belegt"] == "1"
    assert int(shown["Plätze"]) == int(shown["Belegt"]) + int(shown["Frei"])
