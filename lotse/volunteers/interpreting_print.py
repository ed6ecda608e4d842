"""The monthly statements of the volunteer interpreters, for their expense allowances (Aufwandsentschädigung):
a workbook through the one export helper (a summary and every appointment) and a PDF (WeasyPrint, German), one
page per volunteer to sign."""

from __future__ import annotations

import datetime

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from lotse.core.export import (
    BOLD,
    TITLE,
    add_sheet,
    append_row,
    append_table,
    fit_columns,
    new_workbook,
    workbook_bytes,
)
from lotse.volunteers.interpreting_queries import Statement, statement_totals
from lotse.volunteers.models import InterpreterPool


def month_label(month: datetime.date) -> str:
    return date_format(month, "F Y")


def statements_xlsx(month: datetime.date, rows: list[Statement]) -> bytes:
    with translation.override("de"):
        workbook, sheet = new_workbook(_("Statement"))
        append_row(sheet, [_("Interpreter pool: statement for %(month)s") % {"month": month_label(month)}], font=TITLE)
        append_row(sheet, [])
        totals = statement_totals(rows)
        append_table(
            sheet,
            [pgettext("person", "Interpreter"), _("Appointments"), _("Hours"), _("Travel hours"), _("Kilometres")],
            [[r.volunteer.full_name, r.appointments, r.hours, r.travel_hours, r.km] for r in rows],
        )
        append_row(
            sheet,
            [_("Total"), totals["appointments"], totals["hours"], totals["travel_hours"], totals["km"]],
            font=BOLD,
        )
        fit_columns(sheet)
        details = add_sheet(workbook, _("Appointments"))
        append_table(
            details,
            [
                pgettext("person", "Interpreter"),
                _("Date"),
                _("Language"),
                pgettext("appointment", "Place"),
                _("Minutes"),
                _("Travel time (minutes)"),
                _("Kilometres"),
            ],
            [
                [
                    r.volunteer.full_name,
                    timezone.localtime(line.booking.starts_at),
                    line.language,
                    line.booking.request.get_place_kind_display(),
                    line.booking.actual_minutes,
                    line.booking.travel_minutes,
                    line.booking.travel_km,
                ]
                for r in rows
                for line in r.lines
            ],
        )
        fit_columns(details)
        return workbook_bytes(workbook)


def statements_html(
    month: datetime.date, rows: list[Statement], *, pool: InterpreterPool | None, printed_on: datetime.date
) -> str:
    with translation.override("de"):
        return render_to_string(
            "volunteers/interpreting/statements_pdf.html",
            {
                "month_label": month_label(month),
                "rows": rows,
                "pool": pool,
                "printed_on": printed_on,
                "totals": statement_totals(rows),
            },
        )


def statements_pdf(
    month: datetime.date, rows: list[Statement], *, pool: InterpreterPool | None, printed_on: datetime.date
) -> bytes:
    from weasyprint import HTML

    return bytes(HTML(string=statements_html(month, rows, pool=pool, printed_on=printed_on)).write_pdf())
