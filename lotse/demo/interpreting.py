"""The volunteer interpreter pool of the demo city (Stadt Ludwigsburg, ``stadt-lb``): its pool serving Ludwigsburg
and the towns around, its interpreters (the volunteers of the coordinator's list who interpret, imported by
lotse.demo.volunteers), and a few months of requests from the caseworkers of the welfare
associations and the city's accommodation staff, in every state, with their outcomes. All through
:mod:`lotse.volunteers.interpreting_services`, seeded, and only once (a second load creates nothing)."""

from __future__ import annotations

import datetime
import random
import re
import unicodedata
from decimal import Decimal

from django.utils import timezone

from lotse.accommodation.models import Shelter
from lotse.cases.models import Case
from lotse.core.models import Municipality, Organisation, User
from lotse.demo.data import recorded
from lotse.volunteers import interpreting_services as services
from lotse.volunteers.choices import InterpretingPlace, Sensitivity
from lotse.volunteers.interpreting_queries import candidates
from lotse.volunteers.models import InterpreterRequest

POOL_NAME = "Ehrenamtlicher Dolmetscherdienst Ludwigsburg"
TOWNS = ("Ludwigsburg", "Kornwestheim", "Asperg", "Möglingen", "Tamm", "Freiberg am Neckar", "Remseck am Neckar")
LANGUAGES = ("ara", "prs", "fas", "kmr", "tir", "tur", "ukr", "rus")
CLIENT_FIRST_NAMES = {
    "ara": ("Amina", "Yusuf", "Rasha", "Khaled"),
    "prs": ("Zahra", "Ahmad", "Fatima", "Nasir"),
    "fas": ("Leila", "Reza", "Parisa"),
    "kmr": ("Rojda", "Azad", "Helin"),
    "tir": ("Senait", "Tesfaye", "Ruth"),
    "tur": ("Elif", "Mehmet", "Ayşe"),
    "ukr": ("Oksana", "Dmytro", "Halyna"),
    "rus": ("Svetlana", "Sergej", "Olga"),
}
# The requesting caseworkers (demo usernames) and the city's accommodation staff.
CASEWORKERS = (
    "integration",
    "integration2",
    "teamleitung",
    "integration-awo",
    "integration-diakonie",
    "integration-drk",
)
ACCOMMODATION_STAFF = ("unterbringung",)
REQUESTS = 64
DAYS_BACK = 120
DAYS_AHEAD = 21


