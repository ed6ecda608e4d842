"""The figures of housing acquisition (wohnraum/zahlen/) and their export."""

from __future__ import annotations

from django.urls import URLPattern, path

from lotse.housing.views import figures

urlpatterns: list[URLPattern] = [
    path("wohnraum/zahlen/", figures.figures_page, name="figures"),
    path("wohnraum/zahlen/export.xlsx", figures.figures_xlsx, name="figures_xlsx"),
]
