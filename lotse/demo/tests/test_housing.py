"""The demo's housing acquisition (lotse.demo.housing): the county's rent limits, landlords and about 40 offers over
two years, 80 searching households of the casework demo, and the placements with their leases, all through the
services (the demo of conftest)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from lotse.conftest import client_for
from lotse.core.models import Municipality, User
from lotse.demo.housing import load_demo_housing
from lotse.housing.choices import OfferStatus, PlacementState, SearchStatus
from lotse.housing.models import FlatOffer, Landlord, LandlordSupport, Placement, RentLimit, SearchProfile
from lotse.housing.placement_services import current_members
from lotse.people.models import HousingRecord

pytestmark = pytest.mark.django_db


def test_it_builds_the_housing_of_the_county_through_the_services(demo):
    assert "Demo housing:" in demo
    today = timezone.localdate()
    # Limits for household sizes 1 to 8 in every municipality, a newer set from July 2026.
    assert RentLimit.objects.order_by().values("municipality").distinct().count() == Municipality.objects.count()
    assert set(RentLimit.objects.values_list("household_size", flat=True)) == set(range(1, 9))
    assert RentLimit.objects.filter(valid_from=datetime.date(2026, 7, 1)).exists()
    offers = FlatOffer.objects.all()
    assert offers.count() == 40
    assert offers.order_by().values("municipality").distinct().count() >= 8
    assert min(offers.values_list("acquired_on", flat=True)) <= today - datetime.timedelta(days=700)
    assert {"vermittelt", "geprueft", "zurueckgezogen"} <= set(offers.values_list("status", flat=True))
    assert Landlord.objects.count() >= 15
    assert LandlordSupport.objects.filter(kind="mietausfallgarantie").exists()
    assert SearchProfile.objects.count() == 80
    placements = Placement.objects.all()
    assert {PlacementState.LEASE, PlacementState.REFUSED, PlacementState.PROPOSED} <= set(
        placements.values_list("state", flat=True)
    )
    assert not placements.filter(state=PlacementState.REFUSED, refusal_reason="").exists()
    # Every lease recorded the private tenancy of every member of the household (from its first day).
    leases = placements.filter(state=PlacementState.LEASE).select_related("profile")
    assert leases.count() >= 15
    for lease in leases:
        assert lease.profile.status == SearchStatus.HOUSED and lease.offer.status == OfferStatus.PLACED
        assert lease.lease_starts_on is not None
        if lease.lease_starts_on <= today:
            for person in current_members(lease.profile):
                assert HousingRecord.objects.filter(
                    person=person, valid_from=lease.lease_starts_on, situation="privater_mietvertrag"
                ).exists(), person
    assert load_demo_housing(today=today) == {"created": 0}
    assert FlatOffer.objects.count() == 40


def test_the_citys_housing_staff_find_households_for_the_open_flats(demo):
    staff = User.objects.get(username="wohnraum")
    client = client_for(staff)
    assert client.get(reverse("housing:offer_list")).status_code == 200
    # The households of other organisations' cases come to the city by the client's consent.
    visible = SearchProfile.objects.visible_to(staff)
    assert visible.exclude(organisation=staff.organisation).exists()
    page = client.get(reverse("housing:proposal"))
    assert page.status_code == 200
