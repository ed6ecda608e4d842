"""The volunteer interpreter pool (ehrenamtlicher Dolmetscherdienst): every change of pools, requests and bookings.

A caseworker or the accommodation staff request an interpreter from a case or a shelter; the request carries
only what the interpreter needs (language, time, place, the client's first name), never the case. The pool's
coordinator, or the requesting staff where the pool allows it, books a volunteer; the volunteer answers through
a signed, expiring, single-use link sent by e-mail, without an account. The database refuses two bookings of one
volunteer at overlapping times (``interpreter_booking_no_overlap``), also when two are made at the same moment.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template import loader
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lotse.core.access import Capability, can, require
from lotse.core.models import Municipality, Organisation
from lotse.core.services import audit_context, save_versioned
from lotse.core.transactions import atomic
from lotse.people.choices import Gender
from lotse.people.vocabulary import language_code, language_name
from lotse.volunteers.choices import (
    BLOCKING_BOOKING_STATES,
    INTERPRETING_PROFICIENCIES,
    BookingState,
    DayTime,
    InterpretingPlace,
    InterpretingState,
    Proficiency,
    RequirementKind,
    Sensitivity,
    Skill,
    VolunteerStatus,
    Weekday,
)
from lotse.volunteers.models import (
    InterpreterBooking,
    InterpreterPool,
    InterpreterRequest,
    Requirement,
    Volunteer,
    VolunteerLanguage,
)
from lotse.volunteers.requirements import Purpose, missing_requirements

if TYPE_CHECKING:
    from lotse.accommodation.models import Shelter
    from lotse.cases.models import Case, Contact
    from lotse.core.models import User

LINK_SALT = "lotse.volunteers.interpreting.answer"
WEEKDAYS = [Weekday.MONDAY, Weekday.TUESDAY, Weekday.WEDNESDAY, Weekday.THURSDAY, Weekday.FRIDAY]
WEEKDAYS += [Weekday.SATURDAY, Weekday.SUNDAY]
# A request in these states may still be cancelled by the requesting organisation.
CANCELLABLE_STATES = (InterpretingState.OPEN, InterpretingState.ASKED, InterpretingState.CONFIRMED)


# --- Rules shared with the pages --------------------------------------------------------------------------


def weekday_of(moment: datetime.datetime) -> str:
    return WEEKDAYS[timezone.localtime(moment).weekday()]


def day_time_of(moment: datetime.datetime) -> str:
    """Mornings until noon, afternoons until 5 pm, evenings after."""
    hour = timezone.localtime(moment).hour
    if hour < 12:
        return DayTime.MORNING
    if hour < 17:
        return DayTime.AFTERNOON
    return DayTime.EVENING


def available_filter(starts_at: datetime.datetime) -> Q:
    """Volunteers available at ``starts_at``: its weekday and time of day among theirs (none given: any)."""
    return (Q(weekdays=[]) | Q(weekdays__contains=[weekday_of(starts_at)])) & (
        Q(day_times=[]) | Q(day_times__contains=[day_time_of(starts_at)])
    )


def speaks_filter(language: str) -> Q:
    return Q(
        pk__in=VolunteerLanguage.objects.filter(language=language, proficiency__in=INTERPRETING_PROFICIENCIES).values(
            "volunteer_id"
        )
    )


def busy_filter(starts_at: datetime.datetime, ends_at: datetime.datetime) -> Q:
    """Volunteers with a booking that holds their time between ``starts_at`` and ``ends_at``."""
    return Q(
        pk__in=InterpreterBooking.objects.filter(
            state__in=BLOCKING_BOOKING_STATES, starts_at__lt=ends_at, ends_at__gt=starts_at
        ).values("volunteer_id")
    )


def may_coordinate(user: User | None, request: InterpreterRequest) -> bool:
    if user is None:
        return True
    return can(user, Capability.COORDINATE_VOLUNTEERS) and user.organisation_id == request.pool.organisation_id


def is_requester(user: User | None, request: InterpreterRequest) -> bool:
    if user is None:
        return True
    return can(user, Capability.REQUEST_INTERPRETER) and user.organisation_id == request.requesting_organisation_id


def may_book(user: User | None, request: InterpreterRequest) -> bool:
    """The pool's coordinator books; the requesting staff too where the pool allows it."""
    return may_coordinate(user, request) or (request.pool.requesters_may_book and is_requester(user, request))


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def _lock(request: InterpreterRequest) -> InterpreterRequest:
    return InterpreterRequest.objects.select_for_update().select_related("pool").get(pk=request.pk)


