"""The interpreter pool's rules: who is a candidate, the booking's life cycle, the signed answer link (expiry,
single use, tampering), the contact of a held appointment, and the monthly statement against hand counts."""

from __future__ import annotations

import datetime
import time
from decimal import Decimal
from unittest import mock

import pytest
import time_machine
from django.core import mail, signing
from django.core.exceptions import ValidationError
from django.utils import translation

from lotse.cases import services as case_services
from lotse.cases.choices import InterpreterKind
from lotse.core.tests.factories import MunicipalityFactory
from lotse.volunteers import interpreting_queries as queries
from lotse.volunteers import interpreting_services as services
from lotse.volunteers.choices import BookingState, InterpretingState, VolunteerStatus
from lotse.volunteers.models import InterpreterBooking, Requirement, Volunteer
from lotse.volunteers.tests.interpreting_world import (
    TUESDAY_10,
    ZONE,
    a_case,
    a_request,
    interpreter,
    pool_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def pool(org_a):
    return pool_of(org_a)


def german(error: ValidationError) -> list[str]:
    with translation.override("de"):
        return [str(message) for message in error.messages]


def refusal(call, **kwargs) -> list[str]:
    with translation.override("de"), pytest.raises(ValidationError) as caught:
        call(**kwargs)
    return caught.value.messages


def test_it_proposes_only_active_fluent_available_pledged_and_free_volunteers_of_the_pool(pool, org_a, org_b):
    fluent = interpreter(org_a, "Ahmadi", gender="m", languages={"prs": "fliessend"})
    preferred = interpreter(org_a, "Sultani", gender="w")
    interpreter(org_a, "Basic", languages={"prs": "gut"})
    interpreter(org_a, "Other", languages={"ara": "muttersprache"})
    interpreter(org_a, "Unpledged", pledge_on=None)
    interpreter(org_a, "Weekend", weekdays=["sa", "so"])
    interpreter(org_a, "Evenings", day_times=["abends"])
    interpreter(org_b, "Elsewhere")
    paused = interpreter(org_a, "Paused")
    Volunteer.objects.filter(pk=paused.pk).update(status=VolunteerStatus.PAUSED)
    busy = interpreter(org_a, "Busy")
    other = a_request(pool, org_a, starts_at=TUESDAY_10 + datetime.timedelta(minutes=30))
    services.book_interpreter(acting_user=None, request=other, volunteer=busy, notify=False)

    request = a_request(pool, org_a, preferred_gender="w")
    found = queries.candidates(request)

    assert [(c.volunteer.family_name, c.matches_preference) for c in found] == [("Sultani", True), ("Ahmadi", False)]
    assert {c.volunteer for c in found} == {fluent, preferred}
    assert services.candidate_refusal(request, busy) is None  # the overlap is the database's to refuse
    with translation.override("de"):
        assert services.candidate_refusal(request, Volunteer.objects.get(family_name="Unpledged")) == (
            "Die dolmetschende Person hat die Verpflichtung auf das Datengeheimnis nicht unterschrieben."
        )


def test_it_refuses_to_book_a_volunteer_who_is_no_candidate_and_changes_nothing(pool, org_a, volunteer_coordinator_a):
    weekend = interpreter(org_a, "Weekend", weekdays=["sa"])
    request = a_request(pool, org_a)
    messages = refusal(
        services.book_interpreter, acting_user=volunteer_coordinator_a, request=request, volunteer=weekend
    )
    assert messages == ["Die dolmetschende Person ist an diesem Wochentag oder zu dieser Tageszeit nicht verfügbar."]
    request.refresh_from_db()
    assert request.state == InterpretingState.OPEN
    assert not InterpreterBooking.objects.exists()


def test_the_database_refuses_an_overlapping_booking_with_a_german_message(pool, org_a, volunteer_coordinator_a):
    laila = interpreter(org_a)
    first = a_request(pool, org_a)
    second = a_request(pool, org_a, starts_at=TUESDAY_10 + datetime.timedelta(minutes=59))
    services.book_interpreter(acting_user=volunteer_coordinator_a, request=first, volunteer=laila, notify=False)
    # The candidate check passes (it leaves the overlap to the database), the exclusion constraint refuses.
    messages = refusal(
        services.book_interpreter, acting_user=volunteer_coordinator_a, request=second, volunteer=laila, notify=False
    )
    assert messages == ["Die dolmetschende Person hat zu dieser Zeit bereits einen anderen Termin."]
    second.refresh_from_db()
    assert second.state == InterpretingState.OPEN
    assert InterpreterBooking.objects.filter(volunteer=laila).count() == 1
    # Back to back is no overlap.
    third = a_request(pool, org_a, starts_at=TUESDAY_10 + datetime.timedelta(minutes=60))
    services.book_interpreter(acting_user=volunteer_coordinator_a, request=third, volunteer=laila, notify=False)


def test_the_database_holds_one_interpreter_at_a_time_per_request(pool, org_a, volunteer_coordinator_a):
    from django.db import IntegrityError, transaction

    laila, omar = interpreter(org_a), interpreter(org_a, family_name="Haddad")
    request = a_request(pool, org_a)
    booking = services.book_interpreter(
        acting_user=volunteer_coordinator_a, request=request, volunteer=laila, notify=False
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        InterpreterBooking.objects.create(
            request=request,
            volunteer=omar,
            state=BookingState.ASKED,
            starts_at=booking.starts_at,
            ends_at=booking.ends_at,
        )
    # Once the first declines, the next may be asked.
    services.record_answer(acting_user=volunteer_coordinator_a, booking=booking, accept=False)
    services.book_interpreter(acting_user=volunteer_coordinator_a, request=request, volunteer=omar, notify=False)
    assert InterpreterBooking.objects.filter(request=request, state=BookingState.ASKED).count() == 1


def test_only_the_coordinator_books_unless_the_pool_lets_the_requesters(
    pool, org_a, caseworker_a, volunteer_coordinator_a, volunteer_coordinator_b
):
    laila = interpreter(org_a)
    request = a_request(pool, org_a, acting_user=caseworker_a)
    expected = ["Nur die Koordination des Dolmetschdienstes darf Dolmetscher:innen buchen."]
    assert refusal(services.book_interpreter, acting_user=caseworker_a, request=request, volunteer=laila) == expected
    assert (
        refusal(services.book_interpreter, acting_user=volunteer_coordinator_b, request=request, volunteer=laila)
        == expected
    )
    services.save_pool(
        acting_user=volunteer_coordinator_a,
        organisation=org_a,
        name=pool.name,
        municipalities=pool.municipalities.all(),
        requesters_may_book=True,
    )
    request.refresh_from_db()
    booking = services.book_interpreter(acting_user=caseworker_a, request=request, volunteer=laila, notify=False)
    assert booking.booked_by == caseworker_a
    assert request.requested_by == caseworker_a


def test_it_mails_the_volunteer_in_german_with_what_they_need_and_a_link(
    pool, org_a, volunteer_coordinator_a, django_capture_on_commit_callbacks
):
    laila = interpreter(org_a)
    request = a_request(pool, org_a, place_kind="behoerde", place_address="Wilhelmstraße 11, Ludwigsburg")
    with django_capture_on_commit_callbacks(execute=True):
        booking = services.book_interpreter(
            acting_user=volunteer_coordinator_a, request=request, volunteer=laila, site_url="https://lotse.example/"
        )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["rahimi@example.org"]
    assert message.subject == "Dolmetschanfrage: Dari am 04.03.2031 10:00"
    assert "Sprache: Dari" in message.body
    assert "Zeitpunkt: Dienstag, 04.03.2031, 10:00–11:00" in message.body
    assert "Dolmetschdienst fragt, ob Sie bei diesem Termin dolmetschen können" in message.body
    assert "Ort: Behörde, Wilhelmstraße 11, Ludwigsburg" in message.body
    assert "Vorname der Klient:in: Amina" in message.body
    link = next(line for line in message.body.splitlines() if line.startswith("https://"))
    assert link.startswith(f"https://lotse.example/dolmetschdienst/antwort/{booking.pk}.{booking.link_nonce}:")
    assert services.booking_for_token(link.rstrip("/").rsplit("/", 1)[-1]) == booking
    assert "Haddad" not in message.body


def test_the_link_confirms_once_and_a_decline_opens_the_request_again(pool, org_a, volunteer_coordinator_a):
    laila, mariam = interpreter(org_a), interpreter(org_a, "Sultani")
    request = a_request(pool, org_a)
    booking = services.book_interpreter(acting_user=volunteer_coordinator_a, request=request, volunteer=laila)
    request.refresh_from_db()
    assert (request.state, booking.state) == (InterpretingState.ASKED, BookingState.ASKED)
    token = services.answer_token(booking)

    services.answer_through_link(token=token, accept=False)
    booking.refresh_from_db()
    request.refresh_from_db()
    assert (request.state, booking.state) == (InterpretingState.OPEN, BookingState.DECLINED)
    assert booking.link_used_at is not None
    with pytest.raises(services.LinkProblem) as used:
        services.answer_through_link(token=token, accept=True)
    assert used.value.reason == "used"
    booking.refresh_from_db()
    assert booking.state == BookingState.DECLINED

    second = services.book_interpreter(acting_user=volunteer_coordinator_a, request=request, volunteer=mariam)
    services.answer_through_link(token=services.answer_token(second), accept=True)
    request.refresh_from_db()
    assert request.state == InterpretingState.CONFIRMED
    # A declined booking no longer holds the time: Laila may be booked for an overlapping appointment.
    other = a_request(pool, org_a, starts_at=TUESDAY_10 + datetime.timedelta(minutes=15))
    services.book_interpreter(acting_user=volunteer_coordinator_a, request=other, volunteer=laila)


def test_a_link_expires_after_the_days_of_the_setting_and_at_the_appointment(pool, org_a, settings):
    settings.LOTSE_INTERPRETER_LINK_DAYS = 7
    laila = interpreter(org_a)
    booking = services.book_interpreter(acting_user=None, request=a_request(pool, org_a), volunteer=laila)
    eight_days_ago = signing.b62_encode(int(time.time()) - 8 * 24 * 3600)
    with mock.patch.object(signing.TimestampSigner, "timestamp", lambda self: eight_days_ago):
        old = services.answer_token(booking)
    six_days_ago = signing.b62_encode(int(time.time()) - 6 * 24 * 3600)
    with mock.patch.object(signing.TimestampSigner, "timestamp", lambda self: six_days_ago):
        recent = services.answer_token(booking)

    with pytest.raises(services.LinkProblem) as expired:
        services.answer_through_link(token=old, accept=True)
    assert expired.value.reason == "expired"
    assert services.booking_for_token(recent) == booking
    with (
        time_machine.travel(TUESDAY_10 + datetime.timedelta(minutes=1), tick=False),
        pytest.raises(services.LinkProblem) as begun,
    ):
        services.booking_for_token(recent)
    assert begun.value.reason == "expired"
    booking.refresh_from_db()
    assert (booking.state, booking.link_used_at) == (BookingState.ASKED, None)


def test_a_tampered_link_or_one_of_a_withdrawn_booking_changes_nothing(pool, org_a, volunteer_coordinator_a):
    laila = interpreter(org_a)
    request = a_request(pool, org_a)
    booking = services.book_interpreter(acting_user=None, request=request, volunteer=laila)
    token = services.answer_token(booking)
    value, _sep, signature = token.rpartition(":")
    other_pk = value.replace(f"{booking.pk}.", f"{booking.pk + 1}.", 1)
    forged = [
        token[:-1] + ("A" if token[-1] != "A" else "B"),
        f"{other_pk}:{signature}",
        signing.TimestampSigner(salt="another.salt").sign(f"{booking.pk}.{booking.link_nonce}"),
        signing.TimestampSigner(salt=services.LINK_SALT).sign(f"{booking.pk}.guessed"),
        "nonsense",
    ]
    for fake in forged:
        with pytest.raises(services.LinkProblem) as problem:
            services.answer_through_link(token=fake, accept=True)
        assert problem.value.reason == "invalid", fake
    services.withdraw_booking(acting_user=volunteer_coordinator_a, booking=booking)
    with pytest.raises(services.LinkProblem) as withdrawn:
        services.answer_through_link(token=token, accept=True)
    assert withdrawn.value.reason == "used"
    booking.refresh_from_db()
    request.refresh_from_db()
    assert (booking.state, booking.link_used_at, request.state) == (BookingState.WITHDRAWN, None, "offen")


def test_the_outcome_is_recorded_after_the_appointment_only(pool, org_a, volunteer_coordinator_a):
    laila = interpreter(org_a)
    request = a_request(pool, org_a)
    booking = services.book_interpreter(acting_user=None, request=request, volunteer=laila)
    services.record_answer(acting_user=volunteer_coordinator_a, booking=booking, accept=True)
    assert refusal(
        services.record_outcome, acting_user=volunteer_coordinator_a, booking=booking, held=True, actual_minutes=60
    ) == ["Der Termin hat noch nicht begonnen."]
    with time_machine.travel(TUESDAY_10 + datetime.timedelta(hours=2), tick=False):
        services.record_outcome(
            acting_user=volunteer_coordinator_a,
            booking=booking,
            held=True,
            actual_minutes=75,
            travel_minutes=20,
            travel_km=Decimal("7.5"),
        )
        booking.refresh_from_db()
        request.refresh_from_db()
        assert (request.state, booking.state, booking.actual_minutes, booking.travel_km) == (
            InterpretingState.HELD,
            BookingState.HELD,
            75,
            Decimal("7.5"),
        )
        services.record_outcome(acting_user=volunteer_coordinator_a, booking=booking, held=False, note="nicht da")
        booking.refresh_from_db()
        request.refresh_from_db()
        assert (request.state, booking.state, booking.actual_minutes) == (
            InterpretingState.CANCELLED,
            BookingState.CANCELLED,
            None,
        )


def test_requests_are_declined_by_the_pool_or_called_off_by_the_requesters(
    pool, org_a, caseworker_a, caseworker_b, volunteer_coordinator_a
):
    open_request = a_request(pool, org_a)
    services.decline_request(acting_user=volunteer_coordinator_a, request=open_request)
    open_request.refresh_from_db()
    assert open_request.state == InterpretingState.DECLINED
    assert refusal(services.decline_request, acting_user=volunteer_coordinator_a, request=open_request) == [
        "Nur eine offene Anfrage kann abgelehnt werden."
    ]
    booked = a_request(pool, org_a)
    booking = services.book_interpreter(acting_user=None, request=booked, volunteer=interpreter(org_a))
    assert refusal(services.cancel_request, acting_user=caseworker_b, request=booked)
    services.cancel_request(acting_user=caseworker_a, request=booked)
    booked.refresh_from_db()
    booking.refresh_from_db()
    assert (booked.state, booking.state) == (InterpretingState.CANCELLED, BookingState.CANCELLED)


def test_a_held_appointment_links_the_volunteer_interpreted_contact_of_its_case(
    pool, org_a, caseworker_a, caseworker_b, volunteer_coordinator_a
):
    municipality = MunicipalityFactory.create()
    case = a_case(org_a, caseworker_a, municipality)
    other_case = a_case(org_a, caseworker_a, municipality)
    request = a_request(pool, org_a, case=case, acting_user=caseworker_a)
    booking = services.book_interpreter(acting_user=None, request=request, volunteer=interpreter(org_a))
    services.record_answer(acting_user=None, booking=booking, accept=True)

    def contact(on_case, kind=InterpreterKind.VOLUNTEER):
        return case_services.record_contact(
            acting_user=caseworker_a,
            case=on_case,
            date=datetime.date(2031, 3, 4),
            duration_minutes=60,
            form="buero",
            interpreter_kind=kind,
            interpreter_language="prs" if kind != InterpreterKind.NONE else "",
        )

    with time_machine.travel(TUESDAY_10 + datetime.timedelta(hours=2), tick=False):
        right, professional = contact(case), contact(case, InterpreterKind.PROFESSIONAL)
        elsewhere = contact(other_case)
        assert refusal(services.link_contact, acting_user=caseworker_a, booking=booking, contact=right) == [
            "Nur ein durchgeführter Termin kann mit einem Kontakt verknüpft werden."
        ]
        services.record_outcome(acting_user=None, booking=booking, held=True, actual_minutes=60)
    booking.refresh_from_db()
    assert refusal(services.link_contact, acting_user=caseworker_a, booking=booking, contact=professional) == [
        "Der Kontakt wurde nicht mit ehrenamtlicher Dolmetschung erfasst."
    ]
    assert refusal(services.link_contact, acting_user=caseworker_a, booking=booking, contact=elsewhere) == [
        "Der Kontakt muss zu dem Fall gehören, für den die Dolmetschung angefragt wurde."
    ]
    assert refusal(services.link_contact, acting_user=caseworker_b, booking=booking, contact=right)
    services.link_contact(acting_user=caseworker_a, booking=booking, contact=right)
    booking.refresh_from_db()
    assert booking.contact == right
    assert right.interpreter_booking == booking


def test_the_monthly_statement_counts_held_appointments_hours_and_kilometres(pool, org_a):
    laila, mariam = interpreter(org_a), interpreter(org_a, "Sultani")
    # Laila: three held in March (60 + 90 + 45 minutes, 5.5 + 12 + 0 km), one cancelled in March, one held in
    # April; Mariam: one held in March (120 minutes, no travel).
    plan = [
        (laila, datetime.datetime(2031, 3, 4, 10, 0, tzinfo=ZONE), True, 60, 20, "5.5"),
        (laila, datetime.datetime(2031, 3, 11, 10, 0, tzinfo=ZONE), True, 90, 30, "12.0"),
        (laila, datetime.datetime(2031, 3, 31, 23, 30, tzinfo=ZONE), True, 45, None, None),
        (laila, datetime.datetime(2031, 3, 18, 10, 0, tzinfo=ZONE), False, None, None, None),
        (laila, datetime.datetime(2031, 4, 1, 0, 30, tzinfo=ZONE), True, 60, 10, "3.0"),
        (mariam, datetime.datetime(2031, 3, 5, 14, 0, tzinfo=ZONE), True, 120, None, None),
    ]
    for volunteer, starts_at, held, minutes, travel, km in plan:
        request = a_request(pool, org_a, starts_at=starts_at)
        booking = services.book_interpreter(acting_user=None, request=request, volunteer=volunteer)
        services.record_answer(acting_user=None, booking=booking, accept=True)
        with time_machine.travel(starts_at + datetime.timedelta(hours=3), tick=False):
            services.record_outcome(
                acting_user=None,
                booking=booking,
                held=held,
                actual_minutes=minutes,
                travel_minutes=travel,
                travel_km=Decimal(km) if km else None,
            )

    march = queries.statements(org_a.pk, datetime.date(2031, 3, 1))
    assert [(s.volunteer.family_name, s.appointments, s.minutes, s.hours, s.travel_minutes, s.km) for s in march] == [
        ("Rahimi", 3, 195, Decimal("3.25"), 50, Decimal("17.5")),
        ("Sultani", 1, 120, Decimal("2.00"), 0, Decimal("0.0")),
    ]
    assert queries.statement_totals(march) == {
        "appointments": 4,
        "hours": Decimal("5.25"),
        "travel_hours": Decimal("0.83"),
        "km": Decimal("17.5"),
    }
    april = queries.statements(org_a.pk, datetime.date(2031, 4, 1))
    assert [(s.volunteer.family_name, s.appointments, s.minutes, s.km) for s in april] == [
        ("Rahimi", 1, 60, Decimal("3.0"))
    ]
    assert queries.statements(None, datetime.date(2031, 3, 1)) == []


def test_the_pool_needs_a_name_and_only_its_coordinator_changes_it(org_a, volunteer_coordinator_b):
    assert refusal(
        services.save_pool, acting_user=None, organisation=org_a, name=" ", municipalities=[], requesters_may_book=False
    ) == ["Geben Sie dem Dolmetschdienst einen Namen."]
    assert refusal(
        services.save_pool,
        acting_user=volunteer_coordinator_b,
        organisation=org_a,
        name="Pool",
        municipalities=[],
        requesters_may_book=False,
    )


def test_a_pledge_that_expired_blocks_the_booking(pool, org_a):
    laila = interpreter(org_a)
    Requirement.objects.filter(volunteer=laila).update(valid_until=datetime.date(2031, 1, 1))
    request = a_request(pool, org_a)
    assert queries.candidates(request) == []
    assert refusal(services.book_interpreter, acting_user=None, request=request, volunteer=laila) == [
        "Die dolmetschende Person hat die Verpflichtung auf das Datengeheimnis nicht unterschrieben."
    ]
