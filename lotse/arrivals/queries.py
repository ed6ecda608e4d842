"""Read models of the arrival journey: who is responsible for whom, and the page of responsibilities."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, OuterRef, QuerySet, Subquery

from lotse.arrivals.choices import HandoverSheetStatus, PresentItemKind
from lotse.arrivals.models import HandoverSheet, HandoverSheetPerson, Responsibility
from lotse.core.models import Municipality, Organisation, User
from lotse.people.vocabulary import language_name, nationality_name


def _rank(responsibility: Responsibility) -> tuple[bool, bool]:
    """How specific an entry is: one for a district beats one for a status, which beats the whole municipality."""
    return (responsibility.district != "", responsibility.residence_status != "")


def responsible_organisations(
    municipality: Municipality | int, on_date: datetime.date, district: str = "", residence_status: str = ""
) -> list[Organisation]:
    """The organisations responsible on ``on_date`` for a person of ``municipality`` (in one query).

    An entry applies when it is in force on the date (both ends included), its
    district is empty or the person's (compared without regard to case and
    surrounding spaces) and its residence status is empty or the person's. Of
    the entries that apply only the most specific count: district and status
    before district alone, before status alone, before the whole municipality.
    Several organisations at the same level are all responsible (sorted by
    name); none is an empty list.
    """
    municipality_id = municipality if isinstance(municipality, int) else municipality.pk
    wanted_district = district.strip().casefold()
    applying = [
        entry
        for entry in Responsibility.objects.select_related("organisation")
        .filter(municipality_id=municipality_id)
        .on(on_date)
        if entry.district.casefold() in ("", wanted_district) and entry.residence_status in ("", residence_status)
    ]
    if not applying:
        return []
    best = max(_rank(entry) for entry in applying)
    organisations = {entry.organisation_id: entry.organisation for entry in applying if _rank(entry) == best}
    return sorted(organisations.values(), key=lambda organisation: (organisation.name, organisation.pk))


@dataclass
class MunicipalityResponsibilities:
    municipality: Municipality
    entries: list[Responsibility] = field(default_factory=list)


def responsibility_page(*, today: datetime.date, show_all: bool) -> dict[str, Any]:
    """Every municipality of the installation with its responsibilities in force today (or all of them), in two
    queries; ``uncovered`` counts the municipalities without one today."""
    municipalities = {m.pk: MunicipalityResponsibilities(m) for m in Municipality.objects.order_by("name", "ags")}
    entries = Responsibility.objects.select_related("organisation").order_by(
        "district", "residence_status", "valid_from", "organisation__name", "pk"
    )
    if not show_all:
        entries = entries.on(today)
    covered = set()
    for entry in entries:
        row = municipalities.get(entry.municipality_id)
        if row is None:
            continue
        entry.municipality = row.municipality
        row.entries.append(entry)
        if entry.in_force_on(today):
            covered.add(entry.municipality_id)
    rows = list(municipalities.values())
    return {
        "rows": rows,
        "show_all": show_all,
        "today": today,
        "uncovered": sum(1 for row in rows if row.municipality.pk not in covered),
    }


# The handover sheet (Übergabebogen)

SHEET_LIST_LENGTH = 200


def _with_names(sheets: QuerySet[HandoverSheet]) -> QuerySet[HandoverSheet]:
    """Each sheet with the name of its first person, as the sheet names it (``household_name``)."""
    first = HandoverSheetPerson.objects.filter(sheet_id=OuterRef("pk")).order_by("position", "pk")
    return sheets.select_related("receiving_organisation", "sending_organisation", "shelter").annotate(
        household_name=Subquery(first.values("family_name")[:1]),
        household_given=Subquery(first.values("given_names")[:1]),
        person_count=Count("persons", distinct=True),
    )


def sent_sheet_list(user: User) -> list[HandoverSheet]:
    """The sheets of the user's organisation, drafts and handed over, newest first (one query)."""
    return list(_with_names(HandoverSheet.objects.sent_by(user)).order_by("-created_at", "-pk")[:SHEET_LIST_LENGTH])


def received_sheet_list(user: User) -> dict[str, list[HandoverSheet]]:
    """The sheets handed over to the user's organisation: those waiting for an answer, and those answered."""
    sheets = list(_with_names(HandoverSheet.objects.received_by(user)).order_by("-sent_at", "-pk")[:SHEET_LIST_LENGTH])
    return {
        "waiting": [sheet for sheet in sheets if sheet.status == HandoverSheetStatus.SENT],
        "answered": [sheet for sheet in sheets if sheet.status != HandoverSheetStatus.SENT],
    }


def waiting_sheets(user: User) -> list[HandoverSheet]:
    """The sheets waiting for an answer of the user's organisation, oldest first (for "Meine Arbeit")."""
    return list(
        _with_names(HandoverSheet.objects.received_by(user).filter(status=HandoverSheetStatus.SENT)).order_by(
            "sent_at", "pk"
        )
    )


def sheet_page(sheet: HandoverSheet) -> dict[str, Any]:
    """What the sheet says: its persons and rows (what it contains, nothing of the records behind it)."""
    persons: list[Any] = list(sheet.persons.order_by("position", "pk"))
    for person in persons:
        person.nationality_names = [nationality_name(code) for code in person.nationalities]
        person.language_names = [language_name(code) for code in person.languages]
    return {
        "sheet": sheet,
        "persons": persons,
        "consent_by": next((p for p in persons if p.pk == sheet.consent_given_by_id), None),
        "needs": list(sheet.needs.all()),
        "tasks": list(sheet.tasks.all()),
        "contacts": list(sheet.contacts.all()),
        "documents": [item for item in sheet.items.all() if item.kind == PresentItemKind.DOCUMENT],
        "consents": [item for item in sheet.items.all() if item.kind == PresentItemKind.CONSENT],
    }


def fetch_sheet(queryset: QuerySet[HandoverSheet], pk: int) -> HandoverSheet | None:
    return (
        queryset.select_related(
            "sending_organisation",
            "receiving_organisation",
            "shelter__municipality",
            "municipality",
            "created_by",
            "sent_by",
            "decided_by",
            "consent_recorded_by",
            "case",
        )
        .filter(pk=pk)
        .first()
    )
