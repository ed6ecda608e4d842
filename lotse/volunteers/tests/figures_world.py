"""A small world of volunteering for the figures' tests, counted by hand in ``test_figures_counts.py``.

The rows are written directly (the services are built alongside); history events come from the database's
triggers as they would from the services. Reference date D = 30.06.2024, period from V = 01.01.2024.
"""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass
from typing import Any

from lotse.core.models import Organisation
from lotse.people.models import Household, HouseholdMembership, Person
from lotse.volunteers.choices import (
    BookingState,
    EndReason,
    InterpretingPlace,
    InterpretingState,
    RequirementKind,
    SponsorshipState,
    VolunteerStatus,
)
from lotse.volunteers.models import (
    InterpreterBooking,
    InterpreterPool,
    InterpreterRequest,
    Participation,
    Programme,
    Requirement,
    Sponsorship,
    SponsorshipStep,
    Volunteer,
)

D = datetime.date(2024, 6, 30)
V = datetime.date(2024, 1, 1)
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
S = SponsorshipState


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def at(text: str) -> datetime.datetime:
    """A local (Berlin) time."""
    return datetime.datetime.fromisoformat(text).replace(tzinfo=BERLIN)


def volunteer(
    organisation: Organisation, name: str, status: str, since: str, migration: bool | None = None
) -> Volunteer:
    return Volunteer.objects.create(
        organisation=organisation,
        family_name=name,
        status=status,
        status_since=day(since),
        consent_on=day("2022-01-01"),
        migration_experience=migration,
    )


def change_status(person: Volunteer, status: str, since: str) -> None:
    person.status = status
    person.status_since = day(since)
    person.save()


def household(
    organisation: Organisation, *members: tuple[str, str | None, list[str]]
) -> tuple[Household, list[Person]]:
    """A household with members (given name, date of birth, nationalities), in it since 2020."""
    home = Household.objects.create(organisation=organisation)
    persons = []
    for given, born, nationalities in members:
        person = Person.objects.create(
            organisation=organisation,
            family_name="Quendelstein",
            given_names=given,
            birth_date=day(born) if born else None,
            birth_date_precision="day" if born else "",
            nationalities=nationalities,
        )
        HouseholdMembership.objects.create(
            household=home, person=person, relationship="verwandt", valid_from=day("2020-01-01")
        )
        persons.append(person)
    return home, persons


def sponsorship(
    participation: Participation,
    sponsors: list[Volunteer],
    requested: str,
    steps: list[tuple[str, str]],
    *,
    members: list[Person] = (),  # type: ignore[assignment]
    reason: str = "",
    write_steps: bool = True,
) -> Sponsorship:
    """A sponsorship requested on ``requested`` that went through ``steps`` (state, date); the last is current."""
    state, since = steps[-1] if steps else (S.REQUESTED, requested)
    ended = state == S.ENDED
    record = Sponsorship.objects.create(
        organisation=participation.organisation,
        participation=participation,
        state=state,
        state_since=day(since),
        requested_on=day(requested),
        ended_on=day(since) if ended else None,
        end_reason=reason if ended else "",
    )
    record.sponsors.set(sponsors)
    record.members.set(members)
    if write_steps:
        SponsorshipStep.objects.create(sponsorship=record, state=S.REQUESTED, on=day(requested))
        for step_state, on in steps:
            SponsorshipStep.objects.create(sponsorship=record, state=step_state, on=day(on))
    return record


@dataclass
class World:
    volunteers: dict[str, Volunteer]
    persons: dict[str, Person]
    sponsorships: dict[str, Sponsorship]
    requests: dict[str, InterpreterRequest]


