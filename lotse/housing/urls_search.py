"""The URLs of the searches for a flat (wohnungssuche/...), the matching and proposal (wohnraum/vorschlag/...) and
the placements (wohnraum/vermittlungen/...)."""

from django.urls import URLPattern, URLResolver, path

from lotse.housing.views import placements, searches

urlpatterns: list[URLPattern | URLResolver] = [
    path("wohnungssuche/", searches.search_list, name="search_list"),
    path("wohnungssuche/fall/<int:case_pk>/neu/", searches.search_create, name="search_create"),
    path("wohnungssuche/<int:pk>/", searches.search_detail, name="search_detail"),
    path("wohnungssuche/<int:pk>/bearbeiten/", searches.search_edit, name="search_edit"),
    path("wohnungssuche/<int:pk>/status/", searches.search_status, name="search_status"),
    path("wohnungssuche/<int:pk>/angebote/", placements.search_matching, name="search_matching"),
    path("wohnraum/vorschlag/", placements.proposal, name="proposal"),
    path("wohnraum/vorschlag/bestaetigen/", placements.proposal_confirm, name="proposal_confirm"),
    path("wohnraum/vorschlag/angebot/<int:pk>/", placements.offer_matching, name="offer_matching"),
    path("wohnraum/vermittlungen/", placements.placement_list, name="placement_list"),
    path("wohnraum/vermittlungen/angebot/<int:pk>/", placements.offer_placements, name="offer_placements"),
    path("wohnraum/vermittlungen/<int:pk>/", placements.placement_detail, name="placement_detail"),
    path("wohnraum/vermittlungen/<int:pk>/besichtigung/", placements.placement_viewing, name="placement_viewing"),
    path("wohnraum/vermittlungen/<int:pk>/zusage/", placements.placement_accept, name="placement_accept"),
    path("wohnraum/vermittlungen/<int:pk>/absage/", placements.placement_refuse, name="placement_refuse"),
    path("wohnraum/vermittlungen/<int:pk>/zusicherung/", placements.placement_approval, name="placement_approval"),
    path("wohnraum/vermittlungen/<int:pk>/mietvertrag/", placements.placement_lease, name="placement_lease"),
]