def _set_state(request: InterpreterRequest, state: str) -> None:
    request.state = state
    request.state_since = timezone.now()
    request.version += 1
    request.save(update_fields=["state", "state_since", "version"])


# --- The pool -------------------------------------------------------------------------------------------


def save_pool(
    *,
    acting_user: User | None,
    organisation: Organisation,
    name: str,
    municipalities: Iterable[Municipality],
    requesters_may_book: bool,
    expected_version: int | None = None,
) -> InterpreterPool:
    """Set up the organisation's interpreter pool, or change its name, municipalities and booking rule."""
    require(acting_user, Capability.COORDINATE_VOLUNTEERS, organisation_id=organisation.pk)
    name = name.strip()
    if not name:
        raise _refuse(_("Give the interpreter pool a name."), "no_name")
    with atomic(), audit_context(acting_user):
        pool = InterpreterPool.objects.select_for_update().filter(organisation=organisation).first()
        if pool is None:
            pool = InterpreterPool.objects.create(
                organisation=organisation, name=name, requesters_may_book=requesters_may_book
            )
        else:
            pool.name = name
            pool.requesters_may_book = requesters_may_book
            if expected_version is None:
                pool.version += 1
                pool.save(update_fields=["name", "requesters_may_book", "version"])
            else:
                save_versioned(pool, expected_version, ["name", "requesters_may_book"])
        pool.municipalities.set(list(municipalities))
        return pool


def pool_for_municipality(municipality_id: int | None) -> InterpreterPool | None:
    """The pool that serves a municipality (the first by name, if several do)."""
    if municipality_id is None:
        return None
    return InterpreterPool.objects.filter(municipalities=municipality_id).order_by("name", "pk").first()


# --- Requests -------------------------------------------------------------------------------------------


def request_interpreter(
    *,
    acting_user: User | None,
    pool: InterpreterPool,
    requesting_organisation: Organisation,
    language: str,
    starts_at: datetime.datetime,
    duration_minutes: int,
    place_kind: str,
    place_address: str = "",
    sensitivity: str = Sensitivity.NORMAL,
    preferred_gender: str = "",
    client_first_name: str = "",
    note: str = "",
    case: Case | None = None,
    shelter: Shelter | None = None,
    requested_by: User | None = None,
) -> InterpreterRequest:
    """Ask the pool for an interpreter, from a case of the organisation or a shelter it runs (``requested_by``:
    the staff member, where a command acts for them)."""
    require(acting_user, Capability.REQUEST_INTERPRETER, organisation_id=requesting_organisation.pk)
    code = language_code(language)
    if code is None:
        raise _refuse(_("Choose the language to be interpreted."), "language")
    if case is not None and case.organisation_id != requesting_organisation.pk:
        raise _refuse(_("An interpreter can only be requested for a case of your organisation."), "case")
    if shelter is not None and shelter.organisation_id != requesting_organisation.pk:
        raise _refuse(_("An interpreter can only be requested for a shelter of your organisation."), "shelter")
    if case is not None and shelter is not None:
        raise _refuse(_("A request is made either from a case or from a shelter."), "origin")
    if place_kind not in InterpretingPlace.values:
        raise _refuse(_("Choose the place of the appointment."), "place")
    if place_kind != InterpretingPlace.OFFICE and not place_address.strip():
        raise _refuse(_("Give the address of the appointment."), "address")
    if not 15 <= duration_minutes <= 600:
        raise _refuse(_("An appointment takes between 15 minutes and 10 hours."), "duration")
    with atomic(), audit_context(acting_user):
        request = InterpreterRequest(
            pool=pool,
            requesting_organisation=requesting_organisation,
            requested_by=acting_user or requested_by,
            case=case,
            shelter=shelter,
            language=code,
            starts_at=starts_at,
            duration_minutes=duration_minutes,
            place_kind=place_kind,
            place_address=place_address.strip(),
            sensitivity=sensitivity,
            preferred_gender=preferred_gender,
            client_first_name=client_first_name.strip(),
            note=note.strip(),
            state=InterpretingState.OPEN,
            state_since=timezone.now(),
        )
        request.full_clean(exclude=["case", "shelter", "requested_by", "pool", "requesting_organisation"])
        request.save()
        return request


