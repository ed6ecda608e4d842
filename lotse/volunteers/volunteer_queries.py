"""The read models of the volunteer coordination's pages: the list of volunteers with its filters and counts, a
volunteer's page, the worklist (renewals, missing requirements, anonymisation due), meetings and trainings.

Every page is built from ``visible_to`` querysets in a fixed number of queries.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from lotse.core.models import User
from lotse.people.vocabulary import language_name
from lotse.volunteers.choices import DayTime, RequirementKind, Skill, VolunteerStatus, Weekday
from lotse.volunteers.models import Meeting, Requirement, Volunteer, VolunteerLanguage
from lotse.volunteers.requirements import REQUIRED, Purpose, kinds_in_force
from lotse.volunteers.volunteer_services import due_for_anonymisation

PAGE_SIZE = 50

# What a volunteer's skills make them available for, and so which requirements they need (the purposes of
# lotse.volunteers.requirements, as the matching and the booking ask them): sponsors and interpreters; childcare and
# homework help are work with minors, which needs the certificate of good conduct.
KINDS_BY_SKILL: dict[str, frozenset[str]] = {
    Skill.SPONSORSHIP: REQUIRED[Purpose.SPONSORSHIP],
    Skill.INTERPRETING: REQUIRED[Purpose.INTERPRETING],
    Skill.CHILDCARE: frozenset({RequirementKind.CONDUCT_CERTIFICATE}),
    Skill.HOMEWORK: frozenset({RequirementKind.CONDUCT_CERTIFICATE}),
}


def required_kinds(skills: list[str]) -> set[str]:
    """The requirements a volunteer with these skills needs (none for skills that need none)."""
    kinds: set[str] = set()
    for skill in skills:
        kinds |= KINDS_BY_SKILL.get(skill, frozenset())
    return kinds


def renewal_horizon(today: datetime.date) -> datetime.date:
    return today + datetime.timedelta(days=settings.LOTSE_VOLUNTEER_RENEWAL_WARNING_DAYS)


def _in_force(on: datetime.date) -> Q:
    return Q(met_on__lte=on) & (Q(valid_until__isnull=True) | Q(valid_until__gt=on))


def _has_in_force(kind: str, on: datetime.date) -> Exists:
    return Exists(Requirement.objects.filter(_in_force(on), volunteer=OuterRef("pk"), kind=kind))


# --- The list -------------------------------------------------------------------------------------------------


@dataclass
class VolunteerRow:
    volunteer: Volunteer
    languages: list[str]
    skills: list[str]
    missing: list[str]


@dataclass
class VolunteerList:
    page: Any
    rows: list[VolunteerRow]
    status_counts: list[tuple[str, str, int]]
    total: int


def filtered_volunteers(user: User, filters: Mapping[str, Any], today: datetime.date) -> QuerySet[Volunteer]:
    # Anonymised volunteers are only counted in figures, never listed.
    volunteers = Volunteer.objects.visible_to(user).present()
    if status := filters.get("status"):
        volunteers = volunteers.filter(status=status)
    if skill := filters.get("skill"):
        volunteers = volunteers.filter(skills__contains=[skill])
    if language := filters.get("language"):
        volunteers = volunteers.filter(languages__language=language)
    if municipality := filters.get("municipality"):
        volunteers = volunteers.filter(municipality=municipality)
    if kind := filters.get("missing"):
        volunteers = volunteers.exclude(_has_in_force(kind, today))
    if query := filters.get("q"):
        volunteers = volunteers.filter(
            Q(family_name__icontains=query)
            | Q(given_names__icontains=query)
            | Q(email__icontains=query)
            | Q(external_id__iexact=query)
        )
    return volunteers


def volunteer_list(
    user: User, filters: Mapping[str, Any], page_number: str | None, today: datetime.date
) -> VolunteerList:
    """A page of the filtered list, the count of each status (of the whole list) and each row's missing
    requirements for what its skills make it available for: five queries whatever the rows."""
    counts = dict(
        Volunteer.objects.visible_to(user)
        .present()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    status_counts = [(value, str(label), int(counts.get(value, 0))) for value, label in VolunteerStatus.choices]
    volunteers = (
        filtered_volunteers(user, filters, today)
        .select_related("municipality")
        .prefetch_related(Prefetch("languages", queryset=VolunteerLanguage.objects.order_by("language")))
        .distinct()
        .order_by("family_name", "given_names", "pk")
    )
    page = Paginator(volunteers, PAGE_SIZE).get_page(page_number)
    rows = list(page.object_list)
    met = kinds_in_force([v.pk for v in rows], today)
    skill_labels = dict(Skill.choices)
    listed = [
        VolunteerRow(
            volunteer=v,
            languages=[row.language for row in v.languages.all()],
            skills=[str(skill_labels.get(skill, skill)) for skill in v.skills],
            missing=[
                str(RequirementKind(kind).label) for kind in sorted(required_kinds(v.skills) - met.get(v.pk, set()))
            ],
        )
        for v in rows
    ]
    return VolunteerList(page=page, rows=listed, status_counts=status_counts, total=sum(counts.values()))


def _labels(values: list[str], choices: Any) -> list[str]:
    labels = dict(choices.choices)
    return [str(labels.get(value, value)) for value in values]


# --- A volunteer's page --------------------------------------------------------------------------------------


@dataclass
class RequirementRow:
    requirement: Requirement
    in_force: bool
    renewal_due: bool


def volunteer_page(volunteer: Volunteer, today: datetime.date) -> dict[str, Any]:
    """What a volunteer's page shows: languages, requirements (those in force, renewals due), what is missing
    for each purpose, the meetings attended and the numbers of sponsorships and interpreter bookings."""
    requirements = list(
        Requirement.objects.filter(volunteer=volunteer)
        .select_related("seen_by", "meeting")
        .order_by("kind", "-met_on", "-pk")
    )
    horizon = renewal_horizon(today)
    rows = []
    met: set[str] = set()
    for requirement in requirements:
        in_force = requirement.met_on <= today and (requirement.valid_until is None or requirement.valid_until > today)
        if in_force:
            met.add(requirement.kind)
        renewal_due = requirement.valid_until is not None and requirement.valid_until <= horizon
        rows.append(RequirementRow(requirement, in_force, renewal_due))
    # A renewal is due only where no later certificate covers the time after it.
    newest: dict[str, RequirementRow] = {}
    for row in rows:
        newest.setdefault(row.requirement.kind, row)
    for row in rows:
        if newest[row.requirement.kind] is not row:
            row.renewal_due = False
    missing = {purpose: sorted(kinds - met) for purpose, kinds in REQUIRED.items()}
    purpose_labels = {
        Purpose.SPONSORSHIP: _("Sponsorship"),
        Purpose.SPONSORSHIP_WITH_MINORS: _("Sponsorship of a family with children"),
        Purpose.INTERPRETING: _("Interpreting"),
    }
    clearance = [
        (purpose_labels[purpose], [RequirementKind(kind).label for kind in kinds]) for purpose, kinds in missing.items()
    ]
    meetings = list(volunteer.meetings.order_by("-on", "pk")[:20])
    return {
        "volunteer": volunteer,
        "languages": [
            (language_name(row.language), row.get_proficiency_display())
            for row in volunteer.languages.order_by("language")
        ],
        "skills": _labels(volunteer.skills, Skill),
        "weekdays": _labels(volunteer.weekdays, Weekday),
        "day_times": _labels(volunteer.day_times, DayTime),
        "anonymisation_due": Volunteer.objects.filter(due_for_anonymisation(today), pk=volunteer.pk).exists(),
        "requirement_rows": rows,
        "clearance": clearance,
        "needed": sorted(RequirementKind(kind).label for kind in required_kinds(volunteer.skills) - met),
        "meetings": meetings,
        "sponsorship_count": volunteer.sponsorships.count(),
        "booking_count": volunteer.bookings.count(),
        "anonymise_after_days": settings.LOTSE_VOLUNTEER_ANONYMISE_AFTER_DAYS,
    }


# --- The worklist ---------------------------------------------------------------------------------------------


@dataclass
class Worklist:
    renewals: list[Requirement] = field(default_factory=list)
    missing: list[tuple[Volunteer, list[str]]] = field(default_factory=list)
    anonymisation_due: list[Volunteer] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.renewals) + len(self.missing) + len(self.anonymisation_due)


def _renewals(user: User, today: datetime.date) -> QuerySet[Requirement]:
    """The newest certificate of good conduct of each volunteer still with the organisation, where it expires
    within the warning days or has expired."""
    newer = Requirement.objects.filter(
        volunteer=OuterRef("volunteer"), kind=RequirementKind.CONDUCT_CERTIFICATE, met_on__gt=OuterRef("met_on")
    )
    return (
        Requirement.objects.filter(
            volunteer__in=Volunteer.objects.visible_to(user).present().exclude(status=VolunteerStatus.LEFT),
            kind=RequirementKind.CONDUCT_CERTIFICATE,
            valid_until__lte=renewal_horizon(today),
        )
        .exclude(Exists(newer))
        .select_related("volunteer")
        .order_by("valid_until", "volunteer__family_name", "pk")
    )


def worklist(user: User, today: datetime.date) -> Worklist:
    """The coordinator's worklist: certificates to renew, active volunteers missing a requirement for what their
    skills make them available for, volunteers who left and are due for anonymisation (four queries)."""
    result = Worklist(renewals=list(_renewals(user, today)))
    active = list(
        Volunteer.objects.visible_to(user)
        .filter(status=VolunteerStatus.ACTIVE)
        .only("family_name", "given_names", "skills", "organisation_id")
        .order_by("family_name", "given_names", "pk")
    )
    met = kinds_in_force([v.pk for v in active], today)
    for volunteer in active:
        missing = sorted(required_kinds(volunteer.skills) - met.get(volunteer.pk, set()))
        if missing:
            result.missing.append((volunteer, [str(RequirementKind(kind).label) for kind in missing]))
    result.anonymisation_due = list(
        Volunteer.objects.visible_to(user).filter(due_for_anonymisation(today)).order_by("status_since", "pk")
    )
    return result


def worklist_counts(user: User, today: datetime.date) -> Counter[str]:
    work = worklist(user, today)
    return Counter(renewals=len(work.renewals), missing=len(work.missing), anonymisation=len(work.anonymisation_due))


# --- Meetings and trainings -----------------------------------------------------------------------------------


def meeting_list(user: User, filters: Mapping[str, Any], page_number: str | None) -> Any:
    meetings = (
        Meeting.objects.visible_to(user)
        .select_related("programme")
        .annotate(volunteer_count=Count("volunteers", distinct=True), newcomer_count=Count("newcomers", distinct=True))
        .order_by("-on", "pk")
    )
    if kind := filters.get("kind"):
        meetings = meetings.filter(kind=kind)
    return Paginator(meetings, PAGE_SIZE).get_page(page_number)


def meeting_page(meeting: Meeting) -> dict[str, Any]:
    return {
        "meeting": meeting,
        "volunteers": list(meeting.volunteers.order_by("family_name", "given_names", "pk")),
        "newcomers": list(meeting.newcomers.order_by("family_name", "given_names", "pk")),
        "trainings_recorded": meeting.requirements.count(),
    }
