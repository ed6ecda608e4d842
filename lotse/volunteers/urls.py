"""The pages of volunteering: volunteers and their requirements (ehrenamt/), sponsorship programmes and meetings
(patenschaften/, treffen/), the volunteer interpreter pool (dolmetschdienst/) and the figures (ehrenamt/zahlen/)."""

from django.urls import URLPattern, URLResolver, path  # noqa: F401

from lotse.volunteers.views import figures

app_name = "volunteers"

urlpatterns: list[URLPattern | URLResolver] = [
    # Volunteers, requirements, the list's import and export (ehrenamt/...).
    # Programmes, newcomers, sponsorships, check-ins, matching, meetings and trainings (patenschaften/..., treffen/...).
    # The interpreter pool: requests, bookings, the signed answer link, monthly statements (dolmetschdienst/...).
    # Figures (ehrenamt/zahlen/).
    *figures.urlpatterns,
]