def cancel_request(*, acting_user: User | None, request: InterpreterRequest) -> InterpreterRequest:
    """The requesting organisation calls the appointment off: the request and its booking did not take place."""
    require(acting_user, Capability.REQUEST_INTERPRETER, organisation_id=request.requesting_organisation_id)
    with atomic(), audit_context(acting_user):
        locked = _lock(request)
        if locked.state not in CANCELLABLE_STATES:
            raise _refuse(_("This request can no longer be called off."), "state")
        InterpreterBooking.objects.filter(
            request=locked, state__in=(BookingState.ASKED, BookingState.CONFIRMED)
        ).update(state=BookingState.CANCELLED)
        _set_state(locked, InterpretingState.CANCELLED)
        return locked


def decline_request(*, acting_user: User | None, request: InterpreterRequest) -> InterpreterRequest:
    """The coordinator cannot serve an open request (no interpreter for the language or the time)."""
    require(acting_user, Capability.COORDINATE_VOLUNTEERS, organisation_id=request.pool.organisation_id)
    with atomic(), audit_context(acting_user):
        locked = _lock(request)
        if locked.state != InterpretingState.OPEN:
            raise _refuse(_("Only an open request can be declined."), "state")
        _set_state(locked, InterpretingState.DECLINED)
        return locked


# --- Booking --------------------------------------------------------------------------------------------


def candidate_refusal(request: InterpreterRequest, volunteer: Volunteer) -> str | None:
    """Why ``volunteer`` cannot interpret for ``request`` (None: they can; an overlap is the database's)."""
    if volunteer.organisation_id != request.pool.organisation_id or volunteer.anonymised_at is not None:
        return _("The interpreter does not belong to this pool.")
    if volunteer.status != VolunteerStatus.ACTIVE:
        return _("The interpreter is not active.")
    if not Volunteer.objects.filter(speaks_filter(request.language), pk=volunteer.pk).exists():
        return _("The interpreter does not speak %(language)s well enough (native or fluent).") % {
            "language": language_name(request.language)
        }
    if not Volunteer.objects.filter(available_filter(request.starts_at), pk=volunteer.pk).exists():
        return _("The interpreter is not available on this weekday or at this time of day.")
    day = timezone.localtime(request.starts_at).date()
    if missing_requirements([volunteer.pk], Purpose.INTERPRETING, day)[volunteer.pk]:
        return _("The interpreter has not signed the confidentiality pledge.")
    return None


def _overlap() -> ValidationError:
    return _refuse(_("The interpreter already has another appointment at this time."), "overlap")


def book_interpreter(
    *,
    acting_user: User | None,
    request: InterpreterRequest,
    volunteer: Volunteer,
    site_url: str = "",
    notify: bool = True,
) -> InterpreterBooking:
    """Ask ``volunteer`` to interpret for ``request``: the booking holds their time, the request waits for the
    answer, and the volunteer receives the link to confirm or decline (once the transaction is committed)."""
    if not may_book(acting_user, request):
        raise _refuse(_("Only the coordination of the interpreter pool may book an interpreter."), "not_allowed")
    with atomic(), audit_context(acting_user):
        locked = _lock(request)
        if locked.state != InterpretingState.OPEN:
            raise _refuse(_("An interpreter can only be booked for an open request."), "state")
        refusal = candidate_refusal(locked, volunteer)
        if refusal:
            raise _refuse(refusal, "candidate")
        try:
            with transaction.atomic():
                booking = InterpreterBooking.objects.create(
                    request=locked,
                    volunteer=volunteer,
                    starts_at=locked.starts_at,
                    ends_at=locked.ends_at,
                    state=BookingState.ASKED,
                    booked_by=acting_user,
                    asked_at=timezone.now(),
                    link_nonce=secrets.token_hex(16),
                )
        except IntegrityError as error:
            if "interpreter_booking_no_overlap" in str(error):
                raise _overlap() from None
            raise
        _set_state(locked, InterpretingState.ASKED)
        if notify and volunteer.email:
            message = answer_mail(booking, site_url)
            transaction.on_commit(message.send)
        return booking


def withdraw_booking(*, acting_user: User | None, booking: InterpreterBooking) -> InterpreterBooking:
    """Take a booking back before the appointment (the interpreter is told by the coordinator); the request is
    open again."""
    request = booking.request
    if not may_book(acting_user, request):
        raise _refuse(_("Only the coordination of the interpreter pool may book an interpreter."), "not_allowed")
    with atomic(), audit_context(acting_user):
        locked_request = _lock(request)
        locked = InterpreterBooking.objects.select_for_update().get(pk=booking.pk)
        if locked.state not in (BookingState.ASKED, BookingState.CONFIRMED):
            raise _refuse(_("Only a booking that was not answered or was confirmed can be withdrawn."), "state")
        locked.state = BookingState.WITHDRAWN
        locked.version += 1
        locked.save(update_fields=["state", "version"])
        _set_state(locked_request, InterpretingState.OPEN)
        return locked