def load_demo_interpreting(today: datetime.date | None = None) -> dict[str, int]:
    """The pool, its interpreters and the requests; nothing if the city's pool already has requests."""
    today = today or timezone.localdate()
    city = Organisation.objects.filter(short_name="stadt-lb").first()
    if city is None:
        return {}
    if InterpreterRequest.objects.filter(pool__organisation=city).exists():
        return {"requests": 0}
    with recorded():
        pool = services.save_pool(
            acting_user=None,
            organisation=city,
            name=POOL_NAME,
            municipalities=Municipality.objects.filter(name__in=TOWNS),
            requesters_may_book=False,
        )
    users = {u.username: u for u in User.objects.filter(username__in=CASEWORKERS + ACCOMMODATION_STAFF)}
    cases: dict[int, list[Case]] = {}
    for each in Case.objects.filter(organisation__in={u.organisation_id for u in users.values()}).order_by("pk"):
        cases.setdefault(each.organisation_id, []).append(each)
    shelters = list(Shelter.objects.filter(organisation=city).order_by("pk")[:5])
    rng = random.Random(20)
    counts = {"requests": 0, "held": 0, "bookings": 0}
    now = timezone.now()
    zone = timezone.get_current_timezone()
    for n in range(REQUESTS):
        username = rng.choice(CASEWORKERS + CASEWORKERS + ACCOMMODATION_STAFF)
        user = users.get(username)
        if user is None:
            continue
        language = LANGUAGES[n % len(LANGUAGES)]
        day = today + datetime.timedelta(days=rng.randint(-DAYS_BACK, DAYS_AHEAD))
        while day.weekday() > 4:
            day += datetime.timedelta(days=1)
        starts_at = datetime.datetime.combine(day, datetime.time(rng.choice((8, 9, 10, 11, 13, 14, 15)), 0), zone)
        shelter: Shelter | None = None
        case: Case | None = None
        if username in ACCOMMODATION_STAFF:
            shelter = shelters[n % len(shelters)] if shelters else None
            place, address = InterpretingPlace.SHELTER, "Ludwigsburg, Schlieffenstraße 12"
        else:
            own = cases.get(user.organisation_id, [])
            case = own[(n * 7) % len(own)] if own else None
            place, address = rng.choice(
                (
                    (InterpretingPlace.OFFICE, ""),
                    (InterpretingPlace.OFFICE, ""),
                    (InterpretingPlace.AUTHORITY, "Ausländerbehörde, Wilhelmstraße 11, Ludwigsburg"),
                    (InterpretingPlace.AUTHORITY, "Jobcenter, Mathildenstraße 29, Ludwigsburg"),
                    (InterpretingPlace.HOME_VISIT, "Kornwestheim, Bahnhofstraße 20"),
                )
            )
        with recorded():
            request = services.request_interpreter(
                acting_user=None,
                requested_by=user,
                pool=pool,
                requesting_organisation=user.organisation,
                case=case,
                shelter=shelter,
                language=language,
                starts_at=starts_at,
                duration_minutes=rng.choice((45, 60, 60, 90, 120)),
                place_kind=place,
                place_address=address,
                sensitivity=Sensitivity.SENSITIVE if rng.random() < 0.2 else Sensitivity.NORMAL,
                preferred_gender="w" if rng.random() < 0.25 else "",
                client_first_name=rng.choice(CLIENT_FIRST_NAMES[language]),
            )
            counts["requests"] += 1
            _work_through(request, rng, now, counts)
    return counts


def _work_through(
    request: InterpreterRequest, rng: random.Random, now: datetime.datetime, counts: dict[str, int]
) -> None:
    """What became of a request: past ones mostly held, some called off, declined or left without an
    interpreter; coming ones open, asked, confirmed, or declined by a first interpreter and asked again."""
    past = request.starts_at < now
    roll = rng.random()
    if not past and roll < 0.25:
        return  # still open
    found = candidates(request)
    if not found or (past and roll < 0.06):
        services.decline_request(acting_user=None, request=request)
        return
    first = (found[0] if request.preferred_gender else found[rng.randrange(len(found))]).volunteer
    booking = services.book_interpreter(acting_user=None, request=request, volunteer=first, notify=False)
    counts["bookings"] += 1
    if roll < 0.35 and len(found) > 1:
        # The first asked declines; the next one is asked.
        services.record_answer(acting_user=None, booking=booking, accept=False)
        second = next(c.volunteer for c in found if c.volunteer.pk != first.pk)
        booking = services.book_interpreter(acting_user=None, request=request, volunteer=second, notify=False)
        counts["bookings"] += 1
    if not past and roll < 0.6:
        return  # asked, waiting for the answer
    services.record_answer(acting_user=None, booking=booking, accept=True)
    if not past:
        return
    if roll > 0.92:
        services.cancel_request(acting_user=None, request=request)
        return
    held = roll < 0.85
    services.record_outcome(
        acting_user=None,
        booking=booking,
        held=held,
        actual_minutes=request.duration_minutes + rng.choice((-15, 0, 0, 15, 30)) if held else None,
        travel_minutes=rng.choice((10, 20, 30, 40)) if held else None,
        travel_km=Decimal(rng.choice((0, 3, 5, 8, 12, 18))) + Decimal("0.5") if held else None,
        note="" if held else "Klient:in nicht erschienen",
    )
    counts["held"] += int(held)


def _address(given_names: str, family_name: str) -> str:
    """An e-mail address of the demo's own reserved domain, in plain ASCII letters."""
    folded = unicodedata.normalize("NFKD", f"{given_names}.{family_name}".lower().replace("ö", "oe"))
    return re.sub(r"[^a-z.]", "", folded.encode("ascii", "ignore").decode()) + "@demo.lotse.invalid"
