"""Labels and definitions of the accommodation figures, and the XLSX exports of figures, forecast and assignments."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lotse.accommodation.choices import MoveOutReason
from lotse.accommodation.figures import UNKNOWN_REASON, MunicipalityFigures
from lotse.accommodation.forecast import Forecast
from lotse.accommodation.models import Assignment
from lotse.core.export import BOLD, add_sheet, append_row, append_table, fit_columns, new_workbook, workbook_bytes

FIGURE_LABELS: dict[str, Promise] = {
    "gefluechtete_gesamt": gettext_lazy("Refugees in the municipality"),
    "vorlaeufige_unterbringung": gettext_lazy("in preliminary accommodation (VU)"),
    "zugewiesen_wohnhaft": gettext_lazy("assigned persons living in the municipality"),
    "zugewiesen_in_anschlussunterbringung": gettext_lazy("in follow-up accommodation (AU)"),
    "privater_wohnraum": gettext_lazy("in private housing"),
    "zugewiesen_andere_wohnsituation": gettext_lazy("in another housing situation in the municipality"),
    "unbegleitete_minderjaehrige": gettext_lazy("unaccompanied minors (UMA)"),
    "zugewiesen": gettext_lazy("assigned to the municipality"),
    "zugewiesen_in_vorlaeufiger_unterbringung": gettext_lazy("of them still in preliminary accommodation"),
    "ausgezogen_oder_zurueckgekehrt": gettext_lazy("of them moved out or returned"),
    "auszugsgruende": gettext_lazy("by reason of the last move-out"),
    "nicht_als_zugewiesen_gezaehlt": gettext_lazy(
        "further residents of follow-up accommodation, not counted as assigned"
    ),
    "plaetze_vu": gettext_lazy("places of preliminary accommodation"),
    "belegt_vu": gettext_lazy("occupied places of preliminary accommodation"),
    "frei_vu": gettext_lazy("free places of preliminary accommodation"),
    "plaetze_au": gettext_lazy("places of follow-up accommodation"),
    "belegt_au": gettext_lazy("occupied places of follow-up accommodation"),
    "frei_au": gettext_lazy("free places of follow-up accommodation"),
    "aufnahmeverpflichtung": gettext_lazy("intake obligation of the year"),
    "zugewiesen_im_jahr": gettext_lazy("assigned this year"),
    "erfuellung": gettext_lazy("intake obligation fulfilled (percent)"),
}


@dataclass(frozen=True)
class PersonRow:
    """A row of the persons' figures: its key, its label and its depth (a row is the sum of its sub-rows)."""

    key: str
    label: Promise
    level: int


# The persons' figures as the city page publishes them; page, Excel export and command show these rows.
PERSON_ROWS: tuple[PersonRow, ...] = (
    PersonRow("gefluechtete_gesamt", FIGURE_LABELS["gefluechtete_gesamt"], 0),
    PersonRow("vorlaeufige_unterbringung", FIGURE_LABELS["vorlaeufige_unterbringung"], 1),
    PersonRow("zugewiesen_wohnhaft", FIGURE_LABELS["zugewiesen_wohnhaft"], 1),
    PersonRow("zugewiesen_in_anschlussunterbringung", FIGURE_LABELS["zugewiesen_in_anschlussunterbringung"], 2),
    PersonRow("privater_wohnraum", FIGURE_LABELS["privater_wohnraum"], 2),
    PersonRow("zugewiesen_andere_wohnsituation", FIGURE_LABELS["zugewiesen_andere_wohnsituation"], 2),
    PersonRow("unbegleitete_minderjaehrige", FIGURE_LABELS["unbegleitete_minderjaehrige"], 1),
    PersonRow("zugewiesen", FIGURE_LABELS["zugewiesen"], 0),
    PersonRow("zugewiesen_wohnhaft", gettext_lazy("of them living in the municipality (as above)"), 1),
    PersonRow("zugewiesen_in_vorlaeufiger_unterbringung", FIGURE_LABELS["zugewiesen_in_vorlaeufiger_unterbringung"], 1),
    PersonRow("ausgezogen_oder_zurueckgekehrt", FIGURE_LABELS["ausgezogen_oder_zurueckgekehrt"], 1),
    PersonRow("auszugsgruende", FIGURE_LABELS["auszugsgruende"], 2),
    PersonRow("nicht_als_zugewiesen_gezaehlt", FIGURE_LABELS["nicht_als_zugewiesen_gezaehlt"], 0),
)

