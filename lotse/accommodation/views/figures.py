"""The accommodation figures of a municipality and the capacity forecast of an operator.

Only aggregates leave these views: none of them reads, names or links a single person.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from lotse.accommodation import figure_exports, queries, services
from lotse.accommodation.planning_forms import ExpectedIntakeForm
from lotse.core.access import Capability, capability_required
from lotse.core.web import AuthenticatedRequest, file_response, save_or_show


@capability_required(Capability.SHELTER_NUMBERS)
@require_safe
def figures_page(request: AuthenticatedRequest) -> HttpResponse:
    form = queries.figures_form(request.user, request.GET)
    xlsx_url = queries.with_query(reverse("accommodation:figures_xlsx"), request.GET.urlencode())
    page = queries.figures_page(form, xlsx_url)
    return render(request, "accommodation/figures.html", page)


@capability_required(Capability.SHELTER_NUMBERS)
@require_safe
def figures_xlsx(request: AuthenticatedRequest) -> HttpResponse:
    form = queries.figures_form(request.user, request.GET)
    computed = queries.computed_figures(form)
    if computed is None:
        return render(request, "accommodation/figures.html", {"form": form})
    figures, overview = computed
    content = figure_exports.figures_xlsx(figures, overview)
    return file_response(content, f"unterbringung-{figures.municipality.ags}-{figures.stichtag.isoformat()}.xlsx")


@capability_required(Capability.MANAGE_SHELTERS)
@require_http_methods(["GET", "POST"])
def forecast_page(request: AuthenticatedRequest) -> HttpResponse:
    organisation = request.user.organisation
    months = queries.forecast_months(request.GET)
    initial = {
        ExpectedIntakeForm.field_name(month): persons
        for month, persons in queries.expected_intake(organisation, months).items()
    }
    form = ExpectedIntakeForm(request.POST or None, months=months, initial=initial)
    form, saved = save_or_show(
        request,
        form,
        lambda: services.set_expected_intake(
            acting_user=request.user, organisation=organisation, months=form.expected()
        ),
    )
    if saved:
        messages.success(request, _("The expected intake was saved."))
        return redirect(f"{reverse('accommodation:forecast')}?{request.GET.urlencode()}")
    page = queries.forecast_page(organisation, request.GET)
    xlsx_url = queries.with_query(reverse("accommodation:forecast_xlsx"), request.GET.urlencode())
    return render(
        request,
        "accommodation/forecast.html",
        {"form": form, "xlsx_url": xlsx_url, **page},
    )


@capability_required(Capability.MANAGE_SHELTERS)
@require_safe
def forecast_xlsx(request: AuthenticatedRequest) -> HttpResponse:
    organisation = request.user.organisation
    forecast = queries.organisation_forecast(organisation, request.GET)
    content = figure_exports.forecast_xlsx(forecast, organisation.name, queries.basis_text(forecast))
    filename = f"kapazitaetsprognose-{organisation.short_name}-{timezone.localdate().isoformat()}.xlsx"
    return file_response(content, filename)


urlpatterns: list[URLPattern] = [
    path("unterbringung/zahlen/", figures_page, name="figures"),
    path("unterbringung/zahlen/export.xlsx", figures_xlsx, name="figures_xlsx"),
    path("unterbringung/prognose/", forecast_page, name="forecast"),
    path("unterbringung/prognose/export.xlsx", forecast_xlsx, name="forecast_xlsx"),
]
