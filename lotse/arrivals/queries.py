"""Read models of the arrival journey: who is responsible for whom, and the page of responsibilities."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from lotse.arrivals.models import Responsibility
from lotse.core.models import Municipality, Organisation


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
