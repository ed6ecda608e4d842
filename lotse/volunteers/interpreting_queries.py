"""The read models of the interpreter pool's pages: the requests of the requesting organisation and of the pool,
one request with its bookings and candidates, and the monthly statements of the volunteers (each a fixed number
of queries)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from lotse.people.vocabulary import language_name
from lotse.volunteers import interpreting_services as services
from lotse.volunteers.choices import INTERPRETING_PROFICIENCIES, BookingState, InterpretingState, VolunteerStatus
from lotse.volunteers.models import (
    InterpreterBooking,
    InterpreterPool,
    InterpreterRequest,
    Volunteer,
    VolunteerLanguage,
    coordinating_organisation_id,
)
from lotse.volunteers.requirements import Purpose, missing_requirements

if TYPE_CHECKING:
    from lotse.core.models import User

# Bookings shown with a request: the current one first (asked, confirmed, held, did not take place), then the
# declined and withdrawn ones.
CURRENT_BOOKING_STATES = (BookingState.ASKED, BookingState.CONFIRMED, BookingState.HELD, BookingState.CANCELLED)


def requested_by(user: User) -> QuerySet[InterpreterRequest]:
    """The requests of the user's organisation, for its requesting staff."""
    return InterpreterRequest.objects.visible_to(user).filter(requesting_organisation_id=user.organisation_id)


def made_to_pool_of(user: User) -> QuerySet[InterpreterRequest]:
    """The requests made to the pool the user coordinates."""
    organisation_id = coordinating_organisation_id(user)
    if organisation_id is None:
        return InterpreterRequest.objects.none()
    return InterpreterRequest.objects.visible_to(user).filter(pool__organisation_id=organisation_id)


def _with_bookings(queryset: QuerySet[InterpreterRequest]) -> QuerySet[InterpreterRequest]:
    return queryset.select_related("pool", "requesting_organisation").prefetch_related(
        Prefetch(
            "bookings",
            queryset=InterpreterBooking.objects.select_related("volunteer").order_by("-asked_at", "-pk"),
        )
    )


@dataclass
class RequestRow:
    request: InterpreterRequest
    language: str
    booking: InterpreterBooking | None


def _rows(requests: list[InterpreterRequest]) -> list[RequestRow]:
    rows = []
    for request in requests:
        current = [b for b in request.bookings.all() if b.state in CURRENT_BOOKING_STATES]
        rows.append(RequestRow(request, language_name(request.language), current[0] if current else None))
    return rows


def _filtered(queryset: QuerySet[InterpreterRequest], filters: dict[str, Any]) -> QuerySet[InterpreterRequest]:
    if filters.get("state"):
        queryset = queryset.filter(state=filters["state"])
    if filters.get("language"):
        queryset = queryset.filter(language=filters["language"])
    if filters.get("since"):
        queryset = queryset.filter(starts_at__date__gte=filters["since"])
    if filters.get("until"):
        queryset = queryset.filter(starts_at__date__lte=filters["until"])
    if filters.get("upcoming"):
        queryset = queryset.filter(starts_at__gte=timezone.now())
    return queryset


PAGE_SIZE = 50


def _page(queryset: QuerySet[InterpreterRequest], page_number: str | None) -> dict[str, Any]:
    """A page of the requests, the newest appointment first, with their rows (count, requests, bookings)."""
    page = Paginator(_with_bookings(queryset).order_by("-starts_at", "-pk"), PAGE_SIZE).get_page(page_number)
    return {"page": page, "rows": _rows(list(page.object_list))}


def my_requests_page(user: User, filters: dict[str, Any], page_number: str | None = None) -> dict[str, Any]:
    """Three queries: the count, a page of the requests with their pools and origin, and their bookings."""
    return _page(_filtered(requested_by(user), filters).select_related("case", "shelter"), page_number)


def pool_requests_page(user: User, filters: dict[str, Any], page_number: str | None = None) -> dict[str, Any]:
    """Four queries: the pool, the count, a page of the requests made to it, and their bookings."""
    organisation_id = coordinating_organisation_id(user)
    pool = InterpreterPool.objects.filter(organisation_id=organisation_id).first() if organisation_id else None
    return {"pool": pool, **_page(_filtered(made_to_pool_of(user), filters), page_number)}


@dataclass
class Candidate:
    volunteer: Volunteer
    proficiency: str
    matches_preference: bool
    booked_this_month: int = 0