def _answer(booking: InterpreterBooking, *, accept: bool, through_link: bool) -> InterpreterBooking:
    request = _lock(booking.request)
    locked = InterpreterBooking.objects.select_for_update().get(pk=booking.pk)
    if locked.state != BookingState.ASKED or (through_link and locked.link_used_at is not None):
        raise _refuse(_("This booking has already been answered."), "answered")
    now = timezone.now()
    locked.state = BookingState.CONFIRMED if accept else BookingState.DECLINED
    locked.answered_at = now
    fields = ["state", "answered_at", "version"]
    if through_link:
        locked.link_used_at = now
        fields.append("link_used_at")
    locked.version += 1
    locked.save(update_fields=fields)
    # A decline returns the request to the open ones, for the next interpreter.
    _set_state(request, InterpretingState.CONFIRMED if accept else InterpretingState.OPEN)
    return locked


def record_answer(*, acting_user: User | None, booking: InterpreterBooking, accept: bool) -> InterpreterBooking:
    """The coordinator records the volunteer's answer given by phone or in person."""
    require(acting_user, Capability.COORDINATE_VOLUNTEERS, organisation_id=booking.request.pool.organisation_id)
    with atomic(), audit_context(acting_user):
        return _answer(booking, accept=accept, through_link=False)


def record_outcome(
    *,
    acting_user: User | None,
    booking: InterpreterBooking,
    held: bool,
    actual_minutes: int | None = None,
    travel_minutes: int | None = None,
    travel_km: Decimal | None = None,
    note: str = "",
) -> InterpreterBooking:
    """After the appointment: held (with its actual duration and the travel, for the statement) or not."""
    require(acting_user, Capability.COORDINATE_VOLUNTEERS, organisation_id=booking.request.pool.organisation_id)
    if held and not actual_minutes:
        raise _refuse(_("Give the actual duration of the appointment."), "duration")
    with atomic(), audit_context(acting_user):
        request = _lock(booking.request)
        locked = InterpreterBooking.objects.select_for_update().get(pk=booking.pk)
        if locked.state not in (BookingState.CONFIRMED, BookingState.HELD, BookingState.CANCELLED):
            raise _refuse(_("Only a confirmed appointment can be recorded as held or not."), "state")
        if locked.starts_at > timezone.now():
            raise _refuse(_("The appointment has not begun yet."), "future")
        locked.state = BookingState.HELD if held else BookingState.CANCELLED
        locked.actual_minutes = actual_minutes if held else None
        locked.travel_minutes = travel_minutes if held else None
        locked.travel_km = travel_km if held else None
        locked.outcome_note = note.strip()
        locked.version += 1
        try:
            with transaction.atomic():
                locked.save(
                    update_fields=[
                        "state",
                        "actual_minutes",
                        "travel_minutes",
                        "travel_km",
                        "outcome_note",
                        "version",
                    ]
                )
        except IntegrityError as error:
            if "interpreter_booking_no_overlap" in str(error):
                raise _overlap() from None
            raise
        _set_state(request, InterpretingState.HELD if held else InterpretingState.CANCELLED)
        return locked


def link_contact(*, acting_user: User | None, booking: InterpreterBooking, contact: Contact) -> InterpreterBooking:
    """Link the counselling contact the caseworker recorded for a held appointment of their request."""
    from lotse.cases.choices import InterpreterKind

    request = booking.request
    require(acting_user, Capability.REQUEST_INTERPRETER, organisation_id=request.requesting_organisation_id)
    if request.case_id is None or contact.case_id != request.case_id:
        raise _refuse(_("The contact must belong to the case the interpreter was requested for."), "case")
    if booking.state != BookingState.HELD:
        raise _refuse(_("Only a held appointment can be linked to a contact."), "state")
    if contact.interpreter_kind != InterpreterKind.VOLUNTEER:
        raise _refuse(_("The contact was not recorded with a volunteer interpreter."), "kind")
    with atomic(), audit_context(acting_user):
        locked = InterpreterBooking.objects.select_for_update().get(pk=booking.pk)
        if InterpreterBooking.objects.filter(contact=contact).exclude(pk=locked.pk).exists():
            raise _refuse(_("The contact is already linked to another appointment."), "linked")
        locked.contact = contact
        locked.version += 1
        locked.save(update_fields=["contact", "version"])
        return locked


# --- The signed answer link ----------------------------------------------------------------------------


