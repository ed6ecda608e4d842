"""The pages of volunteering: volunteers and their requirements (ehrenamt/), sponsorship programmes and meetings
(patenschaften/, treffen/), the volunteer interpreter pool (dolmetschdienst/) and the figures (ehrenamt/zahlen/)."""

from django.urls import URLPattern, URLResolver, path

from lotse.volunteers.views import sponsorships

app_name = "volunteers"

urlpatterns: list[URLPattern | URLResolver] = [
    # Volunteers, requirements, the list's import and export (ehrenamt/...).
    # Programmes, newcomers, sponsorships, check-ins, matching, meetings and trainings (patenschaften/..., treffen/...).
    path("patenschaften/", sponsorships.programme_list, name="programme_list"),
    path("patenschaften/programme/neu/", sponsorships.programme_create, name="programme_create"),
    path("patenschaften/programme/<int:pk>/", sponsorships.programme_detail, name="programme_detail"),
    path("patenschaften/programme/<int:pk>/bearbeiten/", sponsorships.programme_edit, name="programme_edit"),
    path("patenschaften/programme/<int:pk>/vorschlag/", sponsorships.programme_proposal, name="programme_proposal"),
    path(
        "patenschaften/programme/<int:pk>/haushalt/neu/",
        sponsorships.participation_create,
        name="participation_create",
    ),
    path("patenschaften/haushalte/<int:pk>/", sponsorships.participation_detail, name="participation_detail"),
    path("patenschaften/haushalte/<int:pk>/bearbeiten/", sponsorships.participation_edit, name="participation_edit"),
    path("patenschaften/haushalte/<int:pk>/mitglied/", sponsorships.newcomer_add, name="newcomer_add"),
    path(
        "patenschaften/haushalte/<int:pk>/passende-paten/",
        sponsorships.participation_matching,
        name="participation_matching",
    ),
    path(
        "patenschaften/haushalte/<int:pk>/patenschaft/neu/",
        sponsorships.sponsorship_create,
        name="sponsorship_create",
    ),
    path("patenschaften/haushalte/<int:pk>/anfragen/", sponsorships.proposal_confirm, name="proposal_confirm"),
    path("patenschaften/liste/", sponsorships.sponsorship_list, name="sponsorship_list"),
    path("patenschaften/rueckmeldungen/", sponsorships.check_in_worklist, name="check_in_worklist"),
    path("patenschaften/<int:pk>/", sponsorships.sponsorship_detail, name="sponsorship_detail"),
    path("patenschaften/<int:pk>/status/", sponsorships.sponsorship_transition, name="sponsorship_transition"),
    path("patenschaften/<int:pk>/rueckmeldung/", sponsorships.check_in_create, name="check_in_create"),
    # The interpreter pool: requests, bookings, the signed answer link, monthly statements (dolmetschdienst/...).
    # Figures (ehrenamt/zahlen/).
]
