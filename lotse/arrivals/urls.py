"""The arrival journey's pages: the responsibilities for integration management per municipality, and the new
arrivals (Neuzugänge) of the receiving organisation."""

from django.urls import URLPattern, URLResolver, path

from lotse.arrivals.views import intake, responsibilities

app_name = "arrivals"

urlpatterns: list[URLPattern | URLResolver] = [
    path("zustaendigkeiten/", responsibilities.responsibility_list, name="responsibility_list"),
    path("zustaendigkeiten/neu/", responsibilities.responsibility_create, name="responsibility_create"),
    path("zustaendigkeiten/<int:pk>/bearbeiten/", responsibilities.responsibility_edit, name="responsibility_edit"),
    path("zustaendigkeiten/<int:pk>/beenden/", responsibilities.responsibility_end, name="responsibility_end"),
    path("zustaendigkeiten/<int:pk>/entfernen/", responsibilities.responsibility_delete, name="responsibility_delete"),
    path("neuzugaenge/", intake.arrival_list, name="arrival_list"),
    path("neuzugaenge/<int:pk>/", intake.arrival_detail, name="arrival_detail"),
    path("neuzugaenge/<int:pk>/erstkontakt/", intake.arrival_contact, name="arrival_contact"),
    path("neuzugaenge/<int:pk>/kein-bedarf/", intake.arrival_decline, name="arrival_decline"),
    path("neuzugaenge/<int:pk>/weiterleiten/", intake.arrival_forward, name="arrival_forward"),
    path("neuzugaenge/<int:pk>/zustaendig/", intake.arrival_caseworker, name="arrival_caseworker"),
    path("neuzugaenge/<int:pk>/beratung-beginnen/", intake.arrival_begin, name="arrival_begin"),
    path("neuzugaenge/<int:pk>/infoblatt.pdf", intake.arrival_info_sheet, name="arrival_info_sheet"),
]