def build(org_a: Organisation, org_b: Organisation) -> World:
    A = VolunteerStatus
    v: dict[str, Volunteer] = {
        "v1": volunteer(org_a, "Amselweg", A.ACTIVE, "2023-05-01", migration=True),
        "v2": volunteer(org_a, "Buchfink", A.INTERESTED, "2024-02-01", migration=False),
        "v3": volunteer(org_a, "Dompfaff", A.ACTIVE, "2023-01-01"),
        "v4": volunteer(org_a, "Eisvogel", A.ACTIVE, "2024-06-30", migration=True),
        "v5": volunteer(org_a, "Goldammer", A.ACTIVE, "2024-07-01"),
        "v6": volunteer(org_a, "Kernbeisser", A.ACTIVE, "2023-01-01", migration=False),
        "b1": volunteer(org_b, "Zaunkoenig", A.ACTIVE, "2023-01-01", migration=True),
    }
    change_status(v["v2"], A.ACTIVE, "2024-07-15")  # active only after D
    change_status(v["v3"], A.LEFT, "2024-06-30")  # left on D
    # Paused by mistake, then corrected: active all along.
    change_status(v["v6"], A.PAUSED, "2024-03-01")
    change_status(v["v6"], A.ACTIVE, "2023-01-01")
    v["v1"].notes = "unrelated change"
    v["v1"].save()
    for name, met in (("v1", "2023-04-01"), ("v3", "2024-06-30"), ("v4", "2024-07-01")):
        Requirement.objects.create(volunteer=v[name], kind=RequirementKind.TRAINING, met_on=day(met))
    Requirement.objects.create(volunteer=v["v2"], kind=RequirementKind.CONFIDENTIALITY, met_on=day("2023-01-01"))

    wil = Programme.objects.create(organisation=org_a, name="WiL", started_on=day("2023-01-01"))
    other = Programme.objects.create(organisation=org_b, name="Paten B", started_on=day("2022-06-01"))

    def join(home: Household, programme: Programme = wil) -> Participation:
        return Participation.objects.create(
            organisation=programme.organisation, programme=programme, household=home, joined_on=day("2022-01-01")
        )

    h1, (p1, p2, p3) = household(
        org_a, ("p1", "1980-05-05", ["SY"]), ("p2", "2010-01-01", ["SY"]), ("p3", "2006-07-01", ["SY", "TR"])
    )
    # Left household 1 before the period: not reached.
    p12 = Person.objects.create(organisation=org_a, family_name="Quendelstein", given_names="p12", nationalities=["LB"])
    HouseholdMembership.objects.create(
        household=h1, person=p12, relationship="verwandt", valid_from=day("2020-01-01"), valid_to=day("2023-06-01")
    )
    h2, (p4, p5) = household(org_a, ("p4", "1990-02-02", ["ungeklaert"]), ("p5", None, []))
    h3, (p6, p7) = household(org_a, ("p6", "1985-01-01", ["UA"]), ("p7", "2015-01-01", ["UA"]))
    h4, (p8,) = household(org_a, ("p8", "1990-01-01", ["ER"]))
    h5, (p9,) = household(org_a, ("p9", "1990-01-01", ["IR"]))
    h6, (p10,) = household(org_a, ("p10", "1985-03-03", ["RU"]))
    h7, (p11,) = household(org_a, ("p11", "1999-01-01", ["SY"]))
    h8, (p13,) = household(org_a, ("p13", "2012-12-12", ["IQ"]))
    hb, (p14,) = household(org_b, ("p14", "2010-01-01", ["FR"]))

    gk, act, end = S.GETTING_TO_KNOW, S.ACTIVE, S.ENDED
    five = join(h5)
    s = {
        "S1": sponsorship(join(h1), [v["v1"], v["v2"]], "2023-02-01", [(gk, "2023-02-15"), (act, "2023-03-01")]),
        "S2": sponsorship(
            join(h2),
            [v["v3"]],
            "2024-02-01",
            [(gk, "2024-02-10"), (act, "2024-03-01"), (end, "2024-06-30")],
            reason=EndReason.GOAL_REACHED,
        ),
        "S3": sponsorship(join(h3), [v["v4"]], "2024-05-01", [(gk, "2024-05-10"), (act, "2024-06-30")], members=[p6]),
        "S4": sponsorship(join(h4), [v["v6"]], "2024-03-01", []),
        "S5": sponsorship(
            five,
            [v["v2"]],
            "2023-01-10",
            [(gk, "2023-02-01"), (act, "2023-03-01"), (end, "2024-01-01")],
            reason=EndReason.MOVED,
        ),
        "S6": sponsorship(join(h6), [v["v6"]], "2024-06-01", [(gk, "2024-06-30")]),
        "S7": sponsorship(join(h7), [v["v1"]], "2024-06-15", [(gk, "2024-07-01")]),
        # Without recorded steps: its request date and current state are all that is known.
        "S8": sponsorship(join(h8), [v["v1"]], "2024-03-20", [(act, "2024-04-01")], write_steps=False),
        "S9": sponsorship(five, [v["v6"]], "2023-06-01", [(end, "2023-12-31")], reason=EndReason.ENDED_BY_SPONSOR),
        "SB": sponsorship(join(hb, other), [v["b1"]], "2024-01-10", [(gk, "2024-01-20"), (act, "2024-02-01")]),
    }

    pool_a = InterpreterPool.objects.create(organisation=org_a, name="Pool A")
    pool_b = InterpreterPool.objects.create(organisation=org_b, name="Pool B")
    r: dict[str, InterpreterRequest] = {}

    def request(
        key: str, pool: InterpreterPool, language: str, starts: str, created: str, wanted: str, **booking: Any
    ) -> None:
        record = InterpreterRequest.objects.create(
            pool=pool,
            requesting_organisation=pool.organisation,
            language=language,
            starts_at=at(starts),
            duration_minutes=60,
            place_kind=InterpretingPlace.OFFICE,
            state=wanted,
            state_since=at(starts),
        )
        InterpreterRequest.objects.filter(pk=record.pk).update(created_at=at(created))
        if booking:
            InterpreterBooking.objects.create(
                request=record,
                volunteer=v["v1"] if pool == pool_a else v["b1"],
                starts_at=record.starts_at,
                ends_at=record.ends_at,
                asked_at=at(created),
                **booking,
            )
        r[key] = record

    Q, B = InterpretingState, BookingState
    request("R1", pool_a, "ara", "2024-01-01T00:30", "2023-12-27T00:30", Q.HELD, state=B.HELD, actual_minutes=90)
    request("R2", pool_a, "ara", "2024-03-10T10:00", "2024-03-08T10:00", Q.HELD, state=B.HELD)
    request("R3", pool_a, "prs", "2024-03-20T09:00", "2024-03-19T09:00", Q.CANCELLED, state=B.CANCELLED)
    request("R4", pool_a, "tir", "2024-06-30T23:30", "2024-06-20T23:30", Q.DECLINED)
    request("R5", pool_a, "ukr", "2024-07-01T00:15", "2024-06-01T00:15", Q.HELD, state=B.HELD, actual_minutes=30)
    request("R6", pool_a, "ara", "2024-05-05T10:00", "2024-05-06T10:00", Q.CONFIRMED, state=B.CONFIRMED)
    request("RB", pool_b, "ara", "2024-04-04T10:00", "2024-04-01T10:00", Q.HELD, state=B.HELD, actual_minutes=120)

    persons = {p.given_names: p for p in (p1, p2, p3, p4, p5, p6, p7, p8, p9, p10, p11, p12, p13, p14)}
    return World(volunteers=v, persons=persons, sponsorships=s, requests=r)
