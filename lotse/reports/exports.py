"""The report as XLSX, CSV and a printable PDF: the same tables as the page, with the same suppression."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from lotse.core.export import (
    BOLD,
    TITLE,
    add_sheet,
    append_row,
    cell,
    csv_bytes,
    new_workbook,
    set_widths,
    workbook_bytes,
)
from lotse.reports.labels import FIGURE_DEFINITIONS, FIGURE_LABELS, SCOPE_NOTE, SUPPRESSION_NOTE
from lotse.reports.presentation import Cell, Report


def file_stem(report: Report) -> str:
    parts = ["kennzahlen", report.stichtag.isoformat()]
    if report.scope.organisation:
        parts.append(report.scope.organisation.short_name)
    if report.scope.municipality:
        parts.append(report.scope.municipality.ags)
    return "-".join(parts)


def _heading_lines(report: Report) -> list[tuple[str, str]]:
    lines = [
        (_("Key figures of the integration management"), ""),
        (_("Reference date"), date_format(report.stichtag, "SHORT_DATE_FORMAT")),
        (_("Period from"), date_format(report.von, "SHORT_DATE_FORMAT")),
        (_("Filters"), report.filters_text),
    ]
    if report.suppress:
        lines.append((_("Suppression"), str(SUPPRESSION_NOTE)))
    return lines


def _csv_value(figure: Cell) -> str | int | Decimal:
    """The number as German spreadsheets read it (one decimal for shares), or the suppression mark."""
    if figure.suppressed or figure.value is None:
        return figure.text
    if isinstance(figure.value, Decimal):
        return figure.value.quantize(Decimal("0.1"))
    return figure.value


def _csv_rows(report: Report) -> list[list[Any]]:
    rows: list[list[Any]] = [[label, value] if value else [label] for label, value in _heading_lines(report)]
    for table in report.tables():
        rows += [[], [table.caption], list(table.header)]
        rows += [[label, *(_csv_value(figure) for figure in row)] for label, row in table.rows]
        if table.note:
            rows.append([table.note])
    return rows


def to_csv(report: Report) -> bytes:
    """All tables one below the other, each under its caption; ``;``-separated UTF-8 with BOM."""
    return csv_bytes(_csv_rows(report))


def to_xlsx(report: Report) -> bytes:
    """One sheet per table, plus the definitions; numbers stay numbers, suppressed cells read "< 3" or "x"."""
    workbook = None
    for table in report.tables():
        if workbook is None:
            workbook, sheet = new_workbook(table.sheet or table.caption)
        else:
            sheet = add_sheet(workbook, table.sheet or table.caption)
        for label, value in _heading_lines(report):
            append_row(sheet, [label, value])
        sheet["A1"].font = TITLE
        sheet.append([])
        append_row(sheet, [table.caption], font=BOLD)
        append_row(sheet, table.header, font=BOLD)
        for label, row in table.rows:
            append_row(
                sheet,
                [
                    label,
                    *(
                        cell(sheet, figure.shown, number_format="0.0")
                        if isinstance(figure.value, Decimal) and not figure.suppressed
                        else figure.shown
                        for figure in row
                    ),
                ],
            )
        if table.note:
            sheet.append([])
            append_row(sheet, [table.note])
        set_widths(sheet, 44, 16, len(table.header))
    if workbook is None:
        workbook, definitions = new_workbook(_("Definitions"))
    else:
        definitions = add_sheet(workbook, _("Definitions"))
    append_row(definitions, [_("Figure"), _("Definition")])
    for key, definition in FIGURE_DEFINITIONS.items():
        append_row(definitions, [FIGURE_LABELS[key], definition])
    definitions.append([])
    append_row(definitions, [SCOPE_NOTE])
    set_widths(definitions, 44, 120, 2)
    return workbook_bytes(workbook)


PALETTE = ("#0b4f6c", "#c05621", "#2f855a", "#6b46c1")


def svg_line_chart(chart: dict[str, Any], width: int = 640, height: int = 220) -> SafeString:
    """A plain SVG line chart for the printed report (the PDF renderer runs no JavaScript).

    Gaps (suppressed values) interrupt a line; the legend names each line.
    """
    left, right, top, bottom = 48, 28, 12, 40
    values = [v for dataset in chart["datasets"] for v in dataset["data"] if v is not None]
    top_value = max([*values, 1])
    count = len(chart["labels"])
    step = (width - left - right) / max(count - 1, 1)

    def x(index: int) -> float:
        return left + index * step

    def y(value: float) -> float:
        return top + (height - top - bottom) * (1 - value / top_value)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" '
        f'viewBox="0 0 {width} {height + 18 * len(chart["datasets"])}" font-family="DejaVu Sans" font-size="9">',
        f'<line x1="{left}" y1="{y(0):.1f}" x2="{width - right}" y2="{y(0):.1f}" stroke="#999"/>',
        f'<text x="{left - 4}" y="{y(top_value) + 3:.1f}" text-anchor="end">{escape(_format_axis(top_value))}</text>',
        f'<text x="{left - 4}" y="{y(0) + 3:.1f}" text-anchor="end">0</text>',
    ]
    label_every = max(1, count // 8)
    for index, label in enumerate(chart["labels"]):
        if index % label_every == 0 or index == count - 1:
            parts.append(
                f'<text x="{x(index):.1f}" y="{height - bottom + 14}" text-anchor="middle">{escape(label)}</text>'
            )
    for number, dataset in enumerate(chart["datasets"]):
        colour = PALETTE[number % len(PALETTE)]
        segment: list[str] = []
        segments = [segment]
        for index, value in enumerate(dataset["data"]):
            if value is None:
                segment = []
                segments.append(segment)
            else:
                segment.append(f"{x(index):.1f},{y(value):.1f}")
        for points in segments:
            if len(points) == 1:
                cx, cy = points[0].split(",")
                parts.append(f'<circle cx="{cx}" cy="{cy}" r="2" fill="{colour}"/>')
            elif points:
                parts.append(
                    f'<polyline fill="none" stroke="{colour}" stroke-width="1.6" points="{" ".join(points)}"/>'
                )
        legend_y = height + 18 * number + 8
        parts.append(f'<rect x="{left}" y="{legend_y - 7}" width="14" height="3" fill="{colour}"/>')
        parts.append(f'<text x="{left + 20}" y="{legend_y}">{escape(dataset["label"])}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text in it is escaped above


def _format_axis(value: float) -> str:
    return f"{value:,.0f}".replace(",", ".") if value >= 10 else f"{value:.1f}".replace(".", ",")


def to_pdf(report: Report, request: HttpRequest) -> bytes:
    from weasyprint import HTML

    return bytes(HTML(string=pdf_html(report, request)).write_pdf())


def pdf_html(report: Report, request: HttpRequest) -> str:
    """The HTML the PDF report is printed from."""
    charts = [chart for chart in report.charts() if chart["type"] == "line"]
    return render_to_string(
        "reports/report_pdf.html",
        {
            "report": report,
            "tables": report.tables(),
            "charts": [(chart, svg_line_chart(chart)) for chart in charts],
            "definitions": [(FIGURE_LABELS[key], text) for key, text in FIGURE_DEFINITIONS.items()],
            "scope_note": SCOPE_NOTE,
            "suppression_note": SUPPRESSION_NOTE,
        },
        request=request,
    )
