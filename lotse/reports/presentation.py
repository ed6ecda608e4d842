"""The key figures report as the dashboard shows it: one set of tables for the page, the exports and the PDF.

Small-number suppression happens here, once, for the whole report, so that
every output of a report shows exactly the same cells: the counts under 3
and, as ``lotse.reports.suppression`` decides over the relations declared in
``report_relations``, the counts that would give them away.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lotse.cases.choices import ClosingReason
from lotse.core.models import Municipality, Organisation
from lotse.reports.closed_months import report_figures
from lotse.reports.figures import (
    COUNT_KEYS,
    SHARE_KEYS,
    KeyFigures,
    Scope,
    default_period_start,
    month_ends,
)
from lotse.reports.labels import COLUMN_LABELS, FIGURE_LABELS
from lotse.reports.suppression import SECONDARY, Kind, Relation, suppress

SUPPRESSION_LIMIT = 3
SUPPRESSED = "< 3"
# A count of 3 or more hidden so that no count under 3 can be recalculated from the others.
SECONDARY_SUPPRESSED = "x"
# A share is withheld when the count it is computed from, or the adults it is a share of, is withheld.
WITHHELD_SHARE = "–"
SHARE_BASIS = {
    "anteil_b1_plus": "erwachsene_b1_plus",
    "anteil_beschaeftigt": "erwachsene_beschaeftigt",
    "anteil_ausbildung": "erwachsene_ausbildung",
}
# The columns of the series and breakdown tables (closing reasons have their own table).
TABLE_KEYS = (
    *COUNT_KEYS,
    *SHARE_KEYS,
    "faelle_aktiv",
    "beendet_personen",
    "beendet_mit_mietvertrag",
    "beendet_erstmals_privat",
)
# The counts among them (the shares follow their counts).
TABLE_COUNT_KEYS = tuple(key for key in TABLE_KEYS if key not in SHARE_KEYS)
# How the counts of one row (a month, a group, the reference date) are tied to each other.
ROW_RELATIONS: list[tuple[str, tuple[str, ...], Kind]] = [
    ("klienten", ("minderjaehrige", "erwachsene", "alter_unbekannt"), "sum"),
    ("erwachsene", ("erwachsene_b1_plus",), "subset"),
    ("erwachsene", ("erwachsene_beschaeftigt", "erwachsene_ausbildung"), "subset"),
    ("beendet_personen", ("beendet_mit_mietvertrag",), "subset"),
    ("beendet_mit_mietvertrag", ("beendet_erstmals_privat",), "subset"),
]
# Each case has one organisation and one municipality: its groups' active cases add up to all of them exactly.
# Persons can count in two groups, so their groups add up to at least the whole (a ``cover``).
EXACT_OVER_GROUPS = frozenset({"faelle_aktiv"})
# Row names of the cells: the reference date (cards, last month, rows "all"), and the closing reasons.
REFERENCE_ROW = "stichtag"
REASONS_ROW = "abschlussgruende"

# The charts of the series: title, unit and the figures drawn.
CHARTS: list[tuple[str, Promise, Promise, tuple[str, ...]]] = [
    ("klienten", gettext_lazy("Clients"), gettext_lazy("persons"), COUNT_KEYS[:4]),
    ("anteile", gettext_lazy("Shares of adults"), gettext_lazy("percent"), SHARE_KEYS),
    ("erwachsene", gettext_lazy("Adults by language and work"), gettext_lazy("persons"), COUNT_KEYS[4:]),
    ("faelle", gettext_lazy("Active cases"), gettext_lazy("cases"), ("faelle_aktiv",)),
    (
        "beendet",
        gettext_lazy("Ended counselling since the period start"),
        gettext_lazy("persons"),
        ("beendet_personen", "beendet_mit_mietvertrag", "beendet_erstmals_privat"),
    ),
]

MAX_SERIES_MONTHS = 120


def reason_label(code: str) -> str:
    try:
        return str(ClosingReason(code).label)
    except ValueError:
        return code


def format_number(value: int | Decimal | None) -> str:
    """German notation: 1.234 and 24,5."""
    if value is None:
        return "–"
    if isinstance(value, Decimal):
        return f"{value:.1f}".replace(".", ",")
    return f"{value:,}".replace(",", ".")


@dataclass(frozen=True)
class Cell:
    """One number of the report: its exact value, and what the report may show of it."""

    value: int | Decimal | None
    suppressed: bool = False
    # Hidden although not small: it would give a small one away.
    secondary: bool = False

    @property
    def text(self) -> str:
        if self.suppressed:
            if isinstance(self.value, Decimal) or self.value is None:
                return WITHHELD_SHARE
            return SECONDARY_SUPPRESSED if self.secondary else SUPPRESSED
        return format_number(self.value)

    @property
    def percent_text(self) -> str:
        """A share with its unit: "24,5 %"; suppressed or empty shares stand alone."""
        text = self.text
        return text if self.suppressed or self.value is None else f"{text}\u00a0%"

    @property
    def shown(self) -> int | float | str | None:
        """The value for a spreadsheet or chart: the number, or the suppression mark."""
        if self.suppressed:
            return self.text
        if isinstance(self.value, Decimal):
            return float(self.value)
        return self.value

    @property
    def chart_value(self) -> int | float | None:
        shown = self.shown
        return None if isinstance(shown, str) else shown


def report_relations(rows: Sequence[str], groupings: Sequence[Sequence[str]]) -> list[Relation]:
    """The relations between the counts of a report: those within each of ``rows``, and for each grouping
    (the row names of its groups) each count of the reference date against its groups."""
    relations = [
        Relation((row, total), tuple((row, part) for part in parts), kind)
        for row in rows
        for total, parts, kind in ROW_RELATIONS
    ]
    for groups in groupings:
        if groups:
            relations.extend(
                Relation(
                    (REFERENCE_ROW, key),
                    tuple((group, key) for group in groups),
                    "sum" if key in EXACT_OVER_GROUPS else "cover",
                )
                for key in TABLE_COUNT_KEYS
            )
    return relations


def suppressed_cells(
    rows: Mapping[str, KeyFigures], groupings: Sequence[Sequence[str]], suppress_small: bool
) -> dict[str, dict[str, Cell]]:
    """The cells of every row of a report (``rows`` holds ``REFERENCE_ROW``), suppressed as one whole.

    ``groupings``: the row names of each breakdown, whose groups make up the reference date's row. The
    closing reasons of the reference date are the row ``REASONS_ROW``.
    """
    values: dict[tuple[str, str], int] = {
        (row, key): figures.value(key) for row, figures in rows.items() for key in TABLE_COUNT_KEYS
    }
    values.update(((REASONS_ROW, code), count) for code, count in rows[REFERENCE_ROW].abschlussgruende.items())
    hidden = suppress(values, report_relations(list(rows), groupings), SUPPRESSION_LIMIT) if suppress_small else {}

    def count_cell(row: str, key: str) -> Cell:
        mark = hidden.get((row, key))
        return Cell(values[(row, key)], suppressed=mark is not None, secondary=mark == SECONDARY)

    result: dict[str, dict[str, Cell]] = {}
    for row, figures in rows.items():
        row_cells: dict[str, Cell] = {}
        for key in TABLE_KEYS:
            if key in SHARE_KEYS:
                # A share would give away its count, or with its count the adults: it goes with either.
                value = figures.value(key)
                withheld = (row, SHARE_BASIS[key]) in hidden or (row, "erwachsene") in hidden
                row_cells[key] = Cell(value, suppressed=value is not None and withheld)
            else:
                row_cells[key] = count_cell(row, key)
        result[row] = row_cells
    result[REASONS_ROW] = {code: count_cell(REASONS_ROW, code) for code in rows[REFERENCE_ROW].abschlussgruende}
    return result


@dataclass
class Table:
    """A table of the report: caption, column headers and rows of cells (the first column is a text label)."""

    key: str
    caption: str
    header: list[str]
    rows: list[tuple[str, list[Cell]]]
    note: str = ""
    sheet: str = ""  # the name of its sheet in the XLSX, where the caption is longer than Excel's 31 characters


@dataclass
class Report:
    stichtag: datetime.date
    von: datetime.date
    series_from: datetime.date
    scope: Scope
    suppress: bool
    figures: KeyFigures
    series: list[KeyFigures]
    by_municipality: list[tuple[Municipality, KeyFigures]]
    by_organisation: list[tuple[Organisation, KeyFigures]]
    created_at: datetime.datetime | None = None
    cells: dict[str, Cell] = field(init=False)
    # The cells of every row the report shows, by row name (see ``row_name``).
    row_cells: dict[str, dict[str, Cell]] = field(init=False)

    def __post_init__(self) -> None:
        rows = {self.row_name(figures): figures for figures in self.series}
        rows[REFERENCE_ROW] = self.figures
        municipalities = [(f"municipality:{m.pk}", figures) for m, figures in self.by_municipality]
        organisations = [(f"organisation:{o.pk}", figures) for o, figures in self.by_organisation]
        rows.update(municipalities)
        rows.update(organisations)
        self.row_cells = suppressed_cells(
            rows, [[name for name, _f in municipalities], [name for name, _f in organisations]], self.suppress
        )
        self.cells = self.row_cells[REFERENCE_ROW]

    def row_name(self, figures: KeyFigures) -> str:
        """The row of a point of the series; the reference date's figures are one row wherever they appear."""
        return REFERENCE_ROW if figures is self.figures else f"month:{figures.stichtag.isoformat()}"

    @property
    def filters_text(self) -> str:
        parts = [
            _("Organisation: %(name)s")
            % {"name": self.scope.organisation.name if self.scope.organisation else _("all")},
            _("Municipality: %(name)s")
            % {"name": self.scope.municipality.name if self.scope.municipality else _("all")},
        ]
        if self.suppress:
            parts.append(_("numbers under 3 suppressed"))
        return " · ".join(parts)

    def reasons(self) -> list[tuple[str, str, Cell]]:
        return [(code, reason_label(code), cell) for code, cell in self.row_cells[REASONS_ROW].items()]

    def summary_table(self) -> Table:
        rows = [(str(FIGURE_LABELS[key]), [cell]) for key, cell in self.cells.items()]
        return Table("kennzahlen", _("Key figures"), [_("Figure"), _("Value")], rows)

    def reasons_table(self) -> Table:
        return Table(
            "abschlussgruende",
            _("Closing reasons of the cases ended within the period"),
            [_("Closing reason"), _("Cases")],
            [(label, [cell]) for _code, label, cell in self.reasons()],
            sheet=_("Closing reasons"),
        )

    def series_table(self) -> Table:
        return Table(
            "verlauf",
            _("Month by month"),
            [_("Reference date"), *(str(COLUMN_LABELS[key]) for key in TABLE_KEYS)],
            [
                (
                    date_format(figures.stichtag, "SHORT_DATE_FORMAT"),
                    list(self.row_cells[self.row_name(figures)].values()),
                )
                for figures in self.series
            ],
            note=_("Each month is counted on its last day; the last point is the reference date."),
        )

    def _breakdown(self, key: str, caption: str, first: str, groups: list[tuple[str, str]]) -> Table:
        """``groups``: the name and the row name of each group."""
        rows = [(name, list(self.row_cells[row].values())) for name, row in groups]
        rows.append((_("All (each person once)"), list(self.cells.values())))
        return Table(
            key,
            caption,
            [first, *(str(COLUMN_LABELS[key]) for key in TABLE_KEYS)],
            rows,
            note=_("A person with cases in two groups counts in each, so the groups can add up to more than all."),
        )

    def municipality_table(self) -> Table:
        groups = [(municipality.name, f"municipality:{municipality.pk}") for municipality, _f in self.by_municipality]
        return self._breakdown("gemeinden", _("By municipality of the case"), _("Municipality"), groups)

    def organisation_table(self) -> Table:
        groups = [(organisation.name, f"organisation:{organisation.pk}") for organisation, _f in self.by_organisation]
        return self._breakdown("traeger", _("By organisation"), _("Organisation"), groups)

    def tables(self) -> list[Table]:
        return [
            self.summary_table(),
            self.reasons_table(),
            self.series_table(),
            self.municipality_table(),
            self.organisation_table(),
        ]

    def charts(self) -> list[dict[str, Any]]:
        """Chart data for the page (drawn by Chart.js); the numbers are also in the tables."""
        labels = [date_format(figures.stichtag, "M Y") for figures in self.series]
        series_cells = [self.row_cells[self.row_name(figures)] for figures in self.series]
        charts: list[dict[str, Any]] = []
        for key, title, unit, keys in CHARTS:
            charts.append(
                {
                    "key": key,
                    "title": str(title),
                    "unit": str(unit),
                    "type": "line",
                    "labels": labels,
                    "datasets": [
                        {"label": str(FIGURE_LABELS[k]), "data": [row[k].chart_value for row in series_cells]}
                        for k in keys
                    ],
                    "rows": [
                        (date_format(figures.stichtag, "SHORT_DATE_FORMAT"), [row[k] for k in keys])
                        for figures, row in zip(self.series, series_cells, strict=True)
                    ],
                    "columns": [str(FIGURE_LABELS[k]) for k in keys],
                }
            )
        reasons = self.reasons()
        charts.append(
            {
                "key": "abschlussgruende",
                "title": _("Closing reasons"),
                "unit": _("cases"),
                "type": "bar",
                "labels": [label for _code, label, _cell in reasons],
                "datasets": [{"label": _("Cases"), "data": [cell.chart_value for _c, _l, cell in reasons]}],
                "rows": [(label, [cell]) for _code, label, cell in reasons],
                "columns": [_("Cases")],
            }
        )
        for chart in charts:
            chart["element_id"] = f"chart-{chart['key']}-data"
            chart["data"] = {name: chart[name] for name in ("type", "unit", "labels", "datasets")}
        return charts


