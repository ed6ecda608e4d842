"""Two bookings of the last place at the same moment: exactly one succeeds, the other gets a message.

Each booking runs in its own thread with its own database connection and
transaction, as two gunicorn workers would.
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

from lotse.accommodation import services
from lotse.accommodation.models import Occupancy, Shelter
from lotse.core.models import Organisation, User
from lotse.people.models import HousingRecord, Person

pytestmark = pytest.mark.django_db(transaction=True)

DAY = datetime.date(2025, 3, 1)
NO_PLACE = "No place is free in Oststadt, Fuchshofstraße from 03/01/2025 on."


def in_thread(target: Callable[[], Any], results: dict[str, Any], key: str) -> threading.Thread:
    def run() -> None:
        try:
            with translation.override("en"):
                results[key] = target()
        except ValidationError as error:
            results[key] = error.messages
        except Exception as error:  # pragma: no cover - reported by the assertion below
            results[key] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def fill_but_one(shelter: Shelter, city: Organisation) -> tuple[Person, Person]:
    for n in range(3):
        person = services.register_resident(acting_user=None, organisation=city, family_name=f"Bewohner {n}")
        services.move_in(acting_user=None, shelter=shelter, person=person, on=DAY)
    return (
        services.register_resident(acting_user=None, organisation=city, family_name="Erste"),
        services.register_resident(acting_user=None, organisation=city, family_name="Zweite"),
    )


def test_the_second_booking_of_the_last_place_waits_for_the_first_and_is_refused(
    follow_up_shelter: Shelter, housing_officer: User, colleague_housing_officer: User, city: Organisation
) -> None:
    first, second = fill_but_one(follow_up_shelter, city)
    booked, release = threading.Event(), threading.Event()
    results: dict[str, Any] = {}

    def book_and_hold() -> Occupancy:
        with transaction.atomic():
            stay = services.move_in(acting_user=housing_officer, shelter=follow_up_shelter, person=first, on=DAY)
            booked.set()
            # The first transaction holds its lock until the second is certainly waiting for it.
            assert release.wait(10)
            return stay

    holder = in_thread(book_and_hold, results, "first")
    assert booked.wait(10)
    contender = in_thread(
        lambda: services.move_in(
            acting_user=colleague_housing_officer, shelter=follow_up_shelter, person=second, on=DAY
        ),
        results,
        "second",
    )
    contender.join(0.5)
    assert contender.is_alive(), "the second booking must wait for the first one's lock"
    release.set()
    holder.join(10)
    contender.join(10)

    assert isinstance(results["first"], Occupancy)
    assert results["second"] == [NO_PLACE]
    assert Occupancy.objects.filter(place__shelter=follow_up_shelter).count() == 4
    assert list(Occupancy.objects.filter(person__in=[first, second]).values_list("person", flat=True)) == [first.pk]
    assert not HousingRecord.objects.filter(person=second).exists()


def test_of_two_simultaneous_bookings_of_the_last_place_exactly_one_succeeds(
    follow_up_shelter: Shelter, housing_officer: User, colleague_housing_officer: User, city: Organisation
) -> None:
    first, second = fill_but_one(follow_up_shelter, city)
    start = threading.Barrier(2)
    results: dict[str, Any] = {}

    def book(acting_user: User, person: Person) -> Callable[[], Occupancy]:
        def run() -> Occupancy:
            start.wait(10)
            return services.move_in(acting_user=acting_user, shelter=follow_up_shelter, person=person, on=DAY)

        return run

    threads = [
        in_thread(book(housing_officer, first), results, "first"),
        in_thread(book(colleague_housing_officer, second), results, "second"),
    ]
    for thread in threads:
        thread.join(20)

    outcomes = sorted(type(value).__name__ for value in results.values())
    assert outcomes == ["Occupancy", "list"], results
    refused = next(value for value in results.values() if isinstance(value, list))
    assert refused == [NO_PLACE]
    assert Occupancy.objects.filter(place__shelter=follow_up_shelter, move_out__isnull=True).count() == 4


@pytest.fixture
def second_shelter(city: Organisation, follow_up_shelter: Shelter) -> Shelter:
    return services.create_shelter(
        acting_user=None,
        organisation=city,
        places=4,
        places_from=follow_up_shelter.places.first().available_from,  # type: ignore[union-attr]
        name="Weststadt, Aldinger Straße",
        kind=follow_up_shelter.kind,
        municipality=follow_up_shelter.municipality,
    )


def test_moves_in_opposite_directions_do_not_wait_for_each_other(
    follow_up_shelter: Shelter,
    second_shelter: Shelter,
    housing_officer: User,
    colleague_housing_officer: User,
    city: Organisation,
) -> None:
    """A → B and B → A at the same moment: neither booking locks the other's shelter, so none deadlocks."""
    east, west = (
        services.register_resident(acting_user=None, organisation=city, family_name=name) for name in ("Ost", "West")
    )
    services.move_in(acting_user=None, shelter=follow_up_shelter, person=east, on=DAY)
    services.move_in(acting_user=None, shelter=second_shelter, person=west, on=DAY)
    later = DAY + datetime.timedelta(days=30)
    booked, release = threading.Event(), threading.Event()
    results: dict[str, Any] = {}

    def move_east_west_and_hold() -> Occupancy:
        with transaction.atomic():
            stay = services.move_in(acting_user=housing_officer, shelter=second_shelter, person=east, on=later)
            booked.set()
            assert release.wait(10)
            return stay

    holder = in_thread(move_east_west_and_hold, results, "east")
    assert booked.wait(10)
    contender = in_thread(
        lambda: services.move_in(
            acting_user=colleague_housing_officer, shelter=follow_up_shelter, person=west, on=later
        ),
        results,
        "west",
    )
    contender.join(10)
    # The opposite move finished while the first one still held its transaction open.
    assert not contender.is_alive(), "the move B → A waited for the move A → B"
    release.set()
    holder.join(10)

    assert isinstance(results["east"], Occupancy) and isinstance(results["west"], Occupancy), results
    open_stays = Occupancy.objects.filter(move_out__isnull=True).select_related("place__shelter")
    assert {(o.person_id, o.place.shelter_id) for o in open_stays} == {
        (east.pk, second_shelter.pk),
        (west.pk, follow_up_shelter.pk),
    }


def test_one_person_moved_into_two_shelters_at_once_gets_the_reason(
    follow_up_shelter: Shelter,
    second_shelter: Shelter,
    housing_officer: User,
    colleague_housing_officer: User,
    city: Organisation,
) -> None:
    person = services.register_resident(acting_user=None, organisation=city, family_name="Haddad", given_names="Rami")
    booked, release = threading.Event(), threading.Event()
    results: dict[str, Any] = {}

    def book_and_hold() -> Occupancy:
        with transaction.atomic():
            stay = services.move_in(acting_user=housing_officer, shelter=follow_up_shelter, person=person, on=DAY)
            booked.set()
            assert release.wait(10)
            return stay

    holder = in_thread(book_and_hold, results, "first")
    assert booked.wait(10)
    contender = in_thread(
        lambda: services.move_in(acting_user=colleague_housing_officer, shelter=second_shelter, person=person, on=DAY),
        results,
        "second",
    )
    contender.join(0.5)
    release.set()
    holder.join(10)
    contender.join(10)

    assert isinstance(results["first"], Occupancy)
    assert results["second"] == ["Haddad, Rami already has a stay that overlaps 03/01/2025."]
    assert list(Occupancy.objects.filter(person=person).values_list("place__shelter", flat=True)) == [
        follow_up_shelter.pk
    ]
