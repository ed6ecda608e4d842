"""The handover sheet printed (WeasyPrint, German): what the sheet says, for the file or the meeting."""

from __future__ import annotations

import datetime

from django.template.loader import render_to_string
from django.utils import translation

from lotse.arrivals import queries
from lotse.arrivals.models import HandoverSheet


def sheet_html(sheet: HandoverSheet, printed_on: datetime.date) -> str:
    with translation.override("de"):
        return render_to_string("arrivals/sheet_pdf.html", {**queries.sheet_page(sheet), "printed_on": printed_on})


def sheet_pdf(sheet: HandoverSheet, printed_on: datetime.date) -> bytes:
    from weasyprint import HTML

    return bytes(HTML(string=sheet_html(sheet, printed_on)).write_pdf())
