"""Accommodation lists as XLSX: the same tables as the pages, numbers kept as numbers."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from openpyxl.worksheet.worksheet import Worksheet

from lotse.core.export import BOLD, TITLE, append_row, append_table, new_workbook, set_widths, workbook_bytes

if TYPE_CHECKING:
    from openpyxl import Workbook

    from lotse.accommodation.models import Occupancy
    from lotse.accommodation.monitor import Monitor
    from lotse.accommodation.queries import Overview


def _day(value: datetime.date | None) -> str:
    return date_format(value, "SHORT_DATE_FORMAT") if value else ""


def _workbook(
    title: str, heading: Sequence[tuple[str, Any]], header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> tuple[Workbook, Worksheet]:
    """A list as one sheet: the heading lines (the first one large), a blank line, the table."""
    workbook, sheet = new_workbook(title)
    for label, value in heading:
        append_row(sheet, [label, value])
    sheet["A1"].font = TITLE
    sheet.append([])
    append_table(sheet, header, rows)
    set_widths(sheet, 40, 18, len(header))
    return workbook, sheet


def shelter_overview_xlsx(overview: Overview) -> bytes:
    """The overview table: one row per shelter, then the totals (all, VU, AU)."""
    header = [
        _("Shelter"),
        _("Municipality"),
        _("Kind of accommodation"),
        _("Operator"),
        _("Places"),
        _("Occupied"),
        _("Free"),
        _("Occupancy rate (%)"),
    ]
    rows = [
        [
            s.name,
            s.municipality.name,
            s.get_kind_display(),
            s.organisation.name,
            s.places_count,
            s.occupied_count,
            s.free_count,
            float(s.rate) if s.rate is not None else None,
        ]
        for s in overview.shelters
    ]
    workbook, sheet = _workbook(
        _("Shelters"),
        [
            (_("Places and occupancy of the shelters"), ""),
            (_("Reference date"), _day(overview.day)),
            (_("Filters"), overview.filters_text),
        ],
        header,
        rows,
    )
    sheet.append([])
    for totals in [overview.totals, *overview.by_group]:
        append_row(
            sheet,
            [
                totals.label,
                "",
                "",
                "",
                totals.places,
                totals.occupied,
                totals.free,
                float(totals.rate) if totals.rate is not None else None,
            ],
        )
        sheet.cell(sheet.max_row, 1).font = BOLD
    for row in sheet.iter_rows(min_row=5, min_col=8, max_col=8):
        for cell in row:
            cell.number_format = "0.0"
    return workbook_bytes(workbook)


def residents_xlsx(
    *,
    title: str,
    day: datetime.date,
    stays: Sequence[Occupancy],
    with_shelter: bool,
    households: dict[int, str] | None = None,
) -> bytes:
    """Current residents: name, date of birth, since, shelter (if several), unit, (household,) place, counted as."""
    header = [_("Name"), _("Date of birth"), _("Gender")]
    if with_shelter:
        header.append(_("Shelter"))
    header.append(_("Unit"))
    if households is not None:
        header.append(_("Household"))
    header += [_("Place"), _("Moved in on"), _("Counted as")]
    rows = []
    for stay in stays:
        person, place = stay.person, stay.place
        row: list[Any] = [person.full_name, person.birth_date_display, person.get_gender_display()]
        if with_shelter:
            row.append(place.shelter.name)
        row.append(place.unit.name if place.unit else "")
        if households is not None:
            row.append(households.get(stay.pk, ""))
        row += [place.number, stay.move_in, stay.get_basis_display()]
        rows.append(row)
    workbook, _sheet = _workbook(
        _("Residents"), [(title, ""), (_("As of"), _day(day)), (_("Persons"), str(len(stays)))], header, rows
    )
    return workbook_bytes(workbook)


def vu_monitor_xlsx(monitor: Monitor) -> bytes:
    """The VU monitor as the page shows it (every page of it): the counts per flag, then one row per person."""
    header = [
        _("Name"),
        _("Date of birth"),
        _("Age"),
        _("Household size"),
        _("Shelter"),
        _("In VU since"),
        _("Months in VU"),
        _("24 months on"),
        _("Stage of the asylum procedure"),
        _("Stage since"),
        _("Decision"),
        _("Decision on"),
        _("Municipality of assignment"),
        _("Assigned on"),
        _("Flag"),
        _("Flag date"),
    ]
    rows = []
    for row in monitor.rows:
        person = row.person
        rows.append(
            [
                person.full_name,
                person.birth_date_display,
                row.age,
                row.household_size,
                row.shelter.name,
                row.since,
                row.months,
                row.limit,
                row.stage.get_stage_display() if row.stage else "",
                row.stage.valid_from if row.stage else None,
                row.decision.get_outcome_display() if row.decision else "",
                row.decision.valid_from if row.decision else None,
                row.municipality_name,
                row.assignment.date if row.assignment else None,
                row.flag_label if row.flag_day else "",
                row.flag_day,
            ]
        )
    heading = [
        (_("Persons in preliminary accommodation (VU monitor)"), ""),
        (_("Reference date"), _day(monitor.day)),
        (_("Warning ahead of 24 months (months)"), monitor.warning_months),
        (_("Filters"), monitor.description or _("none")),
        *((count.label, count.count) for count in monitor.counts),
        (_("Persons"), len(monitor.rows)),
    ]
    workbook, _sheet = _workbook(_("VU monitor"), heading, header, rows)
    return workbook_bytes(workbook)
