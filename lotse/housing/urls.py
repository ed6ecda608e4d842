"""The pages of housing: landlords and flat offers (wohnraum/), the rent limits (mietobergrenzen/), the searches
for a flat (wohnungssuche/), matching and placements, and the figures (wohnraum/zahlen/)."""

from django.urls import URLPattern, URLResolver, include, path

app_name = "housing"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("lotse.housing.urls_search")),
    path("", include("lotse.housing.urls_figures")),
    path("", include("lotse.housing.urls_offers")),
]
