"""The arrival journey's pages: the responsibilities for integration management per municipality, and the new
arrivals (Neuzugänge) of the receiving organisation."""

from django.urls import URLPattern, URLResolver, path

from lotse.arrivals.views import exchange, intake, responsibilities
from lotse.arrivals.views import handover_sheets as sheets

app_name = "arrivals"

urlpatterns: list[URLPattern | URLResolver] = [
    path("zustaendigkeiten/", responsibilities.responsibility_list, name="responsibility_list"),
    path("zustaendigkeiten/neu/", responsibilities.responsibility_create, name="responsibility_create"),
    path("zustaendigkeiten/<int:pk>/bearbeiten/", responsibilities.responsibility_edit, name="responsibility_edit"),
    path("zustaendigkeiten/<int:pk>/beenden/", responsibilities.responsibility_end, name="responsibility_end"),
    path("zustaendigkeiten/<int:pk>/entfernen/", responsibilities.responsibility_delete, name="responsibility_delete"),
    # The handover sheet: the shelter's social service (sending) ...
    path("uebergabeboegen/", sheets.sheet_list, name="sheet_list"),
    path("uebergabeboegen/neu/<int:person>/", sheets.sheet_start, name="sheet_start"),
    path("uebergabeboegen/<int:pk>/", sheets.sheet_detail, name="sheet_detail"),
    path("uebergabeboegen/<int:pk>/bearbeiten/", sheets.sheet_edit, name="sheet_edit"),
    path("uebergabeboegen/<int:pk>/uebergeben/", sheets.sheet_send, name="sheet_send"),
    path("uebergabeboegen/<int:pk>/zurueckziehen/", sheets.sheet_withdraw, name="sheet_withdraw"),
    path("uebergabeboegen/<int:pk>/entfernen/", sheets.sheet_delete, name="sheet_delete"),
    path("uebergabeboegen/<int:pk>/uebergabebogen.pdf", sheets.sheet_print, name="sheet_print"),
    # ... and the integration management it is handed over to (receiving).
    path("uebergaben-aus-unterkuenften/", sheets.received_list, name="received_list"),
    path("uebergaben-aus-unterkuenften/<int:pk>/", sheets.received_detail, name="received_detail"),
    path(
        "uebergaben-aus-unterkuenften/<int:pk>/in-bestehenden-fall/",
        sheets.received_into_case,
        name="received_into_case",
    ),
    path("uebergaben-aus-unterkuenften/<int:pk>/uebergabebogen.pdf", sheets.received_print, name="received_print"),
    path("austausch/hinweise/<int:pk>/gesehen/", exchange.notice_seen, name="notice_seen"),
    path(
        "austausch/einwilligungen/<int:pk>/verknuepfung-anfragen/",
        exchange.link_request_create,
        name="link_request_create",
    ),
    path("austausch/anfragen/", exchange.link_request_list, name="link_request_list"),
    path("austausch/anfragen/<int:pk>/", exchange.link_request_detail, name="link_request_detail"),
    path("austausch/anfragen/<int:pk>/ablehnen/", exchange.link_request_decline, name="link_request_decline"),
    path("austausch/geplante-auszuege/", exchange.planned_move_out_list, name="planned_move_out_list"),
    path("neuzugaenge/", intake.arrival_list, name="arrival_list"),
    path("neuzugaenge/<int:pk>/", intake.arrival_detail, name="arrival_detail"),
    path("neuzugaenge/<int:pk>/erstkontakt/", intake.arrival_contact, name="arrival_contact"),
    path("neuzugaenge/<int:pk>/kein-bedarf/", intake.arrival_decline, name="arrival_decline"),
    path("neuzugaenge/<int:pk>/weiterleiten/", intake.arrival_forward, name="arrival_forward"),
    path("neuzugaenge/<int:pk>/zustaendig/", intake.arrival_caseworker, name="arrival_caseworker"),
    path("neuzugaenge/<int:pk>/beratung-beginnen/", intake.arrival_begin, name="arrival_begin"),
    path("neuzugaenge/<int:pk>/infoblatt.pdf", intake.arrival_info_sheet, name="arrival_info_sheet"),
]