# The figures of places and intake, after the persons' rows (in the export and the command).
OTHER_KEYS = (
    "plaetze_vu",
    "belegt_vu",
    "frei_vu",
    "plaetze_au",
    "belegt_au",
    "frei_au",
    "aufnahmeverpflichtung",
    "zugewiesen_im_jahr",
    "erfuellung",
)

FIGURE_DEFINITIONS: dict[str, Promise] = {
    "gefluechtete_gesamt": gettext_lazy(
        "The sum of its three rows: persons in preliminary accommodation, assigned persons living in the "
        "municipality and unaccompanied minors. Each person counts in at most one of them."
    ),
    "vorlaeufige_unterbringung": gettext_lazy(
        "Persons with a stay on the reference date in a shelter of preliminary accommodation in the municipality, "
        "assigned or not. A stay holds from the day of moving in up to, not including, the day of moving out."
    ),
    "zugewiesen_wohnhaft": gettext_lazy(
        "The sum of its three rows: assigned persons in follow-up accommodation, in private housing and in "
        "another housing situation in the municipality. An assigned person still in preliminary accommodation "
        "counts there, not here."
    ),
    "zugewiesen_in_anschlussunterbringung": gettext_lazy(
        "Assigned persons with a stay on the reference date in a shelter of follow-up accommodation in the "
        "municipality."
    ),
    "privater_wohnraum": gettext_lazy(
        "Assigned persons without a stay on the reference date whose housing situation on that day (the latest "
        "entry dated on or before it) is an own tenancy in the municipality."
    ),
    "zugewiesen_andere_wohnsituation": gettext_lazy(
        "Assigned persons without a stay on the reference date whose housing situation on that day lies in the "
        "municipality but is not an own tenancy (for example youth welfare or “other”)."
    ),
    "unbegleitete_minderjaehrige": gettext_lazy(
        "Persons under 18 on the reference date (not yet had their 18th birthday) whose housing situation on that "
        "day is youth welfare or a foster family in the municipality, without a stay on that day and not "
        "assigned to the municipality. Without a date of birth a person does not count."
    ),
    "zugewiesen": gettext_lazy(
        "Persons assigned to the municipality with a date of assignment from the period start to the reference "
        "date; each person counts once. The sum of its three rows."
    ),
    "zugewiesen_in_vorlaeufiger_unterbringung": gettext_lazy(
        "Assigned persons with a stay on the reference date in preliminary accommodation (in any municipality)."
    ),
    "ausgezogen_oder_zurueckgekehrt": gettext_lazy(
        "Assigned persons who neither live in the municipality nor are still in preliminary accommodation. By "
        "reason of their latest move-out, on or before the reference date, from a shelter in the municipality; "
        "“unknown” when there is none."
    ),
    "nicht_als_zugewiesen_gezaehlt": gettext_lazy(
        "Persons with a stay on the reference date in follow-up accommodation in the municipality who are not "
        "assigned to it in the period, for example children born during the accommodation. Like the city page, "
        "they are not part of the refugees in the municipality."
    ),
    "plaetze_vu": gettext_lazy(
        "Places available on the reference date in shelters in operation on that day; a place given up on the "
        "reference date no longer counts. Occupied: stays on those places; free: places minus occupied."
    ),
    "erfuellung": gettext_lazy(
        "Persons assigned from 1 January of the reference year to the reference date, in percent of the intake "
        "obligation of that year, with one decimal rounded half up; empty without an obligation."
    ),
}


def reason_label(code: str) -> str:
    if code == UNKNOWN_REASON:
        return _("unknown")
    return str(MoveOutReason(code).label)


def _day(value: Any) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


INDENT = "  "


def person_rows(figures: MunicipalityFigures) -> list[tuple[int, str, str, Any]]:
    """The persons' figures as (depth, key, label, value) rows; the move-out reasons one level below their row."""
    rows: list[tuple[int, str, str, Any]] = []
    for row in PERSON_ROWS:
        if row.key == "auszugsgruende":
            rows.extend(
                (row.level, f"{row.key}.{code}", reason_label(code), count)
                for code, count in figures.auszugsgruende.items()
            )
        else:
            rows.append((row.level, row.key, str(row.label), figures.value(row.key)))
    return rows


