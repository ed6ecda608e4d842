"""The figures of housing acquisition (Zahlen Wohnraum) and their export.

Only aggregates leave these views: none of them reads, names or links a landlord, an offer or a household.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from lotse.core.access import Capability, capability_required
from lotse.core.web import AuthenticatedRequest, file_response
from lotse.housing import figures
from lotse.housing.figures_forms import FiguresForm, figures_form

TEMPLATE = "housing/figures/figures.html"


@capability_required(Capability.HOUSING_FIGURES)
@require_safe
def figures_page(request: AuthenticatedRequest) -> HttpResponse:
    form = figures_form(request.user, request.GET)
    page: dict[str, Any] = {"form": form, "definitions": figures.definitions()}
    if not form.is_valid():
        return render(request, TEMPLATE, page)
    counted = _counted(form)
    charts = _charts(counted)
    query = request.GET.urlencode()
    xlsx_url = reverse("housing:figures_xlsx") + (f"?{query}" if query else "")
    page.update(
        figures=counted,
        scope=figures.scope_label(counted.organisation),
        place=figures.municipality_label(counted.municipality),
        summary=figures.summary_rows(counted),
        # Each breakdown as (key, label, rows, chart or None).
        breakdowns=[(key, label, rows, charts.get(key)) for key, label, rows in figures.breakdowns(counted)],
        xlsx_url=xlsx_url,
    )
    return render(request, TEMPLATE, page)


@capability_required(Capability.HOUSING_FIGURES)
@require_safe
def figures_xlsx(request: AuthenticatedRequest) -> HttpResponse:
    form = figures_form(request.user, request.GET)
    if not form.is_valid():
        page = {"form": form, "definitions": figures.definitions()}
        return render(request, TEMPLATE, page)
    counted = _counted(form)
    scope = counted.organisation.short_name if counted.organisation else "alle"
    place = f"-{counted.municipality.ags}" if counted.municipality else ""
    name = f"wohnraum-{scope}{place}-{counted.stichtag.isoformat()}.xlsx"
    return file_response(figures.figures_xlsx(counted), name)


def _counted(form: FiguresForm) -> figures.HousingFigures:
    data = form.cleaned_data
    return figures.housing_figures(
        data["stichtag"], data.get("von"), form.counted_organisation(), form.counted_municipality()
    )


def _charts(counted: figures.HousingFigures) -> dict[str, dict[str, Any]]:
    """Bar charts of the searching households by size and of the leases by municipality (their numbers are in the
    breakdown tables beside), drawn by the key figures' chart script."""
    charts = {}
    for key, _label, rows in figures.breakdowns(counted):
        if key == "angebote_nach_status" or not rows:
            continue
        title = str(figures.FIGURE_LABELS[key])
        charts[key] = {
            "title": title,
            "element_id": f"chart-{key}",
            "data": {
                "type": "bar",
                "unit": _("households") if key == "suchende_nach_groesse" else _("leases"),
                "labels": [name for _code, name, _value in rows],
                "datasets": [{"label": title, "data": [value for _code, _name, value in rows]}],
            },
        }
    return charts
