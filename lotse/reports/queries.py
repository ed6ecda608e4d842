"""Page data of the key figures: the filter form of the user, the report it asks for, the dashboard's context."""

from __future__ import annotations

from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from lotse.core.access import Capability, can
from lotse.core.models import User
from lotse.reports.forms import ReportForm
from lotse.reports.labels import FIGURE_DEFINITIONS, FIGURE_LABELS, SCOPE_NOTE, SUPPRESSION_NOTE
from lotse.reports.presentation import Report, build_report

DOWNLOADS = ("xlsx", "csv", "pdf")


def report_form(user: User, query: QueryDict) -> ReportForm:
    """The filter form over ``query``; who may not read every organisation's figures reads their own only."""
    own = None if can(user, Capability.KEY_FIGURES_OF_ALL) else user.organisation
    data = query.copy()
    if not data.get("stichtag"):
        data["stichtag"] = timezone.localdate().isoformat()
    return ReportForm(data, own_organisation=own)


def report_of(form: ReportForm) -> Report | None:
    """The report the form asks for; None when the form is invalid."""
    if not form.is_valid():
        return None
    data = form.cleaned_data
    return build_report(
        data["stichtag"], data.get("von"), data.get("verlauf_von"), form.scope(), bool(data.get("unterdrueckt"))
    )


def dashboard_context(form: ReportForm, report: Report | None, query: QueryDict) -> dict[str, object]:
    encoded = query.urlencode()
    return {
        "form": form,
        "report": report,
        "charts": report.charts() if report else [],
        "breakdowns": [report.municipality_table(), report.organisation_table()] if report else [],
        "definitions": [(FIGURE_LABELS[key], text) for key, text in FIGURE_DEFINITIONS.items()],
        "scope_note": SCOPE_NOTE,
        "suppression_note": SUPPRESSION_NOTE,
        "downloads": {name: f"{reverse(f'reports:{name}')}{'?' + encoded if encoded else ''}" for name in DOWNLOADS},
    }
