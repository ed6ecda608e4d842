"""The demo city's volunteer interpreter pool (lotse.demo.interpreting)."""

from __future__ import annotations

import datetime

import pytest
from django.db.models import Count, Sum

from lotse.demo.interpreting import LANGUAGES, load_demo_interpreting
from lotse.volunteers import interpreting_queries as queries
from lotse.volunteers.choices import INTERPRETING_PROFICIENCIES, BookingState, InterpretingState
from lotse.volunteers.models import InterpreterBooking, InterpreterPool, InterpreterRequest, VolunteerLanguage


@pytest.mark.django_db
def test_the_city_pool_has_requests_in_every_state_and_language_from_casework_and_shelters(demo: str):
    assert "Demo interpreter pool:" in demo
    pool = InterpreterPool.objects.get(organisation__short_name="stadt-lb")
    assert "Ludwigsburg" in set(pool.municipalities.values_list("name", flat=True))
    requests = InterpreterRequest.objects.filter(pool=pool)
    assert set(requests.values_list("state", flat=True)) == set(InterpretingState.values)
    assert set(requests.values_list("language", flat=True)) == set(LANGUAGES)
    origins = set(requests.values_list("requesting_organisation__short_name", flat=True))
    assert {"caritas-lb", "awo-lb", "stadt-lb"} <= origins
    assert requests.filter(shelter__isnull=False).exists() and requests.filter(case__isnull=False).exists()
    assert not requests.filter(requested_by__isnull=True).exists()
    # Every booking went to a volunteer of the city who speaks the language well enough.
    for booking in InterpreterBooking.objects.filter(request__pool=pool).select_related("request", "volunteer"):
        assert booking.volunteer.organisation_id == pool.organisation_id
        assert VolunteerLanguage.objects.filter(
            volunteer=booking.volunteer, language=booking.request.language, proficiency__in=INTERPRETING_PROFICIENCIES
        ).exists()
    assert load_demo_interpreting() == {"requests": 0}
    assert InterpreterRequest.objects.filter(pool=pool).count() == requests.count()


@pytest.mark.django_db
def test_the_statements_add_up_the_held_appointments(demo: str):
    pool = InterpreterPool.objects.get(organisation__short_name="stadt-lb")
    held = InterpreterBooking.objects.filter(request__pool=pool, state=BookingState.HELD)
    month = held.order_by("starts_at").first().starts_at.date().replace(day=1)  # type: ignore[union-attr]
    rows = queries.statements(pool.organisation_id, month)
    since, until = queries.month_bounds(month)
    expected = held.filter(starts_at__gte=since, starts_at__lt=until).aggregate(n=Count("pk"), m=Sum("actual_minutes"))
    assert sum(r.appointments for r in rows) == expected["n"] > 0
    assert sum(r.minutes for r in rows) == expected["m"]
    assert month < datetime.date.today()
