"""The accommodation figures of a municipality and the capacity forecast of an operator.

Only aggregates leave these views: none of them reads, names or links a single person.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from lotse.accommodation import figure_exports, services
from lotse.accommodation.figures import MunicipalityFigures, figures_overview, municipality_figures
from lotse.accommodation.forecast import MAX_HORIZON, Forecast, Group, basis_window, load_forecast, next_months
from lotse.accommodation.models import ExpectedIntake
from lotse.accommodation.planning_forms import ExpectedIntakeForm, FiguresForm, figure_municipalities
from lotse.accommodation.views.shelters import download
from lotse.cases.views.common import actor_of
from lotse.core.access import Capability, capability_required
from lotse.core.choices import Role
from lotse.core.models import Municipality, User

FIGURE_ROLES = (Role.UNTERBRINGUNG, Role.STATISTIK, Role.SYSTEMADMINISTRATION)
GROUPS: dict[str, Group] = {"vu": "vu", "au": "au"}


def _default_municipality(user: User) -> Municipality | None:
    if user.organisation.municipality_id is not None:
        return user.organisation.municipality
    return figure_municipalities().filter(shelters__isnull=False).first() or figure_municipalities().first()


def _figures_form(request: HttpRequest) -> FiguresForm:
    data = request.GET.copy()
    if not data.get("stichtag"):
        data["stichtag"] = timezone.localdate().isoformat()
    if not data.get("gemeinde"):
        default = _default_municipality(actor_of(request))
        if default is not None:
            data["gemeinde"] = default.ags
    return FiguresForm(data)


def _computed(form: FiguresForm) -> tuple[MunicipalityFigures, list[MunicipalityFigures]] | None:
    if not form.is_valid() or form.cleaned_data.get("gemeinde") is None:
        return None
    data = form.cleaned_data
    figures = municipality_figures(data["gemeinde"], data["stichtag"], data.get("von"))
    return figures, figures_overview(data["stichtag"], data.get("von"))


@capability_required(Capability.SHELTER_NUMBERS)
@require_GET
def figures_page(request: HttpRequest) -> HttpResponse:
    form = _figures_form(request)
    computed = _computed(form)
    context: dict[str, Any] = {
        "form": form,
        "definitions": [
            (figure_exports.FIGURE_LABELS[key], text) for key, text in figure_exports.FIGURE_DEFINITIONS.items()
        ],
        "overview_labels": [figure_exports.FIGURE_LABELS[key] for key in figure_exports.OVERVIEW_KEYS],
    }
    if computed is None:
        return render(request, "accommodation/figures.html", context, status=400 if form.errors else 200)
    figures, overview = computed
    query = request.GET.urlencode()
    context.update(
        figures=figures,
        reasons=[(figure_exports.reason_label(code), count) for code, count in figures.auszugsgruende.items()],
        overview=[(f.municipality, [f.value(key) for key in figure_exports.OVERVIEW_KEYS]) for f in overview],
        xlsx_url=f"{reverse('accommodation:figures_xlsx')}{'?' + query if query else ''}",
    )
    return render(request, "accommodation/figures.html", context)


@capability_required(Capability.SHELTER_NUMBERS)
@require_GET
def figures_xlsx(request: HttpRequest) -> HttpResponse:
    form = _figures_form(request)
    computed = _computed(form)
    if computed is None:
        return render(request, "accommodation/figures.html", {"form": form}, status=400)
    figures, overview = computed
    content = figure_exports.figures_xlsx(figures, overview)
    return download(content, f"unterbringung-{figures.municipality.ags}-{figures.stichtag.isoformat()}.xlsx")


def _forecast_request(request: HttpRequest) -> tuple[Group | None, int]:
    group = GROUPS.get(request.GET.get("gruppe", ""))
    horizon = 12 if request.GET.get("monate") == "12" else MAX_HORIZON
    return group, horizon


def basis_text(forecast: Forecast) -> str:
    first = date_format(basis_window(forecast.today)[0], "YEAR_MONTH_FORMAT")
    return _(
        "Observed move-out rate: %(rate)s %% of the residents per month — %(move_outs)s move-outs in the 12 full "
        "months from %(first)s, with on average %(average)s residents at the month ends."
    ) % {
        "rate": f"{forecast.rate_percent:.1f}".replace(".", ","),
        "move_outs": forecast.basis_move_outs,
        "first": first,
        "average": f"{float(forecast.average_residents):.1f}".replace(".", ","),
    }


def _chart(forecast: Forecast) -> dict[str, Any]:
    labels = [date_format(row.month, "YEAR_MONTH_FORMAT") for row in forecast.rows]
    runs_out = None
    if forecast.runs_out is not None:
        runs_out = labels[[row.month for row in forecast.rows].index(forecast.runs_out)]
    return {
        "type": "line",
        "unit": _("persons"),
        "labels": labels,
        "datasets": [
            {"label": _("Residents"), "data": [row.residents for row in forecast.rows]},
            {"label": _("Places"), "data": [row.places for row in forecast.rows]},
        ],
        "runs_out": runs_out,
        "runs_out_label": _("Places run out"),
    }


@capability_required(Capability.MANAGE_SHELTERS)
@require_http_methods(["GET", "POST"])
def forecast_page(request: HttpRequest) -> HttpResponse:
    user = actor_of(request)
    today = timezone.localdate()
    group, horizon = _forecast_request(request)
    months = next_months(today, horizon)
    stored = dict(
        ExpectedIntake.objects.filter(organisation=user.organisation, month__in=months).values_list("month", "persons")
    )
    initial = {ExpectedIntakeForm.field_name(month): stored.get(month, 0) for month in months}
    form = ExpectedIntakeForm(request.POST or None, months=months, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.set_expected_intake(acting_user=user, organisation=user.organisation, months=form.expected())
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("The expected intake was saved."))
                return redirect(f"{reverse('accommodation:forecast')}?{request.GET.urlencode()}")
        status = 400
    forecast = load_forecast(user.organisation, today, group, horizon)
    query = request.GET.urlencode()
    return render(
        request,
        "accommodation/forecast.html",
        {
            "form": form,
            "forecast": forecast,
            "basis_text": basis_text(forecast),
            "outcome": figure_exports.forecast_outcome(forecast),
            "chart": _chart(forecast),
            "group": group or "",
            "horizon": horizon,
            "xlsx_url": f"{reverse('accommodation:forecast_xlsx')}{'?' + query if query else ''}",
        },
        status=status,
    )


@capability_required(Capability.MANAGE_SHELTERS)
@require_GET
def forecast_xlsx(request: HttpRequest) -> HttpResponse:
    user = actor_of(request)
    today = timezone.localdate()
    group, horizon = _forecast_request(request)
    forecast = load_forecast(user.organisation, today, group, horizon)
    content = figure_exports.forecast_xlsx(forecast, user.organisation.name, basis_text(forecast))
    return download(content, f"kapazitaetsprognose-{user.organisation.short_name}-{today.isoformat()}.xlsx")


urlpatterns: list[URLPattern] = [
    path("unterbringung/zahlen/", figures_page, name="figures"),
    path("unterbringung/zahlen/export.xlsx", figures_xlsx, name="figures_xlsx"),
    path("unterbringung/prognose/", forecast_page, name="forecast"),
    path("unterbringung/prognose/export.xlsx", forecast_xlsx, name="forecast_xlsx"),
]
