"""Two bookings of one interpreter for overlapping appointments at the same moment: the database lets exactly one
through, the other is told in German; two bookings for one request: the second waits and is refused.

Each booking runs in its own thread with its own database connection and transaction, as two gunicorn workers
would (the pattern of lotse/accommodation/tests/test_concurrency.py).
"""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import translation

from lotse.volunteers import interpreting_services as services
from lotse.volunteers.choices import InterpretingState
from lotse.volunteers.models import InterpreterBooking, InterpreterRequest
from lotse.volunteers.tests.interpreting_world import TUESDAY_10, a_request, interpreter, pool_of

pytestmark = pytest.mark.django_db(transaction=True)

OVERLAP = "Die dolmetschende Person hat zu dieser Zeit bereits einen anderen Termin."


def in_thread(target: Callable[[], Any], results: dict[str, Any], key: str) -> threading.Thread:
    def run() -> None:
        try:
            with translation.override("de"):
                results[key] = target()
        except ValidationError as error:
            with translation.override("de"):
                results[key] = [str(m) for m in error.messages]
        except Exception as error:  # pragma: no cover - reported by the assertion below
            results[key] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_of_two_simultaneous_overlapping_bookings_of_one_interpreter_exactly_one_succeeds(
    org_a, volunteer_coordinator_a, caseworker_a
) -> None:
    pool = pool_of(org_a, requesters_may_book=True)
    laila = interpreter(org_a)
    first = a_request(pool, org_a)
    second = a_request(pool, org_a, starts_at=TUESDAY_10 + datetime.timedelta(minutes=30))
    start = threading.Barrier(2)
    results: dict[str, Any] = {}

    def book(acting_user: Any, request: InterpreterRequest) -> Callable[[], InterpreterBooking]:
        def run() -> InterpreterBooking:
            start.wait(10)
            return services.book_interpreter(acting_user=acting_user, request=request, volunteer=laila, notify=False)

        return run

    threads = [
        in_thread(book(volunteer_coordinator_a, first), results, "first"),
        in_thread(book(caseworker_a, second), results, "second"),
    ]
    for thread in threads:
        thread.join(20)

    outcomes = sorted(type(value).__name__ for value in results.values())
    assert outcomes == ["InterpreterBooking", "list"], results
    refused = next(value for value in results.values() if isinstance(value, list))
    assert refused == [OVERLAP]
    assert InterpreterBooking.objects.filter(volunteer=laila).count() == 1
    states = sorted(InterpreterRequest.objects.values_list("state", flat=True))
    assert states == sorted([InterpretingState.ASKED, InterpretingState.OPEN])


def test_the_second_booking_of_one_request_waits_for_the_first_and_is_refused(org_a, volunteer_coordinator_a) -> None:
    pool = pool_of(org_a)
    laila, mariam = interpreter(org_a), interpreter(org_a, "Sultani")
    request = a_request(pool, org_a)
    booked, release = threading.Event(), threading.Event()
    results: dict[str, Any] = {}

    def book_and_hold() -> InterpreterBooking:
        with transaction.atomic():
            booking = services.book_interpreter(
                acting_user=volunteer_coordinator_a, request=request, volunteer=laila, notify=False
            )
            booked.set()
            assert release.wait(10)
            return booking

    holder = in_thread(book_and_hold, results, "first")
    assert booked.wait(10)
    contender = in_thread(
        lambda: services.book_interpreter(
            acting_user=volunteer_coordinator_a, request=request, volunteer=mariam, notify=False
        ),
        results,
        "second",
    )
    contender.join(0.5)
    assert contender.is_alive(), "the second booking must wait for the first one's lock"
    release.set()
    holder.join(10)
    contender.join(10)

    assert isinstance(results["first"], InterpreterBooking)
    assert results["second"] == ["Dolmetscher:innen können nur für eine offene Anfrage gebucht werden."]
    assert list(InterpreterBooking.objects.values_list("volunteer", flat=True)) == [laila.pk]
