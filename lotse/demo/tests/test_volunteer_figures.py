"""The demo's programme "Willkommen in Ludwigsburg" has the shape of the council paper's WiL figures.

The city's volunteer coordination (stadt-lb) counted from the programme's start to the day of loading: 35
sponsors, all trained, about half with their own migration experience; 130 newcomers reached, over 50 children,
from 24 countries (docs/ehrenamt.md). The demo's volunteering part is built by its own module; this test holds
it to the figures.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from lotse.core.models import Organisation
from lotse.volunteers.figures import volunteer_figures


def test_it_reproduces_the_shape_of_the_wil_figures(demo: str) -> None:
    city = Organisation.objects.get(short_name="stadt-lb")

    figures = volunteer_figures(timezone.localdate(), None, city)

    assert figures.paten_im_zeitraum == 35
    assert figures.paten_geschult == 35
    assert figures.neuzugewanderte == 130
    assert figures.neuzugewanderte_kinder > 50
    assert figures.herkunftslaender == 24
    assert figures.anteil_migrationserfahrung is not None
    assert abs(figures.anteil_migrationserfahrung - Decimal(50)) <= 5
    assert all(figures.patenschaften_nach_stand.values()), "sponsorships in every state"
    assert set(figures.dolmetschanfragen_nach_sprache) >= {"ara", "prs", "fas", "kmr", "tir", "tur", "ukr", "rus"}
