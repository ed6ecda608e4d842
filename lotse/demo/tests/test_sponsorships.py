"""The demo programme "Willkommen in Ludwigsburg": the shape of the council paper's figures (the demo of conftest)."""

from __future__ import annotations

from collections import Counter

import pytest
from django.urls import reverse
from django.utils import timezone

from lotse.conftest import client_for
from lotse.core.models import User
from lotse.demo.sponsorships import PROGRAMME, WAITING, load_demo_sponsorships
from lotse.people.models import Person
from lotse.volunteers.choices import EndReason, SponsorshipState
from lotse.volunteers.models import Participation, Programme, Sponsorship, Volunteer

pytestmark = pytest.mark.django_db


def test_it_builds_the_wil_programme_in_the_shape_of_the_council_paper(demo):
    programme = Programme.objects.get(organisation__short_name="stadt-lb", name=PROGRAMME)
    today = timezone.localdate()
    newcomers = Person.objects.filter(household_memberships__household__participations__programme=programme).distinct()
    # The 130 reached (the figures count them, test_volunteer_figures) and the households that joined lately.
    assert newcomers.count() == 130 + sum(size for size, _children in WAITING)
    assert sum(1 for person in newcomers if (person.age_on(today) or 99) < 18) > 50
    assert len({code for person in newcomers for code in person.nationalities}) == 24
    sponsors = Volunteer.objects.filter(sponsorships__participation__programme=programme).distinct()
    assert sponsors.count() == 35
    assert sponsors.filter(migration_experience=True).count() in range(15, 21)
    sponsorships = Sponsorship.objects.filter(participation__programme=programme)
    assert set(sponsorships.values_list("state", flat=True)) == set(SponsorshipState.values)
    assert set(sponsorships.exclude(end_reason="").values_list("end_reason", flat=True)) == set(EndReason.values)
    waiting = Participation.objects.filter(programme=programme).exclude(
        sponsorships__state__in=["angefragt", "kennenlernen", "aktiv"]
    )
    assert waiting.count() >= 5
    assert sponsorships.filter(next_check_in__lte=today).exclude(state="beendet").exists()
    # Every step of every sponsorship is on record.
    steps = Counter(sponsorships.values_list("steps__state", flat=True))
    assert steps["angefragt"] == sponsorships.count()


def test_it_loads_the_programme_once(demo):
    before = Sponsorship.objects.count(), Person.objects.count()
    assert load_demo_sponsorships(timezone.localdate()) == {"created": 0}
    assert (Sponsorship.objects.count(), Person.objects.count()) == before


def test_its_coordinator_sees_the_programme_and_the_proposal(demo):
    coordinator = User.objects.get(username="ehrenamt")
    programme = Programme.objects.get(organisation=coordinator.organisation, name=PROGRAMME)
    client = client_for(coordinator)
    page = client.get(reverse("volunteers:programme_detail", args=[programme.pk]))
    assert page.status_code == 200
    proposal = client.get(reverse("volunteers:programme_proposal", args=[programme.pk]))
    assert proposal.status_code == 200
    assert proposal.context["rows"], "the waiting households get proposals"
