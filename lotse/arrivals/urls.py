"""The arrival journey's pages: the responsibilities for integration management per municipality."""

from django.urls import URLPattern, URLResolver, path

from lotse.arrivals.views import exchange, responsibilities

app_name = "arrivals"

urlpatterns: list[URLPattern | URLResolver] = [
    path("zustaendigkeiten/", responsibilities.responsibility_list, name="responsibility_list"),
    path("zustaendigkeiten/neu/", responsibilities.responsibility_create, name="responsibility_create"),
    path("zustaendigkeiten/<int:pk>/bearbeiten/", responsibilities.responsibility_edit, name="responsibility_edit"),
    path("zustaendigkeiten/<int:pk>/beenden/", responsibilities.responsibility_end, name="responsibility_end"),
    path("zustaendigkeiten/<int:pk>/entfernen/", responsibilities.responsibility_delete, name="responsibility_delete"),
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
]
