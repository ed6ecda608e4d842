"""The key figures dashboard and its exports (KEY_FIGURES; KEY_FIGURES_OF_ALL reads every organisation's).

Only aggregates leave these views: no view here reads or links a single person or case.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from lotse.core.access import Capability, capability_required
from lotse.core.web import AuthenticatedRequest, file_response
from lotse.reports import exports
from lotse.reports.presentation import Report
from lotse.reports.queries import dashboard_context, report_form, report_of


def _with_report(request: AuthenticatedRequest, answer: Callable[[Report], HttpResponse]) -> HttpResponse:
    """``answer`` to the report the query asks for; an invalid query is the dashboard with its errors."""
    form = report_form(request.user, request.GET)
    report = report_of(form)
    if report is None:
        return render(request, "reports/dashboard.html", dashboard_context(form, None, request.GET))
    return answer(report)


@capability_required(Capability.KEY_FIGURES)
@require_safe
def dashboard(request: AuthenticatedRequest) -> HttpResponse:
    form = report_form(request.user, request.GET)
    report = report_of(form)
    return render(request, "reports/dashboard.html", dashboard_context(form, report, request.GET))


@capability_required(Capability.KEY_FIGURES)
@require_safe
def export_xlsx(request: AuthenticatedRequest) -> HttpResponse:
    return _with_report(
        request, lambda report: file_response(exports.to_xlsx(report), f"{exports.file_stem(report)}.xlsx")
    )


@capability_required(Capability.KEY_FIGURES)
@require_safe
def export_csv(request: AuthenticatedRequest) -> HttpResponse:
    return _with_report(
        request, lambda report: file_response(exports.to_csv(report), f"{exports.file_stem(report)}.csv")
    )


@capability_required(Capability.KEY_FIGURES)
@require_safe
def report_pdf(request: AuthenticatedRequest) -> HttpResponse:
    return _with_report(
        request,
        lambda report: file_response(exports.to_pdf(report, request), f"{exports.file_stem(report)}.pdf", inline=True),
    )
