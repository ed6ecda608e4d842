"""The report as XLSX, CSV and a printable PDF: the same tables as the page, with the same suppression."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

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


def _csv_value(cell: Cell) -> str:
    """Numbers without thousands separators and with a decimal comma, as German spreadsheets read them."""
    if cell.suppressed or cell.value is None:
        return cell.text
    if isinstance(cell.value, Decimal):
        return f"{cell.value:.1f}".replace(".", ",")
    return str(cell.value)


def to_csv(report: Report) -> bytes:
    """All tables one below the other, each under its caption; ``;``-separated UTF-8 with BOM."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for label, value in _heading_lines(report):
        writer.writerow([label, value] if value else [label])
    for table in report.tables():
        writer.writerow([])
        writer.writerow([table.caption])
        writer.writerow(table.header)
        for label, row in table.rows:
            writer.writerow([label, *(_csv_value(cell) for cell in row)])
        if table.note:
            writer.writerow([table.note])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _sheet_title(caption: str) -> str:
    for forbidden in "[]:*?/\\":
        caption = caption.replace(forbidden, " ")
    return caption[:31]


def to_xlsx(report: Report) -> bytes:
    """One sheet per table, plus the definitions; numbers stay numbers, suppressed cells read "< 3" or "x"."""
    workbook = Workbook()
    bold = Font(bold=True)
    first = True
    for table in report.tables():
        sheet = workbook.active if first else workbook.create_sheet()
        first = False
        assert sheet is not None
        sheet.title = _sheet_title(table.caption)
        for label, value in _heading_lines(report):
            sheet.append([label, value])
        sheet["A1"].font = Font(bold=True, size=13)
        sheet.append([])
        sheet.append([table.caption])
        sheet.cell(sheet.max_row, 1).font = bold
        sheet.append(table.header)
        for column in range(1, len(table.header) + 1):
            sheet.cell(sheet.max_row, column).font = bold
        for label, row in table.rows:
            sheet.append([label, *(cell.shown for cell in row)])
            for column, cell in enumerate(row, start=2):
                if isinstance(cell.value, Decimal) and not cell.suppressed:
                    sheet.cell(sheet.max_row, column).number_format = "0.0"
        if table.note:
            sheet.append([])
            sheet.append([table.note])
        sheet.column_dimensions["A"].width = 44
        for column in range(2, len(table.header) + 1):
            sheet.column_dimensions[get_column_letter(column)].width = 16
    definitions = workbook.create_sheet(_sheet_title(_("Definitions")))
    definitions.append([_("Figure"), _("Definition")])
    for key, definition in FIGURE_DEFINITIONS.items():
        definitions.append([str(FIGURE_LABELS[key]), str(definition)])
    definitions.append([])
    definitions.append([str(SCOPE_NOTE)])
    definitions.column_dimensions["A"].width = 44
    definitions.column_dimensions["B"].width = 120
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


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
