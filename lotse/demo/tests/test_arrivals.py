"""The responsibilities of the demo county (lotse.demo.arrivals)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from lotse.arrivals.models import Responsibility
from lotse.arrivals.queries import responsible_organisations
from lotse.core.models import Municipality
from lotse.demo import data
from lotse.demo.arrivals import load_demo_responsibilities


@pytest.mark.django_db
def test_it_covers_every_demo_municipality_once_and_creates_nothing_the_second_time(demo: str):
    assert "Demo responsibilities for integration management: 40 created." in demo
    assert Responsibility.objects.count() == len(data.MUNICIPALITIES) + 1
    assert load_demo_responsibilities() == 0
    assert Responsibility.objects.count() == len(data.MUNICIPALITIES) + 1
    today = timezone.localdate()
    for municipality in Municipality.objects.filter(ags__in=[ags for ags, _name in data.MUNICIPALITIES]):
        assert len(responsible_organisations(municipality, today)) == 1, municipality.name
    ludwigsburg = Municipality.objects.get(name="Ludwigsburg")
    assert [o.short_name for o in responsible_organisations(ludwigsburg, today)] == ["caritas-lb"]
    assert [o.short_name for o in responsible_organisations(ludwigsburg, today, "Grünbühl-Sonnenberg")] == ["awo-lb"]
    affalterbach = Municipality.objects.get(name="Affalterbach")
    assert [o.short_name for o in responsible_organisations(affalterbach, today)] == ["lra-lb"]
