"""The figures of volunteering (Zahlen Ehrenamt) and their export.

Only aggregates leave these views: none of them reads, names or links a volunteer or a newcomer.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_safe

from lotse.core.access import Capability, capability_required
from lotse.core.web import AuthenticatedRequest, file_response
from lotse.volunteers import figures
from lotse.volunteers.figures_forms import FiguresForm, figures_form


@capability_required(Capability.VOLUNTEER_FIGURES)
@require_safe
def figures_page(request: AuthenticatedRequest) -> HttpResponse:
    form = figures_form(request.user, request.GET)
    page: dict[str, Any] = {"form": form, "definitions": figures.definitions()}
    if not form.is_valid():
        return render(request, "volunteers/figures/figures.html", page)
    counted = _counted(form)
    query = request.GET.urlencode()
    xlsx_url = reverse("volunteers:figures_xlsx") + (f"?{query}" if query else "")
    page.update(
        figures=counted,
        scope=figures.scope_label(counted.organisation),
        summary=figures.summary_rows(counted),
        breakdowns=figures.breakdowns(counted),
        xlsx_url=xlsx_url,
    )
    return render(request, "volunteers/figures/figures.html", page)


@capability_required(Capability.VOLUNTEER_FIGURES)
@require_safe
def figures_xlsx(request: AuthenticatedRequest) -> HttpResponse:
    form = figures_form(request.user, request.GET)
    if not form.is_valid():
        page = {"form": form, "definitions": figures.definitions()}
        return render(request, "volunteers/figures/figures.html", page)
    counted = _counted(form)
    scope = counted.organisation.short_name if counted.organisation else "alle"
    return file_response(figures.figures_xlsx(counted), f"ehrenamt-{scope}-{counted.stichtag.isoformat()}.xlsx")


def _counted(form: FiguresForm) -> figures.VolunteerFigures:
    data = form.cleaned_data
    return figures.volunteer_figures(data["stichtag"], data.get("von"), form.counted_organisation())


urlpatterns: list[URLPattern] = [
    path("ehrenamt/zahlen/", figures_page, name="figures"),
    path("ehrenamt/zahlen/export.xlsx", figures_xlsx, name="figures_xlsx"),
]