def candidates(request: InterpreterRequest) -> list[Candidate]:
    """Active volunteers of the pool's organisation who speak the language (native or fluent), are available on
    the appointment's weekday and time of day, have signed the pledge and have no overlapping booking; those of
    the preferred gender first (three queries)."""
    volunteers = list(
        Volunteer.objects.present()
        .filter(
            services.speaks_filter(request.language),
            services.available_filter(request.starts_at),
            organisation_id=request.pool.organisation_id,
            status=VolunteerStatus.ACTIVE,
        )
        .exclude(services.busy_filter(request.starts_at, request.ends_at))
        .prefetch_related(
            Prefetch(
                "languages",
                queryset=VolunteerLanguage.objects.filter(
                    language=request.language, proficiency__in=INTERPRETING_PROFICIENCIES
                ),
                to_attr="interpreting_languages",
            )
        )
    )
    day = timezone.localtime(request.starts_at).date()
    missing = missing_requirements([v.pk for v in volunteers], Purpose.INTERPRETING, day)
    found = [
        Candidate(
            volunteer=v,
            proficiency=v.interpreting_languages[0].get_proficiency_display(),  # type: ignore[attr-defined]
            matches_preference=bool(request.preferred_gender) and v.gender == request.preferred_gender,
        )
        for v in volunteers
        if not missing[v.pk]
    ]
    found.sort(key=lambda c: (not c.matches_preference, c.volunteer.family_name, c.volunteer.given_names))
    return found


def request_page(request: InterpreterRequest, user: User, *, as_coordinator: bool) -> dict[str, Any]:
    bookings = list(request.bookings.select_related("volunteer", "contact").order_by("-asked_at", "-pk"))
    current = next((b for b in bookings if b.state in CURRENT_BOOKING_STATES), None)
    bookable = request.state == InterpretingState.OPEN and services.may_book(user, request)
    contacts: list[Any] = []
    if (
        not as_coordinator
        and current is not None
        and current.state == BookingState.HELD
        and current.contact_id is None
        and request.case_id is not None
    ):
        from lotse.cases.choices import InterpreterKind
        from lotse.cases.models import Contact

        contacts = list(
            Contact.objects.filter(
                case_id=request.case_id, interpreter_kind=InterpreterKind.VOLUNTEER, interpreter_booking__isnull=True
            ).order_by("-date", "-pk")[:50]
        )
    return {
        "interpreter_request": request,
        "language": language_name(request.language),
        "bookings": bookings,
        "current": current,
        "candidates": candidates(request) if bookable else [],
        "bookable": bookable,
        "as_coordinator": as_coordinator,
        "contacts": contacts,
        "past": request.starts_at <= timezone.now(),
        "cancellable": not as_coordinator and request.state in services.CANCELLABLE_STATES,
    }


# --- Monthly statements --------------------------------------------------------------------------------


def month_bounds(month: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    first = month.replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    zone = timezone.get_current_timezone()
    return (
        datetime.datetime.combine(first, datetime.time(), zone),
        datetime.datetime.combine(following, datetime.time(), zone),
    )


@dataclass
class StatementLine:
    booking: InterpreterBooking
    language: str


@dataclass
class Statement:
    """One volunteer's held appointments of a month: what the expense allowance is paid for."""

    volunteer: Volunteer
    lines: list[StatementLine] = field(default_factory=list)
    appointments: int = 0
    minutes: int = 0
    travel_minutes: int = 0
    km: Decimal = Decimal("0.0")

    @property
    def hours(self) -> Decimal:
        return (Decimal(self.minutes) / 60).quantize(Decimal("0.01"))

    @property
    def travel_hours(self) -> Decimal:
        return (Decimal(self.travel_minutes) / 60).quantize(Decimal("0.01"))


def statements(organisation_id: int | None, month: datetime.date) -> list[Statement]:
    """Per volunteer of the pool's organisation, the appointments held in ``month`` (by their local day): their
    number, the hours interpreted, the travel time and the kilometres (one query)."""
    if organisation_id is None:
        return []
    since, until = month_bounds(month)
    held = (
        InterpreterBooking.objects.filter(
            volunteer__organisation_id=organisation_id,
            state=BookingState.HELD,
            starts_at__gte=since,
            starts_at__lt=until,
        )
        .select_related("volunteer", "request")
        .order_by("volunteer__family_name", "volunteer__given_names", "volunteer_id", "starts_at", "pk")
    )
    result: dict[int, Statement] = {}
    for booking in held:
        statement = result.setdefault(booking.volunteer_id, Statement(booking.volunteer))
        statement.lines.append(StatementLine(booking, language_name(booking.request.language)))
        statement.appointments += 1
        statement.minutes += booking.actual_minutes or 0
        statement.travel_minutes += booking.travel_minutes or 0
        statement.km += booking.travel_km or Decimal("0.0")
    return list(result.values())


def statement_totals(rows: list[Statement]) -> dict[str, Any]:
    return {
        "appointments": sum(r.appointments for r in rows),
        "hours": sum((r.hours for r in rows), Decimal("0.00")),
        "travel_hours": sum((r.travel_hours for r in rows), Decimal("0.00")),
        "km": sum((r.km for r in rows), Decimal("0.0")),
    }