def figure_rows(figures: MunicipalityFigures) -> list[tuple[str, Any]]:
    """The persons' rows (indented by depth), then places and intake, as (label, value) rows."""
    rows = [(f"{INDENT * level}{label}", value) for level, _key, label, value in person_rows(figures)]
    rows.extend((str(FIGURE_LABELS[key]), figures.value(key)) for key in OTHER_KEYS)
    return rows


OVERVIEW_KEYS = (
    "gefluechtete_gesamt",
    "vorlaeufige_unterbringung",
    "zugewiesen_wohnhaft",
    "unbegleitete_minderjaehrige",
    "zugewiesen",
    "ausgezogen_oder_zurueckgekehrt",
    "nicht_als_zugewiesen_gezaehlt",
    "plaetze_vu",
    "frei_vu",
    "plaetze_au",
    "frei_au",
)


def figures_xlsx(figures: MunicipalityFigures, overview: Sequence[MunicipalityFigures]) -> bytes:
    workbook, sheet = new_workbook(_("Figures"))
    append_row(sheet, [_("Accommodation figures of %(name)s") % {"name": figures.municipality.name}], font=BOLD)
    append_row(sheet, [_("Reference date"), _day(figures.stichtag)])
    append_row(sheet, [_("Assigned from"), _day(figures.von)])
    sheet.append([])
    append_table(sheet, [_("Figure"), _("Persons")], figure_rows(figures))
    fit_columns(sheet)
    table = add_sheet(workbook, _("Municipalities"))
    append_table(
        table,
        [_("Municipality"), *(str(FIGURE_LABELS[key]) for key in OVERVIEW_KEYS)],
        ([f.municipality.name, *(f.value(key) for key in OVERVIEW_KEYS)] for f in overview),
    )
    fit_columns(table)
    definitions = add_sheet(workbook, _("Definitions"))
    append_table(
        definitions, [_("Figure"), _("Definition")], ((FIGURE_LABELS[k], str(v)) for k, v in FIGURE_DEFINITIONS.items())
    )
    fit_columns(definitions)
    return workbook_bytes(workbook)


def forecast_xlsx(forecast: Forecast, organisation_name: str, basis_text: str) -> bytes:
    workbook, sheet = new_workbook(_("Forecast"))
    append_row(sheet, [_("Capacity forecast of %(name)s") % {"name": organisation_name}], font=BOLD)
    append_row(sheet, [basis_text])
    append_row(sheet, [forecast_outcome(forecast)])
    sheet.append([])
    append_table(
        sheet,
        [_("Month"), _("Expected intake"), _("Expected move-outs"), _("Residents"), _("Places"), _("Free places")],
        (
            [
                date_format(row.month, "YEAR_MONTH_FORMAT"),
                row.expected,
                row.move_outs,
                row.residents,
                row.places,
                row.free,
            ]
            for row in forecast.rows
        ),
    )
    fit_columns(sheet)
    return workbook_bytes(workbook)


def forecast_outcome(forecast: Forecast) -> str:
    if forecast.runs_out is None:
        return _("The places suffice for the %(months)s months of the forecast.") % {"months": forecast.horizon}
    return _("Places run out in %(month)s.") % {"month": date_format(forecast.runs_out, "YEAR_MONTH_FORMAT")}


def assignments_xlsx(assignments: Sequence[Assignment], filters: str = "") -> bytes:
    """One row per assigned person, in the order given (the list's: newest first), then a sheet with the filters.

    This export contains names; the view logs it.
    """
    workbook, sheet = new_workbook(_("Assignments"))
    rows = []
    for assignment in assignments:
        for assigned in assignment.assigned_persons.all():
            rows.append(
                [
                    assignment.date,
                    assignment.municipality.name,
                    assignment.reference,
                    assigned.person.family_name,
                    assigned.person.given_names,
                    assigned.person.birth_date,
                ]
            )
    append_table(
        sheet,
        [
            _("Date of assignment"),
            _("Municipality"),
            _("File reference"),
            _("Family name"),
            _("Given names"),
            _("Date of birth"),
        ],
        rows,
    )
    fit_columns(sheet)
    about = add_sheet(workbook, _("Filters"))
    append_row(about, [_("Filters"), filters or _("none")])
    append_row(about, [_("Order"), _("newest first")])
    return workbook_bytes(workbook)