def default_series_start(day: datetime.date, months: int = 24) -> datetime.date:
    """The first day of the month ``months - 1`` months before ``day``'s month: ``months`` points in all."""
    index = day.year * 12 + day.month - 1 - (months - 1)
    return datetime.date(index // 12, index % 12 + 1, 1)


def build_report(
    stichtag: datetime.date,
    von: datetime.date | None,
    series_from: datetime.date | None,
    scope: Scope,
    suppress: bool,
) -> Report:
    von = von or default_period_start(scope, stichtag)
    series_from = series_from or default_series_start(stichtag)
    # The last point of the series is the reference date itself: its figures are the cards'.
    series, figures, both = report_figures(stichtag, von, month_ends(series_from, stichtag), scope)
    by_municipality, by_organisation = both["municipality"], both["organisation"]
    municipalities = Municipality.objects.in_bulk(list(by_municipality))
    organisations = Organisation.objects.in_bulk(list(by_organisation))
    return Report(
        stichtag=stichtag,
        von=von,
        series_from=series_from,
        scope=scope,
        suppress=suppress,
        figures=figures,
        series=series,
        by_municipality=sorted(
            ((municipalities[pk], f) for pk, f in by_municipality.items()), key=lambda item: item[0].name
        ),
        by_organisation=sorted(
            ((organisations[pk], f) for pk, f in by_organisation.items()), key=lambda item: item[0].name
        ),
    )
