"""The key figures dashboard and its exports (Statistik, Teamleitung, Systemadministration).

Only aggregates leave these views: no view here reads or links a single person or case.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from lotse.core.access import Capability, capability_required
from lotse.core.choices import Role
from lotse.core.models import User
from lotse.reports import exports
from lotse.reports.forms import ReportForm
from lotse.reports.labels import FIGURE_DEFINITIONS, FIGURE_LABELS, SCOPE_NOTE
from lotse.reports.presentation import Report, build_report

# Roles that see the figures of every organisation; team leads see their own organisation's.
INSTALLATION_ROLES = frozenset({Role.STATISTIK, Role.SYSTEMADMINISTRATION})
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _form(request: HttpRequest) -> ReportForm:
    user = request.user
    assert isinstance(user, User)
    own = None if set(user.roles) & INSTALLATION_ROLES else user.organisation
    data = request.GET.copy()
    if not data.get("stichtag"):
        data["stichtag"] = timezone.localdate().isoformat()
    return ReportForm(data, own_organisation=own)


def _report(form: ReportForm) -> Report | None:
    if not form.is_valid():
        return None
    data = form.cleaned_data
    return build_report(
        data["stichtag"], data.get("von"), data.get("verlauf_von"), form.scope(), bool(data.get("unterdrueckt"))
    )


def _invalid(request: HttpRequest, form: ReportForm) -> HttpResponse:
    return render(request, "reports/dashboard.html", _context(request, form, None), status=400)


def _context(request: HttpRequest, form: ReportForm, report: Report | None) -> dict[str, object]:
    query = request.GET.urlencode()
    return {
        "form": form,
        "report": report,
        "charts": report.charts() if report else [],
        "breakdowns": [report.municipality_table(), report.organisation_table()] if report else [],
        "definitions": [(FIGURE_LABELS[key], text) for key, text in FIGURE_DEFINITIONS.items()],
        "scope_note": SCOPE_NOTE,
        "downloads": {
            name: f"{reverse(f'reports:{name}')}{'?' + query if query else ''}" for name in ("xlsx", "csv", "pdf")
        },
    }


@capability_required(Capability.KEY_FIGURES)
def dashboard(request: HttpRequest) -> HttpResponse:
    form = _form(request)
    report = _report(form)
    if report is None:
        return _invalid(request, form)
    return render(request, "reports/dashboard.html", _context(request, form, report))


def _download(content: bytes, content_type: str, filename: str, inline: bool = False) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{filename}"'
    return response


@capability_required(Capability.KEY_FIGURES)
def export_xlsx(request: HttpRequest) -> HttpResponse:
    form = _form(request)
    report = _report(form)
    if report is None:
        return _invalid(request, form)
    return _download(exports.to_xlsx(report), XLSX, f"{exports.file_stem(report)}.xlsx")


@capability_required(Capability.KEY_FIGURES)
def export_csv(request: HttpRequest) -> HttpResponse:
    form = _form(request)
    report = _report(form)
    if report is None:
        return _invalid(request, form)
    return _download(exports.to_csv(report), "text/csv; charset=utf-8", f"{exports.file_stem(report)}.csv")


@capability_required(Capability.KEY_FIGURES)
def report_pdf(request: HttpRequest) -> HttpResponse:
    form = _form(request)
    report = _report(form)
    if report is None:
        return _invalid(request, form)
    return _download(exports.to_pdf(report, request), "application/pdf", f"{exports.file_stem(report)}.pdf", True)