class LinkProblem(ValueError):
    """Why a link cannot be used: ``invalid`` (tampered, unknown), ``expired`` or ``used``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=LINK_SALT)


def answer_token(booking: InterpreterBooking) -> str:
    return _signer().sign(f"{booking.pk}.{booking.link_nonce}")


def answer_path(booking: InterpreterBooking) -> str:
    return reverse("volunteers:interpreting_answer", kwargs={"token": answer_token(booking)})


def booking_for_token(token: str) -> InterpreterBooking:
    """The booking a link names, if the link is genuine, not expired, and not yet used; else ``LinkProblem``."""
    try:
        value = _signer().unsign(token, max_age=datetime.timedelta(days=settings.LOTSE_INTERPRETER_LINK_DAYS))
    except signing.SignatureExpired:
        raise LinkProblem("expired") from None
    except signing.BadSignature:
        raise LinkProblem("invalid") from None
    pk, _sep, nonce = value.partition(".")
    if not pk.isdigit() or not nonce:
        raise LinkProblem("invalid")
    booking = (
        InterpreterBooking.objects.select_related("request", "request__pool", "volunteer")
        .filter(pk=int(pk), link_nonce=nonce)
        .first()
    )
    if booking is None:
        raise LinkProblem("invalid")
    if booking.link_used_at is not None or booking.state != BookingState.ASKED:
        raise LinkProblem("used")
    if booking.starts_at <= timezone.now():
        raise LinkProblem("expired")
    return booking


def answer_through_link(*, token: str, accept: bool) -> InterpreterBooking:
    """The volunteer confirms or declines through the link (no account: no acting user)."""
    booking = booking_for_token(token)
    with atomic(), audit_context(None, interpreter_link=True):
        try:
            return _answer(booking, accept=accept, through_link=True)
        except ValidationError:
            raise LinkProblem("used") from None


def answer_mail(booking: InterpreterBooking, site_url: str) -> EmailMessage:
    """The mail to the volunteer, in German: language, time, place, the client's first name, and the link."""
    request = booking.request
    starts = timezone.localtime(request.starts_at)
    with translation.override("de"):
        context = {
            "volunteer": booking.volunteer,
            "request": request,
            "language": language_name(request.language, "de"),
            "starts": starts,
            "ends": timezone.localtime(request.ends_at),
            "place": request.get_place_kind_display(),
            "pool": request.pool,
            "link": site_url.rstrip("/") + answer_path(booking),
            "days": settings.LOTSE_INTERPRETER_LINK_DAYS,
        }
        subject = "".join(loader.render_to_string("volunteers/interpreting/answer_subject.txt", context).splitlines())
        body = loader.render_to_string("volunteers/interpreting/answer_email.txt", context)
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [booking.volunteer.email])


# --- Interpreters -------------------------------------------------------------------------------------------


def ensure_interpreter(
    *,
    acting_user: User | None,
    organisation: Organisation,
    family_name: str,
    given_names: str,
    gender: str = Gender.UNKNOWN,
    email: str = "",
    languages: dict[str, str],
    weekdays: list[str] | None = None,
    day_times: list[str] | None = None,
    pledge_on: datetime.date | None = None,
    since: datetime.date,
) -> Volunteer:
    """An active volunteer interpreter of the organisation with their languages and the signed pledge, found by
    name or registered through the volunteer services (for the pool's demo and tests)."""
    from lotse.volunteers import volunteer_services

    require(acting_user, Capability.COORDINATE_VOLUNTEERS, organisation_id=organisation.pk)
    with atomic(), audit_context(acting_user):
        volunteer = Volunteer.objects.filter(
            organisation=organisation, family_name=family_name, given_names=given_names
        ).first()
        if volunteer is None:
            volunteer = volunteer_services.register_volunteer(
                acting_user=acting_user,
                organisation=organisation,
                consent_on=since,
                languages=[(code, proficiency or Proficiency.FLUENT) for code, proficiency in languages.items()],
                status=VolunteerStatus.ACTIVE,
                status_since=since,
                family_name=family_name,
                given_names=given_names,
                gender=gender,
                email=email,
                skills=[Skill.INTERPRETING],
                weekdays=weekdays or [],
                day_times=day_times or [],
                started_on=since,
            )
        if (
            pledge_on is not None
            and not Requirement.objects.filter(volunteer=volunteer, kind=RequirementKind.CONFIDENTIALITY).exists()
        ):
            volunteer_services.add_requirement(
                acting_user=acting_user, volunteer=volunteer, kind=RequirementKind.CONFIDENTIALITY, met_on=pledge_on
            )
        return volunteer
