"""The city's volunteers in the demo county, built as the city's volunteer coordinator would build them.

The 60 volunteers are the coordinator's list (``data/volunteers.csv``, in the columns of the volunteer-list import)
taken in through :func:`lotse.volunteers.volunteer_import.import_volunteer_list`: about half with their own
migration experience, speaking Arabic, Dari, Farsi, Kurmanji, Tigrinya, Turkish, Ukrainian and Russian among
others. Most are cleared for sponsorships and interpreting; a few miss the pledge or the agreement, and four
certificates of good conduct (seen here relative to the day the demo is loaded) are due for renewal. The list was
written on ``LIST_WRITTEN_ON``; its dates move by the days since, so the list is as current on the day of loading
as it was then (a certificate seen in 2022 does not expire in the demo a few years later). Meetings and
trainings with their attendance come through the volunteer services; the programme "Willkommen in Ludwigsburg" is
got or created by name (the sponsorship part of the demo uses the same one).
"""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import ValidationError

from lotse.core.models import Organisation
from lotse.demo.data import DATA_DIR, recorded
from lotse.volunteers import volunteer_services as services
from lotse.volunteers.choices import MeetingKind, RequirementKind
from lotse.volunteers.models import Meeting, Requirement, Volunteer
from lotse.volunteers.requirements import CONDUCT_CERTIFICATE_YEARS
from lotse.volunteers.volunteer_import import import_volunteer_list

VOLUNTEER_LIST = "volunteers.csv"
LIST_WRITTEN_ON = datetime.date(2026, 12, 1)
GERMAN_DATE = re.compile(r"\b(\d{2})\.(\d{2})\.(\d{4})\b")
CITY = "stadt-lb"
PROGRAMME = "Willkommen in Ludwigsburg"
PROGRAMME_START = datetime.date(2023, 3, 1)
# Certificates seen almost five years ago: (volunteer ID, days until the renewal; negative: expired).
RENEWALS = (("EA-005", 20), ("EA-016", 45), ("EA-027", -10), ("EA-034", 55))
# (date, kind, topic, place, tied to the programme, the volunteer IDs present).
MEETINGS = (
    (
        datetime.date(2026, 3, 14),
        MeetingKind.TRAINING,
        "Grundschulung Patenschaften",
        "Bürgerbüro Ludwigsburg",
        True,
        [f"EA-{n:03d}" for n in range(1, 21)],
    ),
    (
        datetime.date(2026, 6, 20),
        MeetingKind.TRAINING,
        "Dolmetschen im Ehrenamt: Rolle und Schweigepflicht",
        "Kulturzentrum",
        False,
        ["EA-001", "EA-003", "EA-007", "EA-011", "EA-013", "EA-017", "EA-023", "EA-025", "EA-029"],
    ),
    (
        datetime.date(2026, 9, 10),
        MeetingKind.MEETING,
        "Patentreffen im Herbst",
        "Café International",
        True,
        [f"EA-{n:03d}" for n in range(1, 36, 2)],
    ),
    (
        datetime.date(2026, 11, 5),
        MeetingKind.MEETING,
        "Stammtisch der Ehrenamtlichen",
        "Café International",
        False,
        [f"EA-{n:03d}" for n in range(20, 45, 3)],
    ),
)


def volunteer_list(today: datetime.date) -> bytes:
    """The coordinator's list with every date moved by the days from ``LIST_WRITTEN_ON`` to ``today``."""
    shift = today - LIST_WRITTEN_ON

    def moved(match: re.Match[str]) -> str:
        day, month, year = (int(part) for part in match.groups())
        return (datetime.date(year, month, day) + shift).strftime("%d.%m.%Y")

    return GERMAN_DATE.sub(moved, (DATA_DIR / VOLUNTEER_LIST).read_text(encoding="utf-8")).encode("utf-8")


def load_demo_volunteers(*, today: datetime.date) -> dict[str, int]:
    """The city's volunteers, renewals due, the programme, meetings and trainings; a second load changes nothing."""
    city = Organisation.objects.get(short_name=CITY)
    before = Volunteer.objects.filter(organisation=city).count()
    if not Volunteer.objects.filter(organisation=city).exclude(external_id="").exists():
        # Taken in once: loaded again on a later day, the moved dates would read as changes to every volunteer.
        with recorded():
            report = import_volunteer_list(
                VOLUNTEER_LIST, volunteer_list(today), organisation=city, acting_user=None, commit=True
            )
        if not report.ok:
            raise ValidationError(f"The demo volunteer list does not import: {report.problems!r}")
    volunteers = {v.external_id: v for v in Volunteer.objects.filter(organisation=city).exclude(external_id="")}
    with recorded():
        _renewals(volunteers, today)
        programme = services.ensure_programme(
            acting_user=None, organisation=city, name=PROGRAMME, started_on=PROGRAMME_START
        )
        meetings = _meetings(city, programme, volunteers, today)
    return {
        "volunteers": Volunteer.objects.filter(organisation=city).count() - before,
        "meetings": meetings,
    }


def _renewals(volunteers: dict[str, Volunteer], today: datetime.date) -> None:
    have = set(
        Requirement.objects.filter(
            volunteer__in=[volunteers[key] for key, _days in RENEWALS], kind=RequirementKind.CONDUCT_CERTIFICATE
        ).values_list("volunteer__external_id", flat=True)
    )
    for key, days in RENEWALS:
        if key in have:
            continue
        due = today + datetime.timedelta(days=days)
        seen = due.replace(year=due.year - CONDUCT_CERTIFICATE_YEARS)
        services.add_requirement(
            acting_user=None, volunteer=volunteers[key], kind=RequirementKind.CONDUCT_CERTIFICATE, met_on=seen
        )


def _meetings(city: Organisation, programme: object, volunteers: dict[str, Volunteer], today: datetime.date) -> int:
    existing = set(Meeting.objects.filter(organisation=city).values_list("on", "topic"))
    created = 0
    for on, kind, topic, place, in_programme, present in MEETINGS:
        if (on, topic) in existing or on > today:
            continue
        meeting = services.create_meeting(
            acting_user=None,
            organisation=city,
            kind=kind,
            on=on,
            topic=topic,
            place=place,
            programme=programme if in_programme else None,
        )
        services.set_attendance(
            acting_user=None,
            meeting=meeting,
            expected_version=meeting.version,
            volunteers=[volunteers[key] for key in present if volunteers[key].anonymised_at is None],
        )
        created += 1
    return created
